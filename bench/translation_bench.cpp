// SPDX-License-Identifier: GPL-2.0-or-later
// Translation throughput per object kind: decode + map + encode.
//   OCHP -> OCPI: parse_request (SOAP XML) -> to_model -> ocpi::encode (JSON)
//   OCPI -> OCHP: ocpi::decode (JSON) -> to_ochp -> serialize_request (SOAP XML)
// items_per_second = objects per second on one core (the benchmark runs single-threaded).
#include <ochp/codec.hpp>
#include <ochp/mapping.hpp>
#include <ocpi/codec.hpp>

#include <benchmark/benchmark.h>

#include <cstdlib>

namespace {

using namespace hub;
using model::Decimal;

Decimal dec(const char* s) { return *Decimal::parse(s); }

model::Location store() {
  model::Location loc;
  loc.country_code = "DE";
  loc.party_id = "ABC";
  loc.id = "BERLIN1";
  loc.name = "Hauptbahnhof";
  loc.address = "Europaplatz 12";
  loc.city = "Berlin";
  loc.postal_code = "10557";
  loc.country = "DEU";
  loc.coordinates = {"52.525083", "13.369402"};
  loc.time_zone = "Europe/Berlin";
  model::Evse evse;
  evse.uid = "DE*ABC*E1";
  evse.evse_id = "DE*ABC*E1";
  evse.connectors.push_back(model::Connector{"1", model::ConnectorType::iec_62196_t2, model::ConnectorFormat::socket,
                                             model::PowerType::ac_3_phase, 230, 32, 22000});
  loc.evses.push_back(evse);
  return loc;
}

ochp::CdrInfo cdr_info() {
  ochp::CdrInfo c;
  c.cdr_id = "DEABC0001";
  c.evse_id = "DE*ABC*E1";
  c.emt_id = {"04A2B3C4D5E6F7", "rfid", std::nullopt, "plain"};
  c.contract_id = "DE-8AA-CA2B3C4D5-X";
  c.status = "new";
  c.start_date_time = "2024-05-01T10:00:00+02:00";
  c.end_date_time = "2024-05-01T12:00:00+02:00";
  c.duration = "002:00:00";
  c.charge_point_address = {std::nullopt, "Europaplatz 12", "Berlin", "10557", "DEU"};
  c.charge_point_type = "AC";
  c.connector_type = {"IEC_62196_T2", "Socket", "DE*ABC*T1"};
  c.charging_periods = {
      {c.start_date_time, c.end_date_time, "energy", dec("20"), dec("0.30"), dec("6.00"), 19},
      {c.start_date_time, c.end_date_time, "usagetime", dec("2"), dec("1.50"), dec("3.00"), 19},
      {c.start_date_time, c.end_date_time, "serviceFee", dec("1"), dec("1.00"), dec("1.00"), 19},
  };
  c.total_cost = dec("10.00");
  c.currency = "EUR";
  return c;
}

ochp::ChargePointInfo point(int i) {
  ochp::ChargePointInfo cp;
  cp.evse_id = "DE*ABC*E" + std::to_string(i);
  cp.location_id = "BERLIN1";
  cp.timestamp = "2024-05-01T10:00:00Z";
  cp.location_name = "Hauptbahnhof";
  cp.location_name_lang = "DEU";
  cp.charge_point_address = {std::nullopt, "Europaplatz 12", "Berlin", "10557", "DEU"};
  cp.charge_point_location = {"52.525083", "13.369402"};
  cp.time_zone = "Europe/Berlin";
  cp.status = "Operative";
  cp.location = "parking-garage";
  cp.auth_methods = {"RfidMifareCls", "RfidMifareDes"};
  cp.connectors = {{"IEC_62196_T2", "Socket", "DE*ABC*T1"}};
  cp.charge_point_type = "AC";
  cp.ratings = ochp::Ratings{dec("22"), std::nullopt, 400};
  return cp;
}

ochp::TariffInfo tariff_info() {
  ochp::IndividualTariff it;
  it.currency = "EUR";
  it.tariff_element = {{{"energy", dec("0.30"), dec("0.001")}, {}},
                       {{"usagetime", dec("2.00"), dec("0.0833")}, {}},
                       {{"serviceFee", dec("1.00"), dec("1")}, {}}};
  return ochp::TariffInfo{"DE*ABC*T1", {it}};
}

const ochp::Owner kOwner{"DE", "ABC", "Example"};

void ochp_to_ocpi_cdr(benchmark::State& state) {
  auto xml = ochp::serialize_request(ochp::Request{ochp::AddCdrsRequest{{cdr_info()}}});
  auto loc = store();
  for (auto _ : state) {
    auto env = ochp::parse_request(xml);
    const auto& req = std::get<ochp::AddCdrsRequest>(env->request);
    auto m = ochp::to_model(req.cdr_info_array[0], kOwner, &loc, model::Timestamp{});
    if (!m) {
      std::abort();
    }
    benchmark::DoNotOptimize(ocpi::encode(*m.value));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(ochp_to_ocpi_cdr);

/// AddCDRs as partners send it: `range(0)` CDRs per envelope; items = CDRs.
void ochp_to_ocpi_cdr_batch(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  ochp::AddCdrsRequest add;
  for (std::size_t i = 0; i < n; ++i) {
    add.cdr_info_array.push_back(cdr_info());
    add.cdr_info_array.back().cdr_id = "DEABC" + std::to_string(100000 + i);
  }
  auto xml = ochp::serialize_request(ochp::Request{add});
  auto loc = store();
  for (auto _ : state) {
    auto env = ochp::parse_request(xml);
    const auto& req = std::get<ochp::AddCdrsRequest>(env->request);
    for (const auto& c : req.cdr_info_array) {
      auto m = ochp::to_model(c, kOwner, &loc, model::Timestamp{});
      if (!m) {
        std::abort();
      }
      benchmark::DoNotOptimize(ocpi::encode(*m.value));
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(ochp_to_ocpi_cdr_batch)->Arg(10)->Arg(100);

void ochp_to_ocpi_cdr_map_only(benchmark::State& state) {
  auto info = cdr_info();
  auto loc = store();
  for (auto _ : state) {
    benchmark::DoNotOptimize(ochp::to_model(info, kOwner, &loc, model::Timestamp{}));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(ochp_to_ocpi_cdr_map_only);

void ocpi_to_ochp_cdr(benchmark::State& state) {
  auto loc = store();
  auto json = ocpi::encode(*ochp::to_model(cdr_info(), kOwner, &loc, model::Timestamp{}).value);
  for (auto _ : state) {
    auto d = ocpi::decode<model::Cdr>(json);
    auto o = ochp::to_ochp(*d.value, std::chrono::minutes{120}, &loc);
    benchmark::DoNotOptimize(ochp::serialize_request(ochp::Request{ochp::AddCdrsRequest{{*o.value}}}));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(ocpi_to_ochp_cdr);

/// 10 charge points of one location per iteration; items = charge points.
void ochp_to_ocpi_location(benchmark::State& state) {
  std::vector<ochp::ChargePointInfo> points;
  for (int i = 1; i <= 10; ++i) {
    points.push_back(point(i));
  }
  auto xml = ochp::serialize_request(ochp::Request{ochp::SetChargePointListRequest{points}});
  for (auto _ : state) {
    auto env = ochp::parse_request(xml);
    const auto& req = std::get<ochp::SetChargePointListRequest>(env->request);
    auto m = ochp::to_model(req.charge_point_info_array, kOwner);
    benchmark::DoNotOptimize(ocpi::encode(m.value->front()));
  }
  state.SetItemsProcessed(state.iterations() * 10);
}
BENCHMARK(ochp_to_ocpi_location);

void ocpi_to_ochp_location(benchmark::State& state) {
  std::vector<ochp::ChargePointInfo> points;
  for (int i = 1; i <= 10; ++i) {
    points.push_back(point(i));
  }
  auto json = ocpi::encode(ochp::to_model(points, kOwner).value->front());
  for (auto _ : state) {
    auto d = ocpi::decode<model::Location>(json);
    auto o = ochp::to_ochp(*d.value);
    benchmark::DoNotOptimize(ochp::serialize_request(ochp::Request{ochp::SetChargePointListRequest{*o.value}}));
  }
  state.SetItemsProcessed(state.iterations() * 10);
}
BENCHMARK(ocpi_to_ochp_location);

// The OCPI side alone: what the hub does with each Location PUT before storing it (validating
// decode, canonical encode).
void ocpi_location_decode_encode(benchmark::State& state) {
  const std::string json = ocpi::encode(store());
  for (auto _ : state) {
    auto d = ocpi::decode<model::Location>(json);
    benchmark::DoNotOptimize(ocpi::encode(*d.value, ocpi::Flavor::canonical));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(json.size()));
}
BENCHMARK(ocpi_location_decode_encode);

void ochp_to_ocpi_token(benchmark::State& state) {
  ochp::RoamingAuthorisationInfo info{{"04A2B3C4D5E6F7", "rfid", std::nullopt, "plain"}, "DE-8AA-CA2B3C4D5-X",
                                      std::nullopt, "2030-01-01T00:00:00Z"};
  auto xml = ochp::serialize_request(ochp::Request{ochp::SetRoamingAuthorisationListRequest{{info}}});
  for (auto _ : state) {
    auto env = ochp::parse_request(xml);
    const auto& req = std::get<ochp::SetRoamingAuthorisationListRequest>(env->request);
    auto m = ochp::to_model(req.roaming_authorisation_info_array[0], kOwner);
    benchmark::DoNotOptimize(ocpi::encode(*m.value));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(ochp_to_ocpi_token);

void ochp_to_ocpi_tariff(benchmark::State& state) {
  auto xml = ochp::serialize_request(ochp::Request{ochp::UpdateTariffsRequest{{tariff_info()}}});
  for (auto _ : state) {
    auto env = ochp::parse_request(xml);
    const auto& req = std::get<ochp::UpdateTariffsRequest>(env->request);
    auto m = ochp::to_model(req.tariff_info_array[0], kOwner);
    benchmark::DoNotOptimize(ocpi::encode(*m.value));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(ochp_to_ocpi_tariff);

void ochp_to_ocpi_status(benchmark::State& state) {
  ochp::UpdateStatusRequest req;
  req.evse.push_back({"DE*ABC*E1", "not-available", "charging", "2024-05-01T10:05:00Z"});
  auto xml = ochp::serialize_request(ochp::Request{req});
  for (auto _ : state) {
    auto env = ochp::parse_request(xml);
    const auto& r = std::get<ochp::UpdateStatusRequest>(env->request);
    auto m = ochp::to_model(r.evse[0]);
    benchmark::DoNotOptimize(ocpi::encode(*m.value));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(ochp_to_ocpi_status);

}  // namespace

BENCHMARK_MAIN();
