// SPDX-License-Identifier: GPL-2.0-or-later
// HTTP/1.1 message framing shared by the server and the client, without Beast's field containers:
// Beast's parser (request line, fields, Content-Length and chunked framing, limits) feeds our
// plain Request/Response directly, and answers are written as one contiguous head plus the body.
#pragma once

#include <adapters/http.hpp>

#include "pch.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <tuple>

namespace hub::http::wire {

/// Asio on io_uring (HUB_IO_URING): every socket operation goes through the ring, submitted and
/// reaped in batches, one system call for many. Sending directly as well measured slower there
/// (docs/benchmarks.md), so send_now is for the epoll build only.
#if defined(BOOST_ASIO_HAS_IO_URING) && defined(BOOST_ASIO_DISABLE_EPOLL)
inline constexpr bool kUring = true;
#else
inline constexpr bool kUring = false;
#endif

/// Sends what the socket takes right now (MSG_DONTWAIT, whatever mode the socket is in) in one
/// system call, outside Asio: an answer or request usually goes whole, and the coroutine goes on
/// without a trip through the io_context. Returns the bytes sent; 0 with no error when the
/// socket would block.
inline std::size_t send_now(boost::asio::ip::tcp::socket& socket, const std::array<boost::asio::const_buffer, 2>& buffers,
                            boost::system::error_code& ec) {
  iovec iov[2];
  int n = 0;
  for (const auto& b : buffers) {
    if (b.size() > 0) {
      iov[n].iov_base = const_cast<void*>(b.data());
      iov[n].iov_len = b.size();
      ++n;
    }
  }
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = static_cast<std::size_t>(n);
  for (;;) {
    const ssize_t sent = ::sendmsg(socket.native_handle(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent >= 0) {
      ec.clear();
      return static_cast<std::size_t>(sent);
    }
    if (errno == EINTR) {
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      ec.clear();
      return 0;
    }
    ec.assign(errno, boost::system::system_category());
    return 0;
  }
}

/// A receive buffer whose short read tells Asio's epoll reactor that the socket is drained.
///
/// The reactor tries every read at once ("speculatively") and waits for readiness only when
/// that read would block; it stops trying only after a read of end of file. On a connection
/// that answers one message at a time, the next read of each exchange then starts with a
/// `recv` that returns EAGAIN: two of the six system calls of a forwarded request (docs/
/// benchmarks.md). A stream socket's `recv` that fills less than the buffer has taken all
/// the kernel held, so the reading op below reports such a read as exhausting the socket: the
/// reactor's next read of it waits for the edge-triggered readiness event, which any byte
/// arriving later raises (the descriptor's mutex orders the two).
struct DrainingBuffer {
  boost::asio::mutable_buffer buffer;
  const boost::asio::mutable_buffer* begin() const noexcept { return &buffer; }
  const boost::asio::mutable_buffer* end() const noexcept { return &buffer + 1; }
};

/// Whether plain sockets read through DrainingBuffer: the epoll reactor of Boost 1.81, whose
/// operation interface the specialization below is written against.
#if !(defined(BOOST_ASIO_HAS_IO_URING) && defined(BOOST_ASIO_DISABLE_EPOLL)) && BOOST_VERSION == 108100 && \
    defined(BOOST_ASIO_HAS_EPOLL)
#define HUB_DRAINING_READS 1
#else
#define HUB_DRAINING_READS 0
#endif
inline constexpr bool kDrainingReads = HUB_DRAINING_READS != 0;

}  // namespace hub::http::wire

#if HUB_DRAINING_READS
namespace boost::asio::detail {
/// The reactor's receive operation for DrainingBuffer: one `recv`, and a short read of a stream
/// socket (or its end) reported as done_and_exhausted.
template <>
class reactive_socket_recv_op_base<hub::http::wire::DrainingBuffer> : public reactor_op {
 public:
  reactive_socket_recv_op_base(const boost::system::error_code& success_ec, socket_type socket,
                               socket_ops::state_type state, const hub::http::wire::DrainingBuffer& buffers,
                               socket_base::message_flags flags, func_type complete_func)
      : reactor_op(success_ec, &reactive_socket_recv_op_base::do_perform, complete_func),
        socket_(socket),
        state_(state),
        buffer_(buffers.buffer),
        flags_(flags) {}

