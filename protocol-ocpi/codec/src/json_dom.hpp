// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// A small JSON document model that keeps the source text of numbers, so decimals are read
/// exactly and a JSON string "1" is never confused with the number 1. Parsing is bounded
/// (nesting depth) and never throws on untrusted bytes. Thread safety: value types.
namespace hub::ocpi::detail {

struct JsonMember;

/// One JSON value.
struct Json {
  enum class Kind { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  bool boolean = false;
  std::string text;  ///< the string value, or the number's source text
  std::vector<Json> items;
  std::vector<JsonMember> members;

  bool is_object() const noexcept { return kind == Kind::object; }
  bool is_array() const noexcept { return kind == Kind::array; }
  bool is_null() const noexcept { return kind == Kind::null; }
  /// The first member named `key`, or nullptr.
  const Json* find(std::string_view key) const noexcept;
};

/// One member of a JSON object, in document order.
struct JsonMember {
  std::string key;
  Json value;
};

/// Deepest nesting of arrays and objects accepted by parse_json.
inline constexpr std::size_t kMaxJsonDepth = 64;

/// The outcome of parse_json: the document, or a description of the syntax error.
struct JsonParse {
  std::optional<Json> value;
  std::string error;       ///< "invalid JSON at offset 12: ..." when value is empty
  std::string error_path;  ///< the member or item where the reader stopped ("" at the root)
};

/// Parses one JSON document (UTF-8, no comments, nothing after the root value).
JsonParse parse_json(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

/// Writes `value` as compact JSON; numbers are written from their source text.
void write_json(const Json& value, std::string& out);

/// Rewrites a JSON number ("1.5e3", "-2E-2", "0.10") without an exponent ("1500", "-0.02",
/// "0.10"); nullopt when the result would have more than 40 digits.
std::optional<std::string> plain_number(std::string_view number);

}  // namespace hub::ocpi::detail
