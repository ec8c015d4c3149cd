// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <ochp/codec.hpp>

#include <optional>
#include <string>
#include <string_view>

/// Pure checks of OCHP 1.4 identifiers and records against the XSD patterns and required
/// fields (the codec checks structure, enumerations and date formats; patterns are ours).
/// Each check returns the reason for refusal, or nullopt when the record is acceptable.
/// Thread safety: free functions, no shared state.
namespace hub::ochp::check {

bool evse_id(std::string_view s) noexcept;
bool parking_id(std::string_view s) noexcept;
bool tariff_id(std::string_view s) noexcept;
bool contract_id(std::string_view s) noexcept;
bool cdr_id(std::string_view s) noexcept;
bool location_id(std::string_view s) noexcept;

std::optional<std::string> charge_point(const ChargePointInfo& cp);
std::optional<std::string> authorisation(const RoamingAuthorisationInfo& info);
std::optional<std::string> emt_id(const EmtId& emt);
std::optional<std::string> cdr(const CdrInfo& cdr);
std::optional<std::string> tariff(const TariffInfo& tariff);
std::optional<std::string> evse_status(const EvseStatus& status);
std::optional<std::string> parking_status(const ParkingStatus& status);
/// `provider`: a ProviderEndpoint (ContractPattern lists), otherwise an OperatorEndpoint (EvsePattern).
std::optional<std::string> endpoint(const DirectEndpoint& ep, bool provider);

/// "DE*ABC*E1" and "DEABCE1" name the same EVSE: upper case, '*' separators between country,
/// operator and the rest. Used as the storage identity. Empty when not an EVSE id.
std::string evse_key(std::string_view evse_id);

}  // namespace hub::ochp::check
