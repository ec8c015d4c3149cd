// SPDX-License-Identifier: GPL-2.0-or-later
// The OCHP 1.4 clearing house: authentication, ownership checks, the operations' semantics and
// the Redis layout of docs/ochp.md.
#include <ochp/clearing_house.hpp>

#include "validate.hpp"

#include <adapters/crypto.hpp>
#include <hub/bus/bus.hpp>
#include <hub/bus/translation_log.hpp>
#include <hub/metrics/metrics.hpp>
#include <hub/model/ids.hpp>
#include <hub/store/redis.hpp>
#include <ocpi/codec.hpp>
#include <ochp/mapping.hpp>
#include <routing/registry.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace hub::ochp {

namespace asio = boost::asio;
using store::Reply;

namespace {

constexpr std::size_t kBatch = 1000;          ///< records per Redis pipeline / bus publish
constexpr std::size_t kMaxDescription = 1000;  ///< resultDescription maxLength

/// HDEL KEYS[1] ARGV[1] only while it still names ARGV[2] (an index shared by several owners).
constexpr const char* kHdelIfOwner =
    "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end "
    "return 0";

using Cmd = std::vector<std::string>;
using Cmds = std::vector<Cmd>;

/// A condition of a read-modify-write: hash field `field` of `hash` still holds what was read
/// (`was`; nullopt: it was absent).
struct Guard {
  std::string hash;
  std::string field;
  std::optional<std::string> was;
};
using Guards = std::vector<Guard>;

/// Runs commands only while every guard holds, atomically. ARGV: guard count, then per guard
/// hash, field, '-' (absent) or '=' and the expected value; then per command its argument
/// count and arguments. Returns 1 when the commands ran, -1 (nothing written) when a guard
/// failed.
constexpr const char* kGuardedWrite = R"lua(
local i = 2
for _ = 1, tonumber(ARGV[1]) do
  local cur = redis.call('HGET', ARGV[i], ARGV[i + 1])
  if ARGV[i + 2] == '-' then
    if cur then return -1 end
  elseif cur ~= ARGV[i + 3] then
    return -1
  end
  i = i + 4
end
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  redis.call(unpack(ARGV, i + 1, i + n))
  i = i + n + 1
end
return 1
)lua";

/// How many times a delivery reads, merges and writes again when a concurrent delivery of the
/// same object (another destination's lane) changed it in between.
constexpr int kMergeAttempts = 16;

// ------------------------------------------------------------------ Redis keys (docs/ochp.md)

namespace key {
std::string cp(std::string_view party) { return "ochp:cp:" + std::string(party); }
std::string cp_gone(std::string_view party) { return "ochp:cp:gone:" + std::string(party); }
std::string cp_digest(std::string_view party) { return "ochp:cp:d:" + std::string(party); }
std::string cp_time(std::string_view party) { return "ochp:cp:t:" + std::string(party); }
std::string cp_site(std::string_view party) { return "ochp:cp:site:" + std::string(party); }
std::string cp_uid(std::string_view party) { return "ochp:cp:uid:" + std::string(party); }
std::string cp_loc(std::string_view party, std::string_view loc) {
  return "ochp:cp:loc:" + std::string(party) + ":" + std::string(loc);
}
constexpr const char* kCpParties = "ochp:cp:parties";
std::string tok(std::string_view party) { return "ochp:tok:" + std::string(party); }
std::string tok_gone(std::string_view party) { return "ochp:tok:gone:" + std::string(party); }
std::string tok_digest(std::string_view party) { return "ochp:tok:d:" + std::string(party); }
std::string tok_time(std::string_view party) { return "ochp:tok:t:" + std::string(party); }
constexpr const char* kTokIndex = "ochp:tok:idx";
constexpr const char* kTokParties = "ochp:tok:parties";
std::string cdr(std::string_view id) { return "ochp:cdr:" + std::string(id); }
std::string cdr_emp(std::string_view party, std::string_view status) {
  return "ochp:cdr:emp:" + std::string(party) + ":" + std::string(status);
}
/// Every CDR in one status, scored by its last change (ms): the operators' view, read in pages.
std::string cdr_by_status(std::string_view status) { return "ochp:cdr:st:" + std::string(status); }
std::string cdr_cpo(std::string_view party, std::string_view status) {
  return "ochp:cdr:cpo:" + std::string(party) + ":" + std::string(status);
}
std::string tar(std::string_view party) { return "ochp:tar:" + std::string(party); }
std::string tar_time(std::string_view party) { return "ochp:tar:t:" + std::string(party); }
std::string tar_recipients(std::string_view party) { return "ochp:tar:r:" + std::string(party); }
std::string tar_digest(std::string_view party) { return "ochp:tar:d:" + std::string(party); }
constexpr const char* kTarParties = "ochp:tar:parties";
std::string st(std::string_view party) { return "ochp:st:" + std::string(party); }
std::string st_time(std::string_view party) { return "ochp:st:t:" + std::string(party); }
constexpr const char* kStParties = "ochp:st:parties";
std::string pk(std::string_view party) { return "ochp:pk:" + std::string(party); }
constexpr const char* kPkParties = "ochp:pk:parties";
std::string ep(std::string_view party) { return "ochp:ep:" + std::string(party); }
constexpr const char* kEpParties = "ochp:ep:parties";
constexpr const char* kEpTokens = "ochp:ep:tokens";
}  // namespace key

// ------------------------------------------------------------------ small helpers

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

/// FNV-1a 64, hex: a stable digest of a canonical serialisation (change detection).
std::string digest(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kHex[h & 0xF];
    h >>= 4;
  }
  return out;
}

/// The receive time OCHP records without a time of their own carry as last_updated (whole
/// seconds: OCHP DateTimeType has no fraction), and its text in the canonical JSON.
struct Received {
  model::Timestamp at;
  std::string text;
  static Received now() {
    Received r;
    r.at = model::Timestamp::from_unix_ms(now_ms() / 1000 * 1000);
    r.text = "\"" + model::format_timestamp(r.at) + "\"";
    return r;
  }
  /// Digest for change detection: the receive time left out, so an unchanged record uploaded
  /// again is recognised as unchanged.
  std::string digest_of(std::string_view json) const {
    std::string s(json);
    for (auto at = s.find(text); at != std::string::npos; at = s.find(text, at)) {
      s.erase(at, text.size());
    }
    return digest(s);
  }
};

std::string key_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '/': out += "%2F"; break;
      case '|': out += "%7C"; break;
      case '?': out += "%3F"; break;
      case '%': out += "%25"; break;
      case '#': out += "%23"; break;
      case ' ': out += "%20"; break;
      default: out += c;
    }
  }
  return out;
}

std::string object_key(const model::PartyRef& owner, std::string_view id) {
  return key_escape(owner.country_code) + "/" + key_escape(owner.party_id) + "/" + key_escape(id);
}

/// "2024-05-01T10:00:00Z" -> unix ms; nullopt when malformed.
std::optional<std::int64_t> parse_ms(std::string_view s) {
  auto t = model::parse_timestamp(s);
  if (!t) {
    return std::nullopt;
  }
  return t->unix_ms();
}

/// A DateTimeType (no fraction, Z).
std::string date_time(std::int64_t ms) {
  auto s = model::format_timestamp(model::Timestamp::from_unix_ms(ms - ms % 1000));
  return s;
}

/// One record refused from a list, with its reason and the result code it calls for.
struct Refused {
  std::string id;
  std::string reason;
  std::string_view code;  ///< format | invalid-id | server
};

/// ok when nothing was refused; partly when some were accepted; when all were refused the
/// common code of the refusals (invalid-id or format), else partly.
ResultInfo list_result(std::size_t accepted, const std::vector<Refused>& refused) {
  ResultInfo r;
  if (refused.empty()) {
    r.code = "ok";
    return r;
  }
  r.code = "partly";
  if (accepted == 0) {
    const auto code = refused.front().code;
    bool same = std::all_of(refused.begin(), refused.end(), [&](const Refused& x) { return x.code == code; });
    if (same) {
      r.code = std::string(code);
    }
  }
  std::string d = std::to_string(refused.size()) + " refused";
  for (const auto& x : refused) {
    std::string item = "; " + x.id + ": " + x.reason;
    if (d.size() + item.size() > kMaxDescription - 5) {
      d += "; ...";
      break;
    }
    d += item;
  }
  r.description = std::move(d);
  return r;
}

ResultInfo result_of(std::string code, std::string description = {}) {
  ResultInfo r;
  r.code = std::move(code);
  if (!description.empty()) {
    r.description = description.substr(0, kMaxDescription);
  }
  return r;
}

/// A response of operation `op` carrying only `result` (not-authorized, server, format ...).
/// GetStatus has no result element: nullopt.
std::optional<Response> result_only(Operation op, const ResultInfo& r) {
  switch (op) {
    case Operation::set_charge_point_list: return Response{SetChargePointListResponse{r, {}}};
    case Operation::update_charge_point_list: return Response{UpdateChargePointListResponse{r, {}}};
    case Operation::get_charge_point_list: return Response{GetChargePointListResponse{r, {}}};
    case Operation::get_charge_point_list_updates: return Response{GetChargePointListUpdatesResponse{r, {}}};
    case Operation::set_roaming_authorisation_list: return Response{SetRoamingAuthorisationListResponse{r, {}}};
    case Operation::update_roaming_authorisation_list:
      return Response{UpdateRoamingAuthorisationListResponse{r, {}}};
    case Operation::get_roaming_authorisation_list: return Response{GetRoamingAuthorisationListResponse{r, {}}};
    case Operation::get_roaming_authorisation_list_updates:
      return Response{GetRoamingAuthorisationListUpdatesResponse{r, {}}};
    case Operation::get_single_roaming_authorisation: return Response{GetSingleRoamingAuthorisationResponse{r, {}}};
    case Operation::add_cdrs: return Response{AddCdrsResponse{r, {}}};
    case Operation::check_cdrs: return Response{CheckCdrsResponse{r, {}}};
    case Operation::get_cdrs: return Response{GetCdrsResponse{r, {}}};
    case Operation::confirm_cdrs: return Response{ConfirmCdrsResponse{r}};
    case Operation::update_tariffs: return Response{UpdateTariffsResponse{r, {}}};
    case Operation::get_tariff_updates: return Response{GetTariffUpdatesResponse{r, {}}};
    case Operation::update_status: return Response{UpdateStatusResponse{r}};
    case Operation::get_status: return std::nullopt;
    case Operation::add_service_endpoints: return Response{AddServiceEndpointsResponse{r}};
    case Operation::get_service_endpoints: return Response{GetServiceEndpointsResponse{r, {}, {}}};
  }
  return std::nullopt;
}

http::Response xml_response(int status, std::string body) {
  http::Response res;
  res.status = status;
  res.content_type = "text/xml; charset=utf-8";
  res.body = std::move(body);
  return res;
}

http::Response fault(FaultCode code, std::string_view message) {
  return xml_response(500, serialize_fault(code, message));
}

http::Response respond(const Response& r) { return xml_response(200, serialize_response(r)); }

/// Streams a large list response: the envelope is written once, the items chunk by chunk, so
/// only one chunk of decoded items is held at a time besides the growing body.
template <class Resp>
class ListWriter {
 public:
  ListWriter() {
    Resp empty;
    std::string env = serialize_response(Response{empty});
    const std::string name(response_element(operation_of(Response{empty})));
    const auto close = env.rfind(name + ">");
    const auto lt = env.rfind("</", close);
    prefix_ = env.substr(lt + 2, close - lt - 2);  // e.g. "ochp:"
    head_ = env.substr(0, lt);
    tail_ = env.substr(lt);
  }

  /// Appends the items of `chunk` (the vector is cleared).
  template <class Item>
  void add(std::vector<Item>& chunk, std::vector<Item> Resp::*member, std::string_view element) {
    if (chunk.empty()) {
      return;
    }
    Resp r;
    r.*member = std::move(chunk);
    std::string env = serialize_response(Response{std::move(r)});
    const std::string open = "<" + prefix_ + std::string(element);
    const auto begin = env.find(open);
    const auto end = env.rfind("</" + prefix_);
    if (begin != std::string::npos && end != std::string::npos && end > begin) {
      if (items_.empty()) {
        items_.reserve(env.size() * 4);
      }
      items_.append(env, begin, end - begin);
    }
    chunk.clear();
  }

  /// The whole envelope with `result` (written after the items are known).
  std::string finish(const ResultInfo& result) {
    Resp r;
    r.result = result;
    std::string env = serialize_response(Response{r});
    const std::string name(response_element(operation_of(Response{r})));
    const auto close = env.rfind("</" + prefix_ + name + ">");
    std::string out;
    out.reserve(env.size() + items_.size());
    out.append(env, 0, close);
    out += items_;
    std::string().swap(items_);
    out.append(env, close, std::string::npos);
    return out;
  }

 private:
  std::string prefix_;
  std::string head_;
  std::string tail_;
  std::string items_;
};

/// Splits "a\x1fb\x1fc" into its fields.
std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto pos = s.find(sep, start);
    out.emplace_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) {
      break;
    }
    start = pos + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& v, char sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i != 0) {
      out += sep;
    }
    out += v[i];
  }
  return out;
}

std::string encode_endpoint(const DirectEndpoint& e) {
  std::vector<std::string> f{e.url, e.namespace_url, e.access_token, e.valid_date, join(e.whitelist, '\x1e'),
                             join(e.blacklist, '\x1e')};
  return join(f, '\x1f');
}

std::optional<DirectEndpoint> decode_endpoint(std::string_view s) {
  auto f = split(s, '\x1f');
  if (f.size() != 6) {
    return std::nullopt;
  }
  DirectEndpoint e;
  e.url = f[0];
  e.namespace_url = f[1];
  e.access_token = f[2];
  e.valid_date = f[3];
  if (!f[4].empty()) {
    e.whitelist = split(f[4], '\x1e');
  }
  if (!f[5].empty()) {
    e.blacklist = split(f[5], '\x1e');
  }
  return e;
}

