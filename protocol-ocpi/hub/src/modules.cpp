// SPDX-License-Identifier: GPL-2.0-or-later
// The functional modules of the hub role: pushes, GETs, authorisation, commands, charging profiles.
#include "impl.hpp"

#include <ocpi/codec.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <iterator>
#include <random>

namespace hub::ocpi {
namespace {

namespace asio = boost::asio;

std::string random_hex(std::size_t bytes) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) {
    auto b = static_cast<unsigned>(rng() & 0xFF);
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

bool same(std::string_view a, std::string_view b) { return http::iequals(a, b); }

http::Response invalid(std::string_view message) { return wire::reply(200, 2001, message); }

template <class T>
http::Response invalid(const Decoded<T>& d) {
  return wire::reply(200, 2001, d.message());
}

/// "{...}" with the hub's routing member placed first.
std::string with_route(const std::string& json, const model::PartyRef& from, const model::PartyRef& to,
                       std::string_view extra = {}) {
  std::string route = "\"x_hub_route\":\"" + from.country_code + " " + from.party_id + " " + to.country_code + " " +
                      to.party_id + "\"";
  if (!extra.empty()) {
    route += ",";
    route += extra;
  }
  auto brace = json.find('{');
  if (brace == std::string::npos) {
    return "{" + route + "}";
  }
  auto rest = std::string_view(json).substr(brace + 1);
  auto first = rest.find_first_not_of(" \t\r\n");
  bool empty = first != std::string_view::npos && rest[first] == '}';
  return "{" + route + (empty ? "" : ",") + std::string(rest);
}

/// The OCPI 2.2.1 form of a stored canonical object (drops the x_hub_* members).
template <class T>
std::string to_wire(const std::string& canonical) {
  auto d = decode<T>(canonical, DecodeOptions{false});
  return d ? encode(*d.value, Flavor::ocpi221) : canonical;
}

std::string query_of(const http::Request& req) {
  auto q = req.target.find('?');
  return q == std::string::npos ? std::string() : req.target.substr(q);
}

std::string escape_segment(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~' || c == '*' || c == ':' || c == '+') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

/// The query string with one parameter's value replaced.
std::string replace_query(const std::string& query, std::string_view name, std::string_view value) {
  std::string out;
  std::string_view q = query;
  if (!q.empty() && q.front() == '?') {
    q.remove_prefix(1);
  }
  while (!q.empty()) {
    auto amp = q.find('&');
    auto part = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    auto eq = part.find('=');
    auto key = part.substr(0, eq);
    out += out.empty() ? "?" : "&";
    if (key == name) {
      out += std::string(name) + "=" + escape_segment(value);
    } else {
      out += part;
    }
  }
  return out;
}

std::optional<model::PartyRef> member_owner(std::string_view member) {
  // "CC:PID:ID"
  if (member.size() < 7 || member[2] != ':' || member[6] != ':') {
    return std::nullopt;
  }
  return model::PartyRef{std::string(member.substr(0, 2)), std::string(member.substr(3, 3))};
}

const std::vector<model::Role> kCpoAudience{model::Role::emsp, model::Role::nsp, model::Role::other, model::Role::scsp};
const std::vector<model::Role> kEmspAudience{model::Role::cpo};

}  // namespace

asio::awaitable<http::Response> OcpiHub::Impl::functional(Ctx& ctx, std::string_view interface, std::string_view module,
                                                          std::vector<std::string> rest) {
  // Not a coroutine: the checks all requests share, then the handling's own awaitable.
  static constexpr std::string_view kModules[] = {"locations", "sessions", "cdrs",    "tariffs",
                                                  "tokens",    "commands", "chargingprofiles"};
  if (std::find(std::begin(kModules), std::end(kModules), module) == std::end(kModules)) {
    return ready(wire::reply(404, 2000, "no such module"));
  }
  std::string header_error;
  ctx.routing = wire::routing_headers(ctx.req.headers, header_error);
  if (!header_error.empty()) {
    return ready(invalid(header_error));
  }
  const auto& party = *ctx.party;
  model::PartyRef from;
  if (ctx.routing.from) {
    if (!holds(party, *ctx.routing.from)) {
      return ready(
          invalid("OCPI-from-country-code/OCPI-from-party-id name a role the authenticated party does not hold"));
    }
    from = *ctx.routing.from;
  } else if (!party.roles.empty()) {
    from = party.roles.front().ref;
  }
  ctx.routing.from = from;
  if (ctx.routing.to && same_ref(*ctx.routing.to, options.hub_ref)) {
    ctx.routing.to.reset();  // addressed to the hub: broadcast / GET-All / open routing
  }
  const std::string_view m = ctx.req.method;
  if (interface == "SENDER" && m == "GET" && ctx.routing.to && module != "commands" && module != "chargingprofiles") {
    // A GET addressed to one party, the most common request: the forward's own awaitable,
    // which routes its answer back itself (one coroutine frame fewer than dispatch).
    return sender_get(ctx, module, std::move(rest), std::move(from));
  }
  return dispatch(ctx, interface, module, std::move(rest), std::move(from));
}

void OcpiHub::Impl::route_back(http::Response& r, const std::optional<model::PartyRef>& to) const {
  if (to && r.header("OCPI-to-party-id").empty()) {
    wire::set_routing_fields(r.fields, to, options.hub_ref);
  }
}

http::Response OcpiHub::Impl::routed_back(http::Response r, const std::optional<model::PartyRef>& to) const {
  route_back(r, to);
  return r;
}

asio::awaitable<http::Response> OcpiHub::Impl::dispatch(Ctx& ctx, std::string_view interface, std::string_view module,
                                                        std::vector<std::string> rest, model::PartyRef from) {
  const std::string_view m = ctx.req.method;  // compared with literals without strlen
  http::Response r;
  if (interface == "RECEIVER") {
    if (module == "locations" && (m == "PUT" || m == "PATCH") && rest.size() >= 3 && rest.size() <= 5) {
      r = co_await locations_push(ctx, from, std::move(rest));
    } else if ((module == "sessions" || module == "tokens") && (m == "PUT" || m == "PATCH") && rest.size() == 3) {
      r = co_await object_push(ctx, from, module, std::move(rest));
    } else if (module == "tariffs" && (m == "PUT" || m == "DELETE") && rest.size() == 3) {
      r = co_await object_push(ctx, from, module, std::move(rest));
    } else if (module == "cdrs" && m == "POST" && rest.empty()) {
      r = co_await cdr_post(ctx, from);
      if (r.status == 200) {
        r.status = 400;  // the cdrs Receiver POST answers 201 or 400 (official OpenAPI description)
      }
    } else if (module == "commands" && m == "POST" && rest.size() == 1) {
      r = co_await command(ctx, rest[0]);
    } else if (module == "chargingprofiles" && (m == "GET" || m == "PUT" || m == "DELETE") && rest.size() == 1) {
      r = co_await charging_profile(ctx, interface, rest[0]);
    } else if (module == "cdrs" && m == "GET" && rest.size() == 1 && rest[0].size() > 7 && rest[0][2] == ':' &&
               rest[0][6] == ':') {
      // The Location the hub handed out for a POSTed CDR: "CC:PID:ID".
      std::vector<std::string> parts{rest[0].substr(0, 2), rest[0].substr(3, 3), rest[0].substr(7)};
      r = co_await receiver_get(ctx, module, std::move(parts));
    } else if (m == "GET" && rest.size() >= 3 && module != "commands" && module != "chargingprofiles") {
      r = co_await receiver_get(ctx, module, std::move(rest));
    } else {
      r = wire::reply(405, 2000, "method or path not supported on this receiver interface");
    }
  } else {
    if (m == "GET" && module != "commands" && module != "chargingprofiles") {
      r = co_await sender_get(ctx, module, std::move(rest));
    } else if (module == "tokens" && m == "POST" && rest.size() == 2 && rest[1] == "authorize") {
      r = co_await authorize(ctx, rest[0]);
    } else if (module == "sessions" && m == "PUT" && rest.size() == 2 && rest[1] == "charging_preferences") {
      Target t;
      if (ctx.routing.to) {
        t = find_target(*ctx.table, *ctx.routing.to);
      } else {
        auto owners = co_await store.owners("sessions", rest[0]);
        if (owners && !owners->empty()) {
          if (auto ref = member_owner(owners->front())) {
            t = find_target(*ctx.table, *ref);
          }
        }
      }
      if (t.party == nullptr) {
        r = wire::reply(200, 4001, "unknown receiver for this session");
      } else {
        std::string suffix = "/" + escape_segment(rest[0]) + "/charging_preferences";
        std::string body = ctx.req.body;
        r = co_await forward(ctx, t, "sessions", "SENDER", std::move(suffix), std::move(body), options.forward_timeout);
      }
    } else if (module == "chargingprofiles" && m == "PUT" && rest.size() == 1) {
      r = co_await charging_profile(ctx, interface, rest[0]);
    } else {
      r = wire::reply(405, 2000, "method or path not supported on this sender interface");
    }
  }
  co_return routed_back(std::move(r), from);
}

std::vector<bus::Event> OcpiHub::Impl::events_for(const Ctx& ctx, const std::vector<Target>& targets, bus::Kind kind,
                                                  const std::string& key, const std::string& canonical, bool broadcast,
                                                  const model::PartyRef& from) const {
  std::vector<bus::Event> events;
  events.reserve(targets.size());
  for (const auto& t : targets) {
    events.push_back({ctx.party->id, t.party->id, kind, key, with_route(canonical, broadcast ? options.hub_ref : from, t.ref)});
  }
  return events;
}

asio::awaitable<http::Response> OcpiHub::Impl::publish(Ctx& ctx, const std::vector<Target>& targets, bus::Kind kind,
                                                       std::string key, const std::string& canonical, bool broadcast,
                                                       const model::PartyRef& from, http::Response ok) {
  auto events = events_for(ctx, targets, kind, key, canonical, broadcast, from);
  if (events.empty()) {
    co_return ok;
  }
  auto results = co_await bus.publish_many(std::move(events));
  for (const auto& res : results) {
    if (!res) {
      log->warn("{}", hub::log::with("push not queued", {{"key", key}, {"error", res.error().message()}}));
      co_return wire::reply(200, 3000, "the hub could not queue the push; send it again");
    }
  }
  co_return ok;
}

asio::awaitable<Result<int>> OcpiHub::Impl::store_and_publish(Ctx& ctx, const std::vector<Target>& targets,
                                                              bus::Kind kind, const std::string& key,
                                                              const std::string& canonical, bool broadcast,
                                                              const model::PartyRef& from, bus::Write write) {
  auto events = events_for(ctx, targets, kind, key, canonical, broadcast, from);
  auto written = co_await bus.write_and_publish(std::move(write), std::move(events));
  auto existed = ObjectStore::put_result(written.write);
  if (existed && *existed == ObjectStore::kRefused) {
    co_return existed;  // changed since it was read: the caller merges again
  }
  if (existed) {
    for (const auto& res : written.published) {
      if (!res) {
        existed = res.error();
        break;
      }
    }
  }
  if (!existed) {
    std::string why = existed.error().message();
    if (written.write && written.write->is_error()) {
      why = written.write->str;
    }
    log->warn("{}", hub::log::with("push not stored and queued", {{"key", key}, {"error", why}}));
  }
  co_return existed;
}

asio::awaitable<http::Response> OcpiHub::Impl::locations_push(Ctx& ctx, const model::PartyRef& from,
                                                              const std::vector<std::string>& rest) {
  KeyedLocks::Held held;
  if (ctx.req.method == "PATCH" || rest.size() > 3) {
    std::string object = "locations:" + ObjectStore::member(model::PartyRef{rest[0], rest[1]}, rest[2]);
    held = co_await merges.lock(std::move(object));
  }
  for (int attempt = 0; attempt < kMergeAttempts; ++attempt) {
    auto r = co_await locations_push_once(ctx, from, rest);
    if (r) {
      co_return std::move(*r);
    }
  }
  co_return wire::reply(200, 3000, "the location kept changing while this push was merged into it; send it again");
}

asio::awaitable<http::Response> OcpiHub::Impl::object_push(Ctx& ctx, const model::PartyRef& from,
                                                           std::string_view module,
                                                           const std::vector<std::string>& rest) {
  KeyedLocks::Held held;
  if (ctx.req.method == "PATCH") {
    std::string id = rest[2];
    if (module == "tokens") {
      auto type = ctx.req.query("type");
      id += "#" + std::string(type.empty() ? "RFID" : type);
    }
    std::string object = std::string(module) + ":" + ObjectStore::member(model::PartyRef{rest[0], rest[1]}, id);
    held = co_await merges.lock(std::move(object));
  }
  for (int attempt = 0; attempt < kMergeAttempts; ++attempt) {
    auto r = co_await object_push_once(ctx, from, module, rest);
    if (r) {
      co_return std::move(*r);
    }
  }
  co_return wire::reply(200, 3000, "the object kept changing while this PATCH was merged into it; send it again");
}

asio::awaitable<std::optional<http::Response>> OcpiHub::Impl::locations_push_once(Ctx& ctx,
                                                                                  const model::PartyRef& from,
                                                                                  std::vector<std::string> rest) {
  auto owner = model::make_party_ref(rest[0], rest[1]);
  if (!owner) {
    co_return invalid("country_code/party_id in the URL are malformed");
  }
  if (!holds(*ctx.party, *owner)) {
    co_return invalid("the URL's country_code/party_id are not a role of the sender");
  }
  bool patch = ctx.req.method == "PATCH";
  // A full Location PUT is parsed once, by its decoding; whether a refused body was a JSON
  // object at all (400 rather than 200 + 2001) is asked only then.
  const bool full_put = !patch && rest.size() == 3;
  if (!full_put && !wire::is_object(ctx.req.body)) {
    co_return wire::reply(400, 2001, "body must be a JSON object");
  }
  // A full Location PUT replaces what is kept; a PATCH and the EVSE and connector paths merge
  // into the stored Location.
  std::optional<std::string> stored;
  if (patch || rest.size() > 3) {
    auto got = co_await store.get("locations", *owner, rest[2]);
    if (!got) {
      co_return wire::reply(200, 3000, "store unavailable; try again");
    }
    stored = std::move(*got);
  }
  model::Location loc;
  bus::Kind kind = bus::Kind::location;
  std::string key = key_escape(owner->country_code) + "/" + key_escape(owner->party_id) + "/" + key_escape(rest[2]);
  std::string payload;
  if (rest.size() == 3) {
    Decoded<model::Location> d;
    if (patch) {
      if (!stored) {
        co_return wire::reply(404, 2003, "unknown location: PUT the full Location first");
      }
      auto merged = merge_patch(*stored, ctx.req.body);
      if (!merged) {
        co_return invalid("PATCH must be a JSON object with last_updated");
      }
      d = decode<model::Location>(*merged);
    } else {
      d = decode<model::Location>(ctx.req.body);
    }
    if (!d) {
      if (full_put && !wire::is_object(ctx.req.body)) {
        co_return wire::reply(400, 2001, "body must be a JSON object");
      }
      co_return invalid(d);
    }
    loc = std::move(*d.value);
    if (!same(loc.country_code, owner->country_code) || !same(loc.party_id, owner->party_id) || !same(loc.id, rest[2])) {
      co_return invalid("country_code, party_id and id in the body must match the URL");
    }
    payload = encode(loc, Flavor::canonical);
  } else {
    if (!stored) {
      co_return wire::reply(404, 2003, "unknown location: PUT the full Location before its EVSEs");
    }
    auto d = decode<model::Location>(*stored, DecodeOptions{false});
    if (!d) {
      co_return wire::reply(200, 3000, "stored location unreadable");
    }
    loc = std::move(*d.value);
    auto evse_it = std::find_if(loc.evses.begin(), loc.evses.end(), [&](const model::Evse& e) { return same(e.uid, rest[3]); });
    key += "|" + key_escape(rest[3]);
    if (rest.size() == 4) {
      kind = bus::Kind::evse;
      Decoded<model::Evse> e;
      if (patch) {
        if (evse_it == loc.evses.end()) {
          co_return wire::reply(404, 2001, "unknown EVSE: PUT it first");
        }
        auto merged = merge_patch(encode(*evse_it, Flavor::canonical), ctx.req.body);
        if (!merged) {
          co_return invalid("PATCH must be a JSON object with last_updated");
        }
        e = decode<model::Evse>(*merged);
      } else {
        e = decode<model::Evse>(ctx.req.body);
      }
      if (!e) {
        co_return invalid(e);
      }
      if (!same(e.value->uid, rest[3])) {
        co_return invalid("uid in the body must match the URL");
      }
      payload = encode(*e.value, Flavor::canonical);
      loc.last_updated = std::max(loc.last_updated, e.value->last_updated);
      if (evse_it == loc.evses.end()) {
        loc.evses.push_back(std::move(*e.value));
      } else {
        *evse_it = std::move(*e.value);
      }
    } else {
      kind = bus::Kind::connector;
      if (evse_it == loc.evses.end()) {
        co_return wire::reply(404, 2001, "unknown EVSE: PUT it before its connectors");
      }
      auto& evse = *evse_it;
      auto conn_it = std::find_if(evse.connectors.begin(), evse.connectors.end(),
                                  [&](const model::Connector& c) { return same(c.id, rest[4]); });
      key += "/" + key_escape(rest[4]);
      Decoded<model::Connector> c;
      if (patch) {
        if (conn_it == evse.connectors.end()) {
          co_return wire::reply(404, 2001, "unknown connector: PUT it first");
        }
        auto merged = merge_patch(encode(*conn_it, Flavor::canonical), ctx.req.body);
        if (!merged) {
          co_return invalid("PATCH must be a JSON object with last_updated");
        }
        c = decode<model::Connector>(*merged);
      } else {
        c = decode<model::Connector>(ctx.req.body);
      }
      if (!c) {
        co_return invalid(c);
      }
      if (!same(c.value->id, rest[4])) {
        co_return invalid("id in the body must match the URL");
      }
      payload = encode(*c.value, Flavor::canonical);
      evse.last_updated = std::max(evse.last_updated, c.value->last_updated);
      loc.last_updated = std::max(loc.last_updated, c.value->last_updated);
      if (conn_it == evse.connectors.end()) {
        evse.connectors.push_back(std::move(*c.value));
      } else {
        *conn_it = std::move(*c.value);
      }
    }
  }
  std::vector<Target> targets;
  bool broadcast = !ctx.routing.to;
  if (ctx.routing.to) {
    auto t = find_target(*ctx.table, *ctx.routing.to);
    if (t.party == nullptr) {
      co_return wire::reply(200, 4001, "unknown receiver");
    }
    targets.push_back(t);
  } else {
    targets = broadcast_targets(*ctx.table, "locations", kCpoAudience, ctx.party->id);
  }
  std::vector<std::string> visible;
  if (!broadcast) {
    visible.push_back(targets.front().party->id);
  }
  // For a full Location the pushed object is the stored one: encoded once. (Not a ?: inside the
  // co_await expression: g++ 12 destroys such a temporary twice.)
  std::string document;
  if (rest.size() == 3) {
    document = payload;
  } else {
    document = encode(loc, Flavor::canonical);
  }
  std::optional<IfUnchanged> condition;
  if (patch || rest.size() > 3) {
    condition = IfUnchanged{std::move(stored)};  // merged into what was read
  }
  auto write = ObjectStore::put_write("locations", *owner, loc.id, std::move(document), loc.last_updated.unix_ms(),
                                      std::move(visible), std::move(condition));
  auto existed = co_await store_and_publish(ctx, targets, kind, key, payload, broadcast, from, std::move(write));
  if (!existed) {
    co_return wire::reply(200, 3000, "the hub could not store and queue the push; send it again");
  }
  if (*existed == ObjectStore::kRefused) {
    co_return std::nullopt;
  }
  bool created = rest.size() == 3 ? !*existed : true;
  co_return wire::reply(created && !patch ? 201 : 200, 1000, "");
}

asio::awaitable<std::optional<http::Response>> OcpiHub::Impl::object_push_once(Ctx& ctx,
                                                                               const model::PartyRef& from,
                                                                               std::string_view module,
                                                                               std::vector<std::string> rest) {
  auto owner = model::make_party_ref(rest[0], rest[1]);
  if (!owner) {
    co_return invalid("country_code/party_id in the URL are malformed");
  }
  if (!holds(*ctx.party, *owner)) {
    co_return invalid("the URL's country_code/party_id are not a role of the sender");
  }
  const auto& method = ctx.req.method;
  std::string id = rest[2];
  std::string key = key_escape(owner->country_code) + "/" + key_escape(owner->party_id) + "/" + key_escape(rest[2]);
  std::string token_type;
  if (module == "tokens") {
    token_type = ctx.req.query("type");
    if (token_type.empty()) {
      token_type = "RFID";
    }
    if (!model::enum_from_string<model::TokenType>(token_type)) {
      co_return invalid("type must be a TokenType");
    }
    id += "#" + token_type;
    key += "?type=" + token_type;
  }
  bool broadcast = !ctx.routing.to;
  std::vector<Target> targets;
  if (ctx.routing.to) {
    auto t = find_target(*ctx.table, *ctx.routing.to);
    if (t.party == nullptr) {
      co_return wire::reply(200, 4001, "unknown receiver");
    }
    targets.push_back(t);
  } else if (module == "tariffs") {
    targets = broadcast_targets(*ctx.table, "tariffs", kCpoAudience, ctx.party->id);
  } else if (module == "tokens") {
    targets = broadcast_targets(*ctx.table, "tokens", kEmspAudience, ctx.party->id);
  }
  std::string mod(module);
  if (method == "DELETE") {
    auto removed = co_await store.remove(mod, *owner, id);
    if (!removed) {
      co_return wire::reply(200, 3000, "store unavailable; try again");
    }
    if (!*removed) {
      co_return wire::reply(404, 2000, "unknown tariff");
    }
    co_return co_await publish(ctx, targets, bus::Kind::tariff, key, "{\"x_hub_deleted\":\"1\"}", broadcast, from,
                               wire::reply(200, 1000, ""));
  }
  if (!wire::is_object(ctx.req.body)) {
    co_return wire::reply(400, 2001, "body must be a JSON object");
  }
  std::string document = ctx.req.body;
  std::optional<std::string> stored;
  if (method == "PATCH") {
    auto s = co_await store.get(mod, *owner, id);
    if (!s) {
      co_return wire::reply(200, 3000, "store unavailable; try again");
    }
    if (!*s) {
      co_return wire::reply(404, 2001, "unknown object: PUT the full object first");
    }
    stored = **s;
    auto merged = merge_patch(*stored, ctx.req.body);
    if (!merged) {
      co_return invalid("PATCH must be a JSON object with last_updated");
    }
    document = *merged;
  }
  std::string canonical;
  std::int64_t last_updated = 0;
  bus::Kind kind = bus::Kind::session;
  if (module == "sessions") {
    auto d = decode<model::Session>(document);
    if (!d) {
      co_return invalid(d);
    }
    auto& s = *d.value;
    if (!same(s.country_code, owner->country_code) || !same(s.party_id, owner->party_id) || !same(s.id, rest[2])) {
      co_return invalid("country_code, party_id and id in the body must match the URL");
    }
    if (stored && wire::has_member(ctx.req.body, "charging_periods")) {
      // Sessions PATCH appends charging periods (OCPI 2.2.1 sessions module).
      auto old = decode<model::Session>(*stored, DecodeOptions{false});
      if (old) {
        auto periods = std::move(old.value->charging_periods);
        periods.insert(periods.end(), s.charging_periods.begin(), s.charging_periods.end());
        s.charging_periods = std::move(periods);
      }
    }
    if (!ctx.routing.to) {
      auto t = find_target(*ctx.table, {s.cdr_token.country_code, s.cdr_token.party_id});
      if (t.party == nullptr) {
        co_return wire::reply(200, 4001, "no party holds the token's country_code/party_id");
      }
      targets = {t};
      broadcast = false;
    }
    canonical = encode(s, Flavor::canonical);
    last_updated = s.last_updated.unix_ms();
  } else if (module == "tariffs") {
    kind = bus::Kind::tariff;
    auto d = decode<model::Tariff>(document);
    if (!d) {
      co_return invalid(d);
    }
    if (!same(d.value->country_code, owner->country_code) || !same(d.value->party_id, owner->party_id) ||
        !same(d.value->id, rest[2])) {
      co_return invalid("country_code, party_id and id in the body must match the URL");
    }
    canonical = encode(*d.value, Flavor::canonical);
    last_updated = d.value->last_updated.unix_ms();
  } else {
    kind = bus::Kind::token;
    auto d = decode<model::Token>(document);
    if (!d) {
      co_return invalid(d);
    }
    if (!same(d.value->country_code, owner->country_code) || !same(d.value->party_id, owner->party_id) ||
        !same(d.value->uid, rest[2]) || model::to_string(d.value->type) != token_type) {
      co_return invalid("country_code, party_id, uid and type in the body must match the URL");
    }
    canonical = encode(*d.value, Flavor::canonical);
    last_updated = d.value->last_updated.unix_ms();
  }
  std::vector<std::string> visible;
  if (!broadcast && !targets.empty()) {
    visible.push_back(targets.front().party->id);
  }
  std::optional<IfUnchanged> condition;
  if (method == "PATCH") {
    condition = IfUnchanged{std::move(stored)};  // merged into what was read
  }
  auto write = ObjectStore::put_write(mod, *owner, id, canonical, last_updated, std::move(visible),
                                      std::move(condition));
  auto existed = co_await store_and_publish(ctx, targets, kind, key, canonical, broadcast, from, std::move(write));
  if (!existed) {
    co_return wire::reply(200, 3000, "the hub could not store and queue the push; send it again");
  }
  if (*existed == ObjectStore::kRefused) {
    co_return std::nullopt;
  }
  co_return wire::reply(!*existed && method == "PUT" ? 201 : 200, 1000, "");
}

asio::awaitable<http::Response> OcpiHub::Impl::cdr_post(Ctx& ctx, const model::PartyRef& from) {
  if (!wire::is_object(ctx.req.body)) {
    co_return wire::reply(400, 2001, "body must be a JSON object");
  }
  auto d = decode<model::Cdr>(ctx.req.body);
  if (!d) {
    co_return invalid(d);
  }
  const auto& cdr = *d.value;
  model::PartyRef owner{upper(cdr.country_code), upper(cdr.party_id)};
  if (!holds(*ctx.party, owner)) {
    co_return invalid("the CDR's country_code/party_id are not a role of the sender");
  }
  Target t = ctx.routing.to ? find_target(*ctx.table, *ctx.routing.to)
                            : find_target(*ctx.table, {cdr.cdr_token.country_code, cdr.cdr_token.party_id});
  if (t.party == nullptr) {
    co_return wire::reply(200, 4001, "unknown receiver for this CDR");
  }
  auto canonical = encode(cdr, Flavor::canonical);
  std::vector<std::string> visible{t.party->id};
  auto key = key_escape(owner.country_code) + "/" + key_escape(owner.party_id) + "/" + key_escape(cdr.id);
  std::vector<Target> targets{t};
  auto write = ObjectStore::put_write("cdrs", owner, cdr.id, canonical, cdr.last_updated.unix_ms(), std::move(visible));
  auto stored = co_await store_and_publish(ctx, targets, bus::Kind::cdr, key, canonical, false, from, std::move(write));
  if (!stored) {
    co_return wire::reply(200, 3000, "the hub could not store and queue the CDR; send it again");
  }
  auto ok = wire::reply(201, 1000, "");
  // One opaque segment, as the cdrs Receiver interface describes {cdr_id}: "CC:PID:ID".
  ok.headers.add("Location", module_url("receiver", "cdrs") + "/" +
                                          escape_segment(owner.country_code + ":" + owner.party_id + ":" + cdr.id));
  co_return ok;
}

asio::awaitable<http::Response> OcpiHub::Impl::receiver_get(Ctx& ctx, std::string_view module,
                                                            std::vector<std::string> rest) {
  if (ctx.routing.to) {
    auto t = find_target(*ctx.table, *ctx.routing.to);
    if (t.party == nullptr) {
      co_return wire::reply(200, 4001, "unknown receiver");
    }
    std::string suffix;
    for (const auto& s : rest) {
      suffix += "/" + escape_segment(s);
    }
    suffix += query_of(ctx.req);
    auto answer = co_await forward(ctx, t, module, "RECEIVER", std::move(suffix), std::string(), options.forward_timeout);
    co_return answer;
  }
  auto owner = model::make_party_ref(rest[0], rest[1]);
  if (!owner || !holds(*ctx.party, *owner) || (module != "locations" && rest.size() != 3) || rest.size() > 5) {
    co_return wire::reply(404, 2000, "unknown object");
  }
  std::string id = rest[2];
  if (module == "tokens") {
    auto type = ctx.req.query("type");
    id += "#" + (type.empty() ? std::string("RFID") : type);
  }
  auto stored = co_await store.get(std::string(module), *owner, id);
  if (!stored) {
    co_return wire::reply(200, 3000, "store unavailable; try again");
  }
  if (!*stored) {
    co_return wire::reply(404, 2000, "unknown object");
  }
  const auto& json = **stored;
  if (module == "locations") {
    auto d = decode<model::Location>(json, DecodeOptions{false});
    if (!d) {
      co_return wire::reply(200, 3000, "stored location unreadable");
    }
    if (rest.size() == 3) {
      co_return wire::reply(200, 1000, "", encode(*d.value, Flavor::ocpi221));
    }
    for (const auto& e : d.value->evses) {
      if (!same(e.uid, rest[3])) {
        continue;
      }
      if (rest.size() == 4) {
        co_return wire::reply(200, 1000, "", encode(e, Flavor::ocpi221));
      }
      for (const auto& c : e.connectors) {
        if (same(c.id, rest[4])) {
          co_return wire::reply(200, 1000, "", encode(c, Flavor::ocpi221));
        }
      }
    }
    co_return wire::reply(404, 2000, "unknown object");
  }
  std::string out = module == "sessions" ? to_wire<model::Session>(json)
                    : module == "tariffs" ? to_wire<model::Tariff>(json)
                    : module == "tokens"  ? to_wire<model::Token>(json)
                                          : to_wire<model::Cdr>(json);
  co_return wire::reply(200, 1000, "", out);
}

asio::awaitable<http::Response> OcpiHub::Impl::ready(http::Response r) {
  co_return r;
}

asio::awaitable<http::Response> OcpiHub::Impl::sender_get(Ctx& ctx, std::string_view module,
                                                          std::vector<std::string> rest,
                                                          std::optional<model::PartyRef> answer_to) {
  if (!ctx.routing.to) {
    return sender_get_stored(ctx, module, std::move(rest));
  }
  auto t = find_target(*ctx.table, *ctx.routing.to);
  if (t.party == nullptr) {
    return ready(routed_back(wire::reply(200, 4001, "unknown receiver"), answer_to));
  }
  std::string suffix;
  for (const auto& s : rest) {
    suffix += "/" + escape_segment(s);
  }
  suffix += query_of(ctx.req);
  // Not a coroutine: forward reads the target now and its awaitable holds the rest (see its doc).
  return forward(ctx, std::move(t), module, "SENDER", std::move(suffix), std::string(), options.forward_timeout,
                 std::move(answer_to));
}

asio::awaitable<http::Response> OcpiHub::Impl::sender_get_stored(Ctx& ctx, std::string_view module,
                                                                 std::vector<std::string> rest) {
  std::string mod(module);
  if (rest.empty()) {
    auto page = wire::page_params(ctx.req, options.page_limit);
    if (!page) {
      co_return invalid("date_from, date_to, offset and limit must be valid");
    }
    bool directed_only = module == "sessions" || module == "cdrs";
    auto listed = co_await store.list(mod, ctx.party->id, *page, directed_only);
    if (!listed) {
      co_return wire::reply(200, 3000, "store unavailable; try again");
    }
    std::vector<std::string> objects;
    objects.reserve(listed->objects.size());
    for (const auto& json : listed->objects) {
      objects.push_back(module == "locations"  ? to_wire<model::Location>(json)
                        : module == "sessions" ? to_wire<model::Session>(json)
                        : module == "tariffs"  ? to_wire<model::Tariff>(json)
                        : module == "tokens"   ? to_wire<model::Token>(json)
                                               : to_wire<model::Cdr>(json));
    }
    auto r = wire::reply(200, 1000, "", wire::json_array(objects));
    wire::pagination_headers(r.headers, module_url("sender", module), *page, objects.size(), listed->total,
                             options.page_limit);
    co_return r;
  }
  if (module != "locations" || rest.size() > 3) {
    co_return wire::reply(404, 2000, "no such object on the hub; address the owner with OCPI-to headers");
  }
  auto owners = co_await store.owners("locations", rest[0]);
  if (!owners) {
    co_return wire::reply(200, 3000, "store unavailable; try again");
  }
  if (owners->empty()) {
    co_return wire::reply(404, 2003, "unknown location");
  }
  auto owner = member_owner(owners->front());
  std::vector<std::string> inner{owner->country_code, owner->party_id};
  inner.insert(inner.end(), rest.begin(), rest.end());
  auto stored = co_await store.get("locations", *owner, rest[0]);
  if (!stored || !*stored) {
    co_return wire::reply(404, 2003, "unknown location");
  }
  auto d = decode<model::Location>(**stored, DecodeOptions{false});
  if (!d) {
    co_return wire::reply(200, 3000, "stored location unreadable");
  }
  if (rest.size() == 1) {
    co_return wire::reply(200, 1000, "", encode(*d.value, Flavor::ocpi221));
  }
  for (const auto& e : d.value->evses) {
    if (same(e.uid, rest[1])) {
      if (rest.size() == 2) {
        co_return wire::reply(200, 1000, "", encode(e, Flavor::ocpi221));
      }
      for (const auto& c : e.connectors) {
        if (same(c.id, rest[2])) {
          co_return wire::reply(200, 1000, "", encode(c, Flavor::ocpi221));
        }
      }
    }
  }
  co_return wire::reply(404, 2000, "unknown object");
}

asio::awaitable<http::Response> OcpiHub::Impl::authorize(Ctx& ctx, std::string uid) {
  auto type = ctx.req.query("type");
  if (type.empty()) {
    type = "RFID";
  }
  if (!model::enum_from_string<model::TokenType>(type)) {
    co_return invalid("type must be a TokenType");
  }
  if (!ctx.req.body.empty() && !wire::is_object(ctx.req.body)) {
    co_return wire::reply(400, 2001, "body must be LocationReferences as a JSON object");
  }
  Target t;
  if (ctx.routing.to) {
    t = find_target(*ctx.table, *ctx.routing.to);
  } else {
    auto owners = co_await store.owners("tokens", uid + "#" + type);
    if (!owners) {
      co_return wire::reply(200, 3000, "store unavailable; try again");
    }
    if (!owners->empty()) {
      if (auto ref = member_owner(owners->front())) {
        t = find_target(*ctx.table, *ref);
      }
    }
    if (t.party == nullptr) {
      co_return wire::reply(404, 2004, "unknown token");
    }
  }
  if (t.party == nullptr) {
    co_return wire::reply(200, 4001, "unknown receiver");
  }
  if (t.party->protocol != model::Protocol::ocpi) {
    // The token's issuer is not an OCPI platform (an OCHP EMP): answer from the hub's whitelist.
    auto stored = co_await store.get("tokens", t.ref, uid + "#" + type);
    if (!stored) {
      co_return wire::reply(200, 3000, "store unavailable; try again");
    }
    if (!*stored) {
      co_return wire::reply(404, 2004, "unknown token");
    }
    auto token = decode<model::Token>(**stored, DecodeOptions{false});
    if (!token) {
      co_return wire::reply(200, 3000, "stored token unreadable");
    }
    model::AuthorizationInfo info;
    info.token = *token.value;
    auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    if (!token.value->valid) {
      info.allowed = model::AllowedType::blocked;
    } else if (token.value->valid_until && token.value->valid_until->time < now) {
      info.allowed = model::AllowedType::expired;
    } else if (token.value->whitelist == model::WhitelistType::never) {
      info.allowed = model::AllowedType::not_allowed;
    } else {
      info.allowed = model::AllowedType::allowed;
    }
    co_return wire::reply(200, 1000, "", encode(info, Flavor::ocpi221));
  }
  std::string suffix = "/" + escape_segment(uid) + "/authorize?type=" + escape_segment(type);
  std::string body = ctx.req.body;
  auto answer = co_await forward(ctx, t, "tokens", "SENDER", std::move(suffix), std::move(body),
                                 options.authorize_timeout);
  co_return answer;
}

asio::awaitable<http::Response> OcpiHub::Impl::command(Ctx& ctx, std::string type) {
  auto ct = model::enum_from_string<model::CommandType>(type);
  if (!ct) {
    co_return wire::reply(404, 2000, "unknown command");
  }
  if (!wire::is_object(ctx.req.body)) {
    co_return wire::reply(400, 2001, "body must be a JSON object");
  }
  auto d = decode_command(*ct, ctx.req.body);
  if (!d) {
    co_return invalid(d);
  }
  auto response_url = wire::string_member(ctx.req.body, "response_url");
  if (!response_url) {
    co_return invalid("response_url: required");
  }
  if (auto why = http::url_problem(*response_url)) {
    co_return invalid("response_url: not a URL the hub can call (" + *why + ")");
  }
  Target t;
  if (ctx.routing.to) {
    t = find_target(*ctx.table, *ctx.routing.to);
  } else {
    std::optional<std::string> id;
    std::string module = "locations";
    if (*ct == model::CommandType::stop_session) {
      id = wire::string_member(ctx.req.body, "session_id");
      module = "sessions";
    } else {
      id = wire::string_member(ctx.req.body, "location_id");
    }
    if (id) {
      auto owners = co_await store.owners(module, *id);
      if (owners && !owners->empty()) {
        if (auto ref = member_owner(owners->front())) {
          t = find_target(*ctx.table, *ref);
        }
      }
    }
  }
  if (t.party == nullptr) {
    co_return wire::reply(200, 4001, "unknown receiver: address the CPO with OCPI-to headers");
  }
  auto handle = random_hex(16);
  const auto& from = *ctx.routing.from;
  std::map<std::string, std::string> record{{"url", *response_url},
                                            {"requester", ctx.party->id},
                                            {"requester_ref", from.country_code + " " + from.party_id},
                                            {"responder_ref", t.ref.country_code + " " + t.ref.party_id},
                                            {"kind", "command"}};
  auto saved = co_await store.put_callback(handle, std::move(record), options.command_ttl);
  if (!saved) {
    co_return wire::reply(200, 3000, "store unavailable; try again");
  }
  // The CPO can only reach the hub: the result comes back through a hub URL (exact re-encoding).
  auto request = std::move(*d.value);
  auto hub_url = module_url("sender", "commands") + "/" + std::string(model::to_string(*ct)) + "/" + handle;
  std::visit([&](auto& c) { c.response_url = hub_url; }, request);
  // (g++ 12: no temporaries inside a co_await's argument list; named values only)
  std::string suffix = "/" + std::string(model::to_string(*ct));
  std::string body = encode(request, Flavor::ocpi221);
  auto answer = co_await forward(ctx, t, "commands", "RECEIVER", std::move(suffix), std::move(body),
                                 options.forward_timeout);
  co_return answer;
}

asio::awaitable<http::Response> OcpiHub::Impl::charging_profile(Ctx& ctx, std::string_view interface,
                                                                std::string session_id) {
  Target t;
  if (ctx.routing.to) {
    t = find_target(*ctx.table, *ctx.routing.to);
  } else if (interface == "RECEIVER") {
    auto owners = co_await store.owners("sessions", session_id);
    if (owners && !owners->empty()) {
      if (auto ref = member_owner(owners->front())) {
        t = find_target(*ctx.table, *ref);
      }
    }
  }
  if (t.party == nullptr) {
    co_return wire::reply(200, 4001, "unknown receiver: address it with OCPI-to headers");
  }
  std::string body = ctx.req.body;
  std::string query = query_of(ctx.req);
  if (interface == "RECEIVER") {
    std::string original = ctx.req.method == "PUT" ? wire::string_member(body, "response_url").value_or("")
                                                   : ctx.req.query("response_url");
    std::optional<model::SetChargingProfile> set;
    if (ctx.req.method == "PUT") {
      if (!wire::is_object(body)) {
        co_return wire::reply(400, 2001, "body must be a SetChargingProfile JSON object");
      }
      auto d = decode<model::SetChargingProfile>(body);
      if (!d) {
        co_return invalid(d);
      }
      set = std::move(*d.value);
    }
    if (original.empty()) {
      co_return invalid("response_url: required");
    }
    if (auto why = http::url_problem(original)) {
      co_return invalid("response_url: not a URL the hub can call (" + *why + ")");
    }
    auto handle = random_hex(16);
    const auto& from = *ctx.routing.from;
    std::map<std::string, std::string> record{{"url", original},
                                              {"requester", ctx.party->id},
                                              {"requester_ref", from.country_code + " " + from.party_id},
                                              {"responder_ref", t.ref.country_code + " " + t.ref.party_id},
                                              {"kind", "chargingprofile"}};
    auto saved = co_await store.put_callback(handle, std::move(record), options.command_ttl);
    if (!saved) {
      co_return wire::reply(200, 3000, "store unavailable; try again");
    }
    auto hub_url = module_url("sender", "chargingprofiles") + "/result/" + handle;
    if (set) {
      set->response_url = hub_url;
      body = encode(*set, Flavor::ocpi221);
    } else {
      query = replace_query(query, "response_url", hub_url);
    }
  }
  std::string suffix = "/" + escape_segment(session_id) + query;
  auto answer = co_await forward(ctx, t, "chargingprofiles", interface, std::move(suffix), std::move(body),
                                 options.forward_timeout);
  co_return answer;
}

asio::awaitable<http::Response> OcpiHub::Impl::callback(Ctx& ctx, std::string handle) {
  auto rec = co_await store.get_callback(handle);
  if (!rec) {
    co_return wire::reply(200, 3000, "store unavailable; try again");
  }
  if (rec->empty()) {
    co_return wire::reply(404, 2001, "unknown or expired response_url");
  }
  auto& fields = *rec;
  auto split = [](const std::string& s) {
    auto sp = s.find(' ');
    return model::PartyRef{s.substr(0, sp), sp == std::string::npos ? "" : s.substr(sp + 1)};
  };
  auto responder = split(fields["responder_ref"]);
  auto requester = split(fields["requester_ref"]);
  if (!holds(*ctx.party, responder)) {
    co_return invalid("this result belongs to another party");
  }
  if (!wire::is_object(ctx.req.body)) {
    co_return wire::reply(400, 2001, "body must be a JSON object");
  }
  if (fields["kind"] == "command") {
    auto d = decode<model::CommandResult>(ctx.req.body);
    if (!d) {
      co_return invalid(d);
    }
  }
  auto payload = with_route(ctx.req.body, responder, requester,
                            "\"x_hub_response_url\":" + wire::json_string(fields["url"]));
  std::vector<bus::Event> events{
      {ctx.party->id, fields["requester"], bus::Kind::command_result, handle + "/" + random_hex(4), payload}};
  auto results = co_await bus.publish_many(std::move(events));
  if (results.empty() || !results.front()) {
    co_return wire::reply(200, 3000, "the hub could not queue the result; send it again");
  }
  co_return wire::reply(200, 1000, "");
}

asio::awaitable<http::Response> OcpiHub::Impl::forward(Ctx& ctx, Target target, std::string_view module,
                                                       std::string_view interface, std::string suffix, std::string body,
                                                       std::chrono::milliseconds timeout,
                                                       std::optional<model::PartyRef> answer_to) {
  // Not a coroutine: what it reads of its arguments it reads now; the call's own awaitable and
  // the answer's coroutine (forwarded) hold the rest.
  const auto& dest = *target.party;
  if (dest.protocol != model::Protocol::ocpi) {
    return ready(routed_back(wire::reply(200, 4001, "the receiver is not reachable over OCPI for this request"),
                             answer_to));
  }
  if (dest.status == model::PartyStatus::suspended || dest.ocpi.token_b.empty()) {
    return ready(routed_back(wire::reply(200, 4003, "the receiver is not connected"), answer_to));
  }
  // A view of the party's endpoint: the routing table snapshot in `ctx` keeps it.
  auto base = endpoint_url(dest, module, interface);
  if (base.empty()) {
    return ready(routed_back(wire::reply(200, 4001, "the receiver offers no " + std::string(module) + " " +
                                                        std::string(interface) + " endpoint"),
                             answer_to));
  }
  while (!base.empty() && base.back() == '/') {
    base.remove_suffix(1);
  }
  std::string url;
  url.reserve(base.size() + suffix.size());
  url.append(base).append(suffix);
  // The call's deadline and the time from which a failure counts as late start here, together.
  const auto late = std::chrono::steady_clock::now() + timeout * 9 / 10;
  return forwarded(call(dest, ctx.req.method, std::move(url), std::move(body), timeout, target.ref, ctx.routing.from,
                        ctx.correlation_id),
                   base, module, interface, late, std::move(answer_to));
}

asio::awaitable<http::Response> OcpiHub::Impl::forwarded(asio::awaitable<http::ClientResult> pending,
                                                         std::string_view base, std::string_view module,
                                                         std::string_view interface,
                                                         std::chrono::steady_clock::time_point late,
                                                         std::optional<model::PartyRef> answer_to) {
  auto res = co_await std::move(pending);
  co_return passed_back(res, base, module, interface, late, answer_to);
}

http::Response OcpiHub::Impl::passed_back(http::ClientResult& res, std::string_view base, std::string_view module,
                                          std::string_view interface, std::chrono::steady_clock::time_point late,
                                          const std::optional<model::PartyRef>& answer_to) const {
  if (res.status == 0) {
    if (std::chrono::steady_clock::now() >= late) {
      return routed_back(wire::reply(200, 4002, "the receiver did not answer in time"), answer_to);
    }
    return routed_back(wire::reply(200, 4003, "the receiver could not be reached"), answer_to);
  }
  http::Response r;
  r.status = res.status;
  r.body = std::move(res.response.body);
  // The receiver's Content-Type, as it came; empty means application/json for a body.
  if (const auto type = res.response.header("Content-Type"); r.body.empty() || type != "application/json") {
    r.content_type = type;
  }
  for (const auto& [k, v] : res.response.headers) {
    if (http::iequals(k, "Link")) {
      std::string link(v);
      auto pos = link.find(base);
      if (pos != std::string::npos) {
        link.replace(pos, base.size(), module_url(interface == "SENDER" ? "sender" : "receiver", module));
      }
      r.headers.add("Link", link);
    } else if (http::iequals(k, "X-Total-Count") || http::iequals(k, "X-Limit") ||
               (k.size() > 5 && http::iequals(k.substr(0, 5), "OCPI-"))) {
      r.headers.add(k, v);
    }
  }
  route_back(r, answer_to);
  return r;
}

}  // namespace hub::ocpi

namespace hub::ocpi {

asio::awaitable<Result<model::AuthorizationInfo>> OcpiHub::Impl::authorize_token(std::string party_id,
                                                                                 std::string uid,
                                                                                 std::string type) {
  auto table = registry.snapshot();
  const auto* party = table->find(party_id);
  if (party == nullptr || party->protocol != model::Protocol::ocpi || party->ocpi.token_b.empty()) {
    co_return make_error_code(Errc::unknown_receiver);
  }
  if (party->status != model::PartyStatus::connected) {
    co_return make_error_code(Errc::receiver_not_connected);
  }
  auto base = endpoint_of(*party, "tokens", "SENDER");
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  if (base.empty()) {
    co_return make_error_code(Errc::unknown_receiver);
  }
  std::optional<model::PartyRef> to;
  for (const auto& r : party->roles) {
    if (r.role == model::Role::emsp) {
      to = r.ref;
      break;
    }
  }
  auto url = base + "/" + escape_segment(uid) + "/authorize?type=" + escape_segment(type);
  auto res = co_await call(*party, "POST", url, {}, options.authorize_timeout, to, options.hub_ref, {});
  if (res.status == 0) {
    co_return make_error_code(Errc::upstream_retryable);  // no answer (connect failure or the deadline)
  }
  auto code = wire::envelope_status(res.response.body);
  if (code && *code == 2004) {  // the eMSP's own answer; a bare 404 is a broken endpoint
    co_return make_error_code(Errc::unknown_token);
  }
  if (!res.ok() || !code || *code != 1000) {
    co_return make_error_code(res.outcome == http::Outcome::retryable || (code && *code >= 3000)
                                  ? Errc::upstream_retryable
                                  : Errc::upstream_permanent);
  }
  auto data = wire::envelope_data(res.response.body);
  if (!data) {
    co_return make_error_code(Errc::upstream_permanent);
  }
  auto info = decode<model::AuthorizationInfo>(*data, DecodeOptions{false});
  if (!info) {
    co_return make_error_code(Errc::upstream_permanent);
  }
  co_return std::move(*info.value);
}

}  // namespace hub::ocpi
