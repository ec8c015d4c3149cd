// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// Plain HTTP message types shared by the server and the client, free of Beast types so that the
/// app and the protocol adapters can handle requests without seeing the transport.
/// Thread safety: value types.
namespace hub::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// ASCII case-insensitive equality (header names, ids); no locale, no copies. Inline: header
/// lookups call it for every field they pass, and most comparisons end at the length.
inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = a[i];
    const char y = b[i];
    if (x != y) {
      // Equal apart from case only when both are the same letter.
      const char lx = (x >= 'A' && x <= 'Z') ? static_cast<char>(x + 32) : x;
      const char ly = (y >= 'A' && y <= 'Z') ? static_cast<char>(y + 32) : y;
      if (lx != ly) {
        return false;
      }
    }
  }
  return true;
}

/// Case-insensitive header lookup; empty when absent.
std::string_view find_header(const Headers& headers, std::string_view name) noexcept;

struct Request {
  std::string method;  ///< "GET", "POST", ...
  std::string target;  ///< path + query as received
  Headers headers;
  std::string body;
  std::string remote_address;
  std::string request_id;  ///< X-Request-ID given or generated for this hop

  std::string_view header(std::string_view name) const noexcept { return find_header(headers, name); }
  /// Path without the query string.
  std::string_view path() const noexcept;
  /// Decoded value of one query parameter, empty when absent.
  std::string query(std::string_view key) const;
};

struct Response {
  int status = 200;
  /// Empty: "application/json" when the answer has a body (the common case, with no string to
  /// allocate per answer); a body-less answer then carries no Content-Type.
  std::string content_type;
  Headers headers;
  std::string body;

  std::string_view header(std::string_view name) const noexcept { return find_header(headers, name); }
};

/// Percent-decodes a URL component ('+' stays '+'); returns the input unchanged on bad escapes.
std::string url_decode(std::string_view in);

}  // namespace hub::http
