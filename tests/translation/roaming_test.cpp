// SPDX-License-Identifier: GPL-2.0-or-later
// OCPI <-> OCHP roaming end to end: the real hub (hub::app::App) in-process against a private
// redis-server, with four parties at once: an OCPI CPO and an OCPI eMSP (independent OCPI
// platforms over real loopback HTTP) and an OCHP CPO and an OCHP EMP (SOAP 1.1 envelopes with
// WS-Security over HTTP to the hub's OCHP endpoints). Every flow goes through the bus.
#include "../ocpi/platform.hpp"
#include "../ochp/service_env.hpp"

#include <app.hpp>

#include <test_support/http_call.hpp>
#include <test_support/raw_http.hpp>
#include <test_support/redis_fixture.hpp>

#include <rapidjson/document.h>

#include <gtest/gtest.h>

#include <iostream>
#include <set>

namespace {

using namespace hub::ochp;
using hub::model::PartyRef;
using hub::model::PartyRole;
using hub::model::Role;
using hub::test::OcpiPlatform;
using hub::test::Received;
using hub::test::sample_cdr;
using hub::test::sample_charge_point;
using hub::test::sample_tariff;
using hub::test::sample_token;

constexpr const char* kAdminToken = "admin-token-for-the-roaming-tests-01";
const PartyRef kOcpiCpo{"NL", "CP1"};
const PartyRef kOcpiEmsp{"NL", "MS1"};
const PartyRef kHubRef{"XX", "HUB"};
constexpr const char* kOchpCpoUser = "ochp-cpo";
constexpr const char* kOchpCpoPass = "cpo-secret-1";
constexpr const char* kOchpEmpUser = "ochp-emp";
constexpr const char* kOchpEmpPass = "emp-secret-1";

rapidjson::Document parse(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  return d;
}

bool has(const std::vector<Received>& rs, std::string_view method, std::string_view path) {
  return std::any_of(rs.begin(), rs.end(), [&](const Received& r) { return r.method == method && r.path == path; });
}

const Received* last(const std::vector<Received>& rs, std::string_view method, std::string_view path) {
  const Received* out = nullptr;
  for (const auto& r : rs) {
    if (r.method == method && r.path == path) {
      out = &r;
    }
  }
  return out;
}

/// An OCPI 2.2.1 Location of the OCPI CPO with two EVSEs (the second has no evse_id: OCHP
/// cannot express it) and fields OCHP has no place for (facilities, operator).
std::string ocpi_location(const std::string& id, const std::string& status = "AVAILABLE") {
  return R"({"country_code":"NL","party_id":"CP1","id":")" + id +
         R"(","publish":true,"name":"Centrum","address":"Main Street 1","city":"Amsterdam","postal_code":"1011AB",)"
         R"("country":"NLD","coordinates":{"latitude":"52.370216","longitude":"4.895168"},)"
         R"("operator":{"name":"Charge Co"},"facilities":["CAFE"],"time_zone":"Europe/Amsterdam",)"
         R"("evses":[{"uid":"EVSE1","evse_id":"NL*CP1*E1","status":")" +
         status +
         R"(","capabilities":["RFID_READER"],"connectors":[{"id":"1","standard":"IEC_62196_T2","format":"SOCKET",)"
         R"("power_type":"AC_3_PHASE","max_voltage":230,"max_amperage":16,"last_updated":"2026-11-25T10:00:00Z"}],)"
         R"("last_updated":"2026-11-25T10:00:00Z"},)"
         R"({"uid":"EVSE2","status":"AVAILABLE","connectors":[{"id":"1","standard":"IEC_62196_T2","format":"SOCKET",)"
         R"("power_type":"AC_3_PHASE","max_voltage":230,"max_amperage":16,"last_updated":"2026-11-25T10:00:00Z"}],)"
         R"("last_updated":"2026-11-25T10:00:00Z"}],"last_updated":"2026-11-25T10:00:00Z"})";
}

std::string ocpi_token(const std::string& uid, const std::string& contract = "NL-MS1-C12345678-X") {
  return R"({"country_code":"NL","party_id":"MS1","uid":")" + uid + R"(","type":"RFID","contract_id":")" + contract +
         R"(","visual_number":"NL-MS1-VIS","issuer":"eMSP One","valid":true,"whitelist":"ALLOWED",)"
         R"("language":"nl","last_updated":"2026-11-25T10:00:00Z"})";
}

/// A CDR of the OCPI CPO for a token of the OCHP EMP (DE*8AA).
std::string ocpi_cdr(const std::string& id) {
  return R"({"country_code":"NL","party_id":"CP1","id":")" + id +
         R"(","start_date_time":"2026-11-25T10:00:00Z","end_date_time":"2026-11-25T11:00:00Z",)"
         R"("cdr_token":{"country_code":"DE","party_id":"8AA","uid":"AABBCC01","type":"RFID",)"
         R"("contract_id":"DE-8AA-C00000001-1"},"auth_method":"WHITELIST",)"
         R"("cdr_location":{"id":"LOC1","address":"Main Street 1","city":"Amsterdam","postal_code":"1011AB",)"
         R"("country":"NLD","coordinates":{"latitude":"52.370216","longitude":"4.895168"},"evse_uid":"EVSE1",)"
         R"("evse_id":"NL*CP1*E1","connector_id":"1","connector_standard":"IEC_62196_T2","connector_format":"SOCKET",)"
         R"("connector_power_type":"AC_3_PHASE"},"currency":"EUR",)"
         R"("charging_periods":[{"start_date_time":"2026-11-25T10:00:00Z","dimensions":[{"type":"ENERGY","volume":10.5}]}],)"
         R"("total_cost":{"excl_vat":3.15,"incl_vat":3.75},"total_energy":10.5,"total_time":1.0,)"
         R"("last_updated":"2026-11-25T11:00:00Z"})";
}

