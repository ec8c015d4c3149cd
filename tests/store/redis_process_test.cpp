// SPDX-License-Identifier: GPL-2.0-or-later
#include "co_test.hpp"

#include <hub/core/io_context.hpp>
#include <hub/store/redis.hpp>
#include <hub/store/redis_process.hpp>
#include <test_support/redis_fixture.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using hub::store::RedisClient;
using hub::store::RedisProcess;
using hub::store::RedisProcessOptions;
using hub::test::run_co;

hub::store::RedisOptions client_options(std::uint16_t port) {
  hub::store::RedisOptions options;
  options.port = port;
  options.backoff_initial = 20ms;
  options.backoff_max = 200ms;
  return options;
}

/// SET through a fresh client, or GET back (returns the value, or "<nil>"/"<error>").
std::string roundtrip(std::uint16_t port, std::vector<std::string> command) {
  hub::IoContext ioc;
  RedisClient client(ioc.get_executor(), client_options(port));
  client.start();
  std::string out = "<error>";
  run_co(ioc, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await client.wait_connected(5s));
    auto reply = co_await client.command(command);
    CO_ASSERT_TRUE(reply.has_value());
    out = reply->is_nil() ? "<nil>" : reply->str;
  });
  return out;
}

TEST(RedisProcess, AofKeepsDataAcrossRestart) {
  hub::test::TempDir dir;
  RedisProcessOptions options;
  options.data_dir = dir.path() / "data";  // created by start()
  std::uint16_t port = 0;
  {
    RedisProcess first(options);
    first.start();
    EXPECT_TRUE(first.running());
    port = first.port();
    EXPECT_NE(port, 0);
    EXPECT_EQ(first.url(), "redis://127.0.0.1:" + std::to_string(port));
    EXPECT_EQ(roundtrip(port, {"SET", "durable", "value"}), "OK");
    first.stop();  // graceful: the AOF is flushed
    EXPECT_FALSE(first.running());
    first.stop();  // idempotent
  }
  options.port = port;
  RedisProcess second(options);
  second.start();
  EXPECT_EQ(second.port(), port);
  EXPECT_EQ(roundtrip(port, {"GET", "durable"}), "value");
}

TEST(RedisProcess, KillThenStartAgainOnSamePort) {
  hub::test::TempDir dir;
  RedisProcessOptions options;
  options.data_dir = dir.path();
  options.appendfsync = "always";
  RedisProcess process(options);
  process.start();
  const auto port = process.port();
  EXPECT_EQ(roundtrip(port, {"SET", "k", "v"}), "OK");
  process.kill();
  EXPECT_FALSE(process.running());
  EXPECT_EQ(process.pid(), -1);
  options.port = port;
  RedisProcess again(options);
  again.start();
  EXPECT_TRUE(again.running());
  EXPECT_EQ(roundtrip(port, {"GET", "k"}), "v");  // appendfsync always: nothing lost
}

TEST(RedisProcess, TwoServersGetDifferentPorts) {
  hub::test::RedisServer a;
  hub::test::RedisServer b;
  EXPECT_NE(a.port(), b.port());
  EXPECT_TRUE(a.running());
  EXPECT_TRUE(b.running());
}

TEST(RedisProcess, MissingExecutableThrows) {
  hub::test::TempDir dir;
  RedisProcessOptions options;
  options.data_dir = dir.path();
  options.executable = "hub-no-such-redis-server";
  RedisProcess process(options);
  EXPECT_THROW(process.start(), std::runtime_error);
  EXPECT_FALSE(process.running());
}

TEST(RedisProcess, TakenFixedPortThrows) {
  hub::test::RedisServer holder;
  hub::test::TempDir dir;
  RedisProcessOptions options;
  options.data_dir = dir.path();
  options.port = holder.port();
  RedisProcess process(options);
  EXPECT_THROW(process.start(), std::runtime_error);
  EXPECT_FALSE(process.running());
  EXPECT_TRUE(holder.running());
}

TEST(TempDir, RemovedRecursively) {
  std::filesystem::path path;
  {
    hub::test::TempDir dir;
    path = dir.path();
    EXPECT_TRUE(std::filesystem::is_directory(path));
    std::filesystem::create_directories(path / "a" / "b");
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
