// SPDX-License-Identifier: GPL-2.0-or-later
// ChargePointInfo <-> Location / EVSE / Connector, and MStatus <-> EvseStatusUpdate
// (docs/mapping.md sections 1 and 2). A loss is reported when the reverse mapping cannot
// reconstruct the source value.
#include "common.hpp"

#include <hub/model/ids.hpp>

#include <algorithm>
#include <cmath>
#include <map>

namespace hub::ochp {
namespace {

using namespace detail;
using model::Capability;
using MStatus = model::EvseStatus;
using model::ImageCategory;
using model::ParkingRestriction;
using model::ParkingType;

constexpr int kDefaultMaxReservation = 30;  // minutes, for RESERVABLE (mapping.md 3.2)

// ------------------------------------------------------------------ enumerations

std::string_view image_class(ImageCategory c) {
  switch (c) {
    case ImageCategory::charger:
      return "stationPhoto";
    case ImageCategory::entrance:
      return "entrancePhoto";
    case ImageCategory::location:
      return "locationPhoto";
    case ImageCategory::network:
      return "networkLogo";
    case ImageCategory::operator_:
      return "operatorLogo";
    case ImageCategory::owner:
      return "ownerLogo";
    case ImageCategory::other:
      break;
  }
  return "otherPhoto";
}

ImageCategory image_category(std::string_view c) {
  if (c == "stationPhoto") {
    return ImageCategory::charger;
  }
  if (c == "entrancePhoto") {
    return ImageCategory::entrance;
  }
  if (c == "locationPhoto") {
    return ImageCategory::location;
  }
  if (c == "networkLogo") {
    return ImageCategory::network;
  }
  if (c == "operatorLogo") {
    return ImageCategory::operator_;
  }
  if (c == "ownerLogo") {
    return ImageCategory::owner;
  }
  return ImageCategory::other;
}

std::string_view general_location(const std::optional<ParkingType>& p) {
  if (!p) {
    return "unknown";
  }
  switch (*p) {
    case ParkingType::on_street:
      return "on-street";
    case ParkingType::parking_garage:
      return "parking-garage";
    case ParkingType::underground_garage:
      return "underground-garage";
    case ParkingType::parking_lot:
      return "parking-lot";
    case ParkingType::on_driveway:
      return "private";
    case ParkingType::along_motorway:
      break;
  }
  return "other";
}

std::optional<ParkingType> parking_type(std::string_view l) {
  if (l == "on-street") {
    return ParkingType::on_street;
  }
  if (l == "parking-garage") {
    return ParkingType::parking_garage;
  }
  if (l == "underground-garage") {
    return ParkingType::underground_garage;
  }
  if (l == "parking-lot") {
    return ParkingType::parking_lot;
  }
  if (l == "private") {
    return ParkingType::on_driveway;
  }
  return std::nullopt;
}

std::string_view restriction(ParkingRestriction r) {
  switch (r) {
    case ParkingRestriction::ev_only:
      return "evonly";
    case ParkingRestriction::plugged:
      return "plugged";
    case ParkingRestriction::disabled:
      return "disabled";
    case ParkingRestriction::customers:
      return "customers";
    case ParkingRestriction::motorcycles:
      break;
  }
  return "motorcycles";
}

std::optional<ParkingRestriction> parking_restriction(std::string_view r) {
  if (r == "evonly") {
    return ParkingRestriction::ev_only;
  }
  if (r == "plugged") {
    return ParkingRestriction::plugged;
  }
  if (r == "disabled") {
    return ParkingRestriction::disabled;
  }
  if (r == "customers") {
    return ParkingRestriction::customers;
  }
  if (r == "motorcycles") {
    return ParkingRestriction::motorcycles;
  }
  return std::nullopt;  // carsharing
}

std::string_view schedule_status(MStatus s) {
  switch (s) {
    case MStatus::available:
    case MStatus::blocked:
    case MStatus::charging:
    case MStatus::reserved:
      return "Operative";
    case MStatus::inoperative:
    case MStatus::outoforder:
      return "Inoperative";
    case MStatus::planned:
      return "Planned";
    case MStatus::removed:
      return "Closed";
    case MStatus::unknown:
      break;
  }
  return "Unknown";
}

MStatus schedule_status_from_ochp(std::string_view s) {
  if (s == "Operative") {
    return MStatus::available;
  }
  if (s == "Inoperative") {
    return MStatus::inoperative;
  }
  if (s == "Planned") {
    return MStatus::planned;
  }
  if (s == "Closed") {
    return MStatus::removed;
  }
  return MStatus::unknown;
}

/// The OCPI EVSE status the static POI data implies: Inoperative/Planned/Closed are final,
/// anything else needs the live status (UNKNOWN until one arrives).
MStatus evse_status_from_static(const std::optional<std::string>& s) {
  if (!s) {
    return MStatus::unknown;
  }
  auto st = schedule_status_from_ochp(*s);
  return st == MStatus::available ? MStatus::unknown : st;
}

std::vector<std::string> auth_methods(const std::vector<Capability>& caps, Losses& losses, const std::string& path) {
  std::vector<std::string> out;
  auto put = [&](std::string_view m) {
    if (std::find(out.begin(), out.end(), m) == out.end()) {
      out.emplace_back(m);
    }
  };
  for (std::size_t i = 0; i < caps.size(); ++i) {
    switch (caps[i]) {
      case Capability::rfid_reader:
        put("RfidMifareCls");
        put("RfidMifareDes");
        break;
      case Capability::credit_card_payable:
        put("DirectCreditcard");
        break;
      case Capability::debit_card_payable:
        put("DirectDebitcard");
        break;
      case Capability::remote_start_stop_capable:
        put("OchpDirectAuth");
        break;
      case Capability::reservable:
        break;  // maxReservation
      default:
        losses.add("Evse", idx(dot(path, "capabilities"), i));
        break;
    }
  }
  if (out.empty()) {
    out.emplace_back("OperatorAuth");  // authMethods is 1..n (mapping.md 3.2)
  }
  return out;
}

std::vector<Capability> capabilities(const ChargePointInfo& cp, Losses& losses, const std::string& path) {
  std::vector<Capability> out;
  auto put = [&](Capability c) {
    if (std::find(out.begin(), out.end(), c) == out.end()) {
      out.push_back(c);
    }
  };
  for (std::size_t i = 0; i < cp.auth_methods.size(); ++i) {
    const auto& m = cp.auth_methods[i];
    if (m == "RfidMifareCls" || m == "RfidMifareDes" || m == "RfidCalypso") {
      put(Capability::rfid_reader);
    } else if (m == "DirectCreditcard") {
      put(Capability::credit_card_payable);
    } else if (m == "DirectDebitcard") {
      put(Capability::debit_card_payable);
    } else if (m == "OchpDirectAuth") {
      put(Capability::remote_start_stop_capable);
    } else if (m != "OperatorAuth" || cp.auth_methods.size() > 1) {
      // OperatorAuth alone is what the reverse mapping writes for "no capability".
      losses.add("ChargePointInfo", idx(dot(path, "authMethods"), i));
    }
  }
  if (cp.max_reservation) {
    put(Capability::reservable);
    if (*cp.max_reservation != kDefaultMaxReservation) {
      losses.add("ChargePointInfo", dot(path, "maxReservation"));
    }
  }
  // RfidMifareCls + RfidMifareDes is what RFID_READER becomes; other RFID sets are not rebuilt.
  return out;
}

// ------------------------------------------------------------------ hours

std::optional<Hours> hours_to_ochp(const model::Location& loc, Losses& losses) {
  if (!loc.opening_times) {
    if (loc.charging_when_closed) {
      losses.add("Location", "charging_when_closed");
    }
    return std::nullopt;
  }
  const auto& h = *loc.opening_times;
  Hours out;
  out.closed_charging = loc.charging_when_closed.value_or(true);
  if (h.twentyfourseven) {
    out.twentyfourseven = true;
  } else if (h.regular_hours.empty()) {
    out.twentyfourseven = false;
  } else {
    // One period per weekday: several periods of one day are merged into their span.
    std::map<int, RegularHours> days;
    for (std::size_t i = 0; i < h.regular_hours.size(); ++i) {
      const auto& r = h.regular_hours[i];
      auto it = days.find(r.weekday);
      if (it == days.end()) {
        days[r.weekday] = RegularHours{r.weekday, r.period_begin, r.period_end};
      } else {
        losses.add("Location", idx("opening_times.regular_hours", i));
        it->second.period_begin = std::min(it->second.period_begin, r.period_begin);
        it->second.period_end = std::max(it->second.period_end, r.period_end);
      }
    }
    for (auto& [day, r] : days) {
      out.regular_hours.push_back(r);
    }
  }
  for (const auto& p : h.exceptional_openings) {
    out.exceptional_openings.push_back({ochp_datetime(p.period_begin), ochp_datetime(p.period_end)});
  }
  for (const auto& p : h.exceptional_closings) {
    out.exceptional_closings.push_back({ochp_datetime(p.period_begin), ochp_datetime(p.period_end)});
  }
  return out;
}

model::Hours hours_to_model(const Hours& h, Losses& losses, const std::string& path) {
  model::Hours out;
  if (!h.regular_hours.empty()) {
    for (std::size_t i = 0; i < h.regular_hours.size(); ++i) {
      auto r = h.regular_hours[i];
      if (r.period_end == "24:00") {
        r.period_end = "23:59";  // OCPI forbids 24:00 in opening hours
        losses.add("ChargePointInfo", dot(idx(dot(path, "openingTimes.regularHours"), i), "periodEnd"));
      }
      out.regular_hours.push_back({r.weekday, r.period_begin, r.period_end});
    }
  } else {
    out.twentyfourseven = h.twentyfourseven.value_or(false);
  }
  auto periods = [&](const std::vector<ExceptionalPeriod>& in, std::vector<model::ExceptionalPeriod>& o,
                     const char* name) {
    for (std::size_t i = 0; i < in.size(); ++i) {
      auto b = parse_time(in[i].period_begin);
      auto e = parse_time(in[i].period_end);
      if (b && e) {
        o.push_back({*b, *e});
      } else {
        losses.add("ChargePointInfo", idx(dot(path, std::string("openingTimes.") + name), i));
      }
    }
  };
  periods(h.exceptional_openings, out.exceptional_openings, "exceptionalOpenings");
  periods(h.exceptional_closings, out.exceptional_closings, "exceptionalClosings");
  return out;
}

// ------------------------------------------------------------------ connectors

/// Line voltage written to OCHP nominalVoltage: AC_3_PHASE max_voltage is line-to-neutral.
int nominal_voltage(const model::Connector& c) {
  if (c.power_type == model::PowerType::ac_3_phase) {
    return static_cast<int>(std::lround(c.max_voltage * std::sqrt(3.0)));
  }
  return c.max_voltage;
}

/// Connector power in W: max_electric_power, else V * A * phases.
std::int64_t connector_power(const model::Connector& c) {
  if (c.max_electric_power) {
    return *c.max_electric_power;
  }
  return std::int64_t{c.max_voltage} * c.max_amperage * phases(c.power_type);
}

/// The OCPI connectors of one ChargePointInfo (O->P).
std::vector<model::Connector> connectors_to_model(const ChargePointInfo& cp, const model::Timestamp& updated,
                                                  Losses& losses, const std::string& path) {
  std::vector<model::Connector> out;
  auto power_type = power_type_from_ochp(cp.charge_point_type, cp.ratings);
  bool dc = power_type == model::PowerType::dc;
  int voltage = dc ? 400 : 230;
  std::optional<int> power_w;
  if (cp.ratings) {
    if (cp.ratings->nominal_voltage) {
      voltage = *cp.ratings->nominal_voltage;
      if (power_type == model::PowerType::ac_3_phase) {
        voltage = static_cast<int>(std::lround(voltage / std::sqrt(3.0)));
      }
    }
    auto w = mul(cp.ratings->maximum_power, Decimal{1000, 0});
    if (w) {
      power_w = static_cast<int>(round_int(*w));
      if (!is_integer(*w)) {
        losses.add("ChargePointInfo", dot(path, "ratings.maximumPower"));
      }
    }
    if (cp.ratings->guaranteed_power) {
      losses.add("ChargePointInfo", dot(path, "ratings.guaranteedPower"));
    }
  }
  int amperage = dc ? 50 : 16;
  if (power_w && voltage > 0) {
    amperage = static_cast<int>(std::lround(double(*power_w) / (double(voltage) * phases(power_type))));
  }
  for (std::size_t i = 0; i < cp.connectors.size(); ++i) {
    const auto& c = cp.connectors[i];
    auto standard = connector_standard_from_ochp(c.connector_standard);
    if (!standard) {
      losses.add("ChargePointInfo", idx(dot(path, "connectors"), i));
      continue;
    }
    model::Connector mc;
    mc.id = std::to_string(out.size() + 1);
    mc.standard = *standard;
    mc.format = connector_format_from_ochp(c.connector_format);
    mc.power_type = power_type;
    mc.max_voltage = voltage;
    mc.max_amperage = amperage;
    mc.max_electric_power = power_w;
    if (c.tariff_id) {
      if (auto t = ocpi_tariff_id(*c.tariff_id)) {
        mc.tariff_ids.push_back(*t);
      } else {
        losses.add("ChargePointInfo", dot(idx(dot(path, "connectors"), i), "tariffId"));
      }
    }
    mc.last_updated = updated;
    out.push_back(std::move(mc));
  }
  return out;
}

// ------------------------------------------------------------------ P -> O

struct LocationFacts {
  std::string location_id;
  std::string name;
  std::string name_lang;
  Address address;
  std::optional<Hours> hours;
};

std::optional<Refusal> location_facts(const model::Location& loc, LocationFacts& f, Losses& losses) {
  if (!loc.publish) {
    return Refusal{"publish", "an unpublished location must not be exported: OCHP has no per-recipient visibility"};
  }
  if (!loc.postal_code || ochp_zip(*loc.postal_code).empty()) {
    return Refusal{"postal_code", "OCHP requires a zipCode"};
  }
  if (loc.address.size() < 2) {
    return Refusal{"address", "OCHP requires an address of at least 2 characters"};
  }
  f.location_id = ochp_location_id(loc.id);
  if (f.location_id.empty()) {
    return Refusal{"id", "no character of the location id fits OCHP locationId [A-Z0-9 ]"};
  }
  if (f.location_id != loc.id) {
    losses.add("Location", "id");
  }
  if (!loc.publish_allowed_to.empty()) {
    losses.add("Location", "publish_allowed_to");
  }
  if (loc.name && !loc.name->empty()) {
    f.name = loc.name->substr(0, 100);
    if (loc.name->size() > 100) {
      losses.add("Location", "name");
    }
  } else {
    f.name = loc.address.substr(0, 100);  // locationName is required: the address stands in
    losses.add("Location", "name");
  }
  f.name_lang = country_language3(loc.country);
  f.address.address = loc.address.substr(0, 45);
  if (loc.address.size() > 45) {
    losses.add("Location", "address");
  }
  f.address.city = loc.city.substr(0, 45);
  if (loc.city.size() > 45) {
    losses.add("Location", "city");
  }
  f.address.zip_code = ochp_zip(*loc.postal_code);
  if (f.address.zip_code != *loc.postal_code) {
    losses.add("Location", "postal_code");
  }
  f.address.country = loc.country;
  if (loc.state) {
    losses.add("Location", "state");
  }
  if (!loc.directions.empty()) {
    losses.add("Location", "directions");
  }
  if (loc.operator_) {
    losses.add("Location", "operator");
  }
  if (loc.suboperator) {
    losses.add("Location", "suboperator");
  }
  if (loc.owner) {
    losses.add("Location", "owner");
  }
  if (!loc.facilities.empty()) {
    losses.add("Location", "facilities");
  }
  if (loc.energy_mix) {
    losses.add("Location", "energy_mix");
  }
  if (loc.parking_type == ParkingType::along_motorway) {
    losses.add("Location", "parking_type");
  }
  for (std::size_t i = 0; i < loc.related_locations.size(); ++i) {
    const auto& r = loc.related_locations[i];
    if (r.name && language3_from1(r.name->language).value_or("") != f.name_lang) {
      losses.add("Location", dot(idx("related_locations", i), "name.language"));
    }
  }
  f.hours = hours_to_ochp(loc, losses);
  return std::nullopt;
}

/// One ChargePointInfo. `path` is "evses[i]". Returns a refusal when the EVSE cannot be expressed.
std::optional<Refusal> evse_to_ochp(const model::Location& loc, const LocationFacts& f, const model::Evse& evse,
                                    const std::string& path, ChargePointInfo& cp, Losses& losses) {
  if (!evse.evse_id) {
    return Refusal{dot(path, "evse_id"), "OCHP identifies a charge point by its eMI3 EVSE id, the EVSE has none"};
  }
  auto evse_id = model::normalize_evse_id(*evse.evse_id);
  if (!evse_id) {
    return Refusal{dot(path, "evse_id"), "not an eMI3 EVSE id"};
  }
  cp.evse_id = *evse_id;
  cp.location_id = f.location_id;
  std::string expected_uid = evse_id->size() <= 36 ? *evse_id : std::string();
  if (expected_uid.empty()) {
    for (char c : *evse_id) {
      if (c != '*') {
        expected_uid += c;
      }
    }
  }
  if (evse.uid != expected_uid) {
    losses.add("Evse", dot(path, "uid"));
  }
  cp.timestamp = ochp_datetime(evse.last_updated);
  if (!whole_seconds(evse.last_updated)) {
    losses.add("Evse", dot(path, "last_updated"));
  }
  cp.location_name = f.name;
  cp.location_name_lang = f.name_lang;
  auto add_images = [&](const std::vector<model::Image>& images) {
    for (const auto& im : images) {
      EvseImageUrl u;
      u.uri = im.url;
      u.thumb_uri = im.thumbnail;
      u.image_class = std::string(image_class(im.category));
      u.type = im.type;
      u.width = im.width;
      u.height = im.height;
      cp.images.push_back(std::move(u));
    }
  };
  add_images(loc.images);
  add_images(evse.images);
  cp.charge_point_address = f.address;
  const auto& coords = evse.coordinates ? *evse.coordinates : loc.coordinates;
  auto lat = six_decimals(coords.latitude);
  auto lon = six_decimals(coords.longitude);
  if (!lat || !lon) {
    return Refusal{evse.coordinates ? dot(path, "coordinates") : "coordinates", "not a decimal coordinate"};
  }
  cp.charge_point_location = {*lat, *lon};
  if (Decimal::parse(*lat) != Decimal::parse(coords.latitude) ||
      Decimal::parse(*lon) != Decimal::parse(coords.longitude)) {
    losses.add(evse.coordinates ? "Evse" : "Location", evse.coordinates ? dot(path, "coordinates") : "coordinates");
  }
  if (evse.coordinates && *evse.coordinates == loc.coordinates) {
    losses.add("Evse", dot(path, "coordinates"));  // rebuilt only when it differs from the location's
  }
  for (const auto& r : loc.related_locations) {
    AdditionalGeoPoint g;
    g.lat = six_decimals(r.latitude).value_or(r.latitude);
    g.lon = six_decimals(r.longitude).value_or(r.longitude);
    if (r.name) {
      g.name = r.name->text;
    }
    g.type = "other";
    cp.related_location.push_back(std::move(g));
  }
  cp.time_zone = loc.time_zone;
  cp.opening_times = f.hours;
  cp.status = std::string(schedule_status(evse.status));
  if (evse_status_from_static(cp.status) != evse.status) {
    losses.add("Evse", dot(path, "status"));  // live part: MStatus (UpdateStatus), not POI data
  }
  for (std::size_t i = 0; i < evse.status_schedule.size(); ++i) {
    const auto& s = evse.status_schedule[i];
    ChargePointSchedule cs;
    cs.start_date = ochp_datetime(s.period_begin);
    if (s.period_end) {
      cs.end_date = ochp_datetime(*s.period_end);
    }
    cs.status = std::string(schedule_status(s.status));
    if (schedule_status_from_ochp(cs.status) != s.status) {
      losses.add("Evse", dot(idx(dot(path, "status_schedule"), i), "status"));
    }
    cp.status_schedule.push_back(std::move(cs));
  }
  cp.location = std::string(general_location(loc.parking_type));
  for (auto r : evse.parking_restrictions) {
    cp.restriction.emplace_back(restriction(r));
  }
  cp.auth_methods = auth_methods(evse.capabilities, losses, path);
  if (std::find(evse.capabilities.begin(), evse.capabilities.end(), Capability::reservable) !=
      evse.capabilities.end()) {
    cp.max_reservation = kDefaultMaxReservation;
  }
  if (evse.floor_level) {
    losses.add("Evse", dot(path, "floor_level"));  // OCHP floorLevel needs a parkingId
  }
  if (evse.physical_reference) {
    losses.add("Evse", dot(path, "physical_reference"));
  }
  if (!evse.directions.empty()) {
    losses.add("Evse", dot(path, "directions"));
  }

  // Connectors: EVSE-level type and ratings.
  bool any_dc = false;
  bool any_ac = false;
  std::int64_t max_power = 0;
  int max_voltage = 0;
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < evse.connectors.size(); ++i) {
    const auto& c = evse.connectors[i];
    auto cpath = idx(dot(path, "connectors"), i);
    auto standard = ochp_connector_standard(c.standard);
    if (!standard) {
      losses.add("Connector", cpath);
      continue;
    }
    kept.push_back(i);
    ConnectorType ct;
    ct.connector_standard = *standard;
    ct.connector_format = std::string(ochp_connector_format(c.format));
    if (!c.tariff_ids.empty()) {
      auto t = ochp_tariff_id(loc.country_code, loc.party_id, c.tariff_ids[0]);
      if (t) {
        ct.tariff_id = *t;
      } else {
        losses.add("Connector", idx(dot(cpath, "tariff_ids"), 0));
      }
      for (std::size_t k = 1; k < c.tariff_ids.size(); ++k) {
        losses.add("Connector", idx(dot(cpath, "tariff_ids"), k));
      }
    }
    if (c.terms_and_conditions) {
      losses.add("Connector", dot(cpath, "terms_and_conditions"));
    }
    (c.power_type == model::PowerType::dc ? any_dc : any_ac) = true;
    max_power = std::max(max_power, connector_power(c));
    max_voltage = std::max(max_voltage, nominal_voltage(c));
    cp.connectors.push_back(std::move(ct));
  }
  if (cp.connectors.empty()) {
    return Refusal{dot(path, "connectors"), "no connector standard OCHP can express"};
  }
  cp.charge_point_type = any_dc ? "DC" : "AC";
  Ratings ratings;
  ratings.maximum_power = trim(Decimal{max_power, 3});
  if (max_voltage >= 1 && max_voltage <= 1000) {
    ratings.nominal_voltage = max_voltage;
  }
  cp.ratings = ratings;
  // Which connector fields come back? Rebuild them and compare.
  std::vector<Loss> scratch;
  Losses scratch_losses{scratch};
  auto rebuilt = connectors_to_model(cp, evse.last_updated, scratch_losses, "");
  for (std::size_t k = 0; k < kept.size() && k < rebuilt.size(); ++k) {
    const auto& c = evse.connectors[kept[k]];
    const auto& r = rebuilt[k];
    auto cpath = idx(dot(path, "connectors"), kept[k]);
    if (c.id != r.id) {
      losses.add("Connector", dot(cpath, "id"));
    }
    if (c.power_type != r.power_type) {
      losses.add("Connector", dot(cpath, "power_type"));
    }
    if (c.max_voltage != r.max_voltage) {
      losses.add("Connector", dot(cpath, "max_voltage"));
    }
    if (c.max_amperage != r.max_amperage) {
      losses.add("Connector", dot(cpath, "max_amperage"));
    }
    if (c.max_electric_power && c.max_electric_power != r.max_electric_power) {
      losses.add("Connector", dot(cpath, "max_electric_power"));
    }
    if (c.last_updated != r.last_updated) {
      losses.add("Connector", dot(cpath, "last_updated"));
    }
  }
  if (any_ac && any_dc) {
    losses.add("Evse", dot(path, "connectors"));  // mixed AC/DC: chargePointType is per EVSE
  }
  return std::nullopt;
}

// ------------------------------------------------------------------ O -> P

std::string evse_uid_for(const std::string& evse_id) {
  if (evse_id.size() <= 36) {
    return evse_id;
  }
  std::string out;
  for (char c : evse_id) {
    if (c != '*') {
      out += c;
    }
  }
  return out;
}

model::Image image_to_model(const EvseImageUrl& u) {
  model::Image im;
  im.url = u.uri;
  im.thumbnail = u.thumb_uri;
  im.category = image_category(u.image_class);
  im.type = u.type;
  im.width = u.width;
  im.height = u.height;
  return im;
}

bool image_kept(const EvseImageUrl& u) {
  return u.uri.rfind("http://", 0) == 0 || u.uri.rfind("https://", 0) == 0;
}

std::optional<Refusal> point_to_evse(const ChargePointInfo& cp, const std::string& path, const model::Location& loc,
                                     model::Timestamp received, std::size_t common_images, model::Evse& evse,
                                     Losses& losses) {
  auto evse_id = model::normalize_evse_id(cp.evse_id);
  if (!evse_id) {
    return Refusal{dot(path, "evseId"), "not an eMI3 EVSE id"};
  }
  evse.evse_id = *evse_id;
  evse.uid = evse_uid_for(*evse_id);
  model::Timestamp updated = received;
  if (cp.timestamp) {
    auto t = parse_time(*cp.timestamp);
    if (!t) {
      return Refusal{dot(path, "timestamp"), "not a valid date and time"};
    }
    updated = *t;
  }
  evse.last_updated = updated;
  evse.status = evse_status_from_static(cp.status);
  if (cp.status && *cp.status == "Operative") {
    losses.add("ChargePointInfo", dot(path, "status"));  // OCPI knows only the live status
  }
  for (std::size_t i = 0; i < cp.status_schedule.size(); ++i) {
    const auto& s = cp.status_schedule[i];
    auto b = parse_time(s.start_date);
    if (!b) {
      losses.add("ChargePointInfo", idx(dot(path, "statusSchedule"), i));
      continue;
    }
    model::StatusSchedule ms;
    ms.period_begin = *b;
    if (s.end_date) {
      ms.period_end = parse_time(*s.end_date);
    }
    ms.status = schedule_status_from_ochp(s.status);
    evse.status_schedule.push_back(ms);
  }
  evse.capabilities = capabilities(cp, losses, path);
  evse.connectors = connectors_to_model(cp, updated, losses, path);
  if (evse.connectors.empty()) {
    return Refusal{dot(path, "connectors"), "no connector standard OCPI can express"};
  }
  for (std::size_t i = 0; i < cp.parking_spot.size(); ++i) {
    const auto& p = cp.parking_spot[i];
    if (i == 0 && p.floor_level) {
      evse.floor_level = p.floor_level;
    }
    losses.add("ChargePointInfo", idx(dot(path, "parkingSpot"), i));
  }
  model::GeoLocation coords{cp.charge_point_location.lat, cp.charge_point_location.lon};
  if (!(coords == loc.coordinates)) {
    evse.coordinates = coords;
  }
  for (std::size_t i = 0; i < cp.restriction.size(); ++i) {
    if (auto r = parking_restriction(cp.restriction[i])) {
      evse.parking_restrictions.push_back(*r);
    } else {
      losses.add("ChargePointInfo", idx(dot(path, "restriction"), i));
    }
  }
  for (std::size_t i = common_images; i < cp.images.size(); ++i) {
    if (image_kept(cp.images[i])) {
      evse.images.push_back(image_to_model(cp.images[i]));
    } else {
      losses.add("ChargePointInfo", idx(dot(path, "images"), i));
    }
  }
  for (std::size_t i = 0; i < cp.images.size(); ++i) {
    const auto& c = cp.images[i].image_class;
    if (c == "otherLogo" || c == "otherGraphic") {
      losses.add("ChargePointInfo", dot(idx(dot(path, "images"), i), "class"));
    }
  }
  if (!cp.related_resource.empty()) {
    losses.add("ChargePointInfo", dot(path, "relatedResource"));
  }
  if (cp.telephone_number) {
    losses.add("ChargePointInfo", dot(path, "telephoneNumber"));
  }
  if (!cp.user_interface_lang.empty()) {
    losses.add("ChargePointInfo", dot(path, "userInterfaceLang"));
  }
  return std::nullopt;
}

}  // namespace

