// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/model/enum_names.hpp>

#include <algorithm>
#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// Basic value types of the canonical model: time stamps, exact decimals and the OCPI 2.2.1
/// common classes. Thread safety: value types; free functions are pure.
namespace hub::model {

/// A UTC instant with millisecond precision (OCPI DateTime, OCHP DateTimeType).
struct Timestamp {
  std::chrono::sys_time<std::chrono::milliseconds> time{};
  auto operator<=>(const Timestamp&) const = default;
  std::int64_t unix_ms() const noexcept { return time.time_since_epoch().count(); }
  static Timestamp from_unix_ms(std::int64_t ms) noexcept {
    return Timestamp{std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(ms))};
  }
};

/// RFC 3339 / ISO 8601: "2024-05-01T10:00:00Z", with an optional fraction (kept to the
/// millisecond), with "Z", an offset ("+02:00", "+0200") or no zone (taken as UTC, as OCPI 2.2.1
/// requires). A leap second ":60" is accepted as ":59". nullopt when malformed; never throws.
std::optional<Timestamp> parse_timestamp(std::string_view s);
/// "YYYY-MM-DDTHH:MM:SSZ", with ".mmm" only when the milliseconds are non-zero.
std::string format_timestamp(const Timestamp& t);

/// An exact decimal number: mantissa * 10^-scale. Prices and energy never pass through binary
/// floating point, so 0.1 stays "0.1". Trailing zeros are kept as given ("1.10" keeps scale 2,
/// and formats back as "1.10"); comparison and equality are by value (1.10 == 1.1).
struct Decimal {
  std::int64_t mantissa = 0;
  int scale = 0;  ///< digits after the point, 0..18

  /// "-12.345", "3", "0.10", "+1.5"; no exponent, no spaces; at most 18 digits after the point
  /// and a mantissa that fits 64 bits (longer input is refused, never rounded silently).
  static std::optional<Decimal> parse(std::string_view s);
  static Decimal from_int(std::int64_t v) noexcept { return Decimal{v, 0}; }
  /// Rounds a double to at most `max_scale` (0..15) decimals, trailing zeros dropped; NaN,
  /// infinities and values beyond 9e18 / 10^max_scale give 0 (callers range-check first).
  static Decimal from_double(double v, int max_scale = 6);
  std::string to_string() const;
  double to_double() const noexcept;
  bool is_negative() const noexcept { return mantissa < 0; }

  std::strong_ordering operator<=>(const Decimal& o) const noexcept;
  bool operator==(const Decimal& o) const noexcept;
};

struct Price {
  Decimal excl_vat;
  std::optional<Decimal> incl_vat;
  bool operator==(const Price&) const = default;
};

struct DisplayText {
  std::string language;  ///< ISO 639-1
  std::string text;      ///< at most 512
  bool operator==(const DisplayText&) const = default;
};

struct GeoLocation {
  std::string latitude;
  std::string longitude;
  bool operator==(const GeoLocation&) const = default;
};

struct AdditionalGeoLocation {
  std::string latitude;
  std::string longitude;
  std::optional<DisplayText> name;
  bool operator==(const AdditionalGeoLocation&) const = default;
};

enum class ImageCategory { charger, entrance, location, network, operator_, other, owner };
HUB_MODEL_ENUM_NAMES(ImageCategory, {ImageCategory::charger, "CHARGER"}, {ImageCategory::entrance, "ENTRANCE"},
                     {ImageCategory::location, "LOCATION"}, {ImageCategory::network, "NETWORK"},
                     {ImageCategory::operator_, "OPERATOR"}, {ImageCategory::other, "OTHER"},
                     {ImageCategory::owner, "OWNER"});

struct Image {
  std::string url;
  std::optional<std::string> thumbnail;
  ImageCategory category = ImageCategory::other;
  std::string type;  ///< CiString(4)
  std::optional<int> width;
  std::optional<int> height;
  bool operator==(const Image&) const = default;
};

struct BusinessDetails {
  std::string name;
  std::optional<std::string> website;
  std::optional<Image> logo;
  bool operator==(const BusinessDetails&) const = default;
};

enum class EnergySourceCategory { nuclear, general_fossil, coal, gas, general_green, solar, wind, water };
HUB_MODEL_ENUM_NAMES(EnergySourceCategory, {EnergySourceCategory::nuclear, "NUCLEAR"},
                     {EnergySourceCategory::general_fossil, "GENERAL_FOSSIL"}, {EnergySourceCategory::coal, "COAL"},
                     {EnergySourceCategory::gas, "GAS"}, {EnergySourceCategory::general_green, "GENERAL_GREEN"},
                     {EnergySourceCategory::solar, "SOLAR"}, {EnergySourceCategory::wind, "WIND"},
                     {EnergySourceCategory::water, "WATER"});

enum class EnvironmentalImpactCategory { nuclear_waste, carbon_dioxide };
HUB_MODEL_ENUM_NAMES(EnvironmentalImpactCategory, {EnvironmentalImpactCategory::nuclear_waste, "NUCLEAR_WASTE"},
                     {EnvironmentalImpactCategory::carbon_dioxide, "CARBON_DIOXIDE"});

struct EnergySource {
  EnergySourceCategory source = EnergySourceCategory::general_green;
  Decimal percentage;
  bool operator==(const EnergySource&) const = default;
};

struct EnvironmentalImpact {
  EnvironmentalImpactCategory category = EnvironmentalImpactCategory::carbon_dioxide;
  Decimal amount;
  bool operator==(const EnvironmentalImpact&) const = default;
};

struct EnergyMix {
  bool is_green_energy = false;
  std::vector<EnergySource> energy_sources;
  std::vector<EnvironmentalImpact> environ_impact;
  std::optional<std::string> supplier_name;
  std::optional<std::string> energy_product_name;
  bool operator==(const EnergyMix&) const = default;
};

}  // namespace hub::model
