// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <ochp/codec.hpp>

#include <hub/model/cdr.hpp>
#include <hub/model/location.hpp>
#include <hub/model/tariff.hpp>
#include <hub/model/token.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
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
  /// Items of a list that could not be expressed while the rest was (value is set); e.g. one
  /// EVSE without a supported connector. The field is the path of the item in the source.
  std::vector<Refusal> skipped;
  explicit operator bool() const noexcept { return value.has_value(); }
};

/// What the OCHP side knows about the owner of a charge point or a token: OCHP carries eMI3 ids
/// ("DE*ABC*E123*1", "DE*8AA*..."), OCPI country_code/party_id; the registry supplies the party.
struct Owner {
  std::string country_code;
  std::string party_id;
  /// Display name of the party (OCPI Token.issuer); when empty the eMI3 id ("DE*8AA") is used.
  std::string name;
};

// --- Charge points: one ChargePointInfo per EVSE; a Location groups the EVSEs of one locationId.

/// The OCHP charge points of one OCPI Location (one per EVSE that has an evse_id; EVSEs without
/// an eMI3 evse_id cannot be expressed and are reported as losses "Evse.evse_id").
Mapped<std::vector<ChargePointInfo>> to_ochp(const model::Location& location);
/// OCPI Locations from OCHP charge points, grouped by locationId (ids kept), owner from `owner`.
Mapped<std::vector<model::Location>> to_model(const std::vector<ChargePointInfo>& points, const Owner& owner);
/// As above; `received` is the last_updated of records without a timestamp (the 2-argument form
/// uses the Unix epoch, marking them as "time unknown").
Mapped<std::vector<model::Location>> to_model(const std::vector<ChargePointInfo>& points, const Owner& owner,
                                              model::Timestamp received);
/// The charge point of one EVSE of `location`; refused when the EVSE has no eMI3 evse_id, no
/// connector OCHP can express, or the location lacks what OCHP requires (postal code) or is
/// not published.
Mapped<ChargePointInfo> to_ochp(const model::Location& location, const model::Evse& evse);

// --- Live status
Mapped<EvseStatus> to_ochp(const model::EvseStatusUpdate& status);
Mapped<model::EvseStatusUpdate> to_model(const EvseStatus& status);
/// As above with the receive time as last_updated (the 1-argument form uses the Unix epoch).
Mapped<model::EvseStatusUpdate> to_model(const EvseStatus& status, model::Timestamp received);
/// The static ChargePointStatusType for an OCPI status ("Operative", "Inoperative", ...).
std::string_view static_status(model::EvseStatus status) noexcept;

// --- Tokens (RoamingAuthorisationInfo)
Mapped<RoamingAuthorisationInfo> to_ochp(const model::Token& token);
Mapped<model::Token> to_model(const RoamingAuthorisationInfo& info, const Owner& owner);
/// As above; `received` becomes last_updated and `valid` = expiryDate > received (the 2-argument
/// form uses the Unix epoch: valid unless the expiry is before 1970; the caller's expiry timer
/// handles the rest through Token.valid_until).
Mapped<model::Token> to_model(const RoamingAuthorisationInfo& info, const Owner& owner, model::Timestamp received);

// --- CDRs
Mapped<CdrInfo> to_ochp(const model::Cdr& cdr);
/// As above with the local times written at `utc_offset` (the location's offset at the session
/// start; the 1-argument form writes "+00:00"). `location`, when given, supplies the EVSE's
/// ratings.
Mapped<CdrInfo> to_ochp(const model::Cdr& cdr, std::chrono::minutes utc_offset,
                        const model::Location* location = nullptr);
/// `location` completes cdr_location from the hub's location store when the EVSE is known.
/// Without it (or when the EVSE is not in it) the CDR is refused: OCPI requires the location id,
/// coordinates, EVSE uid and connector id, which an OCHP CDR does not carry.
Mapped<model::Cdr> to_model(const CdrInfo& cdr, const Owner& owner, const model::Location* location = nullptr);
/// As above with the receive time as last_updated (the other form uses the Unix epoch).
Mapped<model::Cdr> to_model(const CdrInfo& cdr, const Owner& owner, const model::Location* location,
                            model::Timestamp received);

/// OCHP CdrStatusType value of a model status ("new", "owner declined", ...).
std::string_view to_ochp(model::CdrStatus status) noexcept;
/// Model status of an OCHP CdrStatusType value; nullopt for "revised" (a corrected upload,
/// which the clearing house turns into a new CDR) and unknown text.
std::optional<model::CdrStatus> cdr_status_from_ochp(std::string_view status) noexcept;

// --- Tariffs
Mapped<TariffInfo> to_ochp(const model::Tariff& tariff);
Mapped<model::Tariff> to_model(const TariffInfo& tariff, const Owner& owner);
/// As above for one recipient: the individual tariff whose recipients include `recipient`
/// (provider id without separator, "DE8AA"), else the default one; `received` is last_updated
/// (the 2-argument form uses the Unix epoch and the default individual tariff).
Mapped<model::Tariff> to_model(const TariffInfo& tariff, const Owner& owner, model::Timestamp received,
                               std::string_view recipient = {});

// --- Identifier helpers (the spellings the mapping uses)

/// OCHP ContractId spelling of a contract id: "DE-8AA-CA2B3C4D5(-X)"; nullopt unless it is an
/// EMAID (2 letters, 3 alphanumerics, 9 alphanumerics, optional check character).
std::optional<std::string> ochp_contract_id(std::string_view contract_id);
/// OCHP TariffId of an OCPI tariff id of party (cc, pid): "DE*ABC*T" + id; nullopt unless the id
/// is 1..10 of [A-Za-z0-9*] starting with an alphanumeric.
std::optional<std::string> ochp_tariff_id(std::string_view country_code, std::string_view party_id,
                                          std::string_view tariff_id);
/// The OCPI tariff id of an OCHP TariffId ("DE*ABC*T12" / "DEABCT12" -> "12"); nullopt when
/// malformed.
std::optional<std::string> ocpi_tariff_id(std::string_view ochp_tariff_id);
/// OCHP CdrId of an OCPI CDR id of party (cc, pid): upper case, alphanumerics only, prefixed
/// with "CCPPP" unless already; nullopt when longer than 36 (needs the service's id table).
std::optional<std::string> ochp_cdr_id(std::string_view country_code, std::string_view party_id,
                                       std::string_view cdr_id);
/// OCHP locationId of an OCPI location id: upper case, [A-Z0-9 ] only, at most 15 characters.
std::string ochp_location_id(std::string_view location_id);

}  // namespace hub::ochp
