// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <adapters/http.hpp>
#include <hub/bus/delivery.hpp>
#include <hub/core/error.hpp>
#include <hub/model/token.hpp>
#include <ochp/codec.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hub::store {
class RedisClient;
}
namespace hub::routing {
class Registry;
}
namespace hub::bus {
class Bus;
class TranslationLog;
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
  /// Loss accounting of translated objects (both directions); none when null.
  bus::TranslationLog* translations = nullptr;
  /// Real-time authorize through another protocol's eMSP (OCPI `tokens/{uid}/authorize`): asked
  /// by GetSingleRoamingAuthorisation for tokens of parties with `ocpi.realtime_authorize`.
  /// Arguments: the eMSP's party id, the token uid and OCPI token type. None: the hub's copy.
  std::function<boost::asio::awaitable<Result<model::AuthorizationInfo>>(std::string party, std::string uid,
                                                                          std::string type)>
      realtime_authorize;
};

/// One CDR as the clearing house keeps it (operators' view, `GET /admin/cdrs`).
struct CdrRecord {
  std::string cdr_id;  ///< OCHP CdrId
  std::string status;  ///< accepted, declined, approved, revised, rejected
  std::string cpo;     ///< party ids
  std::string emp;
  std::string evse_id;
  std::int64_t updated_ms = 0;
};

/// One clearing-house service shared by every connection, and the bus Outbound of OCHP parties:
/// deliver() writes data of other protocols' parties (OCPI Locations, tokens, tariffs, CDRs)
/// into the same store the partners pull from (docs/ochp.md, "Data of OCPI parties").
/// Thread safety: handle() and deliver() may run concurrently on any executor; Redis work hops
/// to `redis_executor`. The referenced client, registry, bus and metrics must outlive the object.
class ClearingHouse final : public bus::Outbound {
 public:
  ClearingHouse(boost::asio::any_io_executor redis_executor, store::RedisClient& redis, routing::Registry& registry,
                bus::Bus& bus, ServiceOptions options, metrics::Metrics* metrics = nullptr);
  ~ClearingHouse() override;
  ClearingHouse(const ClearingHouse&) = delete;
  ClearingHouse& operator=(const ClearingHouse&) = delete;

  /// True for /service/ochp/v1.4, /live/ochp/v1.4 and /direct/ochp/v1.4 (a trailing '/' and a
  /// query string are ignored).
  static bool handles(std::string_view path) noexcept;

  /// Answers one SOAP 1.1 POST. The request body may be released while it is processed. Never
  /// throws for bad input: malformed envelopes get a SOAP fault (HTTP 500), business failures
  /// a normal response with the OCHP result code. GET answers 404 (no WSDL is served).
  boost::asio::awaitable<http::Response> handle(http::Request& req);

  /// Keeps an event of another protocol's party for the OCHP destination (it pulls it). Objects
  /// OCHP cannot express are refused (permanent, with the mapping's reason) and noted.
  boost::asio::awaitable<bus::DeliveryResult> deliver(const bus::Delivery& delivery) override;

  /// CDRs in `status` of every party (as CPO), oldest change first; at most `limit`.
  boost::asio::awaitable<Result<std::vector<CdrRecord>>> cdrs(std::string status, std::size_t limit);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace hub::ochp
