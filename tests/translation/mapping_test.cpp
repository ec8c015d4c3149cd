// SPDX-License-Identifier: GPL-2.0-or-later
// OCHP 1.4 <-> hub::model mapping tests.
//
// OCPI first: every official OCPI 2.2.1 location, token, CDR and tariff example (read from
// HUB_SHARED_SPEC_DIR, never copied) goes OCPI JSON -> model -> OCHP -> SOAP request XML (the
// real codec, serialize_request + parse_request) -> OCHP -> model -> OCPI JSON. Each example
// lists the Loss vector the P->O mapping must report (compared exactly); every difference
// between the final and the original JSON must lie under a lost field or under a path listed
// as "respelled" (same value in the target's spelling, e.g. contract ids) or "derived" (a
// value OCPI requires or carries that the reverse mapping computes, e.g. max_electric_power).
//
// OCHP first: hand-written OCHP messages covering every optional field go OCHP -> model ->
// OCPI JSON (canonical flavour, what the hub stores) -> model -> OCHP and must equal the
// original after the listed, explicitly applied losses.
#include "json_compare.hpp"

#include <hub/model/ids.hpp>
#include <ochp/codec.hpp>
#include <ochp/mapping.hpp>
#include <ocpi/codec.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace hub::ochp {

void PrintTo(const Loss& l, std::ostream* os) { *os << "{" << l.object << ", " << l.field << "}"; }