  static status do_perform(reactor_op* base) {
    auto* o = static_cast<reactive_socket_recv_op_base*>(base);
    const bool stream = (o->state_ & socket_ops::stream_oriented) != 0;
    if (!socket_ops::non_blocking_recv1(o->socket_, o->buffer_.data(), o->buffer_.size(), o->flags_, stream, o->ec_,
                                        o->bytes_transferred_)) {
      return not_done;
    }
    if (stream && (o->bytes_transferred_ == 0 || (!o->ec_ && o->bytes_transferred_ < o->buffer_.size()))) {
      return done_and_exhausted;
    }
    return done;
  }

 private:
  socket_type socket_;
  socket_ops::state_type state_;
  boost::asio::mutable_buffer buffer_;
  socket_base::message_flags flags_;
};
}  // namespace boost::asio::detail
#endif

namespace hub::http::wire {

/// Reads some bytes into `buffer`: on a plain socket of the epoll build through DrainingBuffer.
template <class Stream, class Token>
auto read_some(Stream& stream, boost::asio::mutable_buffer buffer, Token token) {
  if constexpr (std::is_same_v<Stream, boost::asio::ip::tcp::socket> && kDrainingReads) {
    return stream.async_read_some(DrainingBuffer{buffer}, token);
  } else {
    return stream.async_read_some(buffer, token);
  }
}

/// Whether the reads of `Stream` can miss the peer's end of stream (see recv_now).
template <class Stream>
inline constexpr bool kMayMissEnd = std::is_same_v<Stream, boost::asio::ip::tcp::socket> && kDrainingReads;

/// Reads what the kernel holds right now, without waiting: the bytes read, with `ec` clear;
/// 0 with `ec` eof at the peer's end of stream; 0 with `ec` would_block when nothing is there.
/// A draining read that came up short marks the socket exhausted until the next readiness
/// event, but a peer's end of stream that arrived together with the bytes raises no further
/// event: a read that continues a message the peer may have ended (a body framed by the
/// connection's end, a truncated message, the lingering close) asks the kernel first.
inline std::size_t recv_now(boost::asio::ip::tcp::socket& socket, boost::asio::mutable_buffer buffer,
                            boost::system::error_code& ec) {
  for (;;) {
    const ssize_t got = ::recv(socket.native_handle(), buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (got > 0) {
      ec.clear();
      return static_cast<std::size_t>(got);
    }
    if (got == 0) {
      ec = boost::asio::error::eof;
      return 0;
    }
    if (errno == EINTR) {
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      ec = boost::asio::error::would_block;
    } else {
      ec.assign(errno, boost::system::system_category());
    }
    return 0;
  }
}

namespace bhttp = boost::beast::http;
using ParseError = boost::beast::error_code;

inline char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

using http::iequals;

/// Whether `ok` holds for every byte of `s`: eight bytes a step while `suspect(word)` clears
/// the word (no byte of it can fail), byte by byte from the first word it does not clear.
template <class Suspect, class Ok>
inline bool all_bytes(std::string_view s, Suspect suspect, Ok ok) noexcept {
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (suspect(w)) {
      break;
    }
  }
  for (; i < s.size(); ++i) {
    if (!ok(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

inline constexpr std::uint64_t kEveryByte = 0x0101010101010101ull;  ///< times n: n in every byte
inline constexpr std::uint64_t kHighBits = 0x8080808080808080ull;

/// Header values may not contain CR, LF or NUL (header injection); names must be tokens.
/// A word with no byte below 0x0E (nor above 0x7F) has none of the three.
inline bool is_safe_value(std::string_view s) noexcept {
  return all_bytes(
      s, [](std::uint64_t w) { return (((w - kEveryByte * 0x0E) | w) & kHighBits) != 0; },
      [](unsigned char c) { return c != '\r' && c != '\n' && c != '\0'; });
}

/// Whether every byte is above space and not DEL (bytes from 0x80 on pass): what a request
/// target may hold. A word is suspect when some byte may be below 0x21 or equal to 0x7F.
inline bool is_visible_ascii_or_high(std::string_view s) noexcept {
  return all_bytes(
      s,
      [](std::uint64_t w) {
        const std::uint64_t below = (w - kEveryByte * 0x21) & ~w & kHighBits;  // some byte < 0x21
        const std::uint64_t del = w ^ (kEveryByte * 0x7F);                      // some byte == 0x7F
        return (below | ((del - kEveryByte) & ~del & kHighBits)) != 0;
      },
      [](unsigned char c) { return c > 0x20 && c != 0x7F; });
}

inline constexpr auto kTokenChars = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = http::detail::token_char(static_cast<char>(c));
  }
  return t;
}();

inline bool is_token_char(unsigned char c) noexcept { return kTokenChars[c]; }

inline bool is_token(std::string_view s) noexcept {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (!is_token_char(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

/// Replaces the contents of `s` (an append to the emptied string: cheaper than assign, which
/// allows for overlap, and allocation-free while the capacity suffices).
inline void refill(std::string& s, std::string_view v) {
  s.clear();
  s.append(v.data(), v.size());
}

/// The fast path's verdict on what a buffer holds (see parse_fields_fast).
enum class Fast { complete, incomplete, unsupported };

/// Largest body the fast path takes from the buffer; a larger one is Beast's, piece by piece.
inline constexpr std::uint64_t kFastBodyMax = 64u << 10;

/// What the framing fields of a head said, for the fast path.
struct FastFraming {
  std::uint64_t content_length = 0;
  bool has_length = false;
  bool close = false;       ///< Connection: close
  bool keep_alive = false;  ///< Connection: keep-alive
};

/// The Connection field's tokens as Beast reads them: `close` and `keep-alive` noted, others
/// ignored; `upgrade` and anything not a plain token list are left to Beast.
inline bool connection_tokens_fast(std::string_view v, FastFraming& f) noexcept {
  std::size_t i = 0;
  for (;;) {
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) {
      ++i;
    }
    const std::size_t start = i;
    while (i < v.size() && is_token_char(static_cast<unsigned char>(v[i]))) {
      ++i;
    }
    const std::string_view token = v.substr(start, i - start);
    if (token.empty()) {
      return false;
    }
    if (iequals(token, "close")) {
      f.close = true;
    } else if (iequals(token, "keep-alive")) {
      f.keep_alive = true;
    } else if (iequals(token, "upgrade")) {
      return false;
    }
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) {
      ++i;
    }
    if (i == v.size()) {
      return true;
    }
    if (v[i] != ',') {
      return false;
    }
    ++i;
  }
}

/// The first byte from `p` on that may not appear in a field value or reason phrase as the fast
/// path takes them (anything but visible ASCII, space and tab), or `end`. Sixteen bytes at a
/// time where SSE2 is there (every x86-64).
inline const char* value_end_fast(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i del = _mm_set1_epi8(0x7f);
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Signed: bytes from 0x80 on are negative, so "below space" takes them too.
    const int mask = _mm_movemask_epi8(_mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, del)));
    if (mask == 0) {
      p += 16;
      continue;
    }
    p += __builtin_ctz(static_cast<unsigned>(mask));
    if (*p != '\t') {
      return p;
    }
    ++p;
  }
#endif
  while (p != end && ((static_cast<unsigned char>(*p) >= 0x20 && static_cast<unsigned char>(*p) < 0x7f) || *p == '\t')) {
    ++p;
  }
  return p;
}

/// The fields of a head and its empty line, from `p` (just past the start line) on: a strict
/// subset of what Beast accepts, so that whatever this takes Beast would read the same way.
/// Names are tokens; values are visible ASCII, spaces and tabs (whitespace around them dropped);
/// lines end in CRLF; a Content-Length is a plain decimal given once; Transfer-Encoding,
/// Upgrade, Proxy-Connection, line folding, bare LF and other bytes are left to Beast
/// (unsupported). Each field goes to `emit(name, value)`; on success `p` is past the empty line.
template <class Emit>
Fast parse_fields_fast(const char*& p, const char* end, FastFraming& f, Emit&& emit) {
  for (;;) {
    if (p == end) {
      return Fast::incomplete;
    }
    if (*p == '\r') {
      if (end - p < 2) {
        return Fast::incomplete;
      }
      if (p[1] != '\n') {
        return Fast::unsupported;
      }
      p += 2;
      return Fast::complete;
    }
    const char* name = p;
    // Four bytes a step while four remain (one bound check for four), then byte by byte.
    while (end - p >= 4 && is_token_char(static_cast<unsigned char>(p[0])) &&
           is_token_char(static_cast<unsigned char>(p[1])) && is_token_char(static_cast<unsigned char>(p[2])) &&
           is_token_char(static_cast<unsigned char>(p[3]))) {
      p += 4;
    }
    while (p != end && is_token_char(static_cast<unsigned char>(*p))) {
      ++p;
    }
    if (p == end) {
      return Fast::incomplete;
    }
    if (*p != ':' || p == name) {
      return Fast::unsupported;  // folding (a line starting with whitespace) included
    }
    const std::string_view n(name, static_cast<std::size_t>(p - name));
    ++p;
    while (p != end && (*p == ' ' || *p == '\t')) {
      ++p;
    }
    const char* value = p;
    p = value_end_fast(p, end);
    if (end - p < 2) {
      return p != end && *p != '\r' ? Fast::unsupported : Fast::incomplete;
    }
    if (p[0] != '\r' || p[1] != '\n') {
      return Fast::unsupported;
    }
    const char* value_end = p;
    while (value_end != value && (value_end[-1] == ' ' || value_end[-1] == '\t')) {
      --value_end;
    }
    p += 2;
    const std::string_view v(value, static_cast<std::size_t>(value_end - value));
    switch (n.size()) {
      case 14:  // Content-Length
        if (iequals(n, "Content-Length")) {
          if (f.has_length || v.empty() || v.size() > 18) {
            return Fast::unsupported;
          }
          std::uint64_t length = 0;
          for (char c : v) {
            if (c < '0' || c > '9') {
              return Fast::unsupported;
            }
            length = length * 10 + static_cast<std::uint64_t>(c - '0');
          }
          f.has_length = true;
          f.content_length = length;
        }
        break;
      case 17:  // Transfer-Encoding
      case 16:  // Proxy-Connection
      case 7:   // Upgrade
        if (iequals(n, "Transfer-Encoding") || iequals(n, "Proxy-Connection") || iequals(n, "Upgrade")) {
          return Fast::unsupported;
        }
        break;
      case 10:
        if (iequals(n, "Connection") && !connection_tokens_fast(v, f)) {
          return Fast::unsupported;
        }
        break;
      default:
        break;
    }
    emit(n, v);
  }
}

/// Collects the body of either framing into one string; Beast enforces the body limit.
template <bool isRequest>
class BodyCollector : public bhttp::basic_parser<isRequest> {
 protected:
  explicit BodyCollector(std::string& body) : body_(body) {}