/// The OCHP status of a CDR as stored (OCHP vocabulary, includes "revised").
std::optional<model::CdrStatus> model_cdr_status(std::string_view s) {
  if (s == "new") {
    return model::CdrStatus::new_;
  }
  if (s == "accepted" || s == "revised") {
    return model::CdrStatus::accepted;
  }
  if (s == "declined") {
    return model::CdrStatus::declined;
  }
  if (s == "approved") {
    return model::CdrStatus::approved;
  }
  if (s == "rejected") {
    return model::CdrStatus::rejected;
  }
  return std::nullopt;
}

/// The authenticated caller.
struct Caller {
  const model::Party* party = nullptr;
  routing::RoutingTablePtr table;
  std::vector<model::PartyRef> operators;  ///< CPO roles
  std::vector<model::PartyRef> providers;  ///< EMSP roles

  const std::string& id() const { return party->id; }
  bool operates(const model::PartyRef& r) const {
    return std::find(operators.begin(), operators.end(), r) != operators.end();
  }
  bool provides(const model::PartyRef& r) const {
    return std::find(providers.begin(), providers.end(), r) != providers.end();
  }
  /// Whitelist / CdrId prefixes without separator: "DEABC".
  bool owns_compact_prefix(std::string_view s, bool provider) const {
    for (const auto& r : provider ? providers : operators) {
      const std::string p = r.country_code + r.party_id;
      if (s.size() >= 5 && upper(s.substr(0, 5)) == p) {
        return true;
      }
    }
    return false;
  }
};

/// A record accepted for storage.
struct Stored {
  std::string field;    ///< hash field (identity)
  std::string json;     ///< canonical serialisation
  std::string digest;   ///< of the mapped object before time stamping
  std::string bus_key;  ///< bus key
  std::optional<bus::TranslationNote> note;  ///< what its translation lost (OCPI receivers only)
};

}  // namespace

// ------------------------------------------------------------------ Impl

struct ClearingHouse::Impl {
  asio::any_io_executor redis_ex;
  store::RedisClient& redis;
  routing::Registry& registry;
  bus::Bus& bus;
  ServiceOptions options;
  metrics::Metrics* metrics;

  Impl(asio::any_io_executor ex, store::RedisClient& r, routing::Registry& reg, bus::Bus& b, ServiceOptions o,
       metrics::Metrics* m)
      : redis_ex(std::move(ex)), redis(r), registry(reg), bus(b), options(std::move(o)), metrics(m) {}

  // ---------------------------------------------------------------- Redis

  asio::awaitable<Result<Reply>> cmd(Cmd args) {
    auto r = co_await asio::co_spawn(redis_ex, redis.command(std::move(args)), asio::use_awaitable);
    co_return r;
  }

  /// Runs `cmds` as one pipeline; fails when Redis fails or any reply is an error.
  asio::awaitable<Result<std::vector<Reply>>> pipe(Cmds cmds) {
    if (cmds.empty()) {
      co_return std::vector<Reply>{};
    }
    auto r = co_await asio::co_spawn(redis_ex, redis.pipeline(std::move(cmds)), asio::use_awaitable);
    if (!r) {
      co_return r;
    }
    for (const auto& rep : *r) {
      if (rep.is_error()) {
        co_return make_error_code(Errc::internal);
      }
    }
    co_return r;
  }

  /// Runs `cmds` atomically while every guard holds: 1 when they ran, 0 when a guard failed
  /// (nothing written); an error when Redis failed.
  asio::awaitable<Result<int>> pipe_if(Guards guards, Cmds cmds) {
    Cmd c{"EVAL", kGuardedWrite, "0", std::to_string(guards.size())};
    for (auto& g : guards) {
      c.push_back(std::move(g.hash));
      c.push_back(std::move(g.field));
      c.emplace_back(g.was ? "=" : "-");
      c.push_back(g.was ? std::move(*g.was) : std::string());
    }
    for (auto& w : cmds) {
      c.push_back(std::to_string(w.size()));
      for (auto& a : w) {
        c.push_back(std::move(a));
      }
    }
    auto r = co_await cmd(std::move(c));
    if (!r) {
      co_return r.error();
    }
    if (r->is_error()) {
      co_return make_error_code(Errc::internal);
    }
    co_return r->integer == 1 ? 1 : 0;
  }

  asio::awaitable<Result<std::vector<std::string>>> members(std::string set) {
    Cmd c{"SMEMBERS", std::move(set)};
    auto r = co_await cmd(std::move(c));
    if (!r) {
      co_return r.error();
    }
    std::vector<std::string> out;
    for (auto& e : r->elements) {
      out.push_back(std::move(e.str));
    }
    std::sort(out.begin(), out.end());
    co_return out;
  }

  /// HMGET in one round trip; missing fields are nullopt.
  asio::awaitable<Result<std::vector<std::optional<std::string>>>> hmget(std::string hash,
                                                                         std::vector<std::string> fields) {
    std::vector<std::optional<std::string>> out;
    if (fields.empty()) {
      co_return out;
    }
    Cmd c{"HMGET", std::move(hash)};
    for (auto& f : fields) {
      c.push_back(std::move(f));
    }
    auto r = co_await cmd(std::move(c));
    if (!r || r->is_error()) {
      co_return make_error_code(Errc::unavailable);
    }
    for (auto& e : r->elements) {
      if (e.is_nil()) {
        out.emplace_back(std::nullopt);
      } else {
        out.emplace_back(std::move(e.str));
      }
    }
    co_return out;
  }

