// SPDX-License-Identifier: GPL-2.0-or-later
#include "platform.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <fstream>
#include <random>
#include <set>

namespace hub::test {
namespace {

namespace asio = boost::asio;

std::string b64(std::string_view in) {
  static constexpr char kA[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += {kA[(v >> 18) & 63], kA[(v >> 12) & 63], kA[(v >> 6) & 63], kA[v & 63]};
  }
  if (in.size() - i == 1) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += {kA[(v >> 18) & 63], kA[(v >> 12) & 63], '=', '='};
  } else if (in.size() - i == 2) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += {kA[(v >> 18) & 63], kA[(v >> 12) & 63], kA[(v >> 6) & 63], '='};
  }
  return out;
}

std::string random_token() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 24; ++i) {
    out += kHex[rng() & 15];
  }
  return out;
}

std::string uuid() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) {
    out += i == 12 ? '4' : i == 16 ? '8' : kHex[rng() & 15];
    if (i == 7 || i == 11 || i == 15 || i == 19) {
      out += '-';
    }
  }
  return out;
}

std::string envelope(int code, const std::string& data = {}) {
  std::string out = "{";
  if (!data.empty()) {
    out += "\"data\":" + data + ",";
  }
  return out + "\"status_code\":" + std::to_string(code) + ",\"timestamp\":\"2026-11-25T10:00:00Z\"}";
}

http::Response reply(int status, int code, const std::string& data = {}) {
  http::Response r;
  r.status = status;
  r.body = envelope(code, data);
  return r;
}

std::string str(const rapidjson::Value& v, const char* name) {
  if (v.IsObject() && v.HasMember(name) && v[name].IsString()) {
    return v[name].GetString();
  }
  return {};
}

std::string credentials_json(const std::string& token, const std::string& url, const std::vector<model::PartyRole>& roles,
                             const std::string& name) {
  std::string out = "{\"token\":\"" + token + "\",\"url\":\"" + url + "\",\"roles\":[";
  for (std::size_t i = 0; i < roles.size(); ++i) {
    if (i > 0) {
      out += ",";
    }
    out += "{\"role\":\"" + std::string(model::to_string(roles[i].role)) + "\",\"business_details\":{\"name\":\"" + name +
           "\"},\"party_id\":\"" + roles[i].ref.party_id + "\",\"country_code\":\"" + roles[i].ref.country_code + "\"}";
  }
  return out + "]}";
}

std::size_t to_size(const std::string& s, std::size_t fallback) {
  std::size_t v = fallback;
  if (!s.empty()) {
    std::from_chars(s.data(), s.data() + s.size(), v);
  }
  return v;
}

/// The OpenAPI interface file and path of a path below "/ocpi" (hub or platform layout).
std::pair<std::string, std::string> classify(std::string path, bool hub_side) {
  if (path.rfind("/ocpi", 0) == 0) {
    path = path.substr(5);
  }
  if (path == "/versions") {
    return {"modules/versions/interface.yaml", "/versions"};
  }
  if (path == "/2.2.1") {
    return {"modules/versions/interface.yaml", "/versions/2.2.1"};
  }
  constexpr std::string_view kV = "/2.2.1/";
  if (path.rfind(kV, 0) != 0) {
    return {"", path};
  }
  auto rest = path.substr(kV.size());
  if (rest == "credentials") {
    return {"modules/credentials/interface.yaml", "/credentials"};
  }
  if (hub_side && rest == "hubclientinfo") {
    return {"modules/hubclientinfo/sender-interface.yaml", "/hubclientinfo"};
  }
  if (!hub_side && rest.rfind("clientinfo", 0) == 0) {
    return {"modules/hubclientinfo/receiver-interface.yaml", "/hubclientinfo" + rest.substr(10)};
  }
  std::string interface = "receiver";
  if (rest.rfind("sender/", 0) == 0) {
    interface = "sender";
    rest = rest.substr(7);
  } else if (rest.rfind("receiver/", 0) == 0) {
    rest = rest.substr(9);
  }
  auto module = rest.substr(0, rest.find('/'));
  return {"modules/" + module + "/" + interface + "-interface.yaml", "/" + rest};
}

