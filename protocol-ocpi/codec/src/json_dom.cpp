// SPDX-License-Identifier: GPL-2.0-or-later
#include "json_dom.hpp"

#include <hub/core/text.hpp>

#include <cstdint>
#include <cstring>

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <charconv>
#include <utility>

namespace hub::ocpi::detail {
namespace {

/// SAX handler building a Json tree; refuses nesting deeper than the limit.
class Builder {
 public:
  explicit Builder(std::size_t max_depth) : max_depth_(max_depth) {}

  bool Null() { return add(Json{}); }
  bool Bool(bool b) {
    Json j;
    j.kind = Json::Kind::boolean;
    j.boolean = b;
    return add(std::move(j));
  }
  // With kParseNumbersAsStringsFlag every number arrives through RawNumber; the typed
  // callbacks are kept for completeness.
  bool Int(int i) { return number(std::to_string(i)); }
  bool Uint(unsigned u) { return number(std::to_string(u)); }
  bool Int64(std::int64_t i) { return number(std::to_string(i)); }
  bool Uint64(std::uint64_t u) { return number(std::to_string(u)); }
  bool Double(double d) { return number(std::to_string(d)); }
  bool RawNumber(const char* str, rapidjson::SizeType length, bool /*copy*/) {
    return number(std::string(str, length));
  }
  bool String(const char* str, rapidjson::SizeType length, bool /*copy*/) {
    if (!well_formed(str, length)) {
      return false;
    }
    Json j;
    j.kind = Json::Kind::string;
    j.text.assign(str, length);
    return add(std::move(j));
  }
  bool StartObject() { return open(Json::Kind::object); }
  bool Key(const char* str, rapidjson::SizeType length, bool /*copy*/) {
    if (!well_formed(str, length)) {
      return false;
    }
    stack_.back().key.assign(str, length);
    stack_.back().has_key = true;
    return true;
  }
  bool EndObject(rapidjson::SizeType /*count*/) { return close(); }
  bool StartArray() { return open(Json::Kind::array); }
  bool EndArray(rapidjson::SizeType /*count*/) { return close(); }

  bool too_deep() const noexcept { return too_deep_; }
  /// A string decoded to something that is not UTF-8: the reader takes a lone low surrogate
  /// escape ("\udc00") and writes it as the bytes of a surrogate.
  bool not_utf8() const noexcept { return not_utf8_; }
  std::optional<Json>& root() noexcept { return root_; }

  /// Where the reader stopped: the member or item being read ("evses[0].connectors[1].id").
  std::string current_path() const {
    std::string path;
    for (const auto& f : stack_) {
      if (f.node.kind == Json::Kind::array) {
        path += "[" + std::to_string(f.node.items.size()) + "]";
      } else if (f.has_key) {
        path += path.empty() ? f.key : "." + f.key;
      } else {
        break;
      }
    }
    return path;
  }

 private:
  /// An open array or object and, for objects, the key whose value is being read.
  struct Frame {
    Json node;
    std::string key;
    bool has_key = false;
  };

  bool well_formed(const char* str, rapidjson::SizeType length) {
    const std::string_view v(str, length);
    if (hub::text::is_ascii(v) || hub::text::is_utf8(v)) {
      return true;
    }
    not_utf8_ = true;
    return false;
  }
  bool number(std::string text) {
    Json j;
    j.kind = Json::Kind::number;
    j.text = std::move(text);
    return add(std::move(j));
  }
  bool open(Json::Kind kind) {
    if (stack_.size() >= max_depth_) {
      too_deep_ = true;
      return false;
    }
    Frame f;
    f.node.kind = kind;
    // Room for a typical OCPI object's members up front: growing the vector member by member
    // moved every member already read, several times over.
    if (kind == Json::Kind::object) {
      f.node.members.reserve(16);
    }
    stack_.push_back(std::move(f));
    return true;
  }
  bool close() {
    Json done = std::move(stack_.back().node);
    stack_.pop_back();
    return add(std::move(done));
  }
  bool add(Json value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return true;
    }
    Frame& parent = stack_.back();
    if (parent.node.kind == Json::Kind::object) {
      parent.node.members.push_back(JsonMember{std::move(parent.key), std::move(value)});
      parent.key.clear();
      parent.has_key = false;
    } else {
      parent.node.items.push_back(std::move(value));
    }
    return true;
  }

