// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "describe_common.hpp"

#include <hub/model/tariff.hpp>

/// Member lists of the OCPI 2.2.1 Tariffs module, in specification order.
namespace hub::ocpi::detail {

template <class V>
void describe(V& v, Ref<V, model::PriceComponent> o) {
  v.req("type", o.type);
  v.req("price", o.price);
  v.opt("vat", o.vat);
  v.req("step_size", o.step_size);
}

template <class V>
void describe(V& v, Ref<V, model::TariffRestrictions> o) {
  v.opt("start_time", o.start_time);
  v.opt("end_time", o.end_time);
  v.opt("start_date", o.start_date);
  v.opt("end_date", o.end_date);
  v.opt("min_kwh", o.min_kwh);
  v.opt("max_kwh", o.max_kwh);
  v.opt("min_current", o.min_current);
  v.opt("max_current", o.max_current);
  v.opt("min_power", o.min_power);
  v.opt("max_power", o.max_power);
  v.opt("min_duration", o.min_duration);
  v.opt("max_duration", o.max_duration);
  v.list("day_of_week", o.day_of_week);
  v.opt("reservation", o.reservation);
}

template <class V>
void describe(V& v, Ref<V, model::TariffElement> o) {
  v.req_list("price_components", o.price_components);
  v.opt("restrictions", o.restrictions);
}

template <class V>
void describe(V& v, Ref<V, model::Tariff> o) {
  v.req("country_code", o.country_code);
  v.req("party_id", o.party_id);
  v.req("id", o.id);
  v.req("currency", o.currency);
  v.opt("type", o.type);
  v.list("tariff_alt_text", o.tariff_alt_text);
  v.opt("tariff_alt_url", o.tariff_alt_url);
  v.opt("min_price", o.min_price);
  v.opt("max_price", o.max_price);
  v.req_list("elements", o.elements);
  v.opt("energy_mix", o.energy_mix);
  v.opt("start_date_time", o.start_date_time);
  v.opt("end_date_time", o.end_date_time);
  v.req("last_updated", o.last_updated);
}

}  // namespace hub::ocpi::detail
