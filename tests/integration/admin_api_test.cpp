// SPDX-License-Identifier: GPL-2.0-or-later
// The real hub (hub::app::App) booted in-process on port 0 against a throwaway redis-server;
// the admin API, health and metrics exercised over real HTTP.
#include <hub/core/io_context.hpp>
#include <app.hpp>
#include <hub/bus/bus.hpp>
#include <hub/store/redis.hpp>

#include <boost/asio.hpp>
#include <test_support/http_call.hpp>
#include <test_support/raw_http.hpp>
#include <test_support/redis_fixture.hpp>

#include <rapidjson/document.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

namespace {

using hub::test::HttpCaller;
using hub::test::RawConnection;

constexpr const char* kToken = "admin-token-for-the-tests-0123456789";

rapidjson::Document json(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  return d;
}

class AdminApiTest : public ::testing::Test {
 protected:
  void SetUp() override { boot(); }
  void TearDown() override { shutdown(); }

  void boot() {
    auto config = hub::config::load_string("", [](const std::string&) { return std::nullopt; });
    config.api.listen = {"127.0.0.1", 0};
    config.admin.listen = {"127.0.0.1", 0};
    config.redis.url = redis_.url();
    config.admin_token = kToken;
    config.data_dir = data_.path();
    config.public_url = "https://hub.example.com";
    config.log_level = "warn";
    config.bus.backoff_initial = std::chrono::milliseconds(20);
    config.bus.backoff_max = std::chrono::milliseconds(100);
    config.bus.sweep_interval = std::chrono::milliseconds(100);
    app_ = std::make_unique<hub::app::App>(config);
    app_->start();
  }

  void shutdown() {
    if (app_) {
      app_->request_stop();
      EXPECT_EQ(app_->wait(), 0);
      app_.reset();
    }
  }

  std::string admin(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(app_->admin_port()) + path;
  }

  hub::http::ClientResult call(const std::string& method, const std::string& path, const std::string& body = {},
                               const std::string& token = kToken) {
    hub::http::Headers h;
    if (!token.empty()) {
      h.emplace_back("Authorization", "Bearer " + token);
    }
    return http_.call(method, admin(path), body, h);
  }

  std::string add_ocpi(const std::string& name, const std::string& role, const std::string& cc,
                       const std::string& pid) {
    auto r = call("POST", "/admin/parties",
                  R"({"name":")" + name + R"(","protocol":"ocpi","roles":[{"role":")" + role +
                      R"(","country_code":")" + cc + R"(","party_id":")" + pid + R"("}]})");
    EXPECT_EQ(r.status, 201) << r.response.body;
    return json(r.response.body)["id"].GetString();
  }

  hub::test::RedisServer redis_;
  hub::test::TempDir data_;
  HttpCaller http_;
  std::unique_ptr<hub::app::App> app_;
};

TEST_F(AdminApiTest, HealthEndpoints) {
  EXPECT_EQ(call("GET", "/health/live", "", "").status, 200);
  EXPECT_EQ(call("GET", "/health/ready", "", "").status, 200);
}

TEST_F(AdminApiTest, RegistersAnOcpiParty) {
  auto r = call("POST", "/admin/parties",
                R"({"name":"Charge Co","protocol":"ocpi","roles":[{"role":"CPO","country_code":"de","party_id":"abc"}]})");
  ASSERT_EQ(r.status, 201) << r.response.body;
  auto d = json(r.response.body);
  ASSERT_TRUE(d.IsObject());
  EXPECT_TRUE(d["id"].IsString());
  EXPECT_EQ(std::string(d["protocol"].GetString()), "ocpi");
  EXPECT_EQ(std::string(d["status"].GetString()), "planned");
  EXPECT_EQ(std::string(d["versions_url"].GetString()), "https://hub.example.com/ocpi/versions");
  EXPECT_GE(std::string(d["token_a"].GetString()).size(), 32u);
  EXPECT_EQ(std::string(d["roles"][0]["country_code"].GetString()), "DE");
  EXPECT_EQ(std::string(d["roles"][0]["party_id"].GetString()), "ABC");
  EXPECT_FALSE(r.response.header("Location").empty());
}

