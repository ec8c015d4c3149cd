// SPDX-License-Identifier: GPL-2.0-or-later
// The OCPI 2.2.1 Hub role end to end: the real hub (hub::app::App) in-process against a private
// redis-server, and independent OCPI platforms (two CPOs, two eMSPs) over real loopback HTTP.
#include "platform.hpp"

#include <app.hpp>
#include <json_compare.hpp>

#include <test_support/http_call.hpp>
#include <test_support/redis_fixture.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <regex>
#include <set>
#include <thread>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <fstream>
#include <sstream>

namespace {

using hub::model::PartyRef;
using hub::model::PartyRole;
using hub::model::Role;
using hub::test::OcpiPlatform;
using hub::test::Received;

constexpr const char* kAdminToken = "admin-token-for-the-ocpi-tests-0123";

rapidjson::Document parse(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  return d;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class OcpiHubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto config = hub::test::test_hub_config(redis_.url(), data_.path(), kAdminToken);
    config.ocpi.alive_interval = alive_interval_;
    app_ = std::make_unique<hub::app::App>(config);
    app_->start();
    hub_ = "http://127.0.0.1:" + std::to_string(app_->api_port()) + "/ocpi";
    admin_ = "http://127.0.0.1:" + std::to_string(app_->admin_port());
  }

  void TearDown() override {
    check_conformance();
    platforms_.clear();
    app_->request_stop();
    EXPECT_EQ(app_->wait(), 0);
  }

  /// Every exchange the platforms had with the hub (both directions) must validate against the
  /// official OpenAPI description (Stoplight Prism's validator, tests/ocpi/openapi/check.mjs).
  void check_conformance() {
    auto run = hub::test::check_openapi(platforms_, data_.path().string(), HUB_SHARED_SPEC_DIR, HUB_SOURCE_DIR);
    if (run.skipped) {
      std::cout << "[ SKIPPED  ] " << run.output << "\n";
      return;
    }
    EXPECT_EQ(run.exit_code, 0) << run.output;
  }

  hub::http::Headers admin_headers() { return {{"Authorization", std::string("Bearer ") + kAdminToken}}; }

  /// Creates the party at the hub (admin API); returns {party id, token A}.
  std::pair<std::string, std::string> create_party(const std::string& name, const std::vector<PartyRole>& roles) {
    std::string body = "{\"name\":\"" + name + "\",\"protocol\":\"ocpi\",\"roles\":[";
    for (std::size_t i = 0; i < roles.size(); ++i) {
      body += (i ? "," : "") + std::string("{\"role\":\"") + std::string(hub::model::to_string(roles[i].role)) +
              "\",\"country_code\":\"" + roles[i].ref.country_code + "\",\"party_id\":\"" + roles[i].ref.party_id + "\"}";
    }
    body += "]}";
    auto r = admin_call_.call("POST", admin_ + "/admin/parties", body, admin_headers());
    EXPECT_EQ(r.status, 201) << r.response.body;
    auto d = parse(r.response.body);
    return {d["id"].GetString(), d.HasMember("token_a") ? d["token_a"].GetString() : ""};
  }

  /// A platform that registers itself with the hub (platform-initiated handshake).
  OcpiPlatform& add_platform(const std::string& name, std::vector<PartyRole> roles) {
    auto [id, token_a] = create_party(name, roles);
    auto p = std::make_unique<OcpiPlatform>(name, roles);
    std::string failure;
    EXPECT_TRUE(p->register_with(hub_ + "/versions", token_a, &failure)) << failure;
    ids_[p.get()] = id;
    platforms_.push_back(std::move(p));
    return *platforms_.back();
  }

  std::string party_status(const std::string& id) {
    auto r = admin_call_.call("GET", admin_ + "/admin/parties/" + id, {}, admin_headers());
    auto d = parse(r.response.body);
    return d.IsObject() && d.HasMember("status") ? d["status"].GetString() : "";
  }

  std::string url(std::string_view interface, std::string_view module) const {
    return hub_ + "/2.2.1/" + std::string(interface) + "/" + std::string(module);
  }

  std::chrono::milliseconds alive_interval_{300000};
  hub::test::RedisServer redis_;
  hub::test::TempDir data_;
  std::unique_ptr<hub::app::App> app_;
  std::string hub_;
  std::string admin_;
  hub::test::HttpCaller admin_call_;
  std::vector<std::unique_ptr<OcpiPlatform>> platforms_;
  std::map<const OcpiPlatform*, std::string> ids_;
};

const PartyRef kCpo1{"NL", "CP1"};
const PartyRef kCpo2{"DE", "CP2"};
const PartyRef kEmsp1{"NL", "MS1"};
const PartyRef kEmsp2{"DE", "MS2"};
const PartyRef kHubRef{"XX", "HUB"};

std::string location_json(const PartyRef& owner, const std::string& id, const std::string& status = "AVAILABLE") {
  return R"({"country_code":")" + owner.country_code + R"(","party_id":")" + owner.party_id + R"(","id":")" + id +
         R"(","publish":true,"address":"Main Street 1","city":"Amsterdam","country":"NLD",)"
         R"("coordinates":{"latitude":"52.370216","longitude":"4.895168"},"time_zone":"Europe/Amsterdam",)"
         R"("evses":[{"uid":"EVSE1","evse_id":"NL*CP1*E1","status":")" +
         status +
         R"(","connectors":[{"id":"1","standard":"IEC_62196_T2","format":"SOCKET","power_type":"AC_3_PHASE",)"
         R"("max_voltage":230,"max_amperage":16,"last_updated":"2026-11-25T10:00:00Z"}],)"
         R"("last_updated":"2026-11-25T10:00:00Z"}],"last_updated":"2026-11-25T10:00:00Z"})";
}

std::string token_json(const PartyRef& owner, const std::string& uid) {
  return R"({"country_code":")" + owner.country_code + R"(","party_id":")" + owner.party_id + R"(","uid":")" + uid +
         R"(","type":"RFID","contract_id":")" + owner.country_code + "-" + owner.party_id +
         R"(-C12345678-X","issuer":"Test eMSP","valid":true,"whitelist":"ALLOWED","last_updated":"2026-11-25T10:00:00Z"})";
}

