// SPDX-License-Identifier: GPL-2.0-or-later
#include <hub/model/ids.hpp>
#include <hub/model/party.hpp>
#include <hub/model/validate.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace {

using namespace hub::model;

Timestamp ts(const char* text) { return parse_timestamp(text).value(); }

bool has_path(const std::vector<Violation>& v, const std::string& path) {
  return std::any_of(v.begin(), v.end(), [&](const Violation& x) { return x.path == path; });
}

std::string paths(const std::vector<Violation>& v) {
  std::string out;
  for (const auto& x : v) {
    out += x.path + " (" + x.reason + "); ";
  }
  return out;
}

// ---- time stamps ---------------------------------------------------------------------------

TEST(Timestamp, ParsesTheSpellingsOcpiAndOchpUse) {
  auto z = ts("2015-06-29T20:39:09Z");
  EXPECT_EQ(format_timestamp(z), "2015-06-29T20:39:09Z");
  EXPECT_EQ(ts("2015-06-29T20:39:09"), z);  // no zone: UTC
  EXPECT_EQ(ts("2015-06-29T22:39:09+02:00"), z);
  EXPECT_EQ(ts("2015-06-29T22:39:09+0200"), z);
  EXPECT_EQ(ts("2015-06-29T18:39:09-02:00"), z);
  EXPECT_EQ(ts("2015-06-29 20:39:09z"), z);
  EXPECT_EQ(format_timestamp(ts("2015-06-29T20:39:09.123456Z")), "2015-06-29T20:39:09.123Z");
  EXPECT_EQ(format_timestamp(ts("2015-06-29T20:39:09.5Z")), "2015-06-29T20:39:09.500Z");
  EXPECT_EQ(format_timestamp(ts("2015-06-29T20:39:09.000Z")), "2015-06-29T20:39:09Z");
  EXPECT_EQ(format_timestamp(ts("0999-01-02T03:04:05.005Z")), "0999-01-02T03:04:05.005Z");
  EXPECT_EQ(format_timestamp(ts("2099-12-31T23:59:59.990Z")), "2099-12-31T23:59:59.990Z");
  EXPECT_EQ(ts("2024-02-29T00:00:00Z").unix_ms(), 1709164800000);
  EXPECT_EQ(Timestamp::from_unix_ms(1709164800000), ts("2024-02-29T00:00:00Z"));
}

TEST(Timestamp, RefusesMalformedInput) {
  for (const char* bad : {"", "2015-06-29", "2015-06-29T20:39", "2015-13-01T00:00:00Z", "2015-02-30T00:00:00Z",
                          "2015-06-29T24:00:00Z", "2015-06-29T20:60:00Z", "2015-06-29T20:39:09.Z",
                          "2015-06-29T20:39:09+2", "2015-06-29T20:39:09Zjunk", "15-06-29T20:39:09Z",
                          "2015/06/29T20:39:09Z", "2015-06-29T20:39:09+25:00"}) {
    EXPECT_FALSE(parse_timestamp(bad)) << bad;
  }
}

// ---- decimals -------------------------------------------------------------------------------

TEST(Decimal, KeepsTheExactValueAsWritten) {
  EXPECT_EQ(Decimal::parse("0.1")->to_string(), "0.1");
  EXPECT_EQ(Decimal::parse("1.10")->to_string(), "1.10");
  EXPECT_EQ(Decimal::parse("-3")->to_string(), "-3");
  EXPECT_EQ(Decimal::parse("+2.5")->to_string(), "2.5");
  EXPECT_EQ(Decimal::parse("0.005")->to_string(), "0.005");
  EXPECT_EQ(Decimal::parse("-0.25")->to_string(), "-0.25");
  EXPECT_EQ(Decimal::parse("12345678.123456")->to_string(), "12345678.123456");
  EXPECT_EQ(*Decimal::parse("1.10"), *Decimal::parse("1.1"));
  EXPECT_LT(*Decimal::parse("0.09"), *Decimal::parse("0.1"));
  EXPECT_GT(*Decimal::parse("-0.09"), *Decimal::parse("-0.1"));
  EXPECT_DOUBLE_EQ(Decimal::parse("0.25")->to_double(), 0.25);
  EXPECT_EQ(Decimal::from_int(7).to_string(), "7");
}

