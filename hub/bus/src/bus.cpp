// SPDX-License-Identifier: GPL-2.0-or-later
#include <hub/bus/bus.hpp>

#include "scripts.hpp"

#include <hub/store/redis.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <chrono>
#include <iterator>
#include <map>

namespace hub::bus {
namespace {

namespace asio = boost::asio;

constexpr std::array<std::pair<Kind, std::string_view>, 12> kKinds{{
    {Kind::location, "location"},
    {Kind::evse, "evse"},
    {Kind::connector, "connector"},
    {Kind::evse_status, "evse_status"},
    {Kind::tariff, "tariff"},
    {Kind::token, "token"},
    {Kind::session, "session"},
    {Kind::cdr, "cdr"},
    {Kind::command, "command"},
    {Kind::command_result, "command_result"},
    {Kind::charging_profile, "charging_profile"},
    {Kind::client_info, "client_info"},
}};

std::uint64_t fnv1a(std::string_view data, std::uint64_t seed = 14695981039346656037ull) noexcept {
  std::uint64_t h = seed;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string hex(std::uint64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kHex[v & 0xf];
    v >>= 4;
  }
  return out;
}

/// Content digest of a state: two independent 64-bit hashes plus the length. (Both FNV-1a
/// chains in one loop: the same values as two passes, at the latency of one.)
std::string digest(std::string_view payload) {
  std::uint64_t a = 14695981039346656037ull;
  std::uint64_t b = 0x9e3779b97f4a7c15ull;
  for (unsigned char c : payload) {
    a = (a ^ c) * 1099511628211ull;
    b = (b ^ c) * 1099511628211ull;
  }
  return hex(a) + hex(b) + std::to_string(payload.size());
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string_view to_string(Kind k) noexcept {
  for (const auto& [kind, name] : kKinds) {
    if (kind == k) {
      return name;
    }
  }
  return "cdr";
}

std::optional<Kind> kind_from_string(std::string_view s) noexcept {
  for (const auto& [kind, name] : kKinds) {
    if (name == s) {
      return kind;
    }
  }
  return std::nullopt;
}

bool coalescible(Kind k) noexcept {
  return k != Kind::cdr && k != Kind::command && k != Kind::command_result && k != Kind::charging_profile;
}

namespace keys {
std::string lane_stream(std::string_view destination, unsigned lane) {
  return "hub:q:" + std::string(destination) + ":" + std::to_string(lane);
}
std::string object_state(std::string_view destination, Kind kind, std::string_view key) {
  return "hub:obj:" + std::string(destination) + ":" + std::string(to_string(kind)) + ":" + std::string(key);
}
unsigned lane_of(Kind kind, std::string_view key, unsigned lanes) noexcept {
  // Objects of one ordering group (the key up to '|') share a lane, so that a Location and its
  // EVSEs and connectors ("NL/ABC/LOC1", "NL/ABC/LOC1|EVSE1") reach a receiver in push order.
  auto group = key.substr(0, key.find('|'));
  bool location_family =
      kind == Kind::location || kind == Kind::evse || kind == Kind::connector || kind == Kind::evse_status;
  auto h = fnv1a(group, fnv1a(location_family ? std::string_view("location") : to_string(kind)));
  return lanes == 0 ? 0 : static_cast<unsigned>(h % lanes);
}
}  // namespace keys

struct Bus::Impl {
  asio::any_io_executor executor;
  store::RedisClient& redis;
  BusOptions options;
  std::string publish_sha;  ///< SHA1 of kPublish once loaded (EVALSHA saves sending the script)
  /// Combined scripts by Write script text (a few constants of the protocol adapters).
  std::map<std::string, std::string, std::less<>> combined;

  asio::awaitable<Written> write_and_publish(Write write, std::vector<Event> events);

  asio::awaitable<bool> load_script() {
    std::vector<std::string> cmd{"SCRIPT", "LOAD", scripts::kPublish};
    auto r = co_await redis.command(std::move(cmd));
    if (!r || r->is_error()) {
      co_return false;
    }
    publish_sha = r->str;
    co_return true;
  }

  /// kPublish's 3 keys and 9 arguments for `e`; takes e.payload (moved, not copied).
  std::vector<std::string> publish_args(Event& e, unsigned& lane) const {
    lane = keys::lane_of(e.kind, e.key, options.lanes);
    auto stream = keys::lane_stream(e.destination, lane);
    auto sum = digest(e.payload);
    auto ttl = coalescible(e.kind) ? std::string("0")
                                   : std::to_string(std::chrono::duration_cast<std::chrono::seconds>(options.dedupe_ttl).count());
    // Built element by element: a braced list would copy every string, the payload included.
    std::vector<std::string> args;
    args.reserve(12);
    args.push_back(stream);
    args.push_back(keys::object_state(e.destination, e.kind, e.key));
    args.emplace_back(keys::kActive);
    args.push_back(e.source);
    args.emplace_back(to_string(e.kind));
    args.push_back(e.key);
    args.push_back(std::move(e.payload));
    args.push_back(std::to_string(now_ms()));
    args.push_back(std::move(sum));
    args.push_back(std::move(ttl));
    args.emplace_back(keys::kNotify);
    args.push_back(std::move(stream));
    return args;
  }

  /// The publish command of `e` (EVALSHA once the script is loaded).
  std::vector<std::string> command_for(Event& e, unsigned& lane) const {
    auto args = publish_args(e, lane);
    std::vector<std::string> cmd;
    cmd.reserve(3 + args.size());
    cmd.emplace_back(publish_sha.empty() ? "EVAL" : "EVALSHA");
    cmd.emplace_back(publish_sha.empty() ? std::string(scripts::kPublish) : publish_sha);
    cmd.emplace_back("3");
    std::move(args.begin(), args.end(), std::back_inserter(cmd));
    return cmd;
  }

  static Result<Published> decode(const Event& e, unsigned lane, const store::Reply& r) {
    if (r.is_error() || r.elements.size() != 2) {
      return make_error_code(Errc::internal);
    }
    Published p;
    p.duplicate = r.elements[0].integer == 0;
    p.id = e.destination + ":" + std::to_string(lane) + ":" + r.elements[1].str;
    return p;
  }

  asio::awaitable<std::vector<Result<Published>>> run(std::vector<Event> events) {
    std::vector<Result<Published>> out;
    std::vector<std::vector<std::string>> cmds;
    std::vector<unsigned> lanes(events.size());
    std::vector<std::size_t> sent;
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (!events[i].destination.empty() && !events[i].key.empty()) {
        sent.push_back(i);
      }
    }
    out.assign(events.size(), Result<Published>(make_error_code(Errc::invalid_request)));
    if (sent.empty()) {
      co_return out;
    }
    if (publish_sha.empty()) {
      co_await load_script();  // when it fails, the commands carry the script (EVAL)
    }
    for (auto i : sent) {
      cmds.push_back(command_for(events[i], lanes[i]));
    }
    auto replies = co_await redis.pipeline(cmds);
    // After a Redis restart or SCRIPT FLUSH the script cache is empty: load it again, resend once.
    bool missing_script = false;
    if (replies) {
      for (const auto& r : replies.value()) {
        missing_script = missing_script || (r.is_error() && r.str.rfind("NOSCRIPT", 0) == 0);
      }
    }
    if (missing_script) {
      bool loaded = co_await load_script();
      for (auto& c : cmds) {
        c[0] = loaded ? "EVALSHA" : "EVAL";
        c[1] = loaded ? publish_sha : std::string(scripts::kPublish);
      }
      replies = co_await redis.pipeline(std::move(cmds));
    }
    for (std::size_t j = 0; j < sent.size(); ++j) {
      auto i = sent[j];
      if (!replies) {
        out[i] = replies.error();
      } else {
        out[i] = decode(events[i], lanes[i], replies.value()[j]);
      }
    }
    co_return out;
  }
};

namespace {

/// A script body rewritten to read its keys and arguments at offsets into the globals:
/// KEYS[n] -> KEYS[ko + n], ARGV[n] -> ARGV[ao + n], #ARGV -> na (copying them into tables of
/// their own per call cost about a fifth of a small script's time). The bodies given here use
/// no other form of KEYS or ARGV (checked by the bus tests running them).
std::string at_offsets(std::string_view body) {
  std::string out;
  out.reserve(body.size() + body.size() / 4);
  for (std::size_t i = 0; i < body.size();) {
    auto rest = body.substr(i);
    if (rest.rfind("KEYS[", 0) == 0) {
      out += "KEYS[ko + ";
      i += 5;
    } else if (rest.rfind("ARGV[", 0) == 0) {
      out += "ARGV[ao + ";
      i += 5;
    } else if (rest.rfind("#ARGV", 0) == 0) {
      out += "na";
      i += 5;
    } else {
      out += body[i++];
    }
  }
  return out;
}

/// The combined script of a Write and the publishes it causes: both bodies as local functions
/// reading the global KEYS and ARGV at offsets (at_offsets), then a driver. ARGV[1], ARGV[2]:
/// the write's key and argument counts; the write's keys and arguments follow, then 3 keys and
/// 9 arguments per event (Impl::publish_args's layout). Returns {write's reply, {new, id} per
/// event}, or {-1} alone when the write refused itself (kWriteRefused): no event is queued then.
std::string combined_script(std::string_view write) {
  std::string s;
  s.reserve(write.size() + std::char_traits<char>::length(scripts::kPublish) + 1000);
  s += "local function write(ko, ao, na)\n";
  s += at_offsets(write);
  s += "\nend\nlocal function publish(ko, ao, na)\n";
  s += at_offsets(scripts::kPublish);
  s += R"lua(
end
local nk = tonumber(ARGV[1])
local na = tonumber(ARGV[2])
local w = write(0, 2, na)
if w == -1 then return {w} end
local out = {w}
local ki, ai = nk, 2 + na
while ki < #KEYS do
  out[#out + 1] = publish(ki, ai, 9)
  ki, ai = ki + 3, ai + 9
end
return out
)lua";
  return s;
}

}  // namespace

asio::awaitable<Written> Bus::Impl::write_and_publish(Write write, std::vector<Event> events) {
  Written out;
  out.published.assign(events.size(), Result<Published>(make_error_code(Errc::invalid_request)));
  auto it = combined.find(write.script);
  if (it == combined.end()) {
    it = combined.emplace(std::string(write.script), combined_script(write.script)).first;
  }
  std::vector<std::string> cmd;
  std::vector<std::size_t> sent;
  std::vector<unsigned> lanes(events.size());
  std::vector<std::vector<std::string>> per_event;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].destination.empty() || events[i].key.empty()) {
      continue;
    }
    per_event.push_back(publish_args(events[i], lanes[i]));
    sent.push_back(i);
  }
  cmd.reserve(5 + write.keys.size() + write.args.size() + per_event.size() * 12);
  cmd.emplace_back("EVAL");
  cmd.push_back(it->second);
  cmd.push_back(std::to_string(write.keys.size() + 3 * per_event.size()));
  for (auto& k : write.keys) {
    cmd.push_back(std::move(k));
  }
  for (auto& e : per_event) {  // keys: elements 0..2
    for (std::size_t j = 0; j < 3; ++j) {
      cmd.push_back(std::move(e[j]));
    }
  }
  cmd.push_back(std::to_string(write.keys.size()));
  cmd.push_back(std::to_string(write.args.size()));
  for (auto& a : write.args) {
    cmd.push_back(std::move(a));
  }
  for (auto& e : per_event) {  // arguments: elements 3..11
    for (std::size_t j = 3; j < e.size(); ++j) {
      cmd.push_back(std::move(e[j]));
    }
  }
  auto r = co_await redis.command(std::move(cmd));
  if (!r) {
    out.write = r.error();
    for (auto i : sent) {
      out.published[i] = r.error();
    }
    co_return out;
  }
  if (!r->is_error() && r->type == store::Reply::Type::array && r->elements.size() == 1 &&
      r->elements[0].type == store::Reply::Type::integer && r->elements[0].integer == kWriteRefused) {
    // The write refused itself (what it expected to find had changed): nothing was queued.
    out.write = std::move(r->elements[0]);
    for (auto i : sent) {
      out.published[i] = make_error_code(Errc::conflict);
    }
    co_return out;
  }
  if (r->is_error() || r->type != store::Reply::Type::array || r->elements.size() != sent.size() + 1) {
    if (r->is_error()) {
      out.write = std::move(*r);  // the script's error, for the caller's log
    } else {
      out.write = make_error_code(Errc::internal);
    }
    for (auto i : sent) {
      out.published[i] = make_error_code(Errc::internal);
    }
    co_return out;
  }
  out.write = std::move(r->elements[0]);
  for (std::size_t j = 0; j < sent.size(); ++j) {
    out.published[sent[j]] = decode(events[sent[j]], lanes[sent[j]], r->elements[j + 1]);
  }
  co_return out;
}

