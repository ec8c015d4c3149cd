// SPDX-License-Identifier: GPL-2.0-or-later
#include "co_test.hpp"

#include <hub/core/io_context.hpp>
#include <hub/store/redis.hpp>
#include <test_support/redis_fixture.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using hub::Errc;
using hub::Result;
using hub::make_error_code;
using hub::store::RedisClient;
using hub::store::Reply;
using hub::test::batch;
using hub::test::cmd;
using hub::test::run_co;
using hub::test::wait_until;

class RedisClientTest : public ::testing::Test {
 protected:
  hub::test::RedisServer server_;
  hub::IoContext ioc_;
};

/// Lets queued handlers (e.g. hiredis' write of a just-issued command) run.
asio::awaitable<void> yield_a_few(int times = 5) {
  for (int i = 0; i < times; ++i) {
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  }
}

TEST_F(RedisClientTest, SetGetBinarySafe) {
  RedisClient client(ioc_.get_executor(), server_.options());
  client.start();
  // (Declared outside the coroutine: g++ 12 rejects array-initialised locals inside it.)
  const std::string key("bin\0key", 7);
  const std::string value("a\0b\r\n\xff\x00z", 8);
  run_co(ioc_, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await client.wait_connected(5s));
    auto set = co_await client.command(cmd("SET", key, value));
    CO_ASSERT_TRUE(set.has_value());
    EXPECT_EQ(set->type, Reply::Type::status);
    EXPECT_EQ(set->str, "OK");
    auto get = co_await client.command(cmd("GET", key));
    CO_ASSERT_TRUE(get.has_value());
    EXPECT_EQ(get->type, Reply::Type::string);
    EXPECT_EQ(get->str.size(), 8u);
    EXPECT_EQ(get->str, value);
    auto empty = co_await client.command(cmd("SET", "empty", ""));
    CO_ASSERT_TRUE(empty.has_value());
    auto get_empty = co_await client.command(cmd("GET", "empty"));
    CO_ASSERT_TRUE(get_empty.has_value());
    EXPECT_EQ(get_empty->type, Reply::Type::string);
    EXPECT_TRUE(get_empty->str.empty());
  });
}

TEST_F(RedisClientTest, ReplyTypes) {
  RedisClient client(ioc_.get_executor(), server_.options());
  client.start();
  run_co(ioc_, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await client.wait_connected(5s));
    auto integer = co_await client.command(cmd("INCRBY", "counter", "41"));
    CO_ASSERT_TRUE(integer.has_value());
    EXPECT_EQ(integer->type, Reply::Type::integer);
    EXPECT_EQ(integer->integer, 41);

    auto missing = co_await client.command(cmd("GET", "no-such-key"));
    CO_ASSERT_TRUE(missing.has_value());
    EXPECT_TRUE(missing->is_nil());

    auto pushed = co_await client.command(cmd("RPUSH", "list", "x", "y", "z"));
    CO_ASSERT_TRUE(pushed.has_value());
    EXPECT_EQ(pushed->integer, 3);
    auto range = co_await client.command(cmd("LRANGE", "list", "0", "-1"));
    CO_ASSERT_TRUE(range.has_value());
    EXPECT_EQ(range->type, Reply::Type::array);
    CO_ASSERT_TRUE(range->elements.size() == 3u);
    EXPECT_EQ(range->elements[0].str, "x");
    EXPECT_EQ(range->elements[2].str, "z");

    auto nested = co_await client.command(cmd("EVAL", "return {1, {'a', 2}, false}", "0"));
    CO_ASSERT_TRUE(nested.has_value());
    CO_ASSERT_TRUE(nested->type == Reply::Type::array && nested->elements.size() == 3u);
    EXPECT_EQ(nested->elements[0].integer, 1);
    CO_ASSERT_TRUE(nested->elements[1].elements.size() == 2u);
    EXPECT_EQ(nested->elements[1].elements[0].str, "a");
    EXPECT_TRUE(nested->elements[2].is_nil());

    // A Redis error reply is a successful Result holding an error Reply.
    auto error = co_await client.command(cmd("NO-SUCH-COMMAND"));
    CO_ASSERT_TRUE(error.has_value());
    EXPECT_TRUE(error->is_error());
    EXPECT_FALSE(error->str.empty());
    auto wrong_type = co_await client.command(cmd("INCR", "list"));
    CO_ASSERT_TRUE(wrong_type.has_value());
    EXPECT_TRUE(wrong_type->is_error());

    auto pong = co_await client.command(cmd("PING"));
    CO_ASSERT_TRUE(pong.has_value());
    EXPECT_EQ(pong->type, Reply::Type::status);
    EXPECT_EQ(pong->str, "PONG");

    auto empty_command = co_await client.command(cmd());
    EXPECT_FALSE(empty_command.has_value());
  });
}