  /// One HSCAN step: next cursor ("0" at the end) and field/value pairs.
  asio::awaitable<Result<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>> hscan(
      std::string hash, std::string cursor) {
    Cmd c{"HSCAN", std::move(hash), std::move(cursor), "COUNT", std::to_string(kBatch)};
    auto r = co_await cmd(std::move(c));
    if (!r || r->is_error() || r->elements.size() != 2) {
      co_return make_error_code(Errc::unavailable);
    }
    std::pair<std::string, std::vector<std::pair<std::string, std::string>>> out;
    out.first = r->elements[0].str;
    auto& items = r->elements[1].elements;
    for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
      out.second.emplace_back(std::move(items[i].str), std::move(items[i + 1].str));
    }
    co_return out;
  }

  /// Fields of a sorted set scored after `since_ms` (exclusive).
  asio::awaitable<Result<std::vector<std::string>>> changed_since(std::string zset, std::int64_t since_ms) {
    Cmd c{"ZRANGEBYSCORE", std::move(zset), "(" + std::to_string(since_ms), "+inf"};
    auto r = co_await cmd(std::move(c));
    if (!r || r->is_error()) {
      co_return make_error_code(Errc::unavailable);
    }
    std::vector<std::string> out;
    for (auto& e : r->elements) {
      out.push_back(std::move(e.str));
    }
    co_return out;
  }

  // ---------------------------------------------------------------- bus

  /// Non-OCHP parties holding `role` (OCHP partners pull from the store instead).
  static std::vector<std::string> audience(const routing::RoutingTable& t, model::Role role,
                                           const std::string& except) {
    std::vector<std::string> out;
    for (const auto& p : t.parties()) {
      if (p.id == except || p.protocol == model::Protocol::ochp) {
        continue;
      }
      for (const auto& r : p.roles) {
        if (r.role == role) {
          out.push_back(p.id);
          break;
        }
      }
    }
    return out;
  }

  /// Publishes one event per (record, destination); true when every event was written.
  asio::awaitable<bool> publish(const std::string& source, const std::vector<std::string>& destinations,
                                bus::Kind kind, const std::vector<std::pair<std::string, std::string>>& records) {
    if (destinations.empty() || records.empty()) {
      co_return true;
    }
    std::vector<bus::Event> events;
    for (const auto& [k, payload] : records) {
      for (const auto& d : destinations) {
        events.push_back(bus::Event{source, d, kind, k, payload});
      }
    }
    auto results = co_await bus.publish_many(std::move(events));
    bool ok = true;
    for (const auto& r : results) {
      if (!r) {
        ok = false;
      }
      if (metrics != nullptr) {
        metrics->published(!r ? "failed" : (r->duplicate ? "duplicate" : "queued"));
      }
    }
    co_return ok;
  }

  // ---------------------------------------------------------------- authentication

  std::optional<Caller> authenticate(const Envelope& env) const {
    static const std::string kDummySalt = "0000000000000000";
    static const std::string kDummyHash = crypto::password_hash(kDummySalt, "not a password");
    Caller c;
    c.table = registry.snapshot();
    if (!env.security || !env.security->is_password_text()) {
      return std::nullopt;
    }
    const model::Party* p = c.table->find_ochp_user(env.security->username);
    if (p == nullptr) {
      // Same work as for a known user, so timing does not reveal which usernames exist.
      (void)crypto::password_matches(kDummySalt, kDummyHash, env.security->password);
      return std::nullopt;
    }
    bool ok = crypto::password_matches(p->ochp.password_salt, p->ochp.password_hash, env.security->password);
    if (!ok || p->protocol != model::Protocol::ochp || p->status == model::PartyStatus::suspended) {
      return std::nullopt;
    }
    c.party = p;
    for (const auto& r : p->roles) {
      if (r.role == model::Role::cpo) {
        c.operators.push_back(r.ref);
      } else if (r.role == model::Role::emsp) {
        c.providers.push_back(r.ref);
      }
    }
    return c;
  }

  // ---------------------------------------------------------------- charge points

  /// Set (replace = true) or Update a CPO's charge points.
  asio::awaitable<std::pair<ResultInfo, std::vector<ChargePointInfo>>> put_charge_points(
      const Caller& c, std::vector<ChargePointInfo>& items, bool replace) {
    std::vector<Refused> refused;
    std::vector<ChargePointInfo> refused_items;
    auto refuse = [&](std::size_t i, std::string reason, std::string_view code) {
      refused.push_back({items[i].evse_id, std::move(reason), code});
      refused_items.push_back(std::move(items[i]));
      items[i] = ChargePointInfo{};
    };
    // 1. Check every record; group the good ones by (owner, locationId).
    std::map<std::pair<model::PartyRef, std::string>, std::vector<std::size_t>> groups;
    std::unordered_set<std::string> seen;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (auto why = check::charge_point(items[i])) {
        refuse(i, *why, "format");
        continue;
      }
      auto op = model::evse_id_operator(items[i].evse_id);
      if (!op || !c.operates(*op)) {
        refuse(i, "evseId is not under an operator id of this account", "invalid-id");
        continue;
      }
      std::string k = check::evse_key(items[i].evse_id);
      if (!seen.insert(k).second) {
        refuse(i, "evseId given twice in one message", "format");
        continue;
      }
      groups[{*op, items[i].location_id}].push_back(i);
    }
    const auto emps = audience(*c.table, model::Role::emsp, c.id());
    const std::int64_t now = now_ms();
    const Received received = Received::now();
    std::size_t accepted = 0;
    bool failed = false;

    // 2. Map, store and publish in batches of whole locations.
    std::vector<std::pair<model::Location, std::vector<std::string>>> batch;  // location + its record keys
    std::size_t batch_evses = 0;
    std::set<std::string> touched_locations;  // "CC*PID*locationId" for Update rebuilds
    std::vector<std::optional<bus::TranslationNote>> batch_notes;  // per batch location (OCPI receivers only)
    auto flush = [&]() -> asio::awaitable<bool> {
      // Records of this batch: one single-EVSE Location per EVSE.
      std::vector<Stored> recs;
      std::vector<std::string> loc_keys;
      std::vector<std::size_t> rec_batch;  // batch index of each record
      std::vector<bool> batch_changed(batch.size(), false);
      for (std::size_t b = 0; b < batch.size(); ++b) {
        auto& [loc, keys] = batch[b];
        model::Location shell = loc;
        shell.evses.clear();
        const std::string lk = loc.country_code + "*" + loc.party_id + "*" + loc.id;
        for (std::size_t e = 0; e < loc.evses.size(); ++e) {
          model::Location one = shell;
          one.evses.push_back(loc.evses[e]);
          Stored s;
          s.field = keys[e];
          s.json = ocpi::encode(one, ocpi::Flavor::canonical);
          s.digest = received.digest_of(s.json);
          recs.push_back(std::move(s));
          loc_keys.push_back(lk);
          rec_batch.push_back(b);
        }
      }
      std::vector<std::string> fields;
      for (const auto& r : recs) {
        fields.push_back(r.field);
      }
      std::string old_key = key::cp_digest(c.id());
      auto old = co_await hmget(std::move(old_key), std::move(fields));
      if (!old) {
        co_return false;
      }
      Cmds w;
      std::vector<std::size_t> changed;
      for (std::size_t i = 0; i < recs.size(); ++i) {
        if ((*old)[i] && *(*old)[i] == recs[i].digest) {
          continue;
        }
        changed.push_back(i);
        batch_changed[rec_batch[i]] = true;
        w.push_back({"HSET", key::cp(c.id()), recs[i].field, recs[i].json});
        w.push_back({"HDEL", key::cp_gone(c.id()), recs[i].field});
        w.push_back({"ZADD", key::cp_time(c.id()), std::to_string(now), recs[i].field});
        w.push_back({"SADD", key::cp_loc(c.id(), loc_keys[i]), recs[i].field});
        touched_locations.insert(loc_keys[i]);
      }
      if (!w.empty()) {
        w.push_back({"SADD", key::kCpParties, c.id()});
      }
      for (std::size_t b = 0; b < batch.size(); ++b) {
        if (batch_changed[b] && batch_notes[b]) {
          put_note(w, *batch_notes[b]);  // only what is translated anew is noted and counted
        }
      }
      batch_notes.clear();
      auto wr = co_await pipe(std::move(w));
      if (!wr) {
        co_return false;
      }
      // Publish whole locations (Set: the message holds each location completely).
      if (replace && !emps.empty()) {
        // Only locations with a changed EVSE: an unchanged list uploaded again carries a new
        // receive time, which must not fan out to every OCPI receiver.
        std::vector<std::pair<std::string, std::string>> events;
        for (std::size_t b = 0; b < batch.size(); ++b) {
          if (!batch_changed[b]) {
            continue;
          }
          auto& loc = batch[b].first;
          model::PartyRef owner{loc.country_code, loc.party_id};
          events.emplace_back(object_key(owner, loc.id), ocpi::encode(loc, ocpi::Flavor::canonical));
        }
        bool ok = co_await publish(c.id(), emps, bus::Kind::location, events);
        if (!ok) {
          co_return false;
        }
      }
      // Digests last: a failed publish leaves them old, so a retried upload publishes again.
      Cmds d;
      for (auto i : changed) {
        d.push_back({"HSET", key::cp_digest(c.id()), recs[i].field, recs[i].digest});
      }
      auto dr = co_await pipe(std::move(d));
      if (!dr) {
        co_return false;
      }
      batch.clear();
      batch_evses = 0;
      co_return true;
    };

    for (auto& [gk, idx] : groups) {
      if (failed) {
        break;
      }
      const model::PartyRef& owner = gk.first;
      std::vector<ChargePointInfo> points;
      for (auto i : idx) {
        points.push_back(std::move(items[i]));
        items[i] = ChargePointInfo{};
      }
      Owner o{owner.country_code, owner.party_id};
      auto mapped = to_model(points, o, received.at);
      std::vector<model::Location> locations;
      std::vector<Loss> group_losses;
      if (mapped) {
        locations = std::move(*mapped.value);
        group_losses = std::move(mapped.losses);
      } else {
        // Find the culprits one by one; map the rest together.
        std::vector<ChargePointInfo> good;
        for (auto& p : points) {
          std::vector<ChargePointInfo> one{p};
          auto m1 = to_model(one, o, received.at);
          if (!m1) {
            Refused r{p.evse_id, m1.refusal ? m1.refusal->field + ": " + m1.refusal->reason : "cannot be mapped",
                      "format"};
            refused.push_back(std::move(r));
            refused_items.push_back(std::move(p));
          } else {
            good.push_back(std::move(p));
          }
        }
        if (!good.empty()) {
          auto m2 = to_model(good, o, received.at);
          if (m2) {
            locations = std::move(*m2.value);
            group_losses = std::move(m2.losses);
          } else {
            for (auto& p : good) {
              refused.push_back({p.evse_id, "cannot be mapped with the other EVSEs of its location", "format"});
              refused_items.push_back(std::move(p));
            }
          }
        }
      }
      for (auto& loc : locations) {
        batch_notes.push_back(emps.empty() ? std::nullopt
                                           : make_note("ochp_to_ocpi", c.id(), "*", bus::Kind::location,
                                                       object_key(model::PartyRef{loc.country_code, loc.party_id}, loc.id),
                                                       group_losses));
        std::vector<std::string> keys;
        for (auto& e : loc.evses) {
          keys.push_back(check::evse_key(e.evse_id.value_or(e.uid)));
        }
        accepted += loc.evses.size();
        batch_evses += loc.evses.size();
        batch.emplace_back(std::move(loc), std::move(keys));
      }
      if (batch_evses >= kBatch) {
        bool ok = co_await flush();
        if (!ok) {
          failed = true;
        }
      }
    }
    if (!failed && !batch.empty()) {
      bool ok = co_await flush();
      if (!ok) {
        failed = true;
      }
    }

    // 3. Set: what vanished becomes a removal.
    if (!failed && replace) {
      bool ok = co_await remove_vanished(c, seen, emps, now);
      if (!ok) {
        failed = true;
      }
    }
    // 4. Update: publish the affected locations as now stored.
    if (!failed && !replace && !emps.empty()) {
      for (const auto& lk : touched_locations) {
        bool ok = co_await publish_location(c, lk, emps);
        if (!ok) {
          failed = true;
          break;
        }
      }
    }
    if (failed) {
      co_return std::pair{result_of("server", "storage unavailable; nothing or part was stored, retry the upload"),
                          std::vector<ChargePointInfo>{}};
    }
    co_return std::pair{list_result(accepted, refused), std::move(refused_items)};
  }

  /// Moves the caller's charge points not in `keep` to the removed hash (status REMOVED) and
  /// publishes each removal.
  asio::awaitable<bool> remove_vanished(const Caller& c, const std::unordered_set<std::string>& keep,
                                        const std::vector<std::string>& emps, std::int64_t now) {
    std::string cursor = "0";
    do {
      std::string page_key = key::cp(c.id());
      auto page = co_await hscan(std::move(page_key), cursor);
      if (!page) {
        co_return false;
      }
      cursor = page->first;
      Cmds w;
      std::vector<std::pair<std::string, std::string>> events;
      for (auto& [field, json] : page->second) {
        if (keep.count(field) != 0) {
          continue;
        }
        auto d = ocpi::decode<model::Location>(json, ocpi::DecodeOptions{false});
        std::string gone = json;
        std::string loc_key;
        if (d && !d.value->evses.empty()) {
          auto& loc = *d.value;
          loc_key = loc.country_code + "*" + loc.party_id + "*" + loc.id;
          auto& evse = loc.evses.front();
          evse.status = model::EvseStatus::removed;
          evse.last_updated = model::Timestamp::from_unix_ms(now);
          gone = ocpi::encode(loc, ocpi::Flavor::canonical);
          model::PartyRef owner{loc.country_code, loc.party_id};
          events.emplace_back(object_key(owner, loc.id) + "|" + key_escape(evse.uid),
                              ocpi::encode(evse, ocpi::Flavor::canonical));
        }
        w.push_back({"HSET", key::cp_gone(c.id()), field, gone});
        w.push_back({"HDEL", key::cp(c.id()), field});
        w.push_back({"HDEL", key::cp_digest(c.id()), field});
        w.push_back({"ZADD", key::cp_time(c.id()), std::to_string(now), field});
        if (!loc_key.empty()) {
          w.push_back({"SREM", key::cp_loc(c.id(), loc_key), field});
        }
      }
      auto wr = co_await pipe(std::move(w));
      if (!wr) {
        co_return false;
      }
      bool ok = co_await publish(c.id(), emps, bus::Kind::evse, events);
      if (!ok) {
        co_return false;
      }
    } while (cursor != "0");
    co_return true;
  }

  /// Publishes one location of the caller as stored (all its EVSEs).
  asio::awaitable<bool> publish_location(const Caller& c, const std::string& loc_key,
                                         const std::vector<std::string>& emps) {
    std::string fields_key = key::cp_loc(c.id(), loc_key);
    auto fields = co_await members(std::move(fields_key));
    if (!fields) {
      co_return false;
    }
    std::string values_key = key::cp(c.id());
    auto values = co_await hmget(std::move(values_key), std::move(*fields));
    if (!values) {
      co_return false;
    }
    std::optional<model::Location> whole;
    for (auto& v : *values) {
      if (!v) {
        continue;
      }
      auto d = ocpi::decode<model::Location>(*v, ocpi::DecodeOptions{false});
      if (!d) {
        continue;
      }
      if (!whole) {
        whole = std::move(*d.value);
      } else {
        for (auto& e : d.value->evses) {
          whole->evses.push_back(std::move(e));
        }
        whole->last_updated = std::max(whole->last_updated, d.value->last_updated);
      }
    }
    if (!whole) {
      co_return true;
    }
    model::PartyRef owner{whole->country_code, whole->party_id};
    std::vector<std::pair<std::string, std::string>> events{
        {object_key(owner, whole->id), ocpi::encode(*whole, ocpi::Flavor::canonical)}};
    bool ok = co_await publish(c.id(), emps, bus::Kind::location, events);
    co_return ok;
  }

  /// Appends the ChargePointInfos of stored records to `out`.
  static void charge_points_of(const std::string& json, std::vector<ChargePointInfo>& out) {
    auto d = ocpi::decode<model::Location>(json, ocpi::DecodeOptions{false});
    if (!d) {
      return;
    }
    auto m = to_ochp(*d.value);
    if (m) {
      for (auto& cp : *m.value) {
        out.push_back(std::move(cp));
      }
    }
  }

  /// GetChargePointList: every stored charge point (streamed, chunk by chunk).
  asio::awaitable<http::Response> get_charge_points() {
    ListWriter<GetChargePointListResponse> writer;
    std::string parties_key = key::kCpParties;
    auto parties = co_await members(std::move(parties_key));
    if (!parties) {
      co_return respond(*result_only(Operation::get_charge_point_list, result_of("server", "storage unavailable")));
    }
    std::vector<ChargePointInfo> chunk;
    for (const auto& p : *parties) {
      std::string cursor = "0";
      do {
        std::string page_key = key::cp(p);
        auto page = co_await hscan(std::move(page_key), cursor);
        if (!page) {
          co_return respond(
              *result_only(Operation::get_charge_point_list, result_of("server", "storage unavailable")));
        }
        cursor = page->first;
        for (auto& [field, json] : page->second) {
          charge_points_of(json, chunk);
        }
        page->second.clear();
        writer.add(chunk, &GetChargePointListResponse::charge_point_info_array, "chargePointInfoArray");
      } while (cursor != "0");
    }
    co_return xml_response(200, writer.finish(result_of("ok")));
  }

  /// GetChargePointListUpdates: records changed (or removed) after `since`.
  asio::awaitable<http::Response> get_charge_point_updates(std::int64_t since) {
    ListWriter<GetChargePointListUpdatesResponse> writer;
    auto server = [] {
      return respond(*result_only(Operation::get_charge_point_list_updates, result_of("server", "storage unavailable")));
    };
    std::string parties_key = key::kCpParties;
    auto parties = co_await members(std::move(parties_key));
    if (!parties) {
      co_return server();
    }
    std::vector<ChargePointInfo> chunk;
    for (const auto& p : *parties) {
      std::string fields_key = key::cp_time(p);
      auto fields = co_await changed_since(std::move(fields_key), since);
      if (!fields) {
        co_return server();
      }
      for (std::size_t at = 0; at < fields->size(); at += kBatch) {
        std::vector<std::string> part(fields->begin() + static_cast<std::ptrdiff_t>(at),
                                      fields->begin() + static_cast<std::ptrdiff_t>(std::min(at + kBatch, fields->size())));
        std::vector<std::string> part2 = part;
        std::string live_key = key::cp(p);
        auto live = co_await hmget(std::move(live_key), std::move(part));
        std::string gone_key = key::cp_gone(p);
        auto gone = co_await hmget(std::move(gone_key), std::move(part2));
        if (!live || !gone) {
          co_return server();
        }
        for (std::size_t i = 0; i < live->size(); ++i) {
          const auto& v = (*live)[i] ? (*live)[i] : (*gone)[i];
          if (v) {
            charge_points_of(*v, chunk);
          }
        }
        writer.add(chunk, &GetChargePointListUpdatesResponse::charge_point_info_array, "chargePointInfoArray");
      }
    }
    co_return xml_response(200, writer.finish(result_of("ok")));
  }

  // ---------------------------------------------------------------- tokens

  static std::string token_field(const EmtId& e) { return e.token_type + "|" + e.instance; }

  asio::awaitable<std::pair<ResultInfo, std::vector<RoamingAuthorisationInfo>>> put_tokens(
      const Caller& c, std::vector<RoamingAuthorisationInfo>& items, bool replace) {
    std::vector<Refused> refused;
    std::vector<RoamingAuthorisationInfo> refused_items;
    std::unordered_set<std::string> seen;
    const auto cpos = audience(*c.table, model::Role::cpo, c.id());
    const std::int64_t now = now_ms();
    const Received received = Received::now();
    std::size_t accepted = 0;
    std::vector<Stored> batch;
    auto flush = [&]() -> asio::awaitable<bool> {
      std::vector<std::string> fields;
      for (const auto& r : batch) {
        fields.push_back(r.field);
      }
      std::string old_key = key::tok_digest(c.id());
      auto old = co_await hmget(std::move(old_key), std::move(fields));
      if (!old) {
        co_return false;
      }
      Cmds w;
      Cmds d;
      std::vector<std::pair<std::string, std::string>> events;
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if ((*old)[i] && *(*old)[i] == batch[i].digest) {
          continue;
        }
        w.push_back({"HSET", key::tok(c.id()), batch[i].field, batch[i].json});
        w.push_back({"HDEL", key::tok_gone(c.id()), batch[i].field});
        w.push_back({"ZADD", key::tok_time(c.id()), std::to_string(now), batch[i].field});
        w.push_back({"HSET", key::kTokIndex, batch[i].field, c.id()});
        d.push_back({"HSET", key::tok_digest(c.id()), batch[i].field, batch[i].digest});
        if (batch[i].note) {
          put_note(w, *batch[i].note);  // changed tokens only: what is translated anew
        }
        events.emplace_back(batch[i].bus_key, batch[i].json);
      }
      if (!w.empty()) {
        w.push_back({"SADD", key::kTokParties, c.id()});
      }
      auto wr = co_await pipe(std::move(w));
      if (!wr) {
        co_return false;
      }
      bool ok = co_await publish(c.id(), cpos, bus::Kind::token, events);
      if (!ok) {
        co_return false;
      }
      auto dr = co_await pipe(std::move(d));
      batch.clear();
      co_return dr.has_value();
    };
    bool failed = false;
    for (std::size_t i = 0; i < items.size() && !failed; ++i) {
      auto& info = items[i];
      auto refuse = [&](std::string reason, std::string_view code) {
        refused.push_back({info.emt_id.instance, std::move(reason), code});
        refused_items.push_back(std::move(info));
      };
      if (auto why = check::authorisation(info)) {
        refuse(*why, "format");
        continue;
      }
      auto prov = model::contract_id_provider(info.contract_id);
      if (!prov || !c.provides(*prov)) {
        refuse("contractId is not under a provider id of this account", "invalid-id");
        continue;
      }
      std::string field = token_field(info.emt_id);
      if (!seen.insert(field).second) {
        refuse("EmtId given twice in one message", "format");
        continue;
      }
      auto m = to_model(info, Owner{prov->country_code, prov->party_id}, received.at);
      if (!m) {
        refuse(m.refusal ? m.refusal->field + ": " + m.refusal->reason : "cannot be mapped", "format");
        continue;
      }
      Stored s;
      s.field = std::move(field);
      s.json = ocpi::encode(*m.value, ocpi::Flavor::canonical);
      s.digest = received.digest_of(s.json);
      s.bus_key = object_key(*prov, m.value->uid) + "?type=" + std::string(model::to_string(m.value->type));
      if (!cpos.empty()) {
        s.note = make_note("ochp_to_ocpi", c.id(), "*", bus::Kind::token, s.bus_key, m.losses);
      }
      batch.push_back(std::move(s));
      ++accepted;
      if (batch.size() >= kBatch) {
        bool ok = co_await flush();
        failed = !ok;
      }
    }
    if (!failed && !batch.empty()) {
      bool ok = co_await flush();
      failed = !ok;
    }
    if (!failed && replace) {
      bool ok = co_await remove_vanished_tokens(c, seen, cpos, now);
      failed = !ok;
    }
    if (failed) {
      co_return std::pair{result_of("server", "storage unavailable; retry the upload"),
                          std::vector<RoamingAuthorisationInfo>{}};
    }
    co_return std::pair{list_result(accepted, refused), std::move(refused_items)};
  }

  asio::awaitable<bool> remove_vanished_tokens(const Caller& c, const std::unordered_set<std::string>& keep,
                                               const std::vector<std::string>& cpos, std::int64_t now) {
    std::string cursor = "0";
    do {
      std::string page_key = key::tok(c.id());
      auto page = co_await hscan(std::move(page_key), cursor);
      if (!page) {
        co_return false;
      }
      cursor = page->first;
      Cmds w;
      std::vector<std::pair<std::string, std::string>> events;
      for (auto& [field, json] : page->second) {
        if (keep.count(field) != 0) {
          continue;
        }
        auto d = ocpi::decode<model::Token>(json, ocpi::DecodeOptions{false});
        std::string gone = json;
        if (d) {
          auto& t = *d.value;
          t.valid = false;
          t.valid_until = model::Timestamp::from_unix_ms(now - now % 1000);
          t.last_updated = model::Timestamp::from_unix_ms(now);
          gone = ocpi::encode(t, ocpi::Flavor::canonical);
          // The same bus key as the upload's (one lane, one object state for both).
          events.emplace_back(object_key(model::PartyRef{t.country_code, t.party_id}, t.uid) + "?type=" +
                                  std::string(model::to_string(t.type)),
                              gone);
        }
        w.push_back({"HSET", key::tok_gone(c.id()), field, gone});
        w.push_back({"HDEL", key::tok(c.id()), field});
        w.push_back({"HDEL", key::tok_digest(c.id()), field});
        w.push_back({"EVAL", kHdelIfOwner, "1", key::kTokIndex, field, c.id()});
        w.push_back({"ZADD", key::tok_time(c.id()), std::to_string(now), field});
      }
      auto wr = co_await pipe(std::move(w));
      if (!wr) {
        co_return false;
      }
      bool ok = co_await publish(c.id(), cpos, bus::Kind::token, events);
      if (!ok) {
        co_return false;
      }
    } while (cursor != "0");
    co_return true;
  }

  static void token_of(const std::string& json, std::vector<RoamingAuthorisationInfo>& out) {
    auto d = ocpi::decode<model::Token>(json, ocpi::DecodeOptions{false});
    if (!d) {
      return;
    }
    auto m = to_ochp(*d.value);
    if (m) {
      out.push_back(std::move(*m.value));
    }
  }

  /// All tokens (since < 0) or those changed after `since` (removed ones included).
  asio::awaitable<Result<std::vector<RoamingAuthorisationInfo>>> get_tokens(std::int64_t since) {
    std::vector<RoamingAuthorisationInfo> out;
    std::string parties_key = key::kTokParties;
    auto parties = co_await members(std::move(parties_key));
    if (!parties) {
      co_return parties.error();
    }
    for (const auto& p : *parties) {
      if (since < 0) {
        std::string cursor = "0";
        do {
          std::string page_key = key::tok(p);
          auto page = co_await hscan(std::move(page_key), cursor);
          if (!page) {
            co_return page.error();
          }
          cursor = page->first;
          for (auto& [f, json] : page->second) {
            token_of(json, out);
          }
        } while (cursor != "0");
        continue;
      }
      std::string fields_key = key::tok_time(p);
      auto fields = co_await changed_since(std::move(fields_key), since);
      if (!fields) {
        co_return fields.error();
      }
      std::vector<std::string> copy = *fields;
      std::string live_key = key::tok(p);
      auto live = co_await hmget(std::move(live_key), std::move(*fields));
      std::string gone_key = key::tok_gone(p);
      auto gone = co_await hmget(std::move(gone_key), std::move(copy));
      if (!live || !gone) {
        co_return make_error_code(Errc::unavailable);
      }
      for (std::size_t i = 0; i < live->size(); ++i) {
        const auto& v = (*live)[i] ? (*live)[i] : (*gone)[i];
        if (v) {
          token_of(*v, out);
        }
      }
    }
    co_return out;
  }

  asio::awaitable<Response> get_single_token(const EmtId& emt) {
    GetSingleRoamingAuthorisationResponse r;
    const std::string field = token_field(emt);
    Cmd owner_cmd{"HGET", key::kTokIndex, field};
    auto owner = co_await cmd(std::move(owner_cmd));
    if (!owner || owner->is_error()) {
      r.result = result_of("server", "storage unavailable");
      co_return Response{r};
    }
    if (!owner->is_nil()) {
      Cmd v_cmd{"HGET", key::tok(owner->str), field};
      auto v = co_await cmd(std::move(v_cmd));
      if (!v || v->is_error()) {
        r.result = result_of("server", "storage unavailable");
        co_return Response{r};
      }
      if (!v->is_nil()) {
        const auto table = registry.snapshot();
        const auto* issuer = table->find(owner->str);
        if (issuer != nullptr && issuer->protocol == model::Protocol::ocpi && issuer->ocpi.realtime_authorize &&
            options.realtime_authorize) {
          auto answered = co_await realtime_single_token(owner->str, v->str, r);
          if (answered) {
            co_return Response{r};
          }
        }
        std::vector<RoamingAuthorisationInfo> one;
        token_of(v->str, one);
        if (!one.empty()) {
          r.roaming_authorisation_info = std::move(one.front());
        }
      }
    }
    r.result = r.roaming_authorisation_info ? result_of("ok") : result_of("ok", "token unknown to the clearing house");
    co_return Response{r};
  }

  /// GetSingleRoamingAuthorisation through the issuing eMSP's real-time authorize. False when
  /// the eMSP could not answer (the caller answers from the hub's copy).
  asio::awaitable<bool> realtime_single_token(const std::string& party, const std::string& stored,
                                              GetSingleRoamingAuthorisationResponse& r) {
    auto token = ocpi::decode<model::Token>(stored, ocpi::DecodeOptions{false});
    if (!token) {
      co_return false;
    }
    auto answer = co_await options.realtime_authorize(party, token.value->uid,
                                                      std::string(model::to_string(token.value->type)));
    if (!answer) {
      if (answer.error() == make_error_code(Errc::unknown_token)) {
        r.result = result_of("ok", "token unknown to its provider");
        co_return true;
      }
      co_return false;
    }
    if (answer->allowed != model::AllowedType::allowed) {
      r.result = result_of("ok", "not authorised by the provider: " + std::string(model::to_string(answer->allowed)));
      co_return true;
    }
    const model::Token& t = answer->token.uid.empty() ? *token.value : answer->token;
    auto m = to_ochp(t);
    if (!m) {
      co_return false;
    }
    r.roaming_authorisation_info = std::move(*m.value);
    r.result = result_of("ok");
    co_return true;
  }

  // ---------------------------------------------------------------- CDRs

  asio::awaitable<Response> add_cdrs(const Caller& c, std::vector<CdrInfo>& items) {
    AddCdrsResponse resp;
    const Received received = Received::now();
    std::vector<Refused> refused;
    std::size_t accepted = 0;
    std::unordered_set<std::string> seen;
    for (std::size_t at = 0; at < items.size(); at += kBatch) {
      const std::size_t end = std::min(items.size(), at + kBatch);
      // Existing state of this batch's ids.
      Cmds reads;
      for (std::size_t i = at; i < end; ++i) {
        reads.push_back({"HMGET", key::cdr(items[i].cdr_id), "s", "cpo", "emp"});
      }
      auto existing = co_await pipe(std::move(reads));
      // The stored charge points of the batch's EVSEs complete the CDRs' locations.
      std::vector<std::string> evse_fields;
      for (std::size_t i = at; i < end; ++i) {
        evse_fields.push_back(check::evse_key(items[i].evse_id));
      }
      std::string stored_cps_key = key::cp(c.id());
      auto stored_cps = co_await hmget(std::move(stored_cps_key), std::move(evse_fields));
      if (!existing || !stored_cps) {
        resp.result = result_of("server", "storage unavailable; retry the CDRs not accepted");
        co_return Response{resp};
      }
      Cmds w;
      // (destination party, key, payload) events.
      std::map<std::string, std::vector<std::pair<std::string, std::string>>> events;
      for (std::size_t i = at; i < end; ++i) {
        auto& cdr = items[i];
        auto refuse = [&](std::string reason, std::string_view code) {
          refused.push_back({cdr.cdr_id, std::move(reason), code});
          resp.implausible_cdrs_array.push_back(cdr.cdr_id);
        };
        if (auto why = check::cdr(cdr)) {
          refuse(*why, "format");
          continue;
        }
        auto op = model::evse_id_operator(cdr.evse_id);
        if (!op || !c.operates(*op)) {
          refuse("evseId is not under an operator id of this account", "invalid-id");
          continue;
        }
        if (upper(cdr.cdr_id.substr(0, 5)) != op->country_code + op->party_id) {
          refuse("CdrId must start with the operator id " + op->country_code + op->party_id, "invalid-id");
          continue;
        }
        const model::Party* emp = c.table->resolve_contract_provider(cdr.contract_id);
        if (emp == nullptr) {
          refuse("no provider at the clearing house for contractId", "invalid-id");
          continue;
        }
        if (!seen.insert(cdr.cdr_id).second) {
          refuse("CdrId given twice in one message", "format");
          continue;
        }
        const auto& ex = (*existing)[i - at].elements;
        const bool known = ex.size() == 3 && !ex[0].is_nil();
        const std::string old_status = known ? ex[0].str : "";
        if (known && ex[1].str != c.id()) {
          refuse("CdrId already used by another operator", "invalid-id");
          continue;
        }
        std::string status;
        if (cdr.status == "new") {
          if (known) {
            refuse("CdrId already known (status " + old_status + "); upload a correction as revised", "format");
            continue;
          }
          status = "accepted";
        } else if (cdr.status == "revised" || cdr.status == "rejected") {
          if (old_status != "declined") {
            refuse("only a declined CDR can be " + cdr.status, "format");
            continue;
          }
          status = cdr.status;
        }
        std::optional<model::Location> where;
        if (const auto& v = (*stored_cps)[i - at]) {
          auto d = ocpi::decode<model::Location>(*v, ocpi::DecodeOptions{false});
          if (d) {
            where = std::move(*d.value);
          }
        }
        auto m = to_model(cdr, Owner{op->country_code, op->party_id}, where ? &*where : nullptr, received.at);
        if (!m) {
          refuse(m.refusal ? m.refusal->field + ": " + m.refusal->reason : "cannot be mapped", "format");
          continue;
        }
        m.value->status = model_cdr_status(status);
        std::string json = ocpi::encode(*m.value, ocpi::Flavor::canonical);
        w.push_back({"MULTI"});
        if (known) {
          w.push_back({"SREM", key::cdr_emp(ex[2].str, old_status), cdr.cdr_id});
          w.push_back({"SREM", key::cdr_cpo(c.id(), old_status), cdr.cdr_id});
          w.push_back({"ZREM", key::cdr_by_status(old_status), cdr.cdr_id});
        }
        w.push_back({"HSET", key::cdr(cdr.cdr_id), "d", json, "s", status, "cpo", c.id(), "emp", emp->id, "evse",
                     check::evse_key(cdr.evse_id), "u", std::to_string(now_ms())});
        w.push_back({"SADD", key::cdr_emp(emp->id, status), cdr.cdr_id});
        w.push_back({"SADD", key::cdr_cpo(c.id(), status), cdr.cdr_id});
        w.push_back({"ZADD", key::cdr_by_status(status), std::to_string(now_ms()), cdr.cdr_id});
        w.push_back({"EXEC"});
        if (emp->protocol != model::Protocol::ochp && status != "rejected") {
          note(w, "ochp_to_ocpi", c.id(), emp->id, bus::Kind::cdr, object_key(*op, m.value->id), m.losses);
          events[emp->id].emplace_back(object_key(*op, m.value->id), std::move(json));
        }
        ++accepted;
      }
      // Publish first (idempotent on the bus), then store: a failure in between lets the
      // partner retry without losing the delivery.
      for (const auto& [dest, evs] : events) {
        std::vector<std::string> dests{dest};
        bool ok = co_await publish(c.id(), dests, bus::Kind::cdr, evs);
        if (!ok) {
          resp.result = result_of("server", "bus unavailable; retry the CDRs");
          resp.implausible_cdrs_array.clear();
          co_return Response{resp};
        }
      }
      auto wr = co_await pipe(std::move(w));
      if (!wr) {
        resp.result = result_of("server", "storage unavailable; retry the CDRs");
        resp.implausible_cdrs_array.clear();
        co_return Response{resp};
      }
    }
    resp.result = list_result(accepted, refused);
    co_return Response{resp};
  }

  /// CDRs of the caller's index sets for `statuses` (emp = true: as provider, else as operator).
  asio::awaitable<Result<std::vector<CdrInfo>>> list_cdrs(const Caller& c, std::vector<std::string> statuses,
                                                          bool emp) {
    std::vector<CdrInfo> out;
    for (const auto& s : statuses) {
      std::string ids_key;
      if (emp) {
        ids_key = key::cdr_emp(c.id(), s);
      } else {
        ids_key = key::cdr_cpo(c.id(), s);
      }
      auto ids = co_await members(std::move(ids_key));
      if (!ids) {
        co_return ids.error();
      }
      for (std::size_t at = 0; at < ids->size(); at += kBatch) {
        Cmds reads;
        for (std::size_t i = at; i < std::min(ids->size(), at + kBatch); ++i) {
          reads.push_back({"HMGET", key::cdr((*ids)[i]), "d", "s"});
        }
        auto r = co_await pipe(std::move(reads));
        if (!r) {
          co_return r.error();
        }
        for (auto& rep : *r) {
          if (rep.elements.size() != 2 || rep.elements[0].is_nil()) {
            continue;
          }
          auto d = ocpi::decode<model::Cdr>(rep.elements[0].str, ocpi::DecodeOptions{false});
          if (!d) {
            continue;
          }
          auto m = to_ochp(*d.value);
          if (m) {
            m.value->status = rep.elements[1].str;
            out.push_back(std::move(*m.value));
          }
        }
      }
    }
    co_return out;
  }

  asio::awaitable<Response> confirm_cdrs(const Caller& c, const ConfirmCdrsRequest& req) {
    ConfirmCdrsResponse resp;
    std::vector<Refused> refused;
    std::size_t accepted = 0;
    std::vector<std::pair<const CdrConfirmation*, std::string>> all;
    for (const auto& a : req.approved) {
      all.emplace_back(&a, "approved");
    }
    for (const auto& d : req.declined) {
      all.emplace_back(&d, "declined");
    }
    Cmds reads;
    for (const auto& [conf, s] : all) {
      reads.push_back({"HMGET", key::cdr(conf->cdr_id), "s", "cpo", "emp", "evse"});
    }
    auto existing = co_await pipe(std::move(reads));
    if (!existing) {
      resp.result = result_of("server", "storage unavailable");
      co_return Response{resp};
    }
    Cmds w;
    std::vector<std::string> declined_cpos;
    std::unordered_set<std::string> seen;
    for (std::size_t i = 0; i < all.size(); ++i) {
      const auto& [conf, target] = all[i];
      const auto& ex = (*existing)[i].elements;
      if (ex.size() != 4 || ex[0].is_nil() || ex[2].str != c.id()) {
        refused.push_back({conf->cdr_id, "unknown CDR for this provider", "invalid-id"});
        continue;
      }
      if (check::evse_key(conf->evse_id) != ex[3].str) {
        refused.push_back({conf->cdr_id, "evseId does not match the CDR", "invalid-id"});
        continue;
      }
      if (ex[0].str != "accepted" && ex[0].str != "revised") {
        refused.push_back({conf->cdr_id, "CDR is " + ex[0].str + ", not awaiting confirmation", "format"});
        continue;
      }
      if (!seen.insert(conf->cdr_id).second) {
        refused.push_back({conf->cdr_id, "confirmed twice in one message", "format"});
        continue;
      }
      w.push_back({"MULTI"});
      w.push_back({"SREM", key::cdr_emp(c.id(), ex[0].str), conf->cdr_id});
      w.push_back({"SREM", key::cdr_cpo(ex[1].str, ex[0].str), conf->cdr_id});
      w.push_back({"ZREM", key::cdr_by_status(ex[0].str), conf->cdr_id});
      w.push_back({"ZADD", key::cdr_by_status(target), std::to_string(now_ms()), conf->cdr_id});
      w.push_back({"HSET", key::cdr(conf->cdr_id), "s", target, "u", std::to_string(now_ms())});
      w.push_back({"SADD", key::cdr_emp(c.id(), target), conf->cdr_id});
      w.push_back({"SADD", key::cdr_cpo(ex[1].str, target), conf->cdr_id});
      w.push_back({"EXEC"});
      if (target == "declined") {
        declined_cpos.push_back(ex[1].str);
      }
      ++accepted;
    }
    auto wr = co_await pipe(std::move(w));
    if (!wr) {
      resp.result = result_of("server", "storage unavailable; retry");
      co_return Response{resp};
    }
    if (metrics != nullptr) {
      for (const auto& cpo : declined_cpos) {
        const auto* p = c.table->find(cpo);
        metrics->cdr_declined(p == nullptr ? "unknown" : model::to_string(p->protocol));
      }
    }
    resp.result = list_result(accepted, refused);
    co_return Response{resp};
  }

  // ---------------------------------------------------------------- tariffs

  asio::awaitable<Response> update_tariffs(const Caller& c, std::vector<TariffInfo>& items) {
    UpdateTariffsResponse resp;
    const Received received = Received::now();
    std::vector<Refused> refused;
    std::size_t accepted = 0;
    const auto emps = audience(*c.table, model::Role::emsp, c.id());
    const std::int64_t now = now_ms();
    Cmds w;
    std::vector<std::pair<std::string, std::string>> events;
    std::unordered_set<std::string> seen;
    // Digests of the kept tariffs: an unchanged tariff uploaded again is not republished.
    std::vector<std::string> fields;
    for (const auto& t : items) {
      fields.push_back(upper(t.tariff_id));
    }
    std::string digest_key = key::tar_digest(c.id());
    auto old_digests = co_await hmget(std::move(digest_key), std::move(fields));
    if (!old_digests) {
      resp.result = result_of("server", "storage unavailable; retry");
      co_return Response{resp};
    }
    std::size_t index = 0;
    for (auto& t : items) {
      const std::optional<std::string> old_digest = (*old_digests)[index++];
      auto refuse = [&](std::string reason, std::string_view code) {
        refused.push_back({t.tariff_id, std::move(reason), code});
        resp.refused_tariff_info.push_back(t);
      };
      if (auto why = check::tariff(t)) {
        refuse(*why, "format");
        continue;
      }
      const bool sep = t.tariff_id.size() > 2 && t.tariff_id[2] == '*';
      auto op = model::parse_party_prefix(std::string_view(t.tariff_id).substr(0, sep ? 6 : 5));
      if (!op || !c.operates(*op)) {
        refuse("tariffId is not under an operator id of this account", "invalid-id");
        continue;
      }
      const std::string field = upper(t.tariff_id);
      if (!seen.insert(field).second) {
        refuse("tariffId given twice in one message", "format");
        continue;
      }
      auto m = to_model(t, Owner{op->country_code, op->party_id}, received.at);
      if (!m) {
        refuse(m.refusal ? m.refusal->field + ": " + m.refusal->reason : "cannot be mapped", "format");
        continue;
      }
      std::string json = ocpi::encode(*m.value, ocpi::Flavor::canonical);
      // Recipients (upload-only) per individual tariff, for GetTariffUpdates filtering.
      std::string recipients;
      for (const auto& it : t.individual_tariff) {
        recipients += join(it.recipient, ',') + ";";
      }
      const std::string dg = received.digest_of(json + "\x1f" + recipients);
      if (old_digest && *old_digest == dg) {
        ++accepted;  // unchanged
        continue;
      }
      w.push_back({"HSET", key::tar_digest(c.id()), field, dg});
      w.push_back({"HSET", key::tar(c.id()), field, json});
      w.push_back({"HSET", key::tar_recipients(c.id()), field, recipients});
      w.push_back({"ZADD", key::tar_time(c.id()), std::to_string(now), field});
      if (!emps.empty()) {
        note(w, "ochp_to_ocpi", c.id(), "*", bus::Kind::tariff, object_key(*op, m.value->id), m.losses);
      }
      events.emplace_back(object_key(*op, m.value->id), std::move(json));
      ++accepted;
    }
    if (!w.empty()) {
      w.push_back({"SADD", key::kTarParties, c.id()});
    }
    bool ok = co_await publish(c.id(), emps, bus::Kind::tariff, events);
    if (!ok) {
      resp.result = result_of("server", "bus unavailable; retry");
      resp.refused_tariff_info.clear();
      co_return Response{resp};
    }
    auto wr = co_await pipe(std::move(w));
    if (!wr) {
      resp.result = result_of("server", "storage unavailable; retry");
      resp.refused_tariff_info.clear();
      co_return Response{resp};
    }
    resp.result = list_result(accepted, refused);
    co_return Response{resp};
  }

  asio::awaitable<Response> get_tariffs(const Caller& c, std::int64_t since) {
    GetTariffUpdatesResponse resp;
    std::string parties_key = key::kTarParties;
    auto parties = co_await members(std::move(parties_key));
    if (!parties) {
      resp.result = result_of("server", "storage unavailable");
      co_return Response{resp};
    }
    std::vector<std::string> mine;
    for (const auto& p : c.providers) {
      mine.push_back(p.country_code + p.party_id);
    }
    for (const auto& p : *parties) {
      std::vector<std::string> fields;
      if (since < 0) {
        Cmd all_cmd{"HKEYS", key::tar(p)};
        auto all = co_await cmd(std::move(all_cmd));
        if (!all || all->is_error()) {
          resp.result = result_of("server", "storage unavailable");
          co_return Response{resp};
        }
        for (auto& e : all->elements) {
          fields.push_back(std::move(e.str));
        }
      } else {
        std::string ch_key = key::tar_time(p);
        auto ch = co_await changed_since(std::move(ch_key), since);
        if (!ch) {
          resp.result = result_of("server", "storage unavailable");
          co_return Response{resp};
        }
        fields = std::move(*ch);
      }
      std::vector<std::string> copy = fields;
      std::string values_key = key::tar(p);
      auto values = co_await hmget(std::move(values_key), std::move(fields));
      std::string recips_key = key::tar_recipients(p);
      auto recips = co_await hmget(std::move(recips_key), std::move(copy));
      if (!values || !recips) {
        resp.result = result_of("server", "storage unavailable");
        co_return Response{resp};
      }
      for (std::size_t i = 0; i < values->size(); ++i) {
        if (!(*values)[i]) {
          continue;
        }
        auto d = ocpi::decode<model::Tariff>(*(*values)[i], ocpi::DecodeOptions{false});
        if (!d) {
          continue;
        }
        auto m = to_ochp(*d.value);
        if (!m) {
          continue;
        }
        TariffInfo info = std::move(*m.value);
        // Individual tariffs naming the caller, else the defaults; recipients never go out.
        auto lists = split((*recips)[i].value_or(""), ';');
        std::vector<IndividualTariff> named;
        std::vector<IndividualTariff> defaults;
        for (std::size_t k = 0; k < info.individual_tariff.size(); ++k) {
          auto it = std::move(info.individual_tariff[k]);
          std::vector<std::string> rs = it.recipient;
          if (rs.empty() && k < lists.size() && !lists[k].empty()) {
            rs = split(lists[k], ',');
          }
          it.recipient.clear();
          if (rs.empty()) {
            defaults.push_back(std::move(it));
          } else if (std::any_of(rs.begin(), rs.end(), [&](const std::string& r) {
                       return std::find(mine.begin(), mine.end(), r) != mine.end();
                     })) {
            named.push_back(std::move(it));
          }
        }
        info.individual_tariff = named.empty() ? std::move(defaults) : std::move(named);
        if (!info.individual_tariff.empty()) {
          resp.tariff_info_array.push_back(std::move(info));
        }
      }
    }
    resp.result = result_of("ok");
    co_return Response{resp};
  }

  // ---------------------------------------------------------------- live status

  asio::awaitable<Response> update_status(const Caller& c, UpdateStatusRequest& req) {
    UpdateStatusResponse resp;
    std::vector<Refused> refused;
    std::size_t accepted = 0;
    const std::int64_t now = now_ms();
    std::optional<std::int64_t> default_ttl;
    if (req.ttl) {
      default_ttl = parse_ms(*req.ttl);
    }
    if (!default_ttl) {
      default_ttl = now + std::chrono::duration_cast<std::chrono::milliseconds>(options.default_status_ttl).count();
    }
    const auto emps = audience(*c.table, model::Role::emsp, c.id());
    // Location ids of the EVSEs from the charge-point store (for the bus key).
    std::vector<std::string> fields;
    for (const auto& s : req.evse) {
      fields.push_back(check::evse_key(s.evse_id));
    }
    std::string locs_key = key::cp(c.id());
    auto locs = co_await hmget(std::move(locs_key), std::move(fields));
    if (!locs) {
      resp.result = result_of("server", "storage unavailable");
      co_return Response{resp};
    }
    Cmds w;
    std::vector<std::pair<std::string, std::string>> events;
    for (std::size_t i = 0; i < req.evse.size(); ++i) {
      auto& s = req.evse[i];
      if (auto why = check::evse_status(s)) {
        refused.push_back({s.evse_id, *why, "format"});
        continue;
      }
      auto op = model::evse_id_operator(s.evse_id);
      if (!op || !c.operates(*op)) {
        refused.push_back({s.evse_id, "evseId is not under an operator id of this account", "invalid-id"});
        continue;
      }
      std::optional<std::int64_t> ttl = s.ttl ? parse_ms(*s.ttl) : default_ttl;
      if (!ttl) {
        refused.push_back({s.evse_id, "ttl is not a dateTime", "format"});
        continue;
      }
      auto m = to_model(s);
      if (!m) {
        refused.push_back({s.evse_id, m.refusal ? m.refusal->reason : "cannot be mapped", "format"});
        continue;
      }
      auto& u = *m.value;
      u.valid_until = model::Timestamp::from_unix_ms(*ttl);
      u.last_updated = model::Timestamp::from_unix_ms(now);
      if ((*locs)[i]) {
        auto d = ocpi::decode<model::Location>(*(*locs)[i], ocpi::DecodeOptions{false});
        if (d && !d.value->evses.empty()) {
          u.location_id = d.value->id;
          u.evse_uid = d.value->evses.front().uid;
        }
      }
      std::string json = ocpi::encode(u, ocpi::Flavor::canonical);
      const std::string field = check::evse_key(s.evse_id);
      const std::string bus_key =
          object_key(*op, u.location_id) + "|" + key_escape(u.evse_uid.empty() ? field : u.evse_uid);
      if (!emps.empty()) {
        // OCPI addresses a status by location and EVSE: without an uploaded charge point the
        // status is kept for OCHP partners only, and the note says why OCPI parties lack it.
        note(w, "ochp_to_ocpi", c.id(), "*", bus::Kind::evse_status, bus_key, m.losses,
             u.location_id.empty() ? "no charge point uploaded for this EVSE: OCPI needs its location" : "");
      }
      w.push_back({"HSET", key::st(c.id()), field, json});
      w.push_back({"ZADD", key::st_time(c.id()), std::to_string(now), field});
      if (!u.location_id.empty()) {
        events.emplace_back(bus_key, std::move(json));
      }
      ++accepted;
    }
    for (const auto& p : req.parking) {
      if (auto why = check::parking_status(p)) {
        refused.push_back({p.parking_id, *why, "format"});
        continue;
      }
      const bool sep = p.parking_id[2] == '*';
      auto op = model::parse_party_prefix(std::string_view(p.parking_id).substr(0, sep ? 6 : 5));
      if (!op || !c.operates(*op)) {
        refused.push_back({p.parking_id, "parkingId is not under an operator id of this account", "invalid-id"});
        continue;
      }
      std::optional<std::int64_t> ttl = p.ttl ? parse_ms(*p.ttl) : default_ttl;
      if (!ttl) {
        refused.push_back({p.parking_id, "ttl is not a dateTime", "format"});
        continue;
      }
      w.push_back({"HSET", key::pk(c.id()), upper(p.parking_id),
                   p.status + "\x1f" + std::to_string(*ttl) + "\x1f" + std::to_string(now)});
      ++accepted;
    }
    if (!w.empty()) {
      w.push_back({"SADD", key::kStParties, c.id()});
      w.push_back({"SADD", key::kPkParties, c.id()});
    }
    bool ok = co_await publish(c.id(), emps, bus::Kind::evse_status, events);
    if (!ok) {
      resp.result = result_of("server", "bus unavailable; retry");
      co_return Response{resp};
    }
    auto wr = co_await pipe(std::move(w));
    if (!wr) {
      resp.result = result_of("server", "storage unavailable; retry");
      co_return Response{resp};
    }
    resp.result = list_result(accepted, refused);
    co_return Response{resp};
  }

  /// GetStatus: current (unexpired) statuses, optionally only those changed after `since`.
  asio::awaitable<std::optional<GetStatusResponse>> get_status(const GetStatusRequest& req) {
    GetStatusResponse resp;
    const std::int64_t now = now_ms();
    std::int64_t since = -1;
    if (req.start_date_time) {
      since = parse_ms(*req.start_date_time).value_or(-1);
    }
    const std::string type = req.status_type.value_or("evse");
    if (type == "parking") {
      std::string parties_key = key::kPkParties;
      auto parties = co_await members(std::move(parties_key));
      if (!parties) {
        co_return std::nullopt;
      }
      for (const auto& p : *parties) {
        Cmd all_cmd{"HGETALL", key::pk(p)};
        auto all = co_await cmd(std::move(all_cmd));
        if (!all || all->is_error()) {
          co_return std::nullopt;
        }
        for (std::size_t i = 0; i + 1 < all->elements.size(); i += 2) {
          auto f = split(all->elements[i + 1].str, '\x1f');
          if (f.size() != 3) {
            continue;
          }
          const std::int64_t ttl = std::stoll(f[1]);
          const std::int64_t at = std::stoll(f[2]);
          if (ttl < now || at <= since) {
            continue;
          }
          resp.parking.push_back(ParkingStatus{all->elements[i].str, f[0], date_time(ttl)});
        }
      }
      co_return resp;
    }
    std::string parties_key = key::kStParties;
    auto parties = co_await members(std::move(parties_key));
    if (!parties) {
      co_return std::nullopt;
    }
    std::vector<EvseStatus> statuses;
    for (const auto& p : *parties) {
      Cmd all_cmd{"HGETALL", key::st(p)};
      auto all = co_await cmd(std::move(all_cmd));
      if (!all || all->is_error()) {
        co_return std::nullopt;
      }
      for (std::size_t i = 0; i + 1 < all->elements.size(); i += 2) {
        auto d = ocpi::decode<model::EvseStatusUpdate>(all->elements[i + 1].str, ocpi::DecodeOptions{false});
        if (!d) {
          continue;
        }
        const auto& u = *d.value;
        if ((u.valid_until && u.valid_until->unix_ms() < now) || u.last_updated.unix_ms() <= since) {
          continue;  // expired: the EVSE counts as unknown, so it is left out
        }
        auto m = to_ochp(u);
        if (m) {
          if (!m.value->ttl && u.valid_until) {
            m.value->ttl = date_time(u.valid_until->unix_ms());
          }
          statuses.push_back(std::move(*m.value));
        }
      }
    }
    if (type == "combined") {
      resp.combined = std::move(statuses);
    } else {
      resp.evse = std::move(statuses);
    }
    co_return resp;
  }

  // ---------------------------------------------------------------- OCHPdirect endpoints

  asio::awaitable<Response> add_endpoints(const Caller& c, const AddServiceEndpointsRequest& req) {
    AddServiceEndpointsResponse resp;
    std::vector<Refused> refused;
    std::size_t accepted = 0;
    Cmd owners_cmd{"HGETALL", key::kEpTokens};
    auto owners = co_await cmd(std::move(owners_cmd));
    if (!owners || owners->is_error()) {
      resp.result = result_of("server", "storage unavailable");
      co_return Response{resp};
    }
    std::unordered_map<std::string, std::string> token_owner;
    for (std::size_t i = 0; i + 1 < owners->elements.size(); i += 2) {
      token_owner[owners->elements[i].str] = owners->elements[i + 1].str;
    }
    Cmds w;
    for (int pass = 0; pass < 2; ++pass) {
      const bool provider = pass == 0;
      for (const auto& e : provider ? req.provider_endpoint_array : req.operator_endpoint_array) {
        if (auto why = check::endpoint(e, provider)) {
          refused.push_back({e.url, *why, "format"});
          continue;
        }
        bool owned = true;
        for (const auto& p : e.whitelist) {
          owned = owned && c.owns_compact_prefix(p, provider);
        }
        if (!owned) {
          refused.push_back({e.url, provider ? "whitelist names contracts of another provider"
                                             : "whitelist names EVSEs of another operator",
                             "invalid-id"});
          continue;
        }
        auto it = token_owner.find(e.access_token);
        if (it != token_owner.end() && it->second != c.id()) {
          refused.push_back({e.url, "accessToken is not unique; choose another", "format"});
          continue;
        }
        token_owner[e.access_token] = c.id();
        w.push_back({"HSET", key::ep(c.id()), std::string(provider ? "p|" : "o|") + e.url, encode_endpoint(e)});
        w.push_back({"HSET", key::kEpTokens, e.access_token, c.id()});
        ++accepted;
      }
    }
    if (!w.empty()) {
      w.push_back({"SADD", key::kEpParties, c.id()});
    }
    auto wr = co_await pipe(std::move(w));
    if (!wr) {
      resp.result = result_of("server", "storage unavailable; retry");
      co_return Response{resp};
    }
    resp.result = list_result(accepted, refused);
    co_return Response{resp};
  }

  asio::awaitable<Response> get_endpoints(const Caller& c) {
    GetServiceEndpointsResponse resp;
    std::string parties_key = key::kEpParties;
    auto parties = co_await members(std::move(parties_key));
    if (!parties) {
      resp.result = result_of("server", "storage unavailable");
      co_return Response{resp};
    }
    for (const auto& p : *parties) {
      if (p == c.id()) {
        continue;
      }
      Cmd all_cmd{"HGETALL", key::ep(p)};
      auto all = co_await cmd(std::move(all_cmd));
      if (!all || all->is_error()) {
        resp.result = result_of("server", "storage unavailable");
        co_return Response{resp};
      }
      for (std::size_t i = 0; i + 1 < all->elements.size(); i += 2) {
        auto e = decode_endpoint(all->elements[i + 1].str);
        if (!e) {
          continue;
        }
        if (all->elements[i].str.rfind("p|", 0) == 0) {
          resp.provider_endpoint_array.push_back(std::move(*e));
        } else {
          resp.operator_endpoint_array.push_back(std::move(*e));
        }
      }
    }
    resp.result = result_of("ok");
    co_return Response{resp};
  }

  // ---------------------------------------------------------------- dispatch

  asio::awaitable<http::Response> dispatch(const Caller& c, Envelope& env) {
    const Operation op = operation_of(env.request);
    auto server = [&] { return respond(*result_only(op, result_of("server", "storage unavailable; retry"))); };
    auto since_of = [](const std::string& s) -> std::int64_t { return parse_ms(s).value_or(0); };
    switch (op) {
      case Operation::set_charge_point_list:
      case Operation::update_charge_point_list: {
        const bool replace = op == Operation::set_charge_point_list;
        auto& items = replace ? std::get<SetChargePointListRequest>(env.request).charge_point_info_array
                              : std::get<UpdateChargePointListRequest>(env.request).charge_point_info_array;
        auto [result, refused] = co_await put_charge_points(c, items, replace);
        std::vector<ChargePointInfo>().swap(items);
        if (replace) {
          co_return respond(Response{SetChargePointListResponse{std::move(result), std::move(refused)}});
        }
        co_return respond(Response{UpdateChargePointListResponse{std::move(result), std::move(refused)}});
      }
      case Operation::get_charge_point_list: {
        auto r = co_await get_charge_points();
        co_return r;
      }
      case Operation::get_charge_point_list_updates: {
        const auto& req = std::get<GetChargePointListUpdatesRequest>(env.request);
        auto r = co_await get_charge_point_updates(since_of(req.last_update));
        co_return r;
      }
      case Operation::set_roaming_authorisation_list:
      case Operation::update_roaming_authorisation_list: {
        const bool replace = op == Operation::set_roaming_authorisation_list;
        auto& items = replace
                          ? std::get<SetRoamingAuthorisationListRequest>(env.request).roaming_authorisation_info_array
                          : std::get<UpdateRoamingAuthorisationListRequest>(env.request).roaming_authorisation_info_array;
        auto [result, refused] = co_await put_tokens(c, items, replace);
        if (replace) {
          co_return respond(Response{SetRoamingAuthorisationListResponse{std::move(result), std::move(refused)}});
        }
        co_return respond(Response{UpdateRoamingAuthorisationListResponse{std::move(result), std::move(refused)}});
      }
      case Operation::get_roaming_authorisation_list: {
        auto r = co_await get_tokens(-1);
        if (!r) {
          co_return server();
        }
        co_return respond(Response{GetRoamingAuthorisationListResponse{result_of("ok"), std::move(*r)}});
      }
      case Operation::get_roaming_authorisation_list_updates: {
        const auto& req = std::get<GetRoamingAuthorisationListUpdatesRequest>(env.request);
        auto r = co_await get_tokens(since_of(req.last_update));
        if (!r) {
          co_return server();
        }
        co_return respond(Response{GetRoamingAuthorisationListUpdatesResponse{result_of("ok"), std::move(*r)}});
      }
      case Operation::get_single_roaming_authorisation: {
        const auto& req = std::get<GetSingleRoamingAuthorisationRequest>(env.request);
        auto r = co_await get_single_token(req.emt_id);
        co_return respond(r);
      }
      case Operation::add_cdrs: {
        auto& req = std::get<AddCdrsRequest>(env.request);
        auto r = co_await add_cdrs(c, req.cdr_info_array);
        co_return respond(r);
      }
      case Operation::get_cdrs:
      case Operation::check_cdrs: {
        const bool emp = op == Operation::get_cdrs;
        const auto& filter = emp ? std::get<GetCdrsRequest>(env.request).cdr_status
                                 : std::get<CheckCdrsRequest>(env.request).cdr_status;
        std::vector<std::string> statuses;
        if (filter) {
          statuses.push_back(*filter);
        } else if (emp) {
          statuses = {"accepted", "revised"};
        } else {
          statuses = {"declined"};
        }
        auto r = co_await list_cdrs(c, std::move(statuses), emp);
        if (!r) {
          co_return server();
        }
        if (emp) {
          co_return respond(Response{GetCdrsResponse{result_of("ok"), std::move(*r)}});
        }
        co_return respond(Response{CheckCdrsResponse{result_of("ok"), std::move(*r)}});
      }
      case Operation::confirm_cdrs: {
        const auto& req = std::get<ConfirmCdrsRequest>(env.request);
        auto r = co_await confirm_cdrs(c, req);
        co_return respond(r);
      }
      case Operation::update_tariffs: {
        auto& req = std::get<UpdateTariffsRequest>(env.request);
        auto r = co_await update_tariffs(c, req.tariff_info_array);
        co_return respond(r);
      }
      case Operation::get_tariff_updates: {
        const auto& req = std::get<GetTariffUpdatesRequest>(env.request);
        std::int64_t since = -1;
        if (req.last_update) {
          since = since_of(*req.last_update);
        }
        auto r = co_await get_tariffs(c, since);
        co_return respond(r);
      }
      case Operation::update_status: {
        auto& req = std::get<UpdateStatusRequest>(env.request);
        auto r = co_await update_status(c, req);
        co_return respond(r);
      }
      case Operation::get_status: {
        const auto& req = std::get<GetStatusRequest>(env.request);
        auto r = co_await get_status(req);
        if (!r) {
          co_return fault(FaultCode::server, "storage unavailable; retry");
        }
        co_return respond(Response{std::move(*r)});
      }
      case Operation::add_service_endpoints: {
        const auto& req = std::get<AddServiceEndpointsRequest>(env.request);
        auto r = co_await add_endpoints(c, req);
        co_return respond(r);
      }
      case Operation::get_service_endpoints: {
        auto r = co_await get_endpoints(c);
        co_return respond(r);
      }
    }
    co_return fault(FaultCode::client, "unknown operation");
  }

  // ---------------------------------------------------------------- data of other protocols' parties

  /// A note of what the translation lost or why it refused; kept with the pipeline `w`.
  void note(Cmds& w, std::string_view direction, const std::string& source, const std::string& destination,
            bus::Kind kind, const std::string& bus_key, const std::vector<Loss>& losses, std::string refused = {}) {
    if (auto n = make_note(direction, source, destination, kind, bus_key, losses, std::move(refused))) {
      put_note(w, *n);
    }
  }

  /// Counts a note and adds its commands to `w`.
  void put_note(Cmds& w, const bus::TranslationNote& n) {
    options.translations->count(n);
    for (auto& c : bus::TranslationLog::commands(n)) {
      w.push_back(std::move(c));
    }
  }

  /// The note of one translation; none when there is nothing to say (or no log).
  std::optional<bus::TranslationNote> make_note(std::string_view direction, const std::string& source,
                                                const std::string& destination, bus::Kind kind,
                                                const std::string& bus_key, const std::vector<Loss>& losses,
                                                std::string refused = {}) const {
    if (options.translations == nullptr || (losses.empty() && refused.empty())) {
      return std::nullopt;
    }
    bus::TranslationNote n;
    n.direction = std::string(direction);
    n.source = source;
    n.destination = destination;
    n.kind = std::string(bus::to_string(kind));
    n.key = bus_key;
    for (const auto& l : losses) {
      n.lost.push_back(l.object + "." + l.field);
    }
    n.refused = std::move(refused);
    return n;
  }

  static bus::DeliveryResult retry_later(std::string reason) {
    bus::DeliveryResult r;
    r.outcome = bus::DeliveryClass::retryable;
    r.reason = std::move(reason);
    return r;
  }

  /// Refused (not expressible in OCHP): a dead letter with the reason, and a note.
  asio::awaitable<bus::DeliveryResult> refuse_delivery(const bus::Delivery& d, std::string why,
                                                       const std::vector<Loss>& losses = {}) {
    Cmds w;
    note(w, "ocpi_to_ochp", d.source, d.destination, d.kind, d.key, losses, why);
    auto r = co_await pipe(std::move(w));
    if (!r) {
      co_return retry_later("store");
    }
    bus::DeliveryResult out;
    out.outcome = bus::DeliveryClass::permanent;
    out.reason = "not_expressible";
    out.answer = std::move(why);
    co_return out;
  }

  static std::string refusal_text(const std::optional<Refusal>& r) {
    return r ? r->field + ": " + r->reason : "cannot be expressed in OCHP 1.4";
  }

  /// Stores the EVSEs of `loc` (of another protocol's party `party`) as charge points: one
  /// single-EVSE record per expressible EVSE, REMOVED ones as removals, the site (no EVSEs) for
  /// later EVSE updates, and each EVSE's status as a live status without time-to-live.
  /// `refusals` gets the EVSEs OCHP cannot express.
  asio::awaitable<bool> keep_location(const std::string& party, const model::Location& loc,
                                      std::vector<std::string>& refusals, Cmds& w, Guards& guards) {
    const std::int64_t now = now_ms();
    const std::string lk = upper(loc.country_code + "*" + loc.party_id + "*" + loc.id);
    model::Location shell = loc;
    shell.evses.clear();
    w.push_back({"HSET", key::cp_site(party), lk, ocpi::encode(shell, ocpi::Flavor::canonical)});
    // Where each EVSE was kept before (its uid's record key), and that record's state.
    std::vector<std::string> uid_fields;
    for (const auto& evse : loc.evses) {
      uid_fields.push_back(lk + "|" + upper(evse.uid));
    }
    std::string uid_key = key::cp_uid(party);
    auto prior = co_await hmget(std::move(uid_key), std::move(uid_fields));
    if (!prior) {
      co_return false;
    }
    std::vector<std::string> prior_fields;
    for (const auto& p : *prior) {
      prior_fields.push_back(p.value_or(""));
    }
    std::string live_key = key::cp(party);
    auto prior_records = co_await hmget(std::move(live_key), prior_fields);
    if (!prior_records) {
      co_return false;
    }
    // What follows is decided on these reads: written only while they still hold (the lanes of
    // other OCHP destinations keep the same records).
    for (std::size_t i = 0; i < loc.evses.size(); ++i) {
      guards.push_back({key::cp_uid(party), lk + "|" + upper(loc.evses[i].uid), (*prior)[i]});
      if (!prior_fields[i].empty()) {
        guards.push_back({key::cp(party), prior_fields[i], (*prior_records)[i]});
      }
    }
    /// Moves a kept record to the removals (status REMOVED): OCHP partners see it `Closed`.
    auto remove = [&](const std::string& field, model::Evse evse) {
      model::Location one = shell;
      evse.status = model::EvseStatus::removed;
      one.evses.push_back(std::move(evse));
      w.push_back({"HSET", key::cp_gone(party), field, ocpi::encode(one, ocpi::Flavor::canonical)});
      w.push_back({"HDEL", key::cp(party), field});
      w.push_back({"HDEL", key::cp_digest(party), field});
      w.push_back({"ZADD", key::cp_time(party), std::to_string(now), field});
      w.push_back({"SREM", key::cp_loc(party, lk), field});
      w.push_back({"HDEL", key::st(party), field});
    };
    std::vector<Stored> recs;
    std::vector<const model::Evse*> evses;
    for (std::size_t i = 0; i < loc.evses.size(); ++i) {
      const auto& evse = loc.evses[i];
      const std::string& before = prior_fields[i];
      const bool live_before = (*prior_records)[i].has_value();
      if (live_before) {
        // A state older than the one kept (a backlog replayed after an outage): left as it is.
        auto kept = ocpi::decode<model::Location>(*(*prior_records)[i], ocpi::DecodeOptions{false});
        if (kept && !kept.value->evses.empty() && kept.value->evses.front().last_updated > evse.last_updated) {
          continue;
        }
      }
      const std::string field = evse.evse_id ? check::evse_key(*evse.evse_id)
                                             : (!before.empty() ? before : check::evse_key(evse.uid));
      if (evse.status == model::EvseStatus::removed) {
        remove(live_before ? before : field, evse);
        continue;
      }
      auto m = to_ochp(loc, evse);
      if (!m) {
        refusals.push_back("evses[" + std::to_string(i) + "] " + refusal_text(m.refusal));
        if (live_before) {
          remove(before, evse);  // no longer expressible: not left live with its old content
        }
        continue;
      }
      if (live_before && before != field) {
        remove(before, evse);  // its evse_id changed: the old charge point is gone
      }
      w.push_back({"HSET", key::cp_uid(party), lk + "|" + upper(evse.uid), field});
      model::Location one = shell;
      one.evses.push_back(evse);
      Stored s;
      s.field = field;
      s.json = ocpi::encode(one, ocpi::Flavor::canonical);
      s.digest = digest(s.json);
      recs.push_back(std::move(s));
      evses.push_back(&evse);
    }
    std::vector<std::string> fields;
    for (const auto& r : recs) {
      fields.push_back(r.field);
    }
    std::string digest_key = key::cp_digest(party);
    auto old = co_await hmget(std::move(digest_key), std::move(fields));
    if (!old) {
      co_return false;
    }
    bool any = false;
    for (std::size_t i = 0; i < recs.size(); ++i) {
      if ((*old)[i] && *(*old)[i] == recs[i].digest) {
        continue;
      }
      any = true;
      w.push_back({"HSET", key::cp(party), recs[i].field, recs[i].json});
      w.push_back({"HDEL", key::cp_gone(party), recs[i].field});
      w.push_back({"ZADD", key::cp_time(party), std::to_string(now), recs[i].field});
      w.push_back({"SADD", key::cp_loc(party, lk), recs[i].field});
      w.push_back({"HSET", key::cp_digest(party), recs[i].field, recs[i].digest});
      model::EvseStatusUpdate u;
      u.location_id = loc.id;
      u.evse_uid = evses[i]->uid;
      u.evse_id = evses[i]->evse_id;
      u.status = evses[i]->status;
      u.last_updated = evses[i]->last_updated;
      w.push_back({"HSET", key::st(party), recs[i].field, ocpi::encode(u, ocpi::Flavor::canonical)});
      w.push_back({"ZADD", key::st_time(party), std::to_string(now), recs[i].field});
    }
    if (any) {
      w.push_back({"SADD", key::kCpParties, party});
      w.push_back({"SADD", key::kStParties, party});
    }
    co_return true;
  }

  /// Runs `once` until it is not refused by a concurrent change (kMergeAttempts times at most);
  /// after that the delivery is retried later.
  template <class Once>
  asio::awaitable<bus::DeliveryResult> until_merged(Once once) {
    for (int attempt = 0; attempt < kMergeAttempts; ++attempt) {
      auto r = co_await once();
      if (r) {
        co_return std::move(*r);
      }
    }
    co_return retry_later("concurrent_update");
  }

  asio::awaitable<bus::DeliveryResult> deliver_location(const bus::Delivery& d) {
    co_return co_await until_merged([this, &d] { return deliver_location_once(d); });
  }

  /// One attempt; nullopt when a concurrent delivery changed the records it read.
  asio::awaitable<std::optional<bus::DeliveryResult>> deliver_location_once(const bus::Delivery& d) {
    auto k = bus::keys::parse_object_key(d.key);
    if (!k) {
      co_return co_await refuse_delivery(d, "malformed key " + d.key);
    }
    const model::PartyRef owner{k->country_code, k->party_id};
    const std::string& id = k->id;
    const std::string& uid = k->evse_uid;
    const std::string lk = upper(owner.country_code + "*" + owner.party_id + "*" + id);
    model::Location loc;
    if (d.kind == bus::Kind::location) {
      auto v = ocpi::decode<model::Location>(d.payload, ocpi::DecodeOptions{false});
      if (!v) {
        co_return co_await refuse_delivery(d, "unreadable Location: " + v.message());
      }
      loc = std::move(*v.value);
    } else {
      // An EVSE or connector of a known location: the stored site (and EVSE) complete it.
      Cmd site_cmd{"HGET", key::cp_site(d.source), lk};
      auto site = co_await cmd(std::move(site_cmd));
      if (!site || site->is_error()) {
        co_return retry_later("store");
      }
      if (site->is_nil()) {
        co_return co_await refuse_delivery(d, "EVSE of a location the hub never received");
      }
      auto s = ocpi::decode<model::Location>(site->str, ocpi::DecodeOptions{false});
      if (!s) {
        co_return co_await refuse_delivery(d, "stored location unreadable");
      }
      loc = std::move(*s.value);
      if (d.kind == bus::Kind::evse) {
        auto e = ocpi::decode<model::Evse>(d.payload, ocpi::DecodeOptions{false});
        if (!e) {
          co_return co_await refuse_delivery(d, "unreadable EVSE: " + e.message());
        }
        loc.last_updated = std::max(loc.last_updated, e.value->last_updated);
        loc.evses.push_back(std::move(*e.value));
      } else if (d.kind == bus::Kind::connector) {
        auto c = ocpi::decode<model::Connector>(d.payload, ocpi::DecodeOptions{false});
        if (!c) {
          co_return co_await refuse_delivery(d, "unreadable connector: " + c.message());
        }
        Cmd field_cmd{"HGET", key::cp_uid(d.source), lk + "|" + upper(uid)};
        auto field = co_await cmd(std::move(field_cmd));
        if (!field || field->is_error()) {
          co_return retry_later("store");
        }
        std::optional<std::string> rec;
        if (!field->is_nil()) {
          Cmd rec_cmd{"HGET", key::cp(d.source), field->str};
          auto r = co_await cmd(std::move(rec_cmd));
          if (!r || r->is_error()) {
            co_return retry_later("store");
          }
          if (!r->is_nil()) {
            rec = r->str;
          }
        }
        if (!rec) {
          co_return co_await refuse_delivery(d, "connector of an EVSE OCHP does not hold");
        }
        auto one = ocpi::decode<model::Location>(*rec, ocpi::DecodeOptions{false});
        if (!one || one.value->evses.empty()) {
          co_return co_await refuse_delivery(d, "stored EVSE unreadable");
        }
        auto evse = std::move(one.value->evses.front());
        auto it = std::find_if(evse.connectors.begin(), evse.connectors.end(),
                               [&](const model::Connector& x) { return x.id == c.value->id; });
        evse.last_updated = std::max(evse.last_updated, c.value->last_updated);
        if (it == evse.connectors.end()) {
          evse.connectors.push_back(std::move(*c.value));
        } else {
          *it = std::move(*c.value);
        }
        loc.last_updated = std::max(loc.last_updated, evse.last_updated);
        loc.evses.push_back(std::move(evse));
      }
    }
    std::vector<std::string> refusals;
    Cmds w;
    Guards guards;
    bool ok = co_await keep_location(d.source, loc, refusals, w, guards);
    if (!ok) {
      co_return retry_later("store");
    }
    auto mapped = to_ochp(loc);
    std::string refused;
    for (const auto& r : refusals) {
      refused += (refused.empty() ? "" : "; ") + r;
    }
    note(w, "ocpi_to_ochp", d.source, d.destination, d.kind, d.key, mapped.losses, refused);
    auto wr = co_await pipe_if(std::move(guards), std::move(w));
    if (!wr) {
      co_return retry_later("store");
    }
    if (!*wr) {
      co_return std::nullopt;  // changed since read: read and merge again
    }
    bus::DeliveryResult out;
    if (!refusals.empty() && refusals.size() == loc.evses.size() && !loc.evses.empty()) {
      out.outcome = bus::DeliveryClass::permanent;
      out.reason = "not_expressible";
      out.answer = refused;
    }
    co_return out;
  }

  asio::awaitable<bus::DeliveryResult> deliver_token(const bus::Delivery& d) {
    co_return co_await until_merged([this, &d] { return deliver_token_once(d); });
  }

  /// One attempt; nullopt when a concurrent delivery changed the token it read.
  asio::awaitable<std::optional<bus::DeliveryResult>> deliver_token_once(const bus::Delivery& d) {
    auto v = ocpi::decode<model::Token>(d.payload, ocpi::DecodeOptions{false});
    if (!v) {
      co_return co_await refuse_delivery(d, "unreadable Token: " + v.message());
    }
    auto m = to_ochp(*v.value);
    if (!m) {
      co_return co_await refuse_delivery(d, refusal_text(m.refusal), m.losses);
    }
    const std::string field = token_field(m.value->emt_id);
    const std::string json = ocpi::encode(*v.value, ocpi::Flavor::canonical);
    const std::string dg = digest(json);
    Cmds reads;
    reads.push_back({"HGET", key::tok_digest(d.source), field});
    reads.push_back({"HGET", key::kTokIndex, field});
    reads.push_back({"HGET", key::tok(d.source), field});
    auto got = co_await pipe(std::move(reads));
    if (!got || got->size() != 3) {
      co_return retry_later("store");
    }
    const auto& old = (*got)[0];
    const auto& indexed = (*got)[1];
    if (!indexed.is_nil() && indexed.str != d.source) {
      co_return co_await refuse_delivery(d, "EmtId " + field + " is already used by another provider's token");
    }
    if (!(*got)[2].is_nil()) {
      // A state older than the one kept (a backlog replayed after an outage): not written back.
      auto kept = ocpi::decode<model::Token>((*got)[2].str, ocpi::DecodeOptions{false});
      if (kept && kept.value->last_updated > v.value->last_updated) {
        co_return bus::DeliveryResult{};
      }
    }
    Cmds w;
    if (old.is_nil() || old.str != dg) {
      w.push_back({"HSET", key::tok(d.source), field, json});
      w.push_back({"HDEL", key::tok_gone(d.source), field});
      w.push_back({"ZADD", key::tok_time(d.source), std::to_string(now_ms()), field});
      w.push_back({"HSET", key::kTokIndex, field, d.source});
      w.push_back({"HSET", key::tok_digest(d.source), field, dg});
      w.push_back({"SADD", key::kTokParties, d.source});
    }
    note(w, "ocpi_to_ochp", d.source, d.destination, d.kind, d.key, m.losses);
    Guards guards;
    guards.push_back({key::tok(d.source), field,
                      (*got)[2].is_nil() ? std::nullopt : std::optional<std::string>((*got)[2].str)});
    guards.push_back({key::kTokIndex, field, indexed.is_nil() ? std::nullopt : std::optional<std::string>(indexed.str)});
    auto wr = co_await pipe_if(std::move(guards), std::move(w));
    if (!wr) {
      co_return retry_later("store");
    }
    if (!*wr) {
      co_return std::nullopt;  // changed since read: read again
    }
    co_return bus::DeliveryResult{};
  }

  asio::awaitable<bus::DeliveryResult> deliver_tariff(const bus::Delivery& d) {
    Cmds w;
    if (d.payload.find("\"x_hub_deleted\"") != std::string::npos &&
        d.payload.find("\"elements\"") == std::string::npos) {
      auto k = bus::keys::parse_object_key(d.key);
      if (!k) {
        co_return co_await refuse_delivery(d, "malformed key " + d.key);
      }
      auto tid = ochp_tariff_id(k->country_code, k->party_id, k->id);
      if (tid) {
        w.push_back({"HDEL", key::tar(d.source), upper(*tid)});
        w.push_back({"HDEL", key::tar_recipients(d.source), upper(*tid)});
        w.push_back({"ZREM", key::tar_time(d.source), upper(*tid)});
      }
      auto wr = co_await pipe(std::move(w));
      co_return wr ? bus::DeliveryResult{} : retry_later("store");
    }
    auto v = ocpi::decode<model::Tariff>(d.payload, ocpi::DecodeOptions{false});
    if (!v) {
      co_return co_await refuse_delivery(d, "unreadable Tariff: " + v.message());
    }
    auto m = to_ochp(*v.value);
    if (!m) {
      co_return co_await refuse_delivery(d, refusal_text(m.refusal), m.losses);
    }
    const std::string field = upper(m.value->tariff_id);
    w.push_back({"HSET", key::tar(d.source), field, ocpi::encode(*v.value, ocpi::Flavor::canonical)});
    w.push_back({"HSET", key::tar_recipients(d.source), field, ""});
    w.push_back({"ZADD", key::tar_time(d.source), std::to_string(now_ms()), field});
    w.push_back({"SADD", key::kTarParties, d.source});
    note(w, "ocpi_to_ochp", d.source, d.destination, d.kind, d.key, m.losses);
    auto wr = co_await pipe(std::move(w));
    co_return wr ? bus::DeliveryResult{} : retry_later("store");
  }

  asio::awaitable<bus::DeliveryResult> deliver_cdr(const bus::Delivery& d) {
    auto v = ocpi::decode<model::Cdr>(d.payload, ocpi::DecodeOptions{false});
    if (!v) {
      co_return co_await refuse_delivery(d, "unreadable CDR: " + v.message());
    }
    auto m = to_ochp(*v.value);
    if (!m) {
      co_return co_await refuse_delivery(d, refusal_text(m.refusal), m.losses);
    }
    const std::string id = m.value->cdr_id;
    // Claim the CdrId atomically (HSETNX of the OCPI key): two OCPI CDRs whose ids map to the same
    // CdrId may be delivered at once on different lanes; the second is refused, never merged.
    Cmds claim;
    claim.push_back({"HSETNX", key::cdr(id), "o", d.key});
    claim.push_back({"HMGET", key::cdr(id), "s", "cpo", "o"});
    auto claimed = co_await pipe(std::move(claim));
    if (!claimed || claimed->size() != 2 || (*claimed)[1].elements.size() != 3) {
      co_return retry_later("store");
    }
    const auto& known = (*claimed)[1].elements;
    if ((*claimed)[0].integer == 0 && known[2].str != d.key) {
      // (The reason is built before the co_await: g++ 12 miscompiles temporaries of a ?: in a
      // co_await expression.)
      std::string why = "CdrId " + id + " is already taken by ";
      if (known[1].is_nil() || known[1].str == d.source) {
        why += "another CDR of this CPO (" + known[2].str + ")";
      } else {
        why += "another operator";
      }
      co_return co_await refuse_delivery(d, std::move(why));
    }
    if (!known[0].is_nil()) {
      co_return bus::DeliveryResult{};  // delivered before (at-least-once after a crash)
    }
    model::Cdr cdr = std::move(*v.value);
    cdr.status = model::CdrStatus::accepted;
    Cmds w;
    w.push_back({"MULTI"});
    w.push_back({"HSET", key::cdr(id), "d", ocpi::encode(cdr, ocpi::Flavor::canonical), "s", "accepted", "cpo",
                 d.source, "emp", d.destination, "evse", check::evse_key(m.value->evse_id), "u",
                 std::to_string(now_ms()), "o", d.key});
    w.push_back({"SADD", key::cdr_emp(d.destination, "accepted"), id});
    w.push_back({"SADD", key::cdr_cpo(d.source, "accepted"), id});
    w.push_back({"ZADD", key::cdr_by_status("accepted"), std::to_string(now_ms()), id});
    w.push_back({"EXEC"});
    note(w, "ocpi_to_ochp", d.source, d.destination, d.kind, d.key, m.losses);
    auto wr = co_await pipe(std::move(w));
    co_return wr ? bus::DeliveryResult{} : retry_later("store");
  }

  asio::awaitable<bus::DeliveryResult> deliver(const bus::Delivery& d) {
    auto table = registry.snapshot();
    const auto* src = table->find(d.source);
    if (src != nullptr && src->protocol == model::Protocol::ochp) {
      co_return bus::DeliveryResult{};  // OCHP data is in the store already; partners pull it
    }
    switch (d.kind) {
      case bus::Kind::location:
      case bus::Kind::evse:
      case bus::Kind::connector:
        co_return co_await deliver_location(d);
      case bus::Kind::token:
        co_return co_await deliver_token(d);
      case bus::Kind::tariff:
        co_return co_await deliver_tariff(d);
      case bus::Kind::cdr:
        co_return co_await deliver_cdr(d);
      default:
        break;
    }
    // Sessions, commands, charging profiles, client info: OCHP 1.4 has no such interface (an
    // OCHP EMP learns of a session through its CDR). Noted, not delivered.
    Cmds w;
    note(w, "ocpi_to_ochp", d.source, d.destination, d.kind, d.key, {},
         "OCHP 1.4 has no " + std::string(bus::to_string(d.kind)) + " interface");
    auto wr = co_await pipe(std::move(w));
    if (!wr) {
      co_return retry_later("store");
    }
    bus::DeliveryResult out;
    out.reason = "not_carried";
    co_return out;
  }

  asio::awaitable<Result<std::vector<CdrRecord>>> list_cdr_records(std::string status, std::size_t limit) {
    std::vector<CdrRecord> out;
    if (limit == 0) {
      co_return out;
    }
    // Oldest change first, one page of `limit` ids from the per-status index.
    Cmd page_cmd{"ZRANGE", key::cdr_by_status(status), "0", std::to_string(limit - 1)};
    auto ids = co_await cmd(std::move(page_cmd));
    if (!ids || ids->is_error()) {
      co_return make_error_code(Errc::unavailable);
    }
    Cmds reads;
    for (const auto& id : ids->elements) {
      reads.push_back({"HMGET", key::cdr(id.str), "s", "cpo", "emp", "evse", "u"});
    }
    auto r = co_await pipe(std::move(reads));
    if (!r) {
      co_return r.error();
    }
    for (std::size_t i = 0; i < r->size(); ++i) {
      const auto& e = (*r)[i].elements;
      if (e.size() != 5 || e[0].is_nil() || e[0].str != status) {
        continue;
      }
      CdrRecord rec{ids->elements[i].str, e[0].str, e[1].str, e[2].str, e[3].str, 0};
      try {
        rec.updated_ms = std::stoll(e[4].str);
      } catch (...) {
      }
      out.push_back(std::move(rec));
    }
    co_return out;
  }
};

