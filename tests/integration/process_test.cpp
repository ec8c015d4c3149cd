// SPDX-License-Identifier: GPL-2.0-or-later
// The real executables as an operator runs them: roaming-hub on its embedded default Redis,
// hubctl against it, configuration errors, memory under oversized bodies, SIGTERM.
#include <test_support/http_call.hpp>
#include <test_support/process.hpp>
#include <test_support/raw_http.hpp>
#include <test_support/redis_fixture.hpp>

#include <rapidjson/document.h>

#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <sstream>

namespace {

using hub::test::ChildProcess;
using hub::test::NotifySocket;
using hub::test::RawConnection;
using namespace std::chrono_literals;

constexpr const char* kHub = HUB_EXE;
constexpr const char* kHubctl = HUBCTL_EXE;

class ProcessTest : public ::testing::Test {
 protected:
  void write_config(const std::string& extra = {}) {
    std::ofstream(dir_.path() / std::filesystem::path("hub.toml"))
        << "[hub]\ndata_dir = \"" << (dir_.path() / std::filesystem::path("data")).string()
        << "\"\nlog_level = \"info\"\ndrain_timeout_ms = 5000\n"
        << "[api]\nlisten = \"127.0.0.1:" << api_port_ << "\"\n"
        << "[admin]\nlisten = \"127.0.0.1:" << admin_port_ << "\"\n"
        << extra;
  }

  std::string config_path() const { return (dir_.path() / std::filesystem::path("hub.toml")).string(); }

  std::unique_ptr<ChildProcess> start_hub(const std::string& name = "hub") {
    auto notify = std::make_unique<NotifySocket>(dir_.path() / std::filesystem::path(name + ".notify"));
    auto hub = std::make_unique<ChildProcess>(std::vector<std::string>{kHub, "--config", config_path()},
                                              std::map<std::string, std::string>{{"NOTIFY_SOCKET", notify->path()}},
                                              dir_.path(), name);
    EXPECT_TRUE(notify->wait_for("READY=1")) << hub->err();
    return hub;
  }

  /// Runs hubctl to completion; returns {exit code, stdout}.
  std::pair<int, std::string> hubctl(std::vector<std::string> args) {
    std::vector<std::string> argv{kHubctl, "--config", config_path()};
    argv.insert(argv.end(), args.begin(), args.end());
    ChildProcess p(argv, {}, dir_.path(), "hubctl");
    auto rc = p.wait(60s);
    return {rc.value_or(-1), p.out() + p.err()};
  }

  hub::test::TempDir dir_;
  std::uint16_t api_port_ = hub::test::pick_free_port();
  std::uint16_t admin_port_ = hub::test::pick_free_port();
};

TEST_F(ProcessTest, BadConfigExitsNonZeroAndNamesTheKey) {
  write_config("[redis]\nurl = \"mysql://nope\"\n");
  ChildProcess hub({kHub, "--config", config_path()}, {}, dir_.path(), "badconfig");
  auto rc = hub.wait(30s);
  ASSERT_TRUE(rc);
  EXPECT_EQ(*rc, 2);
  EXPECT_NE(hub.err().find("redis.url"), std::string::npos) << hub.err();

  ChildProcess missing({kHub, "--config", config_path() + ".missing"}, {}, dir_.path(), "missing");
  EXPECT_EQ(missing.wait(30s).value_or(-1), 2);
}

TEST_F(ProcessTest, EmbeddedDefaultServesRegistersAndSurvivesRestart) {
  write_config();
  auto hub = start_hub();
  hub::test::HttpCaller http;
  auto ready = http.call("GET", "http://127.0.0.1:" + std::to_string(admin_port_) + "/health/ready");
  EXPECT_EQ(ready.status, 200);

  auto [rc1, out1] = hubctl({"party", "add", "--name", "CPO One", "--protocol", "ocpi", "--role", "CPO:DE:ABC"});
  EXPECT_EQ(rc1, 0) << out1;
  EXPECT_NE(out1.find("token_a"), std::string::npos);
  auto [rc2, out2] = hubctl({"party", "add", "--name", "EMP Two", "--protocol", "ochp", "--role", "EMSP:DE*8AA",
                             "--username", "emp-two", "--password", "password-two"});
  EXPECT_EQ(rc2, 0) << out2;
  EXPECT_NE(out2.find("ochp_endpoints"), std::string::npos);
  auto [rc3, out3] = hubctl({"party", "add", "--name", "Dup", "--protocol", "ocpi", "--role", "CPO:DE:ABC"});
  EXPECT_EQ(rc3, 1) << out3;

  hub->signal(SIGTERM);
  auto code = hub->wait(60s);
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 0) << hub->err();

