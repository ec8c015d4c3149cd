// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/core/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

/// Redis access driven by Asio: hiredis' async context runs on the executor through a private
/// adapter (no thread per call). Every command has a deadline; the connection reconnects with
/// exponential backoff; pipelines send several commands in one write.
namespace hub::store {

struct RedisOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  std::string password;  ///< AUTH when non-empty
  int db = 0;            ///< SELECT when non-zero
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds command_timeout{2000};  ///< default per-command deadline
  std::chrono::milliseconds backoff_initial{50};
  std::chrono::milliseconds backoff_max{2000};
};

/// Parses "redis://[:password@]host[:port][/db]"; nullopt on a malformed URL.
std::optional<RedisOptions> parse_redis_url(const std::string& url);

/// A decoded Redis reply (hiredis' reply tree copied out, so it outlives the callback).
struct Reply {
  enum class Type { nil, status, error, integer, string, array };
  Type type = Type::nil;
  std::string str;           ///< status, error or bulk string
  long long integer = 0;
  std::vector<Reply> elements;

  bool is_nil() const noexcept { return type == Type::nil; }
  bool is_error() const noexcept { return type == Type::error; }
};

/// Commands over one connection. Commands issued while disconnected fail at once with
/// Errc::unavailable; a command whose deadline passes fails with Errc::deadline_exceeded (its late
/// reply is discarded). A Redis error reply is a successful Result holding Reply::Type::error.
/// Thread safety: all member functions must be called from the executor given at construction
/// (a strand or a single-threaded io_context); co_await them from coroutines running there.
class RedisClient {
 public:
  RedisClient(boost::asio::any_io_executor executor, RedisOptions options);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  /// Starts connecting in the background (and reconnecting after any loss, with backoff).
  void start();
  /// Closes the connection; pending commands fail with Errc::shutting_down.
  void stop();
  bool connected() const noexcept;
  /// Resolves when connected or when `timeout` passes (returns connected()).
  boost::asio::awaitable<bool> wait_connected(std::chrono::milliseconds timeout);

  boost::asio::awaitable<Result<Reply>> command(std::vector<std::string> args,
                                                std::optional<std::chrono::milliseconds> timeout = {});
  /// Sends all commands in one write and returns their replies in order (one deadline for all).
  boost::asio::awaitable<Result<std::vector<Reply>>> pipeline(
      std::vector<std::vector<std::string>> commands,
      std::optional<std::chrono::milliseconds> timeout = {});

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

/// A SUBSCRIBE connection. Calls on_message(channel, payload) on the executor for each message,
/// and on_connected() after every (re)connection once the subscriptions are active, so the owner
/// can resynchronise state it may have missed while disconnected.
/// Thread safety: as RedisClient.
class RedisSubscriber {
 public:
  using MessageHandler = std::function<void(const std::string& channel, const std::string& payload)>;
  RedisSubscriber(boost::asio::any_io_executor executor, RedisOptions options,
                  std::vector<std::string> channels, MessageHandler on_message,
                  std::function<void()> on_connected = {});
  ~RedisSubscriber();
  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;
  void start();
  void stop();
  bool connected() const noexcept;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace hub::store
