// SPDX-License-Identifier: GPL-2.0-or-later
#include <hub/bus/delivery.hpp>

#include "scripts.hpp"

#include <hub/core/log.hpp>
#include <hub/metrics/metrics.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <unordered_map>

namespace hub::bus {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t entry_ms(const std::string& id) {
  auto dash = id.find('-');
  try {
    return std::stoll(id.substr(0, dash));
  } catch (...) {
    return 0;
  }
}

/// A stream entry decoded from XRANGE.
struct Entry {
  std::string id;
  std::string source;
  Kind kind = Kind::cdr;
  std::string key;
  std::string payload;
  std::int64_t accepted_at_ms = 0;
  bool valid = false;
};

Entry decode_entry(const store::Reply& r) {
  Entry e;
  if (r.elements.size() != 2) {
    return e;
  }
  e.id = r.elements[0].str;
  const auto& fields = r.elements[1].elements;
  bool has_kind = false;
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    const auto& k = fields[i].str;
    const auto& v = fields[i + 1].str;
    if (k == "s") {
      e.source = v;
    } else if (k == "k") {
      if (auto kind = kind_from_string(v)) {
        e.kind = *kind;
        has_kind = true;
      }
    } else if (k == "o") {
      e.key = v;
    } else if (k == "p") {
      e.payload = v;
    } else if (k == "a") {
      try {
        e.accepted_at_ms = std::stoll(v);
      } catch (...) {
        e.accepted_at_ms = entry_ms(e.id);
      }
    }
  }
  e.valid = has_kind && !e.key.empty();
  return e;
}

std::string lease_key(const std::string& stream) { return "hub:lease:" + stream; }
std::string cursor_key(const std::string& stream) { return "hub:cursor:" + stream; }
std::string dead_key(const std::string& id) { return "hub:dead:" + id; }
std::string dead_index(const std::string& destination) { return "hub:dead-by:" + destination; }

// KEYS: dead hash, dead index, stream, object state, active set
// ARGV: dead id, stream name, notify channel, coalescible (1/0), original entry id
// Returns 1 when requeued, 0 when dropped as superseded by a newer state, -1 when unknown.
constexpr const char* kRequeue = R"lua(
local d = redis.call('HGETALL', KEYS[1])
if #d == 0 then return -1 end
local f = {}
for i = 1, #d, 2 do f[d[i]] = d[i + 1] end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if ARGV[4] == '1' and redis.call('HGET', KEYS[4], 'id') ~= ARGV[5] then return 0 end
local id = redis.call('XADD', KEYS[3], '*', 's', f['s'], 'k', f['k'], 'o', f['o'], 'p', f['p'], 'a', f['a'])
if ARGV[4] == '1' then redis.call('HSET', KEYS[4], 'id', id) end
if redis.call('SADD', KEYS[5], ARGV[2]) == 1 then redis.call('PUBLISH', ARGV[3], ARGV[2]) end
return 1
)lua";

}  // namespace

struct DeliveryEngine::Impl : std::enable_shared_from_this<DeliveryEngine::Impl> {
  struct Lane {
    std::string stream;
    std::string destination;
    unsigned index = 0;
    asio::steady_timer timer;
    bool notified = false;
    Lane(asio::any_io_executor ex, std::string s, std::string d, unsigned i)
        : stream(std::move(s)), destination(std::move(d)), index(i), timer(std::move(ex)) {}
  };

  Impl(asio::io_context& ioc, store::RedisOptions ro, BusOptions b, EngineOptions o, OutboundResolver r,
       metrics::Metrics* m)
      : strand(asio::make_strand(ioc)),
        redis(strand, ro),
        subscriber(strand, ro, {keys::kNotify},
                   [this](const std::string&, const std::string& stream) { maybe_start(stream); },
                   [this] { sweep_now(); }),
        bus(b),
        options(std::move(o)),
        resolver(std::move(r)),
        metrics(m),
        sweep_timer(strand),
        rng(std::random_device{}()) {}

  asio::strand<asio::io_context::executor_type> strand;
  store::RedisClient redis;
  store::RedisSubscriber subscriber;
  BusOptions bus;
  EngineOptions options;
  OutboundResolver resolver;
  metrics::Metrics* metrics;
  asio::steady_timer sweep_timer;
  std::mt19937_64 rng;
  std::shared_ptr<spdlog::logger> log = hub::log::get("delivery");