std::string ocpi_tariff(const std::string& id) {
  return R"({"country_code":"NL","party_id":"CP1","id":")" + id +
         R"(","currency":"EUR","elements":[{"price_components":[{"type":"ENERGY","price":0.3,"step_size":1}]}],)"
         R"("last_updated":"2026-11-25T10:00:00Z"})";
}

class RoamingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto config = hub::test::test_hub_config(redis_.url(), data_.path(), kAdminToken);
    app_ = std::make_unique<hub::app::App>(config);
    app_->start();
    api_ = "http://127.0.0.1:" + std::to_string(app_->api_port());
    admin_ = "http://127.0.0.1:" + std::to_string(app_->admin_port());

    ocpi_cpo_ = &add_ocpi("Charge Co", {{Role::cpo, kOcpiCpo}});
    ocpi_emsp_ = &add_ocpi("eMSP One", {{Role::emsp, kOcpiEmsp}});
    ochp_cpo_ = add_ochp("OCHP CPO", kOchpCpoUser, kOchpCpoPass, "CPO", "DE", "ABC");
    ochp_emp_ = add_ochp("OCHP EMP", kOchpEmpUser, kOchpEmpPass, "EMSP", "DE", "8AA");
  }

  void TearDown() override {
    // Every OCPI exchange of the OCPI parties, including what the hub translated from OCHP,
    // validates against the official OpenAPI description.
    auto run = hub::test::check_openapi(platforms_, data_.path().string(), HUB_SHARED_SPEC_DIR, HUB_SOURCE_DIR);
    if (run.skipped) {
      std::cout << "[ SKIPPED  ] " << run.output << "\n";
    } else {
      EXPECT_EQ(run.exit_code, 0) << run.output;
      std::cout << "[ OpenAPI  ] " << run.checked << " OCPI exchanges checked\n";
    }
    platforms_.clear();
    app_->request_stop();
    EXPECT_EQ(app_->wait(), 0);
  }

  hub::http::Headers admin_headers() { return {{"Authorization", std::string("Bearer ") + kAdminToken}}; }

  hub::http::ClientResult admin(const std::string& method, const std::string& path, const std::string& body = {}) {
    return caller_.call(method, admin_ + path, body, admin_headers());
  }

  OcpiPlatform& add_ocpi(const std::string& name, std::vector<PartyRole> roles) {
    std::string body = "{\"name\":\"" + name + "\",\"protocol\":\"ocpi\",\"roles\":[{\"role\":\"" +
                       std::string(hub::model::to_string(roles[0].role)) + "\",\"country_code\":\"" +
                       roles[0].ref.country_code + "\",\"party_id\":\"" + roles[0].ref.party_id + "\"}]}";
    auto r = admin("POST", "/admin/parties", body);
    EXPECT_EQ(r.status, 201) << r.response.body;
    auto d = parse(r.response.body);
    auto p = std::make_unique<OcpiPlatform>(name, roles);
    std::string failure;
    EXPECT_TRUE(p->register_with(api_ + "/ocpi/versions", d["token_a"].GetString(), &failure)) << failure;
    ids_[p.get()] = d["id"].GetString();
    platforms_.push_back(std::move(p));
    return *platforms_.back();
  }

  std::string add_ochp(const std::string& name, const std::string& user, const std::string& pass,
                       const std::string& role, const std::string& cc, const std::string& pid) {
    auto r = admin("POST", "/admin/parties",
                   "{\"name\":\"" + name + "\",\"protocol\":\"ochp\",\"username\":\"" + user + "\",\"password\":\"" +
                       pass + "\",\"roles\":[{\"role\":\"" + role + "\",\"country_code\":\"" + cc +
                       "\",\"party_id\":\"" + pid + "\"}]}");
    EXPECT_EQ(r.status, 201) << r.response.body;
    auto d = parse(r.response.body);
    return d.IsObject() && d.HasMember("id") ? d["id"].GetString() : "";
  }

  /// One SOAP call to the hub's OCHP endpoint with a UsernameToken; the parsed answer.
  template <class T>
  T soap(const Request& request, const std::string& user, const std::string& pass,
         const std::string& path = "/service/ochp/v1.4") {
    UsernameToken token;
    token.username = user;
    token.password = pass;
    token.password_type = std::string(kPasswordTextType);
    auto res = caller_.call("POST", api_ + path, serialize_request(request, token), {{"SOAPAction", "\"\""}});
    Limits l;
    l.max_envelope_bytes = 1u << 30;
    auto parsed = parse_response(res.response.body, l);
    EXPECT_TRUE(parsed.has_value()) << res.response.body.substr(0, 2000);
    if (!parsed) {
      return T{};
    }
    const T* t = std::get_if<T>(&*parsed);
    EXPECT_NE(t, nullptr) << res.response.body.substr(0, 2000);
    return t != nullptr ? *t : T{};
  }
  template <class T>
  T as_ochp_cpo(const Request& r, const std::string& path = "/service/ochp/v1.4") {
    return soap<T>(r, kOchpCpoUser, kOchpCpoPass, path);
  }
  template <class T>
  T as_ochp_emp(const Request& r, const std::string& path = "/service/ochp/v1.4") {
    return soap<T>(r, kOchpEmpUser, kOchpEmpPass, path);
  }

  std::string url(std::string_view interface, std::string_view module) const {
    return api_ + "/ocpi/2.2.1/" + std::string(interface) + "/" + std::string(module);
  }

  /// Polls `pred` over an OCHP pull until it holds (the bus delivers asynchronously).
  template <class F>
  bool eventually(F pred, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      if (pred()) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling interval, not synchronisation
    }
    return pred();
  }

  static std::set<std::string> evse_ids(const std::vector<ChargePointInfo>& v) {
    std::set<std::string> out;
    for (const auto& cp : v) {
      out.insert(cp.evse_id);
    }
    return out;
  }

  /// Dead letters of a destination party.
  rapidjson::Document dead(const std::string& party) {
    auto r = admin("GET", "/admin/deliveries?party=" + party + "&state=dead");
    return parse(r.response.body);
  }

  hub::test::RedisServer redis_;
  hub::test::TempDir data_;
  std::unique_ptr<hub::app::App> app_;
  std::string api_;
  std::string admin_;
  hub::test::HttpCaller caller_;
  std::vector<std::unique_ptr<OcpiPlatform>> platforms_;
  std::map<const OcpiPlatform*, std::string> ids_;
  OcpiPlatform* ocpi_cpo_ = nullptr;
  OcpiPlatform* ocpi_emsp_ = nullptr;
  std::string ochp_cpo_;
  std::string ochp_emp_;
};

