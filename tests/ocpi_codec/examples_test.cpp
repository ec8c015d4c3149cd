// SPDX-License-Identifier: GPL-2.0-or-later
// Round trip of every official OCPI 2.2.1 example object: decode -> encode(ocpi221) -> the same
// JSON document (compared semantically: member order free, numbers by exact value, date-times
// by instant). The examples are read from the shared spec folder (HUB_SHARED_SPEC_DIR), never
// copied into the project.
//
// Files used (kind):
//   location_example.json, location_example_parking_garage_opening_hours.json,
//   location_example_uc2_destination_charger.json, location_example_uc3_..._not_published.json,
//   location_example_uc4_limited_visibility.json, location_example_uc5_home_charge_point.json
//                                                       Location
//   location_energymix_example_{complete,energy_provider,simple}.json
//                                                       EnergyMix fragment, put into a Location
//   location_hours_*.json                               Hours fragment, put into a Location
//   location_regularhours_example.json                  {"opening_times": Hours}, put into a Location
//   location_patch_example_location.json                Location PATCH (merge_patch, then decode)
//   location_patch_example_status.json, location_patch_example_remove_evse.json
//                                                       EVSE PATCH (EvseStatusUpdate, merge_patch)
//   location_patch_example_tariff.json                  Connector PATCH (merge_patch)
//   location_put_example_add_evse.json                  Evse: EXPECTED FAILURE, see below
//   session_example_1_simple_start.json, session_example_2_short_finished.json   Session
//   session_patch_example_{charging_period,total_cost}.json   Session PATCH (merge_patch)
//   cdr_example.json                                    Cdr
//   tariff_*.json, tariffrestriction_example_*.json     Tariff (tariff_put_example.json and
//                                                       tariff_5_free_of_charge.json: see below)
//   token_example_1_app_user.json, token_example_2_full_rfid.json, token_put_example.json   Token
//   token_patch_example.json                            Token PATCH (merge_patch)
//   transport_and_format_get_token_example.json         response envelope, data = Token
//   transport_and_format_get_token_list_example.json    response envelope, data = [Token]
//   type_displaytext_example.json                       DisplayText fragment, put into a Tariff
// Files not used (not objects of the codec's kinds: Credentials and Versions modules):
//   credentials_example*.json, version_details_example*.json, versions_info_example.json,
//   transport_and_format_version_details_example.json, transport_and_format_version_info_example.json
// The folder has no Commands or ChargingProfiles examples; codec_test.cpp covers those objects
// with bodies written from the specification text.
#include "json_compare.hpp"

