// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/core/error.hpp>
#include <hub/model/party.hpp>
#include <routing/routing_table.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <string>

namespace hub::store {
class RedisClient;
}

/// The party registry: parties live in Redis (key schema in docs/redis.md); every hub instance
/// keeps an immutable RoutingTable snapshot, rebuilt when a change is announced on the
/// `hub:registry` pub/sub channel (or after its own writes), so several instances share one
/// registry. The request path only calls snapshot().
/// Thread safety: snapshot() from any thread. The coroutine members may be awaited from any
/// executor; they run their Redis work on the executor of the RedisClient.
namespace hub::routing {

/// The pub/sub channel on which every registry change is announced (payload: the party id).
inline constexpr const char* kRegistryChannel = "hub:registry";

class Registry {
 public:
  using ChangeObserver = std::function<void(const RoutingTable&)>;

  /// `redis_executor` is the executor the RedisClient lives on.
  Registry(boost::asio::any_io_executor redis_executor, store::RedisClient& redis,
           ChangeObserver on_change = {});
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  /// The current snapshot (never null).
  RoutingTablePtr snapshot() const;

  /// Reloads every party from Redis and swaps the snapshot.
  boost::asio::awaitable<Result<void>> reload();
  /// Reloads one party (after a change announcement for it) and swaps the snapshot.
  boost::asio::awaitable<Result<void>> reload_party(std::string id);

  /// Creates a party. Assigns id and timestamps. Errors: invalid_request (validation),
  /// conflict (a role, OCHP username or token already taken), unavailable/deadline_exceeded.
  boost::asio::awaitable<Result<model::Party>> create(model::Party party);
  /// Applies `change` to the stored party and saves it (roles, username and tokens are re-indexed).
  boost::asio::awaitable<Result<model::Party>> update(std::string id, std::function<void(model::Party&)> change);
  boost::asio::awaitable<Result<void>> remove(std::string id);

  /// Hooks for the RedisSubscriber of kRegistryChannel.
  void on_announcement(const std::string& party_id);
  void on_subscriber_connected();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace hub::routing
