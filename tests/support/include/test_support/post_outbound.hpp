// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A bus Outbound that POSTs each delivery to <base_url>/<destination> through the hub's client
// pool, for delivery tests and the bus benchmark (the protocol adapters' Outbounds replace it in
// the product). Headers: X-Delivery-Id, X-Event-Kind, X-Event-Key.

#include <adapters/http_client.hpp>
#include <hub/bus/delivery.hpp>

#include <chrono>
#include <string>

namespace hub::test {

class PostOutbound final : public hub::bus::Outbound {
 public:
  PostOutbound(boost::asio::any_io_executor executor, std::string base_url,
               std::chrono::milliseconds timeout = std::chrono::seconds(5))
      : client_(std::move(executor), {}), base_url_(std::move(base_url)), timeout_(timeout) {}

  boost::asio::awaitable<hub::bus::DeliveryResult> deliver(const hub::bus::Delivery& d) override {
    hub::http::ClientRequest req;
    req.method = "POST";
    req.url = base_url_ + "/" + d.destination;
    req.headers.emplace_back("X-Delivery-Id", d.id);
    req.headers.emplace_back("X-Event-Kind", std::string(hub::bus::to_string(d.kind)));
    req.headers.emplace_back("X-Event-Key", d.key);
    req.body = d.payload;
    auto r = co_await client_.request(std::move(req), std::chrono::steady_clock::now() + timeout_);
    hub::bus::DeliveryResult out;
    out.answer = r.response.body;
    if (r.retry_after) {
      out.retry_after = std::chrono::duration_cast<std::chrono::milliseconds>(*r.retry_after);
    }
    if (r.outcome == hub::http::Outcome::ok) {
      out.outcome = hub::bus::DeliveryClass::ok;
    } else if (r.outcome == hub::http::Outcome::retryable) {
      out.outcome = hub::bus::DeliveryClass::retryable;
      out.reason = r.status == 0 ? "connect" : "http_" + std::to_string(r.status / 100) + "xx";
    } else {
      out.outcome = hub::bus::DeliveryClass::permanent;
      out.reason = r.status == 0 ? "transport" : "http_" + std::to_string(r.status / 100) + "xx";
    }
    co_return out;
  }

 private:
  hub::http::HttpClient client_;
  std::string base_url_;
  std::chrono::milliseconds timeout_;
};

}  // namespace hub::test