#include <ocpi/codec.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace hub::ocpi {
namespace {

namespace fs = std::filesystem;
using test::join;
using test::json_diff;

std::string examples_dir() { return std::string(HUB_SHARED_SPEC_DIR) + "/ocpi-2.2.1/examples"; }

#define REQUIRE_EXAMPLES()                                                                          \
  if (!fs::is_directory(examples_dir())) {                                                          \
    GTEST_SKIP() << "official OCPI 2.2.1 examples not found in " << examples_dir()                  \
                 << " (set HUB_SHARED_SPEC_DIR to the shared spec folder)";                          \
  }

std::string read(const std::string& name) {
  std::ifstream in(examples_dir() + "/" + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// `{"key": value, ...rest of object}`: inserts members at the front of a JSON object text.
std::string with_members(const std::string& object, const std::string& members) {
  auto brace = object.find('{');
  return object.substr(0, brace + 1) + members + "," + object.substr(brace + 1);
}

/// Decodes, re-encodes as OCPI 2.2.1 and compares with the input; also checks that both flavors
/// decode back to the same model object.
template <class T>
T round_trip(const std::string& name, const std::string& json, DecodeOptions options = {}) {
  auto decoded = decode<T>(json, options);
  EXPECT_TRUE(decoded) << name << ": " << decoded.message();
  if (!decoded) {
    return T{};
  }
  std::string encoded = encode(*decoded.value, Flavor::ocpi221);
  auto diffs = json_diff(json, encoded);
  EXPECT_TRUE(diffs.empty()) << name << " differs after the round trip:\n" << join(diffs) << "encoded: " << encoded;
  for (Flavor f : {Flavor::ocpi221, Flavor::canonical}) {
    auto again = decode<T>(encode(*decoded.value, f), options);
    EXPECT_TRUE(again) << name << ": " << again.message();
    if (again) {
      EXPECT_TRUE(*again.value == *decoded.value) << name << " changed in the second round trip";
    }
  }
  return *decoded.value;
}

bool has_violation(const std::vector<model::Violation>& errors, const std::string& path,
                   const std::string& reason_part = {}) {
  return std::any_of(errors.begin(), errors.end(), [&](const model::Violation& v) {
    return v.path == path && v.reason.find(reason_part) != std::string::npos;
  });
}

const std::vector<std::string> kLocationFiles = {
    "location_example.json",
    "location_example_parking_garage_opening_hours.json",
    "location_example_uc2_destination_charger.json",
    "location_example_uc3_destination_charger_not_published.json",
    "location_example_uc4_limited_visibility.json",
    "location_example_uc5_home_charge_point.json",
};
const std::vector<std::string> kTariffFiles = {
    "tariff_1_simple_2hour.json",          "tariff_2_alt_text.json",
    "tariff_3_alt_url.json",               "tariff_4_complex.json",
    "tariff_6_025kwh_start_max_price.json", "tariff_8_simple_025kwh.json",
    "tariff_9_025kwh_start.json",          "tariff_10_025kwh_parking_start.json",
    "tariff_11_not_possible_alt_text.json", "tariff_12_025kwh_min_price.json",
    "tariff_13_simple_3hour_5parking.json", "tariff_14_step_size.json",
    "tariff_15_reservation_5_euro_per_hour.json",
    "tariff_16_reservation_2_euro_fee_5_euro_per_hour.json",
    "tariff_17_reservation_with_expire_fee.json",
    "tariff_18_reservation_with_expire_time.json",
    "tariffrestriction_example_max_duration.json",
    "tariffrestriction_example_max_power.json",
};
const std::vector<std::string> kTokenFiles = {"token_example_1_app_user.json", "token_example_2_full_rfid.json",
                                              "token_put_example.json"};
const std::vector<std::string> kSessionFiles = {"session_example_1_simple_start.json",
                                                "session_example_2_short_finished.json"};
const std::vector<std::string> kFragmentFiles = {
    "location_energymix_example_complete.json",
    "location_energymix_example_energy_provider.json",
    "location_energymix_example_simple.json",
    "location_hours_247_open_exception_closing.json",
    "location_hours_opening_hours_with_exceptional_closing.json",
    "location_hours_opening_hours_with_exceptional_opening.json",
    "location_regularhours_example.json",
    "type_displaytext_example.json",
};
const std::vector<std::string> kPatchFiles = {
    "location_patch_example_location.json",    "location_patch_example_status.json",
    "location_patch_example_remove_evse.json", "location_patch_example_tariff.json",
    "session_patch_example_charging_period.json", "session_patch_example_total_cost.json",
    "token_patch_example.json",
};
const std::vector<std::string> kOtherUsed = {
    "cdr_example.json",
    "location_put_example_add_evse.json",
    "tariff_put_example.json",
    "tariff_5_free_of_charge.json",
    "transport_and_format_get_token_example.json",
    "transport_and_format_get_token_list_example.json",
};
const std::vector<std::string> kNotObjects = {
    "credentials_example.json",
    "credentials_example2.json",
    "credentials_example3.json",
    "credentials_example4.json",
    "transport_and_format_version_details_example.json",
    "transport_and_format_version_info_example.json",
    "version_details_example.json",
    "version_details_example2.json",
    "versions_info_example.json",
};

TEST(OcpiExamples, EveryFileIsClassified) {
  REQUIRE_EXAMPLES();
  std::set<std::string> known;
  for (const auto* list : {&kLocationFiles, &kTariffFiles, &kTokenFiles, &kSessionFiles, &kFragmentFiles,
                           &kPatchFiles, &kOtherUsed, &kNotObjects}) {
    known.insert(list->begin(), list->end());
  }
  for (const auto& entry : fs::directory_iterator(examples_dir())) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".json") {
      EXPECT_TRUE(known.count(name)) << name << " is a new example: add it to a list in this test";
    }
  }
}

TEST(OcpiExamples, Locations) {
  REQUIRE_EXAMPLES();
  for (const auto& name : kLocationFiles) {
    SCOPED_TRACE(name);
    round_trip<model::Location>(name, read(name));
  }
  auto l = round_trip<model::Location>("location_example.json", read("location_example.json"));
  ASSERT_TRUE(l.operator_);
  EXPECT_EQ(l.operator_->name, "BeCharged");
  ASSERT_EQ(l.evses.size(), 2u);
  EXPECT_EQ(l.evses[1].status, model::EvseStatus::reserved);
  EXPECT_EQ(l.evses[0].connectors[1].tariff_ids, std::vector<std::string>{"13"});
  // Each EVSE and connector also round-trips on its own.
  round_trip<model::Evse>("evses[0]", encode(l.evses[0]));
  round_trip<model::Connector>("evses[0].connectors[0]", encode(l.evses[0].connectors[0]));
}

TEST(OcpiExamples, LocationFragments) {
  REQUIRE_EXAMPLES();
  const std::string base = read("location_example.json");
  for (const auto& name : kFragmentFiles) {
    SCOPED_TRACE(name);
    std::string fragment = read(name);
    std::string patch;
    if (name.starts_with("location_energymix") || name == "location_regularhours_example.json") {
      patch = with_members(fragment, R"("last_updated":"2015-06-29T20:39:09Z")");
    } else if (name.starts_with("location_hours")) {
      patch = R"({"last_updated":"2015-06-29T20:39:09Z","opening_times":)" + fragment + "}";
    } else {
      continue;  // DisplayText: see TariffFragments
    }
    auto merged = merge_patch(base, patch);
    ASSERT_TRUE(merged) << merged.error().message();
    round_trip<model::Location>(name, *merged);
  }
  auto l = round_trip<model::Location>(
      "complete", *merge_patch(base, with_members(read("location_energymix_example_complete.json"),
                                                  R"("last_updated":"2015-06-29T20:39:09Z")")));
  ASSERT_TRUE(l.energy_mix);
  ASSERT_EQ(l.energy_mix->environ_impact.size(), 2u);
  EXPECT_EQ(l.energy_mix->environ_impact[0].amount.to_string(), "0.0006");
  EXPECT_EQ(l.energy_mix->energy_sources[0].percentage.to_string(), "35.9");
}

TEST(OcpiExamples, TariffFragments) {
  REQUIRE_EXAMPLES();
  std::string tariff = read("tariff_1_simple_2hour.json");
  std::string with_text = with_members(tariff, R"("tariff_alt_text":[)" + read("type_displaytext_example.json") + "]");
  auto t = round_trip<model::Tariff>("type_displaytext_example.json", with_text);
  ASSERT_EQ(t.tariff_alt_text.size(), 1u);
  EXPECT_EQ(t.tariff_alt_text[0].text, "Standard Tariff");
}

TEST(OcpiExamples, Tariffs) {
  REQUIRE_EXAMPLES();
  for (const auto& name : kTariffFiles) {
    SCOPED_TRACE(name);
    round_trip<model::Tariff>(name, read(name));
  }
  auto t = round_trip<model::Tariff>("tariff_4_complex.json", read("tariff_4_complex.json"));
  ASSERT_EQ(t.elements.size(), 6u);
  EXPECT_EQ(t.elements[0].price_components[0].price.to_string(), "2.50");
  EXPECT_EQ(t.elements[2].restrictions->day_of_week.size(), 5u);
}

// tariff_5 prices a FLAT component with "step_size": 0; the model accepts 0 (only negative step
// sizes are refused), so the example round-trips with validation on.
TEST(OcpiExamples, TariffFreeOfChargeHasZeroStepSize) {
  REQUIRE_EXAMPLES();
  const std::string json = read("tariff_5_free_of_charge.json");
  auto strict = decode<model::Tariff>(json);
  EXPECT_TRUE(strict) << strict.message();
  auto t = round_trip<model::Tariff>("tariff_5_free_of_charge.json", json);
  EXPECT_EQ(t.elements[0].price_components[0].step_size, 0);
}

// Expected difference: tariff_put_example.json shows a PUT body without the required
// last_updated, so it is not a complete Tariff object.
TEST(OcpiExamples, TariffPutExampleLacksLastUpdated) {
  REQUIRE_EXAMPLES();
  auto d = decode<model::Tariff>(read("tariff_put_example.json"));
  EXPECT_FALSE(d);
  EXPECT_TRUE(has_violation(d.errors, "last_updated", "required")) << d.message();
  auto fixed = with_members(read("tariff_put_example.json"), R"("last_updated":"2019-06-24T12:39:09Z")");
  round_trip<model::Tariff>("tariff_put_example.json + last_updated", fixed);
}

// Expected difference: location_put_example_add_evse.json is not a valid 2.2.1 EVSE. It uses a
// member "floor" (2.2.1 names it floor_level; unknown members are ignored), gives
// physical_reference as a number (it is a string), and its connector lacks power_type,
// max_voltage, max_amperage and last_updated.
TEST(OcpiExamples, AddEvseExampleIsIncomplete) {
  REQUIRE_EXAMPLES();
  auto d = decode<model::Evse>(read("location_put_example_add_evse.json"));
  EXPECT_FALSE(d);
  EXPECT_TRUE(has_violation(d.errors, "physical_reference", "must be a string")) << d.message();
  for (const char* field : {"power_type", "max_voltage", "max_amperage", "last_updated"}) {
    EXPECT_TRUE(has_violation(d.errors, std::string("connectors[0].") + field, "required")) << field;
  }
  EXPECT_EQ(d.errors.size(), 5u) << d.message();
}

TEST(OcpiExamples, Sessions) {
  REQUIRE_EXAMPLES();
  for (const auto& name : kSessionFiles) {
    SCOPED_TRACE(name);
    round_trip<model::Session>(name, read(name));
  }
  auto s = round_trip<model::Session>("session_example_2_short_finished.json",
                                      read("session_example_2_short_finished.json"));
  ASSERT_EQ(s.charging_periods.size(), 3u);
  EXPECT_EQ(s.charging_periods[2].dimensions[0].volume.to_string(), "0.718");
  EXPECT_EQ(s.kwh.to_string(), "41.12");
  ASSERT_TRUE(s.total_cost);
  EXPECT_EQ(s.total_cost->excl_vat.to_string(), "8.50");
}

TEST(OcpiExamples, Cdr) {
  REQUIRE_EXAMPLES();
  auto c = round_trip<model::Cdr>("cdr_example.json", read("cdr_example.json"));
  EXPECT_EQ(c.cdr_location.evse_id, "BE*BEC*E041503003");
  ASSERT_EQ(c.tariffs.size(), 1u);
  EXPECT_EQ(c.tariffs[0].elements[0].price_components[0].step_size, 300);
  EXPECT_EQ(c.total_energy.to_string(), "15.342");
  EXPECT_EQ(c.total_cost.incl_vat->to_string(), "4.40");
}

TEST(OcpiExamples, Tokens) {
  REQUIRE_EXAMPLES();
  for (const auto& name : kTokenFiles) {
    SCOPED_TRACE(name);
    round_trip<model::Token>(name, read(name));
  }
  auto t = round_trip<model::Token>("token_example_2_full_rfid.json", read("token_example_2_full_rfid.json"));
  ASSERT_TRUE(t.energy_contract);
  EXPECT_EQ(t.energy_contract->supplier_name, "Greenpeace Energy eG");
  EXPECT_EQ(t.default_profile_type, model::ProfileType::green);
}

/// The `data` member of an OCPI response envelope, re-serialised through merge_patch's exact
/// writer: merge an empty-ish object with {"last_updated":..,"data":..} is not what we want, so
/// the envelope is cut out by text from the start of "data" to its matching bracket.
std::string envelope_data(const std::string& envelope) {
  auto pos = envelope.find("\"data\"");
  pos = envelope.find_first_of("{[", pos);
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = pos; i < envelope.size(); ++i) {
    char c = envelope[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return envelope.substr(pos, i - pos + 1);
    }
  }
  return {};
}

