// SPDX-License-Identifier: GPL-2.0-or-later
// The OCHP clearing house end to end: real HTTP over loopback into the hub's HttpServer, a real
// redis-server, the registry and the bus; requests built and answers parsed by our codec.
#include "service_env.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace hub::ochp {
namespace {

using test::OchpServiceEnv;
using test::sample_cdr;
using test::sample_charge_point;
using test::sample_tariff;
using test::sample_token;

constexpr const char* kCpoUser = "cpo-a";
constexpr const char* kCpoPass = "cpo-a-secret";
constexpr const char* kCpoBUser = "cpo-b";
constexpr const char* kCpoBPass = "cpo-b-secret";
constexpr const char* kEmpUser = "emp-x";
constexpr const char* kEmpPass = "emp-x-secret";

class ClearingHouseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = std::make_unique<OchpServiceEnv>();
    cpo_ = env_->add_party(kCpoUser, kCpoPass, {{model::Role::cpo, "DE", "ABC"}});
    cpo_b_ = env_->add_party(kCpoBUser, kCpoBPass, {{model::Role::cpo, "DE", "XYZ"}});
    emp_ = env_->add_party(kEmpUser, kEmpPass, {{model::Role::emsp, "DE", "8AA"}});
  }

  template <class T>
  T as_cpo(const Request& r) {
    return expect<T>(env_->call(r, kCpoUser, kCpoPass));
  }
  template <class T>
  T as_emp(const Request& r) {
    return expect<T>(env_->call(r, kEmpUser, kEmpPass));
  }
  template <class T>
  T expect(Result<Response> r) {
    EXPECT_TRUE(r.has_value()) << env_->last_body().substr(0, 2000);
    if (!r) {
      return T{};
    }
    const T* t = std::get_if<T>(&*r);
    EXPECT_NE(t, nullptr);
    return t != nullptr ? *t : T{};
  }

  /// The CPO's charge point DE*ABC*E0001 (CDRs refer to stored EVSEs).
  void upload_charge_points() {
    SetChargePointListRequest set;
    set.charge_point_info_array = {sample_charge_point("DE*ABC*E0001")};
    ASSERT_EQ(as_cpo<SetChargePointListResponse>(Request{set}).result.code, "ok");
  }

  /// Simulated time: every change recorded so far moves to 2020-09-13.
  void age(const std::string& zset) {
    auto r = env_->redis({"EVAL",
                          "for _,m in ipairs(redis.call('ZRANGE',KEYS[1],0,-1)) do "
                          "redis.call('ZADD',KEYS[1],1600000000000,m) end return 1",
                          "1", zset});
    ASSERT_TRUE(r.has_value());
  }

  static std::set<std::string> evse_ids(const std::vector<ChargePointInfo>& v) {
    std::set<std::string> out;
    for (const auto& cp : v) {
      out.insert(cp.evse_id);
    }
    return out;
  }

  std::unique_ptr<OchpServiceEnv> env_;
  std::string cpo_;
  std::string cpo_b_;
  std::string emp_;
};

