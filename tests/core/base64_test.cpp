// SPDX-License-Identifier: GPL-2.0-or-later
#include <hub/core/base64.hpp>

#include <gtest/gtest.h>

namespace {

TEST(Base64, EncodesRfc4648TestVectors) {
  // RFC 4648 section 10.
  EXPECT_EQ(hub::base64::encode(""), "");
  EXPECT_EQ(hub::base64::encode("f"), "Zg==");
  EXPECT_EQ(hub::base64::encode("fo"), "Zm8=");
  EXPECT_EQ(hub::base64::encode("foo"), "Zm9v");
  EXPECT_EQ(hub::base64::encode("foob"), "Zm9vYg==");
  EXPECT_EQ(hub::base64::encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(hub::base64::encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(hub::base64::encode(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(Base64, DecodesWithAndWithoutPaddingAndRefusesOtherCharacters) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "a longer token 0123456789"}) {
    auto encoded = hub::base64::encode(s);
    EXPECT_EQ(hub::base64::decode(encoded), s) << encoded;
    while (!encoded.empty() && encoded.back() == '=') {
      encoded.pop_back();
    }
    EXPECT_EQ(hub::base64::decode(encoded), s) << encoded;
  }
  EXPECT_EQ(hub::base64::decode("//4A"), std::string("\xff\xfe\x00", 3));
  EXPECT_FALSE(hub::base64::decode("Zm9v!"));
  EXPECT_FALSE(hub::base64::decode("Zm 9v"));
  EXPECT_FALSE(hub::base64::decode("Z"));      // 6 bits cannot make a byte
  EXPECT_FALSE(hub::base64::decode("Zm9vY"));  // nor can 5 characters
}

}  // namespace
