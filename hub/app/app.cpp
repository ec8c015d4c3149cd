// SPDX-License-Identifier: GPL-2.0-or-later
#include "app.hpp"

#include <hub/core/io_context.hpp>
#include <adapters/crypto.hpp>
#include <adapters/http_client.hpp>
#include <adapters/http_server.hpp>
#include <hub/admin/admin_api.hpp>
#include <hub/bus/bus.hpp>
#include <hub/bus/delivery.hpp>
#include <hub/core/log.hpp>
#include <hub/metrics/metrics.hpp>
#include <hub/store/redis.hpp>
#include <hub/store/redis_process.hpp>
#include <ocpi/hub.hpp>
#include <ochp/clearing_house.hpp>
#include <hub/bus/translation_log.hpp>
#include <routing/registry.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <sys/stat.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace hub::app {
namespace {

namespace asio = boost::asio;

http::ServerOptions server_options(const std::string& name, const config::ListenerConfig& l) {
  http::ServerOptions o;
  o.name = name;
  o.address = l.listen.host;
  o.port = l.listen.port;
  o.header_limit = l.header_limit;
  o.body_limit = l.body_limit;
  o.read_timeout = l.read_timeout;
  o.idle_timeout = l.idle_timeout;
  o.write_timeout = l.write_timeout;
  o.handler_timeout = l.handler_timeout;
  o.max_connections = l.max_connections;
  o.tls_cert_file = l.tls_cert_file;
  o.tls_key_file = l.tls_key_file;
  return o;
}

/// Protocol label of a request on the API listener, from its path.
std::string_view api_protocol(std::string_view path) {
  if (path.rfind("/ocpi/", 0) == 0) {
    return "ocpi";
  }
  if (path.rfind("/service/ochp/", 0) == 0 || path.rfind("/live/ochp/", 0) == 0 ||
      path.rfind("/direct/ochp/", 0) == 0) {
    return "ochp";
  }
  return "none";
}

/// Holds a destination's deliveries (retryable) while it cannot take them: suspended, or no
/// adapter of its protocol is wired into this hub yet.
class HoldOutbound final : public bus::Outbound {
 public:
  explicit HoldOutbound(std::string reason) : reason_(std::move(reason)) {}
  asio::awaitable<bus::DeliveryResult> deliver(const bus::Delivery&) override {
    bus::DeliveryResult r;
    r.outcome = bus::DeliveryClass::retryable;
    r.reason = reason_;
    co_return r;
  }

 private:
  std::string reason_;
};

}  // namespace

std::string load_or_create_admin_token(const std::string& data_dir) {
  std::filesystem::create_directories(data_dir);
  auto path = std::filesystem::path(data_dir) / "admin-token";
  if (std::ifstream in{path}) {
    std::string token;
    std::getline(in, token);
    if (token.size() >= 16) {
      return token;
    }
  }
  auto token = crypto::random_token();
  auto tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << token << "\n";
    if (!out) {
      throw std::runtime_error("cannot write " + tmp.string());
    }
  }
  ::chmod(tmp.c_str(), 0600);
  std::filesystem::rename(tmp, path);
  return token;
}

/// Threads that run the io_context: the configured number, or by default all cores but one
/// (Redis and the kernel need one: on 2 cores one io thread is measurably faster than two,
/// docs/benchmarks.md).
unsigned io_thread_count(const config::Config& c) {
  if (c.threads != 0) {
    return c.threads;
  }
  return std::max(1u, std::thread::hardware_concurrency() - 1);
}

struct App::Impl {
  explicit Impl(config::Config c)
      : config(std::move(c)),
        io_threads(io_thread_count(config)),
        ioc(io_threads == 1 ? 1 : BOOST_ASIO_CONCURRENCY_HINT_DEFAULT),
        redis_strand(redis_executor(ioc, io_threads)) {}