TEST_F(ClearingHouseTest, CpoUploadsListEmpPullsItAndLaterItsUpdates) {
  SetChargePointListRequest set;
  for (int i = 1; i <= 3; ++i) {
    set.charge_point_info_array.push_back(sample_charge_point("DE*ABC*E000" + std::to_string(i)));
  }
  auto r = as_cpo<SetChargePointListResponse>(Request{set});
  EXPECT_EQ(r.result.code, "ok") << r.result.description.value_or("");
  EXPECT_TRUE(r.refused_charge_point_info.empty());

  auto list = as_emp<GetChargePointListResponse>(Request{GetChargePointListRequest{}});
  EXPECT_EQ(list.result.code, "ok");
  EXPECT_EQ(evse_ids(list.charge_point_info_array),
            (std::set<std::string>{"DE*ABC*E0001", "DE*ABC*E0002", "DE*ABC*E0003"}));

  // Later: one EVSE changes (Update), then a new full list drops E0003 and adds E0004.
  age("ochp:cp:t:" + cpo_);
  UpdateChargePointListRequest upd;
  upd.charge_point_info_array.push_back(sample_charge_point("DE*ABC*E0001"));
  upd.charge_point_info_array.back().connectors[0].connector_format = "Cable";
  auto u = as_cpo<UpdateChargePointListResponse>(Request{upd});
  EXPECT_EQ(u.result.code, "ok") << u.result.description.value_or("");

  SetChargePointListRequest set2;
  for (const char* id : {"DE*ABC*E0001", "DE*ABC*E0002", "DE*ABC*E0004"}) {
    set2.charge_point_info_array.push_back(sample_charge_point(id));
  }
  set2.charge_point_info_array[0].connectors[0].connector_format = "Cable";
  auto r2 = as_cpo<SetChargePointListResponse>(Request{set2});
  EXPECT_EQ(r2.result.code, "ok");

  auto updates = as_emp<GetChargePointListUpdatesResponse>(
      Request{GetChargePointListUpdatesRequest{"2021-01-01T00:00:00Z"}});
  EXPECT_EQ(updates.result.code, "ok");
  // E0002 did not change: not returned. E0003 vanished: returned as a removal (status Closed).
  EXPECT_EQ(evse_ids(updates.charge_point_info_array),
            (std::set<std::string>{"DE*ABC*E0001", "DE*ABC*E0003", "DE*ABC*E0004"}));
  for (const auto& cp : updates.charge_point_info_array) {
    if (cp.evse_id == "DE*ABC*E0003") {
      EXPECT_EQ(cp.status.value_or(""), "Closed");
    }
    if (cp.evse_id == "DE*ABC*E0001") {
      EXPECT_EQ(cp.connectors.at(0).connector_format, "Cable");
    }
  }
  auto list2 = as_emp<GetChargePointListResponse>(Request{GetChargePointListRequest{}});
  EXPECT_EQ(evse_ids(list2.charge_point_info_array),
            (std::set<std::string>{"DE*ABC*E0001", "DE*ABC*E0002", "DE*ABC*E0004"}));
}

TEST_F(ClearingHouseTest, EmpUploadsTokensCpoPullsThem) {
  SetRoamingAuthorisationListRequest set;
  set.roaming_authorisation_info_array = {sample_token("AABBCC01", "DE-8AA-C00000001-1"),
                                          sample_token("AABBCC02", "DE-8AA-C00000002-2")};
  auto r = as_emp<SetRoamingAuthorisationListResponse>(Request{set});
  EXPECT_EQ(r.result.code, "ok") << r.result.description.value_or("");

  auto list = as_cpo<GetRoamingAuthorisationListResponse>(Request{GetRoamingAuthorisationListRequest{}});
  EXPECT_EQ(list.result.code, "ok");
  ASSERT_EQ(list.roaming_authorisation_info_array.size(), 2u);

  EmtId emt;
  emt.instance = "AABBCC02";
  emt.token_type = "rfid";
  auto single = as_cpo<GetSingleRoamingAuthorisationResponse>(Request{GetSingleRoamingAuthorisationRequest{emt}});
  EXPECT_EQ(single.result.code, "ok");
  ASSERT_TRUE(single.roaming_authorisation_info.has_value());
  EXPECT_EQ(single.roaming_authorisation_info->emt_id.instance, "AABBCC02");

  // A new full list without token 1: the CPO sees it in the updates with an expiry in the past.
  age("ochp:tok:t:" + emp_);
  SetRoamingAuthorisationListRequest set2;
  set2.roaming_authorisation_info_array = {sample_token("AABBCC02", "DE-8AA-C00000002-2")};
  EXPECT_EQ(as_emp<SetRoamingAuthorisationListResponse>(Request{set2}).result.code, "ok");
  auto updates = as_cpo<GetRoamingAuthorisationListUpdatesResponse>(
      Request{GetRoamingAuthorisationListUpdatesRequest{"2021-01-01T00:00:00Z"}});
  ASSERT_EQ(updates.roaming_authorisation_info.size(), 1u);
  EXPECT_EQ(updates.roaming_authorisation_info[0].emt_id.instance, "AABBCC01");
  EXPECT_LT(updates.roaming_authorisation_info[0].expiry_date, "2030-01-01T00:00:00Z");
  auto list2 = as_cpo<GetRoamingAuthorisationListResponse>(Request{GetRoamingAuthorisationListRequest{}});
  EXPECT_EQ(list2.roaming_authorisation_info_array.size(), 1u);
}

