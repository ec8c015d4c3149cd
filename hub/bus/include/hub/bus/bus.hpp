// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/core/error.hpp>
#include <hub/store/redis.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hub::store {
class RedisClient;
}

/// The durable message bus on Redis Streams (docs/delivery.md). An accepted push becomes one
/// canonical Event per destination; publish() returns only after Redis has written it (AOF), so
/// a partner's push is acknowledged only once it is durable. Wire formats never enter the bus:
/// `payload` is the canonical serialisation of a hub::model object.
namespace hub::bus {

/// What an event carries. Superseded states of coalescible kinds collapse to the latest while a
/// destination is backlogged; CDRs, commands, command results and charging-profile requests
/// are never coalesced. Payloads of coalescible kinds are full object states, never patches.
enum class Kind {
  location,
  evse,
  connector,
  evse_status,
  tariff,
  token,
  session,
  cdr,
  command,
  command_result,
  charging_profile,
  client_info,
};
std::string_view to_string(Kind k) noexcept;
std::optional<Kind> kind_from_string(std::string_view s) noexcept;
bool coalescible(Kind k) noexcept;

struct Event {
  std::string source;       ///< party id of the sender
  std::string destination;  ///< party id of the receiver
  Kind kind = Kind::cdr;
  std::string key;          ///< identity within its kind; "group|rest" orders a group (e.g. "NL/ABC/LOC1|EVSE1")
  std::string payload;      ///< canonical serialisation
};

struct Published {
  bool duplicate = false;  ///< the same state was already accepted: not queued again
  std::string id;          ///< delivery id ("<destination>:<lane>:<stream entry id>")
};

/// A protocol adapter's own Redis write (a Lua script body using KEYS and ARGV, e.g. its store
/// of the pushed object) run in the same script call as the events it causes, so the write and
/// the events are accepted together, in one round trip.
/// A write script returning this integer refused itself (an optimistic-concurrency check found
/// the object changed since it was read): write_and_publish() then queues no event, and each
/// event's result is Errc::conflict.
inline constexpr long long kWriteRefused = -1;

struct Write {
  std::string_view script;  ///< a constant: its text identifies the combined script (cached)
  std::vector<std::string> keys;
  std::vector<std::string> args;
};

/// What write_and_publish() did: the write script's reply and one result per event. When the
/// call failed `write` is an error (Redis unreachable, deadline) or an error Reply (the script
/// failed) and no event result is a success.
struct Written {
  Result<store::Reply> write = make_error_code(Errc::internal);
  std::vector<Result<Published>> published;
};

/// Bus settings shared by publishers and the delivery engine (all instances must agree on lanes).
struct BusOptions {
  unsigned lanes = 16;  ///< per-destination parallelism; one object always maps to the same lane
  std::chrono::hours dedupe_ttl{24 * 30};  ///< how long a non-coalescible object's digest is kept
};

/// Publishes events. Thread safety: publish() may be awaited from any executor; the Redis work
/// runs on the executor of the RedisClient.
class Bus {
 public:
  Bus(boost::asio::any_io_executor redis_executor, store::RedisClient& redis, BusOptions options = {});
  ~Bus();
  Bus(const Bus&) = delete;
  Bus& operator=(const Bus&) = delete;

  /// Durably queues one event. Errors: unavailable / deadline_exceeded (nothing was accepted;
  /// the sender must retry), invalid_request (empty destination or key).
  boost::asio::awaitable<Result<Published>> publish(Event event);
  /// Queues several events in one round trip (fan-out of one push). All or nothing is not
  /// guaranteed across events, but each result says whether its event was written.
  boost::asio::awaitable<std::vector<Result<Published>>> publish_many(std::vector<Event> events);
  /// Runs `write` and queues `events` in one Redis script call: atomically, one round trip.
  boost::asio::awaitable<Written> write_and_publish(Write write, std::vector<Event> events);

  const BusOptions& options() const noexcept;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

/// Key layout helpers (docs/delivery.md).
namespace keys {
std::string lane_stream(std::string_view destination, unsigned lane);
std::string object_state(std::string_view destination, Kind kind, std::string_view key);
/// The lane of an object: by its ordering group (key up to the first '|'; location, evse,
/// connector and evse_status share groups), so related objects keep their order.
unsigned lane_of(Kind kind, std::string_view key, unsigned lanes) noexcept;
/// The parts of an object key as the protocol adapters write it:
/// "CC/PID/ID[|EVSE[/CONNECTOR]][?type=T]", each part %-escaped ('/', '|', '?', '%', '#', ' ').
struct ObjectKey {
  std::string country_code;
  std::string party_id;
  std::string id;
  std::string evse_uid;      ///< empty for a whole object
  std::string connector_id;  ///< empty unless a connector
};
/// nullopt unless the key has an owner and a non-empty id.
std::optional<ObjectKey> parse_object_key(std::string_view key);
inline constexpr const char* kActive = "hub:q:active";
inline constexpr const char* kNotify = "hub:q:notify";
}  // namespace keys

}  // namespace hub::bus
