// SPDX-License-Identifier: GPL-2.0-or-later
#include <hub/core/error.hpp>

#include <string>

namespace hub {
namespace {

struct Row {
  Errc code;
  std::string_view name;
  ErrorMapping map;
};

// One row per code: name, HTTP status, OCPI status_code, OCHP result, retryable.
constexpr Row kTable[] = {
    {Errc::ok, "ok", {200, 1000, "ok", false}},
    {Errc::invalid_request, "invalid_request", {400, 2001, "format", false}},
    {Errc::malformed_body, "malformed_body", {400, 2001, "format", false}},
    {Errc::not_enough_information, "not_enough_information", {400, 2002, "format", false}},
    {Errc::unknown_location, "unknown_location", {404, 2003, "invalid-id", false}},
    {Errc::unknown_token, "unknown_token", {404, 2004, "invalid-id", false}},
    {Errc::not_found, "not_found", {404, 2000, "invalid-id", false}},
    {Errc::conflict, "conflict", {409, 2000, "format", false}},
    {Errc::unauthorized, "unauthorized", {401, 2000, "not-authorized", false}},
    {Errc::forbidden, "forbidden", {403, 2000, "not-authorized", false}},
    {Errc::payload_too_large, "payload_too_large", {413, 2000, "format", false}},
    {Errc::method_not_allowed, "method_not_allowed", {405, 2000, "format", false}},
    {Errc::request_timeout, "request_timeout", {408, 2000, "format", true}},
    {Errc::internal, "internal", {500, 3000, "server", true}},
    {Errc::unavailable, "unavailable", {503, 3000, "server", true}},
    {Errc::deadline_exceeded, "deadline_exceeded", {503, 3000, "server", true}},
    {Errc::unsupported_version, "unsupported_version", {400, 3002, "server", false}},
    {Errc::unknown_receiver, "unknown_receiver", {404, 4001, "invalid-id", false}},
    {Errc::receiver_timeout, "receiver_timeout", {504, 4002, "server", true}},
    {Errc::receiver_not_connected, "receiver_not_connected", {503, 4003, "server", true}},
    {Errc::upstream_retryable, "upstream_retryable", {502, 3000, "server", true}},
    {Errc::upstream_permanent, "upstream_permanent", {502, 3000, "server", false}},
    {Errc::shutting_down, "shutting_down", {503, 3000, "server", true}},
};

const Row& row(Errc e) noexcept {
  for (const auto& r : kTable) {
    if (r.code == e) {
      return r;
    }
  }
  static_assert(kTable[13].code == Errc::internal);
  return kTable[13];
}

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "hub"; }
  std::string message(int ev) const override {
    return std::string(hub::name(static_cast<Errc>(ev)));
  }
};

}  // namespace

const std::error_category& hub_category() noexcept {
  static const Category category;
  return category;
}

const ErrorMapping& mapping(Errc e) noexcept { return row(e).map; }
std::string_view name(Errc e) noexcept { return row(e).name; }

}  // namespace hub