// ------------------------------------------------------------------ public: charge points

Mapped<ChargePointInfo> to_ochp(const model::Location& location, const model::Evse& evse) {
  Mapped<ChargePointInfo> out;
  Losses losses{out.losses};
  LocationFacts f;
  if (auto r = location_facts(location, f, losses)) {
    out.refusal = std::move(r);
    return out;
  }
  std::size_t index = 0;
  for (; index < location.evses.size(); ++index) {
    if (&location.evses[index] == &evse || location.evses[index].uid == evse.uid) {
      break;
    }
  }
  ChargePointInfo cp;
  auto path = idx("evses", index);
  if (auto r = evse_to_ochp(location, f, evse, path, cp, losses)) {
    r->field = r->field.substr(path.size() + 1);
    out.refusal = std::move(r);
    return out;
  }
  out.value = std::move(cp);
  return out;
}

Mapped<std::vector<ChargePointInfo>> to_ochp(const model::Location& location) {
  Mapped<std::vector<ChargePointInfo>> out;
  Losses losses{out.losses};
  LocationFacts f;
  if (auto r = location_facts(location, f, losses)) {
    out.refusal = std::move(r);
    return out;
  }
  std::vector<ChargePointInfo> points;
  model::Timestamp newest{};
  for (std::size_t i = 0; i < location.evses.size(); ++i) {
    const auto& evse = location.evses[i];
    auto path = idx("evses", i);
    ChargePointInfo cp;
    std::vector<Loss> evse_losses;
    Losses el{evse_losses};
    if (auto r = evse_to_ochp(location, f, evse, path, cp, el)) {
      losses.add("Evse", r->field == dot(path, "evse_id") ? r->field : path);
      out.skipped.push_back(std::move(*r));
      continue;
    }
    out.losses.insert(out.losses.end(), evse_losses.begin(), evse_losses.end());
    newest = std::max(newest, evse.last_updated);
    points.push_back(std::move(cp));
  }
  if (points.empty()) {
    out.refusal = Refusal{"evses", "no EVSE of the location can be expressed as an OCHP charge point"};
    return out;
  }
  if (location.last_updated != newest) {
    losses.add("Location", "last_updated");  // rebuilt as the newest EVSE timestamp
  }
  out.value = std::move(points);
  return out;
}

