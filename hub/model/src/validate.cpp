// SPDX-License-Identifier: GPL-2.0-or-later
#include <hub/model/ids.hpp>
#include <hub/model/validate.hpp>

#include <cctype>

namespace hub::model {
namespace {

/// Collects violations under a path prefix.
class Check {
 public:
  explicit Check(std::vector<Violation>& out, std::string prefix = {}) : out_(out), prefix_(std::move(prefix)) {}

  Check at(const std::string& field) const { return Check(out_, join(field)); }
  Check at(const std::string& field, std::size_t index) const {
    return Check(out_, join(field) + "[" + std::to_string(index) + "]");
  }

  void fail(const std::string& field, std::string reason) const { out_.push_back({join(field), std::move(reason)}); }

  void required(const std::string& field, const std::string& value, std::size_t max) const {
    if (value.empty()) {
      fail(field, "required");
    } else {
      length(field, value, max);
    }
  }
  void length(const std::string& field, const std::string& value, std::size_t max) const {
    if (value.size() > max) {
      fail(field, "longer than " + std::to_string(max) + " characters");
    }
  }
  void optional(const std::string& field, const std::optional<std::string>& value, std::size_t max) const {
    if (value) {
      length(field, *value, max);
    }
  }
  /// OCPI CiString: printable ASCII only.
  void ci_string(const std::string& field, const std::string& value, std::size_t max) const {
    required(field, value, max);
    for (unsigned char c : value) {
      if (c < 0x20 || c > 0x7e) {
        fail(field, "must be printable ASCII");
        return;
      }
    }
  }
  void party(const std::string& country_code, const std::string& party_id) const {
    if (!make_party_ref(country_code, party_id)) {
      if (country_code.size() != 2) {
        fail("country_code", "must be 2 letters");
      }
      if (party_id.size() != 3) {
        fail("party_id", "must be 3 characters");
      }
      if (country_code.size() == 2 && party_id.size() == 3) {
        fail("party_id", "country_code must be letters and party_id letters or digits");
      }
    }
  }
  void currency(const std::string& field, const std::string& value) const {
    if (value.size() != 3 || !std::isupper(static_cast<unsigned char>(value[0])) ||
        !std::isupper(static_cast<unsigned char>(value[1])) || !std::isupper(static_cast<unsigned char>(value[2]))) {
      fail(field, "must be an ISO 4217 code of 3 upper-case letters");
    }
  }
  void non_negative(const std::string& field, const Decimal& d) const {
    if (d.is_negative()) {
      fail(field, "must not be negative");
    }
  }
  void price(const std::string& field, const Price& p) const {
    non_negative(field + ".excl_vat", p.excl_vat);
    if (p.incl_vat) {
      non_negative(field + ".incl_vat", *p.incl_vat);
      if (*p.incl_vat < p.excl_vat) {
        fail(field + ".incl_vat", "must not be below excl_vat");
      }
    }
  }
  void coordinate(const std::string& field, const std::string& value, int int_digits) const {
    // OCPI: -?[0-9]{1,2|3}\.[0-9]{5,7}
    std::size_t pos = value.size() > 0 && value[0] == '-' ? 1 : 0;
    std::size_t dot = value.find('.');
    bool ok = dot != std::string::npos && dot > pos && dot - pos <= static_cast<std::size_t>(int_digits) &&
              value.size() - dot - 1 >= 5 && value.size() - dot - 1 <= 7;
    for (std::size_t i = pos; ok && i < value.size(); ++i) {
      ok = i == dot || std::isdigit(static_cast<unsigned char>(value[i]));
    }
    if (!ok) {
      fail(field, "must be a decimal with 5 to 7 decimals");
    }
  }
  void geo(const std::string& field, const GeoLocation& g) const {
    at(field).coordinate("latitude", g.latitude, 2);
    at(field).coordinate("longitude", g.longitude, 3);
  }
  void hhmm(const std::string& field, const std::string& value) const {
    bool ok = value.size() == 5 && value[2] == ':' && std::isdigit(static_cast<unsigned char>(value[0])) &&
              std::isdigit(static_cast<unsigned char>(value[1])) && std::isdigit(static_cast<unsigned char>(value[3])) &&
              std::isdigit(static_cast<unsigned char>(value[4]));
    if (ok) {
      int h = (value[0] - '0') * 10 + (value[1] - '0');
      int m = (value[3] - '0') * 10 + (value[4] - '0');
      ok = h <= 23 && m <= 59;
    }
    if (!ok) {
      fail(field, "must be HH:MM");
    }
  }
  void texts(const std::string& field, const std::vector<DisplayText>& texts) const {
    for (std::size_t i = 0; i < texts.size(); ++i) {
      auto c = at(field, i);
      if (texts[i].language.size() != 2) {
        c.fail("language", "must be an ISO 639-1 code of 2 letters");
      }
      c.required("text", texts[i].text, 512);
    }
  }
  void images(const std::string& field, const std::vector<Image>& images) const {
    for (std::size_t i = 0; i < images.size(); ++i) {
      auto c = at(field, i);
      c.required("url", images[i].url, 255);
      c.required("type", images[i].type, 4);
      if (images[i].width && (*images[i].width < 0 || *images[i].width > 99999)) {
        c.fail("width", "must be 0..99999");
      }
      if (images[i].height && (*images[i].height < 0 || *images[i].height > 99999)) {
        c.fail("height", "must be 0..99999");
      }
    }
  }
  void business(const std::string& field, const std::optional<BusinessDetails>& b) const {
    if (b) {
      at(field).required("name", b->name, 100);
    }
  }
  void cdr_token(const std::string& field, const CdrToken& t) const {
    auto c = at(field);
    c.party(t.country_code, t.party_id);
    c.ci_string("uid", t.uid, 36);
    c.ci_string("contract_id", t.contract_id, 36);
  }
  void periods(const std::string& field, const std::vector<ChargingPeriod>& periods) const {
    for (std::size_t i = 0; i < periods.size(); ++i) {
      auto c = at(field, i);
      if (periods[i].dimensions.empty()) {
        c.fail("dimensions", "at least one dimension is required");
      }
      for (std::size_t j = 0; j < periods[i].dimensions.size(); ++j) {
        c.at("dimensions", j).non_negative("volume", periods[i].dimensions[j].volume);
      }
      c.optional("tariff_id", periods[i].tariff_id, 36);
    }
  }