  /// With one io thread, handlers are serialised already: no strand for Redis (nor for the HTTP
  /// connections, see single_thread in the server and client options), saving a strand hop per
  /// command.
  static asio::any_io_executor redis_executor(asio::io_context& ioc, unsigned threads) {
    if (threads == 1) {
      return ioc.get_executor();
    }
    return asio::make_strand(ioc);
  }

  config::Config config;
  unsigned io_threads;
  hub::IoContext ioc;
  asio::any_io_executor redis_strand;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::shared_ptr<spdlog::logger> log = hub::log::get("app");

  std::optional<store::RedisProcess> embedded_redis;
  std::string redis_url;
  std::unique_ptr<store::RedisClient> redis;
  std::unique_ptr<store::RedisSubscriber> subscriber;
  metrics::Metrics metrics;
  std::unique_ptr<routing::Registry> registry;
  std::unique_ptr<bus::Bus> bus;
  std::unique_ptr<bus::DeliveryEngine> engine;
  std::unique_ptr<http::HttpClient> http_client;
  std::unique_ptr<ocpi::OcpiHub> ocpi;
  std::unique_ptr<bus::TranslationLog> translations;
  std::unique_ptr<ochp::ClearingHouse> ochp;
  /// Outbound adapter per protocol, registered by the protocol adapters.
  std::map<model::Protocol, bus::Outbound*> outbounds;
  HoldOutbound suspended_hold{"suspended"};
  HoldOutbound unsupported_hold{"no_outbound"};
  std::unique_ptr<admin::AdminApi> admin;
  std::unique_ptr<http::HttpServer> admin_server;
  std::unique_ptr<http::HttpServer> api_server;
  std::vector<std::thread> threads;

  std::mutex mutex;
  std::condition_variable cv;
  bool stopping = false;
  bool stopped = false;
  int exit_code = 0;

  asio::awaitable<bool> redis_ping() {
    std::vector<std::string> cmd{"PING"};
    auto r = co_await redis->command(std::move(cmd), std::chrono::milliseconds(1000));
    bool up = r && !r->is_error();
    metrics.set_redis_up(up);
    co_return up;
  }

  asio::awaitable<bool> ready() { co_return co_await asio::co_spawn(redis_strand, redis_ping(), asio::use_awaitable); }

  std::shared_ptr<spdlog::logger> access = hub::log::get("access");

  void observe(std::string_view listener, const http::Request& req, const http::Response& resp,
               std::chrono::steady_clock::duration latency) {
    auto path = req.path();
    auto level = resp.status >= 500 ? spdlog::level::warn : spdlog::level::debug;
    if (access->should_log(level)) {
      char ms[32];
      std::snprintf(ms, sizeof ms, "%.3f", std::chrono::duration<double, std::milli>(latency).count());
      access->log(level, "{}",
                  hub::log::with("request", {{"listener", listener},
                                             {"method", req.method},
                                             {"path", path},
                                             {"status", std::to_string(resp.status)},
                                             {"duration_ms", ms},
                                             {"request_id", req.request_id},
                                             {"remote", req.remote_address}}));
    }
    if (listener == "admin") {
      metrics.observe_request("admin", "admin", admin::AdminApi::module_of(path), resp.status, latency);
    } else {
      auto protocol = api_protocol(path);
      metrics.observe_request("api", protocol, protocol == "ocpi" ? ocpi::OcpiHub::module_of(path) : "other",
                              resp.status, latency);
    }
  }

  /// Not a coroutine: hands back the protocol's awaitable (one coroutine frame less per request).
  asio::awaitable<http::Response> api_handler(http::Request& req) {
    if (ocpi::OcpiHub::handles(req.path())) {
      return ocpi->handle(req);
    }
    if (ochp::ClearingHouse::handles(req.path())) {
      return ochp->handle(req);
    }
    return api_other(req);
  }