/// The items of a JSON array text whose items are objects.
std::vector<std::string> array_items(const std::string& array) {
  std::vector<std::string> out;
  int depth = 0;
  bool in_string = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < array.size(); ++i) {
    char c = array[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      if (++depth == 1) {
        start = i;
      }
    } else if (c == '}' && --depth == 0) {
      out.push_back(array.substr(start, i - start + 1));
    }
  }
  return out;
}

TEST(OcpiExamples, TokensInResponseEnvelopes) {
  REQUIRE_EXAMPLES();
  auto single = envelope_data(read("transport_and_format_get_token_example.json"));
  auto t = round_trip<model::Token>("transport_and_format_get_token_example.json", single);
  EXPECT_EQ(t.contract_id, "FA54320");
  auto list = array_items(envelope_data(read("transport_and_format_get_token_list_example.json")));
  ASSERT_EQ(list.size(), 3u);
  for (const auto& item : list) {
    round_trip<model::Token>("transport_and_format_get_token_list_example.json", item);
  }
  EXPECT_FALSE(decode<model::Token>(list[2]).value->valid);
}

TEST(OcpiExamples, Patches) {
  REQUIRE_EXAMPLES();
  const std::string location = read("location_example.json");
  auto merged = merge_patch(location, read("location_patch_example_location.json"));
  ASSERT_TRUE(merged);
  auto l = round_trip<model::Location>("location_patch_example_location.json", *merged);
  EXPECT_EQ(l.name, "Interparking Gent Zuid");
  EXPECT_EQ(model::format_timestamp(l.last_updated), "2019-06-24T12:39:09Z");

  // EVSE PATCHes: a status update on its own, and merged into the stored EVSE.
  auto stored = decode<model::Location>(location).value->evses[0];
  for (auto [name, status] : {std::pair{"location_patch_example_status.json", model::EvseStatus::charging},
                              std::pair{"location_patch_example_remove_evse.json", model::EvseStatus::removed}}) {
    SCOPED_TRACE(name);
    auto update = decode<model::EvseStatusUpdate>(read(name), DecodeOptions{.validate = false});
    ASSERT_TRUE(update) << update.message();
    EXPECT_EQ(update.value->status, status);
    EXPECT_TRUE(json_diff(read(name), encode(*update.value, Flavor::ocpi221)).empty());
    auto evse = merge_patch(encode(stored), read(name));
    ASSERT_TRUE(evse);
    auto e = round_trip<model::Evse>(name, *evse);
    EXPECT_EQ(e.status, status);
    EXPECT_EQ(model::format_timestamp(e.last_updated), "2019-06-24T12:39:09Z");
  }

  auto connector = merge_patch(encode(stored.connectors[0]), read("location_patch_example_tariff.json"));
  ASSERT_TRUE(connector);
  auto c = round_trip<model::Connector>("location_patch_example_tariff.json", *connector);
  EXPECT_EQ(c.tariff_ids, std::vector<std::string>{"15"});

  const std::string session = read("session_example_2_short_finished.json");
  auto s1 = merge_patch(session, read("session_patch_example_charging_period.json"));
  ASSERT_TRUE(s1);
  auto s = round_trip<model::Session>("session_patch_example_charging_period.json", *s1);
  EXPECT_EQ(s.kwh.to_string(), "15.00");
  EXPECT_EQ(s.charging_periods.size(), 1u);  // arrays are replaced as a whole
  auto s2 = merge_patch(session, read("session_patch_example_total_cost.json"));
  ASSERT_TRUE(s2);
  s = round_trip<model::Session>("session_patch_example_total_cost.json", *s2);
  EXPECT_EQ(s.total_cost->incl_vat->to_string(), "0.66");
  EXPECT_EQ(s.charging_periods.size(), 3u);

  auto t1 = merge_patch(read("token_put_example.json"), read("token_patch_example.json"));
  ASSERT_TRUE(t1);
  auto t = round_trip<model::Token>("token_patch_example.json", *t1);
  EXPECT_FALSE(t.valid);
}

}  // namespace
}  // namespace hub::ocpi
