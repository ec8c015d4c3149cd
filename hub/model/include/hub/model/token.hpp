// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/model/location.hpp>

#include <optional>
#include <string>
#include <vector>

/// Tokens (driver credentials) and authorisation (OCPI 2.2.1 Tokens module; OCHP
/// RoamingAuthorisationInfo maps onto these). Thread safety: value types.
namespace hub::model {

enum class WhitelistType { always, allowed, allowed_offline, never };
HUB_MODEL_ENUM_NAMES(WhitelistType, {WhitelistType::always, "ALWAYS"}, {WhitelistType::allowed, "ALLOWED"},
                     {WhitelistType::allowed_offline, "ALLOWED_OFFLINE"}, {WhitelistType::never, "NEVER"});

enum class AllowedType { allowed, blocked, expired, no_credit, not_allowed };
HUB_MODEL_ENUM_NAMES(AllowedType, {AllowedType::allowed, "ALLOWED"}, {AllowedType::blocked, "BLOCKED"},
                     {AllowedType::expired, "EXPIRED"}, {AllowedType::no_credit, "NO_CREDIT"},
                     {AllowedType::not_allowed, "NOT_ALLOWED"});

enum class ProfileType { cheap, fast, green, regular };
HUB_MODEL_ENUM_NAMES(ProfileType, {ProfileType::cheap, "CHEAP"}, {ProfileType::fast, "FAST"},
                     {ProfileType::green, "GREEN"}, {ProfileType::regular, "REGULAR"});

struct EnergyContract {
  std::string supplier_name;             ///< at most 64
  std::optional<std::string> contract_id;  ///< at most 64
  bool operator==(const EnergyContract&) const = default;
};

struct Token {
  std::string country_code;
  std::string party_id;
  std::string uid;  ///< CiString(36): RFID UID or app-user id
  TokenType type = TokenType::rfid;
  std::string contract_id;  ///< CiString(36), eMA-ID such as "DE*8AA*CA2B3C4D5*X"
  std::optional<std::string> visual_number;  ///< at most 64
  std::string issuer;                        ///< at most 64
  std::optional<std::string> group_id;       ///< CiString(36)
  bool valid = true;
  WhitelistType whitelist = WhitelistType::allowed;
  std::optional<std::string> language;  ///< ISO 639-1
  std::optional<ProfileType> default_profile_type;
  std::optional<EnergyContract> energy_contract;
  std::optional<Timestamp> valid_until;  ///< OCHP RoamingAuthorisationInfo expiryDate; absent in OCPI
  Timestamp last_updated;
  bool operator==(const Token&) const = default;
};

struct LocationReferences {
  std::string location_id;
  std::vector<std::string> evse_uids;
  bool operator==(const LocationReferences&) const = default;
};

struct AuthorizationInfo {
  AllowedType allowed = AllowedType::allowed;
  Token token;
  std::optional<LocationReferences> location;
  std::optional<std::string> authorization_reference;  ///< CiString(36)
  std::optional<DisplayText> info;
  bool operator==(const AuthorizationInfo&) const = default;
};

}  // namespace hub::model