std::string cdr_json(const PartyRef& owner, const PartyRef& token_owner, const std::string& id) {
  return R"({"country_code":")" + owner.country_code + R"(","party_id":")" + owner.party_id + R"(","id":")" + id +
         R"(","start_date_time":"2026-11-25T10:00:00Z","end_date_time":"2026-11-25T11:00:00Z",)"
         R"("cdr_token":{"country_code":")" +
         token_owner.country_code + R"(","party_id":")" + token_owner.party_id +
         R"(","uid":"0102030405","type":"RFID","contract_id":"NL-MS1-C12345678-X"},"auth_method":"WHITELIST",)"
         R"("cdr_location":{"id":"LOC1","address":"Main Street 1","city":"Amsterdam","country":"NLD",)"
         R"("coordinates":{"latitude":"52.370216","longitude":"4.895168"},"evse_uid":"EVSE1","evse_id":"NL*CP1*E1",)"
         R"("connector_id":"1","connector_standard":"IEC_62196_T2","connector_format":"SOCKET","connector_power_type":"AC_3_PHASE"},)"
         R"("currency":"EUR","charging_periods":[{"start_date_time":"2026-11-25T10:00:00Z","dimensions":[{"type":"ENERGY","volume":10.1}]}],)"
         R"("total_cost":{"excl_vat":4.1,"incl_vat":4.96},"total_energy":10.1,"total_time":1.0,"last_updated":"2026-11-25T11:00:00Z"})";
}

bool has_path(const std::vector<Received>& rs, std::string_view method, std::string_view path) {
  for (const auto& r : rs) {
    if (r.method == method && r.path == path) {
      return true;
    }
  }
  return false;
}

const Received* find(const std::vector<Received>& rs, std::string_view method, std::string_view path) {
  for (const auto& r : rs) {
    if (r.method == method && r.path == path) {
      return &r;
    }
  }
  return nullptr;
}

TEST_F(OcpiHubTest, HandshakeBothWaysAndCredentialStates) {
  auto& cpo = add_platform("CPO One", {{Role::cpo, kCpo1}});
  EXPECT_EQ(party_status(ids_[&cpo]), "connected");
  // The hub read our versions and details with token B during the POST.
  EXPECT_TRUE(has_path(cpo.received(), "GET", "/versions"));
  EXPECT_TRUE(has_path(cpo.received(), "GET", "/2.2.1"));

  // GET credentials: the hub's single HUB role and the token we use.
  auto g = cpo.call("GET", hub_ + "/2.2.1/credentials");
  ASSERT_EQ(g.status, 200);
  auto data = parse(hub::test::envelope_data(g.response.body));
  ASSERT_TRUE(data.IsObject());
  EXPECT_EQ(std::string(data["token"].GetString()), cpo.token_to_hub());
  ASSERT_EQ(data["roles"].Size(), 1u);
  EXPECT_STREQ(data["roles"][0]["role"].GetString(), "HUB");

  // POST again while registered: 405.
  auto again = cpo.call("POST", hub_ + "/2.2.1/credentials",
                        R"({"token":"abc","url":")" + cpo.versions_url() + R"(","roles":[]})", {}, true);
  EXPECT_EQ(again.status, 405);

  // The raw (not Base64) token is accepted too (older peers).
  hub::test::HttpCaller raw;
  auto r = raw.call("GET", hub_ + "/versions", {}, {{"Authorization", "Token " + cpo.token_to_hub()}});
  EXPECT_EQ(r.status, 200);
  // Unknown token: 401.
  auto bad = raw.call("GET", hub_ + "/versions", {}, {{"Authorization", "Token bm9wZQ=="}});
  EXPECT_EQ(bad.status, 401);

  // PUT rotates the token and re-reads our endpoints.
  auto old = cpo.token_to_hub();
  auto before = cpo.count("GET", "/2.2.1");
  auto put = cpo.call("PUT", hub_ + "/2.2.1/credentials",
                      R"({"token":")" + cpo.token_for_hub() + R"(","url":")" + cpo.versions_url() +
                          R"(","roles":[{"role":"CPO","business_details":{"name":"CPO One"},"party_id":"CP1","country_code":"NL"}]})");
  ASSERT_EQ(put.status, 200) << put.response.body;
  auto rotated = parse(hub::test::envelope_data(put.response.body));
  std::string fresh = rotated["token"].GetString();
  EXPECT_NE(fresh, old);
  EXPECT_GT(cpo.count("GET", "/2.2.1"), before);
  EXPECT_EQ(raw.call("GET", hub_ + "/versions", {}, {{"Authorization", "Token " + old}}).status, 401);
  cpo.set_token_to_hub(fresh);
  EXPECT_EQ(cpo.call("GET", hub_ + "/versions").status, 200);

  // DELETE unregisters: the token stops working.
  EXPECT_EQ(cpo.call("DELETE", hub_ + "/2.2.1/credentials").status, 200);
  EXPECT_EQ(cpo.call("GET", hub_ + "/versions").status, 401);
  EXPECT_EQ(party_status(ids_[&cpo]), "planned");

  // The hub registers itself with a platform given its versions URL and token A.
  auto [id, unused] = create_party("eMSP One", {{Role::emsp, kEmsp1}});
  auto emsp = std::make_unique<OcpiPlatform>("eMSP One", std::vector<PartyRole>{{Role::emsp, kEmsp1}});
  auto token_a = emsp->issue_token_a();
  auto c = admin_call_.call("POST", admin_ + "/admin/parties/" + id + "/connect",
                            R"({"versions_url":")" + emsp->versions_url() + R"(","token":")" + token_a + "\"}",
                            admin_headers());
  ASSERT_EQ(c.status, 200) << c.response.body;
  EXPECT_EQ(party_status(id), "connected");
  EXPECT_FALSE(emsp->token_for_hub().empty());
  // The platform now calls the hub with the token the hub gave it.
  EXPECT_EQ(emsp->call("GET", hub_ + "/versions").status, 200);
  // Token A of a party is only good for versions and credentials.
  auto [id2, token_a2] = create_party("CPO Two", {{Role::cpo, kCpo2}});
  EXPECT_EQ(raw.call("GET", hub_ + "/versions", {}, {{"Authorization", "Token " + token_a2}}).status, 200);
  EXPECT_EQ(raw.call("GET", url("sender", "locations"), {}, {{"Authorization", "Token " + token_a2}}).status, 401);
  platforms_.push_back(std::move(emsp));
}