TEST_F(RoamingTest, OchpChargePointsReachOcpiEmspsAsLocationsAndCanBePulled) {
  SetChargePointListRequest set;
  set.charge_point_info_array = {sample_charge_point("DE*ABC*E0001"), sample_charge_point("DE*ABC*E0002")};
  auto r = as_ochp_cpo<SetChargePointListResponse>(Request{set});
  ASSERT_EQ(r.result.code, "ok") << r.result.description.value_or("");

  // PUT of the whole Location to the OCPI eMSP, FROM the OCHP CPO's role.
  ASSERT_TRUE(ocpi_emsp_->wait_for([](const auto& rs) { return has(rs, "PUT", "/2.2.1/locations/DE/ABC/LOC1"); }));
  const auto emsp_got = ocpi_emsp_->received();
  const auto* put = last(emsp_got, "PUT", "/2.2.1/locations/DE/ABC/LOC1");
  EXPECT_EQ(put->header("OCPI-from-country-code"), "DE");
  EXPECT_EQ(put->header("OCPI-from-party-id"), "ABC");
  auto loc = parse(put->body);
  ASSERT_TRUE(loc.IsObject()) << put->body;
  EXPECT_STREQ(loc["postal_code"].GetString(), "10115");
  ASSERT_EQ(loc["evses"].Size(), 2u);
  std::set<std::string> ids{loc["evses"][0]["evse_id"].GetString(), loc["evses"][1]["evse_id"].GetString()};
  EXPECT_EQ(ids, (std::set<std::string>{"DE*ABC*E0001", "DE*ABC*E0002"}));
  // The OCPI CPO does not receive locations (it is not a receiver of them).
  EXPECT_EQ(ocpi_cpo_->count("PUT", "/2.2.1/locations"), 0u);

  // The same Location can be pulled from the hub (GET-All addressed to the hub).
  auto pulled = ocpi_emsp_->call_routed("GET", url("sender", "locations"), {}, kHubRef);
  ASSERT_EQ(pulled.status, 200) << pulled.response.body;
  EXPECT_NE(pulled.response.body.find("\"DE*ABC*E0002\""), std::string::npos) << pulled.response.body;

  // Update: one EVSE changes -> the Location again; Set without E0002 -> its removal.
  UpdateChargePointListRequest upd;
  upd.charge_point_info_array = {sample_charge_point("DE*ABC*E0001")};
  upd.charge_point_info_array[0].connectors[0].connector_format = "Cable";
  ASSERT_EQ(as_ochp_cpo<UpdateChargePointListResponse>(Request{upd}).result.code, "ok");
  ASSERT_TRUE(ocpi_emsp_->wait_for([](const auto& rs) {
    const auto* p = last(rs, "PUT", "/2.2.1/locations/DE/ABC/LOC1");
    return p != nullptr && p->body.find("\"CABLE\"") != std::string::npos;
  }));
  SetChargePointListRequest set2;
  set2.charge_point_info_array = {upd.charge_point_info_array[0]};
  ASSERT_EQ(as_ochp_cpo<SetChargePointListResponse>(Request{set2}).result.code, "ok");
  ASSERT_TRUE(ocpi_emsp_->wait_for([](const auto& rs) {
    for (const auto& r : rs) {
      if (r.path.rfind("/2.2.1/locations/DE/ABC/LOC1/", 0) == 0 && r.body.find("\"REMOVED\"") != std::string::npos) {
        return true;
      }
    }
    return false;
  }));

  // Live status: UpdateStatus -> PATCH of the EVSE's status.
  UpdateStatusRequest st;
  EvseStatus s;
  s.evse_id = "DE*ABC*E0001";
  s.major = "not-available";
  s.minor = "charging";
  st.evse = {s};
  ASSERT_EQ(as_ochp_cpo<UpdateStatusResponse>(Request{st}, "/live/ochp/v1.4").result.code, "ok");
  ASSERT_TRUE(ocpi_emsp_->wait_for([](const auto& rs) {
    for (const auto& r : rs) {
      if (r.method == "PATCH" && r.path.rfind("/2.2.1/locations/DE/ABC/LOC1/", 0) == 0 &&
          r.body.find("\"CHARGING\"") != std::string::npos) {
        return true;
      }
    }
    return false;
  }));
}