 private:
  std::string join(const std::string& field) const { return prefix_.empty() ? field : prefix_ + "." + field; }
  std::vector<Violation>& out_;
  std::string prefix_;
};

void check_connector(const Check& c, const Connector& x) {
  c.ci_string("id", x.id, 36);
  if (x.max_voltage <= 0) {
    c.fail("max_voltage", "must be positive");
  }
  if (x.max_amperage <= 0) {
    c.fail("max_amperage", "must be positive");
  }
  if (x.max_electric_power && *x.max_electric_power <= 0) {
    c.fail("max_electric_power", "must be positive");
  }
  for (std::size_t i = 0; i < x.tariff_ids.size(); ++i) {
    c.at("tariff_ids", i).ci_string("", x.tariff_ids[i], 36);
  }
  c.optional("terms_and_conditions", x.terms_and_conditions, 255);
}

void check_evse(const Check& c, const Evse& e) {
  c.ci_string("uid", e.uid, 36);
  if (e.evse_id) {
    c.length("evse_id", *e.evse_id, 48);
    if (!normalize_evse_id(*e.evse_id)) {
      c.fail("evse_id", "must be an eMI3 EVSE id such as DE*ABC*E123*1");
    }
  }
  if (e.connectors.empty()) {
    c.fail("connectors", "at least one connector is required");
  }
  for (std::size_t i = 0; i < e.connectors.size(); ++i) {
    check_connector(c.at("connectors", i), e.connectors[i]);
    for (std::size_t j = 0; j < i; ++j) {
      if (e.connectors[j].id == e.connectors[i].id) {
        c.at("connectors", i).fail("id", "duplicate connector id");
      }
    }
  }
  for (std::size_t i = 0; i < e.status_schedule.size(); ++i) {
    const auto& s = e.status_schedule[i];
    if (s.period_end && *s.period_end < s.period_begin) {
      c.at("status_schedule", i).fail("period_end", "before period_begin");
    }
  }
  c.optional("floor_level", e.floor_level, 4);
  if (e.coordinates) {
    c.geo("coordinates", *e.coordinates);
  }
  c.optional("physical_reference", e.physical_reference, 16);
  c.texts("directions", e.directions);
  c.images("images", e.images);
}

}  // namespace

std::vector<Violation> validate(const Connector& x) {
  std::vector<Violation> out;
  check_connector(Check(out), x);
  return out;
}

std::vector<Violation> validate(const Evse& e) {
  std::vector<Violation> out;
  check_evse(Check(out), e);
  return out;
}

std::vector<Violation> validate(const Location& l) {
  std::vector<Violation> out;
  Check c(out);
  c.party(l.country_code, l.party_id);
  c.ci_string("id", l.id, 36);
  c.optional("name", l.name, 255);
  // Lengths per the 2.2.1 errata: address 255 (45 in the original text), state 45 (was 20).
  c.required("address", l.address, 255);
  c.required("city", l.city, 45);
  c.optional("postal_code", l.postal_code, 10);
  c.optional("state", l.state, 45);
  if (l.country.size() != 3) {
    c.fail("country", "must be an ISO 3166-1 alpha-3 code");
  }
  c.geo("coordinates", l.coordinates);
  for (std::size_t i = 0; i < l.related_locations.size(); ++i) {
    c.geo("related_locations[" + std::to_string(i) + "]",
          GeoLocation{l.related_locations[i].latitude, l.related_locations[i].longitude});
  }
  if (!l.publish && l.publish_allowed_to.empty()) {
    // allowed: not published, nobody whitelisted
  }
  if (l.publish && !l.publish_allowed_to.empty()) {
    c.fail("publish_allowed_to", "only allowed when publish is false");
  }
  for (std::size_t i = 0; i < l.evses.size(); ++i) {
    check_evse(c.at("evses", i), l.evses[i]);
    for (std::size_t j = 0; j < i; ++j) {
      if (l.evses[j].uid == l.evses[i].uid) {
        c.at("evses", i).fail("uid", "duplicate EVSE uid");
      }
    }
  }
  c.texts("directions", l.directions);
  c.business("operator", l.operator_);
  c.business("suboperator", l.suboperator);
  c.business("owner", l.owner);
  c.required("time_zone", l.time_zone, 255);
  if (l.opening_times) {
    const auto& h = *l.opening_times;
    if (h.twentyfourseven && !h.regular_hours.empty()) {
      c.fail("opening_times.regular_hours", "must be empty when twentyfourseven is true");
    }
    if (!h.twentyfourseven && h.regular_hours.empty() && h.exceptional_openings.empty()) {
      c.fail("opening_times", "give regular_hours or twentyfourseven");
    }
    for (std::size_t i = 0; i < h.regular_hours.size(); ++i) {
      auto rc = c.at("opening_times").at("regular_hours", i);
      if (h.regular_hours[i].weekday < 1 || h.regular_hours[i].weekday > 7) {
        rc.fail("weekday", "must be 1..7");
      }
      rc.hhmm("period_begin", h.regular_hours[i].period_begin);
      rc.hhmm("period_end", h.regular_hours[i].period_end);
    }
  }
  c.images("images", l.images);
  if (l.energy_mix) {
    c.optional("energy_mix.supplier_name", l.energy_mix->supplier_name, 64);
    c.optional("energy_mix.energy_product_name", l.energy_mix->energy_product_name, 64);
  }
  return out;
}

std::vector<Violation> validate(const EvseStatusUpdate& s) {
  std::vector<Violation> out;
  Check c(out);
  if (s.evse_uid.empty() && !s.evse_id) {
    c.fail("evse_uid", "an EVSE uid or EVSE id is required");
  }
  c.length("evse_uid", s.evse_uid, 36);
  c.length("location_id", s.location_id, 36);
  if (s.evse_id && !normalize_evse_id(*s.evse_id)) {
    c.fail("evse_id", "must be an eMI3 EVSE id such as DE*ABC*E123*1");
  }
  return out;
}

std::vector<Violation> validate(const Tariff& t) {
  std::vector<Violation> out;
  Check c(out);
  c.party(t.country_code, t.party_id);
  c.ci_string("id", t.id, 36);
  c.currency("currency", t.currency);
  c.texts("tariff_alt_text", t.tariff_alt_text);
  c.optional("tariff_alt_url", t.tariff_alt_url, 255);
  if (t.min_price) {
    c.price("min_price", *t.min_price);
  }
  if (t.max_price) {
    c.price("max_price", *t.max_price);
  }
  if (t.elements.empty()) {
    c.fail("elements", "at least one element is required");
  }
  for (std::size_t i = 0; i < t.elements.size(); ++i) {
    auto ec = c.at("elements", i);
    const auto& e = t.elements[i];
    if (e.price_components.empty()) {
      ec.fail("price_components", "at least one price component is required");
    }
    for (std::size_t j = 0; j < e.price_components.size(); ++j) {
      auto pc = ec.at("price_components", j);
      pc.non_negative("price", e.price_components[j].price);
      if (e.price_components[j].vat) {
        pc.non_negative("vat", *e.price_components[j].vat);
      }
      if (e.price_components[j].step_size < 0) {
        // 0 is used by the official free-of-charge example (tariff_5) for a FLAT component.
        pc.fail("step_size", "must not be negative");
      }
    }
    if (e.restrictions) {
      auto rc = ec.at("restrictions");
      const auto& r = *e.restrictions;
      if (r.start_time) {
        rc.hhmm("start_time", *r.start_time);
      }
      if (r.end_time) {
        rc.hhmm("end_time", *r.end_time);
      }
      for (const auto* d : {&r.start_date, &r.end_date}) {
        if (*d && !(d->value().size() == 10 && d->value()[4] == '-' && d->value()[7] == '-')) {
          rc.fail(d == &r.start_date ? "start_date" : "end_date", "must be YYYY-MM-DD");
        }
      }
      if (r.min_kwh && r.max_kwh && *r.max_kwh < *r.min_kwh) {
        rc.fail("max_kwh", "below min_kwh");
      }
      if (r.min_duration && *r.min_duration < 0) {
        rc.fail("min_duration", "must not be negative");
      }
      if (r.min_duration && r.max_duration && *r.max_duration < *r.min_duration) {
        rc.fail("max_duration", "below min_duration");
      }
    }
  }
  if (t.start_date_time && t.end_date_time && *t.end_date_time < *t.start_date_time) {
    c.fail("end_date_time", "before start_date_time");
  }
  return out;
}

std::vector<Violation> validate(const Token& t) {
  std::vector<Violation> out;
  Check c(out);
  c.party(t.country_code, t.party_id);
  c.ci_string("uid", t.uid, 36);
  c.ci_string("contract_id", t.contract_id, 36);
  c.optional("visual_number", t.visual_number, 64);
  c.required("issuer", t.issuer, 64);
  c.optional("group_id", t.group_id, 36);
  if (t.language && t.language->size() != 2) {
    c.fail("language", "must be an ISO 639-1 code of 2 letters");
  }
  if (t.energy_contract) {
    c.required("energy_contract.supplier_name", t.energy_contract->supplier_name, 64);
    c.optional("energy_contract.contract_id", t.energy_contract->contract_id, 64);
  }
  return out;
}

std::vector<Violation> validate(const Session& s) {
  std::vector<Violation> out;
  Check c(out);
  c.party(s.country_code, s.party_id);
  c.ci_string("id", s.id, 36);
  if (s.end_date_time && *s.end_date_time < s.start_date_time) {
    c.fail("end_date_time", "before start_date_time");
  }
  c.non_negative("kwh", s.kwh);
  c.cdr_token("cdr_token", s.cdr_token);
  c.optional("authorization_reference", s.authorization_reference, 36);
  c.ci_string("location_id", s.location_id, 36);
  c.ci_string("evse_uid", s.evse_uid, 36);
  c.ci_string("connector_id", s.connector_id, 36);
  c.optional("meter_id", s.meter_id, 255);
  c.currency("currency", s.currency);
  c.periods("charging_periods", s.charging_periods);
  if (s.total_cost) {
    c.price("total_cost", *s.total_cost);
  }
  return out;
}

std::vector<Violation> validate(const Cdr& x) {
  std::vector<Violation> out;
  Check c(out);
  c.party(x.country_code, x.party_id);
  c.ci_string("id", x.id, 39);
  if (x.end_date_time < x.start_date_time) {
    c.fail("end_date_time", "before start_date_time");
  }
  c.optional("session_id", x.session_id, 36);
  c.cdr_token("cdr_token", x.cdr_token);
  c.optional("authorization_reference", x.authorization_reference, 36);
  {
    auto lc = c.at("cdr_location");
    const auto& l = x.cdr_location;
    lc.ci_string("id", l.id, 36);
    lc.optional("name", l.name, 255);
    lc.required("address", l.address, 255);
    lc.required("city", l.city, 45);
    lc.optional("postal_code", l.postal_code, 10);
    lc.optional("state", l.state, 45);
    if (l.country.size() != 3) {
      lc.fail("country", "must be an ISO 3166-1 alpha-3 code");
    }
    lc.geo("coordinates", l.coordinates);
    lc.ci_string("evse_uid", l.evse_uid, 36);
    lc.ci_string("evse_id", l.evse_id, 48);
    lc.ci_string("connector_id", l.connector_id, 36);
  }
  c.optional("meter_id", x.meter_id, 255);
  c.currency("currency", x.currency);
  for (std::size_t i = 0; i < x.tariffs.size(); ++i) {
    for (auto& v : validate(x.tariffs[i])) {
      out.push_back({"tariffs[" + std::to_string(i) + "]." + v.path, v.reason});
    }
  }
  if (x.charging_periods.empty()) {
    c.fail("charging_periods", "at least one charging period is required");
  }
  c.periods("charging_periods", x.charging_periods);
  if (x.signed_data) {
    auto sc = c.at("signed_data");
    sc.required("encoding_method", x.signed_data->encoding_method, 36);
    sc.optional("public_key", x.signed_data->public_key, 512);
    sc.optional("url", x.signed_data->url, 512);
    if (x.signed_data->signed_values.empty()) {
      sc.fail("signed_values", "at least one signed value is required");
    }
    for (std::size_t i = 0; i < x.signed_data->signed_values.size(); ++i) {
      auto vc = sc.at("signed_values", i);
      const auto& v = x.signed_data->signed_values[i];
      vc.required("nature", v.nature, 32);
      vc.length("plain_data", v.plain_data, 5000);  // errata: 5000 (512 in the original text)
      vc.required("signed_data", v.signed_data, 5000);
    }
  }
  c.price("total_cost", x.total_cost);
  for (const auto& [name, price] : {std::pair{"total_fixed_cost", &x.total_fixed_cost},
                                    std::pair{"total_energy_cost", &x.total_energy_cost},
                                    std::pair{"total_time_cost", &x.total_time_cost},
                                    std::pair{"total_parking_cost", &x.total_parking_cost},
                                    std::pair{"total_reservation_cost", &x.total_reservation_cost}}) {
    if (*price) {
      c.price(name, **price);
    }
  }
  c.non_negative("total_energy", x.total_energy);
  c.non_negative("total_time", x.total_time);
  if (x.total_parking_time) {
    c.non_negative("total_parking_time", *x.total_parking_time);
  }
  c.optional("remark", x.remark, 255);
  c.optional("invoice_reference_id", x.invoice_reference_id, 39);
  c.optional("credit_reference_id", x.credit_reference_id, 39);
  if (x.credit && *x.credit && !x.credit_reference_id) {
    c.fail("credit_reference_id", "required for a credit CDR");
  }
  return out;
}

CommandType command_type(const CommandRequest& r) noexcept {
  switch (r.index()) {
    case 0: return CommandType::start_session;
    case 1: return CommandType::stop_session;
    case 2: return CommandType::reserve_now;
    case 3: return CommandType::cancel_reservation;
    default: return CommandType::unlock_connector;
  }
}

std::vector<Violation> validate(const CommandRequest& r) {
  std::vector<Violation> out;
  Check c(out);
  std::visit(
      [&](const auto& cmd) {
        c.required("response_url", cmd.response_url, 255);
        using T = std::decay_t<decltype(cmd)>;
        if constexpr (std::is_same_v<T, StartSession> || std::is_same_v<T, ReserveNow>) {
          for (auto& v : validate(cmd.token)) {
            out.push_back({"token." + v.path, v.reason});
          }
          c.ci_string("location_id", cmd.location_id, 36);
          c.optional("evse_uid", cmd.evse_uid, 36);
          c.optional("authorization_reference", cmd.authorization_reference, 36);
        }
        if constexpr (std::is_same_v<T, StartSession>) {
          c.optional("connector_id", cmd.connector_id, 36);
          if (cmd.connector_id && !cmd.evse_uid) {
            c.fail("evse_uid", "required when connector_id is given");
          }
        }
        if constexpr (std::is_same_v<T, ReserveNow> || std::is_same_v<T, CancelReservation>) {
          c.ci_string("reservation_id", cmd.reservation_id, 36);
        }
        if constexpr (std::is_same_v<T, StopSession>) {
          c.ci_string("session_id", cmd.session_id, 36);
        }
        if constexpr (std::is_same_v<T, UnlockConnector>) {
          c.ci_string("location_id", cmd.location_id, 36);
          c.ci_string("evse_uid", cmd.evse_uid, 36);
          c.ci_string("connector_id", cmd.connector_id, 36);
        }
      },
      r);
  return out;
}

std::vector<Violation> validate(const ChargingProfile& p) {
  std::vector<Violation> out;
  Check c(out);
  if (p.duration && *p.duration < 0) {
    c.fail("duration", "must not be negative");
  }
  if (p.min_charging_rate) {
    c.non_negative("min_charging_rate", *p.min_charging_rate);
  }
  for (std::size_t i = 0; i < p.charging_profile_period.size(); ++i) {
    auto pc = c.at("charging_profile_period", i);
    const auto& period = p.charging_profile_period[i];
    if (period.start_period < 0) {
      pc.fail("start_period", "must not be negative");
    }
    if (i > 0 && period.start_period <= p.charging_profile_period[i - 1].start_period) {
      pc.fail("start_period", "periods must be in increasing order");
    }
    pc.non_negative("limit", period.limit);
  }
  return out;
}

}  // namespace hub::model