namespace {

namespace fs = std::filesystem;

/// XML text of a request, for readable comparisons of OCHP objects.
template <class R>
std::string xml_of(const R& r) {
  std::string xml = serialize_request(Request{r});
  std::string out;
  for (std::size_t i = 0; i < xml.size(); ++i) {
    out += xml[i];
    if (xml[i] == '>' && i + 1 < xml.size() && xml[i + 1] == '<') {
      out += '\n';
    }
  }
  return out;
}
using model::Decimal;

std::string examples_dir() { return std::string(HUB_SHARED_SPEC_DIR) + "/ocpi-2.2.1/examples"; }

#define REQUIRE_EXAMPLES()                                                                          \
  if (!fs::is_directory(examples_dir())) {                                                          \
    GTEST_SKIP() << "official OCPI 2.2.1 examples not found in " << examples_dir()                  \
                 << " (configure HUB_SHARED_SPEC_DIR to point at the shared spec folder)";           \
  }

std::string read(const std::string& name) {
  std::ifstream in(examples_dir() + "/" + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

template <class T>
T decode_ok(const std::string& json) {
  auto d = ocpi::decode<T>(json);
  EXPECT_TRUE(d) << d.message();
  return d ? *d.value : T{};
}

[[maybe_unused]] model::Timestamp ts(const char* s) { return *model::parse_timestamp(s); }
[[maybe_unused]] Decimal dec(const char* s) { return *Decimal::parse(s); }

std::string show(const std::vector<Loss>& losses) {
  std::string out;
  for (const auto& l : losses) {
    out += "    {\"" + l.object + "\", \"" + l.field + "\"},\n";
  }
  return out;
}

/// The request through the real codec: serialize_request -> parse_request.
template <class R>
R through_xml(const R& request) {
  auto xml = serialize_request(Request{request});
  auto parsed = parse_request(xml);
  EXPECT_TRUE(parsed) << xml;
  if (!parsed) {
    return R{};
  }
  EXPECT_TRUE(std::holds_alternative<R>(parsed->request));
  return std::get<R>(parsed->request);
}

/// Every json_diff line must lie under one of `allowed` (a path prefix at a '.' or '[' boundary).
void expect_diff_covered(const std::string& name, const std::string& original, const std::string& final_json,
                         const std::vector<std::string>& allowed) {
  for (const auto& line : ocpi::test::json_diff(original, final_json)) {
    auto path = line.substr(0, line.find(": "));
    bool covered = false;
    for (const auto& a : allowed) {
      if (path == a || (path.rfind(a, 0) == 0 && (path[a.size()] == '.' || path[a.size()] == '['))) {
        covered = true;
      }
    }
    EXPECT_TRUE(covered) << name << ": difference not covered by a listed loss: " << line;
  }
}

std::vector<std::string> paths(const std::vector<Loss>& losses, std::vector<std::string> extra = {}) {
  for (const auto& l : losses) {
    extra.push_back(l.field);
  }
  return extra;
}

// ================================================================== locations (OCPI first)

struct LocationCase {
  std::string file;
  std::vector<Loss> losses;
  std::vector<std::string> derived;  ///< JSON paths the reverse mapping computes
};

const Owner kOwnerBEC{"BE", "BEC", "BeCharged"};

void location_round_trip(const LocationCase& c, const std::string& json) {
  auto loc = decode_ok<model::Location>(json);
  auto ochp = to_ochp(loc);
  ASSERT_TRUE(ochp) << c.file << ": " << (ochp.refusal ? ochp.refusal->reason : "");
  EXPECT_EQ(ochp.losses, c.losses) << c.file << " losses:\n" << show(ochp.losses);
  EXPECT_TRUE(ochp.skipped.empty());
  auto request = through_xml(SetChargePointListRequest{*ochp.value});
  EXPECT_EQ(request.charge_point_info_array, *ochp.value) << c.file;
  auto back = to_model(request.charge_point_info_array, Owner{loc.country_code, loc.party_id, ""}, loc.last_updated);
  ASSERT_TRUE(back) << c.file;
  ASSERT_EQ(back.value->size(), 1u);
  auto final_json = ocpi::encode(back.value->front());
  EXPECT_TRUE(ocpi::decode<model::Location>(final_json)) << final_json;
  expect_diff_covered(c.file, json, final_json, paths(c.losses, c.derived));
}

std::string with_members(const std::string& object, const std::string& members) {
  auto brace = object.find('{');
  return object.substr(0, brace + 1) + members + "," + object.substr(brace + 1);
}

/// uc3..uc5 are unpublished: refused; their other fields are round-tripped with publish=true.
std::string published(const std::string& json) {
  auto loc = decode_ok<model::Location>(json);
  loc.publish = true;
  loc.publish_allowed_to.clear();
  return ocpi::encode(loc);
}

TEST(LocationExamples, RoundTrip) {
  REQUIRE_EXAMPLES();
  const std::vector<LocationCase> cases = {
      {"location_example.json",
       {
          {"Location", "operator"},
          {"Evse", "evses[0].uid"},
          {"Evse", "evses[0].status"},
          {"Evse", "evses[0].floor_level"},
          {"Evse", "evses[0].physical_reference"},
          {"Connector", "evses[0].connectors[0].last_updated"},
          {"Connector", "evses[0].connectors[1].last_updated"},
          {"Evse", "evses[1].uid"},
          {"Evse", "evses[1].status"},
          {"Evse", "evses[1].floor_level"},
          {"Evse", "evses[1].physical_reference"},
       },
       {"evses[0].connectors[0].max_electric_power", "evses[0].connectors[1].max_electric_power",
        "evses[1].connectors[0].max_electric_power"}},
      {"location_example_parking_garage_opening_hours.json",
       {
          {"Location", "id"},
          {"Evse", "evses[0].uid"},
          {"Evse", "evses[0].status"},
       },
       {"evses[0].connectors[0].max_electric_power"}},
      {"location_example_uc2_destination_charger.json",
       {
          {"Location", "id"},
          {"Evse", "evses[0].uid"},
          {"Evse", "evses[0].status"},
       },
       {"evses[0].connectors[0].max_electric_power"}},
      {"location_example_uc3_destination_charger_not_published.json",
       {
          {"Location", "id"},
          {"Evse", "evses[0].uid"},
          {"Evse", "evses[0].status"},
       },
       {"evses[0].connectors[0].max_electric_power"}},
      {"location_example_uc4_limited_visibility.json",
       {
          {"Location", "id"},
          {"Evse", "evses[0].uid"},
          {"Evse", "evses[0].status"},
       },
       {"evses[0].connectors[0].max_electric_power"}},
      {"location_example_uc5_home_charge_point.json",
       {
          {"Location", "id"},
          {"Location", "name"},
          {"Evse", "evses[0].uid"},
          {"Evse", "evses[0].status"},
       },
       {"evses[0].connectors[0].max_electric_power", "name"}},
  };
  for (const auto& c : cases) {
    auto json = read(c.file);
    auto loc = decode_ok<model::Location>(json);
    if (!loc.publish) {
      auto refused = to_ochp(loc);
      ASSERT_FALSE(refused) << c.file;
      EXPECT_EQ(refused.refusal->field, "publish");
      json = published(json);
    }
    location_round_trip(c, json);
  }
}

TEST(LocationRefusals, EvseWithoutEvseId) {
  model::Location loc;
  loc.country_code = "DE";
  loc.party_id = "ABC";
  loc.id = "LOC1";
  loc.name = "Site";
  loc.address = "Street 1";
  loc.city = "Berlin";
  loc.postal_code = "10115";
  loc.country = "DEU";
  loc.coordinates = {"52.520008", "13.404954"};
  loc.time_zone = "Europe/Berlin";
  model::Evse evse;
  evse.uid = "1";
  evse.connectors.push_back(model::Connector{"1", model::ConnectorType::iec_62196_t2, model::ConnectorFormat::socket,
                                             model::PowerType::ac_3_phase, 230, 16});
  loc.evses.push_back(evse);
  auto single = to_ochp(loc, loc.evses[0]);
  ASSERT_FALSE(single);
  EXPECT_EQ(single.refusal->field, "evse_id");
  auto all = to_ochp(loc);
  ASSERT_FALSE(all);
  EXPECT_EQ(all.refusal->field, "evses");
  ASSERT_EQ(all.skipped.size(), 1u);
  EXPECT_EQ(all.skipped[0].field, "evses[0].evse_id");
  EXPECT_EQ(all.losses, (std::vector<Loss>{{"Evse", "evses[0].evse_id"}}));

  // A second EVSE with an id is exported; the first is reported as lost.
  auto good = evse;
  good.uid = "DE*ABC*E1";
  good.evse_id = "de-abc-e1";
  loc.evses.push_back(good);
  auto partial = to_ochp(loc);
  ASSERT_TRUE(partial);
  ASSERT_EQ(partial.value->size(), 1u);
  EXPECT_EQ(partial.value->at(0).evse_id, "DE*ABC*E1");  // eMI3 spelling with '*'
  EXPECT_EQ(partial.losses.front(), (Loss{"Evse", "evses[0].evse_id"}));

  // Only OCPI connector standards without an OCHP value: refused.
  loc.evses[1].connectors[0].standard = model::ConnectorType::nema_5_20;
  EXPECT_EQ(to_ochp(loc, loc.evses[1]).refusal->field, "connectors");
  // No postal code: OCHP requires a zipCode.
  loc.evses[1].connectors[0].standard = model::ConnectorType::iec_62196_t2;
  loc.postal_code.reset();
  EXPECT_EQ(to_ochp(loc).refusal->field, "postal_code");
}

// ================================================================== charge points (OCHP first)

ChargePointInfo full_point() {
  ChargePointInfo cp;
  cp.evse_id = "DE*ABC*E123456*1";
  cp.location_id = "BERLIN HBF 1";
  cp.timestamp = "2024-05-01T10:00:00Z";
  cp.location_name = "Hauptbahnhof";
  cp.location_name_lang = "DEU";
  cp.images = {{"https://img.example.com/site.png", "https://img.example.com/site-t.png", "locationPhoto", "png", 800,
                600},
               {"https://img.example.com/evse1.jpg", std::nullopt, "stationPhoto", "jpg", std::nullopt, std::nullopt}};
  cp.related_resource = {{"https://example.com/info", "stationInfo"}};
  cp.charge_point_address = {"12", "Europaplatz", "Berlin", "10557", "DEU"};
  cp.charge_point_location = {"52.525083", "13.369402"};
  cp.related_location = {{"52.525500", "13.369000", "Eingang Nord", "entrance"}};
  cp.time_zone = "Europe/Berlin";
  Hours h;
  for (int d = 1; d <= 5; ++d) {
    h.regular_hours.push_back({d, "08:00", "20:00"});
  }
  h.regular_hours.push_back({6, "08:00", "24:00"});
  h.exceptional_openings = {{"2024-12-26T08:00:00Z", "2024-12-26T12:00:00Z"}};
  h.exceptional_closings = {{"2024-12-24T00:00:00Z", "2024-12-25T00:00:00Z"}};
  h.closed_charging = true;
  cp.opening_times = h;
  cp.status = "Inoperative";
  cp.status_schedule = {{"2024-06-01T00:00:00Z", "2024-06-02T00:00:00Z", "Operative"}};
  cp.telephone_number = "+49 30 1234567";
  cp.location = "parking-garage";
  cp.parking_spot = {{"DE*ABC*P1", {"evonly"}, "-1", "12"}};
  cp.restriction = {"evonly", "carsharing"};
  cp.auth_methods = {"RfidMifareCls", "RfidMifareDes", "DirectCreditcard", "OchpDirectAuth", "Iec15118"};
  cp.connectors = {{"IEC_62196_T2_COMBO", "Cable", "DE*ABC*T1"}, {"Chademo", "Cable", std::nullopt}};
  cp.charge_point_type = "DC";
  cp.ratings = Ratings{dec("50"), dec("40"), 400};
  cp.user_interface_lang = {"DEU"};
  cp.max_reservation = 30;
  return cp;
}

ChargePointInfo second_point() {
  auto cp = full_point();
  cp.evse_id = "DEABCE123456*2";  // separator-free spelling
  cp.timestamp = "2024-05-02T11:00:00Z";
  cp.images.resize(1);
  cp.images.push_back({"https://img.example.com/evse2.jpg", std::nullopt, "otherLogo", "jpg", 10, 10});
  cp.related_resource.clear();
  cp.telephone_number.reset();
  cp.parking_spot.clear();
  cp.user_interface_lang.clear();
  cp.status = "Operative";
  cp.status_schedule.clear();
  cp.restriction.clear();
  cp.auth_methods = {"OperatorAuth"};
  cp.connectors = {{"IEC_62196_T2", "Socket", "DEABCT2"}};
  cp.charge_point_type = "AC";
  cp.ratings = Ratings{dec("22"), std::nullopt, 400};
  cp.max_reservation.reset();
  return cp;
}

TEST(ChargePointOchpFirst, AnImpossibleTimestampRefusesThePointInsteadOfBecomingTheReceiveTime) {
  auto bad = second_point();
  bad.timestamp = "2024-13-99T99:99:99Z";
  auto model = to_model({full_point(), bad}, Owner{"DE", "ABC", ""}, ts("2024-05-03T00:00:00Z"));
  ASSERT_EQ(model.skipped.size(), 1u);
  EXPECT_EQ(model.skipped[0].field, "points[1].timestamp");
  auto alone = to_model({bad}, Owner{"DE", "ABC", ""}, ts("2024-05-03T00:00:00Z"));
  EXPECT_FALSE(alone);
}

TEST(ChargePointOchpFirst, RoundTrip) {
  std::vector<ChargePointInfo> points = {full_point(), second_point()};
  auto request = through_xml(UpdateChargePointListRequest{points});
  ASSERT_EQ(request.charge_point_info_array, points);
  auto model = to_model(request.charge_point_info_array, Owner{"DE", "ABC", ""}, ts("2024-05-03T00:00:00Z"));
  ASSERT_TRUE(model);
  EXPECT_TRUE(model.skipped.empty());
  const std::vector<Loss> expected_losses = {
          {"ChargePointInfo", "points[0].chargePointAddress.houseNumber"},
          {"ChargePointInfo", "points[0].relatedLocation[0].type"},
          {"ChargePointInfo", "points[0].openingTimes.regularHours[5].periodEnd"},
          {"ChargePointInfo", "points[0].authMethods[4]"},
          {"ChargePointInfo", "points[0].ratings.guaranteedPower"},
          {"ChargePointInfo", "points[0].parkingSpot[0]"},
          {"ChargePointInfo", "points[0].restriction[1]"},
          {"ChargePointInfo", "points[0].relatedResource"},
          {"ChargePointInfo", "points[0].telephoneNumber"},
          {"ChargePointInfo", "points[0].userInterfaceLang"},
          {"ChargePointInfo", "points[1].status"},
          {"ChargePointInfo", "points[1].images[1].class"},
  };
  EXPECT_EQ(model.losses, expected_losses) << show(model.losses);
  ASSERT_EQ(model.value->size(), 1u);
  auto json = ocpi::encode(model.value->front(), ocpi::Flavor::canonical);
  auto again = ocpi::decode<model::Location>(json);
  ASSERT_TRUE(again) << again.message() << json;
  auto ochp = to_ochp(*again.value);
  ASSERT_TRUE(ochp);

  // The original with the reported losses applied.
  auto e1 = full_point();
  e1.related_resource.clear();
  e1.charge_point_address = {std::nullopt, "Europaplatz 12", "Berlin", "10557", "DEU"};
  e1.related_location[0].type = "other";
  e1.opening_times->regular_hours[5].period_end = "23:59";
  e1.status = "Inoperative";
  e1.telephone_number.reset();
  e1.parking_spot.clear();
  e1.restriction = {"evonly"};
  e1.auth_methods = {"RfidMifareCls", "RfidMifareDes", "DirectCreditcard", "OchpDirectAuth"};
  e1.ratings->guaranteed_power.reset();
  e1.user_interface_lang.clear();
  auto e2 = second_point();
  e2.evse_id = "DE*ABC*E123456*2";
  e2.charge_point_address = e1.charge_point_address;
  e2.related_location = e1.related_location;
  e2.opening_times = e1.opening_times;
  e2.status = "Unknown";  // Operative is live data in OCPI: UNKNOWN until a status arrives
  e2.connectors[0].tariff_id = "DE*ABC*T2";
  // nominalVoltage 400 (line-to-line) becomes max_voltage 231 (line-to-neutral) and back 400.
  e2.images[1].image_class = "otherPhoto";
  std::vector<ChargePointInfo> expected = {e1, e2};
  EXPECT_EQ(xml_of(UpdateChargePointListRequest{*ochp.value}), xml_of(UpdateChargePointListRequest{expected}));
}

// ================================================================== live status

TEST(EvseStatusMapping, BothDirections) {
  struct Row {
    model::EvseStatus ocpi;
    const char* major;
    std::optional<std::string> minor;
    bool exact;  // OCPI -> OCHP -> OCPI gives the same status
  };
  const std::vector<Row> rows = {
      {model::EvseStatus::available, "available", "available", true},
      {model::EvseStatus::reserved, "not-available", "reserved", true},
      {model::EvseStatus::charging, "not-available", "charging", true},
      {model::EvseStatus::blocked, "not-available", "blocked", true},
      {model::EvseStatus::outoforder, "not-available", "outoforder", true},
      {model::EvseStatus::inoperative, "not-available", "outoforder", false},
      {model::EvseStatus::planned, "not-available", std::nullopt, false},
      {model::EvseStatus::removed, "not-available", std::nullopt, false},
      {model::EvseStatus::unknown, "unknown", std::nullopt, true},
  };
  for (const auto& r : rows) {
    model::EvseStatusUpdate u;
    u.evse_uid = "DE*ABC*E1";
    u.evse_id = "DE*ABC*E1";
    u.status = r.ocpi;
    u.valid_until = ts("2024-05-01T10:05:00Z");
    u.last_updated = ts("2024-05-01T10:00:00Z");
    auto o = to_ochp(u);
    ASSERT_TRUE(o);
    EXPECT_EQ(o.value->major, r.major);
    EXPECT_EQ(o.value->minor, r.minor);
    EXPECT_EQ(o.value->ttl, "2024-05-01T10:05:00Z");
    std::vector<Loss> losses;
    if (!r.exact) {
      losses.push_back({"EvseStatusUpdate", "status"});
    }
    losses.push_back({"EvseStatusUpdate", "last_updated"});
    EXPECT_EQ(o.losses, losses) << model::to_string(r.ocpi);
    UpdateStatusRequest req;
    req.evse.push_back(*o.value);
    auto parsed = through_xml(req);
    auto back = to_model(parsed.evse.at(0), u.last_updated);
    ASSERT_TRUE(back);
    if (r.exact) {
      EXPECT_EQ(*back.value, u);
      // OCHP first: the same EvseStatus again.
      auto json = ocpi::encode(*back.value);
      auto again = to_ochp(*ocpi::decode<model::EvseStatusUpdate>(json).value);
      EXPECT_EQ(*again.value, *o.value);
    }
  }
  // OCHP-only combinations.
  auto m = to_model(EvseStatus{"DEABCE1", "not-available", std::nullopt, std::nullopt});
  EXPECT_EQ(m.value->status, model::EvseStatus::charging);
  EXPECT_EQ(m.value->evse_id, "DE*ABC*E1");
  EXPECT_EQ(m.losses, (std::vector<Loss>{{"EvseStatus", "minor"}}));
  m = to_model(EvseStatus{"DE*ABC*E1", "available", "reserved", "2024-05-01T12:00:00Z"});
  EXPECT_EQ(m.value->status, model::EvseStatus::available);
  EXPECT_EQ(m.value->valid_until, ts("2024-05-01T12:00:00Z"));
  EXPECT_FALSE(to_model(EvseStatus{"DE*ABC*E1", "available", "charging", std::nullopt}));
  EXPECT_FALSE(to_model(EvseStatus{"DE*ABC*E1", "unknown", "charging", std::nullopt}));
  model::EvseStatusUpdate no_id;
  no_id.evse_uid = "3256";
  EXPECT_EQ(to_ochp(no_id).refusal->field, "evse_id");
}

// ================================================================== tokens

struct TokenCase {
  std::string file;
  std::optional<std::string> refused_field;
  std::vector<Loss> losses;
  std::vector<std::string> respelled;
};

TEST(TokenExamples, RoundTrip) {
  REQUIRE_EXAMPLES();
  const std::vector<TokenCase> cases = {
      {"token_example_1_app_user.json", "type", {}, {}},
      {"token_example_2_full_rfid.json",
       std::nullopt,
       {
          {"Token", "issuer"},
          {"Token", "group_id"},
          {"Token", "language"},
          {"Token", "default_profile_type"},
          {"Token", "energy_contract"},
          {"Token", "last_updated"},
       },
       {"contract_id"}},
      {"token_put_example.json",
       std::nullopt,
       {
          {"Token", "whitelist"},
          {"Token", "issuer"},
          {"Token", "group_id"},
          {"Token", "last_updated"},
       },
       {"contract_id"}},
  };
  for (const auto& c : cases) {
    auto json = read(c.file);
    auto token = decode_ok<model::Token>(json);
    auto o = to_ochp(token);
    if (c.refused_field) {
      ASSERT_FALSE(o) << c.file;
      EXPECT_EQ(o.refusal->field, *c.refused_field);
      continue;
    }
    ASSERT_TRUE(o) << c.file;
    EXPECT_EQ(o.losses, c.losses) << c.file << "\n" << show(o.losses);
    auto req = through_xml(SetRoamingAuthorisationListRequest{{*o.value}});
    auto back = to_model(req.roaming_authorisation_info_array.at(0), Owner{token.country_code, token.party_id, token.issuer},
                         token.last_updated);
    ASSERT_TRUE(back);
    EXPECT_EQ(back.value->contract_id, *model::normalize_contract_id(token.contract_id));
    expect_diff_covered(c.file, json, ocpi::encode(*back.value), paths(c.losses, c.respelled));
  }
}

TEST(TokenOchpFirst, RoundTrip) {
  RoamingAuthorisationInfo info;
  info.emt_id = {"04A2B3C4D5E6F7", "rfid", "mifareDes", "plain"};
  info.contract_id = "DE-8AA-CA2B3C4D5-X";
  info.printed_number = "8AA-0001-2345";
  info.expiry_date = "2025-12-31T23:59:59Z";
  auto req = through_xml(UpdateRoamingAuthorisationListRequest{{info}});
  auto m = to_model(req.roaming_authorisation_info_array.at(0), Owner{"DE", "8AA", "Example EMP"},
                    ts("2024-05-01T00:00:00Z"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m.losses, (std::vector<Loss>{{"RoamingAuthorisationInfo", "EmtId.tokenSubType"}}));
  EXPECT_EQ(m.value->contract_id, "DE*8AA*CA2B3C4D5*X");
  EXPECT_EQ(m.value->issuer, "Example EMP");
  EXPECT_TRUE(m.value->valid);
  auto json = ocpi::encode(*m.value, ocpi::Flavor::canonical);
  auto again = to_ochp(*ocpi::decode<model::Token>(json).value);
  ASSERT_TRUE(again);
  auto expected = info;
  expected.emt_id.token_sub_type.reset();
  EXPECT_EQ(*again.value, expected);
  EXPECT_EQ(again.losses, (std::vector<Loss>{{"Token", "issuer"}, {"Token", "last_updated"}}));

  // Expired -> valid=false, and back to the same (past) expiry.
  auto expired = to_model(info, Owner{"DE", "8AA", ""}, ts("2026-01-01T00:00:00Z"));
  EXPECT_FALSE(expired.value->valid);
  EXPECT_EQ(expired.value->issuer, "DE*8AA");
  EXPECT_EQ(to_ochp(*expired.value).value->expiry_date, info.expiry_date);
}

TEST(TokenRefusals, All) {
  RoamingAuthorisationInfo info{{"ABC", "rfid", std::nullopt, "sha-256"}, "DE8AACA2B3C4D5", std::nullopt,
                                "2030-01-01T00:00:00Z"};
  EXPECT_EQ(to_model(info, Owner{"DE", "8AA", ""}).refusal->field, "EmtId.representation");
  info.emt_id.representation = "plain";
  info.emt_id.token_type = "remote";
  EXPECT_EQ(to_model(info, Owner{"DE", "8AA", ""}).refusal->field, "EmtId.tokenType");
  model::Token t;
  t.uid = "ABC";
  t.contract_id = "NL-TNM-000122045";  // 9-char instance: fine
  EXPECT_TRUE(to_ochp(t));
  t.contract_id = "customer-42";
  EXPECT_EQ(to_ochp(t).refusal->field, "contract_id");
  t.contract_id = "DE8AACA2B3C4D5";
  t.whitelist = model::WhitelistType::never;
  EXPECT_EQ(to_ochp(t).refusal->field, "whitelist");
}

// ================================================================== CDRs

/// The hub's location store entry for the CDR's EVSE (what an OCHP CDR cannot carry).
model::Location store_location(const model::Cdr& cdr) {
  model::Location loc;
  const auto& cl = cdr.cdr_location;
  loc.country_code = cdr.country_code;
  loc.party_id = cdr.party_id;
  loc.id = cl.id;
  loc.name = cl.name;
  loc.address = cl.address;
  loc.city = cl.city;
  loc.postal_code = cl.postal_code;
  loc.country = cl.country;
  loc.coordinates = cl.coordinates;
  loc.time_zone = "Europe/Brussels";
  model::Evse evse;
  evse.uid = cl.evse_uid;
  evse.evse_id = cl.evse_id;
  evse.connectors.push_back(model::Connector{cl.connector_id, cl.connector_standard, cl.connector_format,
                                             cl.connector_power_type, 230, 16});
  loc.evses.push_back(evse);
  return loc;
}

TEST(CdrExamples, RoundTrip) {
  REQUIRE_EXAMPLES();
  const std::string file = "cdr_example.json";
  auto json = read(file);
  auto cdr = decode_ok<model::Cdr>(json);
  auto store = store_location(cdr);
  auto o = to_ochp(cdr, std::chrono::minutes{120}, &store);
  ASSERT_TRUE(o) << o.refusal->reason;
  const std::vector<Loss> losses = {
          {"Cdr", "id"},
          {"Cdr", "cdr_token.party_id"},
          {"Cdr", "cdr_location.id"},
          {"Cdr", "cdr_location.name"},
          {"Cdr", "cdr_location.coordinates"},
          {"Cdr", "cdr_location.evse_uid"},
          {"Cdr", "cdr_location.connector_id"},
          {"Cdr", "cdr_location.connector_power_type"},
          {"Cdr", "tariffs"},
          {"Cdr", "last_updated"},
  };
  EXPECT_EQ(o.losses, losses) << show(o.losses);
  EXPECT_EQ(o.value->start_date_time, "2015-06-29T23:39:09+02:00");
  EXPECT_EQ(o.value->cdr_id, "BEBEC12345");
  EXPECT_EQ(o.value->contract_id, "DE-8AC-C12E46L89");
  EXPECT_EQ(*o.value->total_cost, dec("4.00"));
  auto req = through_xml(AddCdrsRequest{{*o.value}});
  EXPECT_EQ(req.cdr_info_array.at(0), *o.value);
  auto back = to_model(req.cdr_info_array.at(0), Owner{"BE", "BEC", ""}, &store, cdr.last_updated);
  ASSERT_TRUE(back) << back.refusal->reason;
  EXPECT_EQ(back.value->total_cost, cdr.total_cost);
  EXPECT_EQ(back.value->total_time_cost, cdr.total_time_cost);
  EXPECT_EQ(back.value->total_energy, cdr.total_energy);
  EXPECT_EQ(back.value->total_time, cdr.total_time);
  auto final_json = ocpi::encode(*back.value);
  // derived: the energy total travels as an energy bill line and comes back as a period volume.
  expect_diff_covered(file, json, final_json,
                      paths(losses, {"cdr_token.contract_id", "charging_periods[0].dimensions"}));

  // Without the store the CDR cannot be completed.
  EXPECT_EQ(to_model(req.cdr_info_array.at(0), Owner{"BE", "BEC", ""}).refusal->field, "evseId");
  // Credit CDRs have no OCHP form.
  cdr.credit = true;
  EXPECT_EQ(to_ochp(cdr).refusal->field, "credit");
}

model::Location de_store() {
  model::Location loc;
  loc.country_code = "DE";
  loc.party_id = "ABC";
  loc.id = "BERLIN1";
  loc.name = "Hauptbahnhof";
  loc.address = "Europaplatz 12";
  loc.city = "Berlin";
  loc.postal_code = "10557";
  loc.country = "DEU";
  loc.coordinates = {"52.525083", "13.369402"};
  loc.time_zone = "Europe/Berlin";
  model::Evse evse;
  evse.uid = "DE*ABC*E1";
  evse.evse_id = "DE*ABC*E1";
  evse.connectors.push_back(model::Connector{"1", model::ConnectorType::iec_62196_t2, model::ConnectorFormat::socket,
                                             model::PowerType::ac_3_phase, 230, 32, 22000});
  loc.evses.push_back(evse);
  return loc;
}

CdrInfo full_cdr() {
  CdrInfo c;
  c.cdr_id = "DEABC0001";
  c.evse_id = "DE*ABC*E1";
  c.emt_id = {"04A2B3C4D5E6F7", "rfid", "mifareCls", "plain"};
  c.contract_id = "DE-8AA-CA2B3C4D5-X";
  c.status = "accepted";
  c.start_date_time = "2024-05-01T10:00:00+02:00";
  c.end_date_time = "2024-05-01T12:00:00+02:00";
  c.duration = "002:00:00";
  c.charge_point_address = {"12", "Europaplatz", "Berlin", "10557", "DEU"};
  c.charge_point_type = "AC";
  c.connector_type = {"IEC_62196_T2", "Socket", "DE*ABC*T1"};
  c.ratings = Ratings{dec("22"), std::nullopt, std::nullopt};
  c.meter_id = "MTR-1234";
  c.charging_periods = {
      {c.start_date_time, c.end_date_time, "energy", dec("20"), dec("0.30"), dec("6.00"), 19},
      {c.start_date_time, c.end_date_time, "usagetime", dec("2"), dec("1.50"), dec("3.00"), 19},
      {c.start_date_time, c.end_date_time, "serviceFee", dec("1"), dec("1.00"), dec("1.00"), 19},
  };
  c.total_cost = dec("10.00");
  c.currency = "EUR";
  return c;
}

TEST(CdrOchpFirst, RoundTrip) {
  auto store = de_store();
  auto req = through_xml(AddCdrsRequest{{full_cdr()}});
  auto m = to_model(req.cdr_info_array.at(0), Owner{"DE", "ABC", ""}, &store, ts("2024-05-01T10:05:00Z"));
  ASSERT_TRUE(m) << m.refusal->reason;
  EXPECT_EQ(m.losses, (std::vector<Loss>{{"CdrInfo", "emtId.tokenSubType"},
                                          {"CdrInfo", "chargePointAddress.houseNumber"},
                                          {"CdrInfo", "ratings"}}))
      << show(m.losses);
  const auto& cdr = *m.value;
  EXPECT_EQ(cdr.total_cost, (model::Price{dec("10.00"), dec("11.90")}));
  EXPECT_EQ(cdr.total_energy_cost, (model::Price{dec("6.00"), dec("7.14")}));
  EXPECT_EQ(cdr.total_time_cost, (model::Price{dec("3.00"), dec("3.57")}));
  EXPECT_EQ(cdr.total_fixed_cost, (model::Price{dec("1.00"), dec("1.19")}));
  EXPECT_EQ(cdr.total_energy, dec("20"));
  EXPECT_EQ(cdr.total_time, dec("2"));
  EXPECT_EQ(cdr.start_date_time, ts("2024-05-01T08:00:00Z"));
  EXPECT_EQ(cdr.cdr_location.connector_id, "1");
  EXPECT_EQ(cdr.cdr_token.country_code, "DE");
  EXPECT_EQ(cdr.cdr_token.party_id, "8AA");
  EXPECT_EQ(cdr.status, model::CdrStatus::accepted);
  auto json = ocpi::encode(cdr, ocpi::Flavor::canonical);
  auto again = ocpi::decode<model::Cdr>(json);
  ASSERT_TRUE(again) << again.message();
  auto o = to_ochp(*again.value, std::chrono::minutes{120}, &store);
  ASSERT_TRUE(o);
  auto expected = full_cdr();
  expected.emt_id.token_sub_type.reset();
  expected.charge_point_address = {std::nullopt, "Europaplatz 12", "Berlin", "10557", "DEU"};
  EXPECT_EQ(*o.value, expected);

  EXPECT_EQ(cdr_status_from_ochp("owner declined"), model::CdrStatus::declined);
  EXPECT_EQ(to_ochp(model::CdrStatus::declined), "owner declined");
  EXPECT_EQ(cdr_status_from_ochp("revised"), std::nullopt);
}

// ================================================================== tariffs

struct TariffCase {
  std::string file;
  std::optional<std::string> refused_field;
  std::vector<Loss> losses;
  std::vector<std::string> derived;
};

TEST(TariffExamples, RoundTrip) {
  REQUIRE_EXAMPLES();
  const std::vector<TariffCase> cases = {
      {"tariff_10_025kwh_parking_start.json", std::nullopt, {
          {"Tariff", "elements[0].price_components[0].vat"},
          {"Tariff", "elements[0].price_components[1].vat"},
          {"Tariff", "elements[0].price_components[2].vat"},
          {"Tariff", "last_updated"},
      }, {}},
      {"tariff_11_not_possible_alt_text.json", "type", {
      }, {}},
      {"tariff_12_025kwh_min_price.json", std::nullopt, {
          {"Tariff", "min_price"},
          {"Tariff", "elements[0].price_components[0].vat"},
          {"Tariff", "last_updated"},
      }, {}},
      {"tariff_13_simple_3hour_5parking.json", std::nullopt, {
          {"Tariff", "elements[0].price_components[0].vat"},
          {"Tariff", "elements[0].price_components[1].vat"},
          {"Tariff", "last_updated"},
      }, {}},
      {"tariff_14_step_size.json", std::nullopt, {
          {"Tariff", "last_updated"},
      }, {}},
      {"tariff_15_reservation_5_euro_per_hour.json", std::nullopt, {
          {"Tariff", "elements[0].price_components[0].vat"},
          {"Tariff", "elements[1].price_components[0].vat"},
          {"Tariff", "elements[1].price_components[1].vat"},
          {"Tariff", "last_updated"},
      }, {}},
      {"tariff_16_reservation_2_euro_fee_5_euro_per_hour.json", std::nullopt, {
          {"Tariff", "elements[0].price_components[0].vat"},
          {"Tariff", "elements[0].price_components[1].vat"},
          {"Tariff", "elements[1].price_components[0].vat"},
          {"Tariff", "elements[1].price_components[1].vat"},
          {"Tariff", "last_updated"},
      }, {}},
      {"tariff_17_reservation_with_expire_fee.json", std::nullopt, {
          {"Tariff", "elements[0]"},
          {"Tariff", "elements[1].price_components[0].vat"},
          {"Tariff", "elements[2].price_components[0].vat"},
          {"Tariff", "elements[2].price_components[1].vat"},
          {"Tariff", "last_updated"},
      }, {"elements"}},
      {"tariff_18_reservation_with_expire_time.json", std::nullopt, {
          {"Tariff", "elements[0]"},
          {"Tariff", "elements[1].price_components[0].vat"},
          {"Tariff", "elements[2].price_components[0].vat"},
          {"Tariff", "elements[2].price_components[1].vat"},
          {"Tariff", "last_updated"},
      }, {"elements"}},
      {"tariff_1_simple_2hour.json", std::nullopt, {
          {"Tariff", "elements[0].price_components[0].vat"},
          {"Tariff", "last_updated"},
      }, {}},
      {"tariff_2_alt_text.json", "type", {
      }, {}},
      {"tariff_3_alt_url.json", "type", {
      }, {}},
      {"tariff_4_complex.json", std::nullopt, {
          {"Tariff", "type"},
          {"Tariff", "tariff_alt_url"},
          {"Tariff", "elements[0].price_components[0].vat"},
          {"Tariff", "elements[1].restrictions.max_current"},
          {"Tariff", "elements[1].price_components[0].vat"},
          {"Tariff", "elements[2].restrictions.min_current"},
          {"Tariff", "elements[2].price_components[0].vat"},
          {"Tariff", "elements[3].restrictions.min_current"},
          {"Tariff", "elements[3].price_components[0].vat"},
          {"Tariff", "elements[4].price_components[0].vat"},
          {"Tariff", "elements[5].price_components[0].vat"},
          {"Tariff", "last_updated"},
      }, {"elements"  /* elements[1] loses max_current and merges into elements[0] */}},
      {"tariff_5_free_of_charge.json", std::nullopt, {
          {"Tariff", "last_updated"},
      }, {}},
      {"tariff_6_025kwh_start_max_price.json", std::nullopt, {
          {"Tariff", "max_price"},
          {"Tariff", "elements[0].price_components[0].vat"},
          {"Tariff", "elements[0].price_components[1].vat"},
          {"Tariff", "last_updated"},
      }, {}},
      {"tariff_8_simple_025kwh.json", std::nullopt, {
          {"Tariff", "elements[0].price_components[0].vat"},
          {"Tariff", "last_updated"},
      }, {}},
      {"tariff_9_025kwh_start.json", std::nullopt, {
          {"Tariff", "elements[0].price_components[0].vat"},
          {"Tariff", "elements[0].price_components[1].vat"},
          {"Tariff", "last_updated"},
      }, {}},
      {"tariff_put_example.json", std::nullopt, {
          {"Tariff", "elements[0].price_components[0].vat"},
          {"Tariff", "last_updated"},
      }, {}},
      {"tariffrestriction_example_max_duration.json", std::nullopt, {
          {"Tariff", "type"},
          {"Tariff", "elements[0].price_components[0].vat"},
          {"Tariff", "elements[1].price_components[0].vat"},
          {"Tariff", "elements[2].price_components[0].vat"},
          {"Tariff", "last_updated"},
      }, {}},
      {"tariffrestriction_example_max_power.json", std::nullopt, {
          {"Tariff", "type"},
          {"Tariff", "elements[0].price_components[0].vat"},
          {"Tariff", "elements[1].price_components[0].vat"},
          {"Tariff", "elements[2].price_components[0].vat"},
          {"Tariff", "last_updated"},
      }, {}},
  };
  for (const auto& c : cases) {
    auto json = read(c.file);
    if (c.file == "tariff_put_example.json") {
      json = with_members(json, R"("last_updated":"2019-06-24T12:39:09Z")");  // the PUT body lacks it
    }
    auto tariff = decode_ok<model::Tariff>(json);
    auto o = to_ochp(tariff);
    if (c.refused_field) {
      ASSERT_FALSE(o) << c.file;
      EXPECT_EQ(o.refusal->field, *c.refused_field) << c.file;
      continue;
    }
    if (!o) {
      ADD_FAILURE() << c.file << ": " << o.refusal->reason;
      continue;
    }
    EXPECT_EQ(o.losses, c.losses) << c.file << "\n" << show(o.losses);
    auto req = through_xml(UpdateTariffsRequest{{*o.value}});
    EXPECT_EQ(req.tariff_info_array.at(0), *o.value) << c.file;
    auto back = to_model(req.tariff_info_array.at(0), Owner{tariff.country_code, tariff.party_id, ""},
                         tariff.last_updated);
    if (!back) {
      ADD_FAILURE() << c.file << ": " << back.refusal->reason;
      continue;
    }
    EXPECT_TRUE(back.losses.empty()) << c.file << "\n" << show(back.losses);
    expect_diff_covered(c.file, json, ocpi::encode(*back.value), paths(c.losses, c.derived));
  }
}

TariffInfo full_tariff() {
  TariffRestriction weekdays;
  for (int d = 1; d <= 5; ++d) {
    weekdays.regular_hours.push_back({d, "08:00", "20:00"});
  }
  weekdays.start_date_time = "2024-01-01T00:00:00Z";
  weekdays.end_date_time = "2025-01-01T00:00:00Z";
  auto limits = weekdays;
  limits.regular_hours.clear();
  limits.min_energy = dec("0.5");
  limits.max_energy = dec("100");
  limits.min_power = dec("3.7");
  limits.max_power = dec("50");
  limits.min_duration = 60;
  limits.max_duration = 7200;
  auto plain = weekdays;
  plain.regular_hours.clear();
  IndividualTariff def;
  def.currency = "EUR";
  def.tariff_element = {
      {{"energy", dec("0.30"), dec("0.001")}, weekdays},
      {{"usagetime", dec("2.00"), dec("0.0833")}, limits},
      {{"parkingtime", dec("5.00"), dec("0.25")}, plain},
      {{"serviceFee", dec("1.00"), dec("1")}, weekdays},
      {{"reservation", dec("2.00"), dec("1")}, plain},
      {{"reservationtime", dec("3.00"), dec("0.0167")}, plain},
      {{"power", dec("0.10"), dec("1")}, plain},
  };
  IndividualTariff special = def;
  special.recipient = {"DE8AA"};
  special.tariff_element.resize(1);
  special.tariff_element[0].price_component.item_price = dec("0.25");
  return TariffInfo{"DE*ABC*T1", {def, special}};
}

TEST(TariffOchpFirst, RoundTrip) {
  auto req = through_xml(UpdateTariffsRequest{{full_tariff()}});
  ASSERT_EQ(req.tariff_info_array.at(0), full_tariff());
  auto m = to_model(req.tariff_info_array.at(0), Owner{"DE", "ABC", ""}, ts("2024-05-01T00:00:00Z"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m.losses, (std::vector<Loss>{{"TariffInfo", "individualTariff[1]"},
                                          {"TariffInfo", "individualTariff[0].tariffElement[6]"}}))
      << show(m.losses);
  EXPECT_EQ(m.value->id, "1");
  // reservation (FLAT) and reservationtime (TIME), both RESERVATION, merge into one OCPI element.
  ASSERT_EQ(m.value->elements.size(), 5u);
  EXPECT_EQ(m.value->elements[1].price_components[0].step_size, 300);
  EXPECT_EQ(m.value->start_date_time, ts("2024-01-01T00:00:00Z"));
  auto json = ocpi::encode(*m.value, ocpi::Flavor::canonical);
  auto again = ocpi::decode<model::Tariff>(json);
  ASSERT_TRUE(again) << again.message();
  auto o = to_ochp(*again.value);
  ASSERT_TRUE(o);
  EXPECT_EQ(o.losses, (std::vector<Loss>{{"Tariff", "last_updated"}}));
  auto expected = full_tariff();
  expected.individual_tariff.resize(1);
  expected.individual_tariff[0].tariff_element.pop_back();  // power
  EXPECT_EQ(xml_of(UpdateTariffsRequest{{*o.value}}), xml_of(UpdateTariffsRequest{{expected}}));

  // The recipient's version.
  auto mine = to_model(full_tariff(), Owner{"DE", "ABC", ""}, ts("2024-05-01T00:00:00Z"), "DE8AA");
  EXPECT_EQ(mine.value->elements[0].price_components[0].price, dec("0.25"));
}

TEST(TariffRefusals, All) {
  model::Tariff t;
  t.country_code = "DE";
  t.party_id = "ABC";
  t.id = "0d2d8a1e-4a4e-4a7a-9f3f-1c2b3d4e5f60";
  t.currency = "EUR";
  t.elements.push_back(model::TariffElement{{model::PriceComponent{}}, std::nullopt});
  EXPECT_EQ(to_ochp(t).refusal->field, "id");
  t.id = "12";
  t.type = model::TariffType::ad_hoc_payment;
  EXPECT_EQ(to_ochp(t).refusal->field, "type");
  EXPECT_EQ(ochp_tariff_id("DE", "ABC", "12"), "DE*ABC*T12");
  EXPECT_EQ(ocpi_tariff_id("DEABCT12"), "12");
}

}  // namespace
}  // namespace hub::ochp
