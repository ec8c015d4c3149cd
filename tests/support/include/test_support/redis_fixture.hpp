// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/store/redis.hpp>
#include <hub/store/redis_process.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

/// Test fixtures around a real redis-server (no mocks).
///
///   hub::test::RedisServer redis;                 // spawned on a free loopback port, ready
///   hub::store::RedisClient client(ioc.get_executor(), redis.options());
///   ...
///   redis.restart();                              // same port, same data dir (AOF kept)
///   redis.kill();                                 // SIGKILL, for crash tests
///
/// Each RedisServer owns its own temporary data directory, removed in the destructor.
/// Thread safety: none; use from the test's main thread.
namespace hub::test {

/// A fresh directory under $TMPDIR (or /tmp), removed recursively in the destructor.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "hub-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

struct RedisServerOptions {
  std::string password;               ///< --requirepass when non-empty
  std::string appendfsync = "always";  ///< "always" keeps AOF tests deterministic
  bool enable_debug_command = true;    ///< allows DEBUG SLEEP from loopback
};

/// A private redis-server started in the constructor (throws std::runtime_error on failure).
class RedisServer {
 public:
  RedisServer();
  explicit RedisServer(RedisServerOptions options);
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  /// "redis://[:password@]127.0.0.1:<port>"
  std::string url() const;
  /// Client options for this server: host, port, password, and short backoffs (20..200 ms) so
  /// reconnect tests run quickly.
  hub::store::RedisOptions options() const;
  const std::filesystem::path& data_dir() const noexcept { return dir_.path(); }
  bool running() const noexcept;

  /// Graceful stop (SIGTERM, AOF flushed). No-op when already stopped.
  void stop();
  /// Hard kill (SIGKILL).
  void kill();
  /// Starts again on the same port with the same data dir. No-op when running.
  void start();
  /// stop() then start().
  void restart();

 private:
  RedisServerOptions options_;
  TempDir dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<hub::store::RedisProcess> process_;
};

}  // namespace hub::test
