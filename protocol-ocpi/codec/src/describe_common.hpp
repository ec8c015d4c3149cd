// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "visitor.hpp"

/// Member lists of the OCPI 2.2.1 common classes (types.hpp), in specification order.
namespace hub::ocpi::detail {

template <class V>
void describe(V& v, Ref<V, model::Price> o) {
  v.req("excl_vat", o.excl_vat);
  v.opt("incl_vat", o.incl_vat);
}

template <class V>
void describe(V& v, Ref<V, model::DisplayText> o) {
  v.req("language", o.language);
  v.req("text", o.text);
}

template <class V>
void describe(V& v, Ref<V, model::GeoLocation> o) {
  v.req("latitude", o.latitude);
  v.req("longitude", o.longitude);
}

template <class V>
void describe(V& v, Ref<V, model::AdditionalGeoLocation> o) {
  v.req("latitude", o.latitude);
  v.req("longitude", o.longitude);
  v.opt("name", o.name);
}

template <class V>
void describe(V& v, Ref<V, model::Image> o) {
  v.req("url", o.url);
  v.opt("thumbnail", o.thumbnail);
  v.req("category", o.category);
  v.req("type", o.type);
  v.opt("width", o.width);
  v.opt("height", o.height);
}

template <class V>
void describe(V& v, Ref<V, model::BusinessDetails> o) {
  v.req("name", o.name);
  v.opt("website", o.website);
  v.opt("logo", o.logo);
}

template <class V>
void describe(V& v, Ref<V, model::EnergySource> o) {
  v.req("source", o.source);
  v.req("percentage", o.percentage);
}

template <class V>
void describe(V& v, Ref<V, model::EnvironmentalImpact> o) {
  v.req("category", o.category);
  v.req("amount", o.amount);
}

template <class V>
void describe(V& v, Ref<V, model::EnergyMix> o) {
  v.req("is_green_energy", o.is_green_energy);
  v.list("energy_sources", o.energy_sources);
  v.list("environ_impact", o.environ_impact);
  v.opt("supplier_name", o.supplier_name);
  v.opt("energy_product_name", o.energy_product_name);
}

}  // namespace hub::ocpi::detail