Mapped<std::vector<model::Location>> to_model(const std::vector<ChargePointInfo>& points, const Owner& owner) {
  return to_model(points, owner, model::Timestamp{});
}

Mapped<std::vector<model::Location>> to_model(const std::vector<ChargePointInfo>& points, const Owner& owner,
                                              model::Timestamp received) {
  Mapped<std::vector<model::Location>> out;
  Losses losses{out.losses};
  // Group by locationId, first-seen order.
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < points.size(); ++i) {
    auto& g = groups[points[i].location_id];
    if (g.empty()) {
      order.push_back(points[i].location_id);
    }
    g.push_back(i);
  }
  std::vector<model::Location> locations;
  for (const auto& id : order) {
    const auto& members = groups[id];
    const auto& first = points[members.front()];
    auto fpath = idx("points", members.front());
    model::Location loc;
    loc.country_code = owner.country_code;
    loc.party_id = owner.party_id;
    loc.id = id;
    loc.publish = true;
    loc.name = first.location_name;
    if (first.location_name_lang != country_language3(first.charge_point_address.country)) {
      losses.add("ChargePointInfo", dot(fpath, "locationNameLang"));
    }
    loc.address = first.charge_point_address.address;
    if (first.charge_point_address.house_number) {
      loc.address += " " + *first.charge_point_address.house_number;
      losses.add("ChargePointInfo", dot(fpath, "chargePointAddress.houseNumber"));
    }
    loc.city = first.charge_point_address.city;
    loc.postal_code = first.charge_point_address.zip_code;
    loc.country = first.charge_point_address.country;
    loc.coordinates = {first.charge_point_location.lat, first.charge_point_location.lon};
    auto lang1 = language1_from3(first.location_name_lang);
    for (std::size_t i = 0; i < first.related_location.size(); ++i) {
      const auto& r = first.related_location[i];
      model::AdditionalGeoLocation g{r.lat, r.lon, std::nullopt};
      if (r.name) {
        g.name = model::DisplayText{lang1.value_or("en"), *r.name};
      }
      if (r.type != "other") {
        losses.add("ChargePointInfo", dot(idx(dot(fpath, "relatedLocation"), i), "type"));
      }
      loc.related_locations.push_back(std::move(g));
    }
    loc.parking_type = parking_type(first.location);
    if (first.location == "other") {
      losses.add("ChargePointInfo", dot(fpath, "location"));
    }
    if (first.time_zone) {
      loc.time_zone = *first.time_zone;
    } else if (auto tz = country_time_zone(loc.country)) {
      loc.time_zone = *tz;
    } else {
      for (auto m : members) {
        out.skipped.push_back(Refusal{dot(idx("points", m), "timeZone"),
                                      "OCPI requires a time zone and the country has no single default zone"});
      }
      continue;
    }
    if (first.opening_times) {
      loc.opening_times = hours_to_model(*first.opening_times, losses, fpath);
      loc.charging_when_closed = first.opening_times->closed_charging;
    }
    // Images common to every EVSE record of the location belong to the location.
    std::size_t common = first.images.size();
    for (auto m : members) {
      const auto& imgs = points[m].images;
      std::size_t k = 0;
      while (k < common && k < imgs.size() && imgs[k] == first.images[k]) {
        ++k;
      }
      common = k;
    }
    if (members.size() == 1) {
      common = 0;  // a single EVSE keeps its images
    }
    for (std::size_t i = 0; i < common; ++i) {
      if (image_kept(first.images[i])) {
        loc.images.push_back(image_to_model(first.images[i]));
      }
    }
    model::Timestamp newest{};
    bool any = false;
    for (auto m : members) {
      const auto& cp = points[m];
      auto path = idx("points", m);
      // Site data is taken from the first record; records that disagree lose theirs.
      if (m != members.front()) {
        if (!(cp.charge_point_address == first.charge_point_address)) {
          losses.add("ChargePointInfo", dot(path, "chargePointAddress"));
        }
        if (cp.location_name != first.location_name || cp.location_name_lang != first.location_name_lang) {
          losses.add("ChargePointInfo", dot(path, "locationName"));
        }
        if (!(cp.opening_times == first.opening_times)) {
          losses.add("ChargePointInfo", dot(path, "openingTimes"));
        }
        if (cp.time_zone != first.time_zone) {
          losses.add("ChargePointInfo", dot(path, "timeZone"));
        }
        if (cp.location != first.location) {
          losses.add("ChargePointInfo", dot(path, "location"));
        }
        if (!(cp.related_location == first.related_location)) {
          losses.add("ChargePointInfo", dot(path, "relatedLocation"));
        }
      }
      model::Evse evse;
      std::vector<Loss> evse_losses;
      Losses el{evse_losses};
      if (auto r = point_to_evse(cp, path, loc, received, common, evse, el)) {
        out.skipped.push_back(std::move(*r));
        continue;
      }
      out.losses.insert(out.losses.end(), evse_losses.begin(), evse_losses.end());
      newest = any ? std::max(newest, evse.last_updated) : evse.last_updated;
      any = true;
      loc.evses.push_back(std::move(evse));
    }
    if (!any) {
      continue;
    }
    loc.last_updated = newest;
    locations.push_back(std::move(loc));
  }
  if (locations.empty() && !points.empty()) {
    out.refusal = Refusal{"points", "no charge point could be expressed as an OCPI location"};
    return out;
  }
  out.value = std::move(locations);
  return out;
}

