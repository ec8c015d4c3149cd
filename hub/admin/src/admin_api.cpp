// SPDX-License-Identifier: GPL-2.0-or-later
#include <hub/admin/admin_api.hpp>

#include <adapters/crypto.hpp>
#include <hub/bus/delivery.hpp>
#include <hub/bus/translation_log.hpp>
#include <hub/core/error.hpp>
#include <hub/core/log.hpp>
#include <hub/metrics/metrics.hpp>
#include <hub/model/party.hpp>
#include <routing/registry.hpp>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <optional>
#include <set>
#include <variant>

namespace hub::admin {
namespace {

namespace asio = boost::asio;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr std::size_t kMaxUsername = 64;
constexpr std::size_t kMinPassword = 8;
constexpr std::size_t kMaxPassword = 256;

http::Response json_response(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

http::Response error(int status, std::string_view message, std::string_view field = {}) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("error");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  if (!field.empty()) {
    w.Key("field");
    w.String(field.data(), static_cast<rapidjson::SizeType>(field.size()));
  }
  w.Key("status");
  w.Int(status);
  w.EndObject();
  return json_response(status, sb.GetString());
}

http::Response error_for(const std::error_code& ec) {
  if (ec == make_error_code(Errc::not_found)) {
    return error(404, "unknown party");
  }
  if (ec == make_error_code(Errc::conflict)) {
    return error(409, "a role, username or token of this party is already registered");
  }
  if (ec == make_error_code(Errc::invalid_request)) {
    return error(400, "invalid party");
  }
  auto e = static_cast<Errc>(ec.value());
  if (&ec.category() == &hub_category()) {
    return error(mapping(e).http_status, "storage unavailable, retry later");
  }
  return error(503, "storage unavailable, retry later");
}

void put(Writer& w, std::string_view key, std::string_view value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

struct Urls {
  std::string versions;
  std::string main;
  std::string live;
  std::string direct;
};

Urls hub_urls(const std::string& base) {
  return {base + "/ocpi/versions", base + "/service/ochp/v1.4", base + "/live/ochp/v1.4",
          base + "/direct/ochp/v1.4"};
}

void write_party(Writer& w, const model::Party& p, const Urls& urls) {
  w.StartObject();
  put(w, "id", p.id);
  put(w, "name", p.name);
  put(w, "protocol", model::to_string(p.protocol));
  put(w, "status", model::to_string(p.status));
  w.Key("roles");
  w.StartArray();
  for (const auto& r : p.roles) {
    w.StartObject();
    put(w, "role", model::to_string(r.role));
    put(w, "country_code", r.ref.country_code);
    put(w, "party_id", r.ref.party_id);
    w.EndObject();
  }
  w.EndArray();
  if (p.protocol == model::Protocol::ocpi) {
    put(w, "versions_url", urls.versions);
    if (p.ocpi.token_c.empty() && !p.ocpi.token_a.empty()) {
      put(w, "token_a", p.ocpi.token_a);  // until the credentials handshake replaced it
    }
    if (!p.ocpi.versions_url.empty()) {
      put(w, "party_versions_url", p.ocpi.versions_url);
    }
    if (!p.ocpi.version.empty()) {
      put(w, "ocpi_version", p.ocpi.version);
    }
    w.Key("realtime_authorize");
    w.Bool(p.ocpi.realtime_authorize);
  } else {
    put(w, "username", p.ochp.username);
    w.Key("ochp_endpoints");
    w.StartObject();
    put(w, "main", urls.main);
    put(w, "live", urls.live);
    put(w, "direct", urls.direct);
    w.EndObject();
  }
  w.Key("endpoints");
  w.StartArray();
  for (const auto& e : p.endpoints) {
    w.StartObject();
    put(w, "module", e.module);
    put(w, "interface", e.interface);
    put(w, "url", e.url);
    w.EndObject();
  }
  w.EndArray();
  w.Key("created_at");
  w.Int64(p.created_at);
  w.Key("updated_at");
  w.Int64(p.updated_at);
  w.EndObject();
}

/// Reads a JSON object body; on failure returns the 400 answer.
std::optional<http::Response> parse_object(const std::string& body, rapidjson::Document& doc) {
  if (body.empty()) {
    return error(400, "a JSON object body is required");
  }
  // Iterative: no recursion on the stack however deep the body nests.
  doc.Parse<rapidjson::kParseStopWhenDoneFlag | rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (doc.HasParseError()) {
    return error(400, std::string("malformed JSON at offset ") + std::to_string(doc.GetErrorOffset()) + ": " +
                          rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (!doc.IsObject()) {
    return error(400, "the body must be a JSON object");
  }
  return std::nullopt;
}

std::optional<http::Response> check_keys(const rapidjson::Value& obj, const std::set<std::string_view>& allowed,
                                         const std::string& prefix) {
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    std::string_view key(it->name.GetString(), it->name.GetStringLength());
    if (!allowed.count(key)) {
      return error(400, "unknown field", prefix + std::string(key));
    }
  }
  return std::nullopt;
}

std::optional<std::string> get_string(const rapidjson::Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) {
    return std::nullopt;
  }
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

bool has(const rapidjson::Value& obj, const char* key) { return obj.FindMember(key) != obj.MemberEnd(); }

/// Decodes POST /admin/parties into a Party (credentials generated or hashed here).
std::variant<model::Party, http::Response> decode_new_party(const rapidjson::Value& obj) {
  if (auto bad = check_keys(obj, {"name", "protocol", "roles", "username", "password", "realtime_authorize"}, "")) {
    return *bad;
  }
  model::Party p;
  auto name = get_string(obj, "name");
  if (!name || name->empty() || name->size() > 100) {
    return error(400, "name must be a string of 1 to 100 characters", "name");
  }
  p.name = *name;
  auto proto = get_string(obj, "protocol");
  auto protocol = proto ? model::protocol_from_string(*proto) : std::nullopt;
  if (!protocol) {
    return error(400, "protocol must be \"ocpi\" or \"ochp\"", "protocol");
  }
  p.protocol = *protocol;
  auto roles = obj.FindMember("roles");
  if (roles == obj.MemberEnd() || !roles->value.IsArray() || roles->value.Empty()) {
    return error(400, "roles must be a non-empty array", "roles");
  }
  if (roles->value.Size() > 64) {
    return error(400, "at most 64 roles", "roles");
  }
  for (rapidjson::SizeType i = 0; i < roles->value.Size(); ++i) {
    std::string path = "roles[" + std::to_string(i) + "]";
    const auto& r = roles->value[i];
    if (!r.IsObject()) {
      return error(400, "each role must be an object", path);
    }
    if (auto bad = check_keys(r, {"role", "country_code", "party_id"}, path + ".")) {
      return *bad;
    }
    auto role_name = get_string(r, "role");
    auto role = role_name ? model::role_from_string(*role_name) : std::nullopt;
    if (!role || *role == model::Role::hub) {
      return error(400, "role must be one of CPO, EMSP, NAP, NSP, OTHER, SCSP", path + ".role");
    }
    auto cc = get_string(r, "country_code");
    auto pid = get_string(r, "party_id");
    if (!cc || cc->size() != 2) {
      return error(400, "country_code must be 2 letters", path + ".country_code");
    }
    if (!pid || pid->size() != 3) {
      return error(400, "party_id must be 3 characters", path + ".party_id");
    }
    auto ref = model::make_party_ref(*cc, *pid);
    if (!ref) {
      return error(400, "country_code must be letters and party_id letters or digits", path);
    }
    model::PartyRole pr{*role, *ref};
    for (const auto& existing : p.roles) {
      if (existing == pr) {
        return error(409, "the same role is given twice", path);
      }
    }
    p.roles.push_back(pr);
  }
  if (p.protocol == model::Protocol::ochp) {
    auto user = get_string(obj, "username");
    if (!user || user->empty() || user->size() > kMaxUsername ||
        !std::all_of(user->begin(), user->end(), [](char c) { return c > ' ' && c < 0x7F; })) {
      return error(400, "username is required for OCHP parties (1 to 64 visible ASCII characters)", "username");
    }
    auto password = get_string(obj, "password");
    if (!password || password->size() < kMinPassword || password->size() > kMaxPassword) {
      return error(400, "password is required for OCHP parties (8 to 256 characters)", "password");
    }
    for (const auto& r : p.roles) {
      if (r.role != model::Role::cpo && r.role != model::Role::emsp) {
        return error(400, "OCHP parties are CPO (operator) or EMSP (provider)", "roles");
      }
    }
    p.ochp.username = *user;
    p.ochp.password_salt = crypto::random_hex(16);
    p.ochp.password_hash = crypto::password_hash(p.ochp.password_salt, *password);
    p.status = model::PartyStatus::connected;
  } else {
    if (has(obj, "username") || has(obj, "password")) {
      return error(400, "username and password are for OCHP parties only", has(obj, "username") ? "username" : "password");
    }
    p.ocpi.token_a = crypto::random_token();
    p.status = model::PartyStatus::planned;
    if (auto it = obj.FindMember("realtime_authorize"); it != obj.MemberEnd()) {
      if (!it->value.IsBool()) {
        return error(400, "realtime_authorize must be true or false", "realtime_authorize");
      }
      p.ocpi.realtime_authorize = it->value.GetBool();
    }
  }
  if (p.protocol == model::Protocol::ochp && has(obj, "realtime_authorize")) {
    return error(400, "realtime_authorize is for OCPI parties only", "realtime_authorize");
  }
  return p;
}

}  // namespace

struct AdminApi::Impl {
  AdminOptions options;
  routing::Registry& registry;
  metrics::Metrics& metrics;
  ReadyProbe ready;
  Urls urls;
  bus::DeliveryEngine* deliveries = nullptr;
  std::shared_ptr<spdlog::logger> log = hub::log::get("admin");

  bool authorized(const http::Request& req) const {
    auto h = req.header("Authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (h.size() <= kBearer.size() || h.substr(0, kBearer.size()) != kBearer) {
      return false;
    }
    return crypto::constant_time_equals(h.substr(kBearer.size()), options.token);
  }

  std::string party_json(const model::Party& p) const {
    rapidjson::StringBuffer sb;
    Writer w(sb);
    write_party(w, p, urls);
    return sb.GetString();
  }

  asio::awaitable<http::Response> list(const http::Request& req) {
    auto table = registry.snapshot();
    auto protocol = req.query("protocol");
    auto status = req.query("status");
    rapidjson::StringBuffer sb;
    Writer w(sb);
    w.StartArray();
    for (const auto& p : table->parties()) {
      if (!protocol.empty() && model::to_string(p.protocol) != protocol) {
        continue;
      }
      if (!status.empty() && model::to_string(p.status) != status) {
        continue;
      }
      write_party(w, p, urls);
    }
    w.EndArray();
    co_return json_response(200, sb.GetString());
  }

  asio::awaitable<http::Response> create(const http::Request& req) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req.body, doc)) {
      co_return *bad;
    }
    auto decoded = decode_new_party(doc);
    if (auto* resp = std::get_if<http::Response>(&decoded)) {
      co_return std::move(*resp);
    }
    auto created = co_await registry.create(std::move(std::get<model::Party>(decoded)));
    if (!created) {
      co_return error_for(created.error());
    }
    log->info("{}", hub::log::with("party registered", {{"party", created->id},
                                                        {"protocol", model::to_string(created->protocol)},
                                                        {"request_id", req.request_id}}));
    auto resp = json_response(201, party_json(*created));
    resp.headers.add("Location", "/admin/parties/" + created->id);
    co_return resp;
  }