// ------------------------------------------------------------------ public

ClearingHouse::ClearingHouse(asio::any_io_executor redis_executor, store::RedisClient& redis,
                             routing::Registry& registry, bus::Bus& bus, ServiceOptions options,
                             metrics::Metrics* metrics)
    : impl_(std::make_unique<Impl>(std::move(redis_executor), redis, registry, bus, std::move(options), metrics)) {}

ClearingHouse::~ClearingHouse() = default;

bool ClearingHouse::handles(std::string_view path) noexcept {
  if (auto q = path.find('?'); q != std::string_view::npos) {
    path = path.substr(0, q);
  }
  while (path.size() > 1 && path.back() == '/') {
    path.remove_suffix(1);
  }
  return path == "/service/ochp/v1.4" || path == "/live/ochp/v1.4" || path == "/direct/ochp/v1.4";
}

asio::awaitable<bus::DeliveryResult> ClearingHouse::deliver(const bus::Delivery& delivery) {
  auto r = co_await impl_->deliver(delivery);
  co_return r;
}

asio::awaitable<Result<std::vector<CdrRecord>>> ClearingHouse::cdrs(std::string status, std::size_t limit) {
  auto r = co_await impl_->list_cdr_records(std::move(status), limit);
  co_return r;
}

asio::awaitable<http::Response> ClearingHouse::handle(http::Request& req) {
  if (req.method == "GET") {
    http::Response res;
    res.status = 404;
    res.content_type = "text/plain";
    res.body = "no WSDL is served here; use the official OCHP 1.4 WSDL with this address\n";
    co_return res;
  }
  if (req.method != "POST") {
    http::Response res;
    res.status = 405;
    res.content_type = "text/plain";
    res.headers.add("Allow", "POST, GET");
    res.body = "POST a SOAP 1.1 envelope\n";
    co_return res;
  }
  Result<Envelope> parsed = parse_request(req.body, impl_->options.limits);
  std::string().swap(req.body);  // the decoded request is all we need from here on
  if (!parsed) {
    const auto e = static_cast<Errc>(parsed.error().value());
    std::string message = "request refused: " + std::string(name(e));
    co_return fault(fault_code_for(e), message);
  }
  Envelope& env = *parsed;
  auto caller = impl_->authenticate(env);
  if (!caller) {
    const Operation op = operation_of(env.request);
    auto r = result_only(op, result_of("not-authorized", "WS-Security UsernameToken (PasswordText) not accepted"));
    if (!r) {
      co_return fault(FaultCode::client, "not authorized: WS-Security UsernameToken (PasswordText) not accepted");
    }
    co_return respond(*r);
  }
  auto res = co_await impl_->dispatch(*caller, env);
  co_return res;
}

}  // namespace hub::ochp