  void on_body_init_impl(const boost::optional<std::uint64_t>& length, ParseError&) override {
    if (length && *length <= (64u << 20)) {
      body_.reserve(static_cast<std::size_t>(*length));
    }
  }
  std::size_t on_body_impl(boost::beast::string_view piece, ParseError&) override {
    body_.append(piece.data(), piece.size());
    return piece.size();
  }
  void on_chunk_header_impl(std::uint64_t, boost::beast::string_view, ParseError&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view piece, ParseError&) override {
    body_.append(piece.data(), piece.size());
    return piece.size();
  }
  /// A message whose Transfer-Encoding is anything but one "chunked" is refused when its header
  /// ends (bad_transfer_encoding): chunked not last leaves a request's body unframed (RFC 9112
  /// 6.3: 400 and close, never the body read as the next request), and no other coding is
  /// decoded here.
  void on_header_impl(ParseError& ec) override {
    if (transfer_encodings_ > 1 || (transfer_encodings_ == 1 && !only_chunked_)) {
      ec = bhttp::error::bad_transfer_encoding;
    }
  }
  void on_finish_impl(ParseError&) override {}

  /// Called by the parsers for every field.
  void note_field(bhttp::field f, boost::beast::string_view value) {
    if (f == bhttp::field::transfer_encoding) {
      ++transfer_encodings_;
      std::string_view v(value.data(), value.size());
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) {
        v.remove_prefix(1);
      }
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) {
        v.remove_suffix(1);
      }
      only_chunked_ = iequals(v, "chunked");
    }
  }