/// calls=N of one command in INFO commandstats (0 when it never ran).
long long calls_of(const std::string& info, const std::string& command) {
  auto at = info.find("cmdstat_" + command + ":calls=");
  if (at == std::string::npos) {
    return 0;
  }
  return std::stoll(info.substr(at + command.size() + 15));
}

TEST_F(RedisClientTest, ScriptsGoAsEvalshaAndSurviveALostScriptCache) {
  RedisClient client(ioc_.get_executor(), server_.options());
  client.start();
  run_co(ioc_, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await client.wait_connected(5s));
    const std::string script = "return redis.call('INCR', KEYS[1])";
    for (long long expected = 1; expected <= 3; ++expected) {
      auto r = co_await client.command(cmd("EVAL", script, "1", "counter"));
      CO_ASSERT_TRUE(r.has_value());
      EXPECT_EQ(r->integer, expected);
    }
    auto stats = co_await client.command(cmd("INFO", "commandstats"));
    CO_ASSERT_TRUE(stats.has_value());
    EXPECT_EQ(calls_of(stats->str, "evalsha"), 3);
    EXPECT_EQ(calls_of(stats->str, "eval"), 0);

    // The server forgets its scripts: the command still runs exactly once (EVALSHA answers
    // NOSCRIPT without running anything, then EVAL runs and caches the script again).
    CO_ASSERT_TRUE((co_await client.command(cmd("SCRIPT", "FLUSH"))).has_value());
    auto r = co_await client.command(cmd("EVAL", script, "1", "counter"));
    CO_ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->integer, 4);
    auto again = co_await client.command(cmd("EVAL", script, "1", "counter"));
    CO_ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->integer, 5);
    stats = co_await client.command(cmd("INFO", "commandstats"));
    CO_ASSERT_TRUE(stats.has_value());
    EXPECT_EQ(calls_of(stats->str, "eval"), 1);
    EXPECT_EQ(calls_of(stats->str, "evalsha"), 5);

    // A script error is the script's answer, not a transport failure.
    auto bad = co_await client.command(cmd("EVAL", "return redis.call('NO_SUCH')", "0"));
    CO_ASSERT_TRUE(bad.has_value());
    EXPECT_TRUE(bad->is_error());
    auto syntax = co_await client.command(cmd("EVAL", "this is not lua", "0"));
    CO_ASSERT_TRUE(syntax.has_value());
    EXPECT_TRUE(syntax->is_error());
  });
}

TEST_F(RedisClientTest, PipelineOfThousandCommandsKeepsOrder) {
  RedisClient client(ioc_.get_executor(), server_.options());
  client.start();
  run_co(ioc_, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await client.wait_connected(5s));
    constexpr int kCount = 1000;
    std::vector<std::vector<std::string>> pushes;
    for (int i = 0; i < kCount; ++i) {
      pushes.push_back(cmd("RPUSH", "ordered", std::to_string(i)));
    }
    auto pushed = co_await client.pipeline(std::move(pushes));
    CO_ASSERT_TRUE(pushed.has_value());
    CO_ASSERT_TRUE(pushed->size() == static_cast<std::size_t>(kCount));
    for (int i = 0; i < kCount; ++i) {
      EXPECT_EQ((*pushed)[i].integer, i + 1);
    }
    std::vector<std::vector<std::string>> mixed;
    for (int i = 0; i < kCount; ++i) {
      mixed.push_back(cmd("LINDEX", "ordered", std::to_string(i)));
    }
    auto read = co_await client.pipeline(std::move(mixed));
    CO_ASSERT_TRUE(read.has_value());
    CO_ASSERT_TRUE(read->size() == static_cast<std::size_t>(kCount));
    for (int i = 0; i < kCount; ++i) {
      EXPECT_EQ((*read)[i].str, std::to_string(i));
    }
    auto none = co_await client.pipeline(batch());
    CO_ASSERT_TRUE(none.has_value());
    EXPECT_TRUE(none->empty());
  });
}

