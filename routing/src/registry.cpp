// SPDX-License-Identifier: GPL-2.0-or-later
#include <routing/registry.hpp>

#include "party_record.hpp"

#include <hub/core/log.hpp>
#include <hub/store/redis.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/dispatch.hpp>

#include <atomic>
#include <chrono>
#include <list>
#include <random>

namespace hub::routing {
namespace {

namespace asio = boost::asio;

constexpr const char* kPartiesKey = "hub:parties";
constexpr const char* kVersionKey = "hub:registry:version";

// Creates or replaces a party and its unique index keys atomically; refuses index keys owned by
// another party. KEYS: party hash, parties set, version, new index keys..., old index keys...
// ARGV: id, mode (create|update), number of new index keys, field/value pairs...
constexpr const char* kSaveScript = R"lua(
local id = ARGV[1]
local n_new = tonumber(ARGV[3])
local exists = redis.call('EXISTS', KEYS[1])
if ARGV[2] == 'create' and exists == 1 then return redis.error_reply('CONFLICT id') end
if ARGV[2] == 'update' and exists == 0 then return redis.error_reply('NOTFOUND') end
for i = 4, 3 + n_new do
  local owner = redis.call('GET', KEYS[i])
  if owner and owner ~= id then return redis.error_reply('CONFLICT ' .. KEYS[i]) end
end
for i = 4 + n_new, #KEYS do
  if redis.call('GET', KEYS[i]) == id then redis.call('DEL', KEYS[i]) end
end
for i = 4, 3 + n_new do redis.call('SET', KEYS[i], id) end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('SADD', KEYS[2], id)
local v = redis.call('INCR', KEYS[3])
redis.call('PUBLISH', 'hub:registry', id)
return v
)lua";

// KEYS: party hash, parties set, version, index keys...  ARGV: id
constexpr const char* kRemoveScript = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOTFOUND') end
for i = 4, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
local v = redis.call('INCR', KEYS[3])
redis.call('PUBLISH', 'hub:registry', ARGV[1])
return v
)lua";

/// Upper-cases role references so that index keys and lookups agree ("de"/"abc" is DE*ABC).
void normalize_roles(model::Party& p) {
  for (auto& r : p.roles) {
    if (auto ref = model::make_party_ref(r.ref.country_code, r.ref.party_id)) {
      r.ref = *ref;
    }
  }
}

/// A party id: "p" + 16 hex digits. Not a secret (tokens come from the admin layer's CSPRNG), so a
/// seeded std generator keeps routing free of the transport layer's crypto.
std::string new_party_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "p";
  auto v = rng();
  for (int i = 0; i < 16; ++i) {
    id += kHex[(v >> (i * 4)) & 0xf];
  }
  return id;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<void> script_error(const store::Reply& r) {
  if (r.str.rfind("CONFLICT", 0) == 0) {
    return make_error_code(Errc::conflict);
  }
  if (r.str.rfind("NOTFOUND", 0) == 0) {
    return make_error_code(Errc::not_found);
  }
  return make_error_code(Errc::internal);
}

}  // namespace

struct Registry::Impl : std::enable_shared_from_this<Registry::Impl> {
  Impl(asio::any_io_executor ex, store::RedisClient& r, ChangeObserver obs)
      : executor(std::move(ex)), redis(r), on_change(std::move(obs)) {
    table.store(std::make_shared<const RoutingTable>());
  }

  asio::any_io_executor executor;
  store::RedisClient& redis;
  ChangeObserver on_change;
  std::atomic<std::shared_ptr<const RoutingTable>> table;
  std::shared_ptr<spdlog::logger> log = hub::log::get("registry");

  // Coalesced reloads (all on `executor`): requests bump `requested`; the single loop reloads
  // while `completed < requested`; waiters wait for `completed >= their generation`.
  std::uint64_t requested = 0;
  std::uint64_t completed = 0;
  bool running = false;
  bool stopped = false;  ///< set when the registry is destroyed: no more retries
  Result<void> last_result{};
  struct Waiter {
    std::uint64_t generation;
    std::shared_ptr<asio::steady_timer> timer;
  };
  std::list<Waiter> waiters;

  void swap(std::vector<model::Party> parties, std::uint64_t version) {
    auto next = std::make_shared<const RoutingTable>(std::move(parties), version);
    table.store(next);
    if (on_change) {
      on_change(*next);
    }
  }

