// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A clearing house behind the hub's own HttpServer on a loopback port, over a private
// redis-server, with a registry and a bus: the environment of the service tests, the zeep
// conformance run and the benchmark. No gtest dependency.

#include <hub/core/io_context.hpp>
#include <adapters/crypto.hpp>
#include <adapters/http_server.hpp>
#include <hub/bus/bus.hpp>
#include <hub/store/redis.hpp>
#include <ochp/clearing_house.hpp>
#include <ochp/codec.hpp>
#include <routing/registry.hpp>
#include <test_support/http_call.hpp>
#include <test_support/redis_fixture.hpp>

#include <boost/asio.hpp>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace hub::test {

namespace ochp_env_detail {
namespace asio = boost::asio;
}

class OchpServiceEnv {
 public:
  explicit OchpServiceEnv(ochp::Limits limits = {}, std::size_t body_limit = 64u << 20)
      : strand_(boost::asio::make_strand(ioc_)),
        redis_client_(strand_, redis_.options()),
        registry_(strand_, redis_client_),
        bus_(strand_, redis_client_) {
    namespace asio = boost::asio;
    asio::post(strand_, [this] { redis_client_.start(); });
    work_.emplace(ioc_.get_executor());
    thread_ = std::thread([this] { ioc_.run(); });
    bool up = asio::co_spawn(strand_, redis_client_.wait_connected(std::chrono::seconds(10)), asio::use_future).get();
    if (!up) {
      throw std::runtime_error("redis not reachable");
    }
    asio::co_spawn(strand_, registry_.reload(), asio::use_future).get();
    ochp::ServiceOptions o;
    o.limits = limits;
    service_ = std::make_unique<ochp::ClearingHouse>(strand_, redis_client_, registry_, bus_, o);
    http::ServerOptions so;
    so.name = "ochp";
    so.body_limit = body_limit;
    so.read_timeout = std::chrono::seconds(120);
    so.write_timeout = std::chrono::seconds(120);
    so.handler_timeout = std::chrono::seconds(300);
    server_ = std::make_unique<http::HttpServer>(ioc_, so, [this](http::Request& req) { return route(req); });
    server_->start();
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }

  ~OchpServiceEnv() {
    namespace asio = boost::asio;
    asio::co_spawn(ioc_, server_->drain(std::chrono::milliseconds(500)), asio::use_future).get();
    asio::co_spawn(
        strand_,
        [](store::RedisClient* r) -> asio::awaitable<void> {
          r->stop();
          co_return;
        }(&redis_client_),
        asio::use_future)
        .get();
    work_.reset();
    ioc_.stop();
    thread_.join();
  }

  /// Registers an OCHP party with one role per (role, "CC", "PID") and returns its id.
  std::string add_party(const std::string& username, const std::string& password,
                        const std::vector<std::tuple<model::Role, std::string, std::string>>& roles,
                        model::Protocol protocol = model::Protocol::ochp) {
    model::Party p;
    p.name = username;
    p.protocol = protocol;
    p.status = model::PartyStatus::connected;
    for (const auto& [role, cc, pid] : roles) {
      p.roles.push_back(model::PartyRole{role, model::PartyRef{cc, pid}});
    }
    if (protocol == model::Protocol::ochp) {
      p.ochp.username = username;
      p.ochp.password_salt = crypto::random_hex(16);
      p.ochp.password_hash = crypto::password_hash(p.ochp.password_salt, password);
    }
    auto r = boost::asio::co_spawn(strand_, registry_.create(std::move(p)), boost::asio::use_future).get();
    if (!r) {
      throw std::runtime_error("cannot create party " + username + ": " + r.error().message());
    }
    return r->id;
  }

  /// POSTs a raw body to `path`.
  http::ClientResult post(const std::string& body, const std::string& path = "/service/ochp/v1.4") {
    return caller_.call("POST", base_ + path, body, {{"SOAPAction", "\"\""}});
  }

  /// Sends a request with a UsernameToken; the parsed response (a SOAP fault gives an error and `fault`).
  Result<ochp::Response> call(const ochp::Request& request, const std::string& user, const std::string& password,
                              ochp::Fault* fault = nullptr, const std::string& path = "/service/ochp/v1.4") {
    ochp::UsernameToken token;
    token.username = user;
    token.password = password;
    token.password_type = std::string(ochp::kPasswordTextType);
    auto res = post(ochp::serialize_request(request, token), path);
    last_body_ = res.response.body;
    ochp::Limits l;
    l.max_envelope_bytes = 1u << 30;
    return ochp::parse_response(res.response.body, l, fault);
  }

