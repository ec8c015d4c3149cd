// SPDX-License-Identifier: GPL-2.0-or-later
#include <hub/core/error.hpp>

#include <gtest/gtest.h>

#include <set>

namespace {

using hub::Errc;

constexpr Errc kAll[] = {
    Errc::ok, Errc::invalid_request, Errc::malformed_body, Errc::not_enough_information, Errc::unknown_location,
    Errc::unknown_token, Errc::not_found, Errc::conflict, Errc::unauthorized, Errc::forbidden,
    Errc::payload_too_large, Errc::method_not_allowed, Errc::request_timeout, Errc::internal, Errc::unavailable,
    Errc::deadline_exceeded, Errc::unsupported_version, Errc::unknown_receiver, Errc::receiver_timeout,
    Errc::receiver_not_connected, Errc::upstream_retryable, Errc::upstream_permanent, Errc::shutting_down,
};

TEST(ErrorCatalogue, EveryCodeHasAUniqueNameAndAMapping) {
  std::set<std::string_view> names;
  for (auto e : kAll) {
    auto n = hub::name(e);
    EXPECT_TRUE(names.insert(n).second) << n;
    EXPECT_NE(n, "");
    const auto& m = hub::mapping(e);
    EXPECT_GE(m.http_status, 200);
    EXPECT_LT(m.http_status, 600);
    EXPECT_TRUE(m.ocpi_status == 1000 || (m.ocpi_status >= 2000 && m.ocpi_status < 5000));
    EXPECT_NE(m.ochp, "");
    EXPECT_EQ(hub::make_error_code(e).message(), n);
  }
}

TEST(ErrorCatalogue, OcpiClassesFollowTheSpec) {
  EXPECT_EQ(hub::mapping(Errc::ok).ocpi_status, 1000);
  EXPECT_EQ(hub::mapping(Errc::invalid_request).ocpi_status, 2001);
  EXPECT_EQ(hub::mapping(Errc::not_enough_information).ocpi_status, 2002);
  EXPECT_EQ(hub::mapping(Errc::unknown_location).ocpi_status, 2003);
  EXPECT_EQ(hub::mapping(Errc::unknown_token).ocpi_status, 2004);
  EXPECT_EQ(hub::mapping(Errc::unavailable).ocpi_status, 3000);
  EXPECT_EQ(hub::mapping(Errc::unknown_receiver).ocpi_status, 4001);
  EXPECT_EQ(hub::mapping(Errc::receiver_timeout).ocpi_status, 4002);
  EXPECT_EQ(hub::mapping(Errc::receiver_not_connected).ocpi_status, 4003);
  EXPECT_EQ(hub::mapping(Errc::unauthorized).http_status, 401);
  EXPECT_EQ(hub::mapping(Errc::unauthorized).ochp, "not-authorized");
  EXPECT_EQ(hub::mapping(Errc::malformed_body).ochp, "format");
  EXPECT_TRUE(hub::mapping(Errc::unavailable).retryable);
  EXPECT_FALSE(hub::mapping(Errc::upstream_permanent).retryable);
}

TEST(ErrorCatalogue, ErrcConvertsToStdErrorCode) {
  std::error_code ec = Errc::conflict;
  EXPECT_EQ(ec, hub::make_error_code(Errc::conflict));
  EXPECT_EQ(std::string(ec.category().name()), "hub");
  hub::Result<int> r = hub::make_error_code(Errc::not_found);
  EXPECT_FALSE(r);
  EXPECT_EQ(r.error(), Errc::not_found);
}

}  // namespace
