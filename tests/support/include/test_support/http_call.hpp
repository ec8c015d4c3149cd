// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Synchronous HTTP calls for tests, through the hub's own client pool on a private io_context.

#include <hub/core/io_context.hpp>
#include <adapters/http_client.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

namespace hub::test {

class HttpCaller {
 public:
  explicit HttpCaller(hub::http::ClientOptions options = {}, std::chrono::seconds timeout = std::chrono::seconds(30))
      : client_(ioc_.get_executor(), options), timeout_(timeout) {
    work_.emplace(ioc_.get_executor());
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~HttpCaller() {
    work_.reset();
    ioc_.stop();
    thread_.join();
  }

  hub::http::ClientResult call(const std::string& method, const std::string& url, const std::string& body = {},
                               hub::http::Headers headers = {}) {
    hub::http::ClientRequest req;
    req.method = method;
    req.url = url;
    req.body = body;
    req.headers = std::move(headers);
    if (!body.empty()) {
      req.headers.emplace_back("Content-Type", "application/json");
    }
    auto deadline = std::chrono::steady_clock::now() + timeout_;
    return boost::asio::co_spawn(ioc_, client_.request(std::move(req), deadline), boost::asio::use_future).get();
  }

 private:
  hub::IoContext ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  hub::http::HttpClient client_;
  std::chrono::seconds timeout_;
  std::thread thread_;
};

}  // namespace hub::test
