// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "describe_common.hpp"
#include "describe_tariff.hpp"

#include <hub/model/cdr.hpp>
#include <hub/model/session.hpp>

/// Member lists of the OCPI 2.2.1 Sessions and CDRs modules, in specification order.
namespace hub::ocpi::detail {

template <class V>
void describe(V& v, Ref<V, model::CdrDimension> o) {
  v.req("type", o.type);
  v.req("volume", o.volume);
}

template <class V>
void describe(V& v, Ref<V, model::ChargingPeriod> o) {
  v.req("start_date_time", o.start_date_time);
  v.req_list("dimensions", o.dimensions);
  v.opt("tariff_id", o.tariff_id);
}

template <class V>
void describe(V& v, Ref<V, model::CdrToken> o) {
  v.req("country_code", o.country_code);
  v.req("party_id", o.party_id);
  v.req("uid", o.uid);
  v.req("type", o.type);
  v.req("contract_id", o.contract_id);
}

template <class V>
void describe(V& v, Ref<V, model::Session> o) {
  v.req("country_code", o.country_code);
  v.req("party_id", o.party_id);
  v.req("id", o.id);
  v.req("start_date_time", o.start_date_time);
  v.opt("end_date_time", o.end_date_time);
  v.req("kwh", o.kwh);
  v.req("cdr_token", o.cdr_token);
  v.req("auth_method", o.auth_method);
  v.opt("authorization_reference", o.authorization_reference);
  v.req("location_id", o.location_id);
  v.req("evse_uid", o.evse_uid);
  v.req("connector_id", o.connector_id);
  v.opt("meter_id", o.meter_id);
  v.req("currency", o.currency);
  v.list("charging_periods", o.charging_periods);
  v.opt("total_cost", o.total_cost);
  v.req("status", o.status);
  v.req("last_updated", o.last_updated);
}

template <class V>
void describe(V& v, Ref<V, model::CdrLocation> o) {
  v.req("id", o.id);
  v.opt("name", o.name);
  v.req("address", o.address);
  v.req("city", o.city);
  v.opt("postal_code", o.postal_code);
  v.opt("state", o.state);
  v.req("country", o.country);
  v.req("coordinates", o.coordinates);
  v.req("evse_uid", o.evse_uid);
  v.req("evse_id", o.evse_id);
  v.req("connector_id", o.connector_id);
  v.req("connector_standard", o.connector_standard);
  v.req("connector_format", o.connector_format);
  v.req("connector_power_type", o.connector_power_type);
}

template <class V>
void describe(V& v, Ref<V, model::SignedValue> o) {
  v.req("nature", o.nature);
  v.req("plain_data", o.plain_data);
  v.req("signed_data", o.signed_data);
}

template <class V>
void describe(V& v, Ref<V, model::SignedData> o) {
  v.req("encoding_method", o.encoding_method);
  v.opt("encoding_method_version", o.encoding_method_version);
  v.opt("public_key", o.public_key);
  v.req_list("signed_values", o.signed_values);
  v.opt("url", o.url);
}

template <class V>
void describe(V& v, Ref<V, model::Cdr> o) {
  v.req("country_code", o.country_code);
  v.req("party_id", o.party_id);
  v.req("id", o.id);
  v.req("start_date_time", o.start_date_time);
  v.req("end_date_time", o.end_date_time);
  v.opt("session_id", o.session_id);
  v.req("cdr_token", o.cdr_token);
  v.req("auth_method", o.auth_method);
  v.opt("authorization_reference", o.authorization_reference);
  v.req("cdr_location", o.cdr_location);
  v.opt("meter_id", o.meter_id);
  v.req("currency", o.currency);
  v.list("tariffs", o.tariffs);
  v.req_list("charging_periods", o.charging_periods);
  v.opt("signed_data", o.signed_data);
  v.req("total_cost", o.total_cost);
  v.opt("total_fixed_cost", o.total_fixed_cost);
  v.req("total_energy", o.total_energy);
  v.opt("total_energy_cost", o.total_energy_cost);
  v.req("total_time", o.total_time);
  v.opt("total_time_cost", o.total_time_cost);
  v.opt("total_parking_time", o.total_parking_time);
  v.opt("total_parking_cost", o.total_parking_cost);
  v.opt("total_reservation_cost", o.total_reservation_cost);
  v.opt("remark", o.remark);
  v.opt("invoice_reference_id", o.invoice_reference_id);
  v.opt("credit", o.credit);
  v.opt("credit_reference_id", o.credit_reference_id);
  v.opt("home_charging_compensation", o.home_charging_compensation);
  v.ext("status", o.status);
  v.req("last_updated", o.last_updated);
}

}  // namespace hub::ocpi::detail
