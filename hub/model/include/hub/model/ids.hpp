// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

/// Strong identifiers shared by every protocol, and the eMI3 id normalisation rules.
/// Thread safety: value types; free functions are pure.
namespace hub::model {

/// ISO 3166-1 alpha-2 country code plus a 3-character party id: the OCPI party identity and the
/// eMI3 operator/provider prefix (DE*ABC) at the same time. Always stored upper case.
struct PartyRef {
  std::string country_code;  ///< 2 letters, upper case
  std::string party_id;      ///< 3 alphanumerics, upper case

  auto operator<=>(const PartyRef&) const = default;
  /// "DE*ABC": the eMI3 spelling used in OCHP ids and in logs.
  std::string emi3() const { return country_code + "*" + party_id; }
};

/// Roles of a party. Names are OCPI's and are used for OCHP parties too (an OCHP operator is a
/// CPO, an OCHP provider is an EMSP).
enum class Role { cpo, emsp, hub, nap, nsp, other, scsp };

std::string_view to_string(Role r) noexcept;
std::optional<Role> role_from_string(std::string_view s) noexcept;

/// Validates country_code (2 letters) and party_id (3 alphanumerics), returning the upper-case form.
std::optional<PartyRef> make_party_ref(std::string_view country_code, std::string_view party_id);

/// Parses an eMI3 / DIN operator or provider prefix in any accepted spelling:
/// "DE*ABC", "DEABC", "DE-ABC", "de*abc" -> {DE, ABC}. Returns nullopt when malformed.
std::optional<PartyRef> parse_party_prefix(std::string_view prefix);

/// Extracts the operator of an EVSE id ("DE*ABC*E123*1", "DEABCE1231", "DE-ABC-E123-1").
std::optional<PartyRef> evse_id_operator(std::string_view evse_id);

/// Extracts the provider of a contract id / eMA-ID ("DE*8AA*CA2B3C4D5*X", "DE8AACA2B3C4D5X",
/// "DE-8AA-CA2B3C4D5-X").
std::optional<PartyRef> contract_id_provider(std::string_view contract_id);

/// Normalises an EVSE id to the eMI3 form with '*' separators and upper case
/// ("de-abc-e123-1" -> "DE*ABC*E123*1"). Returns nullopt when it is not an eMI3/DIN EVSE id.
std::optional<std::string> normalize_evse_id(std::string_view evse_id);

/// Normalises a contract id to the eMI3 form with '*' separators and upper case.
std::optional<std::string> normalize_contract_id(std::string_view contract_id);

}  // namespace hub::model
