// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/model/types.hpp>

#include <optional>
#include <string>
#include <vector>

/// Smart charging (OCPI 2.2.1 ChargingProfiles module). Thread safety: value types.
namespace hub::model {

enum class ChargingRateUnit { w, a };
HUB_MODEL_ENUM_NAMES(ChargingRateUnit, {ChargingRateUnit::w, "W"}, {ChargingRateUnit::a, "A"});

enum class ChargingProfileResponseType { accepted, not_supported, rejected, too_often, unknown_session };
HUB_MODEL_ENUM_NAMES(ChargingProfileResponseType, {ChargingProfileResponseType::accepted, "ACCEPTED"},
                     {ChargingProfileResponseType::not_supported, "NOT_SUPPORTED"},
                     {ChargingProfileResponseType::rejected, "REJECTED"},
                     {ChargingProfileResponseType::too_often, "TOO_OFTEN"},
                     {ChargingProfileResponseType::unknown_session, "UNKNOWN_SESSION"});

enum class ChargingProfileResultType { accepted, rejected, unknown };
HUB_MODEL_ENUM_NAMES(ChargingProfileResultType, {ChargingProfileResultType::accepted, "ACCEPTED"},
                     {ChargingProfileResultType::rejected, "REJECTED"}, {ChargingProfileResultType::unknown, "UNKNOWN"});

struct ChargingProfilePeriod {
  int start_period = 0;  ///< seconds from the profile start
  Decimal limit;         ///< in charging_rate_unit
  bool operator==(const ChargingProfilePeriod&) const = default;
};

struct ChargingProfile {
  std::optional<Timestamp> start_date_time;
  std::optional<int> duration;  ///< seconds
  ChargingRateUnit charging_rate_unit = ChargingRateUnit::w;
  std::optional<Decimal> min_charging_rate;
  std::vector<ChargingProfilePeriod> charging_profile_period;
  bool operator==(const ChargingProfile&) const = default;
};

struct SetChargingProfile {
  ChargingProfile charging_profile;
  std::string response_url;
  bool operator==(const SetChargingProfile&) const = default;
};

struct ActiveChargingProfile {
  Timestamp start_date_time;
  ChargingProfile charging_profile;
  bool operator==(const ActiveChargingProfile&) const = default;
};

struct ChargingProfileResponse {
  ChargingProfileResponseType result = ChargingProfileResponseType::accepted;
  int timeout = 30;
  bool operator==(const ChargingProfileResponse&) const = default;
};

struct ActiveChargingProfileResult {
  ChargingProfileResultType result = ChargingProfileResultType::accepted;
  std::optional<ActiveChargingProfile> profile;
  bool operator==(const ActiveChargingProfileResult&) const = default;
};

struct ChargingProfileResult {
  ChargingProfileResultType result = ChargingProfileResultType::accepted;
  bool operator==(const ChargingProfileResult&) const = default;
};

}  // namespace hub::model
