// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

/// The hub's typed static configuration: one TOML file parsed into these structs and validated at
/// startup. Every key has a default; unknown keys and wrong types are errors naming the key path.
/// Secrets (admin token) may live in a separate TOML file named by hub.secrets_file.
/// Partner and route data live in Redis, never here.
/// Thread safety: value types; load functions are pure apart from reading the files.
namespace hub::config {

struct ListenAddress {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string to_string() const { return host + ":" + std::to_string(port); }
};

/// Limits and timeouts of one listener.
struct ListenerConfig {
  ListenAddress listen;
  std::size_t header_limit = 16u << 10;
  std::size_t body_limit = 1u << 20;
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds write_timeout{10000};
  std::chrono::milliseconds handler_timeout{30000};
  std::size_t max_connections = 4096;
  std::string tls_cert_file;  ///< TLS on when both are set
  std::string tls_key_file;
};

struct RedisConfig {
  std::string url;  ///< empty: the hub starts its own private redis-server
  std::chrono::milliseconds command_timeout{2000};
  std::chrono::milliseconds connect_timeout{2000};
  std::string embedded_executable = "redis-server";
  std::string embedded_appendfsync = "everysec";
};

/// The durable bus and its delivery engine (docs/delivery.md).
struct BusConfig {
  unsigned lanes = 16;  ///< per-destination parallelism; every instance sharing a Redis must agree
  std::chrono::milliseconds lease_ttl{10000};
  std::chrono::milliseconds sweep_interval{2000};
  std::chrono::milliseconds backoff_initial{250};
  std::chrono::milliseconds backoff_max{60000};
  std::size_t batch = 64;
  unsigned max_lanes = 1024;
};

/// The hub's OCPI identity and limits (docs/ocpi.md).
struct OcpiConfig {
  std::string country_code = "XX";  ///< the hub's own role (HUB) in credentials and routing headers
  std::string party_id = "HUB";
  std::string name = "roaming-hub";
  std::chrono::milliseconds forward_timeout{10000};    ///< synchronous forwarded requests (4002 after it)
  std::chrono::milliseconds authorize_timeout{5000};  ///< real-time authorize routed to the eMSP
  std::chrono::milliseconds delivery_timeout{15000};  ///< one push delivered to a party
  std::chrono::milliseconds alive_interval{300000};   ///< versions probe of every connected party
  std::size_t page_limit = 100;                       ///< X-Limit of the hub's own lists
  std::chrono::seconds command_ttl{86400};            ///< how long a rewritten response_url is kept
};

struct OchpConfig {
  /// Largest SOAP envelope on the OCHP paths (a SetChargepointList of 100,000 EVSEs is ~120 MB);
  /// the API listener's body_limit applies to every other path.
  std::size_t max_envelope_bytes = 256u << 20;
  std::chrono::seconds default_status_ttl{900};  ///< UpdateStatus entries without a ttl
};

struct Config {
  // [hub]
  std::string public_url;  ///< base URL partners reach the API listener at; default from api.listen
  unsigned threads = 0;    ///< io_context threads; 0: one less than the cores (at least 1), leaving a core to Redis
  std::string log_level = "info";
  bool log_json = true;
  std::filesystem::path data_dir = "var";  ///< embedded Redis data and other local state
  std::chrono::milliseconds drain_timeout{10000};
  std::filesystem::path secrets_file;

  ListenerConfig api;    ///< OCPI REST and OCHP SOAP
  ListenerConfig admin;  ///< admin API, metrics, health
  std::string admin_token;  ///< bearer token for /admin/*; empty: generated into data_dir/admin-token

  RedisConfig redis;
  BusConfig bus;
  OcpiConfig ocpi;
  OchpConfig ochp;
};

/// A configuration error: `key` is the dotted path of the first bad key ("api.listen").
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string key, const std::string& message)
      : std::runtime_error(key + ": " + message), key_(std::move(key)) {}
  const std::string& key() const noexcept { return key_; }

 private:
  std::string key_;
};

/// Environment lookup (std::getenv in production, a map in tests).
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

/// Parses TOML text. Environment overrides applied afterwards: HUB_REDIS_URL, HUB_API_LISTEN,
/// HUB_ADMIN_LISTEN, HUB_PUBLIC_URL, HUB_ADMIN_TOKEN. `base_dir` resolves relative paths of
/// secrets_file. Throws ConfigError.
Config load_string(const std::string& toml_text, const EnvLookup& env,
                   const std::filesystem::path& base_dir = ".");
/// Reads and parses a file (nullopt path: defaults + environment). Throws ConfigError.
Config load_file(const std::optional<std::filesystem::path>& path, const EnvLookup& env);

/// Parses "host:port" or "[v6]:port". Throws ConfigError with `key`.
ListenAddress parse_listen(const std::string& key, const std::string& value);

}  // namespace hub::config
