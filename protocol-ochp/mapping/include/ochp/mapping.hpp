// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <ochp/codec.hpp>

#include <hub/model/cdr.hpp>
#include <hub/model/location.hpp>
#include <hub/model/tariff.hpp>
#include <hub/model/token.hpp>

#include <optional>
#include <string>
#include <vector>

/// OCHP 1.4 <-> hub::model (../docs/mapping.md, as implemented). Pure functions: no I/O, no clock.
/// Every translation reports what it could not carry (Loss) and refuses what it cannot express
/// (Refusal) instead of inventing required values.
/// Thread safety: free functions, no shared state.
namespace hub::ochp {

/// One source field the target could not carry, e.g. {"Location", "facilities"}.
struct Loss {
  std::string object;  ///< "Location", "Evse", "ChargePointInfo", "Cdr", ...
  std::string field;   ///< dotted path in the source object
  bool operator==(const Loss&) const = default;
};

/// Why an object cannot be expressed in the target protocol.
struct Refusal {
  std::string field;
  std::string reason;
};

template <class T>
struct Mapped {
  std::optional<T> value;
  std::vector<Loss> losses;
  std::optional<Refusal> refusal;  ///< set when value is empty
  explicit operator bool() const noexcept { return value.has_value(); }
};

/// What the OCHP side knows about the owner of a charge point or a token: OCHP carries eMI3 ids
/// ("DE*ABC*E123*1", "DE*8AA*..."), OCPI country_code/party_id; the registry supplies the party.
struct Owner {
  std::string country_code;
  std::string party_id;
};

// --- Charge points: one ChargePointInfo per EVSE; a Location groups the EVSEs of one locationId.

/// The OCHP charge points of one OCPI Location (one per EVSE that has an evse_id; EVSEs without
/// an eMI3 evse_id cannot be expressed and are reported as losses "Evse.evse_id").
Mapped<std::vector<ChargePointInfo>> to_ochp(const model::Location& location);
/// OCPI Locations from OCHP charge points, grouped by locationId (ids kept), owner from `owner`.
Mapped<std::vector<model::Location>> to_model(const std::vector<ChargePointInfo>& points, const Owner& owner);

// --- Live status
Mapped<EvseStatus> to_ochp(const model::EvseStatusUpdate& status);
Mapped<model::EvseStatusUpdate> to_model(const EvseStatus& status);

// --- Tokens (RoamingAuthorisationInfo)
Mapped<RoamingAuthorisationInfo> to_ochp(const model::Token& token);
Mapped<model::Token> to_model(const RoamingAuthorisationInfo& info, const Owner& owner);

// --- CDRs
Mapped<CdrInfo> to_ochp(const model::Cdr& cdr);
/// `location` completes cdr_location from the hub's location store when the EVSE is known.
Mapped<model::Cdr> to_model(const CdrInfo& cdr, const Owner& owner, const model::Location* location = nullptr);

// --- Tariffs
Mapped<TariffInfo> to_ochp(const model::Tariff& tariff);
Mapped<model::Tariff> to_model(const TariffInfo& tariff, const Owner& owner);

}  // namespace hub::ochp
