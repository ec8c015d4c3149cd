// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <string_view>
#include <system_error>

/// The hub's one error catalogue. Every failure that crosses a layer is an Errc; a single
/// table (error.cpp) maps each code to an HTTP status, an OCPI status_code and an OCHP result.
/// Thread safety: stateless, safe from any thread.
namespace hub {

enum class Errc : int {
  ok = 0,
  // client errors (OCPI 2xxx)
  invalid_request = 1,      ///< malformed or missing fields / wrong types
  malformed_body = 2,       ///< body is not parseable JSON / XML
  not_enough_information = 3,
  unknown_location = 4,
  unknown_token = 5,
  not_found = 6,            ///< unknown object or id
  conflict = 7,             ///< duplicate (e.g. role already registered)
  unauthorized = 8,         ///< authentication failed
  forbidden = 9,            ///< authenticated, but not allowed (spoofed from-headers, foreign ids)
  payload_too_large = 10,
  method_not_allowed = 11,
  request_timeout = 12,     ///< client took too long to send its request
  // server errors (OCPI 3xxx)
  internal = 20,
  unavailable = 21,         ///< a dependency (Redis) is unreachable: retryable
  deadline_exceeded = 22,   ///< our own deadline on a dependency passed: retryable
  unsupported_version = 23,
  // hub routing errors (OCPI 4xxx)
  unknown_receiver = 30,
  receiver_timeout = 31,
  receiver_not_connected = 32,
  // outbound delivery classification
  upstream_retryable = 40,  ///< connect error, 5xx, 429, 408, timeout
  upstream_permanent = 41,  ///< 4xx, TLS verification failure, malformed answer
  shutting_down = 42,
};

const std::error_category& hub_category() noexcept;

inline std::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), hub_category()};
}

/// The protocol results one Errc maps to.
struct ErrorMapping {
  int http_status;           ///< HTTP status for plain HTTP / admin APIs
  int ocpi_status;           ///< OCPI status_code (1000, 2xxx, 3xxx, 4xxx)
  std::string_view ochp;     ///< OCHP result code: ok, partly, not-authorized, invalid-id, server, format
  bool retryable;            ///< may a sender retry the same request later?
};

/// Maps an Errc to its HTTP / OCPI / OCHP results.
const ErrorMapping& mapping(Errc e) noexcept;
/// Stable, short, machine-readable name, e.g. "not_found".
std::string_view name(Errc e) noexcept;

template <class T>
using Result = boost::system::result<T, std::error_code>;

}  // namespace hub

template <>
struct std::is_error_code_enum<hub::Errc> : std::true_type {};