  asio::awaitable<http::Response> api_other(http::Request& req) {
    http::Response r;
    if (req.path() == "/" && req.method == "GET") {
      r.body = "{\"name\":\"roaming-hub\",\"ocpi_versions_url\":\"" + config.public_url +
               "/ocpi/versions\",\"ochp\":{\"main\":\"" + config.public_url + "/service/ochp/v1.4\",\"live\":\"" +
               config.public_url + "/live/ochp/v1.4\",\"direct\":\"" + config.public_url + "/direct/ochp/v1.4\"}}";
      co_return r;
    }
    r.status = 404;
    r.body = R"({"error":"no such endpoint","status":404})";
    co_return r;
  }

  void start() {
    if (config.admin_token.empty()) {
      config.admin_token = load_or_create_admin_token(config.data_dir.string());
      log->info("{}", hub::log::with("admin token kept in a file", {{"path", (config.data_dir / "admin-token").string()}}));
    }
    if (config.redis.url.empty()) {
      store::RedisProcessOptions ro;
      ro.data_dir = config.data_dir / "redis";
      ro.executable = config.redis.embedded_executable;
      ro.appendfsync = config.redis.embedded_appendfsync;
      embedded_redis.emplace(ro);
      embedded_redis->start();
      redis_url = embedded_redis->url();
      log->info("{}", hub::log::with("embedded redis-server started",
                                     {{"url", redis_url}, {"data_dir", ro.data_dir.string()}}));
    } else {
      redis_url = config.redis.url;
    }
    auto ro = store::parse_redis_url(redis_url);
    if (!ro) {
      throw config::ConfigError("redis.url", "malformed Redis URL");
    }
    ro->command_timeout = config.redis.command_timeout;
    ro->connect_timeout = config.redis.connect_timeout;

    redis = std::make_unique<store::RedisClient>(redis_strand, *ro);
    registry = std::make_unique<routing::Registry>(redis_strand, *redis, [this](const routing::RoutingTable& t) {
      std::map<std::pair<std::string_view, std::string_view>, double> counts;
      for (auto proto : {model::Protocol::ocpi, model::Protocol::ochp}) {
        for (auto st : {model::PartyStatus::connected, model::PartyStatus::offline, model::PartyStatus::planned,
                        model::PartyStatus::suspended}) {
          counts[{model::to_string(proto), model::to_string(st)}] = 0;
        }
      }
      for (const auto& p : t.parties()) {
        counts[{model::to_string(p.protocol), model::to_string(p.status)}] += 1;
      }
      for (const auto& [k, v] : counts) {
        metrics.set_parties(k.first, k.second, v);
      }
      metrics.registry_reloaded();
      if (ocpi) {
        ocpi->on_registry_change(t);
      }
    });
    subscriber = std::make_unique<store::RedisSubscriber>(
        redis_strand, *ro, std::vector<std::string>{routing::kRegistryChannel},
        [this](const std::string&, const std::string& payload) { registry->on_announcement(payload); },
        [this] { registry->on_subscriber_connected(); });

    bus::BusOptions bus_options;
    bus_options.lanes = config.bus.lanes;
    bus = std::make_unique<bus::Bus>(redis_strand, *redis, bus_options);
    http::ClientOptions client_options;
    // Forwarded requests run concurrently per partner: keep enough idle keep-alive connections
    // that a busy partner is not reconnected per request (16 made a connect/close per call).
    client_options.max_idle_per_host = 512;
    client_options.single_thread = io_threads == 1;
    http_client = std::make_unique<http::HttpClient>(ioc.get_executor(), client_options);
    ocpi::HubOptions oo;
    oo.public_url = config.public_url;
    oo.hub_ref = model::PartyRef{config.ocpi.country_code, config.ocpi.party_id};
    oo.name = config.ocpi.name;
    oo.forward_timeout = config.ocpi.forward_timeout;
    oo.authorize_timeout = config.ocpi.authorize_timeout;
    oo.delivery_timeout = config.ocpi.delivery_timeout;
    oo.alive_interval = config.ocpi.alive_interval;
    oo.page_limit = config.ocpi.page_limit;
    oo.command_ttl = config.ocpi.command_ttl;
    ocpi = std::make_unique<ocpi::OcpiHub>(ioc.get_executor(), redis_strand, *redis, *registry, *bus, *http_client, oo,
                                           &metrics);
    outbounds[model::Protocol::ocpi] = ocpi.get();
    translations = std::make_unique<bus::TranslationLog>(redis_strand, *redis, &metrics);
    ochp::ServiceOptions cho;
    cho.public_url = config.public_url;
    cho.translations = translations.get();
    cho.limits.max_envelope_bytes = config.ochp.max_envelope_bytes;
    cho.default_status_ttl = config.ochp.default_status_ttl;
    cho.realtime_authorize = [this](std::string party, std::string uid, std::string type) {
      return ocpi->authorize_token(std::move(party), std::move(uid), std::move(type));
    };
    ochp = std::make_unique<ochp::ClearingHouse>(redis_strand, *redis, *registry, *bus, cho, &metrics);
    outbounds[model::Protocol::ochp] = ochp.get();
    bus::EngineOptions eo;
    eo.instance_id = crypto::random_hex(8);
    eo.lease_ttl = config.bus.lease_ttl;
    eo.sweep_interval = config.bus.sweep_interval;
    eo.backoff_initial = config.bus.backoff_initial;
    eo.backoff_max = config.bus.backoff_max;
    eo.batch = config.bus.batch;
    eo.max_lanes = config.bus.max_lanes;
    engine = std::make_unique<bus::DeliveryEngine>(
        ioc, *ro, bus_options, eo,
        [this](const std::string& destination) -> bus::Outbound* {
          auto table = registry->snapshot();
          const auto* party = table->find(destination);
          if (party == nullptr) {
            return nullptr;
          }
          if (party->status == model::PartyStatus::suspended) {
            return &suspended_hold;
          }
          auto it = outbounds.find(party->protocol);
          return it == outbounds.end() ? &unsupported_hold : it->second;
        },
        &metrics);
    admin::AdminOptions admin_options{config.admin_token, config.public_url, [this] {
                                        metrics.set_active_connections("admin", static_cast<double>(admin_server->active_connections()));
                                        metrics.set_active_connections("api", static_cast<double>(api_server->active_connections()));
                                      }};
    admin_options.connect_ocpi = [this](std::string id, std::string url, std::string token) {
      return ocpi->connect(std::move(id), std::move(url), std::move(token));
    };
    admin_options.translations = translations.get();
    admin_options.cdrs = [this](std::string status,
                                std::size_t limit) -> asio::awaitable<Result<std::vector<admin::CdrView>>> {
      auto r = co_await ochp->cdrs(std::move(status), limit);
      if (!r) {
        co_return r.error();
      }
      std::vector<admin::CdrView> out;
      for (auto& c : *r) {
        out.push_back({c.cdr_id, c.status, c.cpo, c.emp, c.evse_id, c.updated_ms});
      }
      co_return out;
    };
    admin = std::make_unique<admin::AdminApi>(admin_options, *registry, metrics, [this] { return ready(); },
                                              engine.get());
    auto admin_listener = server_options("admin", config.admin);
    admin_listener.single_thread = io_threads == 1;
    admin_server = std::make_unique<http::HttpServer>(
        ioc, std::move(admin_listener),
        [this](http::Request& req) { return admin->handle(req); },
        [this](const http::Request& req, const http::Response& resp, auto latency) {
          observe("admin", req, resp, latency);
        });
    auto api_options = server_options("api", config.api);
    api_options.single_thread = io_threads == 1;
    api_options.body_limit_for = [rest = config.api.body_limit, soap = config.ochp.max_envelope_bytes](std::string_view target) {
      return ochp::ClearingHouse::handles(target) ? std::max(rest, soap) : rest;
    };
    api_server = std::make_unique<http::HttpServer>(
        ioc, std::move(api_options), [this](http::Request& req) { return api_handler(req); },
        [this](const http::Request& req, const http::Response& resp, auto latency) {
          observe("api", req, resp, latency);
        });

    // Connect and load the registry before listening, so the first request sees the parties.
    asio::post(redis_strand, [this] {
      redis->start();
      subscriber->start();
    });
    work.emplace(ioc.get_executor());
    for (unsigned i = 0; i < io_threads; ++i) {
      threads.emplace_back([this] { ioc.run(); });
    }
    auto connected = asio::co_spawn(
        redis_strand,
        [this]() -> asio::awaitable<bool> { co_return co_await redis->wait_connected(config.redis.connect_timeout); },
        asio::use_future);
    if (connected.get()) {
      auto loaded = asio::co_spawn(ioc, registry->reload(), asio::use_future).get();
      if (!loaded) {
        log->warn("initial registry load failed; it is retried when Redis answers");
      }
      metrics.set_redis_up(true);
    } else {
      log->warn("{}", hub::log::with("redis not reachable; the hub is not ready until it is", {{"url", redis_url}}));
    }
    engine->start();
    admin_server->start();
    api_server->start();
    if (config.public_url.empty()) {
      // Not configured (tests bind port 0): the public URL follows the bound address.
      config.public_url = std::string(config.api.tls_cert_file.empty() ? "http://" : "https://") +
                          (config.api.listen.host == "0.0.0.0" ? std::string("127.0.0.1") : config.api.listen.host) +
                          ":" + std::to_string(api_server->port());
    }
    ocpi->set_public_url(config.public_url);
    ocpi->start();
    log->info("{}", hub::log::with("listening",
                                   {{"api", config.api.listen.host + ":" + std::to_string(api_server->port())},
                                    {"admin", config.admin.listen.host + ":" + std::to_string(admin_server->port())},
                                    {"public_url", config.public_url}}));
  }