  asio::awaitable<Result<void>> load_once() {
    std::vector<std::vector<std::string>> head_cmds{{"GET", kVersionKey}, {"SMEMBERS", kPartiesKey}};
    auto head = co_await redis.pipeline(std::move(head_cmds));
    if (!head) {
      co_return head.error();
    }
    const auto& replies = head.value();
    std::uint64_t version = replies[0].is_nil() ? 0 : std::stoull(replies[0].str);
    std::vector<std::vector<std::string>> cmds;
    std::vector<std::string> ids;
    for (const auto& e : replies[1].elements) {
      ids.push_back(e.str);
      cmds.push_back({"HGETALL", detail::party_key(e.str)});
    }
    std::vector<model::Party> parties;
    if (!cmds.empty()) {
      auto all = co_await redis.pipeline(std::move(cmds));
      if (!all) {
        co_return all.error();
      }
      for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto& r = all.value()[i];
        std::vector<std::pair<std::string, std::string>> fields;
        for (std::size_t j = 0; j + 1 < r.elements.size(); j += 2) {
          fields.emplace_back(r.elements[j].str, r.elements[j + 1].str);
        }
        if (fields.empty()) {
          continue;  // removed between SMEMBERS and HGETALL
        }
        if (auto p = detail::from_record(ids[i], fields)) {
          parties.push_back(std::move(*p));
        } else {
          log->error("{}", hub::log::with("skipping corrupt party record", {{"party", ids[i]}}));
        }
      }
    }
    swap(std::move(parties), version);
    co_return Result<void>{};
  }

  asio::awaitable<void> reload_loop(std::shared_ptr<Impl> self) {
    (void)self;  // keeps the registry alive while the loop runs
    running = true;
    std::chrono::milliseconds retry_delay{100};
    while (completed < requested) {
      auto generation = requested;
      last_result = co_await load_once();
      completed = generation;
      for (auto it = waiters.begin(); it != waiters.end();) {
        if (it->generation <= completed) {
          it->timer->cancel();
          it = waiters.erase(it);
        } else {
          ++it;
        }
      }
      if (!last_result && completed == requested && !stopped) {
        // Redis did not answer (e.g. it is restarting): the snapshot may be stale, so try again
        // with backoff until a load succeeds; waiters were told about this failure already.
        asio::steady_timer t(executor, retry_delay);
        boost::system::error_code ec;
        co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        retry_delay = std::min(retry_delay * 2, std::chrono::milliseconds(2000));
        if (!stopped) {
          ++requested;
        }
      }
    }
    running = false;
  }

  void request_reload() {
    ++requested;
    if (!running) {
      asio::co_spawn(executor, reload_loop(shared_from_this()), asio::detached);
    }
  }

  /// Runs on `executor`: requests a reload and waits until one that started after now finished.
  asio::awaitable<Result<void>> reload_and_wait() {
    request_reload();
    Waiter w{requested, std::make_shared<asio::steady_timer>(executor)};
    w.timer->expires_at(asio::steady_timer::time_point::max());
    auto timer = w.timer;
    waiters.push_back(std::move(w));
    boost::system::error_code ec;
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return last_result;
  }

  asio::awaitable<Result<model::Party>> save(model::Party party, const char* mode,
                                              std::vector<std::string> old_keys) {
    auto new_keys = detail::index_keys(party);
    std::vector<std::string> cmd{"EVAL", kSaveScript, std::to_string(3 + new_keys.size() + old_keys.size()),
                                 detail::party_key(party.id), kPartiesKey, kVersionKey};
    cmd.insert(cmd.end(), new_keys.begin(), new_keys.end());
    cmd.insert(cmd.end(), old_keys.begin(), old_keys.end());
    cmd.push_back(party.id);
    cmd.push_back(mode);
    cmd.push_back(std::to_string(new_keys.size()));
    for (auto& [k, v] : detail::to_record(party)) {
      cmd.push_back(k);
      cmd.push_back(v);
    }
    auto r = co_await redis.command(std::move(cmd));
    if (!r) {
      co_return r.error();
    }
    if (r->is_error()) {
      co_return script_error(*r).error();
    }
    auto reloaded = co_await reload_and_wait();
    if (!reloaded) {
      log->warn("registry reload after save failed");
    }
    co_return party;
  }

  asio::awaitable<Result<model::Party>> read_party(const std::string& id) {
    std::vector<std::string> cmd{"HGETALL", detail::party_key(id)};
    auto r = co_await redis.command(std::move(cmd));
    if (!r) {
      co_return r.error();
    }
    std::vector<std::pair<std::string, std::string>> fields;
    for (std::size_t j = 0; j + 1 < r->elements.size(); j += 2) {
      fields.emplace_back(r->elements[j].str, r->elements[j + 1].str);
    }
    if (fields.empty()) {
      co_return make_error_code(Errc::not_found);
    }
    auto p = detail::from_record(id, fields);
    if (!p) {
      co_return make_error_code(Errc::internal);
    }
    co_return std::move(*p);
  }

  asio::awaitable<Result<model::Party>> do_create(model::Party party) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      party.id = new_party_id();
      party.created_at = party.updated_at = unix_now();
      normalize_roles(party);
      auto reason = model::validate(party);
      if (!reason.empty()) {
        co_return make_error_code(Errc::invalid_request);
      }
      auto r = co_await save(party, "create", {});
      if (r || r.error() != make_error_code(Errc::conflict)) {
        co_return r;
      }
      // Distinguish an id collision (retry with a fresh id) from an index conflict.
      std::vector<std::string> exists_cmd{"EXISTS", detail::party_key(party.id)};
      auto existing = co_await redis.command(std::move(exists_cmd));
      if (!existing || existing->integer == 0) {
        co_return r;
      }
    }
    co_return make_error_code(Errc::conflict);
  }

  asio::awaitable<Result<model::Party>> do_update(std::string id, std::function<void(model::Party&)> change) {
    auto current = co_await read_party(id);
    if (!current) {
      co_return current.error();
    }
    auto old_keys = detail::index_keys(*current);
    model::Party next = *current;
    change(next);
    next.id = id;
    next.created_at = current->created_at;
    next.updated_at = unix_now();
    normalize_roles(next);
    if (!model::validate(next).empty()) {
      co_return make_error_code(Errc::invalid_request);
    }
    co_return co_await save(std::move(next), "update", std::move(old_keys));
  }

  asio::awaitable<Result<void>> do_remove(std::string id) {
    auto current = co_await read_party(id);
    if (!current) {
      co_return current.error();
    }
    auto keys = detail::index_keys(*current);
    std::vector<std::string> cmd{"EVAL", kRemoveScript, std::to_string(3 + keys.size()), detail::party_key(id),
                                 kPartiesKey, kVersionKey};
    cmd.insert(cmd.end(), keys.begin(), keys.end());
    cmd.push_back(id);
    auto r = co_await redis.command(std::move(cmd));
    if (!r) {
      co_return r.error();
    }
    if (r->is_error()) {
      co_return script_error(*r);
    }
    co_await reload_and_wait();
    co_return Result<void>{};
  }
};