TEST_F(RedisClientTest, DeadlineExceededKeepsConnectionUsable) {
  RedisClient client(ioc_.get_executor(), server_.options());
  client.start();
  run_co(ioc_, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await client.wait_connected(5s));
    auto started = std::chrono::steady_clock::now();
    auto slow = co_await client.command(cmd("DEBUG", "SLEEP", "0.5"), 100ms);
    auto elapsed = std::chrono::steady_clock::now() - started;
    CO_ASSERT_TRUE(!slow.has_value());
    EXPECT_EQ(slow.error(), make_error_code(Errc::deadline_exceeded));
    EXPECT_GE(elapsed, 100ms);
    EXPECT_LT(elapsed, 1s);  // well before the 5 s default; the code proves it beat the reply
    EXPECT_TRUE(client.connected());
    // The late DEBUG reply is discarded; the next reply goes to the next command.
    auto pong = co_await client.command(cmd("ECHO", "after"), 5s);
    CO_ASSERT_TRUE(pong.has_value());
    EXPECT_EQ(pong->str, "after");
    auto slow_pipeline =
        co_await client.pipeline(batch(cmd("DEBUG", "SLEEP", "0.3"), cmd("PING")), 50ms);
    CO_ASSERT_TRUE(!slow_pipeline.has_value());
    EXPECT_EQ(slow_pipeline.error(), make_error_code(Errc::deadline_exceeded));
    auto echo = co_await client.command(cmd("ECHO", "again"), 5s);
    CO_ASSERT_TRUE(echo.has_value());
    EXPECT_EQ(echo->str, "again");
  });
}

TEST_F(RedisClientTest, UnavailableBeforeStartAndWhenNothingListens) {
  auto options = server_.options();
  server_.stop();
  RedisClient client(ioc_.get_executor(), options);
  run_co(ioc_, [&]() -> asio::awaitable<void> {
    auto before = co_await client.command(cmd("PING"));
    CO_ASSERT_TRUE(!before.has_value());
    EXPECT_EQ(before.error(), make_error_code(Errc::unavailable));
    client.start();
    EXPECT_FALSE(co_await client.wait_connected(200ms));
    auto started = std::chrono::steady_clock::now();
    auto result = co_await client.command(cmd("PING"), 5s);
    CO_ASSERT_TRUE(!result.has_value());
    EXPECT_EQ(result.error(), make_error_code(Errc::unavailable));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);  // immediately, not at the deadline
  });
}

TEST_F(RedisClientTest, UnavailableAfterServerKilled) {
  RedisClient client(ioc_.get_executor(), server_.options());
  client.start();
  run_co(ioc_, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await client.wait_connected(5s));
    server_.kill();
    CO_ASSERT_TRUE(co_await wait_until([&] { return !client.connected(); }, 5s));
    auto result = co_await client.command(cmd("PING"), 5s);
    CO_ASSERT_TRUE(!result.has_value());
    EXPECT_EQ(result.error(), make_error_code(Errc::unavailable));
  });
}

TEST_F(RedisClientTest, ReconnectsAfterServerRestart) {
  RedisClient client(ioc_.get_executor(), server_.options());
  client.start();
  run_co(ioc_, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await client.wait_connected(5s));
    auto set = co_await client.command(cmd("SET", "survives", "yes"));
    CO_ASSERT_TRUE(set.has_value());
    server_.stop();
    CO_ASSERT_TRUE(co_await wait_until([&] { return !client.connected(); }, 5s));
    server_.start();
    CO_ASSERT_TRUE(co_await client.wait_connected(5s));
    auto get = co_await client.command(cmd("GET", "survives"));
    CO_ASSERT_TRUE(get.has_value());
    EXPECT_EQ(get->str, "yes");  // AOF replayed by the restarted server
  });
}

