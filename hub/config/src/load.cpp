// SPDX-License-Identifier: GPL-2.0-or-later
#include <hub/config/config.hpp>

#include <toml++/toml.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace hub::config {
namespace {

/// Walks one TOML table, reading known keys and rejecting unknown ones.
class Section {
 public:
  Section(const toml::table* table, std::string prefix) : table_(table), prefix_(std::move(prefix)) {}

  std::string path(std::string_view key) const {
    return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
  }

  const toml::node* node(std::string_view key) {
    seen_.insert(std::string(key));
    return table_ ? table_->get(key) : nullptr;
  }

  void read(std::string_view key, std::string& out) {
    if (auto* n = node(key)) {
      auto v = n->value<std::string>();
      if (!n->is_string() || !v) {
        throw ConfigError(path(key), "must be a string");
      }
      out = *v;
    }
  }

  void read(std::string_view key, bool& out) {
    if (auto* n = node(key)) {
      if (!n->is_boolean()) {
        throw ConfigError(path(key), "must be true or false");
      }
      out = *n->value<bool>();
    }
  }

  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max) {
    auto* n = node(key);
    if (!n) {
      return std::nullopt;
    }
    if (!n->is_integer()) {
      throw ConfigError(path(key), "must be an integer");
    }
    auto v = *n->value<std::int64_t>();
    if (v < min || v > max) {
      throw ConfigError(path(key), "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    return v;
  }

  void read(std::string_view key, std::size_t& out, std::int64_t min, std::int64_t max) {
    if (auto v = integer(key, min, max)) {
      out = static_cast<std::size_t>(*v);
    }
  }

  void read(std::string_view key, unsigned& out, std::int64_t min, std::int64_t max) {
    if (auto v = integer(key, min, max)) {
      out = static_cast<unsigned>(*v);
    }
  }

  void read_ms(std::string_view key, std::chrono::milliseconds& out) {
    if (auto v = integer(key, 1, 24LL * 3600 * 1000)) {
      out = std::chrono::milliseconds(*v);
    }
  }

  Section sub(std::string_view key) {
    auto* n = node(key);
    if (n && !n->is_table()) {
      throw ConfigError(path(key), "must be a table");
    }
    return Section(n ? n->as_table() : nullptr, path(key));
  }

  /// Call after reading every known key: the first unknown key is an error.
  void finish() const {
    if (!table_) {
      return;
    }
    for (const auto& [k, v] : *table_) {
      if (!seen_.count(std::string(k.str()))) {
        throw ConfigError(path(k.str()), "unknown key");
      }
    }
  }

 private:
  const toml::table* table_;
  std::string prefix_;
  std::set<std::string> seen_;
};

void read_listener(Section s, ListenerConfig& l, std::string* token = nullptr) {
  if (token) {
    s.read("token", *token);
  }
  std::string listen;
  s.read("listen", listen);
  if (!listen.empty()) {
    l.listen = parse_listen(s.path("listen"), listen);
  }
  s.read("header_limit", l.header_limit, 1024, 1 << 20);
  s.read("body_limit", l.body_limit, 1024, 1LL << 32);
  s.read_ms("read_timeout_ms", l.read_timeout);
  s.read_ms("idle_timeout_ms", l.idle_timeout);
  s.read_ms("write_timeout_ms", l.write_timeout);
  s.read_ms("handler_timeout_ms", l.handler_timeout);
  s.read("max_connections", l.max_connections, 1, 1000000);
  s.read("tls_cert_file", l.tls_cert_file);
  s.read("tls_key_file", l.tls_key_file);
  if (l.tls_cert_file.empty() != l.tls_key_file.empty()) {
    throw ConfigError(s.path(l.tls_cert_file.empty() ? "tls_cert_file" : "tls_key_file"),
                      "TLS needs both tls_cert_file and tls_key_file");
  }
  s.finish();
}

void validate_redis_url(const std::string& key, const std::string& url) {
  if (!url.empty() && url.rfind("redis://", 0) != 0) {
    throw ConfigError(key, "must be a redis://host:port URL");
  }
}

void validate_public_url(const std::string& key, const std::string& url) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    throw ConfigError(key, "must start with http:// or https://");
  }
}