  std::string& body_;
  int transfer_encodings_ = 0;
  bool only_chunked_ = false;
};

/// What RequestParser and ResponseParser share: the limits (kept for the fast path as well as
/// given to Beast) and the accessors that answer for whichever of the fast path and Beast
/// parsed the message.
template <bool isRequest>
class FastParserBase : public BodyCollector<isRequest> {
 public:
  using Base = BodyCollector<isRequest>;

  void header_limit(std::uint32_t n) {
    header_limit_ = n;
    Base::header_limit(n);
  }
  void body_limit(std::uint64_t n) {
    body_limit_ = n;
    Base::body_limit(n);
  }
  bool is_done() const noexcept { return fast_done_ || Base::is_done(); }
  bool is_header_done() const noexcept { return fast_done_ || Base::is_header_done(); }
  bool got_some() const noexcept { return fast_done_ || Base::got_some(); }
  bool keep_alive() const {
    if (fast_done_) {
      return version_ >= 11 ? !framing_.close : framing_.keep_alive;
    }
    return Base::keep_alive();
  }

 protected:
  explicit FastParserBase(std::string& body) : Base(body) {}

  int version_ = 11;
  bool fast_done_ = false;
  FastFraming framing_;
  std::uint32_t header_limit_ = 8192;
  std::uint64_t body_limit_ = 1u << 20;
};

