// SPDX-License-Identifier: GPL-2.0-or-later
#include <hub/model/types.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

namespace hub::model {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) {
    return false;
  }
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

constexpr std::int64_t kPow10[] = {1,
                                   10,
                                   100,
                                   1000,
                                   10000,
                                   100000,
                                   1000000,
                                   10000000,
                                   100000000,
                                   1000000000,
                                   10000000000,
                                   100000000000,
                                   1000000000000,
                                   10000000000000,
                                   100000000000000,
                                   1000000000000000,
                                   10000000000000000,
                                   100000000000000000,
                                   1000000000000000000};

}  // namespace

std::optional<Timestamp> parse_timestamp(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n < 3) {
        millis = millis * 10 + (s[pos] - '0');
      }
      ++n;
      ++pos;
    }
    if (n == 0) {
      return std::nullopt;
    }
    for (int i = n; i < 3; ++i) {
      millis *= 10;
    }
  }
  int offset_minutes = 0;
  if (pos < s.size()) {
    if (s[pos] == 'Z' || s[pos] == 'z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int sign = s[pos] == '-' ? -1 : 1;
      int oh = 0, om = 0;
      if (!digits(s, pos + 1, 2, oh)) {
        return std::nullopt;
      }
      std::size_t mpos = pos + 3;
      if (mpos < s.size() && s[mpos] == ':') {
        ++mpos;
      }
      if (!digits(s, mpos, 2, om) || oh > 23 || om > 59) {
        return std::nullopt;
      }
      offset_minutes = sign * (oh * 60 + om);
      pos = mpos + 2;
    } else {
      return std::nullopt;
    }
  }
  if (pos != s.size()) {
    return std::nullopt;
  }
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 60) {
    return std::nullopt;
  }
  auto tp = sys_days{ymd} + hours{h} + minutes{mi} + seconds{std::min(se, 59)} + milliseconds{millis} -
            minutes{offset_minutes};
  return Timestamp{time_point_cast<milliseconds>(tp)};
}

std::string format_timestamp(const Timestamp& t) {
  using namespace std::chrono;
  auto days = floor<std::chrono::days>(t.time);
  year_month_day ymd{days};
  hh_mm_ss hms{t.time - days};
  char buf[40];
  auto ms = static_cast<int>(hms.subseconds().count());
  const int year = static_cast<int>(ymd.year());
  if (year >= 0 && year <= 9999) {
    // The common case by hand: snprintf costs more than the rest of a push's formatting.
    auto two = [](char* p, unsigned v) {
      p[0] = static_cast<char>('0' + v / 10);
      p[1] = static_cast<char>('0' + v % 10);
    };
    char* p = buf;
    two(p, static_cast<unsigned>(year / 100));
    two(p + 2, static_cast<unsigned>(year % 100));
    p[4] = '-';
    two(p + 5, static_cast<unsigned>(ymd.month()));
    p[7] = '-';
    two(p + 8, static_cast<unsigned>(ymd.day()));
    p[10] = 'T';
    two(p + 11, static_cast<unsigned>(hms.hours().count()));
    p[13] = ':';
    two(p + 14, static_cast<unsigned>(hms.minutes().count()));
    p[16] = ':';
    two(p + 17, static_cast<unsigned>(hms.seconds().count()));
    p += 19;
    if (ms != 0) {
      *p++ = '.';
      *p++ = static_cast<char>('0' + ms / 100);
      two(p, static_cast<unsigned>(ms % 100));
      p += 2;
    }
    *p++ = 'Z';
    return std::string(buf, p);
  }
  if (ms != 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()), ms);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
  }
  return buf;
}

std::optional<Decimal> Decimal::parse(std::string_view s) {
  if (s.empty()) {
    return std::nullopt;
  }
  bool negative = false;
  std::size_t pos = 0;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    pos = 1;
  }
  std::int64_t mantissa = 0;
  int scale = 0;
  bool seen_point = false;
  bool seen_digit = false;
  for (; pos < s.size(); ++pos) {
    char c = s[pos];
    if (c == '.') {
      if (seen_point) {
        return std::nullopt;
      }
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    seen_digit = true;
    if (mantissa > (std::numeric_limits<std::int64_t>::max() - 9) / 10 || (seen_point && scale >= 18)) {
      return std::nullopt;  // beyond 18 significant digits: refuse rather than round silently
    }
    mantissa = mantissa * 10 + (c - '0');
    if (seen_point) {
      ++scale;
    }
  }
  if (!seen_digit || (seen_point && s.back() == '.')) {
    return std::nullopt;
  }
  return Decimal{negative ? -mantissa : mantissa, scale};
}

Decimal Decimal::from_double(double v, int max_scale) {
  max_scale = std::clamp(max_scale, 0, 15);
  if (!std::isfinite(v) || std::fabs(v) * static_cast<double>(kPow10[max_scale]) > 9.0e18) {
    return Decimal{0, 0};  // not representable: callers validate ranges before converting
  }
  double scaled = std::round(v * static_cast<double>(kPow10[max_scale]));
  Decimal d{static_cast<std::int64_t>(scaled), max_scale};
  while (d.scale > 0 && d.mantissa % 10 == 0) {
    d.mantissa /= 10;
    --d.scale;
  }
  return d;
}

std::string Decimal::to_string() const {
  auto magnitude = mantissa < 0 ? -static_cast<unsigned long long>(mantissa) : static_cast<unsigned long long>(mantissa);
  std::string digits_text = std::to_string(magnitude);
  if (scale > 0) {
    if (digits_text.size() <= static_cast<std::size_t>(scale)) {
      digits_text.insert(0, static_cast<std::size_t>(scale) - digits_text.size() + 1, '0');
    }
    digits_text.insert(digits_text.size() - static_cast<std::size_t>(scale), 1, '.');
  }
  return (mantissa < 0 ? "-" : "") + digits_text;
}

double Decimal::to_double() const noexcept {
  return static_cast<double>(mantissa) / static_cast<double>(kPow10[std::clamp(scale, 0, 18)]);
}

std::strong_ordering Decimal::operator<=>(const Decimal& o) const noexcept {
  // Compare a*10^(s-sa) with b*10^(s-sb) in 128-bit arithmetic.
  int s = std::max(scale, o.scale);
  __int128 a = static_cast<__int128>(mantissa) * kPow10[std::clamp(s - scale, 0, 18)];
  __int128 b = static_cast<__int128>(o.mantissa) * kPow10[std::clamp(s - o.scale, 0, 18)];
  return a <=> b;
}

bool Decimal::operator==(const Decimal& o) const noexcept { return (*this <=> o) == std::strong_ordering::equal; }

}  // namespace hub::model