TEST_F(AdminApiTest, RegistersAnOchpPartyWithHashedPassword) {
  auto r = call("POST", "/admin/parties",
                R"({"name":"EMP Co","protocol":"ochp","roles":[{"role":"EMSP","country_code":"DE","party_id":"8AA"}],"username":"emp-co","password":"s3cret-password"})");
  ASSERT_EQ(r.status, 201) << r.response.body;
  auto d = json(r.response.body);
  EXPECT_EQ(std::string(d["ochp_endpoints"]["main"].GetString()), "https://hub.example.com/service/ochp/v1.4");
  EXPECT_EQ(std::string(d["ochp_endpoints"]["live"].GetString()), "https://hub.example.com/live/ochp/v1.4");
  EXPECT_EQ(std::string(d["ochp_endpoints"]["direct"].GetString()), "https://hub.example.com/direct/ochp/v1.4");
  EXPECT_EQ(std::string(d["username"].GetString()), "emp-co");
  EXPECT_EQ(r.response.body.find("s3cret-password"), std::string::npos);
  EXPECT_EQ(r.response.body.find("password"), std::string::npos);
}

TEST_F(AdminApiTest, ListShowPatchAndDelete) {
  auto cpo = add_ocpi("cpo", "CPO", "DE", "ABC");
  auto emsp = add_ocpi("emsp", "EMSP", "NL", "XYZ");
  auto list = call("GET", "/admin/parties");
  ASSERT_EQ(list.status, 200);
  auto arr = json(list.response.body);
  ASSERT_TRUE(arr.IsArray());
  EXPECT_EQ(arr.Size(), 2u);

  auto show = call("GET", "/admin/parties/" + cpo);
  ASSERT_EQ(show.status, 200);
  EXPECT_EQ(std::string(json(show.response.body)["name"].GetString()), "cpo");

  auto suspended = call("PATCH", "/admin/parties/" + cpo, R"({"status":"suspended"})");
  ASSERT_EQ(suspended.status, 200) << suspended.response.body;
  EXPECT_EQ(std::string(json(suspended.response.body)["status"].GetString()), "suspended");
  auto only_suspended = json(call("GET", "/admin/parties?status=suspended").response.body);
  ASSERT_EQ(only_suspended.Size(), 1u);
  EXPECT_EQ(std::string(only_suspended[0]["id"].GetString()), cpo);
  // An OCPI party that never completed its handshake resumes to PLANNED.
  auto resumed = call("PATCH", "/admin/parties/" + cpo, R"({"status":"connected"})");
  EXPECT_EQ(std::string(json(resumed.response.body)["status"].GetString()), "planned");
  auto renamed = call("PATCH", "/admin/parties/" + cpo, R"({"name":"renamed"})");
  EXPECT_EQ(std::string(json(renamed.response.body)["name"].GetString()), "renamed");

  EXPECT_EQ(call("DELETE", "/admin/parties/" + emsp).status, 204);
  EXPECT_EQ(call("GET", "/admin/parties/" + emsp).status, 404);
  EXPECT_EQ(json(call("GET", "/admin/parties").response.body).Size(), 1u);
}

