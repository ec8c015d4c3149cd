// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/model/types.hpp>

#include <optional>
#include <string>
#include <vector>

/// Tariffs (OCPI 2.2.1 Tariffs module; OCHP TariffInfo maps onto these). Thread safety: value types.
namespace hub::model {

enum class TariffType { ad_hoc_payment, profile_cheap, profile_fast, profile_green, regular };
HUB_MODEL_ENUM_NAMES(TariffType, {TariffType::ad_hoc_payment, "AD_HOC_PAYMENT"},
                     {TariffType::profile_cheap, "PROFILE_CHEAP"}, {TariffType::profile_fast, "PROFILE_FAST"},
                     {TariffType::profile_green, "PROFILE_GREEN"}, {TariffType::regular, "REGULAR"});

enum class TariffDimensionType { energy, flat, parking_time, time };
HUB_MODEL_ENUM_NAMES(TariffDimensionType, {TariffDimensionType::energy, "ENERGY"}, {TariffDimensionType::flat, "FLAT"},
                     {TariffDimensionType::parking_time, "PARKING_TIME"}, {TariffDimensionType::time, "TIME"});

enum class DayOfWeek { monday, tuesday, wednesday, thursday, friday, saturday, sunday };
HUB_MODEL_ENUM_NAMES(DayOfWeek, {DayOfWeek::monday, "MONDAY"}, {DayOfWeek::tuesday, "TUESDAY"},
                     {DayOfWeek::wednesday, "WEDNESDAY"}, {DayOfWeek::thursday, "THURSDAY"},
                     {DayOfWeek::friday, "FRIDAY"}, {DayOfWeek::saturday, "SATURDAY"}, {DayOfWeek::sunday, "SUNDAY"});

enum class ReservationRestrictionType { reservation, reservation_expires };
HUB_MODEL_ENUM_NAMES(ReservationRestrictionType, {ReservationRestrictionType::reservation, "RESERVATION"},
                     {ReservationRestrictionType::reservation_expires, "RESERVATION_EXPIRES"});

struct PriceComponent {
  TariffDimensionType type = TariffDimensionType::energy;
  Decimal price;              ///< excl. VAT, per unit of the dimension
  std::optional<Decimal> vat;  ///< percentage
  int step_size = 1;          ///< billing step in the dimension's unit (Wh, s)
  bool operator==(const PriceComponent&) const = default;
};

struct TariffRestrictions {
  std::optional<std::string> start_time;  ///< "HH:MM"
  std::optional<std::string> end_time;
  std::optional<std::string> start_date;  ///< "YYYY-MM-DD"
  std::optional<std::string> end_date;
  std::optional<Decimal> min_kwh;
  std::optional<Decimal> max_kwh;
  std::optional<Decimal> min_current;
  std::optional<Decimal> max_current;
  std::optional<Decimal> min_power;
  std::optional<Decimal> max_power;
  std::optional<int> min_duration;  ///< seconds
  std::optional<int> max_duration;
  std::vector<DayOfWeek> day_of_week;
  std::optional<ReservationRestrictionType> reservation;
  bool operator==(const TariffRestrictions&) const = default;
};

struct TariffElement {
  std::vector<PriceComponent> price_components;
  std::optional<TariffRestrictions> restrictions;
  bool operator==(const TariffElement&) const = default;
};

struct Tariff {
  std::string country_code;
  std::string party_id;
  std::string id;        ///< CiString(36)
  std::string currency;  ///< ISO 4217
  std::optional<TariffType> type;
  std::vector<DisplayText> tariff_alt_text;
  std::optional<std::string> tariff_alt_url;
  std::optional<Price> min_price;
  std::optional<Price> max_price;
  std::vector<TariffElement> elements;
  std::optional<EnergyMix> energy_mix;
  std::optional<Timestamp> start_date_time;
  std::optional<Timestamp> end_date_time;
  Timestamp last_updated;
  bool operator==(const Tariff&) const = default;
};

}  // namespace hub::model