TEST_F(OcpiHubTest, LocationsBroadcastPatchAndGetAll) {
  auto& cpo1 = add_platform("CPO One", {{Role::cpo, kCpo1}});
  auto& cpo2 = add_platform("CPO Two", {{Role::cpo, kCpo2}});
  auto& emsp1 = add_platform("eMSP One", {{Role::emsp, kEmsp1}});
  auto& emsp2 = add_platform("eMSP Two", {{Role::emsp, kEmsp2}});

  auto body = location_json(kCpo1, "LOC1");
  auto r = cpo1.call_routed("PUT", url("receiver", "locations") + "/NL/CP1/LOC1", body, kHubRef);
  ASSERT_EQ(r.status, 201) << r.response.body;
  EXPECT_EQ(hub::test::envelope_status(r.response.body), 1000);
  for (auto* e : {&emsp1, &emsp2}) {
    ASSERT_TRUE(e->wait_for([](const auto& rs) { return has_path(rs, "PUT", "/2.2.1/locations/NL/CP1/LOC1"); }));
    auto got = *find(e->received(), "PUT", "/2.2.1/locations/NL/CP1/LOC1");
    EXPECT_EQ(hub::ocpi::test::join(hub::ocpi::test::json_diff(body, got.body)), "");
    EXPECT_EQ(got.header("OCPI-from-party-id"), "HUB");  // broadcast: FROM = hub
    EXPECT_EQ(got.header("OCPI-to-party-id"), e == &emsp1 ? "MS1" : "MS2");
    EXPECT_FALSE(got.header("X-Request-ID").empty());
  }
  EXPECT_EQ(cpo2.count("PUT", "/2.2.1/locations"), 0u);  // not the receiving role

  // PATCH of an EVSE status: the receivers get the EVSE's new state.
  auto patch = cpo1.call_routed("PATCH", url("receiver", "locations") + "/NL/CP1/LOC1/EVSE1",
                                R"({"status":"CHARGING","last_updated":"2026-11-25T10:05:00Z"})", kHubRef);
  ASSERT_EQ(patch.status, 200) << patch.response.body;
  ASSERT_TRUE(emsp1.wait_for([](const auto& rs) { return has_path(rs, "PUT", "/2.2.1/locations/NL/CP1/LOC1/EVSE1"); }));
  auto evse = parse(find(emsp1.received(), "PUT", "/2.2.1/locations/NL/CP1/LOC1/EVSE1")->body);
  EXPECT_STREQ(evse["status"].GetString(), "CHARGING");
  // PATCH without last_updated: 2001.
  auto nolu = cpo1.call_invalid("PATCH", url("receiver", "locations") + "/NL/CP1/LOC1/EVSE1", R"({"status":"BLOCKED"})",
                               kHubRef);
  EXPECT_EQ(nolu.status, 200);
  EXPECT_EQ(hub::test::envelope_status(nolu.response.body), 2001);
  // URL id and body id differ: 2001.
  auto mismatch = cpo1.call_invalid("PUT", url("receiver", "locations") + "/NL/CP1/OTHER", body, kHubRef);
  EXPECT_EQ(hub::test::envelope_status(mismatch.response.body), 2001);
  // EVSE for an unknown location: refused, no half object.
  auto orphan = cpo1.call_invalid("PUT", url("receiver", "locations") + "/NL/CP1/NOPE/EVSE1", "{}", kHubRef);
  EXPECT_EQ(orphan.status, 404);

  // GET-All from the hub, paginated.
  for (int i = 2; i <= 3; ++i) {
    auto id = "LOC" + std::to_string(i);
    ASSERT_EQ(hub::test::envelope_status(
                  cpo1.call_routed("PUT", url("receiver", "locations") + "/NL/CP1/" + id, location_json(kCpo1, id), kHubRef)
                      .response.body),
              1000);
  }
  auto page = emsp1.call_routed("GET", url("sender", "locations") + "?limit=2", {}, kHubRef);
  ASSERT_EQ(page.status, 200) << page.response.body;
  EXPECT_EQ(page.response.header("X-Total-Count"), "3");
  EXPECT_EQ(page.response.header("X-Limit"), "100");
  auto link = std::string(page.response.header("Link"));
  EXPECT_NE(link.find(url("sender", "locations") + "?offset=2&limit=2"), std::string::npos) << link;
  EXPECT_EQ(parse(hub::test::envelope_data(page.response.body)).Size(), 2u);
  auto next = emsp1.call_routed("GET", url("sender", "locations") + "?offset=2&limit=2", {}, kHubRef);
  EXPECT_EQ(parse(hub::test::envelope_data(next.response.body)).Size(), 1u);
  EXPECT_TRUE(next.response.header("Link").empty());
  // date_from inclusive, date_to exclusive.
  auto window = emsp1.call_routed("GET", url("sender", "locations") + "?date_to=2026-11-25T10:00:00Z", {}, kHubRef);
  EXPECT_EQ(window.response.header("X-Total-Count"), "0");
  auto from = emsp1.call_routed("GET", url("sender", "locations") + "?date_from=2026-11-25T10:00:00Z", {}, kHubRef);
  EXPECT_EQ(from.response.header("X-Total-Count"), "3");
  // Open routing of a single object: answered from the hub's store.
  auto one = emsp1.call_routed("GET", url("sender", "locations") + "/LOC1/EVSE1", {}, std::nullopt);
  ASSERT_EQ(one.status, 200);
  EXPECT_STREQ(parse(hub::test::envelope_data(one.response.body))["status"].GetString(), "CHARGING");
}