TEST_F(RoamingTest, OcpiLocationsAppearInOchpListsUpdatesAndStatus) {
  auto p = ocpi_cpo_->call_routed("PUT", url("receiver", "locations") + "/NL/CP1/LOC1", ocpi_location("LOC1"), kHubRef);
  ASSERT_EQ(hub::test::envelope_status(p.response.body), 1000) << p.response.body;

  // The OCHP EMP's full list: the expressible EVSE only.
  ASSERT_TRUE(eventually([&] {
    auto list = as_ochp_emp<GetChargePointListResponse>(Request{GetChargePointListRequest{}});
    return evse_ids(list.charge_point_info_array).count("NL*CP1*E1") == 1;
  }));
  auto list = as_ochp_emp<GetChargePointListResponse>(Request{GetChargePointListRequest{}});
  EXPECT_EQ(evse_ids(list.charge_point_info_array), (std::set<std::string>{"NL*CP1*E1"}));
  const auto& cp = list.charge_point_info_array.front();
  EXPECT_EQ(cp.location_id, "LOC1");
  EXPECT_EQ(cp.charge_point_address.zip_code, "1011AB");
  // The OCHP CPO sees it too (GetChargePointList is open to every partner).
  auto cpo_list = as_ochp_cpo<GetChargePointListResponse>(Request{GetChargePointListRequest{}});
  EXPECT_EQ(evse_ids(cpo_list.charge_point_info_array).count("NL*CP1*E1"), 1u);

  // Loss accounting: what OCHP could not carry, and the EVSE it could not express.
  auto notes = admin("GET", "/admin/translations?kind=location&key=NL/CP1/LOC1");
  ASSERT_EQ(notes.status, 200) << notes.response.body;
  auto nd = parse(notes.response.body);
  ASSERT_TRUE(nd.IsArray() && nd.Size() >= 1) << notes.response.body;
  std::set<std::string> lost;
  std::string refused;
  for (const auto& n : nd.GetArray()) {
    EXPECT_STREQ(n["direction"].GetString(), "ocpi_to_ochp");
    EXPECT_EQ(std::string(n["destination"].GetString()), ochp_emp_);
    for (const auto& l : n["lost"].GetArray()) {
      lost.insert(l.GetString());
    }
    if (n.HasMember("refused")) {
      refused = n["refused"].GetString();
    }
  }
  EXPECT_TRUE(lost.count("Location.facilities")) << notes.response.body;
  EXPECT_TRUE(lost.count("Location.operator")) << notes.response.body;
  EXPECT_NE(refused.find("evse_id"), std::string::npos) << notes.response.body;
  auto metrics = caller_.call("GET", admin_ + "/metrics");
  EXPECT_NE(metrics.response.body.find(
                R"(hub_translation_losses_total{direction="ocpi_to_ochp",field="Location.facilities",kind="location"})"),
            std::string::npos);
  // The party view lists the note too.
  auto by_party = admin("GET", "/admin/translations?party=" + ids_[ocpi_cpo_]);
  EXPECT_NE(by_party.response.body.find("NL/CP1/LOC1"), std::string::npos) << by_party.response.body;

  // Later changes: GetChargePointListUpdates and GetStatus.
  auto before = as_ochp_emp<GetChargePointListUpdatesResponse>(
      Request{GetChargePointListUpdatesRequest{"2021-01-01T00:00:00Z"}});
  EXPECT_EQ(evse_ids(before.charge_point_info_array), (std::set<std::string>{"NL*CP1*E1"}));
  auto patch = ocpi_cpo_->call_routed("PATCH", url("receiver", "locations") + "/NL/CP1/LOC1/EVSE1",
                                      R"({"status":"CHARGING","last_updated":"2026-11-25T10:05:00Z"})", kHubRef);
  ASSERT_EQ(hub::test::envelope_status(patch.response.body), 1000) << patch.response.body;
  ASSERT_TRUE(eventually([&] {
    auto status = as_ochp_emp<GetStatusResponse>(Request{GetStatusRequest{}}, "/live/ochp/v1.4");
    for (const auto& e : status.evse) {
      if (e.evse_id == "NL*CP1*E1" && e.minor.value_or("") == "charging") {
        return true;
      }
    }
    return false;
  }));
  // A removed EVSE: OCHP sees it as Closed in the updates and no longer in the list.
  auto removed = ocpi_cpo_->call_routed("PATCH", url("receiver", "locations") + "/NL/CP1/LOC1/EVSE1",
                                        R"({"status":"REMOVED","last_updated":"2026-11-25T10:06:00Z"})", kHubRef);
  ASSERT_EQ(hub::test::envelope_status(removed.response.body), 1000);
  ASSERT_TRUE(eventually([&] {
    auto l = as_ochp_emp<GetChargePointListResponse>(Request{GetChargePointListRequest{}});
    return evse_ids(l.charge_point_info_array).count("NL*CP1*E1") == 0;
  }));
  auto updates = as_ochp_emp<GetChargePointListUpdatesResponse>(
      Request{GetChargePointListUpdatesRequest{"2021-01-01T00:00:00Z"}});
  ASSERT_EQ(updates.charge_point_info_array.size(), 1u);
  EXPECT_EQ(updates.charge_point_info_array[0].status.value_or(""), "Closed");
}

