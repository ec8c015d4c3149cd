// SPDX-License-Identifier: GPL-2.0-or-later
#include "impl.hpp"

#include <ocpi/codec.hpp>

#include <hub/metrics/metrics.hpp>
#include <hub/model/types.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <random>

namespace hub::ocpi {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

/// A credentials token: 32 random bytes from the OS, hex (printable, no whitespace, <= 64).
std::string new_token() {
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) {
    auto b = rd() & 0xFF;
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string str(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

const rapidjson::Value* member(const rapidjson::Value& o, const char* name) {
  if (!o.IsObject()) {
    return nullptr;
  }
  auto it = o.FindMember(name);
  return it == o.MemberEnd() ? nullptr : &it->value;
}

std::optional<std::string> string_of(const rapidjson::Value& o, const char* name) {
  const auto* v = member(o, name);
  if (v == nullptr || !v->IsString()) {
    return std::nullopt;
  }
  return str(*v);
}

/// A credentials object as a peer sends it.
struct PeerCredentials {
  std::string token;
  std::string url;
  std::vector<model::PartyRole> roles;
};

std::optional<PeerCredentials> parse_credentials(std::string_view json, std::string& error) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());  // iterative: any depth
  if (d.HasParseError() || !d.IsObject()) {
    error = "body is not a JSON object";
    return std::nullopt;
  }
  PeerCredentials c;
  auto token = string_of(d, "token");
  if (!token || token->empty() || token->size() > 64) {
    error = "token: required, 1 to 64 printable characters";
    return std::nullopt;
  }
  for (unsigned char ch : *token) {
    if (ch <= 0x20 || ch >= 0x7F) {
      error = "token: printable ASCII without whitespace";
      return std::nullopt;
    }
  }
  c.token = *token;
  auto url = string_of(d, "url");
  if (!url) {
    error = "url: required, an http(s) URL";
    return std::nullopt;
  }
  if (auto why = http::url_problem(*url)) {
    error = "url: not an http(s) URL the hub can call (" + *why + ")";
    return std::nullopt;
  }
  c.url = *url;
  const auto* roles = member(d, "roles");
  if (roles == nullptr || !roles->IsArray() || roles->Empty()) {
    error = "roles: required, at least one";
    return std::nullopt;
  }
  for (rapidjson::SizeType i = 0; i < roles->Size(); ++i) {
    const auto& r = (*roles)[i];
    auto role = string_of(r, "role");
    auto cc = string_of(r, "country_code");
    auto pid = string_of(r, "party_id");
    auto path = "roles[" + std::to_string(i) + "]";
    if (!role || !model::role_from_string(*role)) {
      error = path + ".role: required, a Role";
      return std::nullopt;
    }
    if (!cc || !pid || !model::make_party_ref(*cc, *pid)) {
      error = path + ": country_code (2 letters) and party_id (3 characters) required";
      return std::nullopt;
    }
    const auto* bd = member(r, "business_details");
    if (bd == nullptr || !string_of(*bd, "name")) {
      error = path + ".business_details.name: required";
      return std::nullopt;
    }
    c.roles.push_back({*model::role_from_string(*role), *model::make_party_ref(*cc, *pid)});
  }
  return c;
}

std::string ocpi_error_reason(int code) { return "ocpi_" + std::to_string(code); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// helpers

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return out;
}

std::string_view endpoint_url(const model::Party& p, std::string_view module, std::string_view interface) {
  for (const auto& e : p.endpoints) {
    if (e.module == module && e.interface == interface) {
      return e.url;
    }
  }
  return {};
}

std::string endpoint_of(const model::Party& p, std::string_view module, std::string_view interface) {
  return std::string(endpoint_url(p, module, interface));
}

bool holds(const model::Party& p, const model::PartyRef& ref) {
  for (const auto& r : p.roles) {
    if (same_ref(r.ref, ref)) {
      return true;
    }
  }
  return false;
}

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

Target OcpiHub::Impl::find_target(const routing::RoutingTable& table, const model::PartyRef& ref) const {
  Target t;
  t.party = table.holder(ref, &t.ref);
  return t;
}

std::vector<Target> OcpiHub::Impl::broadcast_targets(const routing::RoutingTable& table, std::string_view module,
                                                     const std::vector<model::Role>& roles,
                                                     const std::string& except) const {
  std::vector<Target> out;
  for (const auto& p : table.parties()) {
    if (p.id == except || p.status == model::PartyStatus::suspended) {
      continue;
    }
    // OCPI parties need the module's Receiver interface; OCHP parties pull what the hub keeps
    // for them (the clearing house's Outbound writes it into their lists).
    if (p.protocol == model::Protocol::ocpi && (p.ocpi.token_b.empty() || endpoint_of(p, module, "RECEIVER").empty())) {
      continue;
    }
    // OCHP 1.4 carries charge points, tariffs and tokens as lists (CDRs are addressed).
    if (p.protocol != model::Protocol::ocpi && module != "locations" && module != "tariffs" && module != "tokens") {
      continue;
    }
    for (const auto& r : p.roles) {
      if (std::find(roles.begin(), roles.end(), r.role) != roles.end()) {
        out.push_back({&p, r.ref});
        break;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

OcpiHub::Impl::Impl(asio::any_io_executor ex, asio::any_io_executor redis_executor, store::RedisClient& redis,
                    routing::Registry& reg, bus::Bus& b, http::HttpClient& c, HubOptions o, metrics::Metrics* m)
    : executor(ex),
      registry(reg),
      bus(b),
      client(c),
      options(std::move(o)),
      metrics(m),
      store(std::move(redis_executor), redis),
      alive_timer(ex),
      public_url_(options.public_url) {}

std::string OcpiHub::Impl::public_url() const {
  std::lock_guard lock(mutex);
  return public_url_;
}

namespace {
/// Finds the party presenting `token` (empty: none) into `ctx`. Not in handle(): its locals
/// would take room in every request's coroutine frame.
void authenticate(Ctx& ctx, std::string_view token) {
  if (token.empty()) {
    return;
  }
  // The token as sent (older peers), its Base64 form as 2.2.1 peers send it (looked up without
  // decoding), and only then any other encoding of it (no padding, trailing CR/LF).
  const auto presented = ctx.table->find_ocpi_presented(token);
  ctx.party = presented.party;
  ctx.plain_token = presented.plain;
  ctx.with_token_a = presented.token_a;
  if (ctx.party == nullptr) {
    if (auto decoded = wire::decoded_token(token)) {
      // Only as a token is issued: a decoded token is never looked up in its Base64 form.
      if (const auto raw = ctx.table->find_ocpi_presented(*decoded); raw.plain) {
        ctx.party = raw.party;
        ctx.with_token_a = raw.token_a;
      }
    }
  }
}
}  // namespace

asio::awaitable<http::Response> OcpiHub::Impl::handle(http::Request& req) {
  const auto segs = wire::segments(req.path());
  // Views: compared with literals below without a strlen each.
  std::array<std::string_view, 6> seg{};
  for (std::size_t i = 0; i < segs.size() && i < seg.size(); ++i) {
    seg[i] = segs[i];
  }
  const std::size_t nseg = segs.size();
  const std::string_view method = req.method;
  // seg[0] == "ocpi"
  Ctx ctx{req, registry.snapshot()};
  ctx.correlation_id = req.header("X-Correlation-ID");
  if (ctx.correlation_id.empty() || ctx.correlation_id.size() > 255) {
    wire::format_uuid(ctx.generated_id.data());  // every OCPI answer carries one
    ctx.correlation_id = std::string_view(ctx.generated_id.data(), ctx.generated_id.size());
  }
  http::Response r;
  // The module's work, awaited once below: one awaited answer in this frame, not one per branch
  // (g++ gives each co_await's result its own place in the frame).
  asio::awaitable<http::Response> next;
  const auto token = wire::token_value(req.header("Authorization"));
  authenticate(ctx, token);
  if (ctx.party == nullptr || ctx.party->protocol != model::Protocol::ocpi) {
    r = wire::reply(401, 2000, !token.empty() ? "unknown credentials token" : "missing Authorization: Token header");
  } else if (ctx.party->status == model::PartyStatus::suspended) {
    r = wire::reply(401, 2000, "this party is suspended at the hub");
  } else if (nseg == 2 && seg[1] == "versions") {
    r = method == "GET" ? versions(ctx) : wire::reply(405, 2000, "only GET on versions");
  } else if (nseg >= 2 && seg[1] != kVersion) {
    r = wire::reply(404, 3002, "unsupported version: this hub serves OCPI 2.2.1");
  } else if (nseg == 2) {
    r = method == "GET" ? details(ctx) : wire::reply(405, 2000, "only GET on version details");
  } else if (nseg == 3 && seg[2] == "credentials") {
    next = credentials(ctx);
  } else if (ctx.with_token_a) {
    r = wire::reply(401, 2000, "the registration token may only be used on versions and credentials");
  } else if (nseg == 3 && seg[2] == "hubclientinfo") {
    r = method == "GET" ? client_info_list(ctx) : wire::reply(405, 2000, "only GET on hubclientinfo");
  } else if (method == "POST" && ((nseg == 6 && seg[2] == "sender" && seg[3] == "commands") ||
                                      (nseg == 6 && seg[2] == "sender" && seg[3] == "chargingprofiles" &&
                                       seg[4] == "result"))) {
    // response_url values the hub handed out: .../sender/commands/{command}/{handle} and
    // .../sender/chargingprofiles/result/{handle} (the layout of the OCPI Sender interfaces).
    next = callback(ctx, segs[5]);
  } else if (nseg >= 4 && (seg[2] == "sender" || seg[2] == "receiver")) {
    std::vector<std::string> rest(segs.begin() + 4, segs.end());
    next = functional(ctx, seg[2] == "sender" ? "SENDER" : "RECEIVER", seg[3], std::move(rest));
  } else {
    r = wire::reply(404, 2000, "no such OCPI endpoint");
  }
  if (next.valid()) {
    r = co_await std::move(next);
  }
  if (!r.fields.add("X-Correlation-ID", ctx.correlation_id)) {
    r.headers.add("X-Correlation-ID", ctx.correlation_id);  // dropped as unsafe when sent
  }
  co_return r;
}

http::Response OcpiHub::Impl::versions(Ctx&) {
  return wire::reply(200, 1000, "",
                     "[{\"version\":\"" + std::string(kVersion) + "\",\"url\":" + wire::json_string(version_url()) + "}]");
}

http::Response OcpiHub::Impl::details(Ctx&) {
  std::vector<std::string> eps;
  auto ep = [&](std::string_view id, std::string_view role, const std::string& url) {
    eps.push_back("{\"identifier\":\"" + std::string(id) + "\",\"role\":\"" + std::string(role) +
                  "\",\"url\":" + wire::json_string(url) + "}");
  };
  ep("credentials", "SENDER", version_url() + "/credentials");
  ep("hubclientinfo", "SENDER", version_url() + "/hubclientinfo");
  for (std::string_view m : {"locations", "sessions", "cdrs", "tariffs", "tokens", "commands", "chargingprofiles"}) {
    ep(m, "SENDER", module_url("sender", m));
    ep(m, "RECEIVER", module_url("receiver", m));
  }
  return wire::reply(200, 1000, "",
                     "{\"version\":\"" + std::string(kVersion) + "\",\"endpoints\":" + wire::json_array(eps) + "}");
}

std::string OcpiHub::Impl::hub_credentials(const std::string& token) const {
  return "{\"token\":" + wire::json_string(token) + ",\"url\":" + wire::json_string(public_url() + "/ocpi/versions") +
         ",\"roles\":[{\"role\":\"HUB\",\"business_details\":{\"name\":" + wire::json_string(options.name) +
         "},\"party_id\":" + wire::json_string(options.hub_ref.party_id) +
         ",\"country_code\":" + wire::json_string(options.hub_ref.country_code) + "}]}";
}

asio::awaitable<http::ClientResult> OcpiHub::Impl::call(const model::Party& dest, std::string method, std::string url,
                                                        std::string body, std::chrono::milliseconds timeout,
                                                        const std::optional<model::PartyRef>& to,
                                                        const std::optional<model::PartyRef>& from,
                                                        std::string_view correlation_id) {
  // Not a coroutine: `to`, `from` and `correlation_id` are read before this returns.
  http::ClientRequest req;
  req.method = std::move(method);
  req.url = std::move(url);
  // The hub's own fields, in one block (see http::FieldBlock). A field the block refuses (a
  // raw token with a control character) goes to the headers, where the client refuses it.
  auto field = [&req](http::FieldBlock::Name name, std::string_view value) {
    if (!req.fields.add(name, value)) {
      req.headers.emplace_back(name.text(), value);
    }
  };
  const auto& auth = wire::cached_authorization(dest.ocpi.token_b, dest.ocpi.auth_plain);
  req.fields.reserve(auth.size() + correlation_id.size() + 256);
  field("Authorization", auth);
  char id[36];
  wire::format_uuid(id);
  field("X-Request-ID", std::string_view(id, sizeof id));
  if (correlation_id.empty()) {
    wire::format_uuid(id);
    field("X-Correlation-ID", std::string_view(id, sizeof id));
  } else {
    field("X-Correlation-ID", correlation_id);
  }
  wire::set_routing_fields(req.fields, to, from);
  if (!body.empty()) {
    field("Content-Type", "application/json");
  }
  req.body = std::move(body);
  // Not a coroutine: the client's awaitable owns the request (one frame less per call).
  return client.request(std::move(req), std::chrono::steady_clock::now() + timeout);
}

asio::awaitable<Result<void>> OcpiHub::Impl::read_endpoints(std::string versions_url, std::string token, bool& plain,
                                                            std::string& version_url_out,
                                                            std::vector<model::Endpoint>& endpoints,
                                                            std::string& failure) {
  model::Party caller;
  caller.ocpi.token_b = token;
  caller.ocpi.auth_plain = plain;
  auto res = co_await call(caller, "GET", versions_url, {}, options.forward_timeout, {}, {}, {});
  if (res.status == 401 && !plain) {
    // An older peer that expects the raw token.
    caller.ocpi.auth_plain = true;
    res = co_await call(caller, "GET", versions_url, {}, options.forward_timeout, {}, {}, {});
    if (res.ok()) {
      plain = true;
    }
  }
  if (!res.ok()) {
    failure = "GET " + versions_url + " failed: " + (res.status ? "HTTP " + std::to_string(res.status) : res.error);
    co_return make_error_code(Errc::upstream_permanent);
  }
  auto data = wire::envelope_data(res.response.body);
  rapidjson::Document d;
  if (data) {
    d.Parse<rapidjson::kParseIterativeFlag>(data->data(), data->size());
  }
  if (!data || d.HasParseError() || !d.IsArray()) {
    failure = "versions answer has no version list";
    co_return make_error_code(Errc::upstream_permanent);
  }
  version_url_out.clear();
  for (const auto& v : d.GetArray()) {
    if (string_of(v, "version") == std::string(kVersion)) {
      version_url_out = string_of(v, "url").value_or("");
    }
  }
  if (version_url_out.empty()) {
    failure = "the platform offers no OCPI 2.2.1";
    co_return make_error_code(Errc::unsupported_version);
  }
  res = co_await call(caller, "GET", version_url_out, {}, options.forward_timeout, {}, {}, {});
  if (!res.ok()) {
    failure = "GET " + version_url_out + " failed: " + (res.status ? "HTTP " + std::to_string(res.status) : res.error);
    co_return make_error_code(Errc::upstream_permanent);
  }
  data = wire::envelope_data(res.response.body);
  rapidjson::Document dd;
  if (data) {
    dd.Parse<rapidjson::kParseIterativeFlag>(data->data(), data->size());
  }
  const rapidjson::Value* list = data && !dd.HasParseError() ? member(dd, "endpoints") : nullptr;
  if (list == nullptr || !list->IsArray()) {
    failure = "version details have no endpoint list";
    co_return make_error_code(Errc::upstream_permanent);
  }
  endpoints.clear();
  for (const auto& e : list->GetArray()) {
    auto id = string_of(e, "identifier");
    auto role = string_of(e, "role");
    auto url = string_of(e, "url");
    if (id && url) {
      endpoints.push_back({*id, role.value_or("SENDER"), *url});
    }
  }
  co_return Result<void>{};
}

asio::awaitable<http::Response> OcpiHub::Impl::credentials(Ctx& ctx) {
  const auto& party = *ctx.party;
  bool registered = !party.ocpi.token_c.empty() && !ctx.with_token_a;
  const auto& method = ctx.req.method;
  if (method == "GET") {
    co_return wire::reply(200, 1000, "",
                          hub_credentials(ctx.with_token_a ? party.ocpi.token_a : party.ocpi.token_c));
  }
  if (method == "DELETE") {
    if (!registered) {
      co_return wire::reply(405, 2000, "not registered: nothing to delete");
    }
    auto r = co_await registry.update(party.id, [](model::Party& p) {
      p.ocpi.token_b.clear();
      p.ocpi.token_c.clear();
      p.endpoints.clear();
      p.status = model::PartyStatus::planned;
    });
    if (!r) {
      co_return wire::reply(200, 3000, "registry unavailable; try again");
    }
    log->info("{}", hub::log::with("ocpi party unregistered", {{"party", party.id}}));
    co_return wire::reply(200, 1000, "");
  }
  if (method != "POST" && method != "PUT") {
    co_return wire::reply(405, 2000, "credentials supports GET, POST, PUT and DELETE");
  }
  if (method == "POST" && registered) {
    co_return wire::reply(405, 2000, "already registered: use PUT to update or DELETE to unregister");
  }
  if (method == "PUT" && !registered) {
    co_return wire::reply(405, 2000, "not registered yet: POST first");
  }
  std::string error;
  auto creds = parse_credentials(ctx.req.body, error);
  if (!creds) {
    co_return wire::reply(wire::is_object(ctx.req.body) ? 200 : 400, 2001, error);
  }
  bool plain = ctx.plain_token;
  std::string peer_version_url;
  std::vector<model::Endpoint> endpoints;
  std::string failure;
  auto read = co_await read_endpoints(creds->url, creds->token, plain, peer_version_url, endpoints, failure);
  if (!read) {
    log->warn("{}", hub::log::with("credentials exchange: cannot read the party's endpoints",
                                   {{"party", party.id}, {"reason", failure}}));
    co_return wire::reply(200, read.error() == Errc::unsupported_version ? 3002 : 3001, failure);
  }
  auto token_c = new_token();
  auto roles = creds->roles;
  auto updated = co_await registry.update(party.id, [&](model::Party& p) {
    p.ocpi.token_a.clear();
    p.ocpi.token_b = creds->token;
    p.ocpi.token_c = token_c;
    p.ocpi.versions_url = creds->url;
    p.ocpi.version = std::string(kVersion);
    p.ocpi.auth_plain = plain;
    p.endpoints = endpoints;
    p.roles = roles;
    p.status = model::PartyStatus::connected;
  });
  if (!updated) {
    if (updated.error() == Errc::conflict || updated.error() == Errc::invalid_request) {
      co_return wire::reply(200, 2001, "a role in these credentials is registered by another party");
    }
    co_return wire::reply(200, 3000, "registry unavailable; try again");
  }
  log->info("{}", hub::log::with("ocpi party registered",
                                 {{"party", party.id}, {"method", method}, {"endpoints", std::to_string(endpoints.size())}}));
  co_return wire::reply(200, 1000, "", hub_credentials(token_c));
}

http::Response OcpiHub::Impl::client_info_list(Ctx& ctx) {
  auto page = wire::page_params(ctx.req, options.page_limit);
  if (!page) {
    return wire::reply(200, 2001, "date_from, date_to, offset and limit must be valid");
  }
  struct Row {
    std::int64_t updated_ms;
    std::string key;
    std::string json;
  };
  std::vector<Row> rows;
  for (const auto& p : ctx.table->parties()) {
    for (const auto& r : p.roles) {
      auto ms = p.updated_at * 1000;
      if ((page->date_from_ms && ms < *page->date_from_ms) || (page->date_to_ms && ms >= *page->date_to_ms)) {
        continue;
      }
      auto ts = model::format_timestamp(model::Timestamp::from_unix_ms(ms));
      std::string json = "{\"party_id\":" + wire::json_string(r.ref.party_id) +
                         ",\"country_code\":" + wire::json_string(r.ref.country_code) + ",\"role\":\"" +
                         std::string(model::to_string(r.role)) + "\",\"status\":\"" + upper(model::to_string(p.status)) +
                         "\",\"last_updated\":\"" + ts + "\"}";
      rows.push_back({ms, r.ref.country_code + r.ref.party_id + std::string(model::to_string(r.role)), std::move(json)});
    }
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.updated_ms, a.key) < std::tie(b.updated_ms, b.key);
  });
  std::vector<std::string> out;
  for (std::size_t i = page->offset; i < rows.size() && out.size() < page->limit; ++i) {
    out.push_back(rows[i].json);
  }
  auto r = wire::reply(200, 1000, "", wire::json_array(out));
  wire::pagination_headers(r.headers, version_url() + "/hubclientinfo", *page, out.size(), rows.size(),
                           options.page_limit);
  return r;
}

asio::awaitable<Result<model::Party>> OcpiHub::Impl::connect(std::string party_id, std::string versions_url,
                                                             std::string token_a) {
  auto table = registry.snapshot();
  const auto* party = table->find(party_id);
  if (party == nullptr) {
    co_return make_error_code(Errc::not_found);
  }
  if (party->protocol != model::Protocol::ocpi) {
    co_return make_error_code(Errc::invalid_request);
  }
  bool plain = false;
  std::string peer_version_url;
  std::vector<model::Endpoint> endpoints;
  std::string failure;
  auto read = co_await read_endpoints(versions_url, token_a, plain, peer_version_url, endpoints, failure);
  if (!read) {
    log->warn("{}", hub::log::with("connect: cannot read the platform's endpoints", {{"party", party_id}, {"reason", failure}}));
    co_return read.error();
  }
  model::Party caller;
  caller.ocpi.token_b = token_a;
  caller.ocpi.auth_plain = plain;
  model::Endpoint creds_ep;
  for (const auto& e : endpoints) {
    if (e.module == "credentials") {
      creds_ep = e;
    }
  }
  if (creds_ep.url.empty()) {
    co_return make_error_code(Errc::unknown_receiver);
  }
  // The platform calls our versions with the new token while our POST is open: it must be known first.
  auto token_for_platform = new_token();
  auto pre = co_await registry.update(party_id, [&](model::Party& p) {
    p.ocpi.token_c = token_for_platform;
    p.ocpi.token_a.clear();
  });
  if (!pre) {
    co_return pre.error();
  }
  auto res = co_await call(caller, "POST", creds_ep.url, hub_credentials(token_for_platform), options.forward_timeout,
                           {}, {}, {});
  std::string error;
  std::optional<PeerCredentials> creds;
  if (res.ok() && wire::envelope_status(res.response.body).value_or(0) / 1000 == 1) {
    if (auto data = wire::envelope_data(res.response.body)) {
      creds = parse_credentials(*data, error);
    }
  }
  if (!creds) {
    log->warn("{}", hub::log::with("connect: the platform refused the credentials",
                                   {{"party", party_id},
                                    {"status", std::to_string(res.status)},
                                    {"answer", res.response.body.substr(0, 300)},
                                    {"error", error.empty() ? res.error : error}}));
    co_return make_error_code(Errc::upstream_permanent);
  }
  auto updated = co_await registry.update(party_id, [&](model::Party& p) {
    p.ocpi.token_b = creds->token;
    p.ocpi.versions_url = versions_url;
    p.ocpi.version = std::string(kVersion);
    p.ocpi.auth_plain = plain;
    p.endpoints = endpoints;
    p.roles = creds->roles;
    p.status = model::PartyStatus::connected;
  });
  if (updated) {
    log->info("{}", hub::log::with("connected to ocpi platform", {{"party", party_id}, {"versions_url", versions_url}}));
  }
  co_return updated;
}

// ---------------------------------------------------------------------------------------------
// outbound

namespace {

std::string_view module_of_kind(bus::Kind k) {
  switch (k) {
    case bus::Kind::location:
    case bus::Kind::evse:
    case bus::Kind::connector:
    case bus::Kind::evse_status:
      return "locations";
    case bus::Kind::tariff:
      return "tariffs";
    case bus::Kind::token:
      return "tokens";
    case bus::Kind::session:
      return "sessions";
    case bus::Kind::cdr:
      return "cdrs";
    case bus::Kind::client_info:
      return "hubclientinfo";
    case bus::Kind::command:
      return "commands";
    case bus::Kind::command_result:
    case bus::Kind::charging_profile:
      return "";
  }
  return "";
}

/// Splits off the x_hub_* string members the hub places at the front of a payload
/// ({"x_hub_route":"..",...rest}); returns the object without them, byte for byte otherwise.
std::string take_leading_hub_members(std::string_view json, std::map<std::string, std::string>& out) {
  auto skip_ws = [&](std::size_t i) {
    while (i < json.size() && (json[i] == ' ' || json[i] == '\n' || json[i] == '\t' || json[i] == '\r')) {
      ++i;
    }
    return i;
  };
  auto string_end = [&](std::size_t i) -> std::size_t {  // i at the opening quote
    for (++i; i < json.size(); ++i) {
      if (json[i] == '\\') {
        ++i;
      } else if (json[i] == '"') {
        return i;
      }
    }
    return std::string_view::npos;
  };
  auto i = skip_ws(0);
  if (i >= json.size() || json[i] != '{') {
    return std::string(json);
  }
  auto body_start = i + 1;
  i = skip_ws(body_start);
  while (i < json.size() && json.compare(i, 7, "\"x_hub_") == 0) {
    auto key_end = string_end(i);
    if (key_end == std::string_view::npos) {
      break;
    }
    auto colon = skip_ws(key_end + 1);
    if (colon >= json.size() || json[colon] != ':') {
      break;
    }
    auto v = skip_ws(colon + 1);
    if (v >= json.size() || json[v] != '"') {
      break;
    }
    auto v_end = string_end(v);
    if (v_end == std::string_view::npos) {
      break;
    }
    rapidjson::Document d;
    d.Parse(json.data() + v, v_end - v + 1);
    if (!d.HasParseError() && d.IsString()) {
      out[std::string(json.substr(i + 1, key_end - i - 1))] = str(d);
    }
    i = skip_ws(v_end + 1);
    if (i < json.size() && json[i] == ',') {
      i = skip_ws(i + 1);
    }
    body_start = i;
  }
  return "{" + std::string(json.substr(body_start));
}

/// The OCPI 2.2.1 wire form of a canonical payload of a model kind.
template <class T>
std::string wire_form(const std::string& canonical) {
  if (canonical.find("\"x_hub_") == std::string::npos) {
    return canonical;  // already the OCPI form
  }
  auto d = decode<T>(canonical, DecodeOptions{false});
  return d ? encode(*d.value, Flavor::ocpi221) : canonical;
}

std::optional<model::PartyRef> route_part(const std::string& route, bool to) {
  // "FROMCC FROMPID TOCC TOPID"
  std::vector<std::string> parts;
  std::string cur;
  for (char c : route) {
    if (c == ' ') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  if (parts.size() != 4) {
    return std::nullopt;
  }
  return to ? model::PartyRef{parts[2], parts[3]} : model::PartyRef{parts[0], parts[1]};
}

}  // namespace

asio::awaitable<bus::DeliveryResult> OcpiHub::Impl::deliver(const bus::Delivery& d) {
  bus::DeliveryResult out;
  auto table = registry.snapshot();
  const auto* dest = table->find(d.destination);
  if (dest == nullptr) {
    out.outcome = bus::DeliveryClass::permanent;
    out.reason = "unknown_destination";
    co_return out;
  }
  if (dest->ocpi.token_b.empty()) {
    out.outcome = bus::DeliveryClass::retryable;
    out.reason = "not_registered";
    co_return out;
  }
  const auto* source = table->find(d.source);
  if (source != nullptr && source->protocol != model::Protocol::ocpi) {
    // Data of another protocol's party (OCHP): the hub's OCPI store keeps it too, so OCPI
    // parties can pull it from the hub (GET-All, open routing, authorize from the whitelist).
    auto kept = co_await ingest(d);
    if (!kept) {
      out.outcome = bus::DeliveryClass::retryable;
      out.reason = "store";
      co_return out;
    }
  }
  std::map<std::string, std::string> hub_members;
  std::string body = take_leading_hub_members(d.payload, hub_members);
  std::string method = "PUT";
  switch (d.kind) {
    case bus::Kind::location: body = wire_form<model::Location>(body); break;
    case bus::Kind::evse: body = wire_form<model::Evse>(body); break;
    case bus::Kind::connector: body = wire_form<model::Connector>(body); break;
    case bus::Kind::tariff: body = wire_form<model::Tariff>(body); break;
    case bus::Kind::token: body = wire_form<model::Token>(body); break;
    case bus::Kind::session: body = wire_form<model::Session>(body); break;
    case bus::Kind::cdr: body = wire_form<model::Cdr>(body); break;
    case bus::Kind::evse_status: {
      // A live status change: PATCH of the EVSE with status and last_updated.
      auto u = decode<model::EvseStatusUpdate>(body, DecodeOptions{false});
      if (!u) {
        out.outcome = bus::DeliveryClass::permanent;
        out.reason = "bad_payload";
        out.answer = u.message();
        co_return out;
      }
      body = "{\"status\":\"" + std::string(model::to_string(u.value->status)) + "\",\"last_updated\":\"" +
             model::format_timestamp(u.value->last_updated) + "\"}";
      method = "PATCH";
      break;
    }
    default: break;
  }
  std::string url;
  auto module = module_of_kind(d.kind);
  std::optional<model::PartyRef> to;
  std::optional<model::PartyRef> from;
  if (auto it = hub_members.find("x_hub_route"); it != hub_members.end()) {
    from = route_part(it->second, false);
    to = route_part(it->second, true);
  } else if (source != nullptr && !source->roles.empty() && !dest->roles.empty()) {
    // From another protocol's party: FROM the object's owner (the key's CC/PID) when it is a
    // role of the source, TO the receiver's role that takes this kind of object.
    from = source->roles.front().ref;
    auto slash = d.key.find('/');
    auto slash2 = slash == std::string::npos ? slash : d.key.find('/', slash + 1);
    if (slash2 != std::string::npos) {
      model::PartyRef owner{http::url_decode(d.key.substr(0, slash)),
                            http::url_decode(d.key.substr(slash + 1, slash2 - slash - 1))};
      for (const auto& r : source->roles) {
        if (same_ref(r.ref, owner)) {
          from = r.ref;
          break;
        }
      }
    }
    const model::Role wanted = d.kind == bus::Kind::token ? model::Role::cpo : model::Role::emsp;
    to = dest->roles.front().ref;
    for (const auto& r : dest->roles) {
      if (r.role == wanted) {
        to = r.ref;
        break;
      }
    }
  }
  if (d.kind == bus::Kind::command_result) {
    method = "POST";
    url = hub_members["x_hub_response_url"];
  } else {
    auto base = endpoint_of(*dest, module, "RECEIVER");
    if (base.empty()) {
      out.outcome = bus::DeliveryClass::permanent;
      out.reason = "no_endpoint";
      out.answer = "the party offers no " + std::string(module) + " RECEIVER endpoint";
      co_return out;
    }
    while (!base.empty() && base.back() == '/') {
      base.pop_back();
    }
    if (d.kind == bus::Kind::cdr) {
      method = "POST";
      url = base;
    } else {
      std::string path = d.kind == bus::Kind::client_info ? d.key.substr(0, d.key.find('|')) : d.key;
      std::replace(path.begin(), path.end(), '|', '/');
      url = base + "/" + path;
      if (hub_members.count("x_hub_deleted")) {
        method = "DELETE";
        body.clear();
      }
    }
  }
  if (url.empty()) {
    out.outcome = bus::DeliveryClass::permanent;
    out.reason = "no_url";
    co_return out;
  }
  if (d.kind == bus::Kind::client_info) {
    to.reset();
    from.reset();
  }
  auto res = co_await call(*dest, method, url, body, options.delivery_timeout, to, from, {});
  out.answer = res.status ? res.response.body.substr(0, 2000) : res.error;
  if (res.retry_after) {
    out.retry_after = std::chrono::duration_cast<std::chrono::milliseconds>(*res.retry_after);
  }
  if (res.status == 0) {
    // No answer. A request the client cannot make at all (a URL kept from before such URLs were
    // refused on intake) would fail the same way every time; anything else depends on the
    // partner (transport, TLS, an answer that is none) and is retried.
    out.outcome = res.not_sendable ? bus::DeliveryClass::permanent : bus::DeliveryClass::retryable;
    out.reason = res.not_sendable ? "request" : "connect";
    co_return out;
  }
  if (!res.ok()) {
    out.outcome = res.outcome == http::Outcome::retryable ? bus::DeliveryClass::retryable : bus::DeliveryClass::permanent;
    out.reason = "http_" + std::to_string(res.status);
    co_return out;
  }
  auto code = wire::envelope_status(res.response.body);
  if (code && *code >= 2000) {
    out.outcome = *code >= 3000 ? bus::DeliveryClass::retryable : bus::DeliveryClass::permanent;
    out.reason = ocpi_error_reason(*code);
    co_return out;
  }
  out.outcome = bus::DeliveryClass::ok;
  co_return out;
}

asio::awaitable<bool> OcpiHub::Impl::ingest(const bus::Delivery& d) {
  std::vector<std::string> visible{d.destination};
  Result<int> r = 0;
  // Every OCPI destination of the event ingests it, and a destination's backlog may replay older
  // states after an outage: a state older than the one kept is not written back. The lanes of
  // several destinations ingest the same object concurrently, so each write is conditional on
  // the object being as it was read (a lane that lost the race reads again).
  struct Next {
    std::string json;
    std::int64_t last_updated_ms = 0;
  };
  // Reads the stored object and writes what `merge` makes of it (nullopt: left as it is), one
  // merge of the object at a time in this process. false: the store failed or the object kept
  // changing (the delivery is retried).
  auto merge_stored = [this, &visible](std::string module, model::PartyRef owner, std::string id,
                                       auto merge) -> asio::awaitable<bool> {
    std::string object = module + ":" + ObjectStore::member(owner, id);
    auto held = co_await merges.lock(std::move(object));
    for (int attempt = 0; attempt < kMergeAttempts; ++attempt) {
      auto stored = co_await store.get(module, owner, id);
      if (!stored) {
        co_return false;
      }
      std::optional<Next> next = merge(*stored);
      if (!next) {
        co_return true;
      }
      // (A named condition: g++ 12 destroys a temporary of a co_await expression twice.)
      std::optional<IfUnchanged> condition = IfUnchanged{std::move(*stored)};
      auto put = co_await store.put(module, owner, id, std::move(next->json), next->last_updated_ms, visible,
                                    std::move(condition));
      if (!put) {
        co_return false;
      }
      if (*put != ObjectStore::kRefused) {
        co_return true;
      }
    }
    co_return false;
  };
  // The event's object itself, unless the stored one is newer.
  auto newest = [&d](model::Timestamp incoming) {
    return [&d, incoming](const std::optional<std::string>& stored) -> std::optional<Next> {
      if (stored) {
        auto ts = wire::string_member(*stored, "last_updated");
        auto kept = ts ? model::parse_timestamp(*ts) : std::nullopt;
        if (kept.has_value() && *kept > incoming) {
          return std::nullopt;
        }
      }
      return Next{d.payload, incoming.unix_ms()};
    };
  };

  switch (d.kind) {
    case bus::Kind::location: {
      auto v = decode<model::Location>(d.payload, DecodeOptions{false});
      if (!v) {
        co_return true;  // nothing the OCPI store can hold; the delivery reports it
      }
      model::PartyRef owner{v.value->country_code, v.value->party_id};
      auto kept = co_await merge_stored("locations", owner, v.value->id, newest(v.value->last_updated));
      co_return kept;
    }
    case bus::Kind::evse:
    case bus::Kind::evse_status: {
      auto k = bus::keys::parse_object_key(d.key);
      if (!k || k->evse_uid.empty()) {
        co_return true;
      }
      const model::PartyRef owner{k->country_code, k->party_id};
      const std::string id = k->id;
      const std::string uid = k->evse_uid;
      std::optional<model::Evse> evse;
      std::optional<model::EvseStatusUpdate> status;
      if (d.kind == bus::Kind::evse) {
        auto e = decode<model::Evse>(d.payload, DecodeOptions{false});
        if (!e) {
          co_return true;
        }
        evse = std::move(*e.value);
      } else {
        auto u = decode<model::EvseStatusUpdate>(d.payload, DecodeOptions{false});
        if (!u) {
          co_return true;
        }
        status = std::move(*u.value);
      }
      // Merged into the stored Location (the lanes of other destinations merge into it too).
      auto into_location = [&](const std::optional<std::string>& stored) -> std::optional<Next> {
        if (!stored) {
          return std::nullopt;  // the Location comes first in the same lane; nothing to merge into yet
        }
        auto loc = decode<model::Location>(*stored, DecodeOptions{false});
        if (!loc) {
          return std::nullopt;
        }
        auto it = std::find_if(loc.value->evses.begin(), loc.value->evses.end(),
                               [&](const model::Evse& e) { return http::iequals(e.uid, uid); });
        if (evse) {
          if (it != loc.value->evses.end() && it->last_updated > evse->last_updated) {
            return std::nullopt;  // an older state replayed: the kept EVSE is newer
          }
          loc.value->last_updated = std::max(loc.value->last_updated, evse->last_updated);
          if (it == loc.value->evses.end()) {
            loc.value->evses.push_back(*evse);
          } else {
            *it = *evse;
          }
        } else {
          if (it == loc.value->evses.end() || it->last_updated > status->last_updated) {
            return std::nullopt;
          }
          it->status = status->status;
          it->last_updated = std::max(it->last_updated, status->last_updated);
          loc.value->last_updated = std::max(loc.value->last_updated, status->last_updated);
        }
        return Next{encode(*loc.value, Flavor::canonical), loc.value->last_updated.unix_ms()};
      };
      auto kept = co_await merge_stored("locations", owner, id, into_location);
      co_return kept;
    }
    case bus::Kind::tariff: {
      auto v = decode<model::Tariff>(d.payload, DecodeOptions{false});
      if (!v) {
        co_return true;
      }
      model::PartyRef owner{v.value->country_code, v.value->party_id};
      auto kept = co_await merge_stored("tariffs", owner, v.value->id, newest(v.value->last_updated));
      co_return kept;
    }
    case bus::Kind::token: {
      auto v = decode<model::Token>(d.payload, DecodeOptions{false});
      if (!v) {
        co_return true;
      }
      model::PartyRef owner{v.value->country_code, v.value->party_id};
      auto id = v.value->uid + "#" + std::string(model::to_string(v.value->type));
      auto kept = co_await merge_stored("tokens", owner, id, newest(v.value->last_updated));
      co_return kept;
    }
    case bus::Kind::cdr: {
      auto v = decode<model::Cdr>(d.payload, DecodeOptions{false});
      if (!v) {
        co_return true;
      }
      model::PartyRef owner{v.value->country_code, v.value->party_id};
      std::optional<IfUnchanged> unconditional;  // a CDR is never changed: kept as it comes
      r = co_await store.put("cdrs", owner, v.value->id, d.payload, v.value->last_updated.unix_ms(), visible,
                             std::move(unconditional));
      break;
    }
    default:
      co_return true;
  }
  co_return static_cast<bool>(r);
}

// ---------------------------------------------------------------------------------------------
// HubClientInfo pushes and the still-alive probe

void OcpiHub::Impl::on_registry_change(const routing::RoutingTable& table) {
  std::vector<bus::Event> events;
  {
    std::lock_guard lock(mutex);
    if (stopping) {
      return;
    }
    std::map<std::string, std::string> now;
    for (const auto& p : table.parties()) {
      for (const auto& r : p.roles) {
        auto key = key_escape(r.ref.country_code) + "/" + key_escape(r.ref.party_id);
        auto ts = model::format_timestamp(model::Timestamp::from_unix_ms(p.updated_at * 1000));
        now[key + "#" + std::string(model::to_string(r.role)) + "#" + p.id] =
            "{\"party_id\":" + wire::json_string(r.ref.party_id) + ",\"country_code\":" +
            wire::json_string(r.ref.country_code) + ",\"role\":\"" + std::string(model::to_string(r.role)) +
            "\",\"status\":\"" + upper(model::to_string(p.status)) + "\",\"last_updated\":\"" + ts + "\"}";
      }
    }
    std::set<std::string> receivers;
    for (const auto& p : table.parties()) {
      if (p.protocol == model::Protocol::ocpi && p.status == model::PartyStatus::connected && !p.ocpi.token_b.empty() &&
          !endpoint_of(p, "hubclientinfo", "RECEIVER").empty()) {
        receivers.insert(p.id);
      }
    }
    for (const auto& [k, json] : now) {
      auto changed = client_info_[k] != json;
      auto owner = k.substr(k.rfind('#') + 1);
      auto path = k.substr(0, k.find('#'));
      for (const auto& rid : receivers) {
        if (rid == owner || (!changed && client_info_receivers_.count(rid))) {
          continue;
        }
        // key "CC/PID|ROLE": the URL is {clientinfo_url}/{cc}/{pid}; the role keeps objects apart.
        auto role = k.substr(k.find('#') + 1, k.rfind('#') - k.find('#') - 1);
        events.push_back({owner, rid, bus::Kind::client_info, path + "|" + role, json});
      }
    }
    client_info_ = std::move(now);
    client_info_receivers_ = std::move(receivers);
  }
  if (events.empty()) {
    return;
  }
  asio::co_spawn(
      executor,
      [self = shared_from_this(), events = std::move(events)]() mutable -> asio::awaitable<void> {
        auto results = co_await self->bus.publish_many(std::move(events));
        for (const auto& r : results) {
          if (!r) {
            self->log->warn("{}", hub::log::with("client info push not queued", {{"error", r.error().message()}}));
          }
        }
      },
      asio::detached);
}

asio::awaitable<void> OcpiHub::Impl::probe(model::Party party) {
  auto res = co_await call(party, "GET", party.ocpi.versions_url, {}, options.forward_timeout, {}, {}, {});
  bool alive = res.ok();
  if (alive && party.status == model::PartyStatus::offline) {
    co_await registry.update(party.id, [](model::Party& p) {
      if (p.status == model::PartyStatus::offline) {
        p.status = model::PartyStatus::connected;
      }
    });
    log->info("{}", hub::log::with("ocpi party reachable again", {{"party", party.id}}));
  } else if (!alive && party.status == model::PartyStatus::connected) {
    co_await registry.update(party.id, [](model::Party& p) {
      if (p.status == model::PartyStatus::connected) {
        p.status = model::PartyStatus::offline;
      }
    });
    log->warn("{}", hub::log::with("ocpi party unreachable: marked OFFLINE",
                                   {{"party", party.id}, {"error", res.status ? "HTTP " + std::to_string(res.status) : res.error}}));
  }
}

asio::awaitable<void> OcpiHub::Impl::alive_loop() {
  auto self = shared_from_this();
  for (;;) {
    alive_timer.expires_after(options.alive_interval);
    boost::system::error_code ec;
    co_await alive_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    {
      std::lock_guard lock(mutex);
      if (stopping) {
        co_return;
      }
    }
    auto table = registry.snapshot();
    for (const auto& p : table->parties()) {
      if (p.protocol == model::Protocol::ocpi && !p.ocpi.token_b.empty() && !p.ocpi.versions_url.empty() &&
          (p.status == model::PartyStatus::connected || p.status == model::PartyStatus::offline)) {
        co_await probe(p);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// public face

OcpiHub::OcpiHub(asio::any_io_executor executor, asio::any_io_executor redis_executor, store::RedisClient& redis,
                 routing::Registry& registry, bus::Bus& bus, http::HttpClient& client, HubOptions options,
                 metrics::Metrics* metrics)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(redis_executor), redis, registry, bus, client,
                                   std::move(options), metrics)) {}

OcpiHub::~OcpiHub() = default;

bool OcpiHub::handles(std::string_view path) noexcept { return path == "/ocpi" || path.rfind("/ocpi/", 0) == 0; }

std::string_view OcpiHub::module_of(std::string_view path) noexcept {
  for (std::string_view m : {"credentials", "hubclientinfo", "locations", "sessions", "cdrs", "tariffs", "tokens",
                             "commands", "chargingprofiles", "callback", "versions"}) {
    auto pos = path.find(m);
    if (pos != std::string_view::npos && path[pos - 1] == '/' &&
        (pos + m.size() == path.size() || path[pos + m.size()] == '/')) {
      return m;
    }
  }
  return path.size() <= 12 ? "versions" : "other";
}

// Not a coroutine: hands back the implementation's awaitable (one coroutine frame less per request).
asio::awaitable<http::Response> OcpiHub::handle(http::Request& req) { return impl_->handle(req); }

asio::awaitable<bus::DeliveryResult> OcpiHub::deliver(const bus::Delivery& delivery) {
  return impl_->deliver(delivery);  // not a coroutine: one frame less per delivery
}

asio::awaitable<Result<model::Party>> OcpiHub::connect(std::string party_id, std::string versions_url,
                                                       std::string token_a) {
  co_return co_await impl_->connect(std::move(party_id), std::move(versions_url), std::move(token_a));
}

asio::awaitable<Result<model::AuthorizationInfo>> OcpiHub::authorize_token(std::string party_id, std::string uid,
                                                                           std::string type) {
  co_return co_await impl_->authorize_token(std::move(party_id), std::move(uid), std::move(type));
}

void OcpiHub::on_registry_change(const routing::RoutingTable& table) { impl_->on_registry_change(table); }

void OcpiHub::start() { asio::co_spawn(impl_->executor, impl_->alive_loop(), asio::detached); }

asio::awaitable<void> OcpiHub::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  asio::post(impl_->executor, [self = impl_] { self->alive_timer.cancel(); });
  co_return;
}

void OcpiHub::set_public_url(std::string url) {
  std::lock_guard lock(impl_->mutex);
  impl_->public_url_ = std::move(url);
}

}  // namespace hub::ocpi