asio::awaitable<Written> Bus::write_and_publish(Write write, std::vector<Event> events) {
  auto impl = impl_;
  co_return co_await asio::co_spawn(impl->executor, impl->write_and_publish(std::move(write), std::move(events)),
                                    asio::use_awaitable);
}

Bus::Bus(asio::any_io_executor redis_executor, store::RedisClient& redis, BusOptions options)
    : impl_(std::make_shared<Impl>(Impl{std::move(redis_executor), redis, options})) {}

Bus::~Bus() = default;

const BusOptions& Bus::options() const noexcept { return impl_->options; }

asio::awaitable<Result<Published>> Bus::publish(Event event) {
  std::vector<Event> one;
  one.push_back(std::move(event));
  auto impl = impl_;
  auto results = co_await asio::co_spawn(impl->executor, impl->run(std::move(one)), asio::use_awaitable);
  co_return std::move(results.front());
}

asio::awaitable<std::vector<Result<Published>>> Bus::publish_many(std::vector<Event> events) {
  auto impl = impl_;
  co_return co_await asio::co_spawn(impl->executor, impl->run(std::move(events)), asio::use_awaitable);
}

namespace keys {

namespace {

std::string unescape(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int h = hex(s[i + 1]);
      const int l = hex(s[i + 2]);
      if (h >= 0 && l >= 0) {
        out += static_cast<char>(h * 16 + l);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

}  // namespace

std::optional<ObjectKey> parse_object_key(std::string_view key) {
  if (auto q = key.find('?'); q != std::string_view::npos) {
    key = key.substr(0, q);
  }
  auto a = key.find('/');
  auto b = a == std::string_view::npos ? a : key.find('/', a + 1);
  if (b == std::string_view::npos) {
    return std::nullopt;
  }
  ObjectKey k;
  k.country_code = unescape(key.substr(0, a));
  k.party_id = unescape(key.substr(a + 1, b - a - 1));
  auto rest = key.substr(b + 1);
  auto bar = rest.find('|');
  k.id = unescape(rest.substr(0, bar));
  if (bar != std::string_view::npos) {
    auto ev = rest.substr(bar + 1);
    auto slash = ev.find('/');
    k.evse_uid = unescape(ev.substr(0, slash));
    if (slash != std::string_view::npos) {
      k.connector_id = unescape(ev.substr(slash + 1));
    }
  }
  if (k.country_code.empty() || k.party_id.empty() || k.id.empty()) {
    return std::nullopt;
  }
  return k;
}

}  // namespace keys

}  // namespace hub::bus
