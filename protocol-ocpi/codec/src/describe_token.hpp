// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "describe_common.hpp"

#include <hub/model/token.hpp>

/// Member lists of the OCPI 2.2.1 Tokens module, in specification order.
namespace hub::ocpi::detail {

template <class V>
void describe(V& v, Ref<V, model::EnergyContract> o) {
  v.req("supplier_name", o.supplier_name);
  v.opt("contract_id", o.contract_id);
}

template <class V>
void describe(V& v, Ref<V, model::Token> o) {
  v.req("country_code", o.country_code);
  v.req("party_id", o.party_id);
  v.req("uid", o.uid);
  v.req("type", o.type);
  v.req("contract_id", o.contract_id);
  v.opt("visual_number", o.visual_number);
  v.req("issuer", o.issuer);
  v.opt("group_id", o.group_id);
  v.req("valid", o.valid);
  v.req("whitelist", o.whitelist);
  v.opt("language", o.language);
  v.opt("default_profile_type", o.default_profile_type);
  v.opt("energy_contract", o.energy_contract);
  v.ext("valid_until", o.valid_until);
  v.req("last_updated", o.last_updated);
}

template <class V>
void describe(V& v, Ref<V, model::LocationReferences> o) {
  v.req("location_id", o.location_id);
  v.list("evse_uids", o.evse_uids);
}

template <class V>
void describe(V& v, Ref<V, model::AuthorizationInfo> o) {
  v.req("allowed", o.allowed);
  v.req("token", o.token);
  v.opt("location", o.location);
  v.opt("authorization_reference", o.authorization_reference);
  v.opt("info", o.info);
}

}  // namespace hub::ocpi::detail
