// SPDX-License-Identifier: GPL-2.0-or-later
#include "wire.hpp"

#include <hub/core/base64.hpp>
#include <hub/model/types.hpp>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <random>

namespace hub::ocpi::wire {
namespace {

std::optional<model::PartyRef> header_pair(std::string_view cc, std::string_view pid, std::string_view cc_name,
                                           std::string_view pid_name, std::string& error) {
  if (cc.empty() && pid.empty()) {
    return std::nullopt;
  }
  auto ref = model::make_party_ref(cc, pid);
  if (!ref) {
    error = std::string(cc_name) + "/" + std::string(pid_name) + " must be a 2-letter country code and a 3-character party id";
    return std::nullopt;
  }
  return ref;
}

bool parse_size(std::string_view s, std::size_t& out) {
  if (s.empty() || s.size() > 9) {
    return false;
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::string query_escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~' || c == ':') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

/// Untrusted JSON nests at most this deep (as the codec's kMaxJsonDepth): the parse is iterative
/// (no recursion on the stack), and what walks a parsed document recursively (Accept when
/// re-serialising) stays shallow.
constexpr std::size_t kMaxDepth = 64;

/// Forwards SAX events to `next` (a Document, or a handler that only validates), failing
/// beyond kMaxDepth; notes whether the top value is an object.
template <class Next>
struct Bounded {
  Next& next;
  std::size_t depth = 0;
  bool first = true;
  bool object = false;

  bool top(bool is_object) {
    if (first) {
      object = is_object;
      first = false;
    }
    return true;
  }
  bool Null() { return top(false) && next.Null(); }
  bool Bool(bool b) { return top(false) && next.Bool(b); }
  bool Int(int i) { return top(false) && next.Int(i); }
  bool Uint(unsigned u) { return top(false) && next.Uint(u); }
  bool Int64(std::int64_t i) { return top(false) && next.Int64(i); }
  bool Uint64(std::uint64_t u) { return top(false) && next.Uint64(u); }
  bool Double(double d) { return top(false) && next.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) { return top(false) && next.RawNumber(s, n, copy); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return top(false) && next.String(s, n, copy); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return next.Key(s, n, copy); }
  bool StartObject() { return top(true) && ++depth <= kMaxDepth && next.StartObject(); }
  bool StartArray() { return top(false) && ++depth <= kMaxDepth && next.StartArray(); }
  bool EndObject(rapidjson::SizeType n) {
    --depth;
    return next.EndObject(n);
  }
  bool EndArray(rapidjson::SizeType n) {
    --depth;
    return next.EndArray(n);
  }
};

constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag;

/// One iterative parse of `json` into `next`, nesting at most kMaxDepth; `object` (when given):
/// whether it is a JSON object.
template <class Next>
bool bounded_parse(std::string_view json, Next& next, bool* object = nullptr) {
  Bounded<Next> handler{next};
  rapidjson::Reader reader;
  rapidjson::MemoryStream in(json.data(), json.size());
  bool ok = !reader.Parse<kParseFlags>(in, handler).IsError();
  if (object != nullptr) {
    *object = ok && handler.object;
  }
  return ok;
}

bool parse_doc(rapidjson::Document& d, std::string_view json) {
  bool ok = false;
  auto generate = [&](rapidjson::Document& handler) {
    ok = bounded_parse(json, handler);
    return ok;
  };
  d.Populate(generate);
  return ok;
}

std::string write(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return {sb.GetString(), sb.GetSize()};
}

}  // namespace

std::string_view token_value(std::string_view authorization) {
  constexpr std::string_view kScheme = "Token ";
  if (authorization.size() <= kScheme.size() || !http::iequals(authorization.substr(0, kScheme.size()), kScheme)) {
    return {};
  }
  auto value = authorization.substr(kScheme.size());
  while (!value.empty() && value.front() == ' ') {
    value.remove_prefix(1);
  }
  while (!value.empty() && value.back() == ' ') {
    value.remove_suffix(1);
  }
  return value;
}

std::optional<std::string> decoded_token(std::string_view value) {
  auto d = base64::decode(value);
  if (!d) {
    return std::nullopt;
  }
  while (!d->empty() && (d->back() == '\n' || d->back() == '\r')) {
    d->pop_back();
  }
  if (d->empty()) {
    return std::nullopt;
  }
  for (unsigned char c : *d) {
    if (c <= 0x20 || c >= 0x7F) {
      return std::nullopt;
    }
  }
  return d;
}

std::string authorization(std::string_view token, bool plain) {
  return "Token " + (plain ? std::string(token) : base64::encode(token));
}

std::string envelope(int status_code, std::string_view message, std::string_view data_json) {
  std::string out;
  out.reserve(data_json.size() + 128);
  out += '{';
  if (!data_json.empty()) {
    out += "\"data\":";
    out += data_json;
    out += ',';
  }
  out += "\"status_code\":";
  out += std::to_string(status_code);
  if (!message.empty()) {
    out += ",\"status_message\":";
    out += json_string(message);
  }
  out += ",\"timestamp\":\"";
  out += now_timestamp();
  out += "\"}";
  return out;
}

http::Response reply(int http_status, int status_code, std::string_view message, std::string_view data_json) {
  http::Response r;
  r.status = http_status;
  r.body = envelope(status_code, message, data_json);
  return r;
}

http::Response error_reply(Errc e, std::string_view message, int http_status) {
  const auto& m = hub::mapping(e);
  return reply(http_status, m.ocpi_status, message);
}

Routing routing_headers(const http::FieldList& headers, std::string& error) {
  // One pass over the headers for the four routing headers, told apart by their lengths
  // (20, 16, 22, 18); the first of a repeated header counts, as with find_header.
  std::optional<std::string_view> found[4];
  static constexpr std::string_view kNames[4] = {"OCPI-to-country-code", "OCPI-to-party-id", "OCPI-from-country-code",
                                                 "OCPI-from-party-id"};
  for (const auto& [name, value] : headers) {
    int i = -1;
    switch (name.size()) {
      case 20:
        i = 0;
        break;
      case 16:
        i = 1;
        break;
      case 22:
        i = 2;
        break;
      case 18:
        i = 3;
        break;
      default:
        continue;
    }
    if (!found[i] && http::iequals(name, kNames[i])) {
      found[i] = value;
    }
  }
  auto at = [&](int i) { return found[i].value_or(std::string_view()); };
  std::string_view to_cc = at(0), to_pid = at(1), from_cc = at(2), from_pid = at(3);
  Routing r;
  r.to = header_pair(to_cc, to_pid, "OCPI-to-country-code", "OCPI-to-party-id", error);
  r.from = header_pair(from_cc, from_pid, "OCPI-from-country-code", "OCPI-from-party-id", error);
  return r;
}

namespace {
/// A party reference of the checked form (2 + 3 ASCII characters) as one number, 0 for none;
/// nullopt for any other form.
std::optional<std::uint64_t> packed_ref(const std::optional<model::PartyRef>& r) noexcept {
  if (!r) {
    return 0;
  }
  if (r->country_code.size() != 2 || r->party_id.size() != 3) {
    return std::nullopt;
  }
  std::uint64_t v = 1;
  for (char c : r->country_code) {
    v = (v << 8) | static_cast<unsigned char>(c);
  }
  for (char c : r->party_id) {
    v = (v << 8) | static_cast<unsigned char>(c);
  }
  return v;
}

void write_routing_fields(http::FieldBlock& fields, const std::optional<model::PartyRef>& to,
                          const std::optional<model::PartyRef>& from) {
  // Party references are checked ASCII ids (model::make_party_ref), so add() takes them.
  if (to) {
    fields.add("OCPI-to-country-code", to->country_code);
    fields.add("OCPI-to-party-id", to->party_id);
  }
  if (from) {
    fields.add("OCPI-from-country-code", from->country_code);
    fields.add("OCPI-from-party-id", from->party_id);
  }
}
}  // namespace

void set_routing_fields(http::FieldBlock& fields, const std::optional<model::PartyRef>& to,
                        const std::optional<model::PartyRef>& from) {
  // The same few pairs of parties talk all the time: their four fields are written once per
  // thread (direct-mapped by the pair) and copied from there as one piece.
  const auto t = packed_ref(to);
  const auto f = packed_ref(from);
  if (!t || !f) {
    write_routing_fields(fields, to, from);
    return;
  }
  struct Entry {
    std::uint64_t to = 0;
    std::uint64_t from = 0;
    http::FieldBlock block;
  };
  thread_local std::array<Entry, 64> cache;
  auto& e = cache[((*t * 0x9E3779B97F4A7C15ull) ^ (*f * 0xC2B2AE3D27D4EB4Full)) >> 58];
  if (e.to != *t || e.from != *f) {  // a fresh entry is the pair of none and none: no fields
    e.block.clear();
    write_routing_fields(e.block, to, from);
    e.to = *t;
    e.from = *f;
  }
  fields.add_all(e.block);
}

const std::string& cached_authorization(std::string_view token, bool plain) {
  // Direct-mapped per thread: the hub calls a few parties many times, and each call would
  // otherwise encode the same token again.
  struct Entry {
    std::string token;
    bool plain = false;
    std::string value;
  };
  thread_local std::array<Entry, 64> cache;
  auto& e = cache[(std::hash<std::string_view>{}(token) + (plain ? 1 : 0)) % cache.size()];
  if (e.value.empty() || e.plain != plain || e.token != token) {
    e.token.assign(token.data(), token.size());
    e.plain = plain;
    e.value = authorization(token, plain);
  }
  return e.value;
}

std::vector<std::string> segments(std::string_view path) {
  std::vector<std::string> out;
  out.reserve(8);
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto j = path.find('/', i);
    if (j == std::string_view::npos) {
      j = path.size();
    }
    out.push_back(http::url_decode(path.substr(i, j - i)));
    i = j;
  }
  return out;
}

Result<Page> page_params(const http::Request& req, std::size_t max_limit) {
  Page p;
  p.limit = max_limit;
  for (std::string_view name : {"date_from", "date_to"}) {
    auto v = req.query(name);
    if (v.empty()) {
      continue;
    }
    auto t = model::parse_timestamp(v);
    if (!t) {
      return make_error_code(Errc::invalid_request);
    }
    (name == "date_from" ? p.date_from_ms : p.date_to_ms) = t->unix_ms();
  }
  if (auto v = req.query("offset"); !v.empty() && !parse_size(v, p.offset)) {
    return make_error_code(Errc::invalid_request);
  }
  if (auto v = req.query("limit"); !v.empty()) {
    std::size_t limit = 0;
    if (!parse_size(v, limit)) {
      return make_error_code(Errc::invalid_request);
    }
    p.limit = limit == 0 ? max_limit : std::min(limit, max_limit);
  }
  return p;
}

void pagination_headers(http::FieldList& headers, const std::string& base_url, const Page& page, std::size_t returned,
                        std::size_t total, std::size_t max_limit) {
  if (page.offset + returned < total) {
    std::string url = base_url + "?";
    if (page.date_from_ms) {
      url += "date_from=" + query_escape(model::format_timestamp(model::Timestamp::from_unix_ms(*page.date_from_ms))) + "&";
    }
    if (page.date_to_ms) {
      url += "date_to=" + query_escape(model::format_timestamp(model::Timestamp::from_unix_ms(*page.date_to_ms))) + "&";
    }
    url += "offset=" + std::to_string(page.offset + returned) + "&limit=" + std::to_string(page.limit);
    headers.add("Link", "<" + url + ">; rel=\"next\"");
  }
  headers.add("X-Total-Count", std::to_string(total));
  headers.add("X-Limit", std::to_string(max_limit));
}

std::string uuid() {
  std::string out(36, '-');
  format_uuid(out.data());
  return out;
}

void format_uuid(char* out) {
  // xoshiro256** seeded once per thread from the OS: unique ids, not secrets.
  thread_local std::array<std::uint64_t, 4> st = [] {
    std::random_device rd;
    std::array<std::uint64_t, 4> seed{};
    for (auto& word : seed) {
      word = (std::uint64_t{rd()} << 32) ^ rd();
    }
    seed[0] |= 1;  // never all zero
    return seed;
  }();
  auto next = [] {
    auto rotl = [](std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
    const std::uint64_t result = rotl(st[1] * 5, 7) * 9;
    const std::uint64_t t = st[1] << 17;
    st[2] ^= st[0];
    st[3] ^= st[1];
    st[1] ^= st[2];
    st[0] ^= st[3];
    st[2] ^= t;
    st[3] = rotl(st[3], 45);
    return result;
  };
  std::uint64_t a = next();
  std::uint64_t b = next();
  a = (a & ~(0xFull << 12)) | (0x4ull << 12);     // version 4
  b = (b & ~(0x3ull << 62)) | (0x2ull << 62);     // variant 10
  // Two hex digits per byte from a table; the dashes are already there (8-4-4-4-12).
  static constexpr auto kPairs = [] {
    constexpr char kHex[] = "0123456789abcdef";
    std::array<char, 512> t{};
    for (int i = 0; i < 256; ++i) {
      t[2 * i] = kHex[i >> 4];
      t[2 * i + 1] = kHex[i & 15];
    }
    return t;
  }();
  char* o = out;
  auto bytes = [&o](std::uint64_t word, int first, int last) {
    for (int k = first; k < last; ++k) {
      const auto v = static_cast<std::size_t>((word >> (56 - 8 * k)) & 0xff);
      o[0] = kPairs[2 * v];
      o[1] = kPairs[2 * v + 1];
      o += 2;
    }
  };
  bytes(a, 0, 4);
  ++o;
  bytes(a, 4, 6);
  ++o;
  bytes(a, 6, 8);
  ++o;
  bytes(b, 0, 2);
  ++o;
  bytes(b, 2, 8);
  out[8] = out[13] = out[18] = out[23] = '-';
}

std::string now_timestamp() {
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  return model::format_timestamp(model::Timestamp{std::chrono::time_point_cast<std::chrono::milliseconds>(now)});
}

std::string json_array(const std::vector<std::string>& elements) {
  std::size_t size = 2;
  for (const auto& e : elements) {
    size += e.size() + 1;
  }
  std::string out;
  out.reserve(size);
  out += '[';
  for (std::size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    out += elements[i];
  }
  out += ']';
  return out;
}

std::string json_string(std::string_view s) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return {sb.GetString(), sb.GetSize()};
}

std::optional<int> envelope_status(std::string_view body) {
  rapidjson::Document d;
  if (!parse_doc(d, body) || !d.IsObject()) {
    return std::nullopt;
  }
  auto it = d.FindMember("status_code");
  if (it == d.MemberEnd()) {
    return std::nullopt;
  }
  int code = 0;
  if (it->value.IsString()) {
    std::string_view s(it->value.GetString(), it->value.GetStringLength());
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), code);
    if (ec != std::errc() || p != s.data() + s.size()) {
      return std::nullopt;
    }
    return code;
  }
  return std::nullopt;
}

