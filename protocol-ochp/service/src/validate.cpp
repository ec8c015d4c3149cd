// SPDX-License-Identifier: GPL-2.0-or-later
#include "validate.hpp"

#include <cctype>

namespace hub::ochp::check {
namespace {

bool alpha(char c) noexcept { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool alnum(char c) noexcept { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool upper_alnum(char c) noexcept { return digit(c) || (c >= 'A' && c <= 'Z'); }

/// [A-Za-z]{2}\*?[A-Za-z0-9]{3}\*?[Xx][A-Za-z0-9][A-Za-z0-9\*]{0,max_rest} with both or no '*'.
bool emi3_id(std::string_view s, char type, std::size_t max_rest) noexcept {
  if (s.size() < 7) {
    return false;
  }
  std::size_t i = 0;
  if (!alpha(s[0]) || !alpha(s[1])) {
    return false;
  }
  i = 2;
  const bool sep = s[i] == '*';
  if (sep) {
    ++i;
  }
  for (int k = 0; k < 3; ++k, ++i) {
    if (i >= s.size() || !alnum(s[i])) {
      return false;
    }
  }
  if (sep) {
    if (i >= s.size() || s[i] != '*') {
      return false;
    }
    ++i;
  }
  if (i >= s.size() || std::toupper(static_cast<unsigned char>(s[i])) != type) {
    return false;
  }
  ++i;
  if (i >= s.size() || !alnum(s[i])) {
    return false;
  }
  ++i;
  if (s.size() - i > max_rest) {
    return false;
  }
  for (; i < s.size(); ++i) {
    if (!alnum(s[i]) && s[i] != '*') {
      return false;
    }
  }
  return true;
}

bool all_of(std::string_view s, std::size_t min, std::size_t max, bool (*pred)(char) noexcept) noexcept {
  if (s.size() < min || s.size() > max) {
    return false;
  }
  for (char c : s) {
    if (!pred(c)) {
      return false;
    }
  }
  return true;
}

bool upper3(std::string_view s) noexcept {
  return s.size() == 3 && std::isupper(static_cast<unsigned char>(s[0])) &&
         std::isupper(static_cast<unsigned char>(s[1])) && std::isupper(static_cast<unsigned char>(s[2]));
}

bool zip_char(char c) noexcept { return upper_alnum(c) || c == ' ' || c == '-'; }
bool location_char(char c) noexcept { return upper_alnum(c) || c == ' '; }
bool floor_char(char c) noexcept { return upper_alnum(c) || c == '-' || c == '+' || c == '/'; }

/// -?[0-9]{1,int_digits}\.[0-9]{6}
bool coordinate(std::string_view s, std::size_t int_digits) noexcept {
  std::size_t i = 0;
  if (!s.empty() && s[0] == '-') {
    i = 1;
  }
  const auto dot = s.find('.', i);
  if (dot == std::string_view::npos || dot == i || dot - i > int_digits || s.size() - dot - 1 != 6) {
    return false;
  }
  for (std::size_t k = i; k < s.size(); ++k) {
    if (k != dot && !digit(s[k])) {
      return false;
    }
  }
  return true;
}

/// [\+]{0,1}[1-9]{0,1}[0-9 \-]{1,17}
bool phone(std::string_view s) noexcept {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '+') {
    ++i;
  }
  // [1-9]{0,1} is absorbed by [0-9 \-]: total digits/spaces/dashes 1..18 with at most one
  // leading non-zero digit beyond the 17 — check the simple bound.
  const auto rest = s.substr(i);
  if (rest.empty() || rest.size() > 18) {
    return false;
  }
  for (char c : rest) {
    if (!digit(c) && c != ' ' && c != '-') {
      return false;
    }
  }
  return rest.size() <= 17 || (rest[0] >= '1' && rest[0] <= '9');
}

bool hhmm(std::string_view s) noexcept {
  return s.size() == 5 && s[0] >= '0' && s[0] <= '2' && digit(s[1]) && s[2] == ':' && s[3] >= '0' && s[3] <= '5' &&
         digit(s[4]);
}

bool uri(std::string_view s, bool allow_ftp_file) noexcept {
  if (s.size() > 255) {
    return false;
  }
  for (std::string_view scheme : {"http://", "https://", "ftp://", "file://"}) {
    if (!allow_ftp_file && (scheme == "ftp://" || scheme == "file://")) {
      continue;
    }
    if (s.size() > scheme.size() && s.substr(0, scheme.size()) == scheme) {
      return true;
    }
  }
  return false;
}

std::optional<std::string> address(const Address& a) {
  if (a.house_number && !all_of(*a.house_number, 1, 6, zip_char)) {
    return "chargePointAddress/houseNumber does not match [A-Z0-9 -]{1,6}";
  }
  if (a.address.size() < 2 || a.address.size() > 45) {
    return "chargePointAddress/address must have 2..45 characters";
  }
  if (a.city.empty() || a.city.size() > 45) {
    return "chargePointAddress/city must have 1..45 characters";
  }
  if (!all_of(a.zip_code, 1, 10, zip_char)) {
    return "chargePointAddress/zipCode does not match [A-Z0-9 -]{1,10}";
  }
  if (!upper3(a.country)) {
    return "chargePointAddress/country must be ISO 3166-1 alpha-3 (upper case)";
  }
  return std::nullopt;
}

bool evse_pattern(std::string_view s) noexcept {
  // [A-Z]{2}[A-Z0-9]{3}[E]([A-Z0-9]?[A-Z0-9\*]{0,30})%?
  if (!s.empty() && s.back() == '%') {
    s.remove_suffix(1);
  }
  if (s.size() < 6 || s.size() > 37) {
    return false;
  }
  if (!std::isupper(static_cast<unsigned char>(s[0])) || !std::isupper(static_cast<unsigned char>(s[1]))) {
    return false;
  }
  for (std::size_t i = 2; i < 5; ++i) {
    if (!upper_alnum(s[i])) {
      return false;
    }
  }
  if (s[5] != 'E') {
    return false;
  }
  for (std::size_t i = 6; i < s.size(); ++i) {
    if (!upper_alnum(s[i]) && s[i] != '*') {
      return false;
    }
  }
  return true;
}

bool contract_pattern(std::string_view s) noexcept {
  // [A-Za-z]{2}[A-Za-z0-9]{3}[Cc][A-Za-z0-9]{0,8}%?
  if (!s.empty() && s.back() == '%') {
    s.remove_suffix(1);
  }
  if (s.size() < 6 || s.size() > 14 || !alpha(s[0]) || !alpha(s[1])) {
    return false;
  }
  for (std::size_t i = 2; i < s.size(); ++i) {
    if (!alnum(s[i])) {
      return false;
    }
  }
  return s[5] == 'C' || s[5] == 'c';
}

}  // namespace

bool evse_id(std::string_view s) noexcept { return emi3_id(s, 'E', 30); }
bool parking_id(std::string_view s) noexcept { return emi3_id(s, 'P', 30); }
bool tariff_id(std::string_view s) noexcept { return emi3_id(s, 'T', 9); }

bool contract_id(std::string_view s) noexcept {
  // CC[-]PPP[-]IIIIIIIII[[-]C], separators all or none.
  const bool sep = s.size() >= 3 && s[2] == '-';
  std::string compact;
  if (sep) {
    if (s.size() != 16 && s.size() != 18) {
      return false;
    }
    if (s[6] != '-' || (s.size() == 18 && s[16] != '-')) {
      return false;
    }
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (i == 2 || i == 6 || i == 16) {
        continue;
      }
      compact += s[i];
    }
  } else {
    compact = std::string(s);
  }
  if (compact.size() != 14 && compact.size() != 15) {
    return false;
  }
  if (!alpha(compact[0]) || !alpha(compact[1])) {
    return false;
  }
  for (std::size_t i = 2; i < compact.size(); ++i) {
    if (!alnum(compact[i])) {
      return false;
    }
  }
  return true;
}

bool cdr_id(std::string_view s) noexcept { return all_of(s, 1, 36, upper_alnum); }
bool location_id(std::string_view s) noexcept { return all_of(s, 1, 15, location_char); }

std::optional<std::string> emt_id(const EmtId& emt) {
  if (emt.instance.empty() || emt.instance.size() > 512) {
    return "EmtId/instance must have 1..512 characters";
  }
  if (emt.representation != "plain") {
    const std::size_t want = emt.representation == "sha-160" ? 40 : 64;
    if (emt.instance.size() != want) {
      return "EmtId/instance of a " + emt.representation + " token must be " + std::to_string(want) + " hex digits";
    }
    for (char c : emt.instance) {
      if (!std::isxdigit(static_cast<unsigned char>(c))) {
        return "EmtId/instance of a hashed token must be hexadecimal";
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> charge_point(const ChargePointInfo& cp) {
  if (!evse_id(cp.evse_id)) {
    return "evseId does not match the EvseId pattern";
  }
  if (!location_id(cp.location_id)) {
    return "locationId does not match [A-Z0-9 ]{1,15}";
  }
  if (cp.location_name.empty() || cp.location_name.size() > 100) {
    return "locationName must have 1..100 characters";
  }
  if (!upper3(cp.location_name_lang)) {
    return "locationNameLang must be ISO 639-3 (three upper-case letters)";
  }
  if (auto a = address(cp.charge_point_address)) {
    return a;
  }
  if (!coordinate(cp.charge_point_location.lat, 2) || !coordinate(cp.charge_point_location.lon, 3)) {
    return "chargePointLocation lat/lon need exactly six decimals";
  }
  for (const auto& r : cp.related_location) {
    if (!coordinate(r.lat, 2) || !coordinate(r.lon, 3)) {
      return "relatedLocation lat/lon need exactly six decimals";
    }
  }
  for (const auto& img : cp.images) {
    if (!uri(img.uri, true) || (img.thumb_uri && !uri(*img.thumb_uri, true))) {
      return "images/uri must be an http, https, ftp or file URL of at most 255 characters";
    }
    if (img.type.empty() || img.type.size() > 4) {
      return "images/type must have 1..4 characters";
    }
  }
  for (const auto& r : cp.related_resource) {
    if (!uri(r.uri, false)) {
      return "relatedResource/uri must be an http or https URL of at most 255 characters";
    }
  }
  if (cp.time_zone && (cp.time_zone->empty() || cp.time_zone->size() > 255)) {
    return "timeZone must have 1..255 characters";
  }
  if (cp.opening_times) {
    if (cp.opening_times->regular_hours.size() > 7) {
      return "openingTimes allows at most 7 regularHours";
    }
    for (const auto& h : cp.opening_times->regular_hours) {
      if (h.weekday < 1 || h.weekday > 7 || !hhmm(h.period_begin) || !hhmm(h.period_end)) {
        return "openingTimes/regularHours needs weekday 1..7 and HH:MM periods";
      }
    }
  }
  if (cp.telephone_number && !phone(*cp.telephone_number)) {
    return "telephoneNumber does not match the TelephoneNumber pattern";
  }
  for (const auto& p : cp.parking_spot) {
    if (!parking_id(p.parking_id)) {
      return "parkingSpot/parkingId does not match the ParkingId pattern";
    }
    if ((p.floor_level && !all_of(*p.floor_level, 1, 4, floor_char)) ||
        (p.parking_spot_number && !all_of(*p.parking_spot_number, 1, 5, floor_char))) {
      return "parkingSpot floorLevel/parkingSpotNumber do not match their patterns";
    }
  }
  if (cp.auth_methods.empty()) {
    return "authMethods: at least one is required";
  }
  if (cp.connectors.empty()) {
    return "connectors: at least one is required";
  }
  for (const auto& c : cp.connectors) {
    if (c.tariff_id && !tariff_id(*c.tariff_id)) {
      return "connectors/tariffId does not match the TariffId pattern";
    }
  }
  if (cp.ratings && cp.ratings->nominal_voltage && (*cp.ratings->nominal_voltage < 1 || *cp.ratings->nominal_voltage > 1000)) {
    return "ratings/nominalVoltage must be 1..1000";
  }
  for (const auto& l : cp.user_interface_lang) {
    if (!upper3(l)) {
      return "userInterfaceLang must be ISO 639-3 (three upper-case letters)";
    }
  }
  if (cp.max_reservation && (*cp.max_reservation < 1 || *cp.max_reservation > 1000)) {
    return "maxReservation must be 1..1000 minutes";
  }
  return std::nullopt;
}

std::optional<std::string> authorisation(const RoamingAuthorisationInfo& info) {
  if (auto e = emt_id(info.emt_id)) {
    return e;
  }
  if (info.emt_id.token_type == "remote") {
    return "EmtId/tokenType remote never belongs in a whitelist";
  }
  if (!contract_id(info.contract_id)) {
    return "contractId does not match the ContractId pattern";
  }
  if (info.printed_number && (info.printed_number->empty() || info.printed_number->size() > 150)) {
    return "printedNumber must have 1..150 characters";
  }
  return std::nullopt;
}

std::optional<std::string> cdr(const CdrInfo& c) {
  if (!cdr_id(c.cdr_id)) {
    return "CdrId does not match [0-9A-Z]{1,36}";
  }
  if (!evse_id(c.evse_id)) {
    return "evseId does not match the EvseId pattern";
  }
  if (auto e = emt_id(c.emt_id)) {
    return e;
  }
  if (!contract_id(c.contract_id)) {
    return "contractId does not match the ContractId pattern";
  }
  if (c.status != "new" && c.status != "revised" && c.status != "rejected") {
    return "status on upload must be new, revised or rejected";
  }
  if (c.end_date_time < c.start_date_time) {
    // Same-offset comparison only; the mapping checks the instants.
    if (c.start_date_time.substr(19) == c.end_date_time.substr(19)) {
      return "endDateTime is before startDateTime";
    }
  }
  if (auto a = address(c.charge_point_address)) {
    return a;
  }
  if (c.charging_periods.empty()) {
    return "chargingPeriods: at least one is required";
  }
  if (c.currency.size() != 3) {
    return "currency must be an ISO 4217 code";
  }
  if (c.meter_id && (c.meter_id->empty() || c.meter_id->size() > 20)) {
    return "meterId must have 1..20 characters";
  }
  return std::nullopt;
}

std::optional<std::string> tariff(const TariffInfo& t) {
  if (!tariff_id(t.tariff_id)) {
    return "tariffId does not match the TariffId pattern";
  }
  if (t.individual_tariff.empty()) {
    return "individualTariff: at least one is required";
  }
  for (const auto& it : t.individual_tariff) {
    if (it.tariff_element.empty()) {
      return "individualTariff/tariffElement: at least one is required";
    }
    if (it.currency.size() != 3) {
      return "individualTariff/currency must be an ISO 4217 code";
    }
    for (const auto& r : it.recipient) {
      if (!all_of(r, 1, 5, upper_alnum)) {
        return "individualTariff/recipient does not match [A-Z0-9]{1,5}";
      }
    }
    for (const auto& e : it.tariff_element) {
      if (e.tariff_restriction.regular_hours.size() > 14) {
        return "tariffRestriction allows at most 14 regularHours";
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> evse_status(const EvseStatus& s) {
  if (!evse_id(s.evse_id)) {
    return "evseId does not match the EvseId pattern";
  }
  const std::string minor = s.minor.value_or("");
  if (s.major == "available") {
    if (!minor.empty() && minor != "available" && minor != "reserved") {
      return "minor " + minor + " is not allowed with major available";
    }
  } else if (s.major == "not-available") {
    if (!minor.empty() && minor != "charging" && minor != "blocked" && minor != "reserved" && minor != "outoforder") {
      return "minor " + minor + " is not allowed with major not-available";
    }
  } else if (s.major == "unknown") {
    if (!minor.empty()) {
      return "major unknown takes no minor";
    }
  } else {
    return "major must be available, not-available or unknown";
  }
  return std::nullopt;
}

std::optional<std::string> parking_status(const ParkingStatus& s) {
  if (!parking_id(s.parking_id)) {
    return "parkingId does not match the ParkingId pattern";
  }
  return std::nullopt;
}

std::optional<std::string> endpoint(const DirectEndpoint& ep, bool provider) {
  if (ep.url.size() <= 8 || ep.url.size() > 255 || ep.url.substr(0, 8) != "https://") {
    return "url must be an https URL of at most 255 characters";
  }
  if (ep.namespace_url != "http://ochp.eu/1.3" && ep.namespace_url != "http://ochp.eu/1.4") {
    return "namespaceUrl must be http://ochp.eu/1.3 or http://ochp.eu/1.4";
  }
  if (ep.access_token.empty() || ep.access_token.size() > 255) {
    return "accessToken must have 1..255 characters";
  }
  for (char c : ep.access_token) {
    if (static_cast<unsigned char>(c) < 0x20) {
      return "accessToken must not contain control characters";
    }
  }
  if (ep.valid_date.size() != 10 || ep.valid_date[4] != '-' || ep.valid_date[7] != '-') {
    return "validDate must be YYYY-MM-DD";
  }
  if (ep.whitelist.empty()) {
    return "whitelist: at least one pattern is required";
  }
  for (const auto* list : {&ep.whitelist, &ep.blacklist}) {
    for (const auto& p : *list) {
      const bool ok = provider ? contract_pattern(p) : evse_pattern(p);
      if (!ok) {
        return provider ? "whitelist/blacklist entries must match the ContractPattern"
                        : "whitelist/blacklist entries must match the EvsePattern";
      }
    }
  }
  return std::nullopt;
}

std::string evse_key(std::string_view s) {
  if (!evse_id(s)) {
    return {};
  }
  std::string out;
  out.reserve(s.size() + 2);
  auto up = [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); };
  out += up(s[0]);
  out += up(s[1]);
  out += '*';
  std::size_t i = s[2] == '*' ? 3 : 2;
  out += up(s[i]);
  out += up(s[i + 1]);
  out += up(s[i + 2]);
  out += '*';
  i += 3;
  if (s[i] == '*') {
    ++i;
  }
  for (; i < s.size(); ++i) {
    out += up(s[i]);
  }
  return out;
}

}  // namespace hub::ochp::check