  /// One Redis command from the test thread (inspection and simulated time).
  Result<store::Reply> redis(std::vector<std::string> args) {
    return boost::asio::co_spawn(strand_, redis_client_.command(std::move(args)), boost::asio::use_future).get();
  }

  const std::string& base_url() const noexcept { return base_; }
  const std::string& last_body() const noexcept { return last_body_; }

 private:
  boost::asio::awaitable<http::Response> route(http::Request& req) {
    if (ochp::ClearingHouse::handles(req.path())) {
      auto r = co_await service_->handle(req);
      co_return r;
    }
    http::Response res;
    res.status = 404;
    co_return res;
  }

  RedisServer redis_;
  hub::IoContext ioc_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  store::RedisClient redis_client_;
  routing::Registry registry_;
  bus::Bus bus_;
  std::unique_ptr<ochp::ClearingHouse> service_;
  std::unique_ptr<http::HttpServer> server_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
  HttpCaller caller_{large_answers(), std::chrono::seconds(300)};
  static http::ClientOptions large_answers() {
    http::ClientOptions o;
    o.max_response_body = 1u << 30;  // GetChargePointList of 100,000 EVSEs is ~120 MB
    return o;
  }
  std::string base_;
  std::string last_body_;
};

// ------------------------------------------------------------------ sample records

inline ochp::ChargePointInfo sample_charge_point(const std::string& evse_id, const std::string& location_id = "LOC1") {
  ochp::ChargePointInfo cp;
  cp.evse_id = evse_id;
  cp.location_id = location_id;
  cp.timestamp = "2024-01-01T00:00:00Z";
  cp.location_name = "Test site " + location_id;
  cp.location_name_lang = "DEU";
  cp.charge_point_address = ochp::Address{std::nullopt, "Hauptstrasse 1", "Berlin", "10115", "DEU"};
  cp.charge_point_location = ochp::GeoPoint{"52.520008", "13.404954"};
  cp.status = "Operative";
  cp.location = "on-street";
  cp.auth_methods = {"RfidMifareCls"};
  cp.connectors = {ochp::ConnectorType{"IEC_62196_T2", "Socket", std::nullopt}};
  cp.charge_point_type = "AC";
  cp.ratings = ochp::Ratings{*model::Decimal::parse("22"), std::nullopt, 230};
  return cp;
}

inline ochp::RoamingAuthorisationInfo sample_token(const std::string& instance, const std::string& contract_id) {
  ochp::RoamingAuthorisationInfo t;
  t.emt_id.instance = instance;
  t.emt_id.token_type = "rfid";
  t.emt_id.token_sub_type = "mifareCls";
  t.contract_id = contract_id;
  t.printed_number = "PRINTED-" + instance;
  t.expiry_date = "2030-01-01T00:00:00Z";
  return t;
}

inline ochp::CdrInfo sample_cdr(const std::string& cdr_id, const std::string& evse_id, const std::string& contract_id,
                                const std::string& status = "new") {
  ochp::CdrInfo c;
  c.cdr_id = cdr_id;
  c.evse_id = evse_id;
  c.emt_id.instance = "AABBCCDD";
  c.emt_id.token_type = "rfid";
  c.contract_id = contract_id;
  c.status = status;
  c.start_date_time = "2024-03-01T10:00:00+01:00";
  c.end_date_time = "2024-03-01T11:00:00+01:00";
  c.duration = "001:00:00";
  c.charge_point_address = ochp::Address{std::nullopt, "Hauptstrasse 1", "Berlin", "10115", "DEU"};
  c.charge_point_type = "AC";
  c.connector_type = ochp::ConnectorType{"IEC_62196_T2", "Socket", std::nullopt};
  ochp::CdrPeriod p;
  p.start_date_time = c.start_date_time;
  p.end_date_time = c.end_date_time;
  p.billing_item = "energy";
  p.billing_value = *model::Decimal::parse("10.5");
  p.item_price = *model::Decimal::parse("0.3");
  p.period_cost = *model::Decimal::parse("3.15");
  c.charging_periods = {p};
  c.total_cost = *model::Decimal::parse("3.15");
  c.currency = "EUR";
  return c;
}

inline ochp::TariffInfo sample_tariff(const std::string& tariff_id) {
  ochp::TariffInfo t;
  t.tariff_id = tariff_id;
  ochp::IndividualTariff it;
  ochp::TariffElement e;
  e.price_component.billing_item = "energy";
  e.price_component.item_price = *model::Decimal::parse("0.3");
  e.price_component.step_size = *model::Decimal::parse("1");
  it.tariff_element = {e};
  it.currency = "EUR";
  t.individual_tariff = {it};
  return t;
}

}  // namespace hub::test