TEST(Decimal, FromDoubleRoundsWithoutFloatNoise) {
  EXPECT_EQ(Decimal::from_double(0.1 + 0.2, 6).to_string(), "0.3");
  EXPECT_EQ(Decimal::from_double(0.24999999, 4).to_string(), "0.25");
  EXPECT_EQ(Decimal::from_double(-1.005, 2).to_string(), "-1");
  EXPECT_EQ(Decimal::from_double(12.0, 3).to_string(), "12");
  EXPECT_EQ(Decimal::from_double(std::numeric_limits<double>::quiet_NaN()).to_string(), "0");
  EXPECT_EQ(Decimal::from_double(1e300).to_string(), "0");
}

TEST(Decimal, RefusesWhatIsNotAPlainDecimal) {
  for (const char* bad : {"", "-", ".", "1.", "1e3", "1,5", " 1", "1 ", "0x10", "1.2.3", "--1",
                          "99999999999999999999", "0.1234567890123456789"}) {
    EXPECT_FALSE(Decimal::parse(bad)) << bad;
  }
}

// ---- enums ----------------------------------------------------------------------------------

template <class E>
void round_trips() {
  std::set<std::string_view> names;
  for (auto v : all_values<E>()) {
    auto name = to_string(v);
    EXPECT_FALSE(name.empty());
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_EQ(enum_from_string<E>(name), v) << name;
  }
  EXPECT_FALSE(enum_from_string<E>("NO_SUCH_VALUE"));
}

TEST(Enums, EveryValueRoundTripsThroughItsWireSpelling) {
  round_trips<EvseStatus>();
  round_trips<Capability>();
  round_trips<ConnectorType>();
  round_trips<ConnectorFormat>();
  round_trips<PowerType>();
  round_trips<ParkingRestriction>();
  round_trips<ParkingType>();
  round_trips<Facility>();
  round_trips<TokenType>();
  round_trips<ImageCategory>();
  round_trips<EnergySourceCategory>();
  round_trips<EnvironmentalImpactCategory>();
  round_trips<TariffType>();
  round_trips<TariffDimensionType>();
  round_trips<DayOfWeek>();
  round_trips<ReservationRestrictionType>();
  round_trips<WhitelistType>();
  round_trips<AllowedType>();
  round_trips<ProfileType>();
  round_trips<SessionStatus>();
  round_trips<AuthMethod>();
  round_trips<CdrDimensionType>();
  round_trips<CdrStatus>();
  round_trips<CommandType>();
  round_trips<CommandResponseType>();
  round_trips<CommandResultType>();
  round_trips<ChargingRateUnit>();
  round_trips<ChargingProfileResponseType>();
  round_trips<ChargingProfileResultType>();
  EXPECT_EQ(to_string(ConnectorType::iec_62196_t2_combo), "IEC_62196_T2_COMBO");
  EXPECT_EQ(to_string(ConnectorType::iec_60309_2_three_32), "IEC_60309_2_three_32");
  EXPECT_EQ(to_string(EvseStatus::outoforder), "OUTOFORDER");
  EXPECT_EQ(all_values<EvseStatus>().size(), 9u);
  EXPECT_EQ(all_values<ConnectorType>().size(), 40u);
}

// ---- validation -----------------------------------------------------------------------------

Connector connector() {
  Connector c;
  c.id = "1";
  c.standard = ConnectorType::iec_62196_t2;
  c.format = ConnectorFormat::cable;
  c.power_type = PowerType::ac_3_phase;
  c.max_voltage = 230;
  c.max_amperage = 32;
  c.tariff_ids = {"12"};
  c.last_updated = ts("2015-06-29T20:39:09Z");
  return c;
}

Location location() {
  Location l;
  l.country_code = "BE";
  l.party_id = "BEC";
  l.id = "LOC1";
  l.name = "Gent Zuid";
  l.address = "F.Rooseveltlaan 3A";
  l.city = "Gent";
  l.postal_code = "9000";
  l.country = "BEL";
  l.coordinates = {"51.047599", "3.729944"};
  l.time_zone = "Europe/Brussels";
  Evse e;
  e.uid = "3256";
  e.evse_id = "BE*BEC*E041503001";
  e.status = EvseStatus::available;
  e.capabilities = {Capability::reservable};
  e.connectors = {connector()};
  e.last_updated = ts("2015-06-29T20:39:09Z");
  l.evses = {e};
  l.last_updated = ts("2015-06-29T20:39:09Z");
  return l;
}

TEST(Validate, AcceptsACompleteLocation) {
  auto v = validate(location());
  EXPECT_TRUE(v.empty()) << paths(v);
}