TEST_F(RoamingTest, TokensBothWaysAndAuthorizeInBothDirections) {
  // OCPI eMSP token -> OCHP CPO's authorisation lists and single lookup.
  auto t = ocpi_emsp_->call_routed("PUT", url("receiver", "tokens") + "/NL/MS1/0102030405?type=RFID",
                                   ocpi_token("0102030405"), kHubRef);
  ASSERT_EQ(hub::test::envelope_status(t.response.body), 1000) << t.response.body;
  ASSERT_TRUE(eventually([&] {
    auto l = as_ochp_cpo<GetRoamingAuthorisationListResponse>(Request{GetRoamingAuthorisationListRequest{}});
    return l.roaming_authorisation_info_array.size() == 1;
  }));
  auto l = as_ochp_cpo<GetRoamingAuthorisationListResponse>(Request{GetRoamingAuthorisationListRequest{}});
  EXPECT_EQ(l.roaming_authorisation_info_array[0].contract_id, "NL-MS1-C12345678-X");
  EXPECT_EQ(l.roaming_authorisation_info_array[0].emt_id.instance, "0102030405");
  auto updates = as_ochp_cpo<GetRoamingAuthorisationListUpdatesResponse>(
      Request{GetRoamingAuthorisationListUpdatesRequest{"2021-01-01T00:00:00Z"}});
  EXPECT_EQ(updates.roaming_authorisation_info.size(), 1u);
  EmtId emt;
  emt.instance = "0102030405";
  emt.token_type = "rfid";
  auto single = as_ochp_cpo<GetSingleRoamingAuthorisationResponse>(Request{GetSingleRoamingAuthorisationRequest{emt}});
  EXPECT_EQ(single.result.code, "ok");
  ASSERT_TRUE(single.roaming_authorisation_info.has_value());
  EXPECT_EQ(single.roaming_authorisation_info->contract_id, "NL-MS1-C12345678-X");

  // The eMSP configured for real-time authorize: the OCHP CPO's single lookup asks it.
  auto patched = admin("PATCH", "/admin/parties/" + ids_[ocpi_emsp_], R"({"realtime_authorize":true})");
  ASSERT_EQ(patched.status, 200) << patched.response.body;
  EXPECT_TRUE(parse(patched.response.body)["realtime_authorize"].GetBool());
  ocpi_emsp_->set_authorization("0102030405", R"({"allowed":"BLOCKED","token":)" + ocpi_token("0102030405") + "}");
  ASSERT_TRUE(eventually([&] {  // the registry snapshot follows the change through pub/sub
    auto b = as_ochp_cpo<GetSingleRoamingAuthorisationResponse>(Request{GetSingleRoamingAuthorisationRequest{emt}});
    return !b.roaming_authorisation_info.has_value();
  }));
  auto blocked_single =
      as_ochp_cpo<GetSingleRoamingAuthorisationResponse>(Request{GetSingleRoamingAuthorisationRequest{emt}});
  EXPECT_EQ(blocked_single.result.code, "ok");
  EXPECT_NE(blocked_single.result.description.value_or("").find("BLOCKED"), std::string::npos);
  {
    const auto got = ocpi_emsp_->received();
    const auto* asked = last(got, "POST", "/2.2.1/sender/tokens/0102030405/authorize");
    ASSERT_NE(asked, nullptr);
    EXPECT_EQ(asked->query, "type=RFID");
    EXPECT_EQ(asked->header("OCPI-to-party-id"), "MS1");
  }
  ocpi_emsp_->set_authorization("0102030405", R"({"allowed":"ALLOWED","token":)" + ocpi_token("0102030405") + "}");
  auto allowed_single =
      as_ochp_cpo<GetSingleRoamingAuthorisationResponse>(Request{GetSingleRoamingAuthorisationRequest{emt}});
  ASSERT_TRUE(allowed_single.roaming_authorisation_info.has_value());
  EXPECT_EQ(allowed_single.roaming_authorisation_info->emt_id.instance, "0102030405");
  // The eMSP unreachable: answered from the hub's copy.
  ocpi_emsp_->set_down(true);
  auto fallback = as_ochp_cpo<GetSingleRoamingAuthorisationResponse>(Request{GetSingleRoamingAuthorisationRequest{emt}});
  EXPECT_TRUE(fallback.roaming_authorisation_info.has_value());
  ocpi_emsp_->set_down(false);

  // A token OCHP cannot express (contract id not an EMAID): refused with its reason, visible
  // to operators as a dead letter and a note.
  auto bad = ocpi_emsp_->call_routed("PUT", url("receiver", "tokens") + "/NL/MS1/BAD1?type=RFID",
                                     ocpi_token("BAD1", "NOT-AN-EMAID"), kHubRef);
  ASSERT_EQ(hub::test::envelope_status(bad.response.body), 1000);
  ASSERT_TRUE(eventually([&] {
    auto d = dead(ochp_cpo_);
    return d.IsArray() && d.Size() >= 1;
  }));
  auto d = dead(ochp_cpo_);
  EXPECT_STREQ(d[0]["reason"].GetString(), "not_expressible");
  EXPECT_STREQ(d[0]["kind"].GetString(), "token");
  auto note = admin("GET", "/admin/translations?kind=token&key=NL/MS1/BAD1%3Ftype%3DRFID");
  EXPECT_NE(note.response.body.find("\"refused\""), std::string::npos) << note.response.body;

  // OCHP EMP tokens -> PUT to the OCPI CPO.
  SetRoamingAuthorisationListRequest set;
  set.roaming_authorisation_info_array = {sample_token("AABBCC01", "DE-8AA-C00000001-1")};
  ASSERT_EQ(as_ochp_emp<SetRoamingAuthorisationListResponse>(Request{set}).result.code, "ok");
  ASSERT_TRUE(ocpi_cpo_->wait_for([](const auto& rs) { return has(rs, "PUT", "/2.2.1/tokens/DE/8AA/AABBCC01"); }));
  const auto cpo_got = ocpi_cpo_->received();
  const auto* put = last(cpo_got, "PUT", "/2.2.1/tokens/DE/8AA/AABBCC01");
  EXPECT_EQ(put->query, "type=RFID");
  auto tok = parse(put->body);
  EXPECT_STREQ(tok["contract_id"].GetString(), "DE*8AA*C00000001*1") << put->body;
  EXPECT_GT(std::string(tok["last_updated"].GetString()), std::string("2020-01-01"));

  // The OCPI CPO's real-time authorize for the OCHP EMP's token: answered from the whitelist.
  auto a = ocpi_cpo_->call_routed("POST", url("sender", "tokens") + "/AABBCC01/authorize?type=RFID",
                                  R"({"location_id":"LOC1"})", std::nullopt);
  ASSERT_EQ(a.status, 200) << a.response.body;
  ASSERT_EQ(hub::test::envelope_status(a.response.body), 1000) << a.response.body;
  EXPECT_STREQ(parse(hub::test::envelope_data(a.response.body))["allowed"].GetString(), "ALLOWED");
  auto unknown = ocpi_cpo_->call_routed("POST", url("sender", "tokens") + "/FFFF0000/authorize?type=RFID", {},
                                        std::nullopt);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(hub::test::envelope_status(unknown.response.body), 2004);
  // Removed from the OCHP whitelist (a new full list without it) -> the OCPI CPO gets it as
  // invalid, and authorize no longer allows it.
  SetRoamingAuthorisationListRequest other;
  other.roaming_authorisation_info_array = {sample_token("AABBCC02", "DE-8AA-C00000002-2")};
  ASSERT_EQ(as_ochp_emp<SetRoamingAuthorisationListResponse>(Request{other}).result.code, "ok");
  ASSERT_TRUE(ocpi_cpo_->wait_for([](const auto& rs) {
    const auto* p = last(rs, "PUT", "/2.2.1/tokens/DE/8AA/AABBCC01");
    return p != nullptr && p->body.find("\"valid\":false") != std::string::npos;
  }));
  auto blocked = ocpi_cpo_->call_routed("POST", url("sender", "tokens") + "/AABBCC01/authorize?type=RFID", {},
                                        std::nullopt);
  ASSERT_EQ(hub::test::envelope_status(blocked.response.body), 1000) << blocked.response.body;
  EXPECT_STRNE(parse(hub::test::envelope_data(blocked.response.body))["allowed"].GetString(), "ALLOWED");
}

