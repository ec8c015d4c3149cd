// SPDX-License-Identifier: GPL-2.0-or-later
#include "common.hpp"

#include <hub/model/ids.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>

namespace hub::ochp::detail {
namespace {

using Wide = __int128;

constexpr std::int64_t kMax = INT64_MAX;

Wide pow10(int n) {
  Wide r = 1;
  for (int i = 0; i < n; ++i) {
    r *= 10;
  }
  return r;
}

std::optional<Decimal> make(Wide mantissa, int scale) {
  // Reduce the scale while the value does not fit, dropping only zero digits.
  while ((mantissa > kMax || mantissa < -kMax) && scale > 0 && mantissa % 10 == 0) {
    mantissa /= 10;
    --scale;
  }
  while (scale > 18 && mantissa % 10 == 0) {
    mantissa /= 10;
    --scale;
  }
  if (mantissa > kMax || mantissa < -kMax || scale > 18) {
    return std::nullopt;
  }
  return Decimal{static_cast<std::int64_t>(mantissa), scale};
}

Wide round_div(Wide a, Wide b) {
  // Half away from zero.
  bool negative = (a < 0) != (b < 0);
  Wide ua = a < 0 ? -a : a;
  Wide ub = b < 0 ? -b : b;
  Wide q = (ua + ub / 2) / ub;
  return negative ? -q : q;
}

struct CountryInfo {
  std::string_view country;
  std::string_view language3;
  std::string_view time_zone;  // empty when several zones
};

constexpr std::array kCountries = std::to_array<CountryInfo>({
    {"AUT", "DEU", "Europe/Vienna"},    {"BEL", "NLD", "Europe/Brussels"}, {"BGR", "BUL", "Europe/Sofia"},
    {"CHE", "DEU", "Europe/Zurich"},    {"CZE", "CES", "Europe/Prague"},   {"DEU", "DEU", "Europe/Berlin"},
    {"DNK", "DAN", "Europe/Copenhagen"}, {"ESP", "SPA", ""},               {"EST", "EST", "Europe/Tallinn"},
    {"FIN", "FIN", "Europe/Helsinki"},  {"FRA", "FRA", "Europe/Paris"},    {"GBR", "ENG", "Europe/London"},
    {"GRC", "ELL", "Europe/Athens"},    {"HRV", "HRV", "Europe/Zagreb"},   {"HUN", "HUN", "Europe/Budapest"},
    {"IRL", "ENG", "Europe/Dublin"},    {"ISL", "ISL", "Atlantic/Reykjavik"}, {"ITA", "ITA", "Europe/Rome"},
    {"LIE", "DEU", "Europe/Vaduz"},     {"LTU", "LIT", "Europe/Vilnius"},  {"LUX", "FRA", "Europe/Luxembourg"},
    {"LVA", "LAV", "Europe/Riga"},      {"NLD", "NLD", "Europe/Amsterdam"}, {"NOR", "NOR", "Europe/Oslo"},
    {"POL", "POL", "Europe/Warsaw"},    {"PRT", "POR", ""},                {"ROU", "RON", "Europe/Bucharest"},
    {"SVK", "SLK", "Europe/Bratislava"}, {"SVN", "SLV", "Europe/Ljubljana"}, {"SWE", "SWE", "Europe/Stockholm"},
    {"USA", "ENG", ""},
});

constexpr std::array kLanguages = std::to_array<std::pair<std::string_view, std::string_view>>({
    {"bg", "BUL"}, {"cs", "CES"}, {"da", "DAN"}, {"de", "DEU"}, {"el", "ELL"}, {"en", "ENG"}, {"es", "SPA"},
    {"et", "EST"}, {"fi", "FIN"}, {"fr", "FRA"}, {"hr", "HRV"}, {"hu", "HUN"}, {"is", "ISL"}, {"it", "ITA"},
    {"lt", "LIT"}, {"lv", "LAV"}, {"nl", "NLD"}, {"no", "NOR"}, {"pl", "POL"}, {"pt", "POR"}, {"ro", "RON"},
    {"sk", "SLK"}, {"sl", "SLV"}, {"sv", "SWE"},
});

}  // namespace

std::string idx(std::string_view prefix, std::size_t i) {
  return std::string(prefix) + "[" + std::to_string(i) + "]";
}

std::string dot(std::string_view a, std::string_view b) {
  if (a.empty()) {
    return std::string(b);
  }
  return std::string(a) + "." + std::string(b);
}

std::optional<Decimal> add(const Decimal& a, const Decimal& b) {
  int scale = std::max(a.scale, b.scale);
  Wide m = Wide(a.mantissa) * pow10(scale - a.scale) + Wide(b.mantissa) * pow10(scale - b.scale);
  return make(m, scale);
}

std::optional<Decimal> sub(const Decimal& a, const Decimal& b) { return add(a, Decimal{-b.mantissa, b.scale}); }

std::optional<Decimal> mul(const Decimal& a, const Decimal& b) {
  Wide m = Wide(a.mantissa) * Wide(b.mantissa);
  return make(m, a.scale + b.scale);
}

std::optional<Decimal> div_exact(const Decimal& a, const Decimal& b, int max_scale) {
  if (b.mantissa == 0) {
    return std::nullopt;
  }
  for (int s = 0; s <= max_scale; ++s) {
    // a/b * 10^s = a.m * 10^(b.scale + s) / (b.m * 10^a.scale)
    Wide num = Wide(a.mantissa) * pow10(b.scale + s);
    Wide den = Wide(b.mantissa) * pow10(a.scale);
    if (num % den == 0) {
      return make(num / den, s);
    }
  }
  return std::nullopt;
}

std::optional<Decimal> div_round(const Decimal& a, const Decimal& b, int scale) {
  if (b.mantissa == 0) {
    return std::nullopt;
  }
  Wide num = Wide(a.mantissa) * pow10(b.scale + scale);
  Wide den = Wide(b.mantissa) * pow10(a.scale);
  auto r = make(round_div(num, den), scale);
  if (!r) {
    return std::nullopt;
  }
  return trim(*r);
}

std::int64_t round_int(const Decimal& d) {
  return static_cast<std::int64_t>(round_div(Wide(d.mantissa), pow10(d.scale)));
}

Decimal trim(Decimal d) {
  while (d.scale > 0 && d.mantissa % 10 == 0) {
    d.mantissa /= 10;
    --d.scale;
  }
  return d;
}

bool is_integer(const Decimal& d) { return trim(d).scale == 0; }

std::int64_t scaled_round(const Decimal& d, std::int64_t factor) {
  return static_cast<std::int64_t>(round_div(Wide(d.mantissa) * factor, pow10(d.scale)));
}

Decimal shortest_ratio(std::int64_t units, std::int64_t factor) {
  for (int s = 0; s <= 6; ++s) {
    Wide m = round_div(Wide(units) * pow10(s), Wide(factor));
    Decimal d{static_cast<std::int64_t>(m), s};
    if (scaled_round(d, factor) == units) {
      return trim(d);
    }
  }
  return trim(Decimal{static_cast<std::int64_t>(round_div(Wide(units) * pow10(6), Wide(factor))), 6});
}

std::string ochp_datetime(const Timestamp& t) {
  auto secs = std::chrono::floor<std::chrono::seconds>(t.time);
  return model::format_timestamp(Timestamp{std::chrono::time_point_cast<std::chrono::milliseconds>(secs)});
}

std::string ochp_local_datetime(const Timestamp& t, std::chrono::minutes offset) {
  auto secs = std::chrono::floor<std::chrono::seconds>(t.time) + offset;
  std::string s = model::format_timestamp(Timestamp{std::chrono::time_point_cast<std::chrono::milliseconds>(secs)});
  s.pop_back();  // 'Z'
  auto m = offset.count();
  char sign = m < 0 ? '-' : '+';
  m = m < 0 ? -m : m;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", sign, static_cast<int>(m / 60), static_cast<int>(m % 60));
  return s + buf;
}

bool whole_seconds(const Timestamp& t) { return t.unix_ms() % 1000 == 0; }

std::optional<Timestamp> parse_time(std::string_view s) { return model::parse_timestamp(s); }

std::optional<std::chrono::minutes> local_offset(std::string_view s) {
  if (s.size() < 6) {
    return std::nullopt;
  }
  auto tail = s.substr(s.size() - 6);
  if ((tail[0] != '+' && tail[0] != '-') || tail[3] != ':') {
    return std::nullopt;
  }
  int h = (tail[1] - '0') * 10 + (tail[2] - '0');
  int m = (tail[4] - '0') * 10 + (tail[5] - '0');
  int total = h * 60 + m;
  return std::chrono::minutes(tail[0] == '-' ? -total : total);
}

std::string country_language3(std::string_view country3) {
  for (const auto& c : kCountries) {
    if (c.country == country3) {
      return std::string(c.language3);
    }
  }
  return "UND";
}

std::optional<std::string> language3_from1(std::string_view lang1) {
  std::string l;
  for (char c : lang1) {
    l += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  for (const auto& [one, three] : kLanguages) {
    if (one == l) {
      return std::string(three);
    }
  }
  return std::nullopt;
}

std::optional<std::string> language1_from3(std::string_view lang3) {
  auto l = upper(lang3);
  for (const auto& [one, three] : kLanguages) {
    if (three == l) {
      return std::string(one);
    }
  }
  return std::nullopt;
}

std::optional<std::string> country_time_zone(std::string_view country3) {
  for (const auto& c : kCountries) {
    if (c.country == country3 && !c.time_zone.empty()) {
      return std::string(c.time_zone);
    }
  }
  return std::nullopt;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return out;
}

std::optional<std::string> six_decimals(std::string_view coordinate) {
  auto d = Decimal::parse(coordinate);
  if (!d) {
    return std::nullopt;
  }
  Wide m = Wide(d->mantissa);
  if (d->scale > 6) {
    m = round_div(m, pow10(d->scale - 6));
  } else {
    m *= pow10(6 - d->scale);
  }
  bool negative = m < 0;
  if (negative) {
    m = -m;
  }
  auto whole = static_cast<long long>(m / 1000000);
  auto frac = static_cast<long long>(m % 1000000);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%lld.%06lld", negative ? "-" : "", whole, frac);
  return std::string(buf);
}

std::string ochp_zip(std::string_view postal_code) {
  std::string out;
  for (char c : upper(postal_code)) {
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '-') {
      out += c;
    }
  }
  if (out.size() > 10) {
    out.resize(10);
  }
  return out;
}

std::optional<std::string> ochp_connector_standard(model::ConnectorType t) {
  using CT = model::ConnectorType;
  switch (t) {
    case CT::chademo:
      return "Chademo";
    case CT::chaoji:
    case CT::domestic_m:
    case CT::domestic_n:
    case CT::domestic_o:
    case CT::gbt_ac:
    case CT::gbt_dc:
    case CT::nema_5_20:
    case CT::nema_6_30:
    case CT::nema_6_50:
    case CT::nema_10_30:
    case CT::nema_10_50:
    case CT::nema_14_30:
    case CT::nema_14_50:
    case CT::pantograph_bottom_up:
    case CT::pantograph_top_down:
      return std::nullopt;
    default:
      return std::string(model::to_string(t));
  }
}

std::optional<model::ConnectorType> connector_standard_from_ochp(std::string_view s) {
  if (s == "Chademo") {
    return model::ConnectorType::chademo;
  }
  auto t = model::enum_from_string<model::ConnectorType>(s);
  if (t && ochp_connector_standard(*t)) {
    return t;
  }
  return std::nullopt;
}

std::string_view ochp_connector_format(model::ConnectorFormat f) {
  return f == model::ConnectorFormat::cable ? "Cable" : "Socket";
}

model::ConnectorFormat connector_format_from_ochp(std::string_view s) {
  return s == "Cable" ? model::ConnectorFormat::cable : model::ConnectorFormat::socket;
}

int phases(model::PowerType p) {
  switch (p) {
    case model::PowerType::ac_3_phase:
      return 3;
    case model::PowerType::ac_2_phase:
    case model::PowerType::ac_2_phase_split:
      return 2;
    default:
      return 1;
  }
}

model::PowerType power_type_from_ochp(std::string_view charge_point_type, const std::optional<Ratings>& ratings) {
  if (charge_point_type == "DC") {
    return model::PowerType::dc;
  }
  if (ratings && ((ratings->nominal_voltage && *ratings->nominal_voltage >= 380) ||
                  ratings->maximum_power > Decimal{74, 1})) {
    return model::PowerType::ac_3_phase;
  }
  return model::PowerType::ac_1_phase;
}

std::optional<std::string> contract_from_ochp(std::string_view ochp_contract) {
  auto provider = model::contract_id_provider(ochp_contract);
  if (!provider) {
    return std::nullopt;
  }
  std::string rest;
  auto prefix_len = std::size_t{5};
  std::string flat;
  for (char c : ochp_contract) {
    if (c != '-' && c != '*') {
      flat += c;
    }
  }
  flat = upper(flat);
  if (flat.size() != 14 && flat.size() != 15) {
    return std::nullopt;
  }
  rest = flat.substr(prefix_len, 9);
  std::string out = provider->emi3() + "*" + rest;
  if (flat.size() == 15) {
    out += "*" + flat.substr(14);
  }
  return out;
}

}  // namespace hub::ochp::detail