TEST_F(ClearingHouseTest, CdrLifeCycleConfirmedCdrsAreNotReturnedAgain) {
  upload_charge_points();
  AddCdrsRequest add;
  add.cdr_info_array = {sample_cdr("DEABC0001", "DE*ABC*E0001", "DE-8AA-C00000001-1"),
                        sample_cdr("DEABC0002", "DE*ABC*E0001", "DE-8AA-C00000001-1")};
  auto r = as_cpo<AddCdrsResponse>(Request{add});
  EXPECT_EQ(r.result.code, "ok") << r.result.description.value_or("");
  EXPECT_TRUE(r.implausible_cdrs_array.empty());

  auto got = as_emp<GetCdrsResponse>(Request{GetCdrsRequest{}});
  ASSERT_EQ(got.cdr_info_array.size(), 2u);
  for (const auto& c : got.cdr_info_array) {
    EXPECT_EQ(c.status, "accepted");
  }
  ConfirmCdrsRequest confirm;
  confirm.approved = {CdrConfirmation{"DEABC0001", "DE*ABC*E0001"}};
  confirm.declined = {CdrConfirmation{"DEABC0002", "DE*ABC*E0001"}};
  EXPECT_EQ(as_emp<ConfirmCdrsResponse>(Request{confirm}).result.code, "ok");
  EXPECT_TRUE(as_emp<GetCdrsResponse>(Request{GetCdrsRequest{}}).cdr_info_array.empty());
  // Confirming again is refused (nothing awaits confirmation).
  EXPECT_NE(as_emp<ConfirmCdrsResponse>(Request{confirm}).result.code, "ok");

  auto approved = as_emp<GetCdrsResponse>(Request{GetCdrsRequest{std::string("approved")}});
  ASSERT_EQ(approved.cdr_info_array.size(), 1u);
  EXPECT_EQ(approved.cdr_info_array[0].cdr_id, "DEABC0001");

  // The CPO sees the declined one, revises it, and the EMP gets it again as revised.
  auto declined = as_cpo<CheckCdrsResponse>(Request{CheckCdrsRequest{}});
  ASSERT_EQ(declined.cdr_info_array.size(), 1u);
  EXPECT_EQ(declined.cdr_info_array[0].cdr_id, "DEABC0002");
  AddCdrsRequest revise;
  revise.cdr_info_array = {sample_cdr("DEABC0002", "DE*ABC*E0001", "DE-8AA-C00000001-1", "revised")};
  EXPECT_EQ(as_cpo<AddCdrsResponse>(Request{revise}).result.code, "ok");
  auto again = as_emp<GetCdrsResponse>(Request{GetCdrsRequest{}});
  ASSERT_EQ(again.cdr_info_array.size(), 1u);
  EXPECT_EQ(again.cdr_info_array[0].status, "revised");

  // A second upload of a known id as new is implausible.
  AddCdrsRequest dup;
  dup.cdr_info_array = {sample_cdr("DEABC0001", "DE*ABC*E0001", "DE-8AA-C00000001-1")};
  auto d = as_cpo<AddCdrsResponse>(Request{dup});
  EXPECT_NE(d.result.code, "ok");
  EXPECT_EQ(d.implausible_cdrs_array, std::vector<std::string>{"DEABC0001"});
}

TEST_F(ClearingHouseTest, WrongOrMissingCredentialsAreRejected) {
  auto wrong = env_->call(Request{GetChargePointListRequest{}}, kCpoUser, "wrong password");
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(std::get<GetChargePointListResponse>(*wrong).result.code, "not-authorized");
  auto unknown = env_->call(Request{GetChargePointListRequest{}}, "nobody", kCpoPass);
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(std::get<GetChargePointListResponse>(*unknown).result.code, "not-authorized");
  // No security header at all.
  auto res = env_->post(serialize_request(Request{GetChargePointListRequest{}}));
  auto none = parse_response(res.response.body);
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(std::get<GetChargePointListResponse>(*none).result.code, "not-authorized");
  // GetStatus has no result element: a SOAP fault.
  Fault f;
  auto st = env_->call(Request{GetStatusRequest{}}, kCpoUser, "wrong password", &f, "/live/ochp/v1.4");
  EXPECT_FALSE(st.has_value());
  EXPECT_NE(f.code.find("Client"), std::string::npos);
  // A rejected write stores nothing.
  SetChargePointListRequest set;
  set.charge_point_info_array = {sample_charge_point("DE*ABC*E0001")};
  auto w = env_->call(Request{set}, kCpoUser, "wrong password");
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(std::get<SetChargePointListResponse>(*w).result.code, "not-authorized");
  EXPECT_EQ(env_->redis({"EXISTS", "ochp:cp:" + cpo_})->integer, 0);
}