  asio::awaitable<http::Response> connect(const std::string& id, const http::Request& req) {
    if (!options.connect_ocpi) {
      co_return error(404, "no OCPI hub role in this hub");
    }
    rapidjson::Document doc;
    if (auto bad = parse_object(req.body, doc)) {
      co_return *bad;
    }
    if (auto bad = check_keys(doc, {"versions_url", "token"}, "")) {
      co_return *bad;
    }
    auto versions_url = doc.HasMember("versions_url") && doc["versions_url"].IsString()
                            ? std::string(doc["versions_url"].GetString())
                            : std::string();
    auto token = doc.HasMember("token") && doc["token"].IsString() ? std::string(doc["token"].GetString()) : std::string();
    if (versions_url.rfind("http://", 0) != 0 && versions_url.rfind("https://", 0) != 0) {
      co_return error(400, "versions_url must be an http(s) URL", "versions_url");
    }
    if (token.empty() || token.size() > 64) {
      co_return error(400, "token must be the platform's token A (1..64 characters)", "token");
    }
    auto connected = co_await options.connect_ocpi(id, versions_url, token);
    if (!connected) {
      const auto& ec = connected.error();
      if (ec == make_error_code(Errc::not_found)) {
        co_return error(404, "unknown party");
      }
      if (ec == make_error_code(Errc::invalid_request)) {
        co_return error(400, "not an OCPI party");
      }
      co_return error(502, "the platform refused or could not be reached: " + std::string(hub::name(
                               static_cast<Errc>(ec.category() == hub_category() ? ec.value() : 20))));
    }
    log->info("{}", hub::log::with("connected to ocpi platform", {{"party", id}, {"request_id", req.request_id}}));
    co_return json_response(200, party_json(*connected));
  }

