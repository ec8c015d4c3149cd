// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/bus/bus.hpp>
#include <hub/core/error.hpp>
#include <hub/store/redis.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hub::metrics {
class Metrics;
}

/// The delivery engine: works the per-destination lanes of the bus through the Outbound of each
/// destination's protocol. Guarantees (docs/delivery.md): per destination and object, states are
/// delivered in order; lanes of one destination and different destinations proceed in parallel;
/// superseded states of coalescible kinds are skipped; retryable failures are retried with
/// exponential backoff and jitter (the lane waits, later states of the same objects wait behind
/// it); permanent failures become dead letters. Several instances share the lanes through
/// leases in Redis; a dead instance's lanes are taken over when its leases expire.
namespace hub::bus {

/// One event as handed to an Outbound.
struct Delivery {
  std::string id;  ///< "<destination>:<lane>:<entry id>": stable across retries and instances
  std::string source;
  std::string destination;
  Kind kind = Kind::cdr;
  std::string key;
  std::string payload;
  std::int64_t accepted_at_ms = 0;
  int attempt = 1;
};

enum class DeliveryClass { ok, retryable, permanent };

struct DeliveryResult {
  DeliveryClass outcome = DeliveryClass::ok;
  std::string reason;  ///< short, low-cardinality class of failure ("connect", "http_5xx", "ocpi_2001", ...)
  std::string answer;  ///< the partner's answer (truncated), kept with a dead letter
  std::optional<std::chrono::milliseconds> retry_after;
};

/// Implemented by each protocol adapter (OCPI, OCHP).
class Outbound {
 public:
  virtual ~Outbound() = default;
  /// Must finish (or fail retryable) within a bounded time; never throws for partner errors.
  virtual boost::asio::awaitable<DeliveryResult> deliver(const Delivery& delivery) = 0;
};

/// The Outbound for a destination party; nullptr when the party is unknown (its events become
/// dead letters with reason "unknown_destination").
using OutboundResolver = std::function<Outbound*(const std::string& destination)>;

struct EngineOptions {
  std::string instance_id;                       ///< unique per hub process
  unsigned max_lanes = 1024;                     ///< lanes worked at once by this instance
  std::size_t batch = 64;                        ///< entries read per round trip
  std::chrono::milliseconds lease_ttl{10000};
  std::chrono::milliseconds sweep_interval{2000};  ///< look for lanes with work (takeover backstop)
  std::chrono::milliseconds backoff_initial{250};
  std::chrono::milliseconds backoff_max{60000};
  std::size_t max_answer_bytes = 4096;           ///< partner answer kept with a dead letter
};

struct DeliveryInfo {
  std::string id;
  std::string state;  ///< "pending" or "dead"
  std::string source;
  std::string destination;
  std::string kind;
  std::string key;
  std::int64_t accepted_at_ms = 0;
  std::string reason;  ///< dead letters
  std::string answer;
  int attempts = 0;
  std::int64_t failed_at_ms = 0;
};

/// Thread safety: start() once from the owner; stop(), the admin calls and queries may be
/// awaited from any executor.
class DeliveryEngine {
 public:
  DeliveryEngine(boost::asio::io_context& ioc, store::RedisOptions redis, BusOptions bus, EngineOptions options,
                 OutboundResolver resolver, metrics::Metrics* metrics = nullptr);
  ~DeliveryEngine();
  DeliveryEngine(const DeliveryEngine&) = delete;
  DeliveryEngine& operator=(const DeliveryEngine&) = delete;

  void start();
  /// Finishes the deliveries in flight, releases this instance's leases, closes connections.
  boost::asio::awaitable<void> stop();

  /// Pending (queued, not yet delivered) or dead deliveries of one destination, oldest first.
  boost::asio::awaitable<Result<std::vector<DeliveryInfo>>> list(std::string destination, std::string state,
                                                                 std::size_t limit);
  /// Requeues one dead letter. not_found when there is none with that id.
  boost::asio::awaitable<Result<void>> retry(std::string id);
  /// Requeues the dead letters a destination has when called (up to 100,000 per call, oldest
  /// first); returns how many were requeued.
  boost::asio::awaitable<Result<std::size_t>> retry_dead(std::string destination);

  /// Lanes this instance currently works (for tests and metrics).
  std::size_t active_lanes() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace hub::bus