// ------------------------------------------------------------------ live status

std::string_view static_status(model::EvseStatus status) noexcept { return schedule_status(status); }

Mapped<EvseStatus> to_ochp(const model::EvseStatusUpdate& status) {
  Mapped<EvseStatus> out;
  Losses losses{out.losses};
  std::optional<std::string> evse_id;
  if (status.evse_id) {
    evse_id = model::normalize_evse_id(*status.evse_id);
  } else {
    evse_id = model::normalize_evse_id(status.evse_uid);
  }
  if (!evse_id) {
    out.refusal = Refusal{"evse_id", "OCHP identifies an EVSE by its eMI3 EVSE id, the update has none"};
    return out;
  }
  EvseStatus s;
  s.evse_id = *evse_id;
  if (!status.location_id.empty()) {
    losses.add("EvseStatusUpdate", "location_id");
  }
  if (status.evse_uid != evse_uid_for(*evse_id)) {
    losses.add("EvseStatusUpdate", "evse_uid");
  }
  switch (status.status) {
    case model::EvseStatus::available:
      s.major = "available";
      s.minor = "available";
      break;
    case model::EvseStatus::reserved:
      s.major = "not-available";
      s.minor = "reserved";
      break;
    case model::EvseStatus::charging:
      s.major = "not-available";
      s.minor = "charging";
      break;
    case model::EvseStatus::blocked:
      s.major = "not-available";
      s.minor = "blocked";
      break;
    case model::EvseStatus::outoforder:
      s.major = "not-available";
      s.minor = "outoforder";
      break;
    case model::EvseStatus::inoperative:
      s.major = "not-available";
      s.minor = "outoforder";
      losses.add("EvseStatusUpdate", "status");  // static part: ChargePointInfo.status Inoperative
      break;
    case model::EvseStatus::planned:
    case model::EvseStatus::removed:
      s.major = "not-available";
      losses.add("EvseStatusUpdate", "status");  // static part: Planned / Closed
      break;
    case model::EvseStatus::unknown:
      s.major = "unknown";
      break;
  }
  if (status.valid_until) {
    s.ttl = ochp_datetime(*status.valid_until);
    if (!whole_seconds(*status.valid_until)) {
      losses.add("EvseStatusUpdate", "valid_until");
    }
  }
  losses.add("EvseStatusUpdate", "last_updated");
  out.value = std::move(s);
  return out;
}