TEST_F(ClearingHouseTest, PartyCannotWriteUnderAnotherOperatorsId) {
  // CPO A uploads charge points of CPO B (DE*XYZ).
  SetChargePointListRequest set;
  set.charge_point_info_array = {sample_charge_point("DE*XYZ*E0001")};
  auto r = as_cpo<SetChargePointListResponse>(Request{set});
  EXPECT_EQ(r.result.code, "invalid-id");
  EXPECT_EQ(r.refused_charge_point_info.size(), 1u);
  // ... and CDRs at B's EVSE.
  AddCdrsRequest add;
  add.cdr_info_array = {sample_cdr("DEXYZ0001", "DE*XYZ*E0001", "DE-8AA-C00000001-1")};
  auto c = as_cpo<AddCdrsResponse>(Request{add});
  EXPECT_EQ(c.result.code, "invalid-id");
  EXPECT_EQ(c.implausible_cdrs_array, std::vector<std::string>{"DEXYZ0001"});
  // A CDR id that does not start with the caller's operator id.
  add.cdr_info_array = {sample_cdr("DEXYZ0002", "DE*ABC*E0001", "DE-8AA-C00000001-1")};
  EXPECT_EQ(as_cpo<AddCdrsResponse>(Request{add}).result.code, "invalid-id");
  // A CPO cannot upload tokens; an EMP cannot upload charge points.
  SetRoamingAuthorisationListRequest tokens;
  tokens.roaming_authorisation_info_array = {sample_token("AA01", "DE-8AA-C00000001-1")};
  EXPECT_EQ(as_cpo<SetRoamingAuthorisationListResponse>(Request{tokens}).result.code, "invalid-id");
  EXPECT_EQ(as_emp<SetChargePointListResponse>(Request{set}).result.code, "invalid-id");
  // Nothing of it was stored.
  EXPECT_TRUE(as_emp<GetChargePointListResponse>(Request{GetChargePointListRequest{}}).charge_point_info_array.empty());
  EXPECT_TRUE(as_emp<GetCdrsResponse>(Request{GetCdrsRequest{}}).cdr_info_array.empty());
}

TEST_F(ClearingHouseTest, ListWithOneBadItemAnswersPartlyAndStoresTheRest) {
  upload_charge_points();
  SetChargePointListRequest set;
  set.charge_point_info_array = {sample_charge_point("DE*ABC*E0001"), sample_charge_point("DE*ABC*X0002"),
                                 sample_charge_point("DE*ABC*E0003")};
  auto r = as_cpo<SetChargePointListResponse>(Request{set});
  EXPECT_EQ(r.result.code, "partly");
  ASSERT_EQ(r.refused_charge_point_info.size(), 1u);
  EXPECT_EQ(r.refused_charge_point_info[0].evse_id, "DE*ABC*X0002");
  EXPECT_NE(r.result.description.value_or("").find("DE*ABC*X0002"), std::string::npos);
  auto list = as_emp<GetChargePointListResponse>(Request{GetChargePointListRequest{}});
  EXPECT_EQ(evse_ids(list.charge_point_info_array), (std::set<std::string>{"DE*ABC*E0001", "DE*ABC*E0003"}));

  // Tokens and CDRs behave the same way.
  SetRoamingAuthorisationListRequest tokens;
  tokens.roaming_authorisation_info_array = {sample_token("AA01", "DE-8AA-C00000001-1"),
                                             sample_token("AA02", "DE-8AA-BAD")};
  auto t = as_emp<SetRoamingAuthorisationListResponse>(Request{tokens});
  EXPECT_EQ(t.result.code, "partly");
  EXPECT_EQ(t.refused_roaming_authorisation_info.size(), 1u);
  AddCdrsRequest add;
  add.cdr_info_array = {sample_cdr("DEABC0001", "DE*ABC*E0001", "DE-8AA-C00000001-1"),
                        sample_cdr("deabc-2", "DE*ABC*E0001", "DE-8AA-C00000001-1")};
  auto c = as_cpo<AddCdrsResponse>(Request{add});
  EXPECT_EQ(c.result.code, "partly");
  EXPECT_EQ(c.implausible_cdrs_array, std::vector<std::string>{"deabc-2"});
  EXPECT_EQ(as_emp<GetCdrsResponse>(Request{GetCdrsRequest{}}).cdr_info_array.size(), 1u);
}

