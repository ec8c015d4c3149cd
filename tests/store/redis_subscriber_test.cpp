// SPDX-License-Identifier: GPL-2.0-or-later
#include "co_test.hpp"

#include <hub/core/io_context.hpp>
#include <hub/store/redis.hpp>
#include <test_support/redis_fixture.hpp>

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using hub::store::RedisClient;
using hub::store::RedisSubscriber;
using hub::test::batch;
using hub::test::cmd;
using hub::test::run_co;
using hub::test::wait_until;

struct Received {
  std::vector<std::pair<std::string, std::string>> messages;
  int connected = 0;
};

TEST(RedisSubscriber, ReceivesPublishedMessages) {
  hub::test::RedisServer server;
  hub::IoContext ioc;
  Received got;
  RedisSubscriber subscriber(
      ioc.get_executor(), server.options(), {"alpha", "beta"},
      [&](const std::string& channel, const std::string& payload) {
        got.messages.emplace_back(channel, payload);
      },
      [&] { ++got.connected; });
  RedisClient client(ioc.get_executor(), server.options());
  subscriber.start();
  client.start();
  const std::string binary("x\0y", 3);  // outside the coroutine: see redis_client_test.cpp
  run_co(ioc, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await client.wait_connected(5s));
    CO_ASSERT_TRUE(co_await wait_until([&] { return got.connected == 1; }, 5s));
    EXPECT_TRUE(subscriber.connected());
    auto published = co_await client.pipeline(
        batch(cmd("PUBLISH", "alpha", "one"), cmd("PUBLISH", "gamma", "ignored"),
              cmd("PUBLISH", "beta", binary), cmd("PUBLISH", "alpha", "two")));
    CO_ASSERT_TRUE(published.has_value());
    EXPECT_EQ((*published)[0].integer, 1);  // one subscriber received it
    EXPECT_EQ((*published)[1].integer, 0);
    CO_ASSERT_TRUE(co_await wait_until([&] { return got.messages.size() >= 3; }, 5s));
    // A marker published last proves nothing else is still in flight.
    CO_ASSERT_TRUE((co_await client.command(cmd("PUBLISH", "beta", "end"))).has_value());
    CO_ASSERT_TRUE(co_await wait_until([&] { return got.messages.size() >= 4; }, 5s));
    std::vector<std::pair<std::string, std::string>> expected = {
        {"alpha", "one"}, {"beta", binary}, {"alpha", "two"}, {"beta", "end"}};
    EXPECT_EQ(got.messages, expected);
    EXPECT_EQ(got.connected, 1);
  });
}

TEST(RedisSubscriber, ResubscribesAfterServerRestart) {
  hub::test::RedisServer server(hub::test::RedisServerOptions{.password = "pw"});
  hub::IoContext ioc;
  Received got;
  RedisSubscriber subscriber(
      ioc.get_executor(), server.options(), {"events"},
      [&](const std::string& channel, const std::string& payload) {
        got.messages.emplace_back(channel, payload);
      },
      [&] { ++got.connected; });
  RedisClient client(ioc.get_executor(), server.options());
  subscriber.start();
  client.start();
  run_co(ioc, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await wait_until([&] { return got.connected == 1; }, 5s));
    server.stop();
    CO_ASSERT_TRUE(co_await wait_until([&] { return !subscriber.connected(); }, 5s));
    server.start();
    CO_ASSERT_TRUE(co_await wait_until([&] { return got.connected == 2; }, 10s));
    EXPECT_TRUE(subscriber.connected());
    CO_ASSERT_TRUE(co_await client.wait_connected(5s));
    auto published = co_await client.command(cmd("PUBLISH", "events", "after-restart"));
    CO_ASSERT_TRUE(published.has_value());
    EXPECT_EQ(published->integer, 1);
    CO_ASSERT_TRUE(co_await wait_until([&] { return !got.messages.empty(); }, 5s));
    EXPECT_EQ(got.messages.front().second, "after-restart");
    subscriber.stop();
    EXPECT_FALSE(subscriber.connected());
  });
}

TEST(RedisSubscriber, NoChannelsStillReportsConnected) {
  hub::test::RedisServer server;
  hub::IoContext ioc;
  int connected = 0;
  RedisSubscriber subscriber(
      ioc.get_executor(), server.options(), {}, [](const std::string&, const std::string&) {},
      [&] { ++connected; });
  subscriber.start();
  run_co(ioc, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await wait_until([&] { return connected == 1; }, 5s));
  });
}

}  // namespace