TEST(Validate, LocationRulesNameTheField) {
  auto l = location();
  l.country_code = "BEL";
  l.id = "";
  l.address = std::string(256, 'a');
  l.state = std::string(46, 's');
  l.country = "BE";
  l.coordinates.latitude = "51.04";
  l.time_zone = "";
  l.evses[0].connectors[0].max_voltage = 0;
  l.evses[0].evse_id = "not an evse id";
  l.evses.push_back(l.evses[0]);  // duplicate uid
  l.evses[1].connectors.clear();
  auto v = validate(l);
  for (const char* path : {"country_code", "id", "address", "state", "country", "coordinates.latitude", "time_zone",
                           "evses[0].connectors[0].max_voltage", "evses[0].evse_id", "evses[1].uid",
                           "evses[1].connectors"}) {
    EXPECT_TRUE(has_path(v, path)) << path << " not in " << paths(v);
  }
  // The errata lengths are accepted: address up to 255, state up to 45.
  auto ok = location();
  ok.address = std::string(255, 'a');
  ok.state = std::string(45, 's');
  EXPECT_TRUE(validate(ok).empty()) << paths(validate(ok));
}

TEST(Validate, OpeningTimesAndPublishRules) {
  auto l = location();
  l.opening_times = Hours{};
  l.opening_times->regular_hours = {{8, "25:00", "18:00"}};
  l.publish_allowed_to = {PublishTokenType{}};
  auto v = validate(l);
  EXPECT_TRUE(has_path(v, "opening_times.regular_hours[0].weekday")) << paths(v);
  EXPECT_TRUE(has_path(v, "opening_times.regular_hours[0].period_begin")) << paths(v);
  EXPECT_TRUE(has_path(v, "publish_allowed_to")) << paths(v);
}

Tariff tariff() {
  Tariff t;
  t.country_code = "DE";
  t.party_id = "ABC";
  t.id = "T1";
  t.currency = "EUR";
  TariffElement e;
  e.price_components = {PriceComponent{TariffDimensionType::energy, *Decimal::parse("0.25"), *Decimal::parse("19"), 1}};
  t.elements = {e};
  t.last_updated = ts("2015-06-29T20:39:09Z");
  return t;
}

TEST(Validate, TariffRules) {
  EXPECT_TRUE(validate(tariff()).empty()) << paths(validate(tariff()));
  auto t = tariff();
  t.currency = "eur";
  t.elements[0].price_components[0].price = *Decimal::parse("-1");
  t.elements[0].price_components[0].step_size = -1;
  t.elements[0].restrictions = TariffRestrictions{};
  t.elements[0].restrictions->start_time = "7:00";
  t.elements[0].restrictions->start_date = "2015/01/01";
  t.elements[0].restrictions->min_kwh = *Decimal::parse("10");
  t.elements[0].restrictions->max_kwh = *Decimal::parse("5");
  auto v = validate(t);
  for (const char* path : {"currency", "elements[0].price_components[0].price", "elements[0].price_components[0].step_size",
                           "elements[0].restrictions.start_time", "elements[0].restrictions.start_date",
                           "elements[0].restrictions.max_kwh"}) {
    EXPECT_TRUE(has_path(v, path)) << path << " not in " << paths(v);
  }
  auto empty = tariff();
  empty.elements.clear();
  EXPECT_TRUE(has_path(validate(empty), "elements"));
}

Token token() {
  Token t;
  t.country_code = "DE";
  t.party_id = "8AA";
  t.uid = "012345678";
  t.type = TokenType::rfid;
  t.contract_id = "DE8AACA2B3C4D5X";
  t.issuer = "TheNewMotion";
  t.whitelist = WhitelistType::allowed;
  t.last_updated = ts("2018-12-10T17:25:10Z");
  return t;
}

TEST(Validate, TokenRules) {
  EXPECT_TRUE(validate(token()).empty());
  auto t = token();
  t.uid = std::string(37, 'x');
  t.contract_id = "";
  t.issuer = "";
  t.language = "eng";
  auto v = validate(t);
  for (const char* path : {"uid", "contract_id", "issuer", "language"}) {
    EXPECT_TRUE(has_path(v, path)) << path << " not in " << paths(v);
  }
}