/// Parses one request straight into a Request (method, target, fields in order, body).
///
/// parse_fast takes a whole common request (head and a Content-Length body already in the
/// buffer, a strict subset of the syntax) in one pass without Beast; whatever it does not
/// take (incomplete, chunked, unusual bytes, limits reached) Beast parses from the start. The
/// accessors below answer for whichever of the two parsed the message.
class RequestParser final : public FastParserBase<true> {
 public:
  explicit RequestParser(Request& out) : FastParserBase<true>(out.body), out_(out) {}
  int version() const noexcept { return version_; }
  bool head_method() const noexcept { return head_; }

  boost::optional<std::uint64_t> content_length() const {
    if (fast_done_) {
      return framing_.has_length ? boost::optional<std::uint64_t>(framing_.content_length) : boost::none;
    }
    return Base::content_length();
  }

  /// The fast path over `in` (the start of a request); `limit_for`, when given, is the body
  /// limit of the request's target (else the body_limit set). On `complete` the request is
  /// parsed and `used` bytes of `in` are its; otherwise nothing is kept (method, target,
  /// fields and body are emptied for Beast). The Request may be one reused from the previous
  /// request on the connection: what is parsed replaces its method, target, fields and body.
  Fast parse_fast(std::string_view in, std::size_t& used,
                  const std::function<std::size_t(std::string_view)>* limit_for) {
    const Fast verdict = scan(in, used, limit_for);
    if (verdict == Fast::complete) {
      fast_done_ = true;
    } else {
      out_.method.clear();
      out_.target.clear();
      out_.headers.clear();
      out_.body.clear();
      framing_ = {};
    }
    return verdict;
  }

 private:
  Fast scan(std::string_view in, std::size_t& used, const std::function<std::size_t(std::string_view)>* limit_for) {
    const char* const begin = in.data();
    const char* const end = begin + in.size();
    const char* p = begin;
    std::string_view method;
    std::string_view path;
    if (const Fast f = word(p, end, method, [](unsigned char c) { return is_token_char(c); }); f != Fast::complete) {
      return f;
    }
    if (const Fast f = word(p, end, path, [](unsigned char c) { return c > 0x20 && c < 0x7f; }); f != Fast::complete) {
      return f;
    }
    if (end - p < 10) {
      return Fast::incomplete;
    }
    if (std::memcmp(p, "HTTP/1.", 7) != 0 || (p[7] != '0' && p[7] != '1') || p[8] != '\r' || p[9] != '\n') {
      return Fast::unsupported;
    }
    version_ = p[7] == '1' ? 11 : 10;
    p += 10;
    // The fields replace those a previous request on the connection left in `out_`, noted as
    // they are found and copied as one block (its storage is kept: no allocation per request
    // once the connection is warm).
    const char* const fields_begin = p;
    FieldList::BlockWriter writer(out_.headers, fields_begin);
    const Fast fields = parse_fields_fast(p, end, framing_, [&writer](std::string_view n, std::string_view v) {
      writer.field(n, v);
    });
    const auto head_size = static_cast<std::size_t>(p - begin);
    if (head_size > header_limit_ || fields == Fast::unsupported) {
      return Fast::unsupported;  // Beast reports what is wrong
    }
    if (fields == Fast::incomplete) {
      return Fast::incomplete;
    }
    writer.finish(p);
    const std::uint64_t length = framing_.has_length ? framing_.content_length : 0;
    if (length > 0) {
      const std::uint64_t limit = limit_for != nullptr && *limit_for ? (*limit_for)(path) : body_limit_;
      if (length > limit || length > kFastBodyMax) {
        return Fast::unsupported;
      }
      if (static_cast<std::uint64_t>(end - p) < length) {
        return Fast::incomplete;
      }
    }
    refill(out_.method, method);
    refill(out_.target, path);
    refill(out_.body, std::string_view(p, static_cast<std::size_t>(length)));
    head_ = method == "HEAD";
    used = head_size + static_cast<std::size_t>(length);
    return Fast::complete;
  }

