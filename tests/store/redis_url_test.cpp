// SPDX-License-Identifier: GPL-2.0-or-later
#include <hub/store/redis.hpp>

#include <gtest/gtest.h>

namespace {

using hub::store::parse_redis_url;

TEST(ParseRedisUrl, HostOnlyUsesDefaults) {
  auto options = parse_redis_url("redis://cache.internal");
  ASSERT_TRUE(options);
  EXPECT_EQ(options->host, "cache.internal");
  EXPECT_EQ(options->port, 6379);
  EXPECT_EQ(options->db, 0);
  EXPECT_TRUE(options->password.empty());
}

TEST(ParseRedisUrl, FullForm) {
  auto options = parse_redis_url("redis://:s%40cret@10.0.0.5:6380/3");
  ASSERT_TRUE(options);
  EXPECT_EQ(options->host, "10.0.0.5");
  EXPECT_EQ(options->port, 6380);
  EXPECT_EQ(options->db, 3);
  EXPECT_EQ(options->password, "s@cret");
}

TEST(ParseRedisUrl, DefaultUserAndIpv6) {
  auto options = parse_redis_url("redis://default:pw@[::1]:7000/0");
  ASSERT_TRUE(options);
  EXPECT_EQ(options->host, "::1");
  EXPECT_EQ(options->port, 7000);
  EXPECT_EQ(options->password, "pw");
}

TEST(ParseRedisUrl, TrailingSlashMeansDbZero) {
  auto options = parse_redis_url("REDIS://localhost:1/");
  ASSERT_TRUE(options);
  EXPECT_EQ(options->port, 1);
  EXPECT_EQ(options->db, 0);
}

TEST(ParseRedisUrl, RejectsMalformed) {
  for (const char* bad : {"", "redis://", "http://localhost", "rediss://localhost",
                          "localhost:6379", "redis://host:", "redis://host:0", "redis://host:65536",
                          "redis://host:12a", "redis://host:-1", "redis://host/x",
                          "redis://host/-1", "redis://host/1/2", "redis://host/1?x=1",
                          "redis://:pw@", "redis://user@host", "redis://alice:pw@host",
                          "redis://:bad%zz@host", "redis://[::1", "redis://[::1]x",
                          "redis://host:99999999999"}) {
    EXPECT_FALSE(parse_redis_url(bad)) << bad;
  }
}

}  // namespace