Cdr cdr() {
  Cdr c;
  c.country_code = "BE";
  c.party_id = "BEC";
  c.id = "12345";
  c.start_date_time = ts("2015-06-29T21:39:09Z");
  c.end_date_time = ts("2015-06-29T23:37:32Z");
  c.cdr_token = CdrToken{"DE", "8AA", "012345678", TokenType::rfid, "DE8AACA2B3C4D5X"};
  c.auth_method = AuthMethod::whitelist;
  c.cdr_location.id = "LOC1";
  c.cdr_location.address = "F.Rooseveltlaan 3A";
  c.cdr_location.city = "Gent";
  c.cdr_location.country = "BEL";
  c.cdr_location.coordinates = {"3.729944", "51.047599"};
  c.cdr_location.evse_uid = "3256";
  c.cdr_location.evse_id = "BE*BEC*E041503003";
  c.cdr_location.connector_id = "1";
  c.currency = "EUR";
  ChargingPeriod p;
  p.start_date_time = c.start_date_time;
  p.dimensions = {CdrDimension{CdrDimensionType::energy, *Decimal::parse("15.342")}};
  c.charging_periods = {p};
  c.total_cost = Price{*Decimal::parse("4.00"), *Decimal::parse("4.40")};
  c.total_energy = *Decimal::parse("15.342");
  c.total_time = *Decimal::parse("1.973");
  c.last_updated = c.end_date_time;
  return c;
}

TEST(Validate, CdrRulesIncludingSignedData) {
  EXPECT_TRUE(validate(cdr()).empty()) << paths(validate(cdr()));
  auto c = cdr();
  c.end_date_time = ts("2015-06-29T20:00:00Z");
  c.currency = "EURO";
  c.total_cost.incl_vat = *Decimal::parse("3.00");
  c.charging_periods[0].dimensions.clear();
  c.signed_data = SignedData{};
  c.credit = true;
  c.cdr_location.evse_id = "";
  auto v = validate(c);
  for (const char* path : {"end_date_time", "currency", "total_cost.incl_vat", "charging_periods[0].dimensions",
                           "signed_data.encoding_method", "signed_data.signed_values", "credit_reference_id",
                           "cdr_location.evse_id"}) {
    EXPECT_TRUE(has_path(v, path)) << path << " not in " << paths(v);
  }
  auto signed_ok = cdr();
  signed_ok.signed_data = SignedData{"OCMF", 1, std::string("pk"), {SignedValue{"Start", std::string(5000, 'p'), "sig"}}, {}};
  EXPECT_TRUE(validate(signed_ok).empty()) << paths(validate(signed_ok));
  // The signed data is kept verbatim: the model never touches its bytes.
  EXPECT_EQ(signed_ok.signed_data->signed_values[0].plain_data.size(), 5000u);
}

TEST(Validate, SessionRules) {
  Session s;
  s.country_code = "BE";
  s.party_id = "BEC";
  s.id = "101";
  s.start_date_time = ts("2015-06-29T22:39:09Z");
  s.kwh = *Decimal::parse("0.00");
  s.cdr_token = CdrToken{"DE", "8AA", "012345678", TokenType::rfid, "DE8AACA2B3C4D5X"};
  s.location_id = "LOC1";
  s.evse_uid = "3256";
  s.connector_id = "1";
  s.currency = "EUR";
  s.status = SessionStatus::pending;
  EXPECT_TRUE(validate(s).empty()) << paths(validate(s));
  s.kwh = *Decimal::parse("-1");
  s.end_date_time = ts("2015-06-29T20:00:00Z");
  s.cdr_token.uid = "";
  auto v = validate(s);
  for (const char* path : {"kwh", "end_date_time", "cdr_token.uid"}) {
    EXPECT_TRUE(has_path(v, path)) << path << " not in " << paths(v);
  }
}

TEST(Validate, CommandsAndProfiles) {
  StartSession start;
  start.response_url = "https://emsp.example.com/commands/START_SESSION/1";
  start.token = token();
  start.location_id = "LOC1";
  start.connector_id = "1";  // without evse_uid: invalid
  auto v = validate(CommandRequest{start});
  EXPECT_TRUE(has_path(v, "evse_uid")) << paths(v);
  start.evse_uid = "3256";
  EXPECT_TRUE(validate(CommandRequest{start}).empty());
  EXPECT_EQ(command_type(CommandRequest{start}), CommandType::start_session);
  EXPECT_EQ(command_type(CommandRequest{StopSession{"u", "s"}}), CommandType::stop_session);
  auto stop = validate(CommandRequest{StopSession{"", ""}});
  EXPECT_TRUE(has_path(stop, "response_url"));
  EXPECT_TRUE(has_path(stop, "session_id"));

  ChargingProfile p;
  p.charging_profile_period = {{0, *Decimal::parse("11000")}, {0, *Decimal::parse("-1")}};
  auto pv = validate(p);
  EXPECT_TRUE(has_path(pv, "charging_profile_period[1].start_period")) << paths(pv);
  EXPECT_TRUE(has_path(pv, "charging_profile_period[1].limit")) << paths(pv);
}