TEST_F(RoamingTest, OchpCdrsReachTheOcpiEmspWithTheirLocationAndNoneIsLostWhileItIsDown) {
  SetChargePointListRequest set;
  set.charge_point_info_array = {sample_charge_point("DE*ABC*E0001")};
  ASSERT_EQ(as_ochp_cpo<SetChargePointListResponse>(Request{set}).result.code, "ok");

  ocpi_emsp_->set_down(true);
  constexpr int kCdrs = 300;
  for (int at = 0; at < kCdrs; at += 100) {
    AddCdrsRequest add;
    for (int i = at; i < at + 100; ++i) {
      add.cdr_info_array.push_back(sample_cdr("DEABC" + std::to_string(100000 + i), "DE*ABC*E0001", "NL-MS1-C12345678-X"));
    }
    auto r = as_ochp_cpo<AddCdrsResponse>(Request{add});
    ASSERT_EQ(r.result.code, "ok") << r.result.description.value_or("");
  }
  ocpi_emsp_->set_down(false);
  ASSERT_TRUE(ocpi_emsp_->wait_for_distinct_ids("POST", "/2.2.1/cdrs", kCdrs, std::chrono::seconds(240)));
  const auto emsp_got = ocpi_emsp_->received();
  const auto* post = last(emsp_got, "POST", "/2.2.1/cdrs");
  auto cdr = parse(post->body);
  ASSERT_TRUE(cdr.IsObject()) << post->body;
  // cdr_location completed from the hub's location store.
  EXPECT_STREQ(cdr["cdr_location"]["id"].GetString(), "LOC1");
  EXPECT_STREQ(cdr["cdr_location"]["evse_id"].GetString(), "DE*ABC*E0001");
  EXPECT_STREQ(cdr["cdr_location"]["coordinates"]["latitude"].GetString(), "52.520008");
  EXPECT_STREQ(cdr["country_code"].GetString(), "DE");
  EXPECT_STREQ(cdr["party_id"].GetString(), "ABC");
  EXPECT_STREQ(cdr["currency"].GetString(), "EUR");
  EXPECT_EQ(post->header("OCPI-to-party-id"), "MS1");
  // OCHP CDRs carry no change time: the hub's receive time stands in (never the Unix epoch).
  EXPECT_GT(std::string(cdr["last_updated"].GetString()), std::string("2020-01-01"));
}

TEST_F(RoamingTest, OcpiCdrsReachTheOchpEmpWhichConfirmsOrDeclinesThem) {
  for (const char* id : {"CDR1", "CDR2"}) {
    auto c = ocpi_cpo_->call_routed("POST", url("receiver", "cdrs"), ocpi_cdr(id), std::nullopt);
    ASSERT_EQ(c.status, 201) << c.response.body;
  }
  // The OCHP EMP is "down" all along (it pulls): the CDRs wait for it in the clearing house.
  ASSERT_TRUE(eventually([&] {
    return as_ochp_emp<GetCdrsResponse>(Request{GetCdrsRequest{}}).cdr_info_array.size() == 2;
  }));
  auto got = as_ochp_emp<GetCdrsResponse>(Request{GetCdrsRequest{}});
  std::set<std::string> ids;
  for (const auto& c : got.cdr_info_array) {
    ids.insert(c.cdr_id);
    EXPECT_EQ(c.evse_id, "NL*CP1*E1");
    EXPECT_EQ(c.contract_id, "DE-8AA-C00000001-1");
    EXPECT_EQ(c.currency, "EUR");
    EXPECT_EQ(c.status, "accepted");
  }
  EXPECT_EQ(ids, (std::set<std::string>{"NLCP1CDR1", "NLCP1CDR2"}));
  ConfirmCdrsRequest confirm;
  confirm.approved = {CdrConfirmation{"NLCP1CDR1", "NL*CP1*E1"}};
  confirm.declined = {CdrConfirmation{"NLCP1CDR2", "NL*CP1*E1"}};
  ASSERT_EQ(as_ochp_emp<ConfirmCdrsResponse>(Request{confirm}).result.code, "ok");
  EXPECT_TRUE(as_ochp_emp<GetCdrsResponse>(Request{GetCdrsRequest{}}).cdr_info_array.empty());

  // The declined CDR is recorded and visible to operators.
  auto declined = admin("GET", "/admin/cdrs?status=declined");
  ASSERT_EQ(declined.status, 200) << declined.response.body;
  auto dd = parse(declined.response.body);
  ASSERT_TRUE(dd.IsArray());
  ASSERT_EQ(dd.Size(), 1u) << declined.response.body;
  EXPECT_STREQ(dd[0]["cdr_id"].GetString(), "NLCP1CDR2");
  EXPECT_STREQ(dd[0]["cpo"].GetString(), ids_[ocpi_cpo_].c_str());
  EXPECT_STREQ(dd[0]["emp"].GetString(), ochp_emp_.c_str());
  auto metrics = caller_.call("GET", admin_ + "/metrics");
  EXPECT_NE(metrics.response.body.find(R"(hub_cdrs_declined_total{cpo_protocol="ocpi"} 1)"), std::string::npos);
  auto bad_status = admin("GET", "/admin/cdrs?status=lost");
  EXPECT_EQ(bad_status.status, 400);
}

