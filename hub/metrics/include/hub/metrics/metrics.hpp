// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

/// The hub's one metrics catalogue (docs/metrics.md mirrors it). Every metric is declared once in
/// metrics.cpp; label values are low-cardinality and come from fixed sets (listener, protocol,
/// module, result class), so handles are resolved once and cached.
/// Thread safety: all member functions are safe from any thread.
namespace hub::metrics {

/// Result class of an answered request: "2xx", "4xx", "5xx" (OCPI errors inside HTTP 200 are
/// classified by the caller through `ocpi_status`).
std::string_view result_class(int http_status) noexcept;

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  /// One answered inbound request. `listener`: admin|api; `protocol`: admin|ocpi|ochp|none;
  /// `module`: a fixed name per protocol (e.g. parties, metrics, health, locations, other).
  void observe_request(std::string_view listener, std::string_view protocol, std::string_view module,
                       int http_status, std::chrono::steady_clock::duration latency);

  void set_active_connections(std::string_view listener, double value);
  void set_redis_up(bool up);
  /// Parties per protocol and status, recomputed from each registry snapshot.
  void set_parties(std::string_view protocol, std::string_view status, double count);
  void registry_reloaded();

  // Bus and delivery (label values: destination party ids, fixed kinds, reasons and outcomes).
  void published(std::string_view result);  ///< queued | duplicate | failed
  void set_queue(std::string_view destination, double depth, double oldest_age_seconds);
  void delivered(std::string_view kind, std::chrono::milliseconds accept_to_delivered);
  void delivery_attempt(std::string_view outcome);  ///< ok | retryable | permanent
  void delivery_retry();
  void dead_letter(std::string_view reason);
  void coalesced();

  // Translation between protocols (label values: fixed object kinds, field paths of the
  // mapping with list indices removed, e.g. "evses[].connectors[].max_voltage").
  /// One source field the target protocol could not carry. `direction`: ocpi_to_ochp | ochp_to_ocpi.
  void translation_loss(std::string_view direction, std::string_view kind, std::string_view field);
  /// One object the target protocol cannot express (not delivered; the note says why).
  void translation_refused(std::string_view direction, std::string_view kind);
  /// One CDR declined by the receiving EMP (ConfirmCDRs), by the CPO's protocol.
  void cdr_declined(std::string_view cpo_protocol);

  /// The Prometheus text exposition (format 0.0.4) of every metric.
  std::string serialize() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hub::metrics
