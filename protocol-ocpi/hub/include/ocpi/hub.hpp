// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <adapters/http.hpp>
#include <hub/bus/delivery.hpp>
#include <hub/core/error.hpp>
#include <hub/model/party.hpp>
#include <hub/model/token.hpp>

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
class RoutingTable;
}  // namespace hub::routing
namespace hub::bus {
class Bus;
}
namespace hub::http {
class HttpClient;
}
namespace hub::metrics {
class Metrics;
}

/// The OCPI 2.2.1 Hub role (docs/ocpi.md): versions and credentials in both directions, every
/// functional module on both interfaces, routing by the OCPI-to/from headers (direct, broadcast
/// and open routing), pushes stored in Redis and delivered through the bus, synchronous
/// forwarding of GETs, commands and real-time authorisation, HubClientInfo.
/// Thread safety: handle() and deliver() may run concurrently on any executor; the Redis work
/// runs on the RedisClient's executor.
namespace hub::ocpi {

struct HubOptions {
  std::string public_url;        ///< base URL partners reach the API listener at
  model::PartyRef hub_ref{"XX", "HUB"};
  std::string name = "roaming-hub";
  std::chrono::milliseconds forward_timeout{10000};
  std::chrono::milliseconds authorize_timeout{5000};
  std::chrono::milliseconds delivery_timeout{15000};
  std::chrono::milliseconds alive_interval{300000};
  std::size_t page_limit = 100;
  std::chrono::seconds command_ttl{86400};
};

class OcpiHub final : public bus::Outbound {
 public:
  OcpiHub(boost::asio::any_io_executor executor, boost::asio::any_io_executor redis_executor, store::RedisClient& redis,
          routing::Registry& registry, bus::Bus& bus, http::HttpClient& client, HubOptions options,
          metrics::Metrics* metrics = nullptr);
  ~OcpiHub() override;
  OcpiHub(const OcpiHub&) = delete;
  OcpiHub& operator=(const OcpiHub&) = delete;

  /// Whether a path belongs to the OCPI API ("/ocpi/...").
  static bool handles(std::string_view path) noexcept;
  /// The module label of a path for metrics ("locations", "credentials", ..., "other").
  static std::string_view module_of(std::string_view path) noexcept;

  /// Serves one request of the API listener under /ocpi.
  boost::asio::awaitable<http::Response> handle(http::Request& req);

  /// Delivers one bus event to an OCPI party's Receiver interface.
  boost::asio::awaitable<bus::DeliveryResult> deliver(const bus::Delivery& delivery) override;

  /// The hub registers itself with a platform: GET its versions and details with token A, POST
  /// the hub's credentials (a new token for the platform to use), keep the token it answers with.
  /// Errors: not_found (no such party), invalid_request (not an OCPI party), upstream_* with the
  /// reason in the log, unsupported_version (no 2.2.1), unknown_receiver (no credentials endpoint).
  boost::asio::awaitable<Result<model::Party>> connect(std::string party_id, std::string versions_url,
                                                       std::string token_a);

  /// Real-time authorize of a token issued by the OCPI party `party_id` (an eMSP), asked by a
  /// party of another protocol (an OCHP CPO's GetSingleRoamingAuthorisation): POST to the
  /// party's tokens Sender interface `{uid}/authorize?type=` within the authorize deadline.
  /// Errors: unknown_token (the eMSP answered 2004), unknown_receiver (no such OCPI party or no
  /// tokens Sender endpoint), receiver_timeout, upstream_retryable / upstream_permanent.
  boost::asio::awaitable<Result<model::AuthorizationInfo>> authorize_token(std::string party_id, std::string uid,
                                                                          std::string type);

  /// Registry change observer: pushes changed ClientInfo objects to the connected parties.
  void on_registry_change(const routing::RoutingTable& table);

  /// Starts the periodic still-alive probe of connected parties.
  void start();
  boost::asio::awaitable<void> stop();

  /// The public base URL (set once the listener is bound when it was configured with port 0).
  void set_public_url(std::string url);

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace hub::ocpi
