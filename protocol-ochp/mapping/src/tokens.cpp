// SPDX-License-Identifier: GPL-2.0-or-later
// RoamingAuthorisationInfo <-> Token (docs/mapping.md section 3).
#include "common.hpp"

#include <hub/model/ids.hpp>

namespace hub::ochp {
namespace {

using namespace detail;

/// Validity horizon of a valid OCPI token without an expiry: last_updated + 1 year; the service
/// re-publishes tokens before that.
constexpr std::chrono::hours kHorizon{24 * 365};

}  // namespace

Mapped<RoamingAuthorisationInfo> to_ochp(const model::Token& token) {
  Mapped<RoamingAuthorisationInfo> out;
  Losses losses{out.losses};
  if (token.type != model::TokenType::rfid) {
    out.refusal = Refusal{"type", "only RFID tokens may enter an OCHP whitelist (no remote/app tokens)"};
    return out;
  }
  if (token.whitelist == model::WhitelistType::never) {
    out.refusal = Refusal{"whitelist", "NEVER tokens need real-time authorisation, which OCHP CPOs cannot request"};
    return out;
  }
  if (token.whitelist == model::WhitelistType::allowed_offline) {
    out.refusal = Refusal{"whitelist", "ALLOWED_OFFLINE tokens would be used online by OCHP CPOs"};
    return out;
  }
  auto contract = ochp_contract_id(token.contract_id);
  if (!contract) {
    out.refusal = Refusal{"contract_id", "not an EMAID (CC-PPP-XXXXXXXXX[-K]), OCHP accepts no other contract id"};
    return out;
  }
  if (token.uid.empty()) {
    out.refusal = Refusal{"uid", "empty token uid"};
    return out;
  }
  RoamingAuthorisationInfo info;
  info.emt_id.instance = upper(token.uid);
  info.emt_id.token_type = "rfid";
  if (info.emt_id.instance != token.uid) {
    losses.add("Token", "uid");
  }
  info.contract_id = *contract;
  info.printed_number = token.visual_number;
  model::Timestamp expiry;
  if (!token.valid) {
    // OCHP's only way to revoke: an expiry in the past.
    expiry = token.valid_until && *token.valid_until < token.last_updated ? *token.valid_until : token.last_updated;
  } else if (token.valid_until) {
    expiry = *token.valid_until;
  } else {
    expiry = model::Timestamp{token.last_updated.time + kHorizon};
  }
  info.expiry_date = ochp_datetime(expiry);
  if (token.valid_until && !whole_seconds(*token.valid_until)) {
    losses.add("Token", "valid_until");
  }
  if (token.whitelist != model::WhitelistType::allowed) {
    losses.add("Token", "whitelist");
  }
  if (!token.issuer.empty()) {
    losses.add("Token", "issuer");
  }
  if (token.group_id) {
    losses.add("Token", "group_id");
  }
  if (token.language) {
    losses.add("Token", "language");
  }
  if (token.default_profile_type) {
    losses.add("Token", "default_profile_type");
  }
  if (token.energy_contract) {
    losses.add("Token", "energy_contract");
  }
  losses.add("Token", "last_updated");
  out.value = std::move(info);
  return out;
}

Mapped<model::Token> to_model(const RoamingAuthorisationInfo& info, const Owner& owner) {
  return to_model(info, owner, model::Timestamp{});
}

Mapped<model::Token> to_model(const RoamingAuthorisationInfo& info, const Owner& owner, model::Timestamp received) {
  Mapped<model::Token> out;
  Losses losses{out.losses};
  const auto& emt = info.emt_id;
  if (emt.representation != "plain") {
    out.refusal = Refusal{"EmtId.representation", "a hashed token cannot be matched by an OCPI CPO"};
    return out;
  }
  if (emt.token_type == "remote") {
    out.refusal = Refusal{"EmtId.tokenType", "remote tokens never belong in a whitelist"};
    return out;
  }
  if (emt.instance.empty() || emt.instance.size() > 36) {
    out.refusal = Refusal{"EmtId.instance", "OCPI token uids have 1 to 36 characters"};
    return out;
  }
  auto contract = contract_from_ochp(info.contract_id);
  if (!contract) {
    out.refusal = Refusal{"contractId", "not an EMAID"};
    return out;
  }
  auto expiry = parse_time(info.expiry_date);
  if (!expiry) {
    out.refusal = Refusal{"expiryDate", "not a DateTimeType"};
    return out;
  }
  model::Token t;
  t.country_code = owner.country_code;
  t.party_id = owner.party_id;
  t.uid = emt.token_type == "rfid" ? upper(emt.instance) : emt.instance;
  if (t.uid != emt.instance) {
    losses.add("RoamingAuthorisationInfo", "EmtId.instance");
  }
  t.type = emt.token_type == "rfid" ? model::TokenType::rfid : model::TokenType::other;
  if (emt.token_type != "rfid") {
    losses.add("RoamingAuthorisationInfo", "EmtId.tokenType");  // 15118 -> OTHER
  }
  if (emt.token_sub_type) {
    losses.add("RoamingAuthorisationInfo", "EmtId.tokenSubType");
  }
  t.contract_id = *contract;
  if (info.printed_number) {
    t.visual_number = info.printed_number->substr(0, 64);
    if (info.printed_number->size() > 64) {
      losses.add("RoamingAuthorisationInfo", "printedNumber");
    }
  }
  t.issuer = owner.name.empty() ? owner.country_code + "*" + owner.party_id : owner.name;
  t.valid = *expiry > received;
  t.whitelist = model::WhitelistType::allowed;
  t.valid_until = *expiry;
  t.last_updated = received;
  out.value = std::move(t);
  return out;
}

}  // namespace hub::ochp
