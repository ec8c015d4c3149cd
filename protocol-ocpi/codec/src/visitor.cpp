// SPDX-License-Identifier: GPL-2.0-or-later
#include "visitor.hpp"

#include <charconv>
#include <limits>

namespace hub::ocpi::detail {
namespace {

std::string_view kind_name(Json::Kind k) {
  switch (k) {
    case Json::Kind::null:
      return "null";
    case Json::Kind::boolean:
      return "a boolean";
    case Json::Kind::number:
      return "a number";
    case Json::Kind::string:
      return "a string";
    case Json::Kind::array:
      return "an array";
    case Json::Kind::object:
      return "an object";
  }
  return "?";
}

/// Untrusted text quoted in a reason, cut short.
std::string quote(std::string_view s) {
  constexpr std::size_t kMax = 40;
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < kMax; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
  }
  out += s.size() > kMax ? "...\"" : "\"";
  return out;
}

}  // namespace

void add_violation(Violations& errors, std::string path, std::string reason) {
  if (errors.size() < kMaxViolations) {
    errors.push_back(model::Violation{std::move(path), std::move(reason)});
  }
}

std::string child_path(const std::string& path, std::string_view key) {
  if (path.empty()) {
    return std::string(key);
  }
  std::string out;
  out.reserve(path.size() + 1 + key.size());
  out += path;
  out += '.';
  out += key;
  return out;
}

std::string item_path(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

void wrong_type(const Json& j, const std::string& path, Violations& errors, std::string_view expected) {
  add_violation(errors, path, "must be " + std::string(expected) + ", got " + std::string(kind_name(j.kind)));
}

void unknown_enum(const std::string& value, const std::string& path, Violations& errors) {
  add_violation(errors, path, "unknown value " + quote(value));
}

bool read_value(const Json& j, const std::string& path, Violations& errors, std::string& out) {
  if (j.kind != Json::Kind::string) {
    wrong_type(j, path, errors, "a string");
    return false;
  }
  out = j.text;
  return true;
}

bool read_value(const Json& j, const std::string& path, Violations& errors, int& out) {
  if (j.kind != Json::Kind::number) {
    wrong_type(j, path, errors, "an integer");
    return false;
  }
  const std::string& s = j.text;
  if (s.find_first_of(".eE") != std::string::npos) {
    // 300.0 or 3e2 are integral values written unusually; accept them only when exact.
    auto plain = plain_number(s);
    auto d = plain ? model::Decimal::parse(*plain) : std::nullopt;
    std::int64_t scale_div = 1;
    for (int i = 0; d && i < d->scale; ++i) {
      scale_div *= 10;
    }
    if (!d || d->mantissa % scale_div != 0) {
      add_violation(errors, path, "must be an integer, got " + quote(s));
      return false;
    }
    std::int64_t v = d->mantissa / scale_div;
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
      add_violation(errors, path, "integer out of range");
      return false;
    }
    out = static_cast<int>(v);
    return true;
  }
  int v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range) {
    add_violation(errors, path, "integer out of range");
    return false;
  }
  if (ec != std::errc{} || ptr != s.data() + s.size()) {
    add_violation(errors, path, "must be an integer, got " + quote(s));
    return false;
  }
  out = v;
  return true;
}

bool read_value(const Json& j, const std::string& path, Violations& errors, bool& out) {
  if (j.kind != Json::Kind::boolean) {
    wrong_type(j, path, errors, "a boolean");
    return false;
  }
  out = j.boolean;
  return true;
}

bool read_value(const Json& j, const std::string& path, Violations& errors, model::Decimal& out) {
  if (j.kind != Json::Kind::number) {
    wrong_type(j, path, errors, "a number");
    return false;
  }
  auto plain = plain_number(j.text);
  auto d = plain ? model::Decimal::parse(*plain) : std::nullopt;
  if (!d) {
    add_violation(errors, path, "number out of range or with more than 18 decimals: " + quote(j.text));
    return false;
  }
  out = *d;
  return true;
}

bool read_value(const Json& j, const std::string& path, Violations& errors, model::Timestamp& out) {
  if (j.kind != Json::Kind::string) {
    wrong_type(j, path, errors, "a date-time string");
    return false;
  }
  auto t = model::parse_timestamp(j.text);
  if (!t) {
    add_violation(errors, path, "not a valid date-time: " + quote(j.text));
    return false;
  }
  out = *t;
  return true;
}

void write_value(JsonWriter& w, Flavor /*f*/, const std::string& v) {
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

void write_value(JsonWriter& w, Flavor /*f*/, int v) { w.Int(v); }

void write_value(JsonWriter& w, Flavor /*f*/, bool v) { w.Bool(v); }

void write_value(JsonWriter& w, Flavor /*f*/, const model::Decimal& v) {
  std::string s = v.to_string();
  w.RawValue(s.data(), s.size(), rapidjson::kNumberType);
}

void write_value(JsonWriter& w, Flavor /*f*/, const model::Timestamp& v) {
  std::string s = model::format_timestamp(v);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

const Json* parse_root(std::string_view json, std::optional<Json>& storage, Violations& errors) {
  JsonParse parsed = parse_json(json);
  if (!parsed.value) {
    add_violation(errors, parsed.error_path, parsed.error);
    return nullptr;
  }
  storage = std::move(parsed.value);
  if (!storage->is_object()) {
    wrong_type(*storage, "", errors, "a JSON object");
    return nullptr;
  }
  return &*storage;
}

}  // namespace hub::ocpi::detail