  bool stopping = false;
  std::unordered_map<std::string, std::shared_ptr<Lane>> lanes;
  std::atomic<std::size_t> lane_count{0};

  // ---- lane discovery ----------------------------------------------------------------------

  void maybe_start(const std::string& stream) {
    if (stopping) {
      return;
    }
    auto it = lanes.find(stream);
    if (it != lanes.end()) {
      it->second->notified = true;
      it->second->timer.cancel();
      return;
    }
    if (lanes.size() >= options.max_lanes) {
      return;  // the sweep picks it up once a lane is free
    }
    constexpr std::string_view kPrefix = "hub:q:";
    auto colon = stream.rfind(':');
    if (stream.rfind(kPrefix, 0) != 0 || colon == std::string::npos || colon <= kPrefix.size()) {
      return;
    }
    unsigned index = 0;
    try {
      index = static_cast<unsigned>(std::stoul(stream.substr(colon + 1)));
    } catch (...) {
      return;
    }
    auto lane = std::make_shared<Lane>(strand, stream, stream.substr(kPrefix.size(), colon - kPrefix.size()), index);
    lanes.emplace(stream, lane);
    lane_count = lanes.size();
    asio::co_spawn(strand, work(shared_from_this(), lane), asio::detached);
  }

  void sweep_now() {
    asio::co_spawn(strand, sweep_once(shared_from_this()), asio::detached);
  }

  asio::awaitable<void> sweep_once(std::shared_ptr<Impl>) {
    std::vector<std::string> cmd{"SMEMBERS", keys::kActive};
    auto r = co_await redis.command(std::move(cmd));
    if (!r || r->is_error()) {
      co_return;
    }
    std::vector<std::string> streams;
    for (const auto& e : r->elements) {
      streams.push_back(e.str);
      maybe_start(e.str);
    }
    if (metrics) {
      co_await update_gauges(streams);
    }
  }

