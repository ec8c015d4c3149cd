// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A loopback delivery destination for bus tests: records what arrives per destination path,
// can be stopped (connections refused) and started again on the same port, answer slowly, or
// answer a chosen status for chosen keys.

#include <adapters/http_server.hpp>

#include <boost/asio.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace hub::test {

class Receiver {
 public:
  struct Item {
    std::string key;
    std::string payload;
    std::string delivery_id;
  };

  explicit Receiver(boost::asio::io_context& ioc) : ioc_(ioc) {}
  ~Receiver() { stop(); }

  void start() {
    hub::http::ServerOptions o;
    o.name = "receiver";
    o.port = port_;
    o.handler_timeout = std::chrono::seconds(60);
    server_ = std::make_unique<hub::http::HttpServer>(ioc_, o, [this](hub::http::Request& r) { return handle(r); });
    server_->start();
    port_ = server_->port();
  }

  /// Closes the listener and every connection: further deliveries are refused.
  void stop() {
    if (server_) {
      boost::asio::co_spawn(ioc_, server_->drain(std::chrono::milliseconds(100)), boost::asio::use_future).get();
      server_.reset();
    }
  }

  std::uint16_t port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void set_delay(const std::string& destination, std::chrono::milliseconds d) {
    std::lock_guard lock(mutex_);
    delays_[destination] = d;
  }
  /// Status to answer for a key (default 200).
  void set_status(std::function<int(const std::string& key)> f) {
    std::lock_guard lock(mutex_);
    status_ = std::move(f);
  }

  std::vector<Item> items(const std::string& destination) {
    std::lock_guard lock(mutex_);
    return received_[destination];
  }
  std::size_t distinct(const std::string& destination) {
    std::lock_guard lock(mutex_);
    return keys_[destination].size();
  }
  std::size_t total(const std::string& destination) {
    std::lock_guard lock(mutex_);
    return received_[destination].size();
  }

  /// Waits (bounded) until `pred` holds, re-checking on every arrival. `pred` may call the
  /// accessors above (it runs without the lock); an arrival during its run is not missed.
  bool wait_until(const std::function<bool()>& pred, std::chrono::seconds timeout = std::chrono::seconds(120)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      std::uint64_t seen = 0;
      {
        std::lock_guard lock(mutex_);
        seen = arrivals_;
      }
      if (pred()) {
        return true;
      }
      std::unique_lock lock(mutex_);
      if (!cv_.wait_until(lock, deadline, [&] { return arrivals_ != seen; })) {
        lock.unlock();
        return pred();
      }
    }
  }

 private:
  boost::asio::awaitable<hub::http::Response> handle(hub::http::Request& req) {
    std::string destination(req.path().substr(1));
    std::string key(req.header("X-Event-Key"));
    std::chrono::milliseconds delay{0};
    int status = 200;
    {
      std::lock_guard lock(mutex_);
      if (auto it = delays_.find(destination); it != delays_.end()) {
        delay = it->second;
      }
      if (status_) {
        status = status_(key);
      }
    }
    if (delay.count() > 0) {
      boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, delay);
      co_await t.async_wait(boost::asio::use_awaitable);
    }
    hub::http::Response r;
    r.status = status;
    if (status == 200) {
      {
        std::lock_guard lock(mutex_);
        received_[destination].push_back({key, req.body, std::string(req.header("X-Delivery-Id"))});
        keys_[destination].insert(key);
        ++arrivals_;
      }
      cv_.notify_all();
    } else {
      r.body = R"({"status_code":2001,"status_message":"refused by the test"})";
    }
    co_return r;
  }

  boost::asio::io_context& ioc_;
  std::unique_ptr<hub::http::HttpServer> server_;
  std::uint16_t port_ = 0;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::string, std::vector<Item>> received_;
  std::map<std::string, std::set<std::string>> keys_;
  std::map<std::string, std::chrono::milliseconds> delays_;
  std::function<int(const std::string&)> status_;
  std::uint64_t arrivals_ = 0;
};

}  // namespace hub::test
