// SPDX-License-Identifier: GPL-2.0-or-later
#include <test_support/redis_fixture.hpp>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace hub::test {

TempDir::TempDir(const std::string& prefix) {
  std::filesystem::path base = "/tmp";
  if (const char* tmp = std::getenv("TMPDIR"); tmp != nullptr && *tmp != '\0') {
    base = tmp;
  }
  std::string pattern = (base / (prefix + "-XXXXXX")).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  }
  path_ = buffer.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

RedisServer::RedisServer() : RedisServer(RedisServerOptions{}) {}

RedisServer::RedisServer(RedisServerOptions options)
    : options_(std::move(options)), dir_("hub-redis") {
  start();
}

RedisServer::~RedisServer() = default;  // RedisProcess' destructor stops the server

std::string RedisServer::url() const {
  std::string auth = options_.password.empty() ? "" : ":" + options_.password + "@";
  return "redis://" + auth + "127.0.0.1:" + std::to_string(port_);
}

hub::store::RedisOptions RedisServer::options() const {
  hub::store::RedisOptions options;
  options.host = "127.0.0.1";
  options.port = port_;
  options.password = options_.password;
  options.backoff_initial = std::chrono::milliseconds(20);
  options.backoff_max = std::chrono::milliseconds(200);
  return options;
}

bool RedisServer::running() const noexcept { return process_ && process_->running(); }

void RedisServer::stop() {
  if (process_) {
    process_->stop();
  }
}

void RedisServer::kill() {
  if (process_) {
    process_->kill();
  }
}

void RedisServer::start() {
  if (running()) {
    return;
  }
  hub::store::RedisProcessOptions options;
  options.data_dir = dir_.path();
  options.appendfsync = options_.appendfsync;
  options.port = port_;  // 0 the first time: pick a free port; then always the same one
  options.password = options_.password;
  options.enable_debug_command = options_.enable_debug_command;
  process_.reset();
  process_ = std::make_unique<hub::store::RedisProcess>(options);
  process_->start();
  port_ = process_->port();
}

void RedisServer::restart() {
  stop();
  start();
}

}  // namespace hub::test