TEST_F(ClearingHouseTest, MalformedInputGetsAFaultAndWritesNothing) {
  for (const std::string& body :
       {std::string("<not-xml"), std::string("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;</x>"),
        std::string("<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                    "<SOAP-ENV:Body><x:SetChargePointListRequest xmlns:x=\"http://ochp.eu/1.3\"/>"
                    "</SOAP-ENV:Body></SOAP-ENV:Envelope>")}) {
    auto res = env_->post(body);
    EXPECT_EQ(res.status, 500);
    Fault f;
    EXPECT_FALSE(parse_response(res.response.body, {}, &f).has_value());
    EXPECT_FALSE(f.code.empty()) << res.response.body;
  }
  // A half-valid envelope: one good charge point, then garbage: nothing stored.
  SetChargePointListRequest set;
  set.charge_point_info_array = {sample_charge_point("DE*ABC*E0001")};
  UsernameToken tok{kCpoUser, kCpoPass, std::string(kPasswordTextType), {}, {}};
  std::string xml = serialize_request(Request{set}, tok);
  xml.resize(xml.size() - 40);
  EXPECT_EQ(env_->post(xml).status, 500);
  EXPECT_EQ(env_->redis({"EXISTS", "ochp:cp:" + cpo_})->integer, 0);
  // GET is not served; every path answers.
  EXPECT_TRUE(ClearingHouse::handles("/live/ochp/v1.4"));
  EXPECT_TRUE(ClearingHouse::handles("/direct/ochp/v1.4/"));
  EXPECT_FALSE(ClearingHouse::handles("/ocpi/versions"));
}

TEST_F(ClearingHouseTest, LiveStatusCarriesItsTimeToLive) {
  UpdateStatusRequest upd;
  upd.evse = {EvseStatus{"DE*ABC*E0001", "available", std::string("available"), std::string("2099-01-01T00:00:00Z")},
              EvseStatus{"DE*ABC*E0002", "not-available", std::string("charging"), std::string("2001-01-01T00:00:00Z")},
              EvseStatus{"DE*ABC*E0003", "unknown", std::string("charging"), std::nullopt}};
  auto u = expect<UpdateStatusResponse>(env_->call(Request{upd}, kCpoUser, kCpoPass, nullptr, "/live/ochp/v1.4"));
  EXPECT_EQ(u.result.code, "partly");  // unknown + charging is not an allowed combination
  auto st = expect<GetStatusResponse>(env_->call(Request{GetStatusRequest{}}, kEmpUser, kEmpPass, nullptr,
                                                 "/live/ochp/v1.4"));
  ASSERT_EQ(st.evse.size(), 1u);  // the expired one is left out
  EXPECT_EQ(st.evse[0].evse_id, "DE*ABC*E0001");
  EXPECT_EQ(st.evse[0].major, "available");
  ASSERT_TRUE(st.evse[0].ttl.has_value());
  EXPECT_EQ(st.evse[0].ttl->substr(0, 10), "2099-01-01");
  // Another operator's EVSE is refused.
  UpdateStatusRequest foreign;
  foreign.evse = {EvseStatus{"DE*XYZ*E0001", "available", std::nullopt, std::nullopt}};
  EXPECT_EQ(expect<UpdateStatusResponse>(env_->call(Request{foreign}, kCpoUser, kCpoPass)).result.code, "invalid-id");
}