TEST_F(RoamingTest, TariffsBothWays) {
  UpdateTariffsRequest up;
  up.tariff_info_array = {sample_tariff("DE*ABC*T12")};
  ASSERT_EQ(as_ochp_cpo<UpdateTariffsResponse>(Request{up}).result.code, "ok");
  ASSERT_TRUE(ocpi_emsp_->wait_for([](const auto& rs) { return has(rs, "PUT", "/2.2.1/tariffs/DE/ABC/12"); }));
  const auto emsp_got = ocpi_emsp_->received();
  auto tariff = parse(last(emsp_got, "PUT", "/2.2.1/tariffs/DE/ABC/12")->body);
  EXPECT_STREQ(tariff["currency"].GetString(), "EUR");

  auto p = ocpi_cpo_->call_routed("PUT", url("receiver", "tariffs") + "/NL/CP1/T1", ocpi_tariff("T1"), kHubRef);
  ASSERT_EQ(hub::test::envelope_status(p.response.body), 1000) << p.response.body;
  ASSERT_TRUE(eventually([&] {
    auto u = as_ochp_emp<GetTariffUpdatesResponse>(Request{GetTariffUpdatesRequest{}});
    for (const auto& t : u.tariff_info_array) {
      if (t.tariff_id == "NL*CP1*TT1") {
        return true;
      }
    }
    return false;
  }));
  // Deleted on the OCPI side: gone from the OCHP tariffs.
  auto del = ocpi_cpo_->call_routed("DELETE", url("receiver", "tariffs") + "/NL/CP1/T1", {}, kHubRef);
  ASSERT_EQ(hub::test::envelope_status(del.response.body), 1000) << del.response.body;
  ASSERT_TRUE(eventually([&] {
    auto u = as_ochp_emp<GetTariffUpdatesResponse>(Request{GetTariffUpdatesRequest{}});
    return std::none_of(u.tariff_info_array.begin(), u.tariff_info_array.end(),
                        [](const TariffInfo& t) { return t.tariff_id == "NL*CP1*TT1"; });
  }));
}

TEST_F(RoamingTest, SessionsForAnOchpEmpAreNotedNotDeadLettered) {
  auto session = R"({"country_code":"NL","party_id":"CP1","id":"S1","start_date_time":"2026-11-25T10:00:00Z","kwh":0,)"
                 R"("cdr_token":{"country_code":"DE","party_id":"8AA","uid":"AABBCC01","type":"RFID","contract_id":"DE-8AA-C00000001-1"},)"
                 R"("auth_method":"WHITELIST","location_id":"LOC1","evse_uid":"EVSE1","connector_id":"1","currency":"EUR",)"
                 R"("status":"ACTIVE","last_updated":"2026-11-25T10:00:00Z"})";
  auto s = ocpi_cpo_->call_routed("PUT", url("receiver", "sessions") + "/NL/CP1/S1", session, kHubRef);
  ASSERT_EQ(hub::test::envelope_status(s.response.body), 1000) << s.response.body;
  ASSERT_TRUE(eventually([&] {
    auto n = admin("GET", "/admin/translations?kind=session&key=NL/CP1/S1");
    return n.response.body.find("OCHP 1.4 has no session") != std::string::npos;
  }));
  auto d = dead(ochp_emp_);
  ASSERT_TRUE(d.IsArray());
  EXPECT_EQ(d.Size(), 0u);
}

