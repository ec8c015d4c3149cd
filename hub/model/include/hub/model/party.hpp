// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/model/ids.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

/// A party connected to the hub (an OCPI platform or an OCHP partner) as the registry holds it.
/// Thread safety: value type.
namespace hub::model {

enum class Protocol { ocpi, ochp };
std::string_view to_string(Protocol p) noexcept;
std::optional<Protocol> protocol_from_string(std::string_view s) noexcept;

/// Connection status as OCPI's HubClientInfo knows it.
enum class PartyStatus { connected, offline, planned, suspended };
std::string_view to_string(PartyStatus s) noexcept;
std::optional<PartyStatus> party_status_from_string(std::string_view s) noexcept;

struct PartyRole {
  Role role = Role::cpo;
  PartyRef ref;
  bool operator==(const PartyRole&) const = default;
};

/// One module endpoint a party offers (OCPI: identifier + role + url).
struct Endpoint {
  std::string module;     ///< "locations", "cdrs", ...
  std::string interface;  ///< "SENDER" / "RECEIVER"
  std::string url;
  bool operator==(const Endpoint&) const = default;
};

struct OcpiCredentials {
  std::string token_a;      ///< registration token the hub handed out (until the handshake)
  std::string token_b;      ///< token the hub uses to call the party
  std::string token_c;      ///< token the party uses to call the hub
  std::string versions_url; ///< the party's versions endpoint
  std::string version;      ///< negotiated version, e.g. "2.2.1"
  bool auth_plain = false;  ///< send the token raw in Authorization (older peers), not Base64
  /// eMSPs: OCHP CPOs' GetSingleRoamingAuthorisation for this party's tokens is answered through
  /// its real-time authorize (POST tokens/{uid}/authorize) instead of the hub's copy alone.
  bool realtime_authorize = false;
  bool operator==(const OcpiCredentials&) const = default;
};

struct OchpCredentials {
  std::string username;
  std::string password_hash;  ///< salted SHA-256, hex; the clear password is never stored
  std::string password_salt;
  bool operator==(const OchpCredentials&) const = default;
};

struct Party {
  std::string id;  ///< hub-assigned, stable
  std::string name;
  Protocol protocol = Protocol::ocpi;
  std::vector<PartyRole> roles;
  PartyStatus status = PartyStatus::planned;
  OcpiCredentials ocpi;
  OchpCredentials ochp;
  std::vector<Endpoint> endpoints;
  std::int64_t created_at = 0;  ///< unix seconds
  std::int64_t updated_at = 0;
  bool operator==(const Party&) const = default;
};

/// Checks the party's own fields: a name of 1..100 characters, at least one role, valid role refs,
/// no role given twice, and OCHP credentials present for OCHP parties.
/// Returns an empty string when valid, otherwise the reason (names the offending field).
std::string validate(const Party& p);

}  // namespace hub::model