void json_headers(rapidjson::Writer<rapidjson::StringBuffer>& w, const http::Headers& h) {
  w.StartArray();
  for (const auto& [k, v] : h) {
    w.StartArray();
    w.String(k.c_str());
    w.String(v.c_str());
    w.EndArray();
  }
  w.EndArray();
}

}  // namespace

config::Config test_hub_config(const std::string& redis_url, const std::filesystem::path& data_dir,
                               const std::string& admin_token) {
  auto config = config::load_string("", [](const std::string&) { return std::nullopt; });
  config.api.listen = {"127.0.0.1", 0};
  config.admin.listen = {"127.0.0.1", 0};
  config.redis.url = redis_url;
  config.admin_token = admin_token;
  config.data_dir = data_dir;
  config.public_url.clear();  // follows the bound port
  config.log_level = "warn";
  config.bus.backoff_initial = std::chrono::milliseconds(20);
  config.bus.backoff_max = std::chrono::milliseconds(200);
  config.bus.sweep_interval = std::chrono::milliseconds(100);
  config.ocpi.forward_timeout = std::chrono::milliseconds(3000);
  config.ocpi.delivery_timeout = std::chrono::milliseconds(3000);
  return config;
}

ConformanceRun check_openapi(const std::vector<Exchange>& exchanges, const std::string& work_dir,
                             const std::string& spec_dir, const std::string& source_dir) {
  namespace fs = std::filesystem;
  ConformanceRun run;
  fs::path spec = fs::path(spec_dir) / "ocpi-openapi" / "2.2.1";
  if (!fs::exists(spec)) {
    run.skipped = true;
    run.output = "OpenAPI conformance: " + spec.string() + " not found (../shared/spec absent)";
    return run;
  }
  fs::path tool = fs::path(source_dir) / "tests" / "ocpi" / "openapi";
  if (!fs::exists(tool / "node_modules" / "@stoplight" / "prism-http")) {
    run.exit_code = 127;
    run.output = "the OpenAPI checker is not installed: run deploy/install-deps.sh (npm ci in " + tool.string() + ")";
    return run;
  }
  if (exchanges.empty()) {
    return run;
  }
  auto file = (fs::path(work_dir) / "exchanges.jsonl").string();
  write_exchanges(exchanges, file);
  auto out_file = (fs::path(work_dir) / "conformance.txt").string();
  std::string cmd = "node '" + (tool / "check.mjs").string() + "' '" + spec.string() + "' '" + file + "' > '" +
                    out_file + "' 2>&1";
  run.exit_code = std::system(cmd.c_str());
  run.checked = exchanges.size();
  std::ifstream in(out_file);
  std::stringstream ss;
  ss << in.rdbuf();
  run.output = ss.str();
  return run;
}

ConformanceRun check_openapi(const std::vector<std::unique_ptr<OcpiPlatform>>& platforms, const std::string& work_dir,
                             const std::string& spec_dir, const std::string& source_dir) {
  std::vector<Exchange> all;
  for (const auto& p : platforms) {
    auto e = p->exchanges();
    all.insert(all.end(), e.begin(), e.end());
  }
  return check_openapi(all, work_dir, spec_dir, source_dir);
}

void write_exchanges(const std::vector<Exchange>& exchanges, const std::string& file) {
  std::ofstream out(file, std::ios::trunc);
  for (const auto& e : exchanges) {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    w.StartObject();
    w.Key("interface");
    w.String(e.interface.c_str());
    w.Key("direction");
    w.String(e.direction.c_str());
    w.Key("method");
    w.String(e.method.c_str());
    w.Key("path");
    w.String(e.path.c_str());
    w.Key("query");
    w.String(e.query.c_str());
    w.Key("request_headers");
    json_headers(w, e.request_headers);
    w.Key("request_body");
    w.String(e.request_body.c_str(), static_cast<rapidjson::SizeType>(e.request_body.size()));
    w.Key("status");
    w.Int(e.status);
    w.Key("response_headers");
    json_headers(w, e.response_headers);
    w.Key("invalid_request");
    w.Bool(e.invalid_request);
    w.Key("response_body");
    w.String(e.response_body.c_str(), static_cast<rapidjson::SizeType>(e.response_body.size()));
    w.EndObject();
    out << sb.GetString() << "\n";
  }
}