TEST_F(AdminApiTest, BadInputGetsClearErrors) {
  auto malformed = call("POST", "/admin/parties", R"({"name": "x", )");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_TRUE(json(malformed.response.body)["error"].IsString());

  struct Case {
    const char* body;
    const char* field;
  };
  const Case cases[] = {
      {R"([1,2])", nullptr},
      {R"({"name":1,"protocol":"ocpi","roles":[{"role":"CPO","country_code":"DE","party_id":"ABC"}]})", "name"},
      {R"({"name":"x","protocol":"ocpp","roles":[{"role":"CPO","country_code":"DE","party_id":"ABC"}]})", "protocol"},
      {R"({"name":"x","protocol":"ocpi","roles":[]})", "roles"},
      {R"({"name":"x","protocol":"ocpi","roles":[{"role":"KING","country_code":"DE","party_id":"ABC"}]})", "roles[0].role"},
      {R"({"name":"x","protocol":"ocpi","roles":[{"role":"HUB","country_code":"DE","party_id":"ABC"}]})", "roles[0].role"},
      {R"({"name":"x","protocol":"ocpi","roles":[{"role":"CPO","country_code":"DEU","party_id":"ABC"}]})", "roles[0].country_code"},
      {R"({"name":"x","protocol":"ocpi","roles":[{"role":"CPO","country_code":"DE","party_id":"AB"}]})", "roles[0].party_id"},
      {R"({"name":"x","protocol":"ocpi","roles":[{"role":"CPO","country_code":"DE","party_id":"ABC","extra":1}]})", "roles[0].extra"},
      {R"({"name":"x","protocol":"ocpi","colour":"red","roles":[{"role":"CPO","country_code":"DE","party_id":"ABC"}]})", "colour"},
      {R"({"name":"x","protocol":"ochp","roles":[{"role":"CPO","country_code":"DE","party_id":"ABC"}]})", "username"},
      {R"({"name":"x","protocol":"ochp","username":"u\n<x>","password":"s3cret-password","roles":[{"role":"CPO","country_code":"DE","party_id":"ABC"}]})", "username"},
      {R"({"name":"x","protocol":"ochp","username":"u v","password":"s3cret-password","roles":[{"role":"CPO","country_code":"DE","party_id":"ABC"}]})", "username"},
      {R"({"name":"x","protocol":"ochp","username":"u\u0000v","password":"s3cret-password","roles":[{"role":"CPO","country_code":"DE","party_id":"ABC"}]})", "username"},
      {R"({"name":"x","protocol":"ochp","username":"u","password":"short","roles":[{"role":"CPO","country_code":"DE","party_id":"ABC"}]})", "password"},
      {R"({"name":"x","protocol":"ocpi","username":"u","roles":[{"role":"CPO","country_code":"DE","party_id":"ABC"}]})", "username"},
  };
  for (const auto& c : cases) {
    auto r = call("POST", "/admin/parties", c.body);
    EXPECT_EQ(r.status, 400) << c.body;
    auto d = json(r.response.body);
    ASSERT_TRUE(d.IsObject()) << r.response.body;
    EXPECT_TRUE(d["error"].IsString());
    if (c.field) {
      ASSERT_TRUE(d.HasMember("field")) << c.body;
      EXPECT_EQ(std::string(d["field"].GetString()), c.field) << c.body;
    }
  }
  EXPECT_EQ(call("PATCH", "/admin/parties/nope", R"({"status":"suspended"})").status, 404);
  auto id = add_ocpi("cpo", "CPO", "DE", "ABC");
  EXPECT_EQ(call("PATCH", "/admin/parties/" + id, R"({"status":"gone"})").status, 400);
  EXPECT_EQ(call("PATCH", "/admin/parties/" + id, R"({})").status, 400);
  EXPECT_EQ(call("PATCH", "/admin/parties/" + id, "not json").status, 400);
}

TEST_F(AdminApiTest, UnknownPartyIs404) {
  EXPECT_EQ(call("GET", "/admin/parties/p0000000000000000").status, 404);
  EXPECT_EQ(call("DELETE", "/admin/parties/p0000000000000000").status, 404);
  EXPECT_EQ(call("GET", "/admin/nothing-here").status, 404);
  EXPECT_EQ(call("GET", "/admin/parties/a/b").status, 404);
}

TEST_F(AdminApiTest, DuplicateRoleIs409) {
  add_ocpi("first", "CPO", "DE", "ABC");
  auto r = call("POST", "/admin/parties",
                R"({"name":"second","protocol":"ochp","username":"u2","password":"password-2","roles":[{"role":"CPO","country_code":"DE","party_id":"ABC"}]})");
  EXPECT_EQ(r.status, 409);
  auto twice = call("POST", "/admin/parties",
                    R"({"name":"x","protocol":"ocpi","roles":[{"role":"CPO","country_code":"FR","party_id":"ABC"},{"role":"CPO","country_code":"fr","party_id":"abc"}]})");
  EXPECT_EQ(twice.status, 409);
}