  std::size_t max_depth_;
  bool too_deep_ = false;
  bool not_utf8_ = false;
  std::vector<Frame> stack_;
  std::optional<Json> root_;
};

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_value(const Json& v, JsonWriter& w) {
  switch (v.kind) {
    case Json::Kind::null:
      w.Null();
      break;
    case Json::Kind::boolean:
      w.Bool(v.boolean);
      break;
    case Json::Kind::number:
      w.RawValue(v.text.data(), v.text.size(), rapidjson::kNumberType);
      break;
    case Json::Kind::string:
      w.String(v.text.data(), static_cast<rapidjson::SizeType>(v.text.size()));
      break;
    case Json::Kind::array:
      w.StartArray();
      for (const auto& item : v.items) {
        write_value(item, w);
      }
      w.EndArray();
      break;
    case Json::Kind::object:
      w.StartObject();
      for (const auto& m : v.members) {
        w.Key(m.key.data(), static_cast<rapidjson::SizeType>(m.key.size()));
        write_value(m.value, w);
      }
      w.EndObject();
      break;
  }
}

}  // namespace

const Json* Json::find(std::string_view key) const noexcept {
  for (const auto& m : members) {
    if (m.key == key) {
      return &m.value;
    }
  }
  return nullptr;
}

JsonParse parse_json(std::string_view text, std::size_t max_depth) {
  JsonParse out;
  // rapidjson streams treat NUL as the end of input; a NUL byte is never valid JSON text.
  if (auto nul = text.find('\0'); nul != std::string_view::npos) {
    out.error = "invalid JSON at offset " + std::to_string(nul) + ": NUL byte";
    return out;
  }
  if (text.size() > 0xFFFFFFF0u) {
    out.error = "invalid JSON: document too large";
    return out;
  }
  Builder builder(max_depth);
  rapidjson::MemoryStream stream(text.data(), text.size());
  rapidjson::Reader reader;
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag;
  // Text that is all ASCII is valid UTF-8: the reader's per-character UTF-8 validation is needed
  // only when some byte is not ASCII.
  rapidjson::ParseResult result = hub::text::is_ascii(text)
                                      ? reader.Parse<kFlags>(stream, builder)
                                      : reader.Parse<kFlags | rapidjson::kParseValidateEncodingFlag>(stream, builder);
  if (result.IsError()) {
    out.error_path = builder.current_path();
    if (builder.not_utf8()) {
      out.error = "invalid JSON at offset " + std::to_string(result.Offset()) +
                  ": a string with a \\u escape of a lone surrogate (not UTF-8)";
    } else if (builder.too_deep()) {
      out.error = "invalid JSON at offset " + std::to_string(result.Offset()) + ": nested deeper than " +
                  std::to_string(max_depth) + " levels";
    } else {
      out.error = "invalid JSON at offset " + std::to_string(result.Offset()) + ": " +
                  rapidjson::GetParseError_En(result.Code());
    }
    return out;
  }
  if (!builder.root()) {
    out.error = "invalid JSON: empty document";
    return out;
  }
  out.value = std::move(builder.root());
  return out;
}

void write_json(const Json& value, std::string& out) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  write_value(value, writer);
  out.append(buffer.GetString(), buffer.GetSize());
}

std::optional<std::string> plain_number(std::string_view number) {
  std::string_view s = number;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  std::size_t e = s.find_first_of("eE");
  std::string_view mant = s.substr(0, e);
  long exponent = 0;
  if (e != std::string_view::npos) {
    std::string_view exp = s.substr(e + 1);
    if (!exp.empty() && exp[0] == '+') {
      exp.remove_prefix(1);
    }
    if (exp.empty() || exp.size() > 6) {
      return std::nullopt;
    }
    auto [ptr, ec] = std::from_chars(exp.data(), exp.data() + exp.size(), exponent);
    if (ec != std::errc{} || ptr != exp.data() + exp.size()) {
      return std::nullopt;
    }
  }
  std::size_t dot = mant.find('.');
  std::string digits(mant.substr(0, dot));
  std::string_view frac_view = dot == std::string_view::npos ? std::string_view{} : mant.substr(dot + 1);
  long scale = static_cast<long>(frac_view.size()) - exponent;
  digits.append(frac_view);
  if (digits.empty()) {
    return std::nullopt;
  }
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return std::nullopt;
    }
  }
  if (scale < 0) {
    if (-scale > 40) {
      return std::nullopt;
    }
    digits.append(static_cast<std::size_t>(-scale), '0');
    scale = 0;
  }
  // Leading zeros of the integer part are dropped, one kept before the point.
  std::size_t int_len = digits.size() - static_cast<std::size_t>(scale);
  if (scale > static_cast<long>(digits.size())) {
    if (scale > 40) {
      return std::nullopt;
    }
    digits.insert(0, static_cast<std::size_t>(scale) - digits.size(), '0');
    int_len = 0;
  }
  std::string int_part = digits.substr(0, int_len);
  std::string frac_part = digits.substr(int_len);
  std::size_t first = int_part.find_first_not_of('0');
  int_part = first == std::string::npos ? "0" : int_part.substr(first);
  if (int_part.size() + frac_part.size() > 40) {
    return std::nullopt;
  }
  std::string out = negative ? "-" : "";
  out += int_part;
  if (!frac_part.empty()) {
    out += '.';
    out += frac_part;
  }
  return out;
}

}  // namespace hub::ocpi::detail
