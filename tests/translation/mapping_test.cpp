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

#include <ochp/codec.hpp>
#include <ochp/mapping.hpp>
#include <ocpi/codec.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace hub::ochp {
namespace {

namespace fs = std::filesystem;
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

TEST(LocationExamples, RoundTrip) {
  REQUIRE_EXAMPLES();
  std::vector<LocationCase> cases = {
      {"location_example.json",
       {
       },
       {}},
  };
  for (const auto& c : cases) {
    location_round_trip(c, read(c.file));
  }
}

}  // namespace
}  // namespace hub::ochp
