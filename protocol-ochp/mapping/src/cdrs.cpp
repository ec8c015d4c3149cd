// SPDX-License-Identifier: GPL-2.0-or-later
// CDRInfo <-> Cdr (docs/mapping.md section 4): OCPI charging periods (volumes) and totals
// (money) <-> OCHP priced bill lines.
#include "common.hpp"

#include <hub/model/ids.hpp>

#include <algorithm>
#include <map>

namespace hub::ochp {
namespace {

using namespace detail;
using model::CdrDimensionType;
using model::Price;
using model::TariffDimensionType;

struct Bucket {
  const char* item;
  CdrDimensionType dimension;
  TariffDimensionType tariff_dimension;
};

constexpr Bucket kBuckets[] = {
    {"energy", CdrDimensionType::energy, TariffDimensionType::energy},
    {"usagetime", CdrDimensionType::time, TariffDimensionType::time},
    {"parkingtime", CdrDimensionType::parking_time, TariffDimensionType::parking_time},
    {"reservationtime", CdrDimensionType::reservation_time, TariffDimensionType::time},
};

const std::optional<Price>& bucket_cost(const model::Cdr& cdr, CdrDimensionType d) {
  static const std::optional<Price> kNone;
  switch (d) {
    case CdrDimensionType::energy:
      return cdr.total_energy_cost;
    case CdrDimensionType::time:
      return cdr.total_time_cost;
    case CdrDimensionType::parking_time:
      return cdr.total_parking_cost;
    case CdrDimensionType::reservation_time:
      return cdr.total_reservation_cost;
    default:
      return kNone;
  }
}

/// Integer VAT rate of a price: (incl/excl - 1) * 100 when integral.
std::optional<int> vat_rate(const Price& p) {
  if (!p.incl_vat || p.excl_vat.mantissa == 0) {
    return std::nullopt;
  }
  auto ratio = div_exact(*p.incl_vat, p.excl_vat, 8);
  if (!ratio) {
    return std::nullopt;
  }
  auto pct = sub(*ratio, Decimal{1, 0});
  if (!pct) {
    return std::nullopt;
  }
  auto r = mul(*pct, Decimal{100, 0});
  if (!r || !is_integer(*r)) {
    return std::nullopt;
  }
  return static_cast<int>(round_int(*r));
}

/// The unit price of a dimension in the CDR's tariff (first element with such a component).
std::optional<model::PriceComponent> tariff_component(const model::Cdr& cdr, const std::optional<std::string>& tariff_id,
                                                      TariffDimensionType d) {
  const model::Tariff* tariff = nullptr;
  for (const auto& t : cdr.tariffs) {
    if (!tariff_id || t.id == *tariff_id) {
      tariff = &t;
      break;
    }
  }
  if (!tariff && cdr.tariffs.size() == 1) {
    tariff = &cdr.tariffs.front();
  }
  if (!tariff) {
    return std::nullopt;
  }
  for (const auto& e : tariff->elements) {
    for (const auto& c : e.price_components) {
      if (c.type == d) {
        return c;
      }
    }
  }
  return std::nullopt;
}

std::string duration_text(std::int64_t seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%03lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
  return buf;
}

std::optional<std::int64_t> duration_seconds(std::string_view s) {
  if (s.size() != 9 || s[3] != ':' || s[6] != ':') {
    return std::nullopt;
  }
  auto num = [&](std::size_t pos, std::size_t n) {
    std::int64_t v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') {
        return std::int64_t{-1};
      }
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  auto h = num(0, 3);
  auto m = num(4, 2);
  auto sec = num(7, 2);
  if (h < 0 || m < 0 || sec < 0) {
    return std::nullopt;
  }
  return h * 3600 + m * 60 + sec;
}

std::optional<Refusal> overflow() { return Refusal{"total_cost", "amount out of range"}; }

}  // namespace

std::string_view to_ochp(model::CdrStatus status) noexcept { return model::to_string(status); }

std::optional<model::CdrStatus> cdr_status_from_ochp(std::string_view status) noexcept {
  return model::enum_from_string<model::CdrStatus>(status);
}

Mapped<CdrInfo> to_ochp(const model::Cdr& cdr) { return to_ochp(cdr, std::chrono::minutes{0}, nullptr); }

Mapped<CdrInfo> to_ochp(const model::Cdr& cdr, std::chrono::minutes utc_offset, const model::Location* location) {
  Mapped<CdrInfo> out;
  Losses losses{out.losses};
  auto refuse = [&](std::string field, std::string reason) {
    out.refusal = Refusal{std::move(field), std::move(reason)};
    return out;
  };
  if (cdr.credit.value_or(false)) {
    return refuse("credit", "OCHP has no credit CDRs (corrections run through the CDR status workflow)");
  }
  auto id = ochp_cdr_id(cdr.country_code, cdr.party_id, cdr.id);
  if (!id) {
    return refuse("id", "longer than the 36 characters of an OCHP CdrId with its operator prefix");
  }
  const auto& cl = cdr.cdr_location;
  auto evse_id = model::normalize_evse_id(cl.evse_id);
  if (!evse_id) {
    return refuse("cdr_location.evse_id", "not an eMI3 EVSE id");
  }
  auto contract = ochp_contract_id(cdr.cdr_token.contract_id);
  if (!contract) {
    return refuse("cdr_token.contract_id", "not an EMAID, OCHP accepts no other contract id");
  }
  if (!cl.postal_code || ochp_zip(*cl.postal_code).empty()) {
    return refuse("cdr_location.postal_code", "OCHP requires a zipCode");
  }
  auto standard = ochp_connector_standard(cl.connector_standard);
  if (!standard) {
    return refuse("cdr_location.connector_standard", "no OCHP connector standard");
  }
  if (cl.address.size() < 2) {
    return refuse("cdr_location.address", "OCHP requires an address of at least 2 characters");
  }
  CdrInfo info;
  info.cdr_id = *id;
  if (info.cdr_id != cdr.id) {
    losses.add("Cdr", "id");
  }
  info.evse_id = *evse_id;
  if (*evse_id != cl.evse_id) {
    losses.add("Cdr", "cdr_location.evse_id");
  }
  // Token: RFID -> rfid, everything else -> remote (instance = uid).
  info.emt_id.instance = cdr.cdr_token.type == model::TokenType::rfid ? upper(cdr.cdr_token.uid) : cdr.cdr_token.uid;
  info.emt_id.token_type = cdr.cdr_token.type == model::TokenType::rfid ? "rfid" : "remote";
  if (info.emt_id.instance != cdr.cdr_token.uid) {
    losses.add("Cdr", "cdr_token.uid");
  }
  if (cdr.cdr_token.type == model::TokenType::ad_hoc_user || cdr.cdr_token.type == model::TokenType::other) {
    losses.add("Cdr", "cdr_token.type");  // remote comes back as APP_USER
  }
  info.contract_id = *contract;
  auto provider = model::contract_id_provider(*contract);
  if (!provider || provider->country_code != upper(cdr.cdr_token.country_code) ||
      provider->party_id != upper(cdr.cdr_token.party_id)) {
    losses.add("Cdr", "cdr_token.party_id");  // rebuilt from the contract id's provider
  }
  info.status = std::string(to_ochp(cdr.status.value_or(model::CdrStatus::new_)));
  info.start_date_time = ochp_local_datetime(cdr.start_date_time, utc_offset);
  info.end_date_time = ochp_local_datetime(cdr.end_date_time, utc_offset);
  if (!whole_seconds(cdr.start_date_time)) {
    losses.add("Cdr", "start_date_time");
  }
  if (!whole_seconds(cdr.end_date_time)) {
    losses.add("Cdr", "end_date_time");
  }
  auto seconds = scaled_round(cdr.total_time, 3600);
  info.duration = duration_text(seconds);
  if (!(shortest_ratio(seconds, 3600) == cdr.total_time) || seconds >= 1000 * 3600) {
    losses.add("Cdr", "total_time");
  }
  info.charge_point_address.address = cl.address.substr(0, 45);
  if (cl.address.size() > 45) {
    losses.add("Cdr", "cdr_location.address");
  }
  info.charge_point_address.city = cl.city.substr(0, 45);
  info.charge_point_address.zip_code = ochp_zip(*cl.postal_code);
  if (info.charge_point_address.zip_code != *cl.postal_code) {
    losses.add("Cdr", "cdr_location.postal_code");
  }
  info.charge_point_address.country = cl.country;
  info.charge_point_type = cl.connector_power_type == model::PowerType::dc ? "DC" : "AC";
  info.connector_type.connector_standard = *standard;
  info.connector_type.connector_format = std::string(ochp_connector_format(cl.connector_format));
  // Location data the OCHP CDR cannot carry (the hub's POI store restores it).
  losses.add("Cdr", "cdr_location.id");
  if (cl.name) {
    losses.add("Cdr", "cdr_location.name");
  }
  if (cl.state) {
    losses.add("Cdr", "cdr_location.state");
  }
  losses.add("Cdr", "cdr_location.coordinates");
  losses.add("Cdr", "cdr_location.evse_uid");
  losses.add("Cdr", "cdr_location.connector_id");
  if (cl.connector_power_type != model::PowerType::dc) {
    losses.add("Cdr", "cdr_location.connector_power_type");  // AC phases
  }
  if (location) {
    for (const auto& e : location->evses) {
      if (e.evse_id && model::normalize_evse_id(*e.evse_id) == evse_id) {
        for (const auto& c : e.connectors) {
          if (c.id == cl.connector_id) {
            Ratings r;
            r.maximum_power = trim(Decimal{c.max_electric_power.value_or(c.max_voltage * c.max_amperage *
                                                                         phases(c.power_type)),
                                           3});
            info.ratings = r;
          }
        }
      }
    }
  }
  // Tariff id of the connector: the first period's, else the only tariff's.
  std::optional<std::string> tariff_id;
  for (const auto& p : cdr.charging_periods) {
    if (p.tariff_id) {
      tariff_id = p.tariff_id;
      break;
    }
  }
  if (!tariff_id && cdr.tariffs.size() == 1) {
    tariff_id = cdr.tariffs.front().id;
  }
  if (tariff_id) {
    info.connector_type.tariff_id = ochp_tariff_id(cdr.country_code, cdr.party_id, *tariff_id);
    if (!info.connector_type.tariff_id) {
      losses.add("Cdr", "charging_periods.tariff_id");
    }
  }
  if (cdr.meter_id) {
    if (cdr.meter_id->size() <= 20) {
      info.meter_id = cdr.meter_id;
    } else {
      losses.add("Cdr", "meter_id");
    }
  }
  info.currency = cdr.currency;

  // ---- bill lines
  auto period_end = [&](std::size_t i) {
    return i + 1 < cdr.charging_periods.size() ? cdr.charging_periods[i + 1].start_date_time : cdr.end_date_time;
  };
  auto total_rate = vat_rate(cdr.total_cost);
  std::map<CdrDimensionType, std::vector<std::size_t>> lines_of;
  std::map<CdrDimensionType, Decimal> volume_of;
  bool other_dimensions = false;
  std::vector<std::size_t> unpriced;  // lines whose unit price no tariff gives
  for (std::size_t i = 0; i < cdr.charging_periods.size(); ++i) {
    const auto& p = cdr.charging_periods[i];
    for (std::size_t k = 0; k < p.dimensions.size(); ++k) {
      const auto& d = p.dimensions[k];
      const Bucket* bucket = nullptr;
      for (const auto& b : kBuckets) {
        if (b.dimension == d.type) {
          bucket = &b;
        }
      }
      if (!bucket) {
        other_dimensions = true;  // informational volumes (current, power, SoC, ...)
        losses.add("Cdr", dot(idx(dot(idx("charging_periods", i), "dimensions"), k), "type"));
        continue;
      }
      CdrPeriod line;
      line.start_date_time = ochp_local_datetime(p.start_date_time, utc_offset);
      line.end_date_time = ochp_local_datetime(period_end(i), utc_offset);
      line.billing_item = bucket->item;
      line.billing_value = d.volume;
      auto component = tariff_component(cdr, p.tariff_id, bucket->tariff_dimension);
      line.item_price = component ? component->price : Decimal{};
      if (!component) {
        unpriced.push_back(info.charging_periods.size());
      }
      lines_of[d.type].push_back(info.charging_periods.size());
      auto v = add(volume_of[d.type], d.volume);
      if (!v) {
        out.refusal = overflow();
        return out;
      }
      volume_of[d.type] = *v;
      info.charging_periods.push_back(std::move(line));
    }
  }
  (void)other_dimensions;
  // Energy not in any period (OCHP has no separate energy total): one line over the session.
  {
    auto in_periods = volume_of[CdrDimensionType::energy];
    auto rest = sub(cdr.total_energy, in_periods);
    if (rest && rest->mantissa > 0) {
      CdrPeriod line;
      line.start_date_time = ochp_local_datetime(cdr.start_date_time, utc_offset);
      line.end_date_time = ochp_local_datetime(cdr.end_date_time, utc_offset);
      line.billing_item = "energy";
      line.billing_value = *rest;
      auto component = tariff_component(cdr, std::nullopt, TariffDimensionType::energy);
      line.item_price = component ? component->price : Decimal{};
      if (!component) {
        unpriced.push_back(info.charging_periods.size());
      }
      lines_of[CdrDimensionType::energy].push_back(info.charging_periods.size());
      info.charging_periods.push_back(std::move(line));
    } else if (rest && rest->mantissa < 0) {
      losses.add("Cdr", "total_energy");  // periods hold more energy than the total
    }
  }
  // Costs per bucket: value x price, the last line of a bucket takes the remainder so the bucket
  // total is exact; the VAT rate comes from the bucket's incl/excl.
  for (const auto& b : kBuckets) {
    auto& lines = lines_of[b.dimension];
    const auto& cost = bucket_cost(cdr, b.dimension);
    if (cost && !lines.empty()) {
      // Without a tariff the unit price is the effective one: cost / volume, when exact.
      Decimal volume{};
      for (auto n : lines) {
        volume = add(volume, info.charging_periods[n].billing_value).value_or(volume);
      }
      auto effective = div_exact(cost->excl_vat, volume, 6);
      for (auto n : lines) {
        if (effective && std::find(unpriced.begin(), unpriced.end(), n) != unpriced.end()) {
          info.charging_periods[n].item_price = trim(*effective);
        }
      }
    }
    Decimal sum{};
    for (std::size_t n = 0; n < lines.size(); ++n) {
      auto& line = info.charging_periods[lines[n]];
      auto c = mul(line.billing_value, line.item_price);
      if (!c) {
        out.refusal = overflow();
        return out;
      }
      if (n + 1 == lines.size() && cost) {
        auto rest = sub(cost->excl_vat, sum);
        if (!rest) {
          out.refusal = overflow();
          return out;
        }
        c = rest;
      }
      line.period_cost = trim(*c);
      sum = *add(sum, *c);
      auto rate = cost ? vat_rate(*cost) : std::nullopt;
      line.taxrate = rate ? rate : total_rate;
    }
    if (cost && lines.empty()) {
      // A cost without volume: a fee line for the bucket (reservation fee, time cost without period).
      CdrPeriod line;
      line.start_date_time = ochp_local_datetime(cdr.start_date_time, utc_offset);
      line.end_date_time = ochp_local_datetime(cdr.end_date_time, utc_offset);
      line.billing_item = b.dimension == CdrDimensionType::reservation_time ? "reservation" : "serviceFee";
      line.billing_value = Decimal{1, 0};
      line.item_price = cost->excl_vat;
      line.period_cost = cost->excl_vat;
      auto rate = vat_rate(*cost);
      line.taxrate = rate ? rate : total_rate;
      if (b.dimension != CdrDimensionType::reservation_time) {
        losses.add("Cdr", std::string("total_") + (b.dimension == CdrDimensionType::energy ? "energy" : b.dimension == CdrDimensionType::time ? "time" : "parking") + "_cost");
      }
      info.charging_periods.push_back(std::move(line));
    }
  }
  if (cdr.total_fixed_cost) {
    CdrPeriod line;
    line.start_date_time = ochp_local_datetime(cdr.start_date_time, utc_offset);
    line.end_date_time = ochp_local_datetime(cdr.end_date_time, utc_offset);
    line.billing_item = "serviceFee";
    line.billing_value = Decimal{1, 0};
    line.item_price = cdr.total_fixed_cost->excl_vat;
    line.period_cost = cdr.total_fixed_cost->excl_vat;
    auto rate = vat_rate(*cdr.total_fixed_cost);
    line.taxrate = rate ? rate : total_rate;
    info.charging_periods.push_back(std::move(line));
  }
  // Reconcile with the total: the difference (step rounding, min/max price, unitemised costs)
  // becomes a serviceFee line, so that the sum of the lines equals totalCost.
  Decimal sum{};
  for (const auto& l : info.charging_periods) {
    sum = *add(sum, l.period_cost.value_or(Decimal{}));
  }
  auto diff = sub(cdr.total_cost.excl_vat, sum);
  if (!diff) {
    out.refusal = overflow();
    return out;
  }
  if (diff->mantissa != 0) {
    CdrPeriod line;
    line.start_date_time = ochp_local_datetime(cdr.start_date_time, utc_offset);
    line.end_date_time = ochp_local_datetime(cdr.end_date_time, utc_offset);
    line.billing_item = "serviceFee";
    line.billing_value = Decimal{1, 0};
    line.item_price = trim(*diff);
    line.period_cost = trim(*diff);
    line.taxrate = total_rate;
    losses.add("Cdr", "total_cost");  // the unitemised part becomes a fixed cost
    info.charging_periods.push_back(std::move(line));
  }
  if (info.charging_periods.empty()) {
    // chargingPeriods is 1..n: a zero-energy line keeps the (empty) session expressible.
    CdrPeriod line;
    line.start_date_time = ochp_local_datetime(cdr.start_date_time, utc_offset);
    line.end_date_time = ochp_local_datetime(cdr.end_date_time, utc_offset);
    line.billing_item = "energy";
    line.billing_value = Decimal{};
    line.item_price = Decimal{};
    line.period_cost = Decimal{};
    line.taxrate = total_rate;
    info.charging_periods.push_back(std::move(line));
  }
  if (cdr.total_cost.incl_vat && !total_rate) {
    // Bucket rates may still reproduce it; report when the sum does not.
    Decimal incl{};
    bool all = true;
    for (const auto& l : info.charging_periods) {
      if (!l.taxrate) {
        all = false;
        break;
      }
      auto f = add(Decimal{1, 0}, Decimal{*l.taxrate, 2});
      incl = *add(incl, *mul(*l.period_cost, *f));
    }
    if (!all || !(incl == *cdr.total_cost.incl_vat)) {
      losses.add("Cdr", "total_cost.incl_vat");  // OCHP tax rates are integers
    }
  }
  info.total_cost = cdr.total_cost.excl_vat;

  // Fields OCHP cannot carry.
  if (cdr.session_id) {
    losses.add("Cdr", "session_id");
  }
  if (cdr.auth_method != model::AuthMethod::whitelist &&
      !(cdr.auth_method == model::AuthMethod::command && info.emt_id.token_type == "remote")) {
    losses.add("Cdr", "auth_method");
  }
  if (cdr.authorization_reference) {
    losses.add("Cdr", "authorization_reference");
  }
  if (!cdr.tariffs.empty()) {
    losses.add("Cdr", "tariffs");
  }
  if (cdr.signed_data) {
    losses.add("Cdr", "signed_data");  // OCHP 1.4 has no metering info (1.4.1 meteringInfo)
  }
  if (cdr.remark) {
    losses.add("Cdr", "remark");
  }
  if (cdr.invoice_reference_id) {
    losses.add("Cdr", "invoice_reference_id");
  }
  if (cdr.credit) {
    losses.add("Cdr", "credit");
  }
  if (cdr.credit_reference_id) {
    losses.add("Cdr", "credit_reference_id");
  }
  if (cdr.home_charging_compensation) {
    losses.add("Cdr", "home_charging_compensation");
  }
  losses.add("Cdr", "last_updated");
  out.value = std::move(info);
  return out;
}

Mapped<model::Cdr> to_model(const CdrInfo& cdr, const Owner& owner, const model::Location* location) {
  return to_model(cdr, owner, location, model::Timestamp{});
}

Mapped<model::Cdr> to_model(const CdrInfo& info, const Owner& owner, const model::Location* location,
                            model::Timestamp received) {
  Mapped<model::Cdr> out;
  Losses losses{out.losses};
  auto refuse = [&](std::string field, std::string reason) {
    out.refusal = Refusal{std::move(field), std::move(reason)};
    return out;
  };
  auto evse_id = model::normalize_evse_id(info.evse_id);
  if (!evse_id) {
    return refuse("evseId", "not an eMI3 EVSE id");
  }
  auto start = parse_time(info.start_date_time);
  auto end = parse_time(info.end_date_time);
  if (!start || !end) {
    return refuse("startDateTime", "not a LocalDateTimeType");
  }
  auto contract = contract_from_ochp(info.contract_id);
  if (!contract) {
    return refuse("contractId", "not an EMAID");
  }
  auto standard = connector_standard_from_ochp(info.connector_type.connector_standard);
  if (!standard) {
    return refuse("connectorType.connectorStandard", "no OCPI connector standard");
  }
  // cdr_location needs the hub's POI store.
  const model::Evse* evse = nullptr;
  const model::Connector* connector = nullptr;
  if (location) {
    for (const auto& e : location->evses) {
      if (e.evse_id && model::normalize_evse_id(*e.evse_id) == evse_id) {
        evse = &e;
        for (const auto& c : e.connectors) {
          if (c.standard == *standard && c.format == connector_format_from_ochp(info.connector_type.connector_format)) {
            connector = &c;
            break;
          }
        }
        if (!connector && !e.connectors.empty()) {
          connector = &e.connectors.front();
        }
        break;
      }
    }
  }
  if (!evse || !connector) {
    return refuse("evseId", "EVSE unknown to the hub's location store: OCPI requires the location id, "
                            "coordinates, EVSE uid and connector id that an OCHP CDR does not carry");
  }
  if (info.emt_id.representation != "plain") {
    return refuse("emtId.representation", "a hashed token has no usable OCPI uid");
  }
  if (info.emt_id.instance.size() > 36) {
    return refuse("emtId.instance", "OCPI token uids have at most 36 characters");
  }
  model::Cdr cdr;
  auto provider = model::contract_id_provider(*contract);
  cdr.country_code = owner.country_code;
  cdr.party_id = owner.party_id;
  cdr.id = info.cdr_id;
  cdr.start_date_time = *start;
  cdr.end_date_time = *end;
  cdr.cdr_token.country_code = provider->country_code;
  cdr.cdr_token.party_id = provider->party_id;
  cdr.cdr_token.uid = info.emt_id.instance;
  cdr.cdr_token.contract_id = *contract;
  if (info.emt_id.token_type == "rfid") {
    cdr.cdr_token.type = model::TokenType::rfid;
    cdr.auth_method = model::AuthMethod::whitelist;
  } else if (info.emt_id.token_type == "remote") {
    cdr.cdr_token.type = model::TokenType::app_user;
    cdr.auth_method = model::AuthMethod::command;
  } else {
    cdr.cdr_token.type = model::TokenType::other;
    cdr.auth_method = model::AuthMethod::whitelist;
    losses.add("CdrInfo", "emtId.tokenType");
  }
  if (info.emt_id.token_sub_type) {
    losses.add("CdrInfo", "emtId.tokenSubType");
  }
  auto& cl = cdr.cdr_location;
  cl.id = location->id;
  cl.name = location->name;
  cl.address = info.charge_point_address.address;
  if (info.charge_point_address.house_number) {
    cl.address += " " + *info.charge_point_address.house_number;
    losses.add("CdrInfo", "chargePointAddress.houseNumber");
  }
  cl.city = info.charge_point_address.city;
  cl.postal_code = info.charge_point_address.zip_code;
  cl.country = info.charge_point_address.country;
  cl.coordinates = evse->coordinates ? *evse->coordinates : location->coordinates;
  cl.evse_uid = evse->uid;
  cl.evse_id = *evse_id;
  cl.connector_id = connector->id;
  cl.connector_standard = *standard;
  cl.connector_format = connector_format_from_ochp(info.connector_type.connector_format);
  cl.connector_power_type = info.charge_point_type == "DC" ? model::PowerType::dc : connector->power_type;
  if ((info.charge_point_type == "DC") != (connector->power_type == model::PowerType::dc)) {
    cl.connector_power_type = power_type_from_ochp(info.charge_point_type, info.ratings);
  }
  if (info.ratings) {
    losses.add("CdrInfo", "ratings");
  }
  cdr.meter_id = info.meter_id;
  cdr.currency = info.currency;
  if (auto s = cdr_status_from_ochp(info.status)) {
    cdr.status = *s;
  } else {
    losses.add("CdrInfo", "status");  // revised: the service issues a credit CDR and a new id
  }
  std::optional<std::string> tariff_id;
  if (info.connector_type.tariff_id) {
    tariff_id = ocpi_tariff_id(*info.connector_type.tariff_id);
    if (!tariff_id) {
      losses.add("CdrInfo", "connectorType.tariffId");
    }
  }

  // ---- periods: one per distinct line start, volumes from the lines starting there
  std::vector<model::Timestamp> starts;
  for (std::size_t i = 0; i < info.charging_periods.size(); ++i) {
    auto t = parse_time(info.charging_periods[i].start_date_time);
    if (!t) {
      return refuse(dot(idx("chargingPeriods", i), "startDateTime"), "not a LocalDateTimeType");
    }
    if (std::find(starts.begin(), starts.end(), *t) == starts.end()) {
      starts.push_back(*t);
    }
  }
  std::sort(starts.begin(), starts.end());
  std::vector<model::ChargingPeriod> periods(starts.size());
  for (std::size_t i = 0; i < starts.size(); ++i) {
    periods[i].start_date_time = starts[i];
    periods[i].tariff_id = tariff_id;
  }
  Decimal energy{};
  Decimal parking{};
  bool has_parking = false;
  Decimal total_excl{};
  Decimal total_incl{};
  bool all_taxed = true;
  std::map<std::string, std::pair<Decimal, Decimal>> cost_of;  // item -> (excl, incl)
  std::map<std::string, bool> taxed_of;
  for (std::size_t i = 0; i < info.charging_periods.size(); ++i) {
    const auto& l = info.charging_periods[i];
    auto t = *parse_time(l.start_date_time);
    auto& period = *std::find_if(periods.begin(), periods.end(), [&](const auto& p) { return p.start_date_time == t; });
    std::optional<CdrDimensionType> dim;
    if (l.billing_item == "energy") {
      dim = CdrDimensionType::energy;
      energy = *add(energy, l.billing_value);
    } else if (l.billing_item == "usagetime") {
      dim = CdrDimensionType::time;
    } else if (l.billing_item == "parkingtime") {
      dim = CdrDimensionType::parking_time;
      parking = *add(parking, l.billing_value);
      has_parking = true;
    } else if (l.billing_item == "reservationtime") {
      dim = CdrDimensionType::reservation_time;
    } else if (l.billing_item == "power") {
      dim = CdrDimensionType::max_power;
      losses.add("CdrInfo", dot(idx("chargingPeriods", i), "itemPrice"));  // no OCPI cost bucket
    }
    if (dim) {
      period.dimensions.push_back({*dim, l.billing_value});
    }
    auto cost = l.period_cost ? std::optional<Decimal>(*l.period_cost) : mul(l.billing_value, l.item_price);
    if (!cost) {
      return refuse(dot(idx("chargingPeriods", i), "periodCost"), "amount out of range");
    }
    total_excl = *add(total_excl, *cost);
    auto& bucket = cost_of[l.billing_item];
    bucket.first = *add(bucket.first, *cost);
    if (l.taxrate) {
      auto f = add(Decimal{1, 0}, Decimal{*l.taxrate, 2});
      auto incl = mul(*cost, *f);
      total_incl = *add(total_incl, *incl);
      bucket.second = *add(bucket.second, *incl);
      if (!taxed_of.count(l.billing_item)) {
        taxed_of[l.billing_item] = true;
      }
    } else {
      all_taxed = false;
      taxed_of[l.billing_item] = false;
    }
  }
  // Drop periods without volume (fee lines only).
  std::erase_if(periods, [](const auto& p) { return p.dimensions.empty(); });
  cdr.charging_periods = std::move(periods);
  cdr.total_energy = trim(energy);
  if (cost_of.find("energy") == cost_of.end()) {
    losses.add("CdrInfo", "chargingPeriods.energy");  // no energy line: total_energy unknown, 0
  }
  if (info.duration) {
    auto secs = duration_seconds(*info.duration);
    if (!secs) {
      return refuse("duration", "not hhh:mm:ss");
    }
    cdr.total_time = shortest_ratio(*secs, 3600);
  } else {
    cdr.total_time = shortest_ratio((end->unix_ms() - start->unix_ms()) / 1000, 3600);
  }
  if (has_parking) {
    cdr.total_parking_time = trim(parking);
  }
  cdr.total_cost.excl_vat = info.total_cost ? *info.total_cost : trim(total_excl);
  if (all_taxed && (!info.total_cost || *info.total_cost == total_excl)) {
    cdr.total_cost.incl_vat = trim(total_incl);
  }
  auto bucket_price = [&](std::initializer_list<const char*> items) -> std::optional<Price> {
    Decimal excl{};
    Decimal incl{};
    bool any = false;
    bool taxed = true;
    for (const char* item : items) {
      auto it = cost_of.find(item);
      if (it == cost_of.end()) {
        continue;
      }
      any = true;
      excl = *add(excl, it->second.first);
      incl = *add(incl, it->second.second);
      taxed = taxed && taxed_of[item];
    }
    if (!any || excl.mantissa == 0) {
      return std::nullopt;
    }
    Price p{trim(excl), std::nullopt};
    if (taxed) {
      p.incl_vat = trim(incl);
    }
    return p;
  };
  cdr.total_energy_cost = bucket_price({"energy"});
  cdr.total_time_cost = bucket_price({"usagetime"});
  cdr.total_parking_cost = bucket_price({"parkingtime"});
  cdr.total_fixed_cost = bucket_price({"serviceFee"});
  cdr.total_reservation_cost = bucket_price({"reservation", "reservationtime"});
  cdr.last_updated = received;
  out.value = std::move(cdr);
  return out;
}

}  // namespace hub::ochp