namespace hub::ochp {

std::optional<std::string> ochp_contract_id(std::string_view contract_id) {
  auto provider = model::contract_id_provider(contract_id);
  if (!provider) {
    return std::nullopt;
  }
  std::string flat;
  for (char c : contract_id) {
    if (c == '-' || c == '*') {
      continue;
    }
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum) {
      return std::nullopt;
    }
    flat += c;
  }
  flat = detail::upper(flat);
  if (flat.size() != 14 && flat.size() != 15) {
    return std::nullopt;
  }
  std::string out = flat.substr(0, 2) + "-" + flat.substr(2, 3) + "-" + flat.substr(5, 9);
  if (flat.size() == 15) {
    out += "-" + flat.substr(14);
  }
  return out;
}

std::optional<std::string> ochp_tariff_id(std::string_view country_code, std::string_view party_id,
                                          std::string_view tariff_id) {
  auto party = model::make_party_ref(country_code, party_id);
  if (!party || tariff_id.empty() || tariff_id.size() > 10) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < tariff_id.size(); ++i) {
    char c = tariff_id[i];
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || c != '*')) {
      return std::nullopt;
    }
  }
  return party->emi3() + "*T" + std::string(tariff_id);
}

std::optional<std::string> ocpi_tariff_id(std::string_view ochp_tariff_id) {
  std::string_view rest;
  if (ochp_tariff_id.size() > 8 && ochp_tariff_id[2] == '*' && ochp_tariff_id[6] == '*') {
    rest = ochp_tariff_id.substr(7);
  } else if (ochp_tariff_id.size() > 6) {
    rest = ochp_tariff_id.substr(5);
  } else {
    return std::nullopt;
  }
  if (rest.size() < 2 || (rest[0] != 'T' && rest[0] != 't')) {
    return std::nullopt;
  }
  return std::string(rest.substr(1));
}

std::optional<std::string> ochp_cdr_id(std::string_view country_code, std::string_view party_id,
                                       std::string_view cdr_id) {
  std::string flat;
  for (char c : detail::upper(cdr_id)) {
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      flat += c;
    }
  }
  std::string prefix = detail::upper(country_code) + detail::upper(party_id);
  if (flat.rfind(prefix, 0) != 0) {
    flat = prefix + flat;
  }
  if (flat.empty() || flat.size() > 36) {
    return std::nullopt;
  }
  return flat;
}

std::string ochp_location_id(std::string_view location_id) {
  std::string out;
  for (char c : detail::upper(location_id)) {
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ') {
      out += c;
    }
  }
  if (out.size() > 15) {
    out.resize(15);
  }
  return out;
}

}  // namespace hub::ochp