  /// A non-empty run of bytes that satisfy `ok` from `p`, ended by a space; `p` left past it.
  template <class Ok>
  static Fast word(const char*& p, const char* end, std::string_view& out, Ok ok) {
    const char* const start = p;
    while (p != end && ok(static_cast<unsigned char>(*p))) {
      ++p;
    }
    if (p == end) {
      return Fast::incomplete;
    }
    if (*p != ' ' || p == start) {
      return Fast::unsupported;
    }
    out = std::string_view(start, static_cast<std::size_t>(p - start));
    ++p;
    return Fast::complete;
  }

  void on_request_impl(bhttp::verb method, boost::beast::string_view method_str, boost::beast::string_view target, int version,
                       ParseError&) override {
    out_.method.assign(method_str.data(), method_str.size());
    out_.target.assign(target.data(), target.size());
    version_ = version;
    head_ = method == bhttp::verb::head;
  }
  void on_response_impl(int, boost::beast::string_view, int, ParseError& ec) override { ec = bhttp::error::bad_line_ending; }
  void on_field_impl(bhttp::field f, boost::beast::string_view name, boost::beast::string_view value, ParseError&) override {
    this->note_field(f, value);
    out_.headers.add({name.data(), name.size()}, {value.data(), value.size()});
  }

  Request& out_;
  bool head_ = false;
};

/// Parses one response straight into a Response (status, fields in order, body); like
/// RequestParser with a fast path for a whole common answer (see read_message).
class ResponseParser final : public FastParserBase<false> {
 public:
  explicit ResponseParser(Response& out) : FastParserBase<false>(out.body), out_(out) {}
  int status() const noexcept { return out_.status; }

  void skip(bool v) {
    skip_ = v;
    Base::skip(v);
  }
  bool need_eof() const noexcept { return !fast_done_ && Base::need_eof(); }
  /// Whether read_message tries the fast path: not for answers to HEAD (they have no body
  /// whatever their Content-Length says).
  bool fast_enabled() const noexcept { return !skip_; }

  /// The fast path over `in` (the start of an answer): a final answer (status 200-599 other
  /// than 204 and 304) framed by Content-Length; all else is Beast's. Like RequestParser's.
  Fast parse_fast(std::string_view in, std::size_t& used) {
    const Fast verdict = scan(in, used);
    if (verdict == Fast::complete) {
      fast_done_ = true;
    } else {
      out_.headers.clear();
      out_.body.clear();
      framing_ = {};
    }
    return verdict;
  }