std::optional<std::string> envelope_data(std::string_view body) {
  rapidjson::Document d;
  if (!parse_doc(d, body) || !d.IsObject()) {
    return std::nullopt;
  }
  auto it = d.FindMember("data");
  if (it == d.MemberEnd() || it->value.IsNull()) {
    return std::nullopt;
  }
  return write(it->value);
}

std::optional<std::string> string_member(std::string_view json, std::string_view name) {
  rapidjson::Document d;
  if (!parse_doc(d, json) || !d.IsObject()) {
    return std::nullopt;
  }
  auto it = d.FindMember(rapidjson::Value(rapidjson::StringRef(name.data(), static_cast<rapidjson::SizeType>(name.size()))));
  if (it == d.MemberEnd() || !it->value.IsString()) {
    return std::nullopt;
  }
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

bool has_member(std::string_view json, std::string_view name) {
  rapidjson::Document d;
  if (!parse_doc(d, json) || !d.IsObject()) {
    return false;
  }
  return d.HasMember(rapidjson::Value(rapidjson::StringRef(name.data(), static_cast<rapidjson::SizeType>(name.size()))));
}

bool is_object(std::string_view json) {
  rapidjson::BaseReaderHandler<> validate_only;
  bool object = false;
  return bounded_parse(json, validate_only, &object) && object;
}

}  // namespace hub::ocpi::wire