TEST_F(OcpiHubTest, ConcurrentPushesIntoOneLocationAreAllKept) {
  // EVSE PUTs and PATCHes merge into the one stored Location. Sent at once over several
  // connections, none may undo another's change in the hub's copy (each merge is written only
  // while the Location is as it was read, else merged again).
  auto& cpo1 = add_platform("CPO One", {{Role::cpo, kCpo1}});
  auto& emsp1 = add_platform("eMSP One", {{Role::emsp, kEmsp1}});
  ASSERT_EQ(cpo1.call_routed("PUT", url("receiver", "locations") + "/NL/CP1/LOC1", location_json(kCpo1, "LOC1"), kHubRef)
                .status,
            201);
  constexpr int kEvses = 24;
  constexpr int kThreads = 6;
  auto evse_json = [](int i) {
    return R"({"uid":"E)" + std::to_string(i) + R"(","evse_id":"NL*CP1*E)" + std::to_string(100 + i) +
           R"(","status":"AVAILABLE","connectors":[{"id":"1","standard":"IEC_62196_T2","format":"SOCKET",)"
           R"("power_type":"AC_3_PHASE","max_voltage":230,"max_amperage":16,"last_updated":"2026-11-25T10:01:00Z"}],)"
           R"("last_updated":"2026-11-25T10:01:00Z"})";
  };
  auto in_parallel = [&](const std::function<hub::http::ClientResult(int)>& send) {
    std::mutex mutex;
    std::string refused;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = t; i < kEvses; i += kThreads) {
          auto r = send(i);
          if (r.status / 100 != 2 || hub::test::envelope_status(r.response.body) != 1000) {
            std::lock_guard lock(mutex);
            refused += "E" + std::to_string(i) + ": " + std::to_string(r.status) + " " + r.response.body + "\n";
          }
        }
      });
    }
    for (auto& th : threads) {
      th.join();
    }
    return refused;
  };
  EXPECT_EQ(in_parallel([&](int i) {
              return cpo1.call_routed("PUT", url("receiver", "locations") + "/NL/CP1/LOC1/E" + std::to_string(i),
                                      evse_json(i), kHubRef);
            }),
            "");
  EXPECT_EQ(in_parallel([&](int i) {
              return cpo1.call_routed("PATCH", url("receiver", "locations") + "/NL/CP1/LOC1/E" + std::to_string(i),
                                      R"({"status":"CHARGING","last_updated":"2026-11-25T10:02:00Z"})", kHubRef);
            }),
            "");
  auto got = emsp1.call_routed("GET", url("sender", "locations") + "/LOC1", {}, kHubRef);
  ASSERT_EQ(got.status, 200) << got.response.body;
  auto loc = parse(hub::test::envelope_data(got.response.body));
  ASSERT_TRUE(loc.IsObject() && loc["evses"].IsArray()) << got.response.body;
  std::set<std::string> charging;
  for (const auto& e : loc["evses"].GetArray()) {
    if (std::string_view(e["status"].GetString()) == "CHARGING") {
      charging.insert(e["uid"].GetString());
    }
  }
  EXPECT_EQ(loc["evses"].Size(), static_cast<unsigned>(kEvses + 1));
  EXPECT_EQ(charging.size(), static_cast<std::size_t>(kEvses));
  EXPECT_STREQ(loc["last_updated"].GetString(), "2026-11-25T10:02:00Z");
}

