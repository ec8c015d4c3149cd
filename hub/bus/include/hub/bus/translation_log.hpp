// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/core/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hub::store {
class RedisClient;
}
namespace hub::metrics {
class Metrics;
}

/// Loss accounting of the translation between protocols (docs/mapping.md, "Loss accounting").
/// Every object translated from one protocol to the other leaves a note: which source fields the
/// target could not carry, or why the object could not be expressed at all (then it was not
/// delivered). Notes are kept in Redis per object and per party for the admin API
/// (`GET /admin/translations`) and counted in metrics (hub_translation_losses_total,
/// hub_translation_refused_total). Wire formats never enter here: the protocol adapters supply
/// the field paths their mapping reports.
namespace hub::bus {

struct TranslationNote {
  std::string direction;    ///< "ocpi_to_ochp" | "ochp_to_ocpi"
  std::string source;       ///< party id of the sender
  std::string destination;  ///< party id of the receiver ("*" when every receiver of a protocol)
  std::string kind;         ///< bus kind ("location", "token", "cdr", ...)
  std::string key;          ///< the object's bus key
  std::vector<std::string> lost;  ///< "Location.facilities", "Evse.evses[0].floor_level", ...
  std::string refused;      ///< why the object cannot be expressed; empty when it was translated
  std::int64_t at_ms = 0;   ///< when (set by record() when 0)
};

/// Thread safety: the awaitables may be used from any executor; Redis work hops to the
/// RedisClient's executor. The client and metrics must outlive the object.
class TranslationLog {
 public:
  TranslationLog(boost::asio::any_io_executor redis_executor, store::RedisClient& redis,
                 metrics::Metrics* metrics = nullptr);

  /// The Redis commands that store `note` (for callers that pipeline them with their own
  /// writes); count() must be called for the metrics.
  static std::vector<std::vector<std::string>> commands(const TranslationNote& note);
  /// Metrics of one note (losses per field with list indices removed, refusals).
  void count(const TranslationNote& note) const;
  /// Stores and counts one note.
  boost::asio::awaitable<Result<void>> record(TranslationNote note);

  /// The newest notes where `party` is the source or the destination, newest first.
  boost::asio::awaitable<Result<std::vector<TranslationNote>>> list(std::string party, std::size_t limit);
  /// The notes of one object (one per destination).
  boost::asio::awaitable<Result<std::vector<TranslationNote>>> of_object(std::string kind, std::string key);

  /// "evses[0].connectors[12].x" -> "evses[].connectors[].x" (the metric label).
  static std::string field_label(std::string_view field);

 private:
  boost::asio::any_io_executor redis_ex_;
  store::RedisClient& redis_;
  metrics::Metrics* metrics_;
};

}  // namespace hub::bus