TEST_F(RedisClientTest, RetryingCallerRecoversAfterRestart) {
  RedisClient client(ioc_.get_executor(), server_.options());
  client.start();
  run_co(ioc_, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await client.wait_connected(5s));
    server_.restart();  // the client has not noticed yet: the first attempts may fail
    std::optional<Result<Reply>> last;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      co_await client.wait_connected(1s);
      last = co_await client.command(cmd("PING"));
      if (last->has_value()) {
        break;
      }
      EXPECT_EQ(last->error(), make_error_code(Errc::unavailable));
    }
    CO_ASSERT_TRUE(last && last->has_value());
    EXPECT_EQ((*last)->str, "PONG");
  });
}

TEST_F(RedisClientTest, KillMidPipelineFailsCleanly) {
  RedisClient client(ioc_.get_executor(), server_.options());
  client.start();
  run_co(ioc_, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await client.wait_connected(5s));
    std::vector<std::vector<std::string>> commands;
    commands.push_back(cmd("DEBUG", "SLEEP", "2"));  // the batch cannot finish before the kill
    for (int i = 0; i < 2000; ++i) {
      commands.push_back(cmd("SET", "k" + std::to_string(i), std::string(100, 'v')));
    }
    std::optional<Result<std::vector<Reply>>> outcome;
    asio::co_spawn(
        co_await asio::this_coro::executor,
        [&]() -> asio::awaitable<void> { outcome = co_await client.pipeline(commands, 10s); },
        asio::detached);
    co_await yield_a_few();
    server_.kill();
    CO_ASSERT_TRUE(co_await wait_until([&] { return outcome.has_value(); }, 5s));
    CO_ASSERT_TRUE(!outcome->has_value());
    EXPECT_EQ(outcome->error(), make_error_code(Errc::unavailable));
    server_.start();
    CO_ASSERT_TRUE(co_await client.wait_connected(5s));
    auto pong = co_await client.command(cmd("PING"));
    CO_ASSERT_TRUE(pong.has_value());
    EXPECT_EQ(pong->str, "PONG");
  });
}

TEST_F(RedisClientTest, StopFailsPendingWithShuttingDown) {
  RedisClient client(ioc_.get_executor(), server_.options());
  client.start();
  run_co(ioc_, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await client.wait_connected(5s));
    std::optional<Result<Reply>> outcome;
    asio::co_spawn(
        co_await asio::this_coro::executor,
        [&]() -> asio::awaitable<void> {
          outcome = co_await client.command(cmd("DEBUG", "SLEEP", "0.3"), 5s);
        },
        asio::detached);
    co_await yield_a_few();
    client.stop();
    CO_ASSERT_TRUE(co_await wait_until([&] { return outcome.has_value(); }, 5s));
    CO_ASSERT_TRUE(!outcome->has_value());
    EXPECT_EQ(outcome->error(), make_error_code(Errc::shutting_down));
    EXPECT_FALSE(client.connected());
    auto after = co_await client.command(cmd("PING"));
    CO_ASSERT_TRUE(!after.has_value());
    EXPECT_EQ(after.error(), make_error_code(Errc::unavailable));
    client.start();  // a stopped client can be started again
    CO_ASSERT_TRUE(co_await client.wait_connected(5s));
    auto pong = co_await client.command(cmd("PING"), 5s);
    EXPECT_TRUE(pong.has_value());
  });
}

TEST_F(RedisClientTest, DestroyingClientCompletesPendingCommand) {
  auto client = std::make_unique<RedisClient>(ioc_.get_executor(), server_.options());
  client->start();
  run_co(ioc_, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await client->wait_connected(5s));
    std::optional<Result<Reply>> outcome;
    asio::co_spawn(
        co_await asio::this_coro::executor,
        [&, c = client.get()]() -> asio::awaitable<void> {
          outcome = co_await c->command(cmd("DEBUG", "SLEEP", "0.2"), 5s);
        },
        asio::detached);
    co_await yield_a_few();
    client.reset();
    CO_ASSERT_TRUE(co_await wait_until([&] { return outcome.has_value(); }, 5s));
    CO_ASSERT_TRUE(!outcome->has_value());
    EXPECT_EQ(outcome->error(), make_error_code(Errc::shutting_down));
  });
}