std::vector<Exchange> OcpiPlatform::exchanges() const {
  std::lock_guard lock(mutex_);
  return exchanges_;
}

void OcpiPlatform::record(Exchange e) {
  std::lock_guard lock(mutex_);
  exchanges_.push_back(std::move(e));
}

std::string envelope_data(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("data") || d["data"].IsNull()) {
    return {};
  }
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  d["data"].Accept(w);
  return sb.GetString();
}

int envelope_status(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("status_code") || !d["status_code"].IsInt()) {
    return 0;
  }
  return d["status_code"].GetInt();
}

OcpiPlatform::OcpiPlatform(std::string name, std::vector<model::PartyRole> roles)
    : name_(std::move(name)), roles_(std::move(roles)) {
  http::ServerOptions o;
  o.name = name_;
  o.address = "127.0.0.1";
  o.port = 0;
  o.body_limit = 16u << 20;
  server_ = std::make_unique<http::HttpServer>(ioc_, o, [this](http::Request& req) { return handle(req); });
  client_ = std::make_unique<http::HttpClient>(ioc_.get_executor(), http::ClientOptions{});
  server_->start();
  work_.emplace(ioc_.get_executor());
  thread_ = std::thread([this] { ioc_.run(); });
}

OcpiPlatform::~OcpiPlatform() {
  asio::co_spawn(ioc_, server_->drain(std::chrono::milliseconds(500)), asio::use_future).get();
  work_.reset();
  ioc_.stop();
  thread_.join();
}

std::string OcpiPlatform::base_url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/ocpi"; }

std::string OcpiPlatform::token_for_hub() const {
  std::lock_guard lock(mutex_);
  return token_b_;
}
std::string OcpiPlatform::token_to_hub() const {
  std::lock_guard lock(mutex_);
  return token_c_;
}
void OcpiPlatform::set_token_to_hub(std::string t) {
  std::lock_guard lock(mutex_);
  token_c_ = std::move(t);
}

void OcpiPlatform::set_down(bool down) {
  std::lock_guard lock(mutex_);
  down_ = down;
}

void OcpiPlatform::add_sender_object(const std::string& module, std::string json) {
  std::lock_guard lock(mutex_);
  sender_objects_[module].push_back(std::move(json));
}

void OcpiPlatform::set_authorization(const std::string& uid, std::string json) {
  std::lock_guard lock(mutex_);
  authorizations_[uid] = std::move(json);
}

std::string OcpiPlatform::issue_token_a() {
  std::lock_guard lock(mutex_);
  token_a_ = random_token();
  return token_a_;
}

std::vector<Received> OcpiPlatform::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

std::size_t OcpiPlatform::count(std::string_view method, std::string_view path_prefix) const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& r : received_) {
    if (r.method == method && r.path.rfind(path_prefix, 0) == 0) {
      ++n;
    }
  }
  return n;
}

bool OcpiPlatform::wait_for_distinct_ids(std::string_view method, std::string_view path, std::size_t count,
                                         std::chrono::milliseconds timeout) {
  std::set<std::string> ids;
  std::size_t looked_at = 0;  // the received list only grows
  return wait_for(
      [&](const std::vector<Received>& rs) {
        for (; looked_at < rs.size(); ++looked_at) {
          const auto& r = rs[looked_at];
          if (r.method == method && r.path == path) {
            rapidjson::Document d;
            d.Parse(r.body.c_str());
            if (d.IsObject() && d.HasMember("id") && d["id"].IsString()) {
              ids.insert(d["id"].GetString());
            }
          }
        }
        return ids.size() == count;
      },
      timeout);
}

bool OcpiPlatform::wait_for(const std::function<bool(const std::vector<Received>&)>& pred,
                            std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [&] { return pred(received_); });
}

