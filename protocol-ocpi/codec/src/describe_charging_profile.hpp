// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "describe_common.hpp"

#include <hub/model/charging_profile.hpp>

/// Member lists of the OCPI 2.2.1 ChargingProfiles module, in specification order.
namespace hub::ocpi::detail {

template <class V>
void describe(V& v, Ref<V, model::ChargingProfilePeriod> o) {
  v.req("start_period", o.start_period);
  v.req("limit", o.limit);
}

template <class V>
void describe(V& v, Ref<V, model::ChargingProfile> o) {
  v.opt("start_date_time", o.start_date_time);
  v.opt("duration", o.duration);
  v.req("charging_rate_unit", o.charging_rate_unit);
  v.opt("min_charging_rate", o.min_charging_rate);
  v.list("charging_profile_period", o.charging_profile_period);
}

template <class V>
void describe(V& v, Ref<V, model::SetChargingProfile> o) {
  v.req("charging_profile", o.charging_profile);
  v.req("response_url", o.response_url);
}

template <class V>
void describe(V& v, Ref<V, model::ActiveChargingProfile> o) {
  v.req("start_date_time", o.start_date_time);
  v.req("charging_profile", o.charging_profile);
}

template <class V>
void describe(V& v, Ref<V, model::ChargingProfileResponse> o) {
  v.req("result", o.result);
  v.req("timeout", o.timeout);
}

template <class V>
void describe(V& v, Ref<V, model::ActiveChargingProfileResult> o) {
  v.req("result", o.result);
  v.opt("profile", o.profile);
}

template <class V>
void describe(V& v, Ref<V, model::ChargingProfileResult> o) {
  v.req("result", o.result);
}

}  // namespace hub::ocpi::detail
