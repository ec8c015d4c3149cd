// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>

/// A private redis-server child process: used by the hub's embedded default (no Redis URL
/// configured) and by test fixtures. Listens on loopback only, on a free port it picks, with AOF on
/// and its data in `data_dir`. Start returns only once the server accepts commands.
/// Thread safety: not thread-safe; own it from one thread.
namespace hub::store {

struct RedisProcessOptions {
  std::filesystem::path data_dir;           ///< created if missing
  std::string executable = "redis-server";  ///< looked up in PATH and /usr/bin
  std::string appendfsync = "everysec";     ///< "always" | "everysec" | "no"
  std::uint16_t port = 0;                   ///< 0: pick a free loopback port
  std::string password;                     ///< --requirepass when non-empty
  bool enable_debug_command = false;        ///< --enable-debug-command local (tests: DEBUG SLEEP)
  std::chrono::milliseconds ready_timeout{20000};  ///< bound on the wait for readiness
};

class RedisProcess {
 public:
  explicit RedisProcess(RedisProcessOptions options);
  ~RedisProcess();  ///< stops the server (SIGTERM, then waits)
  RedisProcess(const RedisProcess&) = delete;
  RedisProcess& operator=(const RedisProcess&) = delete;

  /// Spawns the server and waits until it is ready; throws std::runtime_error with the reason
  /// (binary missing, port taken after several tries, exited early).
  void start();
  /// Graceful stop (SIGTERM, wait for exit). Idempotent.
  void stop();
  /// Hard kill (SIGKILL), for crash tests. The AOF stays on disk.
  void kill();
  bool running() const noexcept;
  std::uint16_t port() const noexcept { return port_; }
  int pid() const noexcept { return pid_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

 private:
  /// One spawn attempt on `port`; true once ready, false when the child exited early (e.g. the
  /// port was taken). Throws on other failures.
  bool try_start(std::uint16_t port, std::string& failure);
  void reap(std::chrono::milliseconds grace);
  void stop_drainer();

  RedisProcessOptions options_;
  std::uint16_t port_ = 0;
  int pid_ = -1;
  int output_fd_ = -1;     ///< read end of the child's stdout pipe
  int wake_pipe_[2] = {-1, -1};  ///< wakes the drainer thread at stop
  std::thread drainer_;    ///< keeps reading the child's output so it never blocks
};

}  // namespace hub::store