http::ClientResult OcpiPlatform::call(const std::string& method, const std::string& url, const std::string& body,
                                      http::Headers headers, bool invalid_request) {
  http::ClientRequest req;
  req.method = method;
  req.url = url;
  req.body = body;
  req.headers = std::move(headers);
  req.headers.emplace_back("Authorization", "Token " + b64(token_to_hub()));
  if (http::find_header(req.headers, "X-Request-ID").empty()) {
    req.headers.emplace_back("X-Request-ID", uuid());
  }
  if (http::find_header(req.headers, "X-Correlation-ID").empty()) {
    req.headers.emplace_back("X-Correlation-ID", uuid());
  }
  if (!body.empty()) {
    req.headers.emplace_back("Content-Type", "application/json");
  }
  Exchange ex;
  ex.direction = "to_hub";
  ex.invalid_request = invalid_request;
  ex.method = method;
  ex.request_headers = req.headers;
  ex.request_body = body;
  auto scheme_end = url.find("://");
  auto path_start = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  std::string target = path_start == std::string::npos ? "/" : url.substr(path_start);
  auto q = target.find('?');
  if (q != std::string::npos) {
    ex.query = target.substr(q + 1);
    target.resize(q);
  }
  std::tie(ex.interface, ex.path) = classify(http::url_decode(target), true);
  auto result = asio::co_spawn(ioc_, client_->request(std::move(req), std::chrono::steady_clock::now() + std::chrono::seconds(30)),
                               asio::use_future)
                    .get();
  ex.status = result.status;
  ex.response_headers = result.response.headers.to_headers();
  ex.response_body = result.response.body;
  // 503 is the platform's own maintenance answer relayed unchanged; OCPI describes no 503.
  if (!ex.interface.empty() && result.status != 0 && result.status != 503) {
    record(std::move(ex));
  }
  return result;
}

http::ClientResult OcpiPlatform::call_invalid(const std::string& method, const std::string& url, const std::string& body,
                                              std::optional<model::PartyRef> to, std::optional<model::PartyRef> from) {
  http::Headers h;
  auto f = from ? *from : roles_.front().ref;
  h.emplace_back("OCPI-from-country-code", f.country_code);
  h.emplace_back("OCPI-from-party-id", f.party_id);
  if (to) {
    h.emplace_back("OCPI-to-country-code", to->country_code);
    h.emplace_back("OCPI-to-party-id", to->party_id);
  }
  return call(method, url, body, std::move(h), true);
}

http::ClientResult OcpiPlatform::call_routed(const std::string& method, const std::string& url, const std::string& body,
                                             std::optional<model::PartyRef> to, std::optional<model::PartyRef> from) {
  http::Headers h;
  auto f = from ? *from : roles_.front().ref;
  h.emplace_back("OCPI-from-country-code", f.country_code);
  h.emplace_back("OCPI-from-party-id", f.party_id);
  if (to) {
    h.emplace_back("OCPI-to-country-code", to->country_code);
    h.emplace_back("OCPI-to-party-id", to->party_id);
  }
  h.emplace_back("X-Correlation-ID", uuid());
  return call(method, url, body, std::move(h));
}

std::string OcpiPlatform::hub_endpoint(std::string_view module, std::string_view interface) const {
  std::lock_guard lock(mutex_);
  for (const auto& e : hub_endpoints_) {
    if (e.module == module && e.interface == interface) {
      return e.url;
    }
  }
  return {};
}