TEST_F(AdminApiTest, AdminNeedsTheBearerToken) {
  EXPECT_EQ(call("GET", "/admin/parties", "", "").status, 401);
  auto wrong = call("GET", "/admin/parties", "", "wrong-token");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.response.header("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(call("PUT", "/admin/parties").status, 405);
}

TEST_F(AdminApiTest, PartiesSurviveARestartOfTheHub) {
  auto id = add_ocpi("durable", "EMSP", "BE", "DUR");
  shutdown();
  boot();
  auto show = call("GET", "/admin/parties/" + id);
  ASSERT_EQ(show.status, 200);
  EXPECT_EQ(std::string(json(show.response.body)["name"].GetString()), "durable");
}

TEST_F(AdminApiTest, MetricsAreValidPrometheusText) {
  add_ocpi("cpo", "CPO", "DE", "ABC");
  call("GET", "/admin/parties/unknown");
  auto m = call("GET", "/metrics", "", "");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.response.header("Content-Type").rfind("text/plain", 0), 0u);
  const auto& text = m.response.body;
  EXPECT_NE(text.find("hub_http_requests_total{"), std::string::npos);
  EXPECT_NE(text.find("listener=\"admin\""), std::string::npos);
  EXPECT_NE(text.find("result=\"4xx\""), std::string::npos);
  EXPECT_NE(text.find("hub_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(text.find("hub_parties{protocol=\"ocpi\",status=\"planned\"} 1"), std::string::npos);
  EXPECT_NE(text.find("hub_redis_up 1"), std::string::npos);

  // promtool (Debian package prometheus) is the independent checker.
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "promtool not installed (deploy/install-deps.sh installs it)";
  }
  auto file = std::filesystem::path(data_.path()) / "metrics.txt";
  std::ofstream(file) << text;
  auto cmd = "promtool check metrics < " + file.string() + " > " + file.string() + ".out 2>&1";
  int rc = std::system(cmd.c_str());
  std::ifstream out(file.string() + ".out");
  std::string report((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rc, 0) << report;
  EXPECT_TRUE(report.empty()) << report;
}

TEST_F(AdminApiTest, OversizedBodiesGet413OnBothListeners) {
  std::string body(10u << 20, 'x');
  for (auto port : {app_->admin_port(), app_->api_port()}) {
    RawConnection c(port);
    c.send("POST /admin/parties HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n");
    c.send(body);
    auto resp = c.read_response();
    ASSERT_TRUE(resp);
    EXPECT_EQ(RawConnection::status_of(*resp), 413);
  }
}

TEST_F(AdminApiTest, NotReadyWhileRedisIsDown) {
  redis_.kill();
  EXPECT_EQ(call("GET", "/health/ready", "", "").status, 503);
  EXPECT_EQ(call("GET", "/health/live", "", "").status, 200);
  auto r = call("POST", "/admin/parties",
                R"({"name":"x","protocol":"ocpi","roles":[{"role":"CPO","country_code":"DE","party_id":"ABC"}]})");
  EXPECT_EQ(r.status, 503);
}

/// Publishes CDR events straight onto the bus the hub works (as an inbound adapter would).
void publish_cdrs(const hub::store::RedisOptions& options, const std::string& destination, int count) {
  namespace asio = boost::asio;
  hub::IoContext ioc;
  hub::store::RedisClient client(ioc.get_executor(), options);
  hub::bus::Bus bus(ioc.get_executor(), client);
  auto done = asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<int> {
        client.start();
        bool up = co_await client.wait_connected(std::chrono::seconds(10));
        int ok = 0;
        for (int i = 0; up && i < count; ++i) {
          hub::bus::Event e;
          e.source = "test";
          e.destination = destination;
          e.kind = hub::bus::Kind::cdr;
          e.key = "CDR-" + std::to_string(i);
          e.payload = "{}";
          auto r = co_await bus.publish(std::move(e));
          ok += r && !r->duplicate ? 1 : 0;
        }
        client.stop();
        co_return ok;
      },
      asio::use_future);
  ioc.run();
  EXPECT_EQ(done.get(), count);
}