std::string read_text(const std::filesystem::path& path, const std::string& key) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError(key, "cannot read file " + path.string());
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

toml::table parse_toml(const std::string& text, const std::string& source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream where;
    where << source << ":" << e.source().begin.line << ":" << e.source().begin.column;
    throw ConfigError(where.str(), std::string(e.description()));
  }
}

}  // namespace

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (const char* v = std::getenv(name.c_str())) {
      return std::string(v);
    }
    return std::nullopt;
  };
}

ListenAddress parse_listen(const std::string& key, const std::string& value) {
  auto colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == value.size()) {
    throw ConfigError(key, "must be host:port");
  }
  ListenAddress out;
  out.host = value.substr(0, colon);
  if (out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  auto port_text = value.substr(colon + 1);
  for (char c : port_text) {
    if (c < '0' || c > '9') {
      throw ConfigError(key, "port must be a number");
    }
  }
  if (port_text.size() > 5 || std::stoul(port_text) > 65535) {
    throw ConfigError(key, "port must be 0..65535");
  }
  out.port = static_cast<std::uint16_t>(std::stoul(port_text));
  return out;
}

Config load_string(const std::string& toml_text, const EnvLookup& env, const std::filesystem::path& base_dir) {
  Config c;
  c.api.listen = {"127.0.0.1", 8080};
  c.api.body_limit = 4u << 20;  // bulk OCHP uploads get their own, larger per-route limit
  c.admin.listen = {"127.0.0.1", 9090};

  auto root_table = parse_toml(toml_text, "config");
  Section root(&root_table, "");
  {
    auto s = root.sub("hub");
    s.read("public_url", c.public_url);
    s.read("threads", c.threads, 0, 256);
    s.read("log_level", c.log_level);
    s.read("log_json", c.log_json);
    std::string data_dir = c.data_dir.string();
    s.read("data_dir", data_dir);
    c.data_dir = data_dir;
    s.read_ms("drain_timeout_ms", c.drain_timeout);
    std::string secrets;
    s.read("secrets_file", secrets);
    c.secrets_file = secrets;
    s.finish();
    static const std::set<std::string> kLevels{"trace", "debug", "info", "warn", "error", "critical", "off"};
    if (!kLevels.count(c.log_level)) {
      throw ConfigError("hub.log_level", "must be one of trace, debug, info, warn, error, critical, off");
    }
  }
  read_listener(root.sub("api"), c.api);
  read_listener(root.sub("admin"), c.admin, &c.admin_token);
  {
    auto s = root.sub("redis");
    s.read("url", c.redis.url);
    s.read_ms("command_timeout_ms", c.redis.command_timeout);
    s.read_ms("connect_timeout_ms", c.redis.connect_timeout);
    s.read("embedded_executable", c.redis.embedded_executable);
    s.read("embedded_appendfsync", c.redis.embedded_appendfsync);
    s.finish();
    validate_redis_url("redis.url", c.redis.url);
    if (c.redis.embedded_appendfsync != "always" && c.redis.embedded_appendfsync != "everysec" &&
        c.redis.embedded_appendfsync != "no") {
      throw ConfigError("redis.embedded_appendfsync", "must be always, everysec or no");
    }
  }
  {
    auto s = root.sub("bus");
    s.read("lanes", c.bus.lanes, 1, 1024);
    s.read_ms("lease_ttl_ms", c.bus.lease_ttl);
    s.read_ms("sweep_interval_ms", c.bus.sweep_interval);
    s.read_ms("backoff_initial_ms", c.bus.backoff_initial);
    s.read_ms("backoff_max_ms", c.bus.backoff_max);
    s.read("batch", c.bus.batch, 1, 10000);
    s.read("max_lanes", c.bus.max_lanes, 1, 100000);
    s.finish();
    if (c.bus.backoff_max < c.bus.backoff_initial) {
      throw ConfigError("bus.backoff_max_ms", "must not be below bus.backoff_initial_ms");
    }
  }
  {
    auto s = root.sub("ocpi");
    s.read("country_code", c.ocpi.country_code);
    s.read("party_id", c.ocpi.party_id);
    s.read("name", c.ocpi.name);
    s.read_ms("forward_timeout_ms", c.ocpi.forward_timeout);
    s.read_ms("authorize_timeout_ms", c.ocpi.authorize_timeout);
    s.read_ms("delivery_timeout_ms", c.ocpi.delivery_timeout);
    s.read_ms("alive_interval_ms", c.ocpi.alive_interval);
    s.read("page_limit", c.ocpi.page_limit, 1, 10000);
    std::size_t ttl = static_cast<std::size_t>(c.ocpi.command_ttl.count());
    s.read("command_ttl_s", ttl, 60, 30LL * 86400);
    c.ocpi.command_ttl = std::chrono::seconds(static_cast<long long>(ttl));
    s.finish();
    if (c.ocpi.country_code.size() != 2 || c.ocpi.party_id.size() != 3) {
      throw ConfigError("ocpi.country_code", "country_code must have 2 and party_id 3 characters");
    }
  }
  {
    auto s = root.sub("ochp");
    s.read("max_envelope_bytes", c.ochp.max_envelope_bytes, 1024, 4LL << 30);
    std::size_t ttl = static_cast<std::size_t>(c.ochp.default_status_ttl.count());
    s.read("default_status_ttl_s", ttl, 1, 30LL * 86400);
    c.ochp.default_status_ttl = std::chrono::seconds(static_cast<long long>(ttl));
    s.finish();
  }
  root.finish();

  if (!c.secrets_file.empty()) {
    auto path = c.secrets_file.is_absolute() ? c.secrets_file : base_dir / c.secrets_file;
    auto secrets_table = parse_toml(read_text(path, "hub.secrets_file"), path.string());
    Section s(&secrets_table, "secrets");
    s.read("admin_token", c.admin_token);
    s.finish();
  }

  if (auto v = env("HUB_REDIS_URL")) {
    validate_redis_url("HUB_REDIS_URL", *v);
    c.redis.url = *v;
  }
  if (auto v = env("HUB_API_LISTEN")) {
    c.api.listen = parse_listen("HUB_API_LISTEN", *v);
  }
  if (auto v = env("HUB_ADMIN_LISTEN")) {
    c.admin.listen = parse_listen("HUB_ADMIN_LISTEN", *v);
  }
  if (auto v = env("HUB_PUBLIC_URL")) {
    c.public_url = *v;
  }
  if (auto v = env("HUB_ADMIN_TOKEN")) {
    c.admin_token = *v;
  }

  if (c.public_url.empty()) {
    auto host = c.api.listen.host == "0.0.0.0" || c.api.listen.host == "::" ? "127.0.0.1" : c.api.listen.host;
    c.public_url = std::string(c.api.tls_cert_file.empty() ? "http://" : "https://") + host + ":" +
                   std::to_string(c.api.listen.port);
  } else {
    validate_public_url("hub.public_url", c.public_url);
    while (!c.public_url.empty() && c.public_url.back() == '/') {
      c.public_url.pop_back();
    }
  }
  // An empty token is allowed: the app then generates one and keeps it in data_dir/admin-token.
  if (!c.admin_token.empty() && c.admin_token.size() < 16) {
    throw ConfigError("admin.token", "must be at least 16 characters");
  }
  return c;
}

Config load_file(const std::optional<std::filesystem::path>& path, const EnvLookup& env) {
  if (!path) {
    return load_string("", env, ".");
  }
  auto text = read_text(*path, "--config");
  return load_string(text, env, path->parent_path().empty() ? "." : path->parent_path());
}

}  // namespace hub::config
