// SPDX-License-Identifier: GPL-2.0-or-later
#include <hub/model/party.hpp>

#include <algorithm>

namespace hub::model {

std::string_view to_string(Protocol p) noexcept { return p == Protocol::ocpi ? "ocpi" : "ochp"; }

std::optional<Protocol> protocol_from_string(std::string_view s) noexcept {
  if (s == "ocpi") {
    return Protocol::ocpi;
  }
  if (s == "ochp") {
    return Protocol::ochp;
  }
  return std::nullopt;
}

std::string_view to_string(PartyStatus s) noexcept {
  switch (s) {
    case PartyStatus::connected: return "connected";
    case PartyStatus::offline: return "offline";
    case PartyStatus::planned: return "planned";
    case PartyStatus::suspended: return "suspended";
  }
  return "offline";
}

std::optional<PartyStatus> party_status_from_string(std::string_view s) noexcept {
  for (auto st : {PartyStatus::connected, PartyStatus::offline, PartyStatus::planned,
                  PartyStatus::suspended}) {
    if (to_string(st) == s) {
      return st;
    }
  }
  return std::nullopt;
}

std::string validate(const Party& p) {
  if (p.name.empty() || p.name.size() > 100) {
    return "name: must be 1 to 100 characters";
  }
  if (p.roles.empty()) {
    return "roles: at least one role is required";
  }
  for (std::size_t i = 0; i < p.roles.size(); ++i) {
    const auto& r = p.roles[i];
    if (!make_party_ref(r.ref.country_code, r.ref.party_id)) {
      return "roles[" + std::to_string(i) +
             "]: country_code must be 2 letters and party_id 3 letters or digits";
    }
    if (r.role == Role::hub) {
      return "roles[" + std::to_string(i) + "].role: HUB is the hub's own role";
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (p.roles[j] == r) {
        return "roles[" + std::to_string(i) + "]: duplicate role";
      }
    }
  }
  if (p.protocol == Protocol::ochp) {
    if (p.ochp.username.empty() || p.ochp.password_hash.empty()) {
      return "username/password: required for OCHP parties";
    }
    for (const auto& r : p.roles) {
      if (r.role != Role::cpo && r.role != Role::emsp) {
        return "roles: OCHP parties are CPO (operator) or EMSP (provider)";
      }
    }
  }
  return {};
}

}  // namespace hub::model