bool OcpiPlatform::register_with(const std::string& hub_versions_url, const std::string& token_a, std::string* failure) {
  auto fail = [&](const std::string& why) {
    if (failure != nullptr) {
      *failure = why;
    }
    return false;
  };
  set_token_to_hub(token_a);
  auto v = call("GET", hub_versions_url);
  if (v.status != 200) {
    return fail("versions: " + std::to_string(v.status) + " " + v.response.body);
  }
  rapidjson::Document d;
  auto data = envelope_data(v.response.body);
  d.Parse(data.c_str());
  std::string details_url;
  if (d.IsArray()) {
    for (const auto& e : d.GetArray()) {
      if (str(e, "version") == "2.2.1") {
        details_url = str(e, "url");
      }
    }
  }
  if (details_url.empty()) {
    return fail("no 2.2.1 in " + v.response.body);
  }
  auto det = call("GET", details_url);
  rapidjson::Document dd;
  auto ddata = envelope_data(det.response.body);
  dd.Parse(ddata.c_str());
  std::vector<model::Endpoint> eps;
  if (dd.IsObject() && dd.HasMember("endpoints") && dd["endpoints"].IsArray()) {
    for (const auto& e : dd["endpoints"].GetArray()) {
      eps.push_back({str(e, "identifier"), str(e, "role"), str(e, "url")});
    }
  }
  std::string creds_url;
  for (const auto& e : eps) {
    if (e.module == "credentials") {
      creds_url = e.url;
    }
  }
  if (creds_url.empty()) {
    return fail("no credentials endpoint in " + details_url + ": " + std::to_string(det.status) + " " +
                det.response.body + " " + det.error);
  }
  {
    std::lock_guard lock(mutex_);
    hub_details_url_ = details_url;
    hub_endpoints_ = eps;
    token_b_ = random_token();
  }
  auto post = call("POST", creds_url, credentials_json(token_for_hub(), versions_url(), roles_, name_));
  if (post.status != 200 || envelope_status(post.response.body) != 1000) {
    return fail("credentials POST: " + std::to_string(post.status) + " " + post.response.body);
  }
  rapidjson::Document c;
  auto cdata = envelope_data(post.response.body);
  c.Parse(cdata.c_str());
  auto token = str(c, "token");
  if (token.empty()) {
    return fail("no token in " + post.response.body);
  }
  set_token_to_hub(token);
  return true;
}

asio::awaitable<http::Response> OcpiPlatform::handle(http::Request& req) {
  auto response = co_await handle_inner(req);
  auto correlation = req.header("X-Correlation-ID");
  response.headers.add("X-Correlation-ID", correlation.empty() ? std::string("00000000-0000-4000-8000-000000000000")
                                                                        : std::string(correlation));
  response.headers.add("X-Request-ID", req.request_id);
  Exchange ex;
  ex.direction = "from_hub";
  ex.method = req.method;
  std::string target(req.path());
  std::tie(ex.interface, ex.path) = classify(target, false);
  auto q = req.target.find('?');
  if (q != std::string::npos) {
    ex.query = req.target.substr(q + 1);
  }
  ex.request_headers = req.headers.to_headers();
  ex.request_body = req.body;
  ex.status = response.status;
  ex.response_headers = response.headers.to_headers();
  ex.response_headers.emplace_back("Content-Type", response.content_type);
  ex.response_body = response.body;
  if (!ex.interface.empty() && response.status != 503) {
    record(std::move(ex));
  }
  co_return response;
}