  asio::awaitable<void> shutdown() {
    using namespace std::chrono;
    log->info("draining");
    auto a = admin_server.get();
    auto b = api_server.get();
    co_await a->drain(config.drain_timeout);
    co_await b->drain(config.drain_timeout);
    co_await ocpi->stop();
    co_await engine->stop();
    co_await asio::co_spawn(
        redis_strand,
        [this]() -> asio::awaitable<void> {
          subscriber->stop();
          redis->stop();
          co_return;
        },
        asio::use_awaitable);
    work.reset();
    {
      std::lock_guard lock(mutex);
      stopped = true;
    }
    cv.notify_all();
  }

  void request_stop() {
    {
      std::lock_guard lock(mutex);
      if (stopping) {
        return;
      }
      stopping = true;
    }
    asio::co_spawn(ioc, shutdown(), asio::detached);
  }

  int wait() {
    {
      std::unique_lock lock(mutex);
      cv.wait(lock, [this] { return stopped; });
    }
    ioc.stop();
    for (auto& t : threads) {
      t.join();
    }
    threads.clear();
    if (embedded_redis) {
      embedded_redis->stop();
      log->info("embedded redis-server stopped");
    }
    log->info("stopped");
    return exit_code;
  }
};

App::App(config::Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}

App::~App() {
  if (!impl_->threads.empty()) {
    request_stop();
    wait();
  }
}

void App::start() { impl_->start(); }
void App::request_stop() { impl_->request_stop(); }
int App::wait() { return impl_->wait(); }
std::uint16_t App::api_port() const { return impl_->api_server->port(); }
std::uint16_t App::admin_port() const { return impl_->admin_server->port(); }
const std::string& App::admin_token() const { return impl_->config.admin_token; }
const std::string& App::redis_url() const { return impl_->redis_url; }

}  // namespace hub::app
