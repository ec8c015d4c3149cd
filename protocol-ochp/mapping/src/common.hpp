// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <ochp/mapping.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// Private helpers of the OCHP mapping: exact decimal arithmetic, OCHP date/time spellings,
/// language / time-zone tables and the loss collector. Pure functions.
namespace hub::ochp::detail {

using model::Decimal;
using model::Timestamp;

/// Collects losses with a path prefix ("evses[0].").
struct Losses {
  std::vector<Loss>& out;
  void add(std::string object, std::string field) { out.push_back(Loss{std::move(object), std::move(field)}); }
};

/// "prefix[i]"
std::string idx(std::string_view prefix, std::size_t i);
/// "a.b" (or "b" when a is empty)
std::string dot(std::string_view a, std::string_view b);

// ---- decimals (exact; nullopt on overflow)
std::optional<Decimal> add(const Decimal& a, const Decimal& b);
std::optional<Decimal> sub(const Decimal& a, const Decimal& b);
std::optional<Decimal> mul(const Decimal& a, const Decimal& b);
/// Exact quotient when it has at most `max_scale` decimals, else nullopt.
std::optional<Decimal> div_exact(const Decimal& a, const Decimal& b, int max_scale = 6);
/// a / b rounded half away from zero to `scale` decimals (trailing zeros dropped); nullopt on b == 0.
std::optional<Decimal> div_round(const Decimal& a, const Decimal& b, int scale);
/// Rounds to an integer, half away from zero.
std::int64_t round_int(const Decimal& d);
/// Drops trailing zeros (1.10 -> 1.1; value unchanged).
Decimal trim(Decimal d);
/// True when the value is an integer.
bool is_integer(const Decimal& d);
/// The shortest decimal d (at most 6 decimals) with round(d * factor) == units: the form that
/// converts back to exactly `units` (300 s -> 0.0833 h with factor 3600).
Decimal shortest_ratio(std::int64_t units, std::int64_t factor);
/// round(d * factor).
std::int64_t scaled_round(const Decimal& d, std::int64_t factor);

// ---- time
/// DateTimeType "YYYY-MM-DDThh:mm:ssZ" (milliseconds dropped).
std::string ochp_datetime(const Timestamp& t);
/// LocalDateTimeType "YYYY-MM-DDThh:mm:ss+hh:mm" at `offset`.
std::string ochp_local_datetime(const Timestamp& t, std::chrono::minutes offset);
/// Whole seconds only?
bool whole_seconds(const Timestamp& t);
/// Parses DateTimeType / LocalDateTimeType / xs:dateTime text.
std::optional<Timestamp> parse_time(std::string_view s);
/// The "+hh:mm" offset of a LocalDateTimeType text, in minutes.
std::optional<std::chrono::minutes> local_offset(std::string_view s);

// ---- language / country tables
/// ISO 639-3 (upper case) of the main language of an ISO 3166 alpha-3 country; "UND" when unknown.
std::string country_language3(std::string_view country3);
/// ISO 639-1 <-> ISO 639-3 (upper case); nullopt when not in the table.
std::optional<std::string> language3_from1(std::string_view lang1);
std::optional<std::string> language1_from3(std::string_view lang3);
/// Default IANA time zone of a country (alpha-3), for OCHP records without timeZone; nullopt
/// when the country spans several zones or is not in the table.
std::optional<std::string> country_time_zone(std::string_view country3);

// ---- strings
std::string upper(std::string_view s);
/// Latitude/longitude text with exactly six decimals; nullopt when not a decimal number.
std::optional<std::string> six_decimals(std::string_view coordinate);
/// OCHP zipCode: upper case, [A-Z0-9 -] only, at most 10.
std::string ochp_zip(std::string_view postal_code);

// ---- enumerations shared by several objects
std::optional<std::string> ochp_connector_standard(model::ConnectorType t);
std::optional<model::ConnectorType> connector_standard_from_ochp(std::string_view s);
std::string_view ochp_connector_format(model::ConnectorFormat f);
model::ConnectorFormat connector_format_from_ochp(std::string_view s);
/// Phases of a power type (DC counts as 1).
int phases(model::PowerType p);
/// The O->P power type heuristic: DC -> DC; AC -> AC_3_PHASE when nominalVoltage >= 380 or
/// maximumPower > 7.4 kW, else AC_1_PHASE.
model::PowerType power_type_from_ochp(std::string_view charge_point_type, const std::optional<Ratings>& ratings);

/// The OCHP EMT-ID / contract of an OCPI token-like pair. Tokens are upper-cased (RFID hex).
std::optional<std::string> contract_from_ochp(std::string_view ochp_contract);

}  // namespace hub::ochp::detail