Mapped<model::EvseStatusUpdate> to_model(const EvseStatus& status) { return to_model(status, model::Timestamp{}); }

Mapped<model::EvseStatusUpdate> to_model(const EvseStatus& status, model::Timestamp received) {
  Mapped<model::EvseStatusUpdate> out;
  Losses losses{out.losses};
  auto evse_id = model::normalize_evse_id(status.evse_id);
  if (!evse_id) {
    out.refusal = Refusal{"evseId", "not an eMI3 EVSE id"};
    return out;
  }
  model::EvseStatusUpdate u;
  u.evse_id = *evse_id;
  u.evse_uid = evse_uid_for(*evse_id);
  u.last_updated = received;
  const std::string minor = status.minor.value_or("");
  if (status.major == "available") {
    if (minor.empty() || minor == "available") {
      u.status = model::EvseStatus::available;
    } else if (minor == "reserved") {
      u.status = model::EvseStatus::available;  // a reservation starts at ttl
      losses.add("EvseStatus", "minor");
    } else {
      out.refusal = Refusal{"minor", "major available with minor " + minor + " is contradictory"};
      return out;
    }
  } else if (status.major == "not-available") {
    if (minor == "charging") {
      u.status = model::EvseStatus::charging;
    } else if (minor == "blocked") {
      u.status = model::EvseStatus::blocked;
    } else if (minor == "reserved") {
      u.status = model::EvseStatus::reserved;
    } else if (minor == "outoforder") {
      u.status = model::EvseStatus::outoforder;
    } else if (minor.empty()) {
      u.status = model::EvseStatus::charging;  // "occupied" (mapping.md 4.2)
      losses.add("EvseStatus", "minor");
    } else {
      out.refusal = Refusal{"minor", "major not-available with minor " + minor + " is contradictory"};
      return out;
    }
  } else if (status.major == "unknown") {
    if (!minor.empty()) {
      out.refusal = Refusal{"minor", "major unknown takes no minor"};
      return out;
    }
    u.status = model::EvseStatus::unknown;
  } else {
    out.refusal = Refusal{"major", "unknown major status " + status.major};
    return out;
  }
  if (status.ttl) {
    auto t = parse_time(*status.ttl);
    if (!t) {
      out.refusal = Refusal{"ttl", "not an xs:dateTime"};
      return out;
    }
    u.valid_until = *t;
  }
  out.value = std::move(u);
  return out;
}

}  // namespace hub::ochp
