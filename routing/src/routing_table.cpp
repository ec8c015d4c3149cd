// SPDX-License-Identifier: GPL-2.0-or-later
#include <routing/routing_table.hpp>

#include <hub/core/base64.hpp>

#include <algorithm>

namespace hub::routing {

namespace {

std::string ref_key(std::string_view cc, std::string_view pid) {
  std::string k;
  k.reserve(cc.size() + pid.size() + 1);
  k.append(cc);
  k.push_back(' ');
  k.append(pid);
  for (auto& c : k) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return k;
}

}  // namespace

RoutingTable::RoutingTable(std::vector<model::Party> parties, std::uint64_t version)
    : parties_(std::move(parties)), version_(version) {
  // base64(token) -> (party, whether it is the party's token A), in party order
  std::vector<std::pair<std::string, Presented>> encoded;
  std::sort(parties_.begin(), parties_.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  for (std::size_t i = 0; i < parties_.size(); ++i) {
    const auto& p = parties_[i];
    by_id_.emplace(p.id, i);
    for (std::size_t j = 0; j < p.roles.size(); ++j) {
      const auto& r = p.roles[j];
      by_role_.emplace(std::make_tuple(r.role, r.ref.country_code, r.ref.party_id), i);
      by_ref_.emplace(ref_key(r.ref.country_code, r.ref.party_id), std::make_pair(i, j));  // keeps the first
    }
    if (p.protocol == model::Protocol::ochp && !p.ochp.username.empty()) {
      by_ochp_user_.emplace(p.ochp.username, i);
    }
    if (p.protocol == model::Protocol::ocpi) {
      if (!p.ocpi.token_a.empty()) {
        by_token_.emplace(p.ocpi.token_a, i);
        encoded.emplace_back(base64::encode(p.ocpi.token_a), Presented{i, false, true});
      }
      if (!p.ocpi.token_c.empty()) {
        by_token_.emplace(p.ocpi.token_c, i);
        encoded.emplace_back(base64::encode(p.ocpi.token_c), Presented{i, false, false});
      }
    }
  }
  // Raw tokens before encoded ones, so that the raw form wins where the two collide; within
  // each form the first party (by_token_ kept it, and emplace keeps it of `encoded`).
  for (const auto& [token, i] : by_token_) {
    const auto& p = parties_[i];
    by_presented_.emplace(token, Presented{i, true, !p.ocpi.token_a.empty() && token == p.ocpi.token_a});
  }
  for (auto& [key, at] : encoded) {
    by_presented_.emplace(std::move(key), at);
  }
}

RoutingTable::PresentedToken RoutingTable::find_ocpi_presented(std::string_view token) const {
  auto it = by_presented_.find(token);
  if (it == by_presented_.end()) {
    return {};
  }
  return {&parties_[it->second.party], it->second.plain, it->second.token_a};
}

const model::Party* RoutingTable::holder(const model::PartyRef& ref, model::PartyRef* role_ref) const {
  auto it = by_ref_.find(ref_key(ref.country_code, ref.party_id));
  if (it == by_ref_.end()) {
    return nullptr;
  }
  const auto& p = parties_[it->second.first];
  if (role_ref != nullptr) {
    *role_ref = p.roles[it->second.second].ref;
  }
  return &p;
}

const model::Party* RoutingTable::find(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &parties_[it->second];
}

const model::Party* RoutingTable::resolve(model::Role role, const model::PartyRef& ref) const {
  auto norm = model::make_party_ref(ref.country_code, ref.party_id);
  if (!norm) {
    return nullptr;
  }
  auto it = by_role_.find(std::make_tuple(role, norm->country_code, norm->party_id));
  return it == by_role_.end() ? nullptr : &parties_[it->second];
}

const model::Party* RoutingTable::resolve_evse_operator(std::string_view evse_id) const {
  auto op = model::evse_id_operator(evse_id);
  return op ? resolve(model::Role::cpo, *op) : nullptr;
}

const model::Party* RoutingTable::resolve_contract_provider(std::string_view contract_id) const {
  auto pr = model::contract_id_provider(contract_id);
  return pr ? resolve(model::Role::emsp, *pr) : nullptr;
}

const model::Party* RoutingTable::resolve_prefix(model::Role role, std::string_view prefix) const {
  auto ref = model::parse_party_prefix(prefix);
  return ref ? resolve(role, *ref) : nullptr;
}

const model::Party* RoutingTable::find_ochp_user(std::string_view username) const {
  auto it = by_ochp_user_.find(std::string(username));
  return it == by_ochp_user_.end() ? nullptr : &parties_[it->second];
}

const model::Party* RoutingTable::find_ocpi_token(std::string_view token) const {
  auto it = by_token_.find(token);
  return it == by_token_.end() ? nullptr : &parties_[it->second];
}


}  // namespace hub::routing
