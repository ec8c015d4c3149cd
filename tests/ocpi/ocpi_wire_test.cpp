// SPDX-License-Identifier: GPL-2.0-or-later
// The OCPI hub's routing fields as its per-thread cache of pairs of parties writes them: the same
// text as writing each field, whatever pairs shared a cache entry before.
#include "wire.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace {

using hub::model::PartyRef;
using Ref = std::optional<PartyRef>;

std::string expected(const Ref& to, const Ref& from) {
  std::string out;
  if (to) {
    out += "OCPI-to-country-code: " + to->country_code + "\r\nOCPI-to-party-id: " + to->party_id + "\r\n";
  }
  if (from) {
    out += "OCPI-from-country-code: " + from->country_code + "\r\nOCPI-from-party-id: " + from->party_id + "\r\n";
  }
  return out;
}

std::string written(const Ref& to, const Ref& from, const std::string& before = {}) {
  hub::http::FieldBlock block;
  if (!before.empty()) {
    EXPECT_TRUE(block.add("X-Before", before));
  }
  hub::ocpi::wire::set_routing_fields(block, to, from);
  return std::string(block.wire());
}

TEST(OcpiRoutingFields, CachedPairsWriteWhatEachFieldWould) {
  // 150 parties in 300 ordered pairs and their reverses: more pairs than cache entries, so
  // entries are taken over by other pairs, and each pair is written again after that.
  std::vector<PartyRef> parties;
  for (int i = 0; i < 150; ++i) {
    const std::string id{static_cast<char>('A' + i % 26), static_cast<char>('0' + i / 26), 'X'};
    parties.push_back({i % 2 == 0 ? "NL" : "DE", id});
  }
  for (int round = 0; round < 2; ++round) {
    for (std::size_t i = 0; i < parties.size(); ++i) {
      const auto& a = parties[i];
      const auto& b = parties[(i * 7 + 3) % parties.size()];
      ASSERT_EQ(written(a, b), expected(a, b)) << i;
      ASSERT_EQ(written(b, a), expected(b, a)) << i;
      ASSERT_EQ(written(a, std::nullopt), expected(a, std::nullopt)) << i;
      ASSERT_EQ(written(std::nullopt, b), expected(std::nullopt, b)) << i;
    }
  }
  // None and none writes nothing, also after its entry may have been used by another pair.
  EXPECT_EQ(written(std::nullopt, std::nullopt), "");
  // What the block held stays in front.
  EXPECT_EQ(written(parties[0], parties[1], "1"), "X-Before: 1\r\n" + expected(parties[0], parties[1]));
}

TEST(OcpiRoutingFields, ReferencesOfOtherSizesAreWrittenDirectly) {
  // Not of the checked 2 + 3 form (as a configured hub reference might be): no cache entry,
  // the same fields.
  const PartyRef odd{"NLD", "LONGID"};
  const PartyRef plain{"NL", "CPO"};
  EXPECT_EQ(written(odd, plain), expected(odd, plain));
  EXPECT_EQ(written(plain, odd), expected(plain, odd));
  EXPECT_EQ(written(plain, plain), expected(plain, plain));
}

}  // namespace