TEST(Validate, LiveStatusNeedsAnEvse) {
  EvseStatusUpdate s;
  EXPECT_TRUE(has_path(validate(s), "evse_uid"));
  s.evse_id = "DE*ABC*E123*1";
  EXPECT_TRUE(validate(s).empty());
  s.evse_id = "nonsense";
  EXPECT_TRUE(has_path(validate(s), "evse_id"));
}

// ---- ids and parties ------------------------------------------------------------------------

TEST(Ids, Emi3SpellingsNameTheSameParty) {
  for (auto p : {"DE*ABC", "DEABC", "DE-ABC", "de*abc"}) {
    auto ref = parse_party_prefix(p);
    ASSERT_TRUE(ref) << p;
    EXPECT_EQ(ref->emi3(), "DE*ABC");
  }
  EXPECT_FALSE(parse_party_prefix("DE*AB"));
  EXPECT_FALSE(parse_party_prefix("D1*ABC"));
  EXPECT_FALSE(parse_party_prefix("DE*ABC*"));
  for (auto e : {"DE*ABC*E123*1", "DEABCE1231", "DE-ABC-E123-1"}) {
    EXPECT_EQ(evse_id_operator(e)->emi3(), "DE*ABC") << e;
  }
  EXPECT_EQ(*normalize_evse_id("de-abc-e123-1"), "DE*ABC*E123*1");
  EXPECT_FALSE(evse_id_operator("DE*ABC*123"));  // the id part of an EVSE id starts with E
  EXPECT_FALSE(evse_id_operator("DE*ABCE123"));  // mixed separated and unseparated
  for (auto c : {"DE*8AA*CA2B3C4D5*X", "DE8AACA2B3C4D5X", "DE-8AA-CA2B3C4D5-X"}) {
    EXPECT_EQ(contract_id_provider(c)->emi3(), "DE*8AA") << c;
  }
  EXPECT_EQ(*normalize_contract_id("de-8aa-ca2b3c4d5-x"), "DE*8AA*CA2B3C4D5*X");
  EXPECT_FALSE(contract_id_provider("DE"));
  EXPECT_FALSE(normalize_contract_id("DE*8AA*CA 2B"));
}

TEST(Ids, RolesRoundTrip) {
  for (auto r : {Role::cpo, Role::emsp, Role::hub, Role::nap, Role::nsp, Role::other, Role::scsp}) {
    EXPECT_EQ(role_from_string(to_string(r)), r);
  }
  EXPECT_FALSE(role_from_string("cpo"));
  EXPECT_EQ(make_party_ref("de", "abc")->party_id, "ABC");
  EXPECT_FALSE(make_party_ref("DEU", "ABC"));
  EXPECT_FALSE(make_party_ref("DE", "A-C"));
}

TEST(Party, ValidationRules) {
  Party p;
  p.name = "x";
  p.protocol = Protocol::ocpi;
  p.roles = {{Role::cpo, {"DE", "ABC"}}};
  EXPECT_EQ(validate(p), "");
  auto no_name = p;
  no_name.name.clear();
  EXPECT_NE(validate(no_name), "");
  auto dup = p;
  dup.roles.push_back(dup.roles[0]);
  EXPECT_NE(validate(dup), "");
  auto hub_role = p;
  hub_role.roles = {{Role::hub, {"DE", "ABC"}}};
  EXPECT_NE(validate(hub_role), "");
  auto ochp = p;
  ochp.protocol = Protocol::ochp;
  EXPECT_NE(validate(ochp), "");  // credentials missing
  ochp.ochp.username = "u";
  ochp.ochp.password_hash = "h";
  EXPECT_EQ(validate(ochp), "");
  ochp.roles = {{Role::nsp, {"DE", "ABC"}}};
  EXPECT_NE(validate(ochp), "");
  EXPECT_EQ(protocol_from_string("ochp"), Protocol::ochp);
  EXPECT_EQ(party_status_from_string("suspended"), PartyStatus::suspended);
  EXPECT_FALSE(party_status_from_string("gone"));
}

}  // namespace