 private:
  Fast scan(std::string_view in, std::size_t& used) {
    const char* const begin = in.data();
    const char* const end = begin + in.size();
    const char* p = begin;
    if (end - p < 13) {
      return std::memcmp(p, "HTTP/1.", std::min<std::size_t>(in.size(), 7)) == 0 ? Fast::incomplete : Fast::unsupported;
    }
    if (std::memcmp(p, "HTTP/1.", 7) != 0 || (p[7] != '0' && p[7] != '1') || p[8] != ' ' || p[9] < '2' ||
        p[9] > '5' || p[10] < '0' || p[10] > '9' || p[11] < '0' || p[11] > '9' || p[12] != ' ') {
      return Fast::unsupported;
    }
    const int status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
    if (status == 204 || status == 304) {
      return Fast::unsupported;
    }
    const int version = p[7] == '1' ? 11 : 10;
    p = value_end_fast(p + 13, end);
    if (end - p < 2) {
      return p != end && *p != '\r' ? Fast::unsupported : Fast::incomplete;
    }
    if (p[0] != '\r' || p[1] != '\n') {
      return Fast::unsupported;
    }
    p += 2;
    FieldList::BlockWriter writer(out_.headers, p);
    const Fast fields = parse_fields_fast(p, end, framing_, [&writer](std::string_view n, std::string_view v) {
      writer.field(n, v);
    });
    const auto head_size = static_cast<std::size_t>(p - begin);
    if (head_size > header_limit_ || fields == Fast::unsupported) {
      return Fast::unsupported;
    }
    if (fields == Fast::incomplete) {
      return Fast::incomplete;
    }
    writer.finish(p);
    if (!framing_.has_length || framing_.content_length > body_limit_ || framing_.content_length > kFastBodyMax) {
      return Fast::unsupported;  // framed by the connection's end, or too large for this path
    }
    const std::uint64_t length = framing_.content_length;
    if (static_cast<std::uint64_t>(end - p) < length) {
      return Fast::incomplete;
    }
    out_.status = status;
    out_.body.assign(p, static_cast<std::size_t>(length));
    version_ = version;
    used = head_size + static_cast<std::size_t>(length);
    return Fast::complete;
  }

  void on_request_impl(bhttp::verb, boost::beast::string_view, boost::beast::string_view, int, ParseError& ec) override {
    ec = bhttp::error::bad_line_ending;
  }
  void on_response_impl(int code, boost::beast::string_view, int, ParseError&) override {
    out_.status = code;
    out_.headers.clear();
    out_.body.clear();
  }
  void on_field_impl(bhttp::field f, boost::beast::string_view name, boost::beast::string_view value, ParseError&) override {
    this->note_field(f, value);
    out_.headers.add({name.data(), name.size()}, {value.data(), value.size()});
  }

  Response& out_;
  bool skip_ = false;
};

/// Reads one message (or only its header) into `parser` from what `buffer` holds and, only while
/// that is not enough, from the stream: a message that arrived whole is parsed without another
/// trip through the io_context (Beast's async_read posts its completion in that case). Keeps
/// Beast's semantics: EOF before any byte is end_of_stream, EOF after some bytes completes a
/// message framed by the connection's end or fails as partial_message.
template <class Stream, class Parser, class Token>
boost::asio::awaitable<ParseError> read_message(Stream& stream, boost::beast::flat_buffer& buffer, Parser& parser,
                                                bool header_only, Token token) {
  // An answer tries the fast path once, on what the first read (or the buffer) holds: whole
  // answers usually arrive in one piece, and one that did not is Beast's from there (no rescan
  // per read). Requests were tried once by the server before it calls this.
  bool fast = false;
  if constexpr (std::is_same_v<Parser, ResponseParser>) {
    fast = parser.fast_enabled() && !parser.got_some();
  }
  // Hands what the buffer holds to Beast; an error other than need_more ends the read.
  auto feed = [&]() -> ParseError {
    while (buffer.size() > 0 && !(header_only ? parser.is_header_done() : parser.is_done())) {
      ParseError ec;
      const std::size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (ec == bhttp::error::need_more) {
        return {};
      }
      if (ec) {
        return ec;
      }
      if (used == 0) {
        return {};
      }
    }
    return {};
  };
  bool after_short_read = true;  // see recv_now
  for (;;) {
    if (header_only ? parser.is_header_done() : parser.is_done()) {
      co_return ParseError{};
    }
    if (buffer.size() > 0) {
      if constexpr (std::is_same_v<Parser, ResponseParser>) {
        if (fast) {
          std::size_t used = 0;
          const auto bytes = buffer.data();
          const Fast verdict =
              parser.parse_fast(std::string_view(static_cast<const char*>(bytes.data()), bytes.size()), used);
          if (verdict == Fast::complete) {
            buffer.consume(used);
            co_return ParseError{};
          }
          fast = false;
        }
      }
      if (!fast) {
        if (auto ec = feed()) {
          co_return ec;
        }
        if (header_only ? parser.is_header_done() : parser.is_done()) {
          co_return ParseError{};
        }
      }
    }
    const std::size_t size = boost::beast::read_size(buffer, 65536);
    if (size == 0) {
      co_return ParseError{bhttp::error::buffer_overflow};
    }
    boost::system::error_code ec = boost::asio::error::would_block;
    std::size_t n = 0;
    if constexpr (kMayMissEnd<Stream>) {
      // Within a message, after a read through the reactor that came up short (the caller's
      // read before this call may have): the peer may have ended it unseen (recv_now). Bytes
      // that recv_now finds arrived since, and raised a readiness event of their own.
      if (after_short_read && parser.got_some()) {
        n = recv_now(stream, buffer.prepare(size), ec);
      }
    }
    after_short_read = false;
    if (ec == boost::asio::error::would_block) {
      std::tie(ec, n) = co_await read_some(stream, buffer.prepare(size), token);
      after_short_read = n < size;
    }
    buffer.commit(n);
    if (ec == boost::asio::error::eof) {
      if (fast) {
        fast = false;  // what arrived before the end is Beast's to judge
        if (auto fec = feed()) {
          co_return fec;
        }
        if (header_only ? parser.is_header_done() : parser.is_done()) {
          co_return ParseError{};
        }
      }
      if (!parser.got_some()) {
        co_return ParseError{bhttp::error::end_of_stream};
      }
      ParseError eof;
      parser.put_eof(eof);
      co_return eof;
    }
    if (ec) {
      co_return ec;
    }
  }
}