TEST_F(RedisClientTest, SelectsDatabase) {
  auto options = server_.options();
  options.db = 3;
  RedisClient db3(ioc_.get_executor(), options);
  RedisClient db0(ioc_.get_executor(), server_.options());
  db3.start();
  db0.start();
  run_co(ioc_, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await db3.wait_connected(5s));
    CO_ASSERT_TRUE(co_await db0.wait_connected(5s));
    CO_ASSERT_TRUE((co_await db3.command(cmd("SET", "where", "db3"))).has_value());
    auto in_db0 = co_await db0.command(cmd("GET", "where"));
    CO_ASSERT_TRUE(in_db0.has_value());
    EXPECT_TRUE(in_db0->is_nil());
    auto in_db3 = co_await db0.pipeline(
        batch(cmd("SELECT", "3"), cmd("GET", "where"), cmd("SELECT", "0")));
    CO_ASSERT_TRUE(in_db3.has_value());
    EXPECT_EQ((*in_db3)[1].str, "db3");
  });
}

/// A listener that accepts TCP connections but never answers: the handshake can only time out.
TEST(RedisClientTimeouts, HandshakeTimeoutThenReconnects) {
  hub::IoContext ioc;
  asio::ip::tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), 0});
  std::vector<asio::ip::tcp::socket> silent;
  std::function<void()> accept_next = [&] {
    acceptor.async_accept([&](boost::system::error_code ec, asio::ip::tcp::socket socket) {
      if (!ec) {
        silent.push_back(std::move(socket));
        accept_next();
      }
    });
  };
  accept_next();
  hub::store::RedisOptions options;
  options.port = acceptor.local_endpoint().port();
  options.connect_timeout = 100ms;
  options.backoff_initial = 10ms;
  options.backoff_max = 40ms;
  RedisClient client(ioc.get_executor(), options);
  client.start();
  run_co(ioc, [&]() -> asio::awaitable<void> {
    EXPECT_FALSE(co_await client.wait_connected(150ms));
    auto result = co_await client.command(cmd("PING"));
    CO_ASSERT_TRUE(!result.has_value());
    EXPECT_EQ(result.error(), make_error_code(Errc::unavailable));
    // Each timed-out attempt is followed by a new connection after the backoff.
    CO_ASSERT_TRUE(co_await wait_until([&] { return silent.size() >= 3; }, 5s));
    EXPECT_FALSE(client.connected());
    client.stop();
    acceptor.close();
  });
}

TEST(RedisClientAuth, AuthenticatesWithPassword) {
  hub::test::RedisServer server(hub::test::RedisServerOptions{.password = "s3cret pw"});
  hub::IoContext ioc;
  auto parsed = hub::store::parse_redis_url("redis://:s3cret%20pw@127.0.0.1:" +
                                            std::to_string(server.port()));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->password, "s3cret pw");
  parsed->backoff_initial = 20ms;
  RedisClient good(ioc.get_executor(), *parsed);
  auto no_password = server.options();
  no_password.password.clear();
  RedisClient anonymous(ioc.get_executor(), no_password);
  auto wrong_password = server.options();
  wrong_password.password = "wrong";
  RedisClient wrong(ioc.get_executor(), wrong_password);
  good.start();
  anonymous.start();
  wrong.start();
  run_co(ioc, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await good.wait_connected(5s));
    auto pong = co_await good.command(cmd("PING"));
    CO_ASSERT_TRUE(pong.has_value());
    EXPECT_EQ(pong->str, "PONG");
    EXPECT_FALSE(co_await anonymous.wait_connected(300ms));
    EXPECT_FALSE(co_await wrong.wait_connected(10ms));
    auto refused = co_await anonymous.command(cmd("PING"));
    CO_ASSERT_TRUE(!refused.has_value());
    EXPECT_EQ(refused.error(), make_error_code(Errc::unavailable));
  });
}

}  // namespace
