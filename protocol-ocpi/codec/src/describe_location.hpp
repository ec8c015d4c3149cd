// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "describe_common.hpp"

#include <hub/model/location.hpp>

/// Member lists of the OCPI 2.2.1 Locations module, in specification order.
namespace hub::ocpi::detail {

template <class V>
void describe(V& v, Ref<V, model::PublishTokenType> o) {
  v.opt("uid", o.uid);
  v.opt("type", o.type);
  v.opt("visual_number", o.visual_number);
  v.opt("issuer", o.issuer);
  v.opt("group_id", o.group_id);
}

template <class V>
void describe(V& v, Ref<V, model::RegularHours> o) {
  v.req("weekday", o.weekday);
  v.req("period_begin", o.period_begin);
  v.req("period_end", o.period_end);
}

template <class V>
void describe(V& v, Ref<V, model::ExceptionalPeriod> o) {
  v.req("period_begin", o.period_begin);
  v.req("period_end", o.period_end);
}

template <class V>
void describe(V& v, Ref<V, model::Hours> o) {
  v.req("twentyfourseven", o.twentyfourseven);
  v.list("regular_hours", o.regular_hours);
  v.list("exceptional_openings", o.exceptional_openings);
  v.list("exceptional_closings", o.exceptional_closings);
}

template <class V>
void describe(V& v, Ref<V, model::StatusSchedule> o) {
  v.req("period_begin", o.period_begin);
  v.opt("period_end", o.period_end);
  v.req("status", o.status);
}

template <class V>
void describe(V& v, Ref<V, model::Connector> o) {
  v.req("id", o.id);
  v.req("standard", o.standard);
  v.req("format", o.format);
  v.req("power_type", o.power_type);
  v.req("max_voltage", o.max_voltage);
  v.req("max_amperage", o.max_amperage);
  v.opt("max_electric_power", o.max_electric_power);
  v.list("tariff_ids", o.tariff_ids);
  v.opt("terms_and_conditions", o.terms_and_conditions);
  v.req("last_updated", o.last_updated);
}

template <class V>
void describe(V& v, Ref<V, model::Evse> o) {
  v.req("uid", o.uid);
  v.opt("evse_id", o.evse_id);
  v.req("status", o.status);
  v.list("status_schedule", o.status_schedule);
  v.list("capabilities", o.capabilities);
  v.req_list("connectors", o.connectors);
  v.opt("floor_level", o.floor_level);
  v.opt("coordinates", o.coordinates);
  v.opt("physical_reference", o.physical_reference);
  v.list("directions", o.directions);
  v.list("parking_restrictions", o.parking_restrictions);
  v.list("images", o.images);
  v.req("last_updated", o.last_updated);
}

template <class V>
void describe(V& v, Ref<V, model::Location> o) {
  v.req("country_code", o.country_code);
  v.req("party_id", o.party_id);
  v.req("id", o.id);
  v.req("publish", o.publish);
  v.list("publish_allowed_to", o.publish_allowed_to);
  v.opt("name", o.name);
  v.req("address", o.address);
  v.req("city", o.city);
  v.opt("postal_code", o.postal_code);
  v.opt("state", o.state);
  v.req("country", o.country);
  v.req("coordinates", o.coordinates);
  v.list("related_locations", o.related_locations);
  v.opt("parking_type", o.parking_type);
  v.list("evses", o.evses);
  v.list("directions", o.directions);
  v.opt("operator", o.operator_);
  v.opt("suboperator", o.suboperator);
  v.opt("owner", o.owner);
  v.list("facilities", o.facilities);
  v.req("time_zone", o.time_zone);
  v.opt("opening_times", o.opening_times);
  v.opt("charging_when_closed", o.charging_when_closed);
  v.list("images", o.images);
  v.opt("energy_mix", o.energy_mix);
  v.req("last_updated", o.last_updated);
}

/// The OCPI body of an EVSE status PATCH; the EVSE's identity travels in the URL, so it is an
/// extension in the canonical form.
template <class V>
void describe(V& v, Ref<V, model::EvseStatusUpdate> o) {
  v.req("status", o.status);
  v.ext("location_id", o.location_id);
  v.ext("evse_uid", o.evse_uid);
  v.ext("evse_id", o.evse_id);
  v.ext("valid_until", o.valid_until);
  v.req("last_updated", o.last_updated);
}

}  // namespace hub::ocpi::detail
