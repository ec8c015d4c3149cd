// SPDX-License-Identifier: GPL-2.0-or-later
// SOAP 1.1 envelope handling for the OCHP codec: one gSOAP context per call, input from a
// memory buffer (frecv callback), output into a std::ostringstream (soap->os).
#include <ochp/codec.hpp>

// The global envelope module first: its SOAP_ENV__Header / SOAP_ENV__Fault take precedence over
// the (guarded) defaults of the namespaced data module.
#include "envH.h"
// clang-format off
#include "convert.hpp"
// clang-format on

#include <hub/core/text.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <sstream>

// The global gSOAP namespace table that libgsoap++ references by name. It lives here (not in the
// generated-code library) so that the linker always keeps it: the static codec library precedes
// libgsoap++ on the link line. SOAP 1.1 only: no wildcard pattern, so a SOAP 1.2 envelope never
// matches SOAP-ENV.
SOAP_NMAC struct Namespace namespaces[] = {
    {"SOAP-ENV", "http://schemas.xmlsoap.org/soap/envelope/", nullptr, nullptr},
    {"SOAP-ENC", "http://schemas.xmlsoap.org/soap/encoding/", nullptr, nullptr},
    {"xsi", "http://www.w3.org/2001/XMLSchema-instance", nullptr, nullptr},
    {"xsd", "http://www.w3.org/2001/XMLSchema", nullptr, nullptr},
    {"ochp", "http://ochp.eu/1.4", nullptr, nullptr},
    {"wsse", "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd", nullptr, nullptr},
    {"wsu", "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd", nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr}};

