// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/config/config.hpp>

#include <cstdint>
#include <memory>
#include <string>

/// The roaming-hub process: the only place that wires config, storage, registry, metrics,
/// adapters and listeners together. Integration tests boot it in-process on port 0.
/// Thread safety: start() and wait() from the owning thread; request_stop() from any thread.
namespace hub::app {

class App {
 public:
  explicit App(config::Config config);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  /// Starts the embedded redis-server when no Redis URL is configured, connects, loads the
  /// registry, binds the listeners and starts the worker threads. Throws on startup errors.
  void start();
  /// Begins a graceful stop: stop accepting, drain requests in flight, close Redis.
  void request_stop();
  /// Blocks until the hub has stopped; returns the process exit code (0 after a clean drain).
  int wait();

  std::uint16_t api_port() const;
  std::uint16_t admin_port() const;
  const std::string& admin_token() const;
  const std::string& redis_url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Reads data_dir/admin-token, or creates it (mode 0600) with a fresh random token.
std::string load_or_create_admin_token(const std::string& data_dir);

}  // namespace hub::app
