// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/model/party.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

/// An immutable snapshot of the party registry with its lookup indexes. Built off the request
/// path, swapped atomically; readers take no lock.
/// Thread safety: immutable after construction; share through shared_ptr<const RoutingTable>.
namespace hub::routing {

class RoutingTable {
 public:
  RoutingTable() = default;
  RoutingTable(std::vector<model::Party> parties, std::uint64_t version);

  std::uint64_t version() const noexcept { return version_; }
  const std::vector<model::Party>& parties() const noexcept { return parties_; }

  const model::Party* find(std::string_view id) const;
  /// The party holding (role, country_code, party_id), any status.
  const model::Party* resolve(model::Role role, const model::PartyRef& ref) const;
  /// The first party (in id order) holding any role with this reference (case-insensitive),
  /// and that role's reference as registered; null when none.
  const model::Party* holder(const model::PartyRef& ref, model::PartyRef* role_ref = nullptr) const;
  /// The CPO whose operator id prefixes this EVSE id (any eMI3 spelling).
  const model::Party* resolve_evse_operator(std::string_view evse_id) const;
  /// The eMSP whose provider id prefixes this contract id (any eMI3 spelling).
  const model::Party* resolve_contract_provider(std::string_view contract_id) const;
  /// The party holding any role with this eMI3 operator/provider prefix ("DE*ABC", "DEABC", ...).
  const model::Party* resolve_prefix(model::Role role, std::string_view prefix) const;
  /// OCHP party by WS-Security username.
  const model::Party* find_ochp_user(std::string_view username) const;
  /// OCPI party by the token it presents to the hub (token A before registration, C after).
  const model::Party* find_ocpi_token(std::string_view token) const;
  /// What a token in an Authorization header stands for, in one lookup: a party's token A or C
  /// as issued (older peers send it raw), else one whose Base64 form with padding it is (2.2.1
  /// peers; found without decoding). The raw form wins where the two collide. `party` is null
  /// when it is neither.
  struct PresentedToken {
    const model::Party* party = nullptr;
    bool plain = false;    ///< sent as issued
    bool token_a = false;  ///< the party's registration token A
  };
  PresentedToken find_ocpi_presented(std::string_view token) const;

 private:
  std::vector<model::Party> parties_;
  std::uint64_t version_ = 0;
  std::unordered_map<std::string, std::size_t> by_id_;
  std::map<std::tuple<model::Role, std::string, std::string>, std::size_t> by_role_;
  /// "CC PID" upper-cased -> (party, role) of the first holder
  std::unordered_map<std::string, std::pair<std::size_t, std::size_t>> by_ref_;
  std::unordered_map<std::string, std::size_t> by_ochp_user_;
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::size_t, StringHash, std::equal_to<>> by_token_;
  struct Presented {
    std::size_t party;
    bool plain;
    bool token_a;
  };
  /// Tokens A and C raw and in Base64, the raw forms first (they win where the two collide)
  std::unordered_map<std::string, Presented, StringHash, std::equal_to<>> by_presented_;
};

using RoutingTablePtr = std::shared_ptr<const RoutingTable>;

}  // namespace hub::routing
