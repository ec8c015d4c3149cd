// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <adapters/http.hpp>
#include <hub/core/error.hpp>
#include <hub/model/party.hpp>

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>
#include <cstdint>

namespace hub::routing {
class Registry;
}
namespace hub::metrics {
class Metrics;
}
namespace hub::bus {
class DeliveryEngine;
class TranslationLog;
}

/// The operator's admin API (JSON over HTTP, on its own listener): party registration and
/// management, Prometheus metrics and health probes.
///   POST/GET /admin/parties, GET/PATCH/DELETE /admin/parties/{id}   (bearer token)
///   GET /admin/deliveries?party=&state=pending|dead, POST /admin/deliveries/{id}/retry,
///   POST /admin/parties/{id}/deliveries/retry-dead                    (bearer token)
///   POST /admin/parties/{id}/connect {"versions_url","token"}         (bearer token)
///   GET /admin/translations?party=ID[&limit=N] | ?kind=K&key=KEY      (bearer token)
///   GET /admin/cdrs?status=declined|accepted|approved|revised|rejected (bearer token)
///   GET /metrics, GET /health/live, GET /health/ready              (no token)
/// Thread safety: handle() may run concurrently on any executor.
namespace hub::admin {

/// A CDR as the clearing house keeps it (operators' view of the OCHP CDR life cycle).
struct CdrView {
  std::string cdr_id;
  std::string status;
  std::string cpo;  ///< party ids
  std::string emp;
  std::string evse_id;
  std::int64_t updated_ms = 0;
};

struct AdminOptions {
  std::string token;       ///< bearer token for /admin/*
  std::string public_url;  ///< base URL of the API listener, for versions_url and SOAP URLs
  std::function<void()> before_scrape;  ///< refreshes sampled gauges right before /metrics is served
  /// The hub registers itself with an OCPI platform (POST /admin/parties/{id}/connect with
  /// {"versions_url", "token"}): wired by the app to the OCPI hub role; absent: 404.
  std::function<boost::asio::awaitable<Result<model::Party>>(std::string id, std::string versions_url,
                                                             std::string token)>
      connect_ocpi;
  /// Loss accounting notes (GET /admin/translations); absent: 404.
  bus::TranslationLog* translations = nullptr;
  /// CDRs by clearing-house status (GET /admin/cdrs), wired to the OCHP clearing house; absent: 404.
  std::function<boost::asio::awaitable<Result<std::vector<CdrView>>>(std::string status, std::size_t limit)> cdrs;
};

/// Readiness probe: true when every dependency (Redis) answers.
using ReadyProbe = std::function<boost::asio::awaitable<bool>()>;

class AdminApi {
 public:
  AdminApi(AdminOptions options, routing::Registry& registry, metrics::Metrics& metrics, ReadyProbe ready,
           bus::DeliveryEngine* deliveries = nullptr);
  ~AdminApi();

  boost::asio::awaitable<http::Response> handle(http::Request& req);

  /// The metrics module label of a request ("parties", "metrics", "health", "other").
  static std::string_view module_of(std::string_view path) noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hub::admin