TEST_F(ClearingHouseTest, TariffsAndServiceEndpoints) {
  UpdateTariffsRequest t;
  t.tariff_info_array = {sample_tariff("DE*ABC*T1"), sample_tariff("DE*XYZ*T1")};
  auto r = as_cpo<UpdateTariffsResponse>(Request{t});
  EXPECT_EQ(r.result.code, "partly");
  ASSERT_EQ(r.refused_tariff_info.size(), 1u);
  auto got = as_emp<GetTariffUpdatesResponse>(Request{GetTariffUpdatesRequest{}});
  EXPECT_EQ(got.result.code, "ok");
  ASSERT_EQ(got.tariff_info_array.size(), 1u);
  EXPECT_EQ(got.tariff_info_array[0].individual_tariff.at(0).currency, "EUR");

  AddServiceEndpointsRequest add;
  add.operator_endpoint_array = {
      DirectEndpoint{"https://cpo.example/direct", "http://ochp.eu/1.4", "tok-1", "2024-01-01", {"DEABCE%"}, {}}};
  EXPECT_EQ(as_cpo<AddServiceEndpointsResponse>(Request{add}).result.code, "ok");
  auto eps = as_emp<GetServiceEndpointsResponse>(Request{GetServiceEndpointsRequest{}});
  ASSERT_EQ(eps.operator_endpoint_array.size(), 1u);
  EXPECT_EQ(eps.operator_endpoint_array[0].url, "https://cpo.example/direct");
  // The same access token from another party is refused; a whitelist of another operator too.
  AddServiceEndpointsRequest steal;
  steal.operator_endpoint_array = {
      DirectEndpoint{"https://b.example/direct", "http://ochp.eu/1.4", "tok-1", "2024-01-01", {"DEXYZE%"}, {}},
      DirectEndpoint{"https://b.example/direct2", "http://ochp.eu/1.4", "tok-2", "2024-01-01", {"DEABCE%"}, {}}};
  auto s = expect<AddServiceEndpointsResponse>(env_->call(Request{steal}, kCpoBUser, kCpoBPass));
  EXPECT_EQ(s.result.code, "partly");
}

TEST_F(ClearingHouseTest, AcceptedDataIsPublishedForOcpiParties) {
  const auto ocpi_emp = env_->add_party("ocpi-emp", "", {{model::Role::emsp, "NL", "EMP"}}, model::Protocol::ocpi);
  const auto ocpi_cpo = env_->add_party("ocpi-cpo", "", {{model::Role::cpo, "NL", "CPO"}}, model::Protocol::ocpi);
  SetChargePointListRequest set;
  set.charge_point_info_array = {sample_charge_point("DE*ABC*E0001"), sample_charge_point("DE*ABC*E0002", "LOC2")};
  EXPECT_EQ(as_cpo<SetChargePointListResponse>(Request{set}).result.code, "ok");
  SetRoamingAuthorisationListRequest tokens;
  tokens.roaming_authorisation_info_array = {sample_token("AA01", "DE-8AA-C00000001-1")};
  EXPECT_EQ(as_emp<SetRoamingAuthorisationListResponse>(Request{tokens}).result.code, "ok");

  auto count = [&](const std::string& party, const std::string& kind) {
    auto keys = env_->redis({"KEYS", "hub:q:" + party + ":*"});
    std::size_t n = 0;
    for (const auto& k : keys->elements) {
      auto entries = env_->redis({"XRANGE", k.str, "-", "+"});
      for (const auto& e : entries->elements) {
        const auto& fields = e.elements.at(1).elements;
        for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
          if (fields[i].str == "k" && fields[i + 1].str == kind) {
            ++n;
          }
        }
      }
    }
    return n;
  };
  EXPECT_EQ(count(ocpi_emp, "location"), 2u);  // one event per location
  EXPECT_EQ(count(ocpi_cpo, "token"), 1u);
  EXPECT_EQ(count(emp_, "location"), 0u);  // OCHP partners pull from the store instead
  // An unchanged re-upload publishes nothing new; a removal publishes an EVSE event.
  set.charge_point_info_array.pop_back();
  EXPECT_EQ(as_cpo<SetChargePointListResponse>(Request{set}).result.code, "ok");
  EXPECT_EQ(count(ocpi_emp, "location"), 2u);
  EXPECT_EQ(count(ocpi_emp, "evse"), 1u);
}

}  // namespace
}  // namespace hub::ochp
