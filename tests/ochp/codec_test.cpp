// SPDX-License-Identifier: GPL-2.0-or-later
#include <ochp/codec.hpp>

#include <gtest/gtest.h>

namespace hub::ochp {
namespace {

TEST(OchpCodec, Smoke) {
  GetChargePointListRequest req;
  auto xml = serialize_request(req, UsernameToken{"user", "pw", "", std::nullopt, std::nullopt});
  std::cout << xml << "\n";
  auto env = parse_request(xml);
  ASSERT_TRUE(env) << env.error().message();
}

}  // namespace
}  // namespace hub::ochp