  auto again = start_hub("hub2");
  auto [rc4, out4] = hubctl({"party", "list", "--json"});
  ASSERT_EQ(rc4, 0) << out4;
  rapidjson::Document d;
  d.Parse(out4.c_str());
  ASSERT_TRUE(d.IsArray()) << out4;
  EXPECT_EQ(d.Size(), 2u);
  auto [rc5, out5] = hubctl({"party", "list"});
  EXPECT_EQ(rc5, 0);
  EXPECT_NE(out5.find("CPO One"), std::string::npos);
  EXPECT_NE(out5.find("EMSP:DE*8AA"), std::string::npos);

  // suspend / resume / show / remove from the shell
  std::string id = d[0]["id"].GetString();
  EXPECT_EQ(hubctl({"party", "suspend", id}).first, 0);
  auto [rc6, out6] = hubctl({"party", "show", id});
  EXPECT_EQ(rc6, 0);
  EXPECT_NE(out6.find("\"suspended\""), std::string::npos);
  EXPECT_EQ(hubctl({"party", "resume", id}).first, 0);
  EXPECT_EQ(hubctl({"party", "remove", id}).first, 0);
  EXPECT_EQ(hubctl({"party", "show", id}).first, 1);
  again->signal(SIGTERM);
  EXPECT_EQ(again->wait(60s).value_or(-1), 0);

  // Every log line is one JSON object; the request lines carry the request id.
  std::istringstream lines(again->err());
  std::string line;
  int parsed = 0;
  while (std::getline(lines, line)) {
    rapidjson::Document entry;
    entry.Parse(line.c_str());
    ASSERT_FALSE(entry.HasParseError()) << line;
    ASSERT_TRUE(entry.IsObject() && entry.HasMember("level") && entry.HasMember("ts")) << line;
    ++parsed;
  }
  EXPECT_GT(parsed, 0);
}

TEST_F(ProcessTest, AccessLogLinesCarryTheRequestId) {
  std::ofstream(config_path()) << "[hub]\ndata_dir = \"" << (dir_.path() / std::filesystem::path("data")).string()
                               << "\"\nlog_level = \"debug\"\n[api]\nlisten = \"127.0.0.1:" << api_port_
                               << "\"\n[admin]\nlisten = \"127.0.0.1:" << admin_port_ << "\"\n";
  auto hub = start_hub();
  RawConnection c(admin_port_);
  ASSERT_TRUE(c.send("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Request-ID: trace-me-42\r\n\r\n"));
  ASSERT_TRUE(c.read_response());
  hub->signal(SIGTERM);
  ASSERT_EQ(hub->wait(60s).value_or(-1), 0);
  std::istringstream lines(hub->err());
  std::string line;
  bool found = false;
  while (std::getline(lines, line)) {
    rapidjson::Document entry;
    entry.Parse(line.c_str());
    ASSERT_FALSE(entry.HasParseError()) << line;
    if (entry.HasMember("request_id") && entry["request_id"].IsString() &&
        std::string(entry["request_id"].GetString()) == "trace-me-42") {
      found = true;
      EXPECT_EQ(std::string(entry["status"].GetString()), "200");
    }
  }
  EXPECT_TRUE(found) << hub->err();
}

TEST_F(ProcessTest, TenMegabyteBodiesAreRefusedWithoutGrowingMemory) {
  write_config();
  auto hub = start_hub();
  auto before = hub->rss_kb();
  ASSERT_GT(before, 0);
  std::string body(10u << 20, 'x');
  for (int round = 0; round < 3; ++round) {
    for (auto port : {api_port_, admin_port_}) {
      RawConnection c(port);
      c.send("POST /admin/parties HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
             "\r\n\r\n");
      c.send(body);
      auto resp = c.read_response();
      ASSERT_TRUE(resp);
      EXPECT_EQ(RawConnection::status_of(*resp), 413);
    }
  }
  auto after = hub->rss_kb();
  std::cout << "RSS before " << before << " kB, after 60 MB of refused bodies " << after << " kB\n";
#if defined(__SANITIZE_ADDRESS__)
  constexpr long kLimitKb = 16 * 1024;  // ASan's allocator quarantine keeps freed memory around
#else
  constexpr long kLimitKb = 4 * 1024;
#endif
  EXPECT_LT(after - before, kLimitKb) << "RSS grew from " << before << " kB to " << after << " kB";
  hub->signal(SIGTERM);
  EXPECT_EQ(hub->wait(60s).value_or(-1), 0);
}

TEST_F(ProcessTest, SigtermDrainsAndExitsZeroWithAnExternalRedis) {
  hub::test::RedisServer redis;
  write_config("[redis]\nurl = \"" + redis.url() + "\"\n");
  auto hub = start_hub();
  // An idle keep-alive client does not hold the shutdown up.
  RawConnection idle(admin_port_);
  ASSERT_TRUE(idle.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(idle.read_response());
  hub->signal(SIGTERM);
  EXPECT_EQ(hub->wait(60s).value_or(-1), 0) << hub->err();
  EXPECT_TRUE(idle.read_all().empty());
}

}  // namespace
