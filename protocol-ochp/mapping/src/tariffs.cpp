// SPDX-License-Identifier: GPL-2.0-or-later
// TariffInfo <-> Tariff (docs/mapping.md section 5): OCPI elements with several price
// components are exploded into one OCHP element per component and merged back.
#include "common.hpp"

#include <algorithm>
#include <map>

namespace hub::ochp {
namespace {

using namespace detail;
using model::DayOfWeek;
using model::ReservationRestrictionType;
using model::TariffDimensionType;

int weekday_of(DayOfWeek d) { return static_cast<int>(d) + 1; }
DayOfWeek day_of(int weekday) { return static_cast<DayOfWeek>((weekday - 1) % 7); }

std::optional<std::string> billing_item(const model::PriceComponent& c,
                                        const std::optional<ReservationRestrictionType>& reservation) {
  bool reserved = reservation == ReservationRestrictionType::reservation;
  switch (c.type) {
    case TariffDimensionType::energy:
      return reserved ? std::nullopt : std::optional<std::string>("energy");
    case TariffDimensionType::time:
      return reserved ? "reservationtime" : "usagetime";
    case TariffDimensionType::parking_time:
      return reserved ? std::nullopt : std::optional<std::string>("parkingtime");
    case TariffDimensionType::flat:
      return reserved ? "reservation" : "serviceFee";
  }
  return std::nullopt;
}

Decimal step_to_ochp(const model::PriceComponent& c) {
  switch (c.type) {
    case TariffDimensionType::energy:
      return trim(Decimal{c.step_size, 3});  // Wh -> kWh
    case TariffDimensionType::time:
    case TariffDimensionType::parking_time:
      return shortest_ratio(c.step_size, 3600);  // s -> h, the shortest exact-back form
    case TariffDimensionType::flat:
      break;
  }
  return Decimal{c.step_size, 0};
}

}  // namespace

Mapped<TariffInfo> to_ochp(const model::Tariff& tariff) {
  Mapped<TariffInfo> out;
  Losses losses{out.losses};
  if (tariff.type && *tariff.type != model::TariffType::regular) {
    out.refusal = Refusal{"type", "OCHP has no typed tariffs; only untyped or REGULAR tariffs are exported"};
    return out;
  }
  auto id = ochp_tariff_id(tariff.country_code, tariff.party_id, tariff.id);
  if (!id) {
    out.refusal = Refusal{"id", "an OCHP TariffId holds at most 10 characters [A-Za-z0-9*] after the T "
                                "(longer ids need the service's id table)"};
    return out;
  }
  TariffInfo info;
  info.tariff_id = *id;
  IndividualTariff it;
  it.currency = tariff.currency;
  if (tariff.type) {
    losses.add("Tariff", "type");
  }
  if (!tariff.tariff_alt_text.empty()) {
    losses.add("Tariff", "tariff_alt_text");
  }
  if (tariff.tariff_alt_url) {
    losses.add("Tariff", "tariff_alt_url");
  }
  if (tariff.min_price) {
    losses.add("Tariff", "min_price");
  }
  if (tariff.max_price) {
    losses.add("Tariff", "max_price");
  }
  if (tariff.energy_mix) {
    losses.add("Tariff", "energy_mix");
  }
  if (tariff.start_date_time && !whole_seconds(*tariff.start_date_time)) {
    losses.add("Tariff", "start_date_time");
  }
  if (tariff.end_date_time && !whole_seconds(*tariff.end_date_time)) {
    losses.add("Tariff", "end_date_time");
  }
  for (std::size_t i = 0; i < tariff.elements.size(); ++i) {
    const auto& e = tariff.elements[i];
    auto epath = idx("elements", i);
    TariffRestriction r;
    std::optional<ReservationRestrictionType> reservation;
    if (e.restrictions) {
      const auto& mr = *e.restrictions;
      reservation = mr.reservation;
      if (mr.reservation == ReservationRestrictionType::reservation_expires) {
        losses.add("Tariff", epath);  // no OCHP billing item for an expired reservation
        continue;
      }
      if (!mr.day_of_week.empty() || mr.start_time || mr.end_time) {
        std::vector<int> days;
        for (auto d : mr.day_of_week) {
          days.push_back(weekday_of(d));
        }
        if (days.empty()) {
          days = {1, 2, 3, 4, 5, 6, 7};
        }
        std::string begin = mr.start_time.value_or("00:00");
        std::string end = mr.end_time.value_or("24:00");
        if (end == "00:00") {
          end = "24:00";
        }
        for (int d : days) {
          if (end < begin) {
            // Wraps past midnight: two entries on consecutive days.
            r.regular_hours.push_back({d, begin, "24:00"});
            r.regular_hours.push_back({d % 7 + 1, "00:00", end});
          } else {
            r.regular_hours.push_back({d, begin, end});
          }
        }
        if (end < begin) {
          losses.add("Tariff", dot(epath, "restrictions.end_time"));  // comes back as two elements
        }
      }
      if (mr.start_date) {
        losses.add("Tariff", dot(epath, "restrictions.start_date"));  // local date vs UTC instant
      }
      if (mr.end_date) {
        losses.add("Tariff", dot(epath, "restrictions.end_date"));
      }
      r.min_energy = mr.min_kwh;
      r.max_energy = mr.max_kwh;
      r.min_power = mr.min_power;
      r.max_power = mr.max_power;
      r.min_duration = mr.min_duration;
      r.max_duration = mr.max_duration;
      if (mr.min_current) {
        losses.add("Tariff", dot(epath, "restrictions.min_current"));
      }
      if (mr.max_current) {
        losses.add("Tariff", dot(epath, "restrictions.max_current"));
      }
    }
    if (tariff.start_date_time) {
      r.start_date_time = ochp_datetime(*tariff.start_date_time);
    }
    if (tariff.end_date_time) {
      r.end_date_time = ochp_datetime(*tariff.end_date_time);
    }
    for (std::size_t k = 0; k < e.price_components.size(); ++k) {
      const auto& c = e.price_components[k];
      auto cpath = idx(dot(epath, "price_components"), k);
      auto item = billing_item(c, reservation);
      if (!item) {
        losses.add("Tariff", cpath);
        continue;
      }
      TariffElement te;
      te.price_component.billing_item = *item;
      te.price_component.item_price = c.price;
      te.price_component.step_size = step_to_ochp(c);
      te.tariff_restriction = r;
      if (c.vat) {
        losses.add("Tariff", dot(cpath, "vat"));  // OCHP tariffs carry no VAT
      }
      it.tariff_element.push_back(std::move(te));
    }
  }
  if (it.tariff_element.empty()) {
    out.refusal = Refusal{"elements", "no price component OCHP can express"};
    return out;
  }
  losses.add("Tariff", "last_updated");
  info.individual_tariff.push_back(std::move(it));
  out.value = std::move(info);
  return out;
}

Mapped<model::Tariff> to_model(const TariffInfo& tariff, const Owner& owner) {
  return to_model(tariff, owner, model::Timestamp{}, {});
}

Mapped<model::Tariff> to_model(const TariffInfo& info, const Owner& owner, model::Timestamp received,
                               std::string_view recipient) {
  Mapped<model::Tariff> out;
  Losses losses{out.losses};
  auto id = ocpi_tariff_id(info.tariff_id);
  if (!id) {
    out.refusal = Refusal{"tariffId", "not an OCHP TariffId"};
    return out;
  }
  if (info.individual_tariff.empty()) {
    out.refusal = Refusal{"individualTariff", "no individual tariff"};
    return out;
  }
  // The recipient's individual tariff, else the default one (no recipients), else the first.
  std::size_t chosen = info.individual_tariff.size();
  for (std::size_t i = 0; i < info.individual_tariff.size() && !recipient.empty(); ++i) {
    const auto& r = info.individual_tariff[i].recipient;
    if (std::find(r.begin(), r.end(), recipient) != r.end()) {
      chosen = i;
      break;
    }
  }
  for (std::size_t i = 0; i < info.individual_tariff.size() && chosen == info.individual_tariff.size(); ++i) {
    if (info.individual_tariff[i].recipient.empty()) {
      chosen = i;
    }
  }
  if (chosen == info.individual_tariff.size()) {
    chosen = 0;
  }
  for (std::size_t i = 0; i < info.individual_tariff.size(); ++i) {
    if (i != chosen) {
      losses.add("TariffInfo", idx("individualTariff", i));  // other recipients' versions
    }
  }
  const auto& it = info.individual_tariff[chosen];
  auto ipath = idx("individualTariff", chosen);
  if (!it.recipient.empty()) {
    losses.add("TariffInfo", dot(ipath, "recipient"));
  }
  model::Tariff t;
  t.country_code = owner.country_code;
  t.party_id = owner.party_id;
  t.id = *id;
  t.currency = it.currency;
  t.last_updated = received;

  std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> windows;
  for (std::size_t i = 0; i < it.tariff_element.size(); ++i) {
    const auto& te = it.tariff_element[i];
    auto epath = idx(dot(ipath, "tariffElement"), i);
    const auto& pc = te.price_component;
    model::PriceComponent c;
    c.price = pc.item_price;
    std::optional<ReservationRestrictionType> reservation;
    if (pc.billing_item == "energy") {
      c.type = TariffDimensionType::energy;
      c.step_size = static_cast<int>(scaled_round(pc.step_size, 1000));
    } else if (pc.billing_item == "usagetime" || pc.billing_item == "reservationtime") {
      c.type = TariffDimensionType::time;
      c.step_size = static_cast<int>(scaled_round(pc.step_size, 3600));
      if (pc.billing_item == "reservationtime") {
        reservation = ReservationRestrictionType::reservation;
      }
    } else if (pc.billing_item == "parkingtime") {
      c.type = TariffDimensionType::parking_time;
      c.step_size = static_cast<int>(scaled_round(pc.step_size, 3600));
    } else if (pc.billing_item == "serviceFee" || pc.billing_item == "reservation") {
      c.type = TariffDimensionType::flat;
      c.step_size = static_cast<int>(round_int(pc.step_size));
      if (pc.billing_item == "reservation") {
        reservation = ReservationRestrictionType::reservation;
      }
    } else {
      losses.add("TariffInfo", epath);  // power: no OCPI tariff dimension
      continue;
    }
    const auto& r = te.tariff_restriction;
    model::TariffRestrictions base;
    base.min_kwh = r.min_energy;
    base.max_kwh = r.max_energy;
    base.min_power = r.min_power;
    base.max_power = r.max_power;
    base.min_duration = r.min_duration;
    base.max_duration = r.max_duration;
    base.reservation = reservation;
    windows.emplace_back(r.start_date_time, r.end_date_time);
    // Regular hours: one OCPI element per distinct (begin, end), with its days.
    std::vector<model::TariffRestrictions> variants;
    std::vector<std::pair<std::string, std::string>> order;
    std::map<std::pair<std::string, std::string>, std::vector<int>> groups;
    for (const auto& h : r.regular_hours) {
      auto key = std::make_pair(h.period_begin, h.period_end);
      if (!groups.count(key)) {
        order.push_back(key);
      }
      groups[key].push_back(h.weekday);
    }
    for (const auto& key : order) {
      auto v = base;
      auto days = groups[key];
      std::sort(days.begin(), days.end());
      days.erase(std::unique(days.begin(), days.end()), days.end());
      if (days.size() < 7) {
        for (int d : days) {
          v.day_of_week.push_back(day_of(d));
        }
      }
      if (!(key.first == "00:00" && key.second == "24:00")) {
        v.start_time = key.first;
        v.end_time = key.second == "24:00" ? "00:00" : key.second;
      }
      variants.push_back(std::move(v));
    }
    if (variants.empty()) {
      variants.push_back(base);
    }
    for (auto& v : variants) {
      std::optional<model::TariffRestrictions> restrictions;
      if (!(v == model::TariffRestrictions{})) {
        restrictions = v;
      }
      // Merge into the previous element when the restrictions are equal and the dimension new.
      if (!t.elements.empty() && t.elements.back().restrictions == restrictions) {
        auto& comps = t.elements.back().price_components;
        bool same_type = std::any_of(comps.begin(), comps.end(), [&](const auto& x) { return x.type == c.type; });
        if (!same_type) {
          comps.push_back(c);
          continue;
        }
      }
      t.elements.push_back(model::TariffElement{{c}, restrictions});
    }
  }
  if (t.elements.empty()) {
    out.refusal = Refusal{dot(ipath, "tariffElement"), "no element OCPI can express"};
    return out;
  }
  // Validity: lifted to the tariff when all elements share it.
  bool same = std::all_of(windows.begin(), windows.end(), [&](const auto& w) { return w == windows.front(); });
  if (same && !windows.empty()) {
    if (windows.front().first) {
      t.start_date_time = parse_time(*windows.front().first);
    }
    if (windows.front().second) {
      t.end_date_time = parse_time(*windows.front().second);
    }
  } else {
    for (std::size_t i = 0; i < windows.size(); ++i) {
      if (windows[i].first || windows[i].second) {
        losses.add("TariffInfo", dot(idx(dot(ipath, "tariffElement"), i), "tariffRestriction.startDateTime"));
      }
    }
  }
  out.value = std::move(t);
  return out;
}

}  // namespace hub::ochp