  asio::awaitable<void> sweep_loop(std::shared_ptr<Impl> self) {
    while (!stopping) {
      co_await sweep_once(self);
      sweep_timer.expires_after(options.sweep_interval);
      boost::system::error_code ec;
      co_await sweep_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  asio::awaitable<void> update_gauges(const std::vector<std::string>& streams) {
    std::vector<std::vector<std::string>> cmds;
    for (const auto& s : streams) {
      cmds.push_back({"XLEN", s});
      cmds.push_back({"GET", cursor_key(s)});
    }
    std::map<std::string, std::pair<double, std::int64_t>> per_destination;
    if (!cmds.empty()) {
      auto r = co_await redis.pipeline(std::move(cmds));
      if (!r) {
        co_return;
      }
      std::vector<std::vector<std::string>> firsts;
      for (std::size_t i = 0; i < streams.size(); ++i) {
        const auto& cursor = r.value()[2 * i + 1];
        firsts.push_back({"XRANGE", streams[i], "(" + (cursor.is_nil() ? std::string("0-0") : cursor.str), "+",
                          "COUNT", "1"});
      }
      auto heads = co_await redis.pipeline(std::move(firsts));
      for (std::size_t i = 0; i < streams.size(); ++i) {
        auto colon = streams[i].rfind(':');
        auto dest = streams[i].substr(6, colon - 6);
        const auto& len = r.value()[2 * i];
        bool has_cursor = !r.value()[2 * i + 1].is_nil();
        auto& agg = per_destination[dest];
        agg.first += static_cast<double>(std::max<long long>(0, len.integer - (has_cursor ? 1 : 0)));
        if (heads && !heads.value()[i].elements.empty()) {
          auto first = entry_ms(heads.value()[i].elements[0].elements[0].str);
          if (agg.second == 0 || first < agg.second) {
            agg.second = first;
          }
        }
      }
    }
    for (const auto& [dest, agg] : per_destination) {
      auto age = agg.second == 0 ? 0.0 : static_cast<double>(now_ms() - agg.second) / 1000.0;
      metrics->set_queue(dest, agg.first, std::max(0.0, age));
    }
  }

  // ---- one lane ----------------------------------------------------------------------------

  std::chrono::milliseconds backoff(int attempt, std::optional<std::chrono::milliseconds> retry_after) {
    auto base = options.backoff_initial * (1LL << std::min(attempt - 1, 16));
    auto capped = std::min<std::chrono::milliseconds>(std::chrono::duration_cast<std::chrono::milliseconds>(base),
                                                      options.backoff_max);
    // Full jitter in [capped/2, capped].
    std::uniform_int_distribution<long long> jitter(capped.count() / 2, std::max<long long>(capped.count(), 1));
    std::chrono::milliseconds wait{jitter(rng)};
    if (retry_after && *retry_after > wait) {
      wait = std::min(*retry_after, options.backoff_max);
    }
    return wait;
  }

  /// Waits `d` (or until a notification / stop); false when stopping.
  asio::awaitable<bool> pause(Lane& lane, std::chrono::milliseconds d) {
    lane.timer.expires_after(d);
    boost::system::error_code ec;
    co_await lane.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return !stopping;
  }

  asio::awaitable<bool> renew(const std::string& stream) {
    std::vector<std::string> cmd{"EVAL", scripts::kAcquire, "1", lease_key(stream), options.instance_id,
                                 std::to_string(options.lease_ttl.count())};
    auto r = co_await redis.command(std::move(cmd));
    co_return r && !r->is_error() && r->integer == 1;
  }

  asio::awaitable<bool> advance(const std::string& stream, const std::string& cursor) {
    std::vector<std::string> cmd{"EVAL", scripts::kAdvance, "3", lease_key(stream), cursor_key(stream), stream,
                                 options.instance_id, cursor, std::to_string(options.lease_ttl.count())};
    for (int i = 0; i < 20 && !stopping_hard; ++i) {
      auto r = co_await redis.command(cmd);
      if (r && !r->is_error()) {
        co_return r->integer == 1;
      }
      asio::steady_timer t(strand, 100ms * (i + 1));
      boost::system::error_code ec;
      co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return false;
  }

  bool stopping_hard = false;

  asio::awaitable<bool> dead_letter(const Lane& lane, const Entry& e, const DeliveryResult& res, int attempts) {
    auto id = lane.destination + ":" + std::to_string(lane.index) + ":" + e.id;
    auto answer = res.answer.substr(0, options.max_answer_bytes);
    std::vector<std::vector<std::string>> cmds{
        {"HSET", dead_key(id), "s", e.source, "d", lane.destination, "k", std::string(to_string(e.kind)), "o", e.key,
         "p", e.payload, "a", std::to_string(e.accepted_at_ms), "e", e.id, "reason", res.reason, "answer", answer,
         "attempts", std::to_string(attempts), "failed_at", std::to_string(now_ms())},
        {"ZADD", dead_index(lane.destination), std::to_string(now_ms()), id}};
    for (int i = 0; i < 20 && !stopping_hard; ++i) {
      auto r = co_await redis.pipeline(cmds);
      if (r) {
        if (metrics) {
          metrics->dead_letter(res.reason);
        }
        log->warn("{}", hub::log::with("dead letter", {{"delivery_id", id},
                                                       {"reason", res.reason},
                                                       {"answer", answer.substr(0, 200)}}));
        co_return true;
      }
      asio::steady_timer t(strand, 100ms * (i + 1));
      boost::system::error_code ec;
      co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return false;
  }

  /// Renews a lane's lease every lease_ttl/3 while one Outbound call is in flight.
  struct Heartbeat {
    explicit Heartbeat(asio::any_io_executor ex) : timer(std::move(ex)) {}
    asio::steady_timer timer;
    bool done = false;
    Clock::time_point renewed_at{};
  };

  asio::awaitable<void> keep_lease(std::shared_ptr<Impl> self, std::string stream,
                                   std::shared_ptr<Heartbeat> heartbeat) {
    (void)self;
    while (!heartbeat->done) {
      heartbeat->timer.expires_after(options.lease_ttl / 3);
      boost::system::error_code ec;
      co_await heartbeat->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (heartbeat->done) {
        break;
      }
      // A failed renewal is not acted on here: the advance after the call finds out whether
      // the lease is still ours.
      bool renewed = co_await renew(stream);
      if (renewed) {
        heartbeat->renewed_at = Clock::now();
      }
    }
  }

  /// Delivers one entry until it succeeds, becomes a dead letter, or the lane must stop.
  /// Returns false when the entry was not finished (stop or lease loss).
  asio::awaitable<bool> deliver_one(Lane& lane, const Entry& e, Clock::time_point& last_renew) {
    Delivery d;
    d.id = lane.destination + ":" + std::to_string(lane.index) + ":" + e.id;
    d.source = e.source;
    d.destination = lane.destination;
    d.kind = e.kind;
    d.key = e.key;
    d.payload = e.payload;
    d.accepted_at_ms = e.accepted_at_ms;
    for (int attempt = 1;; ++attempt) {
      d.attempt = attempt;
      Outbound* outbound = resolver ? resolver(lane.destination) : nullptr;
      DeliveryResult res;
      if (outbound == nullptr) {
        res.outcome = DeliveryClass::permanent;
        res.reason = "unknown_destination";
      } else {
        // A partner may take longer than the lease (an Outbound is bounded by its own deadline,
        // not by lease_ttl): keep the lease alive meanwhile, or it expires mid-call, the
        // progress cannot be saved and the lane redelivers the same entry forever.
        auto heartbeat = std::make_shared<Heartbeat>(strand);
        asio::co_spawn(strand, keep_lease(shared_from_this(), lane.stream, heartbeat), asio::detached);
        try {
          res = co_await outbound->deliver(d);
        } catch (const std::exception& ex) {
          res.outcome = DeliveryClass::retryable;
          res.reason = "internal";
          res.answer = ex.what();
        }
        heartbeat->done = true;
        heartbeat->timer.cancel();
        if (heartbeat->renewed_at > last_renew) {
          last_renew = heartbeat->renewed_at;
        }
      }
      if (metrics) {
        metrics->delivery_attempt(res.outcome == DeliveryClass::ok          ? "ok"
                                  : res.outcome == DeliveryClass::retryable ? "retryable"
                                                                            : "permanent");
      }
      if (res.outcome == DeliveryClass::ok) {
        if (metrics) {
          metrics->delivered(to_string(e.kind),
                             std::chrono::milliseconds(std::max<std::int64_t>(0, now_ms() - e.accepted_at_ms)));
        }
        co_return true;
      }
      if (res.outcome == DeliveryClass::permanent) {
        co_return co_await dead_letter(lane, e, res, attempt);
      }
      if (metrics) {
        metrics->delivery_retry();
      }
      auto wait = backoff(attempt, res.retry_after);
      // Wait in slices so the lease stays ours during a long outage.
      auto until = Clock::now() + wait;
      while (Clock::now() < until) {
        auto slice = std::min<Clock::duration>(until - Clock::now(), options.lease_ttl / 3);
        bool go_on = co_await pause(lane, std::chrono::duration_cast<std::chrono::milliseconds>(slice));
        if (!go_on) {
          co_return false;
        }
        if (Clock::now() - last_renew > options.lease_ttl / 3) {
          bool renewed = co_await renew(lane.stream);
          if (!renewed) {
            co_return false;
          }
          last_renew = Clock::now();
        }
      }
    }
  }

  asio::awaitable<void> work(std::shared_ptr<Impl> self, std::shared_ptr<Lane> lane) {
    (void)self;
    bool leased = co_await renew(lane->stream);
    if (leased) {
      co_await run_lane(*lane);
    }
    lanes.erase(lane->stream);
    lane_count = lanes.size();
  }

  asio::awaitable<void> run_lane(Lane& lane) {
    auto last_renew = Clock::now();
    std::vector<std::string> get_cursor{"GET", cursor_key(lane.stream)};
    auto c = co_await redis.command(std::move(get_cursor));
    if (!c || c->is_error()) {
      co_return;
    }
    std::string cursor = c->is_nil() ? "0-0" : c->str;
    int empty_rounds = 0;
    while (!stopping) {
      std::vector<std::string> range{"XRANGE", lane.stream, "(" + cursor, "+", "COUNT",
                                     std::to_string(options.batch)};
      auto r = co_await redis.command(std::move(range));
      if (!r || r->is_error()) {
        bool go_on = co_await pause(lane, 500ms);
        if (!go_on) {
          break;
        }
        continue;
      }
      if (r->elements.empty()) {
        if (!lane.notified && empty_rounds == 0) {
          ++empty_rounds;
          co_await pause(lane, 50ms);  // a short linger saves churn under steady traffic
          lane.notified = false;
          continue;
        }
        lane.notified = false;
        empty_rounds = 0;
        std::vector<std::string> idle{"EVAL", scripts::kIdle, "4", keys::kActive, lane.stream,
                                      cursor_key(lane.stream), lease_key(lane.stream), lane.stream,
                                      options.instance_id};
        auto went_idle = co_await redis.command(std::move(idle));
        if (went_idle && !went_idle->is_error() && went_idle->integer == 1) {
          // The lease was released with the lane marked idle. A notification that raced with
          // it (new work published meanwhile) keeps this worker going.
          bool again = false;
          if (lane.notified) {
            again = co_await renew(lane.stream);
          }
          if (again) {
            lane.notified = false;
            last_renew = Clock::now();
            continue;
          }
          co_return;
        }
        continue;
      }
      empty_rounds = 0;
      std::vector<Entry> entries;
      entries.reserve(r->elements.size());
      for (const auto& el : r->elements) {
        entries.push_back(decode_entry(el));
      }
      // Which entries are still the latest state of their object (coalescing)?
      std::vector<std::vector<std::string>> latest_cmds;
      std::vector<std::size_t> latest_of;
      for (std::size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].valid && coalescible(entries[i].kind)) {
          latest_cmds.push_back({"HGET", keys::object_state(lane.destination, entries[i].kind, entries[i].key), "id"});
          latest_of.push_back(i);
        }
      }
      std::vector<bool> superseded(entries.size(), false);
      if (!latest_cmds.empty()) {
        auto latest = co_await redis.pipeline(std::move(latest_cmds));
        if (!latest) {
          continue;  // retry the batch
        }
        for (std::size_t j = 0; j < latest_of.size(); ++j) {
          const auto& v = latest.value()[j];
          superseded[latest_of[j]] = !v.is_nil() && v.str != entries[latest_of[j]].id;
        }
      }
      bool finished_batch = true;
      for (std::size_t i = 0; i < entries.size() && !stopping; ++i) {
        const auto& e = entries[i];
        if (!e.valid) {
          log->error("{}", hub::log::with("skipping malformed bus entry", {{"entry", e.id}, {"stream", lane.stream}}));
        } else if (superseded[i]) {
          if (metrics) {
            metrics->coalesced();
          }
        } else {
          bool done = co_await deliver_one(lane, e, last_renew);
          if (!done) {
            finished_batch = false;
            break;
          }
        }
        cursor = e.id;
        if (Clock::now() - last_renew > options.lease_ttl / 3) {
          // A slow destination: save progress and keep the lease before it could expire.
          bool kept = co_await advance(lane.stream, cursor);
          if (!kept) {
            log->warn("{}", hub::log::with("lost the lease of a lane", {{"stream", lane.stream}}));
            co_return;
          }
          last_renew = Clock::now();
        }
      }
      bool advanced = co_await advance(lane.stream, cursor);
      if (!advanced) {
        log->warn("{}", hub::log::with("lost the lease of a lane", {{"stream", lane.stream}}));
        co_return;
      }
      last_renew = Clock::now();
      if (!finished_batch) {
        break;
      }
    }
    // Stopping: give the lane back so another instance can take it at once.
    std::vector<std::string> release{"EVAL", scripts::kRelease, "1", lease_key(lane.stream), options.instance_id};
    co_await redis.command(std::move(release));
  }

  // ---- admin ---------------------------------------------------------------------------------

  asio::awaitable<Result<std::vector<DeliveryInfo>>> list(std::string destination, std::string state,
                                                          std::size_t limit) {
    std::vector<DeliveryInfo> out;
    if (state == "dead") {
      std::vector<std::string> cmd{"ZRANGE", dead_index(destination), "0", std::to_string(limit - 1)};
      auto ids = co_await redis.command(std::move(cmd));
      if (!ids) {
        co_return ids.error();
      }
      std::vector<std::vector<std::string>> gets;
      for (const auto& id : ids->elements) {
        gets.push_back({"HGETALL", dead_key(id.str)});
      }
      if (gets.empty()) {
        co_return out;
      }
      auto all = co_await redis.pipeline(std::move(gets));
      if (!all) {
        co_return all.error();
      }
      for (std::size_t i = 0; i < ids->elements.size(); ++i) {
        DeliveryInfo d;
        d.id = ids->elements[i].str;
        d.state = "dead";
        const auto& f = all.value()[i].elements;
        for (std::size_t j = 0; j + 1 < f.size(); j += 2) {
          const auto& k = f[j].str;
          const auto& v = f[j + 1].str;
          if (k == "s") {
            d.source = v;
          } else if (k == "d") {
            d.destination = v;
          } else if (k == "k") {
            d.kind = v;
          } else if (k == "o") {
            d.key = v;
          } else if (k == "a") {
            d.accepted_at_ms = std::atoll(v.c_str());
          } else if (k == "reason") {
            d.reason = v;
          } else if (k == "answer") {
            d.answer = v;
          } else if (k == "attempts") {
            d.attempts = std::atoi(v.c_str());
          } else if (k == "failed_at") {
            d.failed_at_ms = std::atoll(v.c_str());
          }
        }
        out.push_back(std::move(d));
      }
      co_return out;
    }
    // pending: every lane of the destination after its cursor
    std::vector<std::vector<std::string>> cursors;
    for (unsigned l = 0; l < bus.lanes; ++l) {
      cursors.push_back({"GET", cursor_key(keys::lane_stream(destination, l))});
    }
    auto cur = co_await redis.pipeline(std::move(cursors));
    if (!cur) {
      co_return cur.error();
    }
    std::vector<std::vector<std::string>> ranges;
    for (unsigned l = 0; l < bus.lanes; ++l) {
      const auto& c = cur.value()[l];
      ranges.push_back({"XRANGE", keys::lane_stream(destination, l), "(" + (c.is_nil() ? std::string("0-0") : c.str),
                        "+", "COUNT", std::to_string(limit)});
    }
    auto rs = co_await redis.pipeline(std::move(ranges));
    if (!rs) {
      co_return rs.error();
    }
    for (unsigned l = 0; l < bus.lanes; ++l) {
      for (const auto& el : rs.value()[l].elements) {
        auto e = decode_entry(el);
        DeliveryInfo d;
        d.id = destination + ":" + std::to_string(l) + ":" + e.id;
        d.state = "pending";
        d.source = e.source;
        d.destination = destination;
        d.kind = std::string(to_string(e.kind));
        d.key = e.key;
        d.accepted_at_ms = e.accepted_at_ms;
        out.push_back(std::move(d));
      }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.accepted_at_ms < b.accepted_at_ms; });
    if (out.size() > limit) {
      out.resize(limit);
    }
    co_return out;
  }

  /// 1: requeued, 0: dropped as superseded by a newer state.
  asio::awaitable<Result<int>> requeue(const std::string& id) {
    // id: <destination>:<lane>:<entry>
    auto first = id.find(':');
    auto second = id.find(':', first == std::string::npos ? 0 : first + 1);
    if (first == std::string::npos || second == std::string::npos) {
      co_return make_error_code(Errc::not_found);
    }
    auto destination = id.substr(0, first);
    unsigned lane = 0;
    try {
      lane = static_cast<unsigned>(std::stoul(id.substr(first + 1, second - first - 1)));
    } catch (...) {
      co_return make_error_code(Errc::not_found);
    }
    std::vector<std::string> fields{"HMGET", dead_key(id), "k", "o", "e"};
    auto f = co_await redis.command(std::move(fields));
    if (!f) {
      co_return f.error();
    }
    if (f->elements.size() != 3 || f->elements[0].is_nil()) {
      co_return make_error_code(Errc::not_found);
    }
    auto kind = kind_from_string(f->elements[0].str).value_or(Kind::cdr);
    std::vector<std::string> cmd{"EVAL",
                                 kRequeue,
                                 "5",
                                 dead_key(id),
                                 dead_index(destination),
                                 keys::lane_stream(destination, lane),
                                 keys::object_state(destination, kind, f->elements[1].str),
                                 keys::kActive,
                                 id,
                                 keys::lane_stream(destination, lane),
                                 keys::kNotify,
                                 coalescible(kind) ? "1" : "0",
                                 f->elements[2].str};
    auto r = co_await redis.command(std::move(cmd));
    if (!r) {
      co_return r.error();
    }
    if (r->is_error()) {
      co_return make_error_code(Errc::internal);
    }
    if (r->integer < 0) {
      co_return make_error_code(Errc::not_found);
    }
    co_return r->integer == 1 ? 1 : 0;
  }

  asio::awaitable<Result<void>> retry(std::string id) {
    auto r = co_await requeue(id);
    if (!r) {
      co_return r.error();
    }
    co_return Result<void>{};
  }

  asio::awaitable<Result<std::size_t>> retry_dead(std::string destination) {
    // Only the dead letters that exist now, read as one snapshot of ids first: one that fails
    // again while we work is a new dead letter under a new id and is left for the next request
    // (otherwise this could go round forever). A score bound alone cannot tell them apart when
    // both fall in the same millisecond. At most kMaxRetryDead per request; the rest stay dead
    // until the next request.
    constexpr std::size_t kMaxRetryDead = 100000;
    std::vector<std::string> cmd{"ZRANGE", dead_index(destination), "0", std::to_string(kMaxRetryDead - 1)};
    auto ids = co_await redis.command(std::move(cmd));
    if (!ids) {
      co_return ids.error();
    }
    std::size_t count = 0;
    for (const auto& id : ids->elements) {
      auto r = co_await requeue(id.str);
      if (!r && r.error() != make_error_code(Errc::not_found)) {
        co_return r.error();
      }
      if (r && *r == 1) {
        ++count;
      }
    }
    co_return count;
  }

  asio::awaitable<void> stop() {
    stopping = true;
    sweep_timer.cancel();
    for (auto& [stream, lane] : lanes) {
      lane->timer.cancel();
    }
    // Deliveries in flight finish (Outbounds are bounded in time); then the lanes exit.
    asio::steady_timer t(strand);
    auto hard = Clock::now() + 30s;
    while (!lanes.empty() && Clock::now() < hard) {
      t.expires_after(10ms);
      boost::system::error_code ec;
      co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      for (auto& [stream, lane] : lanes) {
        lane->timer.cancel();
      }
    }
    stopping_hard = true;
    subscriber.stop();
    redis.stop();
  }
};

DeliveryEngine::DeliveryEngine(asio::io_context& ioc, store::RedisOptions redis, BusOptions bus,
                               EngineOptions options, OutboundResolver resolver, metrics::Metrics* metrics)
    : impl_(std::make_shared<Impl>(ioc, std::move(redis), bus, std::move(options), std::move(resolver), metrics)) {}

DeliveryEngine::~DeliveryEngine() = default;

void DeliveryEngine::start() {
  auto impl = impl_;
  asio::post(impl->strand, [impl] {
    impl->redis.start();
    impl->subscriber.start();
    asio::co_spawn(impl->strand, impl->sweep_loop(impl), asio::detached);
  });
}

asio::awaitable<void> DeliveryEngine::stop() {
  auto impl = impl_;
  co_await asio::co_spawn(impl->strand, impl->stop(), asio::use_awaitable);
}

asio::awaitable<Result<std::vector<DeliveryInfo>>> DeliveryEngine::list(std::string destination, std::string state,
                                                                        std::size_t limit) {
  auto impl = impl_;
  co_return co_await asio::co_spawn(impl->strand, impl->list(std::move(destination), std::move(state), limit),
                                    asio::use_awaitable);
}

asio::awaitable<Result<void>> DeliveryEngine::retry(std::string id) {
  auto impl = impl_;
  co_return co_await asio::co_spawn(impl->strand, impl->retry(std::move(id)), asio::use_awaitable);
}

asio::awaitable<Result<std::size_t>> DeliveryEngine::retry_dead(std::string destination) {
  auto impl = impl_;
  co_return co_await asio::co_spawn(impl->strand, impl->retry_dead(std::move(destination)), asio::use_awaitable);
}

std::size_t DeliveryEngine::active_lanes() const { return impl_->lane_count.load(); }

}  // namespace hub::bus