asio::awaitable<http::Response> OcpiPlatform::handle_inner(http::Request& req) {
  Received rec{req.method, std::string(req.path()), {}, req.body, req.headers.to_headers()};
  auto q = req.target.find('?');
  if (q != std::string::npos) {
    rec.query = req.target.substr(q + 1);
  }
  if (rec.path.rfind("/ocpi", 0) == 0) {
    rec.path = rec.path.substr(5);
  }
  std::string token_b;
  std::string token_a;
  bool down = false;
  {
    std::lock_guard lock(mutex_);
    token_b = token_b_;
    token_a = token_a_;
    down = down_;
  }
  if (down) {
    co_return reply(503, 3000);
  }
  auto auth = std::string(req.header("Authorization"));
  bool ok_b = !token_b.empty() && (auth == "Token " + b64(token_b) || auth == "Token " + token_b);
  bool ok_a = !token_a.empty() && (auth == "Token " + b64(token_a) || auth == "Token " + token_a);
  bool config_module = rec.path == "/versions" || rec.path == "/2.2.1" || rec.path == "/2.2.1/credentials";
  if (!ok_b && !(ok_a && config_module)) {
    co_return reply(401, 2000);
  }
  {
    std::lock_guard lock(mutex_);
    received_.push_back(rec);
  }
  cv_.notify_all();
  auto base = base_url();
  if (rec.path == "/versions") {
    co_return reply(200, 1000, "[{\"version\":\"2.2.1\",\"url\":\"" + base + "/2.2.1\"}]");
  }
  if (rec.path == "/2.2.1") {
    std::string eps = "[{\"identifier\":\"credentials\",\"role\":\"SENDER\",\"url\":\"" + base + "/2.2.1/credentials\"}";
    for (std::string m : {"locations", "sessions", "cdrs", "tariffs", "tokens", "commands", "chargingprofiles"}) {
      eps += ",{\"identifier\":\"" + m + "\",\"role\":\"RECEIVER\",\"url\":\"" + base + "/2.2.1/" + m + "\"}";
      eps += ",{\"identifier\":\"" + m + "\",\"role\":\"SENDER\",\"url\":\"" + base + "/2.2.1/sender/" + m + "\"}";
    }
    eps += ",{\"identifier\":\"hubclientinfo\",\"role\":\"RECEIVER\",\"url\":\"" + base + "/2.2.1/clientinfo\"}]";
    co_return reply(200, 1000, "{\"version\":\"2.2.1\",\"endpoints\":" + eps + "}");
  }
  if (rec.path == "/2.2.1/credentials" && req.method == "POST") {
    // Hub-initiated registration: read the hub's endpoints with its token, answer with ours.
    rapidjson::Document d;
    d.Parse(req.body.c_str());
    auto hub_token = str(d, "token");
    auto hub_versions = str(d, "url");
    if (hub_token.empty() || hub_versions.empty()) {
      co_return reply(200, 2001);
    }
    http::ClientRequest vr;
    vr.url = hub_versions;
    vr.headers.emplace_back("Authorization", "Token " + b64(hub_token));
    auto v = co_await client_->request(std::move(vr), std::chrono::steady_clock::now() + std::chrono::seconds(10));
    if (v.status != 200) {
      co_return reply(200, 3001);
    }
    auto mine = random_token();
    {
      std::lock_guard lock(mutex_);
      token_c_ = hub_token;
      token_b_ = mine;
      token_a_.clear();
    }
    co_return reply(200, 1000, credentials_json(mine, versions_url(), roles_, name_));
  }
  if (rec.path == "/2.2.1/sender/locations" && req.method == "GET") {
    std::vector<std::string> objects;
    {
      std::lock_guard lock(mutex_);
      objects = sender_objects_["locations"];
    }
    auto offset = to_size(req.query("offset"), 0);
    auto limit = to_size(req.query("limit"), 2);
    std::string data = "[";
    std::size_t n = 0;
    for (std::size_t i = offset; i < objects.size() && n < limit; ++i, ++n) {
      data += (n ? "," : "") + objects[i];
    }
    data += "]";
    auto r = reply(200, 1000, data);
    if (offset + n < objects.size()) {
      r.headers.add("Link", "<" + base + "/2.2.1/sender/locations?offset=" + std::to_string(offset + n) +
                                         "&limit=" + std::to_string(limit) + ">; rel=\"next\"");
    }
    r.headers.add("X-Total-Count", std::to_string(objects.size()));
    r.headers.add("X-Limit", "2");
    co_return r;
  }
  if (rec.path.rfind("/2.2.1/sender/tokens/", 0) == 0 && req.method == "POST") {
    auto rest = rec.path.substr(std::string("/2.2.1/sender/tokens/").size());
    auto uid = rest.substr(0, rest.find('/'));
    std::string info;
    {
      std::lock_guard lock(mutex_);
      auto it = authorizations_.find(uid);
      if (it != authorizations_.end()) {
        info = it->second;
      }
    }
    if (info.empty()) {
      co_return reply(404, 2004);
    }
    co_return reply(200, 1000, info);
  }
  if (rec.path.rfind("/2.2.1/commands/", 0) == 0) {
    co_return reply(200, 1000, "{\"result\":\"ACCEPTED\",\"timeout\":30}");
  }
  if (rec.path.rfind("/2.2.1/chargingprofiles/", 0) == 0) {
    co_return reply(200, 1000, "{\"result\":\"ACCEPTED\",\"timeout\":30}");
  }
  if (rec.path == "/2.2.1/cdrs" && req.method == "POST") {
    auto r = reply(201, 1000);
    r.headers.add("Location", base + "/2.2.1/cdrs/stored");
    co_return r;
  }
  co_return reply(req.method == "PUT" ? 201 : 200, 1000);
}

}  // namespace hub::test
