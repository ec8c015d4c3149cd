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

/// Header fields already in their wire form ("Name: value" CRLF each), written after a message's
/// `headers` as they are. For senders that add the same few fields to every message (the OCPI
/// hub's routing, request-id, correlation and Authorization fields): one string for all of them
/// instead of two per field. add() takes a field only when it cannot split the head (the name a
/// token, the value visible ASCII, spaces and tabs) and is not one the transport owns
/// (Content-Length, Transfer-Encoding, Connection, Host).
class FieldBlock {
 public:
  void reserve(std::size_t n) { text_.reserve(n); }
  /// Appends one field; false (nothing appended) when it is refused, see above.
  bool add(std::string_view name, std::string_view value);
  /// Case-insensitive lookup of the first field of that name; empty when absent.
  std::string_view find(std::string_view name) const noexcept;
  /// Whether a User-Agent or an X-Request-ID field was added (noted by add(), so that the
  /// client and the server, which add their own unless given, need not search the block).
  bool has_user_agent() const noexcept { return user_agent_; }
  bool has_request_id() const noexcept { return request_id_; }
  /// The fields as written: empty or CRLF-terminated lines.
  std::string_view wire() const noexcept { return text_; }
  bool empty() const noexcept { return text_.empty(); }
  void clear() noexcept {
    text_.clear();
    user_agent_ = request_id_ = false;
  }

 private:
  std::string text_;
  bool user_agent_ = false;
  bool request_id_ = false;
};

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
  FieldBlock fields;  ///< written after `headers`
  std::string body;

  /// A field of `headers`, else of `fields`; empty when absent.
  std::string_view header(std::string_view name) const noexcept {
    const auto v = find_header(headers, name);
    return v.empty() ? fields.find(name) : v;
  }
};

/// Percent-decodes a URL component ('+' stays '+'); returns the input unchanged on bad escapes.
std::string url_decode(std::string_view in);

}  // namespace hub::http
