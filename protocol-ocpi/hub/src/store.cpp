// SPDX-License-Identifier: GPL-2.0-or-later
#include "store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <limits>

namespace hub::ocpi {
namespace {

namespace asio = boost::asio;

// KEYS: object hash, broadcast index, owner index. ARGV: json, score, member, directed index
// prefix, expectation ('': none, '-': the object is absent, '=': its json is ARGV[6]), expected
// json, receivers... (none: broadcast). Returns 1 when the object existed (every stored object
// has its 'to' field; an existing object is in its owner index already), -1
// (bus::kWriteRefused) without writing when the expectation does not hold. The score is the
// json's last_updated, so the same json already visible to every receiver is left as it is (a
// re-pushed unchanged object costs one read).
constexpr const char* kPut = R"lua(
local cur = redis.call('HMGET', KEYS[1], 'to', 'json')
local old = cur[1]
if ARGV[5] == '-' then
  if cur[2] then return -1 end
elseif ARGV[5] == '=' then
  if cur[2] ~= ARGV[6] then return -1 end
end
local receivers = {}
local seen = {}
if old and old ~= '*' and old ~= '' then
  for p in string.gmatch(old, '[^,]+') do
    if not seen[p] then seen[p] = true; receivers[#receivers + 1] = p end
  end
end
local broadcast = (#ARGV < 7) or old == '*'
local added = false
for i = 7, #ARGV do
  if not seen[ARGV[i]] then seen[ARGV[i]] = true; receivers[#receivers + 1] = ARGV[i]; added = true end
end
if old and cur[2] == ARGV[1] and (old == '*' or (not broadcast and not added)) then
  return 1
end
for _, p in ipairs(receivers) do
  redis.call('ZADD', ARGV[4] .. p, ARGV[2], ARGV[3])
end
local to = '*'
if broadcast then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
else
  to = table.concat(receivers, ',')
end
redis.call('HSET', KEYS[1], 'json', ARGV[1], 'to', to)
if old then return 1 end
redis.call('SADD', KEYS[3], ARGV[3])
return 0
)lua";

// KEYS: object hash, broadcast index, owner index. ARGV: member, directed index prefix.
constexpr const char* kRemove = R"lua(
local old = redis.call('HGET', KEYS[1], 'to')
if not old then return 0 end
if old ~= '*' then
  for p in string.gmatch(old, '[^,]+') do redis.call('ZREM', ARGV[2] .. p, ARGV[1]) end
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('DEL', KEYS[1])
return 1
)lua";

// KEYS: broadcast index, directed index, temp key. ARGV: min, max, offset, limit, object prefix,
// directed_only. Returns {total, json...}.
constexpr const char* kList = R"lua(
local src = KEYS[2]
if ARGV[6] ~= '1' then
  redis.call('ZUNIONSTORE', KEYS[3], 2, KEYS[1], KEYS[2], 'AGGREGATE', 'MAX')
  src = KEYS[3]
end
local total = redis.call('ZCOUNT', src, ARGV[1], ARGV[2])
local ids = redis.call('ZRANGEBYSCORE', src, ARGV[1], ARGV[2], 'LIMIT', ARGV[3], ARGV[4])
if src == KEYS[3] then redis.call('DEL', KEYS[3]) end
local out = {total}
for _, m in ipairs(ids) do
  local j = redis.call('HGET', ARGV[5] .. m, 'json')
  if j then out[#out + 1] = j end
end
return out
)lua";

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return out;
}

std::string object_prefix(const std::string& module) { return "ocpi:o:" + module + ":"; }
std::string broadcast_index(const std::string& module) { return "ocpi:i:" + module + ":all"; }
std::string directed_prefix(const std::string& module) { return "ocpi:i:" + module + ":to:"; }
std::string owner_index(const std::string& module, std::string_view id) {
  return "ocpi:owner:" + module + ":" + upper(id);
}

std::atomic<std::uint64_t> g_tmp_counter{0};

}  // namespace

ObjectStore::ObjectStore(asio::any_io_executor redis_executor, store::RedisClient& redis)
    : redis_executor_(std::move(redis_executor)), redis_(redis) {}

std::string ObjectStore::member(const model::PartyRef& owner, std::string_view id) {
  return upper(owner.country_code) + ":" + upper(owner.party_id) + ":" + upper(id);
}

asio::awaitable<Result<store::Reply>> ObjectStore::run(std::vector<std::string> command) {
  // The awaitable is lazy: it starts on the Redis client's executor.
  auto r = co_await asio::co_spawn(redis_executor_, redis_.command(std::move(command)), asio::use_awaitable);
  if (r && r->is_error()) {
    co_return make_error_code(Errc::unavailable);
  }
  co_return r;
}

asio::awaitable<Result<std::optional<std::string>>> ObjectStore::get(std::string module, model::PartyRef owner,
                                                                     std::string id) {
  std::vector<std::string> cmd{"HGET", object_prefix(module) + member(owner, id), "json"};
  auto r = co_await run(std::move(cmd));
  if (!r) {
    co_return r.error();
  }
  if (r->is_nil()) {
    co_return std::optional<std::string>{};
  }
  co_return std::optional<std::string>{std::move(r->str)};
}

asio::awaitable<Result<int>> ObjectStore::put(std::string module, model::PartyRef owner, std::string id,
                                               std::string json, std::int64_t last_updated_ms,
                                               std::vector<std::string> visible_to,
                                               std::optional<IfUnchanged> if_unchanged) {
  auto w = put_write(module, owner, id, std::move(json), last_updated_ms, std::move(visible_to),
                     std::move(if_unchanged));
  std::vector<std::string> cmd;
  cmd.reserve(3 + w.keys.size() + w.args.size());
  cmd.emplace_back("EVAL");
  cmd.emplace_back(w.script);
  cmd.push_back(std::to_string(w.keys.size()));
  for (auto& k : w.keys) {
    cmd.push_back(std::move(k));
  }
  for (auto& a : w.args) {
    cmd.push_back(std::move(a));
  }
  auto r = co_await run(std::move(cmd));
  co_return put_result(r);
}

bus::Write ObjectStore::put_write(const std::string& module, const model::PartyRef& owner, std::string_view id,
                                  std::string json, std::int64_t last_updated_ms,
                                  std::vector<std::string> visible_to, std::optional<IfUnchanged> if_unchanged) {
  auto m = member(owner, id);
  bus::Write w;
  w.script = kPut;
  w.keys = {object_prefix(module) + m, broadcast_index(module), owner_index(module, id)};
  w.args.reserve(6 + visible_to.size());
  w.args.push_back(std::move(json));
  w.args.push_back(std::to_string(last_updated_ms));
  w.args.push_back(std::move(m));
  w.args.push_back(directed_prefix(module));
  if (!if_unchanged) {
    w.args.emplace_back();
    w.args.emplace_back();
  } else if (!if_unchanged->was) {
    w.args.emplace_back("-");
    w.args.emplace_back();
  } else {
    w.args.emplace_back("=");
    w.args.push_back(std::move(*if_unchanged->was));
  }
  for (auto& p : visible_to) {
    w.args.push_back(std::move(p));
  }
  return w;
}

Result<int> ObjectStore::put_result(const Result<store::Reply>& reply) {
  if (!reply) {
    return reply.error();
  }
  if (reply->is_error()) {
    return make_error_code(Errc::unavailable);
  }
  if (reply->integer == bus::kWriteRefused) {
    return kRefused;
  }
  return reply->integer == 1 ? 1 : 0;
}

asio::awaitable<Result<int>> ObjectStore::remove(std::string module, model::PartyRef owner, std::string id) {
  auto m = member(owner, id);
  std::vector<std::string> cmd{"EVAL",
                               kRemove,
                               "3",
                               object_prefix(module) + m,
                               broadcast_index(module),
                               owner_index(module, id),
                               m,
                               directed_prefix(module)};
  auto r = co_await run(std::move(cmd));
  if (!r) {
    co_return r.error();
  }
  co_return r->integer == 1 ? 1 : 0;
}

asio::awaitable<Result<StoredPage>> ObjectStore::list(std::string module, std::string reader, wire::Page page,
                                                      bool directed_only) {
  auto min = page.date_from_ms ? std::to_string(*page.date_from_ms) : std::string("-inf");
  auto max = page.date_to_ms ? "(" + std::to_string(*page.date_to_ms) : std::string("+inf");
  std::vector<std::string> cmd{"EVAL",
                               kList,
                               "3",
                               broadcast_index(module),
                               directed_prefix(module) + reader,
                               "ocpi:tmp:" + reader + ":" + std::to_string(++g_tmp_counter),
                               min,
                               max,
                               std::to_string(page.offset),
                               std::to_string(page.limit),
                               object_prefix(module),
                               directed_only ? "1" : "0"};
  auto r = co_await run(std::move(cmd));
  if (!r) {
    co_return r.error();
  }
  StoredPage out;
  if (r->elements.empty()) {
    co_return out;
  }
  out.total = static_cast<std::size_t>(r->elements[0].integer);
  for (std::size_t i = 1; i < r->elements.size(); ++i) {
    out.objects.push_back(std::move(r->elements[i].str));
  }
  co_return out;
}

asio::awaitable<Result<std::vector<std::string>>> ObjectStore::owners(std::string module, std::string id) {
  std::vector<std::string> cmd{"SMEMBERS", owner_index(module, id)};
  auto r = co_await run(std::move(cmd));
  if (!r) {
    co_return r.error();
  }
  std::vector<std::string> out;
  for (auto& e : r->elements) {
    out.push_back(std::move(e.str));
  }
  co_return out;
}

asio::awaitable<Result<void>> ObjectStore::put_callback(std::string handle, std::map<std::string, std::string> fields,
                                                        std::chrono::seconds ttl) {
  auto key = "ocpi:cb:" + handle;
  std::vector<std::string> cmd{"HSET", key};
  for (auto& [k, v] : fields) {
    cmd.push_back(k);
    cmd.push_back(v);
  }
  auto r = co_await run(std::move(cmd));
  if (!r) {
    co_return r.error();
  }
  std::vector<std::string> expire{"EXPIRE", key, std::to_string(ttl.count())};
  auto e = co_await run(std::move(expire));
  if (!e) {
    co_return e.error();
  }
  co_return Result<void>{};
}

asio::awaitable<Result<std::map<std::string, std::string>>> ObjectStore::get_callback(std::string handle) {
  std::vector<std::string> cmd{"HGETALL", "ocpi:cb:" + handle};
  auto r = co_await run(std::move(cmd));
  if (!r) {
    co_return r.error();
  }
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    out[r->elements[i].str] = r->elements[i + 1].str;
  }
  co_return out;
}

}  // namespace hub::ocpi