/// Sends what a plain socket of the epoll build takes right now (send_now) and says whether that
/// was everything (or failed, then `ec` is set); otherwise (TLS, io_uring) sends nothing.
/// Synchronous, so that the common case (an answer or request sent whole) costs no coroutine.
template <class Stream>
bool write_now(Stream& stream, const std::array<boost::asio::const_buffer, 2>& buffers, std::size_t& sent,
               ParseError& ec) {
  sent = 0;
  if constexpr (std::is_same_v<Stream, boost::asio::ip::tcp::socket> && !kUring) {
    sent = send_now(stream, buffers, ec);
    return ec || sent == buffers[0].size() + buffers[1].size();
  } else {
    (void)stream;
    (void)buffers;
    return false;
  }
}

/// Writes what write_now left (from byte `sent` on) asynchronously.
template <class Stream, class Token>
boost::asio::awaitable<ParseError> write_rest(Stream& stream, const std::array<boost::asio::const_buffer, 2>& buffers,
                                              std::size_t sent, Token token) {
  auto rest = boost::beast::buffers_suffix<std::array<boost::asio::const_buffer, 2>>(buffers);
  rest.consume(sent);
  auto [ec, n] = co_await boost::asio::async_write(stream, rest, token);
  (void)n;
  co_return ec;
}

/// Writes a message head into a string sized for it beforehand (an upper bound), piece by piece
/// without a capacity check per piece; finish() trims the string to what was written.
class HeadWriter {
 public:
  HeadWriter(std::string& out, std::size_t bound) : out_(out) {
    out_.resize(bound);
    p_ = out_.data();
  }
  void put(std::string_view s) noexcept {
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void put(char c) noexcept { *p_++ = c; }
  void number(std::uint64_t n) noexcept { p_ = std::to_chars(p_, p_ + 20, n).ptr; }
  void field(std::string_view name, std::string_view value) noexcept {
    put(name);
    put(": ");
    put(value);
    put("\r\n");
  }
  /// Room a field takes: name, ": ", value, CRLF.
  static constexpr std::size_t field_size(std::string_view name, std::string_view value) noexcept {
    return name.size() + value.size() + 4;
  }
  void finish() { out_.resize(static_cast<std::size_t>(p_ - out_.data())); }

 private:
  std::string& out_;
  char* p_;
};

/// Whether an answer with this status carries no body and no Content-Length (RFC 9110 6.4.1).
inline bool bodiless_status(int status) noexcept {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

}  // namespace hub::http::wire
