// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/model/location.hpp>

#include <optional>
#include <string>
#include <vector>

/// Charging sessions (OCPI 2.2.1 Sessions module). Thread safety: value types.
namespace hub::model {

enum class SessionStatus { active, completed, invalid, pending, reservation };
HUB_MODEL_ENUM_NAMES(SessionStatus, {SessionStatus::active, "ACTIVE"}, {SessionStatus::completed, "COMPLETED"},
                     {SessionStatus::invalid, "INVALID"}, {SessionStatus::pending, "PENDING"},
                     {SessionStatus::reservation, "RESERVATION"});

enum class AuthMethod { auth_request, command, whitelist };
HUB_MODEL_ENUM_NAMES(AuthMethod, {AuthMethod::auth_request, "AUTH_REQUEST"}, {AuthMethod::command, "COMMAND"},
                     {AuthMethod::whitelist, "WHITELIST"});

enum class CdrDimensionType {
  current, energy, energy_export, energy_import, max_current, min_current, max_power, min_power,
  parking_time, power, reservation_time, state_of_charge, time,
};
HUB_MODEL_ENUM_NAMES(CdrDimensionType, {CdrDimensionType::current, "CURRENT"}, {CdrDimensionType::energy, "ENERGY"},
                     {CdrDimensionType::energy_export, "ENERGY_EXPORT"},
                     {CdrDimensionType::energy_import, "ENERGY_IMPORT"},
                     {CdrDimensionType::max_current, "MAX_CURRENT"}, {CdrDimensionType::min_current, "MIN_CURRENT"},
                     {CdrDimensionType::max_power, "MAX_POWER"}, {CdrDimensionType::min_power, "MIN_POWER"},
                     {CdrDimensionType::parking_time, "PARKING_TIME"}, {CdrDimensionType::power, "POWER"},
                     {CdrDimensionType::reservation_time, "RESERVATION_TIME"},
                     {CdrDimensionType::state_of_charge, "STATE_OF_CHARGE"}, {CdrDimensionType::time, "TIME"});

struct CdrDimension {
  CdrDimensionType type = CdrDimensionType::energy;
  Decimal volume;
  bool operator==(const CdrDimension&) const = default;
};

struct ChargingPeriod {
  Timestamp start_date_time;
  std::vector<CdrDimension> dimensions;
  std::optional<std::string> tariff_id;
  bool operator==(const ChargingPeriod&) const = default;
};

/// The token as it appears in sessions and CDRs.
struct CdrToken {
  std::string country_code;
  std::string party_id;
  std::string uid;
  TokenType type = TokenType::rfid;
  std::string contract_id;
  bool operator==(const CdrToken&) const = default;
};

struct Session {
  std::string country_code;
  std::string party_id;
  std::string id;  ///< CiString(36)
  Timestamp start_date_time;
  std::optional<Timestamp> end_date_time;
  Decimal kwh;
  CdrToken cdr_token;
  AuthMethod auth_method = AuthMethod::whitelist;
  std::optional<std::string> authorization_reference;
  std::string location_id;
  std::string evse_uid;
  std::string connector_id;
  std::optional<std::string> meter_id;  ///< at most 255
  std::string currency;
  std::vector<ChargingPeriod> charging_periods;
  std::optional<Price> total_cost;
  SessionStatus status = SessionStatus::active;
  Timestamp last_updated;
  bool operator==(const Session&) const = default;
};

}  // namespace hub::model