TEST_F(OcpiHubTest, DirectPushSpoofedFromUnknownReceiverAndForwardedGet) {
  auto& cpo1 = add_platform("CPO One", {{Role::cpo, kCpo1}});
  auto& emsp1 = add_platform("eMSP One", {{Role::emsp, kEmsp1}});
  auto& emsp2 = add_platform("eMSP Two", {{Role::emsp, kEmsp2}});

  // Direct push: only the addressed eMSP gets it, FROM = the CPO.
  auto tariff = R"({"country_code":"NL","party_id":"CP1","id":"T1","currency":"EUR","elements":[{"price_components":[{"type":"ENERGY","price":0.25,"step_size":1}]}],"last_updated":"2026-11-25T10:00:00Z"})";
  auto r = cpo1.call_routed("PUT", url("receiver", "tariffs") + "/NL/CP1/T1", tariff, kEmsp1);
  ASSERT_EQ(hub::test::envelope_status(r.response.body), 1000) << r.response.body;
  ASSERT_TRUE(emsp1.wait_for([](const auto& rs) { return has_path(rs, "PUT", "/2.2.1/tariffs/NL/CP1/T1"); }));
  auto got = *find(emsp1.received(), "PUT", "/2.2.1/tariffs/NL/CP1/T1");
  EXPECT_EQ(got.header("OCPI-from-party-id"), "CP1");
  EXPECT_EQ(hub::ocpi::test::join(hub::ocpi::test::json_diff(tariff, got.body)), "");
  // The response to the sender swaps the routing headers.
  EXPECT_EQ(r.response.header("OCPI-to-party-id"), "CP1");
  // A later broadcast on another object proves emsp2 is served: it never saw T1.
  ASSERT_EQ(hub::test::envelope_status(
                cpo1.call_routed("PUT", url("receiver", "locations") + "/NL/CP1/L9", location_json(kCpo1, "L9"), kHubRef)
                    .response.body),
            1000);
  ASSERT_TRUE(emsp2.wait_for([](const auto& rs) { return has_path(rs, "PUT", "/2.2.1/locations/NL/CP1/L9"); }));
  EXPECT_EQ(emsp2.count("PUT", "/2.2.1/tariffs"), 0u);
  // DELETE of the tariff reaches the receiver as DELETE.
  EXPECT_EQ(hub::test::envelope_status(
                cpo1.call_routed("DELETE", url("receiver", "tariffs") + "/NL/CP1/T1", {}, kEmsp1).response.body),
            1000);
  ASSERT_TRUE(emsp1.wait_for([](const auto& rs) { return has_path(rs, "DELETE", "/2.2.1/tariffs/NL/CP1/T1"); }));

  // A party cannot speak for another: spoofed from-headers.
  auto spoof = cpo1.call_invalid("PUT", url("receiver", "tariffs") + "/NL/CP1/T2", tariff, kEmsp1, kCpo2);
  EXPECT_EQ(spoof.status, 200);
  EXPECT_EQ(hub::test::envelope_status(spoof.response.body), 2001);
  // ...nor write objects under another party's country_code/party_id.
  auto foreign = emsp2.call_invalid("PUT", url("receiver", "tariffs") + "/NL/CP1/T1", tariff, kEmsp1);
  EXPECT_EQ(hub::test::envelope_status(foreign.response.body), 2001);
  // Unknown receiver: 4001.
  auto unknown = cpo1.call_routed("PUT", url("receiver", "tariffs") + "/NL/CP1/T1", tariff, PartyRef{"FR", "XXX"});
  EXPECT_EQ(hub::test::envelope_status(unknown.response.body), 4001);

  // GET addressed to one party is forwarded; its pagination points at the hub.
  cpo1.add_sender_object("locations", location_json(kCpo1, "A"));
  cpo1.add_sender_object("locations", location_json(kCpo1, "B"));
  cpo1.add_sender_object("locations", location_json(kCpo1, "C"));
  auto fwd = emsp1.call_routed("GET", url("sender", "locations") + "?offset=0&limit=2", {}, kCpo1);
  ASSERT_EQ(fwd.status, 200) << fwd.response.body;
  EXPECT_EQ(fwd.response.header("X-Total-Count"), "3");
  auto link = std::string(fwd.response.header("Link"));
  EXPECT_NE(link.find(url("sender", "locations") + "?offset=2&limit=2"), std::string::npos) << link;
  auto at_cpo = *find(cpo1.received(), "GET", "/2.2.1/sender/locations");
  EXPECT_EQ(at_cpo.header("OCPI-to-party-id"), "CP1");
  EXPECT_EQ(at_cpo.header("OCPI-from-party-id"), "MS1");
  // A new X-Request-ID for the hop: a version 4 UUID in lower-case hex, as 8-4-4-4-12.
  EXPECT_TRUE(std::regex_match(std::string(at_cpo.header("X-Request-ID")),
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << at_cpo.header("X-Request-ID");
  EXPECT_NE(at_cpo.header("X-Request-ID"), fwd.response.header("X-Request-ID"));
  EXPECT_EQ(at_cpo.query, "offset=0&limit=2");
  auto follow = emsp1.call_routed("GET", link.substr(1, link.find('>') - 1), {}, kCpo1);
  EXPECT_EQ(parse(hub::test::envelope_data(follow.response.body)).Size(), 1u);
  // The receiver down: 4003.
  cpo1.set_down(true);
  auto down = emsp1.call_routed("GET", url("sender", "locations"), {}, kCpo1);
  EXPECT_EQ(down.status, 503);  // the receiver's own answer is passed back unchanged
  cpo1.set_down(false);
}

TEST_F(OcpiHubTest, SessionsCdrsAndTokensWithOpenRoutingAndAuthorize) {
  auto& cpo1 = add_platform("CPO One", {{Role::cpo, kCpo1}});
  auto& cpo2 = add_platform("CPO Two", {{Role::cpo, kCpo2}});
  auto& emsp1 = add_platform("eMSP One", {{Role::emsp, kEmsp1}});
  auto& emsp2 = add_platform("eMSP Two", {{Role::emsp, kEmsp2}});

  // Tokens: broadcast from the eMSP to every CPO.
  auto token = token_json(kEmsp1, "0102030405");
  auto t = emsp1.call_routed("PUT", url("receiver", "tokens") + "/NL/MS1/0102030405?type=RFID", token, kHubRef);
  ASSERT_EQ(hub::test::envelope_status(t.response.body), 1000) << t.response.body;
  for (auto* c : {&cpo1, &cpo2}) {
    ASSERT_TRUE(c->wait_for([](const auto& rs) { return has_path(rs, "PUT", "/2.2.1/tokens/NL/MS1/0102030405"); }));
    EXPECT_EQ(find(c->received(), "PUT", "/2.2.1/tokens/NL/MS1/0102030405")->query, "type=RFID");
  }
  // Real-time authorize: open routing by the hub's token index to the issuing eMSP.
  emsp1.set_authorization("0102030405", R"({"allowed":"ALLOWED","token":)" + token + "}");
  auto a = cpo1.call_routed("POST", url("sender", "tokens") + "/0102030405/authorize?type=RFID",
                            R"({"location_id":"LOC1"})", std::nullopt);
  ASSERT_EQ(a.status, 200) << a.response.body;
  EXPECT_STREQ(parse(hub::test::envelope_data(a.response.body))["allowed"].GetString(), "ALLOWED");
  auto at = *find(emsp1.received(), "POST", "/2.2.1/sender/tokens/0102030405/authorize");
  EXPECT_EQ(at.header("OCPI-from-party-id"), "CP1");
  // Unknown token: 404 + 2004.
  auto unknown = cpo1.call_routed("POST", url("sender", "tokens") + "/FFFF/authorize", {}, std::nullopt);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(hub::test::envelope_status(unknown.response.body), 2004);
  // A known token the eMSP refuses: its own answer passed back unchanged.
  auto refused = cpo1.call_routed("POST", url("sender", "tokens") + "/NOTATEMSP/authorize", {}, kEmsp1);
  EXPECT_EQ(refused.status, 404);
  EXPECT_EQ(hub::test::envelope_status(refused.response.body), 2004);

  // Sessions: open routing by the session's token owner.
  auto session = R"({"country_code":"NL","party_id":"CP1","id":"S1","start_date_time":"2026-11-25T10:00:00Z","kwh":0,)"
                 R"("cdr_token":{"country_code":"DE","party_id":"MS2","uid":"AB","type":"RFID","contract_id":"DE-MS2-C1-X"},)"
                 R"("auth_method":"WHITELIST","location_id":"LOC1","evse_uid":"EVSE1","connector_id":"1","currency":"EUR",)"
                 R"("status":"ACTIVE","last_updated":"2026-11-25T10:00:00Z"})";
  auto s = cpo1.call_routed("PUT", url("receiver", "sessions") + "/NL/CP1/S1", std::string(session), kHubRef);
  ASSERT_EQ(hub::test::envelope_status(s.response.body), 1000) << s.response.body;
  ASSERT_TRUE(emsp2.wait_for([](const auto& rs) { return has_path(rs, "PUT", "/2.2.1/sessions/NL/CP1/S1"); }));
  EXPECT_EQ(emsp1.count("PUT", "/2.2.1/sessions"), 0u);
  // PATCH appends charging periods.
  auto sp = cpo1.call_routed(
      "PATCH", url("receiver", "sessions") + "/NL/CP1/S1",
      R"({"kwh":5,"charging_periods":[{"start_date_time":"2026-11-25T10:00:00Z","dimensions":[{"type":"ENERGY","volume":5}]}],"last_updated":"2026-11-25T10:10:00Z"})",
      kHubRef);
  ASSERT_EQ(hub::test::envelope_status(sp.response.body), 1000) << sp.response.body;
  ASSERT_TRUE(emsp2.wait_for([](const auto& rs) {
    int n = 0;
    for (const auto& r : rs) {
      n += r.method == "PUT" && r.path == "/2.2.1/sessions/NL/CP1/S1";
    }
    return n >= 2;
  }));
  // GET-All sessions: only those for the caller.
  auto mine = emsp2.call_routed("GET", url("sender", "sessions") + "?date_from=2026-01-01T00:00:00Z", {}, kHubRef);
  EXPECT_EQ(mine.response.header("X-Total-Count"), "1");
  auto theirs = emsp1.call_routed("GET", url("sender", "sessions") + "?date_from=2026-01-01T00:00:00Z", {}, kHubRef);
  EXPECT_EQ(theirs.response.header("X-Total-Count"), "0");

  // CDRs: POST to the bare URL, open routing by the token owner, Location is a hub URL.
  auto cdr = cdr_json(kCpo1, kEmsp1, "CDR1");
  auto c = cpo1.call_routed("POST", url("receiver", "cdrs"), cdr, std::nullopt);
  ASSERT_EQ(c.status, 201) << c.response.body;
  auto location = std::string(c.response.header("Location"));
  EXPECT_EQ(location, url("receiver", "cdrs") + "/NL:CP1:CDR1");
  ASSERT_TRUE(emsp1.wait_for([](const auto& rs) { return has_path(rs, "POST", "/2.2.1/cdrs"); }));
  EXPECT_EQ(hub::ocpi::test::join(hub::ocpi::test::json_diff(cdr, find(emsp1.received(), "POST", "/2.2.1/cdrs")->body)), "");
  auto back = cpo1.call_routed("GET", location, {}, std::nullopt);
  ASSERT_EQ(back.status, 200);
  EXPECT_EQ(hub::ocpi::test::join(hub::ocpi::test::json_diff(cdr, hub::test::envelope_data(back.response.body))), "");
  // Invalid CDR: 2001 with the field.
  auto bad = cpo1.call_invalid("POST", url("receiver", "cdrs"), R"({"country_code":"NL","party_id":"CP1","id":"X"})", std::nullopt);
  EXPECT_EQ(hub::test::envelope_status(bad.response.body), 2001);
  // Broken JSON: 400.
  auto broken = cpo1.call_invalid("POST", url("receiver", "cdrs"), "{\"id\":", std::nullopt);
  EXPECT_EQ(broken.status, 400);
  // Nesting millions of levels deep (3 MB, within the body limit; far beyond what a recursive
  // parser's stack holds): refused, the hub keeps running.
  for (const char* open : {"[", "{\"a\":"}) {
    std::string deep;
    while (deep.size() < 3000000) {
      deep += open;
    }
    auto nested = cpo1.call_invalid("POST", url("receiver", "cdrs"), deep, std::nullopt);
    EXPECT_EQ(nested.status, 400) << open;
    auto put = cpo1.call_invalid("PUT", url("receiver", "locations") + "/NL/CP1/DEEP", deep, std::nullopt);
    EXPECT_EQ(put.status, 400) << open;
  }
  auto still = cpo1.call_routed("GET", location, {}, std::nullopt);
  EXPECT_EQ(still.status, 200);
}

TEST_F(OcpiHubTest, CommandResultIsRoutedBackToTheRequester) {
  auto& cpo1 = add_platform("CPO One", {{Role::cpo, kCpo1}});
  auto& emsp1 = add_platform("eMSP One", {{Role::emsp, kEmsp1}});
  auto& emsp2 = add_platform("eMSP Two", {{Role::emsp, kEmsp2}});
  ASSERT_EQ(hub::test::envelope_status(
                cpo1.call_routed("PUT", url("receiver", "locations") + "/NL/CP1/LOC1", location_json(kCpo1, "LOC1"), kHubRef)
                    .response.body),
            1000);
  auto original = emsp1.base_url() + "/2.2.1/sender/commands/START_SESSION/cmd-1";
  auto cmd = R"({"response_url":")" + original + R"(","token":)" + token_json(kEmsp1, "0102030405") +
             R"(,"location_id":"LOC1","evse_uid":"EVSE1"})";
  // Open routing: the CPO is found from the location id.
  auto r = emsp1.call_routed("POST", url("receiver", "commands") + "/START_SESSION", cmd, std::nullopt);
  ASSERT_EQ(r.status, 200) << r.response.body;
  EXPECT_STREQ(parse(hub::test::envelope_data(r.response.body))["result"].GetString(), "ACCEPTED");
  auto at_cpo = *find(cpo1.received(), "POST", "/2.2.1/commands/START_SESSION");
  std::string rewritten = parse(at_cpo.body)["response_url"].GetString();
  EXPECT_EQ(std::string(rewritten).rfind(hub_ + "/2.2.1/sender/commands/START_SESSION/", 0), 0u) << rewritten << " in " << at_cpo.body;
  // The CPO posts the result to the hub's URL; the eMSP gets it at its own response_url.
  auto result = cpo1.call_routed("POST", rewritten, R"({"result":"ACCEPTED"})", kEmsp1);
  ASSERT_EQ(hub::test::envelope_status(result.response.body), 1000) << result.response.body;
  ASSERT_TRUE(emsp1.wait_for(
      [](const auto& rs) { return has_path(rs, "POST", "/2.2.1/sender/commands/START_SESSION/cmd-1"); }));
  auto got = *find(emsp1.received(), "POST", "/2.2.1/sender/commands/START_SESSION/cmd-1");
  EXPECT_EQ(hub::ocpi::test::join(hub::ocpi::test::json_diff(R"({"result":"ACCEPTED"})", got.body)), "");
  EXPECT_EQ(got.header("OCPI-from-party-id"), "CP1");
  EXPECT_EQ(emsp2.count("POST", "/2.2.1/sender/commands"), 0u);
  // Another party cannot post the result.
  auto stolen = emsp2.call_invalid("POST", rewritten, R"({"result":"FAILED"})", std::nullopt);
  EXPECT_EQ(hub::test::envelope_status(stolen.response.body), 2001) << stolen.status << " " << stolen.response.body << stolen.error;
  // Unknown command receiver.
  auto lost = emsp1.call_routed("POST", url("receiver", "commands") + "/CANCEL_RESERVATION",
                                R"({"response_url":")" + original + R"(","reservation_id":"R1"})", std::nullopt);
  EXPECT_EQ(hub::test::envelope_status(lost.response.body), 4001);

  // A response_url the hub could not call is refused before anything is forwarded.
  auto command_to = [&](const std::string& response_url) {
    return R"({"response_url":")" + response_url + R"(","token":)" + token_json(kEmsp1, "0102030405") +
           R"(,"location_id":"LOC1","evse_uid":"EVSE1"})";
  };
  const auto forwarded = cpo1.count("POST", "/2.2.1/commands/START_SESSION");
  for (const std::string bad : {"not a url", "ftp://x/y", "javascript:alert(1)", "http://x:99999/r",
                                "http://host/a\\r\\nX: y", "http:///r", "http://us@host/r"}) {
    auto refused = emsp1.call_invalid("POST", url("receiver", "commands") + "/START_SESSION", command_to(bad), kCpo1);
    EXPECT_EQ(hub::test::envelope_status(refused.response.body), 2001) << bad << ": " << refused.response.body;
  }
  EXPECT_EQ(cpo1.count("POST", "/2.2.1/commands/START_SESSION"), forwarded);

  // A callback URL kept from before such URLs were refused (written as the hub wrote them):
  // its result can never be sent, so it becomes a dead letter instead of being retried without
  // end ahead of the eMSP's other events.
  const std::string handle = "00112233445566778899aabbccddeeff";
  const std::string legacy = "redis-cli -p " + std::to_string(redis_.port()) + " HSET ocpi:cb:" + handle +
                             " url 'not a url' requester " + ids_[&emsp1] +
                             " requester_ref 'NL MS1' responder_ref 'NL CP1' kind command > /dev/null";
  ASSERT_EQ(std::system(legacy.c_str()), 0);
  ASSERT_EQ(hub::test::envelope_status(
                cpo1.call_routed("POST", hub_ + "/2.2.1/sender/commands/START_SESSION/" + handle,
                                 R"({"result":"ACCEPTED"})", kEmsp1)
                    .response.body),
            1000);
  rapidjson::Document dead;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {
    dead = parse(admin_call_.call("GET", admin_ + "/admin/deliveries?party=" + ids_[&emsp1] + "&state=dead", {},
                                  admin_headers())
                     .response.body);
    if (dead.IsArray() && dead.Size() > 0) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // bounded wait for a state seen over HTTP
  } while (std::chrono::steady_clock::now() < until);
  ASSERT_TRUE(dead.IsArray());
  ASSERT_EQ(dead.Size(), 1u);
  EXPECT_STREQ(dead[0]["kind"].GetString(), "command_result");
  EXPECT_STREQ(dead[0]["reason"].GetString(), "request");
}

TEST_F(OcpiHubTest, ChargingProfilesAreForwardedAndTheirResultsRoutedBack) {
  auto& cpo1 = add_platform("CPO One", {{Role::cpo, kCpo1}});
  auto& emsp1 = add_platform("eMSP One", {{Role::emsp, kEmsp1}});
  auto session = R"({"country_code":"NL","party_id":"CP1","id":"S7","start_date_time":"2026-11-25T10:00:00Z","kwh":0,)"
                 R"("cdr_token":{"country_code":"NL","party_id":"MS1","uid":"AB","type":"RFID","contract_id":"NL-MS1-C1-X"},)"
                 R"("auth_method":"WHITELIST","location_id":"LOC1","evse_uid":"EVSE1","connector_id":"1","currency":"EUR",)"
                 R"("status":"ACTIVE","last_updated":"2026-11-25T10:00:00Z"})";
  ASSERT_EQ(hub::test::envelope_status(
                cpo1.call_routed("PUT", url("receiver", "sessions") + "/NL/CP1/S7", std::string(session), kHubRef).response.body),
            1000);
  // SetChargingProfile: open routing by the session's owner; response_url replaced by a hub URL.
  auto original = emsp1.base_url() + "/2.2.1/sender/chargingprofiles/result/p-1";
  auto set = R"({"charging_profile":{"charging_rate_unit":"W","charging_profile_period":[{"start_period":0,"limit":11000}]},"response_url":")" +
             original + "\"}";
  auto r = emsp1.call_routed("PUT", url("receiver", "chargingprofiles") + "/S7", set, std::nullopt);
  ASSERT_EQ(r.status, 200) << r.response.body;
  EXPECT_STREQ(parse(hub::test::envelope_data(r.response.body))["result"].GetString(), "ACCEPTED");
  auto at_cpo = *find(cpo1.received(), "PUT", "/2.2.1/chargingprofiles/S7");
  std::string rewritten = parse(at_cpo.body)["response_url"].GetString();
  EXPECT_EQ(rewritten.rfind(hub_ + "/2.2.1/sender/chargingprofiles/result/", 0), 0u) << rewritten;
  EXPECT_EQ(parse(at_cpo.body)["charging_profile"]["charging_profile_period"][0]["limit"].GetDouble(), 11000);
  // The CPO posts the outcome to the hub; the eMSP receives it at its own URL.
  auto result = cpo1.call_routed("POST", rewritten, R"({"result":"ACCEPTED"})", kEmsp1);
  ASSERT_EQ(hub::test::envelope_status(result.response.body), 1000) << result.response.body;
  ASSERT_TRUE(emsp1.wait_for(
      [](const auto& rs) { return has_path(rs, "POST", "/2.2.1/sender/chargingprofiles/result/p-1"); }));
  // GET ActiveChargingProfile: response_url rewritten in the query.
  auto g = emsp1.call_routed("GET", url("receiver", "chargingprofiles") + "/S7?duration=900&response_url=" + original,
                             {}, kCpo1);
  ASSERT_EQ(g.status, 200) << g.response.body;
  auto at_cpo_get = *find(cpo1.received(), "GET", "/2.2.1/chargingprofiles/S7");
  EXPECT_NE(at_cpo_get.query.find("duration=900"), std::string::npos);
  EXPECT_NE(at_cpo_get.query.find("chargingprofiles%2Fresult%2F"), std::string::npos) << at_cpo_get.query;
}

class OcpiHubAliveTest : public OcpiHubTest {
 protected:
  void SetUp() override {
    alive_interval_ = std::chrono::milliseconds(100);
    OcpiHubTest::SetUp();
  }
};

TEST_F(OcpiHubAliveTest, AnUnreachablePartyIsMarkedOfflineAndBackConnected) {
  auto& cpo1 = add_platform("CPO One", {{Role::cpo, kCpo1}});
  auto& emsp1 = add_platform("eMSP One", {{Role::emsp, kEmsp1}});
  cpo1.set_down(true);
  // The probe (every 100 ms) fails: the others learn it through HubClientInfo, in order.
  auto saw = [](const std::vector<Received>& rs, std::initializer_list<const char*> states) {
    auto next = states.begin();
    for (const auto& r : rs) {
      if (next != states.end() && r.path == "/2.2.1/clientinfo/NL/CP1" &&
          r.body.find(std::string("\"") + *next + "\"") != std::string::npos) {
        ++next;
      }
    }
    return next == states.end();
  };
  ASSERT_TRUE(emsp1.wait_for([&](const auto& rs) { return saw(rs, {"OFFLINE"}); }));
  EXPECT_EQ(party_status(ids_[&cpo1]), "offline");
  auto m = admin_call_.call("GET", admin_ + "/metrics");
  EXPECT_NE(m.response.body.find("hub_parties{protocol=\"ocpi\",status=\"offline\"} 1"), std::string::npos)
      << m.response.body.substr(0, 2000);
  cpo1.set_down(false);
  ASSERT_TRUE(emsp1.wait_for([&](const auto& rs) { return saw(rs, {"OFFLINE", "CONNECTED"}); }));
  EXPECT_EQ(party_status(ids_[&cpo1]), "connected");
}

TEST_F(OcpiHubTest, HubClientInfoIsPushedAndListed) {
  auto& cpo1 = add_platform("CPO One", {{Role::cpo, kCpo1}});
  auto& emsp1 = add_platform("eMSP One", {{Role::emsp, kEmsp1}});
  // emsp1 learns that CPO One is connected.
  ASSERT_TRUE(emsp1.wait_for([](const auto& rs) {
    for (const auto& r : rs) {
      if (r.method == "PUT" && r.path == "/2.2.1/clientinfo/NL/CP1" && r.body.find("\"CONNECTED\"") != std::string::npos) {
        return true;
      }
    }
    return false;
  }));
  // Suspending CPO One is pushed too.
  auto s = admin_call_.call("PATCH", admin_ + "/admin/parties/" + ids_[&cpo1], R"({"status":"suspended"})", admin_headers());
  ASSERT_EQ(s.status, 200) << s.response.body;
  ASSERT_TRUE(emsp1.wait_for([](const auto& rs) {
    for (const auto& r : rs) {
      if (r.method == "PUT" && r.path == "/2.2.1/clientinfo/NL/CP1" && r.body.find("\"SUSPENDED\"") != std::string::npos) {
        return true;
      }
    }
    return false;
  }));
  auto list = emsp1.call("GET", hub_ + "/2.2.1/hubclientinfo?limit=1");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.response.header("X-Total-Count"), "2");
  EXPECT_FALSE(list.response.header("Link").empty());
  EXPECT_EQ(parse(hub::test::envelope_data(list.response.body)).Size(), 1u);
}

