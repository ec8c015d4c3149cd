// SPDX-License-Identifier: GPL-2.0-or-later
// OCPI 2.2.1 codec: full-object round trips in both flavors, the canonical extension members,
// strictness (types, required members, enums, date-times, numbers), hostile input (deep
// nesting, truncation, mutation) and merge_patch.
#include "json_compare.hpp"

#include <ocpi/codec.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace hub::ocpi {
namespace {

using model::Decimal;
using model::Timestamp;
using test::join;
using test::json_diff;

Timestamp ts(const char* s) { return *model::parse_timestamp(s); }
Decimal dec(const char* s) { return *Decimal::parse(s); }

bool has_violation(const std::vector<model::Violation>& errors, const std::string& path,
                   const std::string& reason_part = {}) {
  return std::any_of(errors.begin(), errors.end(), [&](const model::Violation& v) {
    return v.path == path && v.reason.find(reason_part) != std::string::npos;
  });
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << "'" << from << "' not in " << s;
  if (pos != std::string::npos) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

model::Image image() {
  return model::Image{"https://example.com/img.png", "https://example.com/t.png", model::ImageCategory::operator_,
                      "png", 640, 480};
}

model::Connector connector(const char* id) {
  model::Connector c;
  c.id = id;
  c.standard = model::ConnectorType::iec_62196_t2_combo;
  c.format = model::ConnectorFormat::cable;
  c.power_type = model::PowerType::dc;
  c.max_voltage = 920;
  c.max_amperage = 500;
  c.max_electric_power = 350000;
  c.tariff_ids = {"T1", "T2"};
  c.terms_and_conditions = "https://example.com/terms";
  c.last_updated = ts("2024-05-01T10:00:00.123Z");
  return c;
}

model::Location full_location() {
  model::Location l;
  l.country_code = "DE";
  l.party_id = "ABC";
  l.id = "LOC-1";
  l.publish = false;
  l.publish_allowed_to = {model::PublishTokenType{"UID1", model::TokenType::rfid, "VN-1", "Issuer", "G1"}};
  l.name = "Hub Plaza";
  l.address = "Main Street 1";
  l.city = "Berlin";
  l.postal_code = "10115";
  l.state = "Berlin";
  l.country = "DEU";
  l.coordinates = {"52.520008", "13.404954"};
  l.related_locations = {model::AdditionalGeoLocation{"52.520100", "13.405000", model::DisplayText{"en", "Entrance"}}};
  l.parking_type = model::ParkingType::parking_garage;
  model::Evse e;
  e.uid = "EVSE-1";
  e.evse_id = "DE*ABC*E123*1";
  e.status = model::EvseStatus::charging;
  e.status_schedule = {model::StatusSchedule{ts("2024-06-01T00:00:00Z"), ts("2024-06-02T00:00:00Z"),
                                             model::EvseStatus::inoperative}};
  e.capabilities = {model::Capability::remote_start_stop_capable, model::Capability::rfid_reader};
  e.connectors = {connector("1"), connector("2")};
  e.floor_level = "-1";
  e.coordinates = model::GeoLocation{"52.520010", "13.404950"};
  e.physical_reference = "P1";
  e.directions = {model::DisplayText{"de", "Links"}};
  e.parking_restrictions = {model::ParkingRestriction::ev_only};
  e.images = {image()};
  e.last_updated = ts("2024-05-01T10:00:00Z");
  l.evses = {e};
  l.directions = {model::DisplayText{"en", "Second floor"}};
  l.operator_ = model::BusinessDetails{"Operator GmbH", "https://op.example.com", image()};
  l.suboperator = model::BusinessDetails{"Sub", std::nullopt, std::nullopt};
  l.owner = model::BusinessDetails{"Owner", "https://owner.example.com", std::nullopt};
  l.facilities = {model::Facility::cafe, model::Facility::wifi};
  l.time_zone = "Europe/Berlin";
  l.opening_times = model::Hours{false,
                                 {model::RegularHours{1, "08:00", "20:00"}},
                                 {model::ExceptionalPeriod{ts("2024-12-24T08:00:00Z"), ts("2024-12-24T12:00:00Z")}},
                                 {model::ExceptionalPeriod{ts("2024-12-25T00:00:00Z"), ts("2024-12-26T00:00:00Z")}}};
  l.charging_when_closed = true;
  l.images = {image()};
  l.energy_mix = model::EnergyMix{
      true,
      {model::EnergySource{model::EnergySourceCategory::solar, dec("60.5")},
       model::EnergySource{model::EnergySourceCategory::wind, dec("39.5")}},
      {model::EnvironmentalImpact{model::EnvironmentalImpactCategory::carbon_dioxide, dec("0.1")}},
      "Supplier",
      "Product"};
  l.last_updated = ts("2024-05-01T10:00:00Z");
  return l;
}

model::Token full_token() {
  model::Token t;
  t.country_code = "NL";
  t.party_id = "TNM";
  t.uid = "0123456789";
  t.type = model::TokenType::rfid;
  t.contract_id = "NL-TNM-C12345678-X";
  t.visual_number = "DF000-2001-8999";
  t.issuer = "TheNewMotion";
  t.group_id = "G-1";
  t.valid = true;
  t.whitelist = model::WhitelistType::allowed_offline;
  t.language = "nl";
  t.default_profile_type = model::ProfileType::fast;
  t.energy_contract = model::EnergyContract{"Green", "C-1"};
  t.last_updated = ts("2024-05-01T10:00:00Z");
  return t;
}

model::Tariff full_tariff() {
  model::Tariff t;
  t.country_code = "DE";
  t.party_id = "ABC";
  t.id = "T1";
  t.currency = "EUR";
  t.type = model::TariffType::profile_green;
  t.tariff_alt_text = {model::DisplayText{"en", "0.25 per kWh"}};
  t.tariff_alt_url = "https://example.com/tariff";
  t.min_price = model::Price{dec("0.10"), dec("0.12")};
  t.max_price = model::Price{dec("100"), std::nullopt};
  model::TariffRestrictions r;
  r.start_time = "08:00";
  r.end_time = "18:00";
  r.start_date = "2024-01-01";
  r.end_date = "2024-12-31";
  r.min_kwh = dec("0.5");
  r.max_kwh = dec("100.25");
  r.min_current = dec("6");
  r.max_current = dec("32.0");
  r.min_power = dec("1.5");
  r.max_power = dec("22");
  r.min_duration = 60;
  r.max_duration = 7200;
  r.day_of_week = {model::DayOfWeek::monday, model::DayOfWeek::sunday};
  r.reservation = model::ReservationRestrictionType::reservation_expires;
  t.elements = {model::TariffElement{{model::PriceComponent{model::TariffDimensionType::energy, dec("0.25"),
                                                            dec("19"), 1}},
                                     r},
                model::TariffElement{{model::PriceComponent{model::TariffDimensionType::parking_time, dec("1.00"),
                                                            std::nullopt, 900}},
                                     std::nullopt}};
  t.energy_mix = model::EnergyMix{false, {}, {}, std::nullopt, std::nullopt};
  t.start_date_time = ts("2024-01-01T00:00:00Z");
  t.end_date_time = ts("2025-01-01T00:00:00Z");
  t.last_updated = ts("2024-05-01T10:00:00Z");
  return t;
}

model::CdrToken cdr_token() {
  return model::CdrToken{"NL", "TNM", "0123456789", model::TokenType::app_user, "NL-TNM-C12345678-X"};
}

std::vector<model::ChargingPeriod> periods() {
  return {model::ChargingPeriod{ts("2024-05-01T10:00:00Z"),
                                {model::CdrDimension{model::CdrDimensionType::energy, dec("1.234")},
                                 model::CdrDimension{model::CdrDimensionType::state_of_charge, dec("80")}},
                                "T1"},
          model::ChargingPeriod{ts("2024-05-01T11:00:00Z"),
                                {model::CdrDimension{model::CdrDimensionType::parking_time, dec("0.5")}},
                                std::nullopt}};
}

model::Session full_session() {
  model::Session s;
  s.country_code = "DE";
  s.party_id = "ABC";
  s.id = "S1";
  s.start_date_time = ts("2024-05-01T10:00:00Z");
  s.end_date_time = ts("2024-05-01T12:00:00Z");
  s.kwh = dec("0.1");
  s.cdr_token = cdr_token();
  s.auth_method = model::AuthMethod::command;
  s.authorization_reference = "AUTH-1";
  s.location_id = "LOC-1";
  s.evse_uid = "EVSE-1";
  s.connector_id = "1";
  s.meter_id = "M-1";
  s.currency = "EUR";
  s.charging_periods = periods();
  s.total_cost = model::Price{dec("1.50"), dec("1.79")};
  s.status = model::SessionStatus::completed;
  s.last_updated = ts("2024-05-01T12:00:01Z");
  return s;
}

model::Cdr full_cdr() {
  model::Cdr c;
  c.country_code = "DE";
  c.party_id = "ABC";
  c.id = "CDR-1";
  c.start_date_time = ts("2024-05-01T10:00:00Z");
  c.end_date_time = ts("2024-05-01T12:00:00Z");
  c.session_id = "S1";
  c.cdr_token = cdr_token();
  c.auth_method = model::AuthMethod::auth_request;
  c.authorization_reference = "AUTH-1";
  c.cdr_location = model::CdrLocation{"LOC-1",
                                      "Hub Plaza",
                                      "Main Street 1",
                                      "Berlin",
                                      "10115",
                                      "Berlin",
                                      "DEU",
                                      {"52.520008", "13.404954"},
                                      "EVSE-1",
                                      "DE*ABC*E123*1",
                                      "1",
                                      model::ConnectorType::chademo,
                                      model::ConnectorFormat::cable,
                                      model::PowerType::dc};
  c.meter_id = "M-1";
  c.currency = "EUR";
  c.tariffs = {full_tariff()};
  c.charging_periods = periods();
  c.signed_data = model::SignedData{
      "OCMF", 1, "MIIBIjAN", {model::SignedValue{"Start", "OCMF|{...}", "c2lnbmVk"}}, "https://example.com/verify"};
  c.total_cost = model::Price{dec("10.00"), dec("11.90")};
  c.total_fixed_cost = model::Price{dec("1"), dec("1.19")};
  c.total_energy = dec("12.345");
  c.total_energy_cost = model::Price{dec("5.00"), std::nullopt};
  c.total_time = dec("2");
  c.total_time_cost = model::Price{dec("3.00"), std::nullopt};
  c.total_parking_time = dec("0.5");
  c.total_parking_cost = model::Price{dec("1.00"), std::nullopt};
  c.total_reservation_cost = model::Price{dec("0.00"), std::nullopt};
  c.remark = "ok";
  c.invoice_reference_id = "INV-1";
  c.credit = true;
  c.credit_reference_id = "CR-1";
  c.home_charging_compensation = false;
  c.last_updated = ts("2024-05-01T12:00:01Z");
  return c;
}

template <class T>
void expect_round_trip(const T& value) {
  for (Flavor f : {Flavor::ocpi221, Flavor::canonical}) {
    std::string json = encode(value, f);
    auto d = decode<T>(json);
    ASSERT_TRUE(d) << d.message() << "\n" << json;
    EXPECT_TRUE(*d.value == value) << json;
    EXPECT_EQ(encode(*d.value, f), json);
  }
}

// ---------------------------------------------------------------------------------------------

TEST(OcpiCodec, FullObjectsRoundTripInBothFlavors) {
  expect_round_trip(full_location());
  expect_round_trip(full_location().evses[0]);
  expect_round_trip(connector("7"));
  expect_round_trip(full_tariff());
  expect_round_trip(full_token());
  expect_round_trip(full_session());
  expect_round_trip(full_cdr());
  expect_round_trip(model::AuthorizationInfo{model::AllowedType::no_credit, full_token(),
                                             model::LocationReferences{"LOC-1", {"EVSE-1", "EVSE-2"}}, "AUTH-1",
                                             model::DisplayText{"en", "Top up"}});
  expect_round_trip(model::CommandResponse{model::CommandResponseType::rejected, 45, {{"en", "busy"}}});
  expect_round_trip(model::CommandResult{model::CommandResultType::evse_occupied, {{"en", "occupied"}}});
  model::ChargingProfile p{ts("2024-05-01T10:00:00Z"), 3600, model::ChargingRateUnit::a, dec("6.5"),
                           {{0, dec("16.0")}, {1800, dec("8")}}};
  expect_round_trip(p);
  expect_round_trip(model::SetChargingProfile{p, "https://emsp.example.com/cp/1"});
  expect_round_trip(model::ActiveChargingProfile{ts("2024-05-01T10:00:00Z"), p});
  expect_round_trip(model::ChargingProfileResponse{model::ChargingProfileResponseType::too_often, 20});
  expect_round_trip(model::ActiveChargingProfileResult{model::ChargingProfileResultType::accepted,
                                                       model::ActiveChargingProfile{ts("2024-05-01T10:00:00Z"), p}});
  expect_round_trip(model::ActiveChargingProfileResult{model::ChargingProfileResultType::unknown, std::nullopt});
  expect_round_trip(model::ChargingProfileResult{model::ChargingProfileResultType::rejected});
}

TEST(OcpiCodec, EncodesCompactInOcpiOrderWithoutAbsentOptionals) {
  model::CommandResponse r{model::CommandResponseType::accepted, 30, {}};
  EXPECT_EQ(encode(r), R"({"result":"ACCEPTED","timeout":30})");
  auto c = connector("1");
  c.max_electric_power.reset();
  c.tariff_ids.clear();
  c.terms_and_conditions.reset();
  c.last_updated = ts("2024-05-01T10:00:00Z");
  EXPECT_EQ(encode(c), R"({"id":"1","standard":"IEC_62196_T2_COMBO","format":"CABLE","power_type":"DC",)"
                       R"("max_voltage":920,"max_amperage":500,"last_updated":"2024-05-01T10:00:00Z"})");
  // Required arrays are written even when empty; the model's validation reports them.
  model::Tariff t = full_tariff();
  t.elements.clear();
  EXPECT_NE(encode(t).find(R"("elements":[])"), std::string::npos);
  auto d = decode<model::Tariff>(encode(t));
  EXPECT_TRUE(has_violation(d.errors, "elements", "at least one")) << d.message();
}

TEST(OcpiCodec, CanonicalFlavorCarriesEveryExtension) {
  model::Token t = full_token();
  t.valid_until = ts("2025-01-01T00:00:00Z");
  std::string canonical = encode(t, Flavor::canonical);
  std::string wire = encode(t, Flavor::ocpi221);
  EXPECT_NE(canonical.find(R"("x_hub_valid_until":"2025-01-01T00:00:00Z")"), std::string::npos) << canonical;
  EXPECT_EQ(wire.find("x_hub_"), std::string::npos) << wire;
  EXPECT_EQ(decode<model::Token>(canonical).value, t);
  EXPECT_FALSE(decode<model::Token>(wire).value->valid_until);

  model::EvseStatusUpdate u{"LOC-1", "EVSE-1", "DE*ABC*E123*1", model::EvseStatus::blocked,
                            ts("2024-05-01T10:05:00Z"), ts("2024-05-01T10:00:00Z")};
  canonical = encode(u);  // canonical is this type's default flavor
  for (const char* member : {"x_hub_location_id", "x_hub_evse_uid", "x_hub_evse_id", "x_hub_valid_until"}) {
    EXPECT_NE(canonical.find(member), std::string::npos) << member << " in " << canonical;
  }
  EXPECT_EQ(decode<model::EvseStatusUpdate>(canonical).value, u);
  EXPECT_EQ(encode(u, Flavor::ocpi221), R"({"status":"BLOCKED","last_updated":"2024-05-01T10:00:00Z"})");

  model::Cdr c = full_cdr();
  for (auto status : model::all_values<model::CdrStatus>()) {
    c.status = status;
    canonical = encode(c, Flavor::canonical);
    EXPECT_NE(canonical.find("\"x_hub_status\":\"" + std::string(model::to_string(status)) + "\""),
              std::string::npos);
    EXPECT_EQ(decode<model::Cdr>(canonical).value, c);
    EXPECT_EQ(encode(c, Flavor::ocpi221).find("x_hub_"), std::string::npos);
  }
}

std::vector<model::CommandRequest> all_commands() {
  return {
      model::StartSession{"https://emsp/cmd/1", full_token(), "LOC-1", "EVSE-1", "1", "AUTH-1"},
      model::StartSession{"https://emsp/cmd/1b", full_token(), "LOC-1", std::nullopt, std::nullopt, std::nullopt},
      model::StopSession{"https://emsp/cmd/2", "S1"},
      model::ReserveNow{"https://emsp/cmd/3", full_token(), ts("2024-05-01T11:00:00Z"), "R1", "LOC-1", "EVSE-1",
                        "AUTH-2"},
      model::CancelReservation{"https://emsp/cmd/4", "R1"},
      model::UnlockConnector{"https://emsp/cmd/5", "LOC-1", "EVSE-1", "1"},
  };
}

TEST(OcpiCodec, CommandRequests) {
  for (const auto& cmd : all_commands()) {
    auto type = model::command_type(cmd);
    SCOPED_TRACE(std::string(model::to_string(type)));
    std::string canonical = encode(cmd, Flavor::canonical);
    std::string wire = encode(cmd);
    EXPECT_NE(canonical.find("\"x_hub_command\":\"" + std::string(model::to_string(type)) + "\""), std::string::npos);
    EXPECT_EQ(wire.find("x_hub_"), std::string::npos);
    // The type from the URL, from x_hub_command, or recognised from the members.
    EXPECT_EQ(decode_command(type, wire).value, cmd);
    EXPECT_EQ(decode<model::CommandRequest>(canonical).value, cmd);
    EXPECT_EQ(decode<model::CommandRequest>(wire).value, cmd);
  }
  // The OCPI 2.2.1 StartSession body as the specification shows it.
  auto start = decode_command(model::CommandType::start_session, R"({
    "response_url": "https://www.server.com/ocpi/emsp/2.2.1/commands/START_SESSION/1234",
    "token": {"country_code": "NL", "party_id": "TST", "uid": "123abc", "type": "RFID",
              "contract_id": "NL-TST-C12345678-S", "issuer": "TestIssuer", "valid": true,
              "whitelist": "ALLOWED", "last_updated": "2019-06-23T08:16:02Z"},
    "location_id": "LOC1", "evse_uid": "3256", "connector_id": "1"})");
  ASSERT_TRUE(start) << start.message();
  EXPECT_EQ(std::get<model::StartSession>(*start.value).evse_uid, "3256");
  // A body for another command than the URL says.
  auto wrong = decode_command(model::CommandType::start_session, R"({"response_url":"https://x","session_id":"S1"})");
  EXPECT_FALSE(wrong);
  EXPECT_TRUE(has_violation(wrong.errors, "token", "required"));
  EXPECT_TRUE(has_violation(wrong.errors, "location_id", "required"));
  auto unknown = decode<model::CommandRequest>(R"({"response_url":"https://x","x_hub_command":"SELF_DESTRUCT"})");
  EXPECT_TRUE(has_violation(unknown.errors, "x_hub_command", "unknown value")) << unknown.message();
  auto unclear = decode<model::CommandRequest>(R"({"response_url":"https://x"})");
  EXPECT_TRUE(has_violation(unclear.errors, "x_hub_command", "required")) << unclear.message();
  // Model validation applies to command bodies.
  auto bad_token = decode_command(model::CommandType::reserve_now,
                                  replace(encode(all_commands()[3]), R"("party_id":"TNM")", R"("party_id":"TOOLONG")"));
  EXPECT_FALSE(bad_token);
  EXPECT_FALSE(bad_token.errors.empty());
}

TEST(OcpiCodec, DecimalsAreExact) {
  model::Session s = full_session();
  std::string json = encode(s);
  EXPECT_NE(json.find(R"("kwh":0.1,)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("excl_vat":1.50,"incl_vat":1.79)"), std::string::npos) << json;
  auto d = decode<model::Session>(json);
  ASSERT_TRUE(d);
  EXPECT_EQ(d.value->kwh.to_string(), "0.1");
  EXPECT_EQ(d.value->kwh, Decimal(1, 1));
  // Source text is kept, trailing zeros included; exponents are read exactly.
  for (auto [in, out] : {std::pair{"0.10", "0.10"}, std::pair{"1.5e2", "150"}, std::pair{"25E-3", "0.025"},
                         std::pair{"0.30000000000000004", "0.30000000000000004"}, std::pair{"-0", "0"},
                         std::pair{"123456789.123456789", "123456789.123456789"}}) {
    auto v = decode<model::Session>(replace(json, R"("kwh":0.1)", std::string(R"("kwh":)") + in),
                                    DecodeOptions{.validate = false});
    ASSERT_TRUE(v) << in << ": " << v.message();
    EXPECT_EQ(v.value->kwh.to_string(), out) << in;
  }
}

TEST(OcpiCodec, HugeNumbersAreViolations) {
  std::string json = encode(full_session());
  for (const char* huge : {"1e400", "123456789012345678901234567890", "0.0000000000000000000001", "-1e-400"}) {
    auto d = decode<model::Session>(replace(json, R"("kwh":0.1)", std::string(R"("kwh":)") + huge));
    EXPECT_FALSE(d) << huge;
    // 1e400 is already refused by the JSON reader (beyond any double); the others by Decimal.
    // Either way the violation names the member.
    EXPECT_TRUE(has_violation(d.errors, "kwh", std::string(huge) == "1e400" ? "too big" : "out of range"))
        << huge << ": " << d.message();
  }
  std::string loc = encode(full_location());
  for (const char* big : {"99999999999", "1e10", "-2147483649"}) {
    auto d = decode<model::Location>(replace(loc, R"("max_voltage":920)", std::string(R"("max_voltage":)") + big));
    EXPECT_TRUE(has_violation(d.errors, "evses[0].connectors[0].max_voltage", "out of range"))
        << big << ": " << d.message();
  }
  auto fraction = decode<model::Location>(replace(loc, R"("max_voltage":920)", R"("max_voltage":920.5)"));
  EXPECT_TRUE(has_violation(fraction.errors, "evses[0].connectors[0].max_voltage", "must be an integer"));
  auto integral = decode<model::Location>(replace(loc, R"("max_voltage":920)", R"("max_voltage":920.0)"));
  EXPECT_TRUE(integral) << integral.message();
}

TEST(OcpiCodec, WrongTypesMissingMembersUnknownEnumsBadTimestamps) {
  const std::string loc = encode(full_location());
  struct Case {
    std::string from;
    std::string to;
    std::string path;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {R"("max_voltage":920)", R"("max_voltage":"920")", "evses[0].connectors[0].max_voltage",
       "must be an integer, got a string"},
      {R"("publish":false)", R"("publish":"false")", "publish", "must be a boolean"},
      {R"("city":"Berlin")", R"("city":12)", "city", "must be a string, got a number"},
      {R"("coordinates":{"latitude":"52.520008")", R"("coordinates":["x"],"c":{"latitude":"52.520008")",
       "coordinates", "must be an object, got an array"},
      {R"("facilities":["CAFE","WIFI"])", R"("facilities":"CAFE")", "facilities", "must be an array"},
      {R"("facilities":["CAFE","WIFI"])", R"("facilities":["CAFE","SPA"])", "facilities[1]", "unknown value \"SPA\""},
      {R"("standard":"IEC_62196_T2_COMBO","format":"CABLE","power_type":"DC","max_voltage":920,"max_amperage":500,"max_electric_power":350000,"tariff_ids":["T1","T2"],"terms_and_conditions":"https://example.com/terms","last_updated":"2024-05-01T10:00:00.123Z"},{"id":"2","standard":"IEC_62196_T2_COMBO")",
       R"("standard":"IEC_62196_T2_COMBO","format":"CABLE","power_type":"DC","max_voltage":920,"max_amperage":500,"max_electric_power":350000,"tariff_ids":["T1","T2"],"terms_and_conditions":"https://example.com/terms","last_updated":"2024-05-01T10:00:00.123Z"},{"id":"2","standard":"TYPE_99")",
       "evses[0].connectors[1].standard", "unknown value \"TYPE_99\""},
      {R"("time_zone":"Europe/Berlin",)", "", "time_zone", "required"},
      {R"("time_zone":"Europe/Berlin")", R"("time_zone":null)", "time_zone", "required, got null"},
      {R"("Product"},"last_updated":"2024-05-01T10:00:00Z"})", R"("Product"},"last_updated":"yesterday"})",
       "last_updated",
       "not a valid date-time"},
      {R"("period_begin":"2024-12-24T08:00:00Z")", R"("period_begin":"2024-13-24T08:00:00Z")",
       "opening_times.exceptional_openings[0].period_begin", "not a valid date-time"},
      {R"("period_begin":"2024-12-24T08:00:00Z")", R"("period_begin":1719000000)",
       "opening_times.exceptional_openings[0].period_begin", "must be a date-time string"},
      {R"("percentage":60.5)", R"("percentage":"60.5")", "energy_mix.energy_sources[0].percentage",
       "must be a number, got a string"},
  };
  for (const auto& c : cases) {
    auto d = decode<model::Location>(replace(loc, c.from, c.to));
    EXPECT_FALSE(d) << c.path;
    EXPECT_TRUE(has_violation(d.errors, c.path, c.reason)) << c.path << " / " << c.reason << " -> " << d.message();
  }
  // Missing members inside arrays name the item.
  model::Location l = full_location();
  std::string no_standard = replace(loc, R"({"id":"2","standard":"IEC_62196_T2_COMBO",)", R"({"id":"2",)");
  auto d = decode<model::Location>(no_standard);
  EXPECT_TRUE(has_violation(d.errors, "evses[0].connectors[1].standard", "required")) << d.message();
  EXPECT_EQ(d.message().substr(0, 41), "evses[0].connectors[1].standard: required");
}

TEST(OcpiCodec, UnknownMembersAreIgnored) {
  std::string json = encode(full_token());
  json = replace(json, R"({"country_code")", R"({"x_vendor":{"deep":[1,2,{"a":null}]},"floor":-1,"country_code")");
  auto d = decode<model::Token>(json);
  ASSERT_TRUE(d) << d.message();
  EXPECT_EQ(*d.value, full_token());
}

TEST(OcpiCodec, ValidationIsOptional) {
  std::string json = replace(encode(full_token()), R"("country_code":"NL")", R"("country_code":"NLD")");
  auto strict = decode<model::Token>(json);
  EXPECT_FALSE(strict);
  EXPECT_TRUE(has_violation(strict.errors, "country_code", "2 letters")) << strict.message();
  auto lax = decode<model::Token>(json, DecodeOptions{.validate = false});
  ASSERT_TRUE(lax);
  EXPECT_EQ(lax.value->country_code, "NLD");
  // Objects without their own rules validate their parts, with the path of the part.
  auto auth = decode<model::AuthorizationInfo>(R"({"allowed":"ALLOWED","token":)" + json + "}");
  EXPECT_TRUE(has_violation(auth.errors, "token.country_code", "2 letters")) << auth.message();
}

TEST(OcpiCodec, SyntaxErrorsAndHostileInput) {
  for (std::string bad : {std::string(""), std::string("   "), std::string("{"), std::string("[]"),
                          std::string("null"), std::string("\"x\""), std::string("{\"a\":1,}"),
                          std::string("{\"a\":1} x"), std::string("{'a':1}"), std::string("{\"a\":NaN}"),
                          std::string("{\"a\":\"\xff\xfe\"}"), std::string("{\"a\":\"x\0y\"}", 11),
                          std::string("{\"a\":\"\\ud800\"}"),
                          // lone low surrogates by escape, as a value and as a key, and as raw bytes (ED B0 80)
                          std::string("{\"a\":\"\\udc00x\"}"), std::string("{\"\\udfff\":1}"),
                          std::string("{\"a\":\"x\\ud83d\\u0041\"}"), std::string("{\"a\":\"\xed\xb0\x80\"}"),
                          // invalid UTF-8 after a long ASCII stretch, and an overlong '/' (C0 AF)
                          std::string("{\"aaaaaaaaaaaaaaaaaaaaaaaa\":\"bbbbbbbbbbbbbbbbbbbbbbbbbbb\xe2\x82\"}"),
                          std::string("{\"a\":\"\xc0\xaf\"}")}) {
    auto d = decode<model::Token>(bad);
    EXPECT_FALSE(d) << bad;
    ASSERT_FALSE(d.errors.empty()) << bad;
    EXPECT_NE(d.errors[0].reason.find("JSON"), std::string::npos) << bad << ": " << d.message();
  }
  // Valid UTF-8 beyond ASCII is read as it is, and a surrogate pair by escape is one character
  // beyond the BMP.
  for (const auto& [issuer, expected] : std::vector<std::pair<std::string, std::string>>{
           {"Stadtwerke M\xc3\xbcnchen \xe2\x82\xac", "Stadtwerke M\xc3\xbcnchen \xe2\x82\xac"},
           {"\\ud83d\\ude00 \\u00fc", "\xf0\x9f\x98\x80 \xc3\xbc"}}) {
    auto token = decode<model::Token>(
        "{\"country_code\":\"DE\",\"party_id\":\"TST\",\"uid\":\"123abc\",\"type\":\"RFID\","
        "\"contract_id\":\"DE-TST-C12345678-S\",\"issuer\":\"" + issuer + "\",\"valid\":true,"
        "\"whitelist\":\"ALLOWED\",\"last_updated\":\"2019-06-23T08:16:02Z\"}");
    ASSERT_TRUE(token) << token.message();
    EXPECT_EQ(token.value->issuer, expected);
  }
  // A syntax error names the member where reading stopped.
  auto at_member = decode<model::Location>(R"({"evses":[{"uid":"1"},{"connectors":[{"max_voltage":-}]}]})");
  ASSERT_EQ(at_member.errors.size(), 1u);
  EXPECT_EQ(at_member.errors[0].path, "evses[1].connectors[0].max_voltage") << at_member.message();
  EXPECT_EQ(decode<model::Location>("{").errors[0].path, "");
  auto not_object = decode<model::Token>("[1,2]");
  EXPECT_EQ(not_object.message(), "must be a JSON object, got an array");
}

TEST(OcpiCodec, DeepNestingIsRefused) {
  std::string arrays = std::string(1000, '[') + std::string(1000, ']');
  std::string objects;
  for (int i = 0; i < 1000; ++i) {
    objects += R"({"a":)";
  }
  objects += "1" + std::string(1000, '}');
  std::string unterminated = std::string(100000, '[');
  for (const auto& doc : {arrays, objects, unterminated, R"({"x":)" + arrays + "}"}) {
    auto d = decode<model::Location>(doc);
    EXPECT_FALSE(d);
    ASSERT_EQ(d.errors.size(), 1u);
    EXPECT_NE(d.errors[0].reason.find("nested deeper than 64"), std::string::npos) << d.errors[0].reason;
    EXPECT_FALSE(merge_patch(doc, R"({"last_updated":"2024-05-01T10:00:00Z"})"));
  }
  // 64 levels are fine (an ignored member 63 levels deep inside the root object).
  std::string ok = R"({"x":)" + std::string(63, '[') + std::string(63, ']') + "}";
  auto d = decode<model::ChargingProfileResult>(replace(ok, "{", R"({"result":"ACCEPTED",)"));
  EXPECT_TRUE(d) << d.message();
  std::string too_deep = R"({"x":)" + std::string(64, '[') + std::string(64, ']') + "}";
  EXPECT_FALSE(decode<model::ChargingProfileResult>(replace(too_deep, "{", R"({"result":"ACCEPTED",)")));
}

TEST(OcpiCodec, TruncatedDocumentsNeverCrash) {
  const std::string json = encode(full_cdr(), Flavor::canonical);
  for (std::size_t n = 0; n < json.size(); ++n) {
    auto d = decode<model::Cdr>(std::string_view(json).substr(0, n));
    ASSERT_FALSE(d) << n;
    ASSERT_FALSE(d.errors.empty()) << n;
  }
  EXPECT_TRUE(decode<model::Cdr>(json));
}

TEST(OcpiCodec, MutatedDocumentsNeverCrash) {
  const std::string json = encode(full_location(), Flavor::canonical);
  std::mt19937 rng(20240501);
  const std::string alphabet = "{}[]\",:0123456789.eE-+ntfaluesr\\x\x80\xff";
  std::size_t decoded = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string m = json;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      std::size_t pos = rng() % m.size();
      switch (rng() % 3) {
        case 0:
          m[pos] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          m.erase(pos, 1 + rng() % 8);
          break;
        default:
          m.insert(pos, 1, alphabet[rng() % alphabet.size()]);
      }
    }
    auto d = decode<model::Location>(m);
    decoded += d ? 1 : 0;
    EXPECT_TRUE(d || !d.errors.empty());
    (void)d.message();
    (void)merge_patch(m, R"({"last_updated":"2024-05-01T10:00:00Z"})");
  }
  EXPECT_LT(decoded, 3000u);
}

TEST(OcpiCodec, MessageShowsFirstFiveViolations) {
  auto d = decode<model::Token>("{}");
  ASSERT_GT(d.errors.size(), 5u);
  std::string m = d.message();
  EXPECT_EQ(m.substr(0, 44), "country_code: required; party_id: required; ");
  EXPECT_NE(m.find("more"), std::string::npos) << m;
}

TEST(OcpiCodec, MergePatch) {
  const std::string stored =
      R"({"id":"1","kwh":0.10,"charging_periods":[{"a":1},{"b":2}],"total_cost":{"excl_vat":1.00,"incl_vat":1.21},)"
      R"("status":"ACTIVE","last_updated":"2024-05-01T10:00:00Z"})";
  auto merged = merge_patch(stored, R"({"kwh":0.20,"charging_periods":[{"c":3}],"total_cost":{"excl_vat":2.00},)"
                                    R"("new_member":true,"status":null,"last_updated":"2024-05-01T11:00:00Z"})");
  ASSERT_TRUE(merged);
  // Top-level replacement: arrays and objects as a whole, new members appended, null removes.
  EXPECT_EQ(*merged, R"({"id":"1","kwh":0.20,"charging_periods":[{"c":3}],"total_cost":{"excl_vat":2.00},)"
                     R"("last_updated":"2024-05-01T11:00:00Z","new_member":true})");
  auto missing = merge_patch(stored, R"({"kwh":1})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), make_error_code(Errc::invalid_request));
  EXPECT_EQ(merge_patch(stored, R"({"last_updated":12})").error(), make_error_code(Errc::invalid_request));
  EXPECT_EQ(merge_patch("[]", R"({"last_updated":"2024-05-01T11:00:00Z"})").error(),
            make_error_code(Errc::invalid_request));
  EXPECT_EQ(merge_patch(stored, "[]").error(), make_error_code(Errc::invalid_request));
  EXPECT_EQ(merge_patch(stored, "{").error(), make_error_code(Errc::invalid_request));
  // Patch, then decode: the way the OCPI PATCH handlers use it.
  model::Session s = full_session();
  auto patched = merge_patch(encode(s, Flavor::canonical),
                             R"({"kwh":12.5,"status":"COMPLETED","last_updated":"2024-05-01T12:30:00Z"})");
  ASSERT_TRUE(patched);
  auto d = decode<model::Session>(*patched);
  ASSERT_TRUE(d) << d.message();
  EXPECT_EQ(d.value->kwh.to_string(), "12.5");
  EXPECT_EQ(d.value->last_updated, ts("2024-05-01T12:30:00Z"));
  EXPECT_EQ(d.value->charging_periods, s.charging_periods);
  // A patch that breaks the object is caught when the merged document is decoded.
  patched = merge_patch(encode(s), R"({"status":"DONE","last_updated":"2024-05-01T12:30:00Z"})");
  ASSERT_TRUE(patched);
  EXPECT_TRUE(has_violation(decode<model::Session>(*patched).errors, "status", "unknown value"));
  // The JSON comparison helper agrees that the merge kept every other member.
  EXPECT_TRUE(json_diff(encode(s), *merge_patch(encode(s), R"({"last_updated":"2024-05-01T12:00:01Z"})")).empty());
}

TEST(OcpiCodec, EvseStatusUpdateFromOcpiPatchBody) {
  auto d = decode<model::EvseStatusUpdate>(R"({"status":"CHARGING","last_updated":"2019-06-24T12:39:09Z"})",
                                           DecodeOptions{.validate = false});
  ASSERT_TRUE(d) << d.message();
  EXPECT_EQ(d.value->status, model::EvseStatus::charging);
  // Without the EVSE identity (it travels in the URL) the model's validation complains.
  auto v = decode<model::EvseStatusUpdate>(R"({"status":"CHARGING","last_updated":"2019-06-24T12:39:09Z"})");
  EXPECT_TRUE(has_violation(v.errors, "evse_uid")) << v.message();
  auto bad = decode<model::EvseStatusUpdate>(R"({"status":"FREE","last_updated":"2019-06-24T12:39:09Z"})");
  EXPECT_TRUE(has_violation(bad.errors, "status", "unknown value \"FREE\""));
}

}  // namespace
}  // namespace hub::ocpi
