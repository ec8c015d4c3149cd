// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <adapters/http.hpp>
#include <ochp/codec.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace hub::store {
class RedisClient;
}
namespace hub::routing {
class Registry;
}
namespace hub::bus {
class Bus;
}
namespace hub::metrics {
class Metrics;
}

/// The OCHP 1.4 clearing house (the role e-clearing.net plays) and the clearing-house part of
/// OCHPdirect 0.2, served over SOAP 1.1 on /service/ochp/v1.4, /live/ochp/v1.4 and
/// /direct/ochp/v1.4 (every operation on every path). Partners authenticate with a WS-Security
/// UsernameToken (PasswordText) checked against the party registry. Uploaded data is mapped to
/// the canonical model, stored in Redis per uploading party (docs/ochp.md has the layout) and
/// published on the bus for the parties of other protocols; OCHP partners pull it back.
namespace hub::ochp {

struct ServiceOptions {
  std::string public_url;  ///< the hub's public base URL (for the WSDL address; may be empty)
  Limits limits;           ///< envelope limits (max envelope bytes etc.)
  std::chrono::seconds default_status_ttl{900};  ///< status ttl when neither the entry nor the request gives one
};

/// One clearing-house service shared by every connection.
/// Thread safety: handle() may run concurrently on any executor; Redis work hops to
/// `redis_executor`. The referenced client, registry, bus and metrics must outlive the object.
class ClearingHouse {
 public:
  ClearingHouse(boost::asio::any_io_executor redis_executor, store::RedisClient& redis, routing::Registry& registry,
                bus::Bus& bus, ServiceOptions options, metrics::Metrics* metrics = nullptr);
  ~ClearingHouse();
  ClearingHouse(const ClearingHouse&) = delete;
  ClearingHouse& operator=(const ClearingHouse&) = delete;

  /// True for /service/ochp/v1.4, /live/ochp/v1.4 and /direct/ochp/v1.4 (a trailing '/' and a
  /// query string are ignored).
  static bool handles(std::string_view path) noexcept;

  /// Answers one SOAP 1.1 POST. The request body may be released while it is processed. Never
  /// throws for bad input: malformed envelopes get a SOAP fault (HTTP 500), business failures
  /// a normal response with the OCHP result code. GET answers 404 (no WSDL is served).
  boost::asio::awaitable<http::Response> handle(http::Request& req);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace hub::ochp
