// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "describe_common.hpp"
#include "describe_token.hpp"

#include <hub/model/command.hpp>

/// Member lists of the OCPI 2.2.1 Commands module, in specification order.
namespace hub::ocpi::detail {

template <class V>
void describe(V& v, Ref<V, model::StartSession> o) {
  v.req("response_url", o.response_url);
  v.req("token", o.token);
  v.req("location_id", o.location_id);
  v.opt("evse_uid", o.evse_uid);
  v.opt("connector_id", o.connector_id);
  v.opt("authorization_reference", o.authorization_reference);
}

template <class V>
void describe(V& v, Ref<V, model::StopSession> o) {
  v.req("response_url", o.response_url);
  v.req("session_id", o.session_id);
}

template <class V>
void describe(V& v, Ref<V, model::ReserveNow> o) {
  v.req("response_url", o.response_url);
  v.req("token", o.token);
  v.req("expiry_date", o.expiry_date);
  v.req("reservation_id", o.reservation_id);
  v.req("location_id", o.location_id);
  v.opt("evse_uid", o.evse_uid);
  v.opt("authorization_reference", o.authorization_reference);
}

template <class V>
void describe(V& v, Ref<V, model::CancelReservation> o) {
  v.req("response_url", o.response_url);
  v.req("reservation_id", o.reservation_id);
}

template <class V>
void describe(V& v, Ref<V, model::UnlockConnector> o) {
  v.req("response_url", o.response_url);
  v.req("location_id", o.location_id);
  v.req("evse_uid", o.evse_uid);
  v.req("connector_id", o.connector_id);
}

template <class V>
void describe(V& v, Ref<V, model::CommandResponse> o) {
  v.req("result", o.result);
  v.req("timeout", o.timeout);
  v.list("message", o.message);
}

template <class V>
void describe(V& v, Ref<V, model::CommandResult> o) {
  v.req("result", o.result);
  v.list("message", o.message);
}

}  // namespace hub::ocpi::detail