TEST_F(OcpiHubTest, TenThousandCdrsWhileTheEmspIsDownAllArrive) {
  auto& cpo1 = add_platform("CPO One", {{Role::cpo, kCpo1}});
  auto& emsp1 = add_platform("eMSP One", {{Role::emsp, kEmsp1}});
  emsp1.set_down(true);
  constexpr int kCount = 10000;
  std::atomic<int> accepted{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&, t] {
      for (int i = t; i < kCount; i += 4) {
        auto r = cpo1.call_routed("POST", url("receiver", "cdrs"), cdr_json(kCpo1, kEmsp1, "CDR" + std::to_string(i)),
                                  kEmsp1);
        if (r.status == 201 && hub::test::envelope_status(r.response.body) == 1000) {
          ++accepted;
        }
      }
    });
  }
  for (auto& s : senders) {
    s.join();
  }
  ASSERT_EQ(accepted.load(), kCount);
  emsp1.set_down(false);
  ASSERT_TRUE(emsp1.wait_for_distinct_ids("POST", "/2.2.1/cdrs", kCount, std::chrono::minutes(8)));
}

TEST_F(OcpiHubTest, OfficialExamplesArriveWithTheSameContent) {
  std::filesystem::path dir = std::filesystem::path(HUB_SHARED_SPEC_DIR) / "ocpi-2.2.1" / "examples";
  if (!std::filesystem::exists(dir)) {
    GTEST_SKIP() << "official OCPI 2.2.1 examples not found at " << dir << " (../shared/spec absent)";
  }
  // One multi-role CPO platform owning every example's CPO ids, one eMSP platform for the tokens.
  auto& cpo = add_platform("Example CPOs", {{Role::cpo, {"BE", "BEC"}},
                                            {Role::cpo, {"SE", "EVC"}},
                                            {Role::cpo, {"NL", "ALF"}},
                                            {Role::cpo, {"NL", "ALL"}},
                                            {Role::cpo, {"DE", "ALL"}},
                                            {Role::cpo, {"NL", "STK"}}});
  auto& emsp = add_platform("Example eMSPs", {{Role::emsp, {"NL", "TST"}}, {Role::emsp, {"DE", "TNM"}}, {Role::emsp, {"NL", "TNM"}}});
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    auto name = entry.path().filename().string();
    std::string module;
    for (std::string m : {"location", "session", "cdr", "tariff", "token"}) {
      if (name.rfind(m + "_", 0) == 0) {
        module = m == "cdr" ? "cdrs" : m + "s";
      }
    }
    auto d = parse(read_file(entry.path()));
    if (module.empty() || !d.IsObject() || !d.HasMember("country_code") || !d.HasMember("last_updated")) {
      continue;  // fragments (patch bodies, sub-objects) are not whole objects
    }
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    d.Accept(w);
    std::string body = sb.GetString();
    std::string cc = d["country_code"].GetString();
    std::string pid = d["party_id"].GetString();
    std::string id = module == "tokens" ? d["uid"].GetString() : d["id"].GetString();
    bool from_emsp = module == "tokens";
    auto& sender = from_emsp ? emsp : cpo;
    auto& receiver = from_emsp ? cpo : emsp;
    std::string method = module == "cdrs" ? "POST" : "PUT";
    std::string target = module == "cdrs" ? url("receiver", "cdrs") : url("receiver", module) + "/" + cc + "/" + pid + "/" + id;
    if (module == "tokens") {
      target += std::string("?type=") + d["type"].GetString();
    }
    std::string path = module == "cdrs" ? "/2.2.1/cdrs" : "/2.2.1/" + module + "/" + cc + "/" + pid + "/" + id;
    auto before = receiver.count(method, path);
    std::optional<PartyRef> to;
    if (module == "sessions" || module == "cdrs") {
      to = std::nullopt;  // open routing by the token owner
    } else {
      to = kHubRef;  // broadcast
    }
    auto r = sender.call_routed(method, target, body, to, PartyRef{cc, pid});
    ASSERT_EQ(hub::test::envelope_status(r.response.body), 1000) << name << ": " << r.response.body;
    ASSERT_TRUE(receiver.wait_for([&](const auto& rs) {
      std::size_t n = 0;
      for (const auto& x : rs) {
        n += x.method == method && x.path == path;
      }
      return n > before;
    })) << name;
    const Received* last = nullptr;
    for (const auto& x : receiver.received()) {
      if (x.method == method && x.path == path) {
        last = &x;
      }
    }
    auto rs = receiver.received();
    for (const auto& x : rs) {
      if (x.method == method && x.path == path) {
        last = &x;
      }
    }
    ASSERT_NE(last, nullptr);
    EXPECT_EQ(hub::ocpi::test::join(hub::ocpi::test::json_diff(body, last->body)), "") << name;
    ++checked;
  }
  EXPECT_EQ(checked, 29);  // 6 locations, 2 sessions, 1 CDR, 17 tariffs, 3 tokens (whole objects only)
}

}  // namespace
