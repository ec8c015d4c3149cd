// SPDX-License-Identifier: GPL-2.0-or-later
#include "json_compare.hpp"

#include <hub/model/types.hpp>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

namespace hub::ocpi::test {
namespace {

using rapidjson::Value;

/// A document parsed twice: once typed (to know what is a number), once keeping number text.
struct Parsed {
  rapidjson::Document typed;
  rapidjson::Document raw;
  std::string error;
};

void parse(std::string_view text, Parsed& p) {
  p.typed.Parse(text.data(), text.size());
  p.raw.Parse<rapidjson::kParseNumbersAsStringsFlag>(text.data(), text.size());
  if (p.typed.HasParseError()) {
    p.error = std::string("parse error at ") + std::to_string(p.typed.GetErrorOffset()) + ": " +
              rapidjson::GetParseError_En(p.typed.GetParseError());
  }
}

std::string kind(const Value& v) {
  if (v.IsNull()) {
    return "null";
  }
  if (v.IsBool()) {
    return "boolean";
  }
  if (v.IsNumber()) {
    return "number";
  }
  if (v.IsString()) {
    return "string";
  }
  return v.IsArray() ? "array" : "object";
}

std::string text(const Value& raw) { return std::string(raw.GetString(), raw.GetStringLength()); }

std::string at(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

void compare(const Value& et, const Value& er, const Value& at_, const Value& ar, const std::string& path,
             std::vector<std::string>& out) {
  const std::string where = path.empty() ? "(root)" : path;
  if (kind(et) != kind(at_)) {
    out.push_back(where + ": expected " + kind(et) + ", got " + kind(at_));
    return;
  }
  if (et.IsBool()) {
    if (et.GetBool() != at_.GetBool()) {
      out.push_back(where + ": boolean differs");
    }
  } else if (et.IsNumber()) {
    std::string e = text(er);
    std::string a = text(ar);
    auto de = model::Decimal::parse(e);
    auto da = model::Decimal::parse(a);
    bool same = (de && da) ? *de == *da : e == a;
    if (!same) {
      out.push_back(where + ": expected number " + e + ", got " + a);
    }
  } else if (et.IsString()) {
    std::string e = text(er);
    std::string a = text(ar);
    if (e != a) {
      auto te = model::parse_timestamp(e);
      auto ta = model::parse_timestamp(a);
      bool same_instant = te && ta && *te == *ta && e.size() >= 10 && a.size() >= 10;
      if (!same_instant) {
        out.push_back(where + ": expected \"" + e + "\", got \"" + a + "\"");
      }
    }
  } else if (et.IsArray()) {
    if (et.Size() != at_.Size()) {
      out.push_back(where + ": expected " + std::to_string(et.Size()) + " items, got " + std::to_string(at_.Size()));
      return;
    }
    for (rapidjson::SizeType i = 0; i < et.Size(); ++i) {
      compare(et[i], er[i], at_[i], ar[i], path + "[" + std::to_string(i) + "]", out);
    }
  } else if (et.IsObject()) {
    for (auto it = et.MemberBegin(); it != et.MemberEnd(); ++it) {
      const char* key = it->name.GetString();
      if (!at_.HasMember(key)) {
        out.push_back(at(path, key) + ": missing");
        continue;
      }
      compare(it->value, er[key], at_[key], ar[key], at(path, key), out);
    }
    for (auto it = at_.MemberBegin(); it != at_.MemberEnd(); ++it) {
      if (!et.HasMember(it->name.GetString())) {
        out.push_back(at(path, it->name.GetString()) + ": unexpected member");
      }
    }
  }
}

}  // namespace

std::vector<std::string> json_diff(std::string_view expected, std::string_view actual) {
  Parsed e;
  Parsed a;
  parse(expected, e);
  parse(actual, a);
  if (!e.error.empty() || !a.error.empty()) {
    return {"expected: " + e.error + " actual: " + a.error};
  }
  std::vector<std::string> out;
  compare(e.typed, e.raw, a.typed, a.raw, "", out);
  return out;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) {
    out += l;
    out += '\n';
  }
  return out;
}

}  // namespace hub::ocpi::test