Registry::Registry(asio::any_io_executor redis_executor, store::RedisClient& redis, ChangeObserver on_change)
    : impl_(std::make_shared<Impl>(std::move(redis_executor), redis, std::move(on_change))) {}

Registry::~Registry() {
  asio::dispatch(impl_->executor, [impl = impl_] { impl->stopped = true; });
}

RoutingTablePtr Registry::snapshot() const { return impl_->table.load(); }

asio::awaitable<Result<void>> Registry::reload() {
  auto impl = impl_;
  co_return co_await asio::co_spawn(impl->executor, impl->reload_and_wait(), asio::use_awaitable);
}

asio::awaitable<Result<void>> Registry::reload_party(std::string) { co_return co_await reload(); }

asio::awaitable<Result<model::Party>> Registry::create(model::Party party) {
  auto impl = impl_;
  co_return co_await asio::co_spawn(impl->executor, impl->do_create(std::move(party)), asio::use_awaitable);
}

asio::awaitable<Result<model::Party>> Registry::update(std::string id, std::function<void(model::Party&)> change) {
  auto impl = impl_;
  co_return co_await asio::co_spawn(impl->executor, impl->do_update(std::move(id), std::move(change)),
                                    asio::use_awaitable);
}

asio::awaitable<Result<void>> Registry::remove(std::string id) {
  auto impl = impl_;
  co_return co_await asio::co_spawn(impl->executor, impl->do_remove(std::move(id)), asio::use_awaitable);
}

void Registry::on_announcement(const std::string&) {
  asio::dispatch(impl_->executor, [impl = impl_] { impl->request_reload(); });
}

void Registry::on_subscriber_connected() {
  asio::dispatch(impl_->executor, [impl = impl_] { impl->request_reload(); });
}

}  // namespace hub::routing
