// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "wire.hpp"

#include <hub/bus/bus.hpp>
#include <hub/core/error.hpp>
#include <hub/model/ids.hpp>
#include <hub/store/redis.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

/// The hub's store of OCPI client-owned objects in Redis (canonical JSON), keyed by module,
/// owner (country_code, party_id) and id case-insensitively, with last_updated indexes for
/// paginated GET-All and visibility: broadcast objects are visible to every reader, directed
/// ones only to their receivers (docs/ocpi.md "Store").
/// Thread safety: may be awaited from any executor; Redis work hops to the client's executor.
namespace hub::ocpi {

struct StoredPage {
  std::size_t total = 0;
  std::vector<std::string> objects;  ///< canonical JSON, oldest last_updated first
};

/// A read-modify-write's condition: the object is still as it was read (`was`: its json, nullopt
/// when it was absent). Concurrent writers of one object (two requests merging EVSEs into one
/// Location, two delivery lanes keeping the newest state) then never undo each other's change:
/// the loser is refused and reads again.
struct IfUnchanged {
  std::optional<std::string> was;
};

class ObjectStore {
 public:
  /// put()'s and put_result()'s answer when an IfUnchanged condition no longer held: nothing
  /// was written (and, through Bus::write_and_publish, nothing queued).
  static constexpr int kRefused = -1;

  ObjectStore(boost::asio::any_io_executor redis_executor, store::RedisClient& redis);

  /// "CC:PID:ID" with the id upper-cased: the member name of an object in the indexes.
  static std::string member(const model::PartyRef& owner, std::string_view id);

  boost::asio::awaitable<Result<std::optional<std::string>>> get(std::string module, model::PartyRef owner,
                                                                 std::string id);
  /// Saves an object; `visible_to` empty: every reader (broadcast), else those party ids.
  /// Returns whether the object existed before (1 or 0), or kRefused when `if_unchanged` was
  /// given and the object changed since it was read.
  boost::asio::awaitable<Result<int>> put(std::string module, model::PartyRef owner, std::string id,
                                           std::string json, std::int64_t last_updated_ms,
                                           std::vector<std::string> visible_to,
                                           std::optional<IfUnchanged> if_unchanged);
  /// put() as a bus::Write, to run in the same script call as the events of the push
  /// (Bus::write_and_publish); put_result() reads its reply (1, 0 or kRefused, as put()).
  static bus::Write put_write(const std::string& module, const model::PartyRef& owner, std::string_view id,
                              std::string json, std::int64_t last_updated_ms, std::vector<std::string> visible_to,
                              std::optional<IfUnchanged> if_unchanged = std::nullopt);
  static Result<int> put_result(const Result<store::Reply>& reply);
  boost::asio::awaitable<Result<int>> remove(std::string module, model::PartyRef owner, std::string id);
  /// Objects visible to `reader` (party id) filtered by last_updated in [from, to), paginated.
  boost::asio::awaitable<Result<StoredPage>> list(std::string module, std::string reader, wire::Page page,
                                                  bool directed_only);
  /// Members ("CC:PID:ID") of the stored objects with this id, any owner.
  boost::asio::awaitable<Result<std::vector<std::string>>> owners(std::string module, std::string id);

  /// Callback records of rewritten response_url values.
  boost::asio::awaitable<Result<void>> put_callback(std::string handle, std::map<std::string, std::string> fields,
                                                    std::chrono::seconds ttl);
  boost::asio::awaitable<Result<std::map<std::string, std::string>>> get_callback(std::string handle);

 private:
  boost::asio::awaitable<Result<store::Reply>> run(std::vector<std::string> command);

  boost::asio::any_io_executor redis_executor_;
  store::RedisClient& redis_;
};

}  // namespace hub::ocpi
