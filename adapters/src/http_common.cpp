// SPDX-License-Identifier: GPL-2.0-or-later
#include <adapters/http.hpp>

#include "http_wire.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace hub::http {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}
}  // namespace

std::string_view find_header(const Headers& headers, std::string_view name) noexcept {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) {
      return v;
    }
  }
  return {};
}

std::string_view FieldList::find(std::string_view name) const noexcept {
  for (const Span& s : spans_) {
    if (iequals(std::string_view(text_.data() + s.name_at, s.name_size), name)) {
      return {text_.data() + s.value_at, s.value_size};
    }
  }
  return {};
}

Headers FieldList::to_headers() const {
  Headers out;
  out.reserve(size());
  for (const auto& [name, value] : *this) {
    out.emplace_back(name, value);
  }
  return out;
}

bool operator==(const FieldList& a, const FieldList& b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) {
      return false;
    }
  }
  return true;
}

bool FieldBlock::add(Name name, std::string_view value) {
  return append(name.text(), name.kind_, value);
}

bool FieldBlock::add_named(std::string_view name, std::string_view value) {
  return append(name, Name::classify(name), value);
}

void FieldBlock::grow(std::size_t n) {
  if (text_.capacity() < text_.size() + n) {
    text_.reserve(std::max<std::size_t>({text_.size() + n, 2 * text_.capacity(), 256}));
  }
}

void FieldBlock::add_all(const FieldBlock& other) {
  grow(other.text_.size());
  text_.append(other.text_);
  user_agent_ = user_agent_ || other.user_agent_;
  request_id_ = request_id_ || other.request_id_;
}

bool FieldBlock::append(std::string_view name, Name::Kind kind, std::string_view value) {
  if (kind == Name::Kind::invalid || kind == Name::Kind::transport || !wire::is_safe_value(value)) {
    return false;
  }
  user_agent_ = user_agent_ || kind == Name::Kind::user_agent;
  request_id_ = request_id_ || kind == Name::Kind::request_id;
  // One write per field.
  const std::size_t at = text_.size();
  const std::size_t size = wire::HeadWriter::field_size(name, value);
  grow(size);
  text_.resize(at + size);
  char* p = text_.data() + at;
  std::memcpy(p, name.data(), name.size());
  p += name.size();
  *p++ = ':';
  *p++ = ' ';
  std::memcpy(p, value.data(), value.size());
  p += value.size();
  *p++ = '\r';
  *p = '\n';
  return true;
}

std::string_view FieldBlock::find(std::string_view name) const noexcept {
  // Every line is "name: value" CRLF as add() wrote it: the name ends at the first ':', the
  // value at the line's CR.
  std::string_view rest = text_;
  while (!rest.empty()) {
    const auto colon = rest.find(':');
    const auto eol = rest.find('\r', colon);
    if (colon == std::string_view::npos || eol == std::string_view::npos) {
      break;
    }
    if (iequals(rest.substr(0, colon), name)) {
      return rest.substr(colon + 2, eol - colon - 2);
    }
    rest.remove_prefix(eol + 2);
  }
  return {};
}

std::string_view Request::path() const noexcept {
  std::string_view t = target;
  auto q = t.find('?');
  return q == std::string_view::npos ? t : t.substr(0, q);
}

std::string Request::query(std::string_view key) const {
  std::string_view t = target;
  auto q = t.find('?');
  if (q == std::string_view::npos) {
    return {};
  }
  std::string_view rest = t.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    auto eq = pair.find('=');
    std::string_view k = pair.substr(0, eq);
    if (url_decode(k) == key) {
      return eq == std::string_view::npos ? std::string{} : url_decode(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(amp + 1);
  }
  return {};
}

std::string url_decode(std::string_view in) {
  if (in.find('%') == std::string_view::npos) {
    return std::string(in);  // nothing escaped: one copy
  }
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%') {
      if (i + 2 >= in.size()) {
        return std::string(in);
      }
      int hi = hex_value(in[i + 1]);
      int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) {
        return std::string(in);
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

}  // namespace hub::http