TEST_F(RoamingTest, SoapIsAcceptedChunkedAndBulkEnvelopesPassTheRestBodyLimit) {
  // A chunked SOAP request (three chunks) on the hub's API listener.
  UsernameToken token;
  token.username = kOchpEmpUser;
  token.password = kOchpEmpPass;
  token.password_type = std::string(kPasswordTextType);
  const auto xml = serialize_request(Request{GetChargePointListRequest{}}, token);
  std::string chunked;
  const std::size_t third = xml.size() / 3;
  for (std::size_t at = 0; at < xml.size(); at += third) {
    auto part = xml.substr(at, third);
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", part.size());
    chunked += size + part + "\r\n";
  }
  chunked += "0\r\n\r\n";
  hub::test::RawConnection c(app_->api_port());
  ASSERT_TRUE(c.send("POST /service/ochp/v1.4 HTTP/1.1\r\nHost: hub\r\nContent-Type: text/xml; charset=utf-8\r\n"
                     "SOAPAction: \"\"\r\nTransfer-Encoding: chunked\r\n\r\n" +
                     chunked));
  auto answer = c.read_response();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->rfind("HTTP/1.1 200", 0), 0u) << answer->substr(0, 300);
  EXPECT_NE(answer->find(">ok<"), std::string::npos) << answer->substr(0, 2000);

  // The API listener's REST limit (api.body_limit, 4 MiB by default) does not cut bulk SOAP
  // uploads: a 5 MB SetChargepointList is accepted, a 6 MB OCPI body is refused with 413.
  SetChargePointListRequest set;
  for (int i = 0; set.charge_point_info_array.size() < 4500; ++i) {
    set.charge_point_info_array.push_back(sample_charge_point("DE*ABC*E" + std::to_string(10000 + i)));
  }
  UsernameToken cpo;
  cpo.username = kOchpCpoUser;
  cpo.password = kOchpCpoPass;
  cpo.password_type = std::string(kPasswordTextType);
  auto big = serialize_request(Request{set}, cpo);
  ASSERT_GT(big.size(), 5u << 20);
  auto r = caller_.call("POST", api_ + "/service/ochp/v1.4", big, {{"SOAPAction", "\"\""}});
  ASSERT_EQ(r.status, 200) << r.response.body.substr(0, 500);
  EXPECT_NE(r.response.body.find(">ok<"), std::string::npos) << r.response.body.substr(0, 500);
  // (The HTTP layer refuses it before authentication, so no token is needed here.)
  auto rest = caller_.call("PUT", url("receiver", "locations") + "/NL/CP1/BIG",
                           "{\"pad\":\"" + std::string(6u << 20, 'x') + "\"}");
  EXPECT_EQ(rest.status, 413);
}

TEST_F(RoamingTest, CdrsWhoseIdsCollideInOchpAreRefusedNotDropped) {
  // "CDR-7" and "CDR_7" are two CDRs in OCPI but one CdrId in OCHP (NLCP1CDR7).
  for (const char* id : {"CDR-7", "CDR_7"}) {
    auto c = ocpi_cpo_->call_routed("POST", url("receiver", "cdrs"), ocpi_cdr(id), std::nullopt);
    ASSERT_EQ(c.status, 201) << c.response.body;
  }
  ASSERT_TRUE(eventually([&] {
    auto d = dead(ochp_emp_);
    return d.IsArray() && d.Size() == 1;
  }));
  auto d = dead(ochp_emp_);
  EXPECT_STREQ(d[0]["kind"].GetString(), "cdr");
  EXPECT_STREQ(d[0]["reason"].GetString(), "not_expressible");
  EXPECT_NE(std::string(d[0]["answer"].GetString()).find("NLCP1CDR7"), std::string::npos) << d[0]["answer"].GetString();
  auto got = as_ochp_emp<GetCdrsResponse>(Request{GetCdrsRequest{}});
  ASSERT_EQ(got.cdr_info_array.size(), 1u);
  EXPECT_EQ(got.cdr_info_array[0].cdr_id, "NLCP1CDR7");
}

TEST_F(RoamingTest, ABacklogReplayedAfterAnOutageDoesNotRevertTheHubsCopy) {
  // A second OCPI CPO that is down: its lane holds the older token state while the first CPO
  // already has the newest; the hub's copy (authorize from the whitelist) stays the newest (the
  // bus skips superseded states, and the OCPI store does not take a state older than its own).
  auto& cpo2 = add_ocpi("Charge Two", {{Role::cpo, PartyRef{"NL", "CP2"}}});
  cpo2.set_down(true);
  SetRoamingAuthorisationListRequest set;
  set.roaming_authorisation_info_array = {sample_token("AABBCC01", "DE-8AA-C00000001-1")};
  ASSERT_EQ(as_ochp_emp<SetRoamingAuthorisationListResponse>(Request{set}).result.code, "ok");
  ASSERT_TRUE(ocpi_cpo_->wait_for([](const auto& rs) { return has(rs, "PUT", "/2.2.1/tokens/DE/8AA/AABBCC01"); }));
  SetRoamingAuthorisationListRequest other;
  other.roaming_authorisation_info_array = {sample_token("AABBCC02", "DE-8AA-C00000002-2")};
  ASSERT_EQ(as_ochp_emp<SetRoamingAuthorisationListResponse>(Request{other}).result.code, "ok");
  ASSERT_TRUE(ocpi_cpo_->wait_for([](const auto& rs) {
    const auto* p = last(rs, "PUT", "/2.2.1/tokens/DE/8AA/AABBCC01");
    return p != nullptr && p->body.find("\"valid\":false") != std::string::npos && p->query == "type=RFID";
  }));
  // The down CPO's lane has tried the older (valid) state at least a few times by now.
  ASSERT_TRUE(eventually([&] {
    auto d = admin("GET", "/admin/deliveries?party=" + ids_[&cpo2] + "&state=pending");
    return d.response.body.find("AABBCC01") != std::string::npos;
  }));
  for (int i = 0; i < 3; ++i) {
    auto blocked = ocpi_cpo_->call_routed("POST", url("sender", "tokens") + "/AABBCC01/authorize?type=RFID", {},
                                          std::nullopt);
    ASSERT_EQ(hub::test::envelope_status(blocked.response.body), 1000) << blocked.response.body;
    EXPECT_STRNE(parse(hub::test::envelope_data(blocked.response.body))["allowed"].GetString(), "ALLOWED");
  }
  // Back up: it receives the states in order, ending with the removal.
  cpo2.set_down(false);
  ASSERT_TRUE(cpo2.wait_for([](const auto& rs) {
    const auto* p = last(rs, "PUT", "/2.2.1/tokens/DE/8AA/AABBCC01");
    return p != nullptr && p->body.find("\"valid\":false") != std::string::npos;
  }));
}

}  // namespace