  asio::awaitable<http::Response> show(const std::string& id) {
    auto table = registry.snapshot();
    if (const auto* p = table->find(id)) {
      co_return json_response(200, party_json(*p));
    }
    co_return error(404, "unknown party");
  }

  asio::awaitable<http::Response> patch(const std::string& id, const http::Request& req) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req.body, doc)) {
      co_return *bad;
    }
    if (auto bad = check_keys(doc, {"status", "name", "realtime_authorize"}, "")) {
      co_return *bad;
    }
    if (doc.ObjectEmpty()) {
      co_return error(400, "nothing to change: give status, name or realtime_authorize");
    }
    std::optional<bool> realtime;
    if (auto it = doc.FindMember("realtime_authorize"); it != doc.MemberEnd()) {
      if (!it->value.IsBool()) {
        co_return error(400, "realtime_authorize must be true or false", "realtime_authorize");
      }
      realtime = it->value.GetBool();
    }
    std::optional<model::PartyStatus> status;
    if (has(doc, "status")) {
      auto s = get_string(doc, "status");
      if (!s || (*s != "suspended" && *s != "connected")) {
        co_return error(400, "status must be \"suspended\" or \"connected\"", "status");
      }
      status = *s == "suspended" ? model::PartyStatus::suspended : model::PartyStatus::connected;
    }
    std::optional<std::string> name;
    if (has(doc, "name")) {
      name = get_string(doc, "name");
      if (!name || name->empty() || name->size() > 100) {
        co_return error(400, "name must be a string of 1 to 100 characters", "name");
      }
    }
    auto updated = co_await registry.update(id, [&](model::Party& p) {
      if (status) {
        // Resuming an OCPI party that never finished its handshake puts it back to PLANNED.
        bool registered = p.protocol == model::Protocol::ochp || !p.ocpi.token_c.empty();
        p.status = *status == model::PartyStatus::connected && !registered ? model::PartyStatus::planned : *status;
      }
      if (name) {
        p.name = *name;
      }
      if (realtime && p.protocol == model::Protocol::ocpi) {
        p.ocpi.realtime_authorize = *realtime;
      }
    });
    if (!updated) {
      co_return error_for(updated.error());
    }
    co_return json_response(200, party_json(*updated));
  }

  asio::awaitable<http::Response> remove(const std::string& id) {
    auto removed = co_await registry.remove(id);
    if (!removed) {
      co_return error_for(removed.error());
    }
    log->info("{}", hub::log::with("party removed", {{"party", id}}));
    http::Response r;
    r.status = 204;
    co_return r;
  }

  asio::awaitable<http::Response> list_deliveries(const http::Request& req) {
    auto party = req.query("party");
    auto state = req.query("state");
    if (party.empty()) {
      co_return error(400, "the party query parameter is required", "party");
    }
    if (state.empty()) {
      state = "pending";
    }
    if (state != "pending" && state != "dead") {
      co_return error(400, "state must be pending or dead", "state");
    }
    std::size_t limit = 100;
    if (auto l = req.query("limit"); !l.empty()) {
      try {
        limit = std::stoul(l);
      } catch (...) {
        limit = 0;
      }
      if (limit == 0 || limit > 10000) {
        co_return error(400, "limit must be 1..10000", "limit");
      }
    }
    // Deliveries of a removed party stay inspectable (its events become dead letters).
    auto items = co_await deliveries->list(party, state, limit);
    if (!items) {
      co_return error_for(items.error());
    }
    rapidjson::StringBuffer sb;
    Writer w(sb);
    w.StartArray();
    for (const auto& d : *items) {
      w.StartObject();
      put(w, "id", d.id);
      put(w, "state", d.state);
      put(w, "source", d.source);
      put(w, "destination", d.destination);
      put(w, "kind", d.kind);
      put(w, "key", d.key);
      w.Key("accepted_at_ms");
      w.Int64(d.accepted_at_ms);
      if (d.state == "dead") {
        put(w, "reason", d.reason);
        put(w, "answer", d.answer);
        w.Key("attempts");
        w.Int(d.attempts);
        w.Key("failed_at_ms");
        w.Int64(d.failed_at_ms);
      }
      w.EndObject();
    }
    w.EndArray();
    co_return json_response(200, sb.GetString());
  }

  asio::awaitable<http::Response> retry_delivery(const std::string& id) {
    auto r = co_await deliveries->retry(id);
    if (!r) {
      if (r.error() == make_error_code(Errc::not_found)) {
        co_return error(404, "no dead letter with that id");
      }
      co_return error_for(r.error());
    }
    co_return json_response(200, R"({"requeued":true})");
  }

  asio::awaitable<http::Response> retry_dead(const std::string& party) {
    auto r = co_await deliveries->retry_dead(party);
    if (!r) {
      co_return error_for(r.error());
    }
    co_return json_response(200, "{\"requeued\":" + std::to_string(*r) + "}");
  }

  static std::optional<std::size_t> limit_of(const http::Request& req, std::size_t def) {
    auto l = req.query("limit");
    if (l.empty()) {
      return def;
    }
    std::size_t v = 0;
    try {
      v = std::stoul(l);
    } catch (...) {
      return std::nullopt;
    }
    if (v == 0 || v > 10000) {
      return std::nullopt;
    }
    return v;
  }

  asio::awaitable<http::Response> list_translations(const http::Request& req) {
    auto party = req.query("party");
    auto kind = req.query("kind");
    auto key = req.query("key");
    auto limit = limit_of(req, 100);
    if (!limit) {
      co_return error(400, "limit must be 1..10000", "limit");
    }
    Result<std::vector<bus::TranslationNote>> notes = std::vector<bus::TranslationNote>{};
    if (!kind.empty() || !key.empty()) {
      if (kind.empty() || key.empty()) {
        co_return error(400, "kind and key go together", kind.empty() ? "kind" : "key");
      }
      notes = co_await options.translations->of_object(kind, key);
    } else if (!party.empty()) {
      notes = co_await options.translations->list(party, *limit);
    } else {
      co_return error(400, "give party, or kind and key", "party");
    }
    if (!notes) {
      co_return error_for(notes.error());
    }
    rapidjson::StringBuffer sb;
    Writer w(sb);
    w.StartArray();
    for (const auto& n : *notes) {
      w.StartObject();
      put(w, "direction", n.direction);
      put(w, "source", n.source);
      put(w, "destination", n.destination);
      put(w, "kind", n.kind);
      put(w, "key", n.key);
      w.Key("lost");
      w.StartArray();
      for (const auto& l : n.lost) {
        w.String(l.c_str(), static_cast<rapidjson::SizeType>(l.size()));
      }
      w.EndArray();
      if (!n.refused.empty()) {
        put(w, "refused", n.refused);
      }
      w.Key("at_ms");
      w.Int64(n.at_ms);
      w.EndObject();
    }
    w.EndArray();
    co_return json_response(200, sb.GetString());
  }

  asio::awaitable<http::Response> list_cdrs(const http::Request& req) {
    auto status = req.query("status");
    if (status.empty()) {
      status = "declined";
    }
    static const std::set<std::string> kStatuses{"accepted", "declined", "approved", "revised", "rejected"};
    if (kStatuses.count(status) == 0) {
      co_return error(400, "status must be accepted, declined, approved, revised or rejected", "status");
    }
    auto limit = limit_of(req, 1000);
    if (!limit) {
      co_return error(400, "limit must be 1..10000", "limit");
    }
    auto items = co_await options.cdrs(status, *limit);
    if (!items) {
      co_return error_for(items.error());
    }
    rapidjson::StringBuffer sb;
    Writer w(sb);
    w.StartArray();
    for (const auto& c : *items) {
      w.StartObject();
      put(w, "cdr_id", c.cdr_id);
      put(w, "status", c.status);
      put(w, "cpo", c.cpo);
      put(w, "emp", c.emp);
      put(w, "evse_id", c.evse_id);
      w.Key("updated_ms");
      w.Int64(c.updated_ms);
      w.EndObject();
    }
    w.EndArray();
    co_return json_response(200, sb.GetString());
  }

  asio::awaitable<http::Response> route(http::Request& req) {
    auto path = req.path();
    const auto& method = req.method;
    if (path == "/health/live") {
      co_return json_response(200, R"({"status":"live"})");
    }
    if (path == "/health/ready") {
      bool ok = co_await ready();
      co_return ok ? json_response(200, R"({"status":"ready"})")
                   : json_response(503, R"({"status":"not ready","reason":"redis unavailable"})");
    }
    if (path == "/metrics") {
      if (method != "GET") {
        co_return error(405, "method not allowed");
      }
      if (options.before_scrape) {
        options.before_scrape();
      }
      co_await ready();  // refreshes hub_redis_up
      http::Response r;
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      r.body = metrics.serialize();
      co_return r;
    }
    constexpr std::string_view kParties = "/admin/parties";
    constexpr std::string_view kDeliveries = "/admin/deliveries";
    bool parties_path = path.substr(0, kParties.size()) == kParties;
    bool deliveries_path = path.substr(0, kDeliveries.size()) == kDeliveries;
    bool translations_path = path == "/admin/translations" || path == "/admin/translations/";
    bool cdrs_path = path == "/admin/cdrs" || path == "/admin/cdrs/";
    if (!parties_path && !deliveries_path && !translations_path && !cdrs_path) {
      co_return error(404, "no such endpoint");
    }
    if (!authorized(req)) {
      auto r = error(401, "missing or wrong bearer token");
      r.headers.add("WWW-Authenticate", "Bearer");
      co_return r;
    }
    if (translations_path || cdrs_path) {
      if (translations_path ? options.translations == nullptr : !options.cdrs) {
        co_return error(404, "not available in this hub");
      }
      if (method != "GET") {
        co_return error(405, "method not allowed");
      }
      if (translations_path) {
        co_return co_await list_translations(req);
      }
      co_return co_await list_cdrs(req);
    }
    if (deliveries_path) {
      if (deliveries == nullptr) {
        co_return error(404, "no delivery engine in this hub");
      }
      auto rest = path.substr(kDeliveries.size());
      if (rest.empty() || rest == "/") {
        if (method != "GET") {
          co_return error(405, "method not allowed");
        }
        co_return co_await list_deliveries(req);
      }
      constexpr std::string_view kRetry = "/retry";
      if (rest.size() > kRetry.size() + 1 && rest.substr(rest.size() - kRetry.size()) == kRetry) {
        if (method != "POST") {
          co_return error(405, "method not allowed");
        }
        co_return co_await retry_delivery(http::url_decode(rest.substr(1, rest.size() - 1 - kRetry.size())));
      }
      co_return error(404, "no such endpoint");
    }
    auto rest = path.substr(kParties.size());
    constexpr std::string_view kConnect = "/connect";
    if (rest.size() > kConnect.size() + 1 && rest.substr(rest.size() - kConnect.size()) == kConnect) {
      if (method != "POST") {
        co_return error(405, "method not allowed");
      }
      co_return co_await connect(http::url_decode(rest.substr(1, rest.size() - 1 - kConnect.size())), req);
    }
    constexpr std::string_view kRetryDead = "/deliveries/retry-dead";
    if (deliveries != nullptr && rest.size() > kRetryDead.size() + 1 &&
        rest.substr(rest.size() - kRetryDead.size()) == kRetryDead) {
      if (method != "POST") {
        co_return error(405, "method not allowed");
      }
      co_return co_await retry_dead(http::url_decode(rest.substr(1, rest.size() - 1 - kRetryDead.size())));
    }
    if (rest.empty() || rest == "/") {
      if (method == "GET") {
        co_return co_await list(req);
      }
      if (method == "POST") {
        co_return co_await create(req);
      }
      auto r = error(405, "method not allowed");
      r.headers.add("Allow", "GET, POST");
      co_return r;
    }
    if (rest.front() != '/' || rest.find('/', 1) != std::string_view::npos) {
      co_return error(404, "no such endpoint");
    }
    std::string id = http::url_decode(rest.substr(1));
    if (method == "GET") {
      co_return co_await show(id);
    }
    if (method == "PATCH") {
      co_return co_await patch(id, req);
    }
    if (method == "DELETE") {
      co_return co_await remove(id);
    }
    auto r = error(405, "method not allowed");
    r.headers.add("Allow", "GET, PATCH, DELETE");
    co_return r;
  }
};

AdminApi::AdminApi(AdminOptions options, routing::Registry& registry, metrics::Metrics& metrics, ReadyProbe ready,
                   bus::DeliveryEngine* deliveries)
    : impl_(std::make_unique<Impl>(
          Impl{options, registry, metrics, std::move(ready), hub_urls(options.public_url), deliveries})) {}

AdminApi::~AdminApi() = default;

asio::awaitable<http::Response> AdminApi::handle(http::Request& req) { co_return co_await impl_->route(req); }

std::string_view AdminApi::module_of(std::string_view path) noexcept {
  if (path.rfind("/admin/deliveries", 0) == 0 || path.find("/deliveries/") != std::string_view::npos) {
    return "deliveries";
  }
  if (path.rfind("/admin/translations", 0) == 0) {
    return "translations";
  }
  if (path.rfind("/admin/cdrs", 0) == 0) {
    return "cdrs";
  }
  if (path.rfind("/admin/parties", 0) == 0) {
    return "parties";
  }
  if (path == "/metrics") {
    return "metrics";
  }
  if (path.rfind("/health/", 0) == 0) {
    return "health";
  }
  return "other";
}

}  // namespace hub::admin