namespace hub::ochp {

namespace {

namespace g = ::ochp_gsoap;
using detail::Arena;
using detail::Decoder;

constexpr std::string_view kSoapEnv12 = "http://www.w3.org/2003/05/soap-envelope";
constexpr std::string_view kOchpNamespace = "http://ochp.eu/1.4";
constexpr std::string_view kOchpNamespaceRoot = "http://ochp.eu/";

struct OperationInfo {
  std::string_view name;
  std::string_view action;
  std::string_view request;
  std::string_view response;
  const char* request_tag;
  const char* response_tag;
};

#define HUB_OCHP_INFO(op, elem, pub, opname, action) \
  OperationInfo{opname, action, #elem "Request", #elem "Response", "ochp:" #elem "Request", "ochp:" #elem "Response"},
constexpr std::array<OperationInfo, kOperationCount> kOperations{HUB_OCHP_OPERATIONS(HUB_OCHP_INFO)};
#undef HUB_OCHP_INFO

/// Input buffer + state shared with the gSOAP callbacks through soap->user.
struct Input {
  const char* data = nullptr;
  std::size_t left = 0;
};

std::size_t read_buffer(soap* s, char* buf, std::size_t len) {
  auto* in = static_cast<Input*>(s->user);
  const std::size_t n = std::min(len, in->left);
  std::memcpy(buf, in->data, n);
  in->data += n;
  in->left -= n;
  return n;
}

/// Owns one gSOAP context and everything allocated in it.
class Context {
 public:
  explicit Context(soap_mode mode) : soap_(soap_new1(mode)) {
    soap_set_namespaces(soap_, namespaces);
    soap_->encodingStyle = nullptr;  // document/literal
  }
  ~Context() {
    soap_destroy(soap_);
    soap_end(soap_);
    soap_free(soap_);
  }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  soap* get() const noexcept { return soap_; }

 private:
  soap* soap_;
};

enum class Scan { ok, declaration, too_deep, malformed };

/// One linear pass over the raw text before gSOAP sees it:
/// * a DOCTYPE, ENTITY or any other markup declaration ("<!" that is neither a comment nor a
///   CDATA section) is refused: gSOAP never expands entities, but we do not depend on how its
///   scanner skips DTDs;
/// * element nesting deeper than `max_depth` is refused: gSOAP enforces soap->maxlevel on the
///   elements it deserializes, but not while it skips unknown header entries;
/// * anything but white space, comments and processing instructions after the root element.
/// The text's characters are checked by well_formed_text; other malformed input is left to
/// the parser.
Scan scan(std::string_view xml, unsigned max_depth) {
  unsigned depth = 0;
  bool root_closed = false;  // after it, only white space, comments and processing instructions
  std::size_t i = 0;
  std::size_t text_from = 0;  // where the text before the next '<' starts
  auto only_space = [](std::string_view t) { return t.find_first_not_of(" \t\r\n") == std::string_view::npos; };
  while ((i = xml.find('<', i)) != std::string_view::npos) {
    if (root_closed && !only_space(xml.substr(text_from, i - text_from))) {
      return Scan::malformed;
    }
    const std::string_view rest = xml.substr(i);
    if (root_closed && !rest.starts_with("<!--") && !rest.starts_with("<?")) {
      return Scan::malformed;  // a second root element (or CDATA) after the document's end
    }
    std::size_t end = std::string_view::npos;
    if (rest.starts_with("<!--")) {
      end = xml.find("-->", i + 4);
      if (end != std::string_view::npos) {
        end += 2;
      }
    } else if (rest.starts_with("<![CDATA[")) {
      end = xml.find("]]>", i + 9);
      if (end != std::string_view::npos) {
        end += 2;
      }
    } else if (rest.starts_with("<!")) {
      return Scan::declaration;
    } else if (rest.starts_with("<?")) {
      end = xml.find("?>", i + 2);
      if (end != std::string_view::npos) {
        end += 1;
      }
    } else if (rest.starts_with("</")) {
      depth = depth > 0 ? depth - 1 : 0;
      root_closed = depth == 0;
      end = xml.find('>', i + 2);
    } else {
      char quote = 0;
      std::size_t j = i + 1;
      for (; j < xml.size(); ++j) {
        const char c = xml[j];
        if (quote != 0) {
          if (c == quote) {
            quote = 0;
          }
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '>') {
          break;
        }
      }
      if (j < xml.size() && xml[j - 1] != '/') {
        if (++depth > max_depth) {
          return Scan::too_deep;
        }
      } else if (j < xml.size() && depth == 0) {
        root_closed = true;  // an empty root element
      }
      end = j < xml.size() ? j : std::string_view::npos;
    }
    if (end == std::string_view::npos) {
      return Scan::ok;
    }
    i = end + 1;
    text_from = i;
  }
  if (root_closed && !only_space(xml.substr(std::min(text_from, xml.size())))) {
    return Scan::malformed;
  }
  return Scan::ok;
}

/// The code point of a character reference's digits ("#x1F", "#31"); nullopt when malformed
/// or beyond U+10FFFF.
std::optional<std::uint32_t> char_reference(std::string_view ref) {
  const bool hex = ref.size() > 2 && (ref[1] == 'x');
  const std::string_view digits = ref.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 8) {
    return std::nullopt;
  }
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, hex ? 16 : 10);
  if (ec != std::errc() || end != digits.data() + digits.size() || value > 0x10FFFF) {
    return std::nullopt;
  }
  return value;
}

/// A control character XML 1.0 cannot carry (all below space but tab, LF and CR).
bool control_byte(unsigned char c) { return c < 0x20 && !hub::text::is_xml_char(c); }

bool iequals_ascii(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

/// What gSOAP's scanner lets through but XML 1.0 forbids, checked on the raw text: bytes that
/// are not UTF-8, control characters, U+FFFE and U+FFFF, references to characters XML cannot
/// carry or to entities other than the five predefined ones, and a document that is not ASCII
/// under an XML declaration naming another encoding than UTF-8.
/// Comments, CDATA sections and processing instructions are skipped (their text is not read).
bool well_formed_text(std::string_view xml) {
  if (!hub::text::is_utf8(xml)) {
    return false;
  }
  // U+FFFE and U+FFFF are UTF-8 but no XML characters.
  if (xml.find("\xEF\xBF\xBE") != std::string_view::npos || xml.find("\xEF\xBF\xBF") != std::string_view::npos) {
    return false;
  }
  if (xml.starts_with("<?xml")) {
    const std::string_view decl = xml.substr(0, xml.find("?>"));
    if (const auto at = decl.find("encoding"); at != std::string_view::npos) {
      auto value = decl.substr(at + 8);
      value.remove_prefix(std::min(value.find_first_of("\"'"), value.size()));
      if (value.size() < 2) {
        return false;
      }
      const auto close = value.find(value.front(), 1);
      if (close == std::string_view::npos) {
        return false;
      }
      const std::string_view name = value.substr(1, close - 1);
      auto named = [&name](std::string_view prefix) {
        return name.size() >= prefix.size() && iequals_ascii(name.substr(0, prefix.size()), prefix);
      };
      if (!iequals_ascii(name, "UTF-8")) {
        // A document of ASCII bytes reads alike under an ASCII-compatible encoding (nusoap
        // declares ISO-8859-1); one in a multi-byte encoding would not be these bytes at all.
        if (!hub::text::is_ascii(xml) || named("UTF-16") || named("UTF-32") || named("UCS") || named("EBCDIC")) {
          return false;
        }
      }
    }
  }
  if (std::any_of(xml.begin(), xml.end(), [](char c) { return control_byte(static_cast<unsigned char>(c)); })) {
    return false;  // anywhere, comments and CDATA sections included
  }
  for (std::size_t i = 0; i < xml.size(); ++i) {
    const char c = xml[i];
    if (c == '<') {
      const std::string_view rest = xml.substr(i);
      std::string_view close;
      if (rest.starts_with("<!--")) {
        close = "-->";
      } else if (rest.starts_with("<![CDATA[")) {
        close = "]]>";
      } else if (rest.starts_with("<?")) {
        close = "?>";
      }
      if (!close.empty()) {
        const auto end = xml.find(close, i + 2);
        if (end == std::string_view::npos) {
          return true;  // unterminated: the parser refuses it
        }
        i = end + close.size() - 1;
      }
    } else if (c == '&') {
      const auto semi = xml.find(';', i + 1);
      if (semi == std::string_view::npos || semi - i > 12) {
        return false;
      }
      const std::string_view ref = xml.substr(i + 1, semi - i - 1);
      if (ref.starts_with('#')) {
        const auto code = char_reference(ref);
        if (!code || !hub::text::is_xml_char(*code)) {
          return false;
        }
      } else if (ref != "lt" && ref != "gt" && ref != "amp" && ref != "apos" && ref != "quot") {
        return false;
      }
      i = semi;
    }
  }
  return true;
}

/// Size and pre-scan checks shared by both decoders.
std::error_code precheck(std::string_view xml, const Limits& limits) {
  if (xml.size() > limits.max_envelope_bytes) {
    return Errc::payload_too_large;
  }
  if (!well_formed_text(xml)) {
    return Errc::malformed_body;
  }
  switch (scan(xml, limits.max_depth)) {
    case Scan::declaration:
    case Scan::malformed:
      return Errc::malformed_body;
    case Scan::too_deep:
      return Errc::payload_too_large;
    case Scan::ok:
      break;
  }
  return {};
}

/// The first start tag (after the XML declaration, comments and processing instructions).
std::string_view root_start_tag(std::string_view xml) {
  std::size_t i = 0;
  while ((i = xml.find('<', i)) != std::string_view::npos) {
    if (i + 1 < xml.size() && (xml[i + 1] == '?' || xml[i + 1] == '!')) {
      ++i;
      continue;
    }
    const auto end = xml.find('>', i);
    return xml.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
  }
  return {};
}

/// Errors of the envelope framing (before / after the body element).
std::error_code framing_error(int e) {
  switch (e) {
    case SOAP_LEVEL:
    case SOAP_LENGTH:
    case SOAP_EOM:
      return Errc::payload_too_large;
    case SOAP_VERSIONMISMATCH:
      return Errc::unsupported_version;
    case SOAP_MUSTUNDERSTAND:
      return Errc::invalid_request;
    default:
      return Errc::malformed_body;
  }
}

/// Errors while reading the body element.
std::error_code body_error(int e) {
  switch (e) {
    case SOAP_LEVEL:
    case SOAP_LENGTH:
    case SOAP_EOM:
      return Errc::payload_too_large;
    case SOAP_TAG_MISMATCH:
    case SOAP_NO_TAG:
    case SOAP_TYPE:
    case SOAP_OCCURS:
    case SOAP_NAMESPACE:
    case SOAP_NO_METHOD:
    case SOAP_MUSTUNDERSTAND:
      return Errc::invalid_request;
    default:
      return Errc::malformed_body;
  }
}

constexpr soap_mode kInMode = SOAP_XML_STRICT | SOAP_XML_TREE | SOAP_C_UTFSTRING | SOAP_ENC_PLAIN;
constexpr soap_mode kOutMode = SOAP_XML_TREE | SOAP_C_UTFSTRING | SOAP_ENC_PLAIN;

/// Opens the envelope up to the first Body child (peeked, not consumed).
std::error_code open_envelope(soap* s, Input& input, std::string_view xml, const Limits& limits) {
  input.data = xml.data();
  input.left = xml.size();
  s->user = &input;
  s->frecv = read_buffer;
  s->maxlevel = limits.max_depth;
  s->maxoccurs = limits.max_occurs;
  s->maxlength = static_cast<long>(limits.max_string_length);
  s->recv_maxlength = limits.max_envelope_bytes;
  if (soap_begin_recv(s) != SOAP_OK) {
    return framing_error(s->error);
  }
  const bool opened = soap_envelope_begin_in(s) == SOAP_OK;
  if (!opened || s->version != 1) {
    // Our table has no SOAP 1.2 entry, so a 1.2 envelope never opens as SOAP 1.1 (gSOAP reads
    // it as a plain XML document); tell it apart by the root start tag's namespaces.
    if (root_start_tag(xml).find(kSoapEnv12) != std::string_view::npos) {
      return Errc::unsupported_version;
    }
    return opened ? std::error_code(Errc::malformed_body) : framing_error(s->error);
  }
  if (soap_recv_header(s) != SOAP_OK || soap_body_begin_in(s) != SOAP_OK) {
    return framing_error(s->error);
  }
  if (soap_peek_element(s) != SOAP_OK) {
    return s->error == SOAP_NO_TAG ? std::error_code(Errc::invalid_request) : framing_error(s->error);
  }
  return {};
}

std::error_code close_envelope(soap* s) {
  if (soap_body_end_in(s) != SOAP_OK || soap_envelope_end_in(s) != SOAP_OK || soap_end_recv(s) != SOAP_OK) {
    return framing_error(s->error);
  }
  return {};
}

/// The error for a body element that is not one of ours.
std::error_code unknown_element(soap* s) {
  const char* ns = soap_current_namespace_tag(s, s->tag);
  if (ns != nullptr) {
    const std::string_view uri(ns);
    if (uri.starts_with(kOchpNamespaceRoot) && uri != kOchpNamespace) {
      return Errc::unsupported_version;
    }
  }
  return Errc::invalid_request;
}

template <class Public, class Gsoap, class In>
Result<Public> read_body(soap* s, const char* tag, In in) {
  Gsoap body;
  if (in(s, tag, &body, nullptr) == nullptr) {
    return body_error(s->error);
  }
  Decoder d;
  auto decoded = detail::decode(d, body);
  if (!d.ok()) {
    return Errc::invalid_request;
  }
  return Public(std::move(decoded));
}

Result<Request> read_request(soap* s, Operation op) {
  switch (op) {
#define HUB_OCHP_READ(op, elem, pub, opname, action) \
  case Operation::op:                                \
    return read_body<Request, g::_ochp__##elem##Request>(s, "ochp:" #elem "Request", g::soap_in__ochp__##elem##Request);
    HUB_OCHP_OPERATIONS(HUB_OCHP_READ)
#undef HUB_OCHP_READ
  }
  return Errc::internal;
}

Result<Response> read_response(soap* s, Operation op) {
  switch (op) {
#define HUB_OCHP_READ(op, elem, pub, opname, action)                                                         \
  case Operation::op:                                                                                        \
    return read_body<Response, g::_ochp__##elem##Response>(s, "ochp:" #elem "Response",                      \
                                                           g::soap_in__ochp__##elem##Response);
    HUB_OCHP_OPERATIONS(HUB_OCHP_READ)
#undef HUB_OCHP_READ
  }
  return Errc::internal;
}

/// The written envelope with every character XML 1.0 cannot carry (a control character held
/// in a string, which gSOAP writes as a character reference such as "&#x1;", and U+FFFE and
/// U+FFFF, which it writes as they are) replaced by U+FFFD, so that partners' parsers accept
/// the document.
std::string xml_safe(std::string xml) {
  constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  // U+FFFE and U+FFFF (written as UTF-8): EF BF BE, EF BF BF.
  auto noncharacter_at = [&xml](std::size_t i) {
    return i + 2 < xml.size() && xml[i] == '\xEF' && xml[i + 1] == '\xBF' && (xml[i + 2] == '\xBE' || xml[i + 2] == '\xBF');
  };
  bool suspect = xml.find("&#") != std::string::npos || xml.find("\xEF\xBF\xBE") != std::string::npos ||
                 xml.find("\xEF\xBF\xBF") != std::string::npos;
  for (std::size_t i = 0; !suspect && i < xml.size(); ++i) {
    suspect = control_byte(static_cast<unsigned char>(xml[i]));
  }
  if (!suspect) {
    return xml;
  }
  std::string out;
  out.reserve(xml.size());
  for (std::size_t i = 0; i < xml.size(); ++i) {
    const auto c = static_cast<unsigned char>(xml[i]);
    if (control_byte(c)) {
      out += kReplacement;
      continue;
    }
    if (noncharacter_at(i)) {
      out += kReplacement;
      i += 2;
      continue;
    }
    if (c == '&' && i + 1 < xml.size() && xml[i + 1] == '#') {
      const auto semi = xml.find(';', i + 2);
      if (semi != std::string::npos) {
        const auto code = char_reference(std::string_view(xml).substr(i + 1, semi - i - 1));
        if (code && !hub::text::is_xml_char(*code)) {
          out += kReplacement;
          i = semi;
          continue;
        }
      }
    }
    out += static_cast<char>(c);
  }
  return out;
}

/// Writes a whole envelope: `serialize(s)` marks the body, `put(s)` writes it.
template <class Serialize, class Put>
std::string write_envelope(Context& ctx, Serialize serialize, Put put) {
  soap* s = ctx.get();
  std::ostringstream os;
  s->os = &os;
  soap_set_version(s, 1);
  s->encodingStyle = nullptr;
  soap_serializeheader(s);
  serialize(s);
  if (soap_begin_send(s) != SOAP_OK || soap_envelope_begin_out(s) != SOAP_OK || soap_putheader(s) != SOAP_OK ||
      soap_body_begin_out(s) != SOAP_OK || put(s) != SOAP_OK || soap_body_end_out(s) != SOAP_OK ||
      soap_envelope_end_out(s) != SOAP_OK || soap_end_send(s) != SOAP_OK) {
    return {};  // writing to a std::ostringstream does not fail short of bad_alloc
  }
  s->os = nullptr;
  return xml_safe(std::move(os).str());
}

template <class Gsoap, class Public, class Ser, class Put>
std::string write_message(Context& ctx, const Public& message, const char* tag, Ser ser, Put put) {
  Arena arena;
  Gsoap body;
  detail::encode(arena, message, body);
  return write_envelope(
      ctx, [&](soap* s) { ser(s, &body); }, [&](soap* s) { return put(s, &body, tag, nullptr); });
}

}  // namespace

bool UsernameToken::is_password_text() const noexcept {
  return password_type.empty() || password_type == kPasswordTextType;
}

Operation operation_of(const Request& request) noexcept {
  return static_cast<Operation>(request.index());
}

Operation operation_of(const Response& response) noexcept {
  return static_cast<Operation>(response.index());
}

std::string_view operation_name(Operation op) noexcept {
  return kOperations[static_cast<std::size_t>(op)].name;
}

std::string_view soap_action(Operation op) noexcept {
  return kOperations[static_cast<std::size_t>(op)].action;
}

std::string_view request_element(Operation op) noexcept {
  return kOperations[static_cast<std::size_t>(op)].request;
}

std::string_view response_element(Operation op) noexcept {
  return kOperations[static_cast<std::size_t>(op)].response;
}

Result<Envelope> parse_request(std::string_view xml, const Limits& limits) {
  if (auto ec = precheck(xml, limits)) {
    return ec;
  }
  Context ctx(kInMode);
  soap* s = ctx.get();
  Input input;
  if (auto ec = open_envelope(s, input, xml, limits)) {
    return ec;
  }
  std::optional<Operation> op;
  for (std::size_t i = 0; i < kOperations.size(); ++i) {
    if (soap_match_tag(s, s->tag, kOperations[i].request_tag) == SOAP_OK) {
      op = static_cast<Operation>(i);
      break;
    }
  }
  if (!op) {
    return unknown_element(s);
  }
  auto request = read_request(s, *op);
  if (!request) {
    return request.error();
  }
  if (auto ec = close_envelope(s)) {
    return ec;
  }
  Envelope envelope{std::nullopt, std::move(*request)};
  if (s->header != nullptr && s->header->wsse__Security != nullptr &&
      s->header->wsse__Security->UsernameToken != nullptr) {
    const auto& t = *s->header->wsse__Security->UsernameToken;
    UsernameToken token;
    token.username = t.Username;
    if (t.Password != nullptr) {
      token.password = t.Password->__item;
      token.password_type = t.Password->Type != nullptr ? *t.Password->Type : std::string();
    }
    if (t.Nonce != nullptr) {
      token.nonce = t.Nonce->__item;
    }
    if (t.wsu__Created != nullptr) {
      token.created = *t.wsu__Created;
    }
    envelope.security = std::move(token);
  }
  return envelope;
}

Result<Response> parse_response(std::string_view xml, const Limits& limits, Fault* fault) {
  if (auto ec = precheck(xml, limits)) {
    return ec;
  }
  Context ctx(kInMode);
  soap* s = ctx.get();
  Input input;
  if (auto ec = open_envelope(s, input, xml, limits)) {
    return ec;
  }
  if (soap_match_tag(s, s->tag, "SOAP-ENV:Fault") == SOAP_OK) {
    SOAP_ENV__Fault f;
    soap_default_SOAP_ENV__Fault(s, &f);
    if (soap_in_SOAP_ENV__Fault(s, "SOAP-ENV:Fault", &f, nullptr) == nullptr) {
      return body_error(s->error);
    }
    const std::string code = f.faultcode != nullptr ? f.faultcode : "";
    if (fault != nullptr) {
      fault->code = code;
      fault->message = f.faultstring != nullptr ? f.faultstring : "";
    }
    return code.ends_with(":Server") ? Errc::upstream_retryable : Errc::upstream_permanent;
  }
  std::optional<Operation> op;
  for (std::size_t i = 0; i < kOperations.size(); ++i) {
    if (soap_match_tag(s, s->tag, kOperations[i].response_tag) == SOAP_OK) {
      op = static_cast<Operation>(i);
      break;
    }
  }
  if (!op) {
    return unknown_element(s);
  }
  auto response = read_response(s, *op);
  if (!response) {
    return response.error();
  }
  if (auto ec = close_envelope(s)) {
    return ec;
  }
  return response;
}

std::string serialize_response(const Response& response) {
  Context ctx(kOutMode);
  switch (operation_of(response)) {
#define HUB_OCHP_WRITE(op, elem, pub, opname, action)                                                          \
  case Operation::op:                                                                                          \
    return write_message<g::_ochp__##elem##Response>(ctx, std::get<pub##Response>(response),                   \
                                                     "ochp:" #elem "Response",                                  \
                                                     g::soap_serialize__ochp__##elem##Response,                \
                                                     g::soap_put__ochp__##elem##Response);
    HUB_OCHP_OPERATIONS(HUB_OCHP_WRITE)
#undef HUB_OCHP_WRITE
  }
  return {};
}

std::string serialize_request(const Request& request, const std::optional<UsernameToken>& security) {
  Context ctx(kOutMode);
  soap* s = ctx.get();
  SOAP_ENV__Header header;
  _wsse__Security wsse;
  _wsse__UsernameToken token;
  _wsse__Password password;
  _wsse__Nonce nonce;
  std::string password_type;
  std::string created;
  if (security) {
    token.Username = security->username;
    password.__item = security->password;
    password_type = security->password_type.empty() ? std::string(kPasswordTextType) : security->password_type;
    password.Type = &password_type;
    token.Password = &password;
    if (security->nonce) {
      nonce.__item = *security->nonce;
      token.Nonce = &nonce;
    }
    if (security->created) {
      created = *security->created;
      token.wsu__Created = &created;
    }
    wsse.UsernameToken = &token;
    header.wsse__Security = &wsse;
    s->header = &header;
  }
  std::string out;
  switch (operation_of(request)) {
#define HUB_OCHP_WRITE(op, elem, pub, opname, action)                                                                \
  case Operation::op:                                                                                                \
    out = write_message<g::_ochp__##elem##Request>(ctx, std::get<pub##Request>(request), "ochp:" #elem "Request",    \
                                                   g::soap_serialize__ochp__##elem##Request,                        \
                                                   g::soap_put__ochp__##elem##Request);                             \
    break;
    HUB_OCHP_OPERATIONS(HUB_OCHP_WRITE)
#undef HUB_OCHP_WRITE
  }
  s->header = nullptr;  // points to locals
  return out;
}

FaultCode fault_code_for(Errc e) noexcept {
  if (e == Errc::unsupported_version) {
    return FaultCode::version_mismatch;
  }
  const auto& m = mapping(e);
  return m.http_status >= 500 || m.retryable ? FaultCode::server : FaultCode::client;
}

std::string serialize_fault(FaultCode code, std::string_view message) {
  Context ctx(kOutMode);
  std::string text(message);
  std::string code_text;
  switch (code) {
    case FaultCode::client:
      code_text = "SOAP-ENV:Client";
      break;
    case FaultCode::server:
      code_text = "SOAP-ENV:Server";
      break;
    case FaultCode::version_mismatch:
      code_text = "SOAP-ENV:VersionMismatch";
      break;
    case FaultCode::must_understand:
      code_text = "SOAP-ENV:MustUnderstand";
      break;
  }
  SOAP_ENV__Fault fault;
  soap_default_SOAP_ENV__Fault(ctx.get(), &fault);
  fault.faultcode = code_text.data();
  fault.faultstring = text.data();
  return write_envelope(
      ctx, [&](soap* s) { soap_serialize_SOAP_ENV__Fault(s, &fault); },
      [&](soap* s) { return soap_put_SOAP_ENV__Fault(s, &fault, "SOAP-ENV:Fault", nullptr); });
}

}  // namespace hub::ochp