TEST_F(AdminApiTest, DeliveriesCanBeListedAndDeadLettersRequeued) {
  auto id = add_ocpi("emsp", "EMSP", "DE", "EMS");
  publish_cdrs(redis_.options(), id, 3);
  // No OCPI outbound is wired yet, so the events wait (retryable) for the party.
  auto pending = call("GET", "/admin/deliveries?party=" + id + "&state=pending");
  ASSERT_EQ(pending.status, 200) << pending.response.body;
  auto list = json(pending.response.body);
  ASSERT_TRUE(list.IsArray());
  EXPECT_EQ(list.Size(), 3u);
  EXPECT_EQ(std::string(list[0]["kind"].GetString()), "cdr");
  EXPECT_EQ(std::string(list[0]["key"].GetString()), "CDR-0");

  // Once the party is removed its events become dead letters ("unknown_destination").
  ASSERT_EQ(call("DELETE", "/admin/parties/" + id).status, 204);
  auto wait_for_dead = [&](std::size_t n) {
    rapidjson::Document dead;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    do {
      dead = json(call("GET", "/admin/deliveries?party=" + id + "&state=dead").response.body);
      if (dead.IsArray() && dead.Size() == n) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // bounded wait for a state seen over HTTP
    } while (std::chrono::steady_clock::now() < deadline);
    return dead;
  };
  auto dead = wait_for_dead(3);
  ASSERT_TRUE(dead.IsArray());
  ASSERT_EQ(dead.Size(), 3u);
  EXPECT_EQ(std::string(dead[0]["reason"].GetString()), "unknown_destination");
  EXPECT_EQ(json(call("GET", "/admin/deliveries?party=" + id + "&state=pending").response.body).Size(), 0u);

  // A requeued event is worked again (and, its party being gone, fails again under a new id).
  std::string one = dead[0]["id"].GetString();
  EXPECT_EQ(call("POST", "/admin/deliveries/" + one + "/retry").status, 200);
  EXPECT_EQ(call("POST", "/admin/deliveries/no:such:1-0/retry").status, 404);
  dead = wait_for_dead(3);
  ASSERT_EQ(dead.Size(), 3u);
  bool same_id_again = false;
  for (const auto& d : dead.GetArray()) {
    same_id_again = same_id_again || std::string(d["id"].GetString()) == one;
  }
  EXPECT_FALSE(same_id_again);
  auto all = call("POST", "/admin/parties/" + id + "/deliveries/retry-dead");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(json(all.response.body)["requeued"].GetInt(), 3);

  // The bus metrics: dead letters by reason, attempts by outcome, retries.
  auto metrics = call("GET", "/metrics", "", "").response.body;
  EXPECT_NE(metrics.find("hub_bus_dead_letters_total{reason=\"unknown_destination\"}"), std::string::npos);
  EXPECT_NE(metrics.find("hub_bus_delivery_attempts_total{outcome=\"retryable\"}"), std::string::npos);
  EXPECT_NE(metrics.find("hub_bus_delivery_attempts_total{outcome=\"permanent\"}"), std::string::npos);
  EXPECT_NE(metrics.find("hub_bus_delivery_retries_total"), std::string::npos);

  EXPECT_EQ(call("GET", "/admin/deliveries?state=pending").status, 400);
  EXPECT_EQ(call("GET", "/admin/deliveries?party=x&state=lost").status, 400);
  EXPECT_EQ(call("GET", "/admin/deliveries?party=x", "", "").status, 401);
}

TEST_F(AdminApiTest, ApiListenerDescribesTheHub) {
  auto r = http_.call("GET", "http://127.0.0.1:" + std::to_string(app_->api_port()) + "/");
  ASSERT_EQ(r.status, 200);
  auto d = json(r.response.body);
  EXPECT_EQ(std::string(d["ocpi_versions_url"].GetString()), "https://hub.example.com/ocpi/versions");
  EXPECT_EQ(http_.call("GET", "http://127.0.0.1:" + std::to_string(app_->api_port()) + "/nothing").status, 404);
}

}  // namespace
