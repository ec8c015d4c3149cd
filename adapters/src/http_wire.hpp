// SPDX-License-Identifier: GPL-2.0-or-later
// HTTP/1.1 message framing shared by the server and the client, without Beast's field containers:
// Beast's parser (request line, fields, Content-Length and chunked framing, limits) feeds our
// plain Request/Response directly, and answers are written as one contiguous head plus the body.
#pragma once

#include <adapters/http.hpp>

#include "pch.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>
#include <string_view>

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

namespace bhttp = boost::beast::http;
using ParseError = boost::beast::error_code;

inline char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

using http::iequals;

/// Header values may not contain CR, LF or NUL (header injection); names must be tokens.
/// Eight bytes at a time: a word with no byte below 0x0E (nor above 0x7F) has none of the three.
inline bool is_safe_value(std::string_view s) noexcept {
  constexpr std::uint64_t kLow = 0x0E0E0E0E0E0E0E0Eull;
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if ((((w - kLow) | w) & kHigh) != 0) {
      break;  // a byte below 0x0E or above 0x7F: look at each from here
    }
  }
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\r' || c == '\n' || c == '\0') {
      return false;
    }
  }
  return true;
}

inline constexpr auto kTokenChars = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (unsigned char c : std::string_view("!#$%&'*+-.^_`|~")) t[c] = true;
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
  void on_header_impl(ParseError&) override {}
  void on_finish_impl(ParseError&) override {}

  std::string& body_;
};

/// Parses one request straight into a Request (method, target, fields in order, body).
class RequestParser final : public BodyCollector<true> {
 public:
  explicit RequestParser(Request& out) : BodyCollector<true>(out.body), out_(out) { out_.headers.reserve(16); }
  int version() const noexcept { return version_; }
  bool head_method() const noexcept { return head_; }

 private:
  void on_request_impl(bhttp::verb method, boost::beast::string_view method_str, boost::beast::string_view target, int version,
                       ParseError&) override {
    out_.method.assign(method_str.data(), method_str.size());
    out_.target.assign(target.data(), target.size());
    version_ = version;
    head_ = method == bhttp::verb::head;
  }
  void on_response_impl(int, boost::beast::string_view, int, ParseError& ec) override { ec = bhttp::error::bad_line_ending; }
  void on_field_impl(bhttp::field, boost::beast::string_view name, boost::beast::string_view value, ParseError&) override {
    out_.headers.emplace_back(std::piecewise_construct, std::forward_as_tuple(name.data(), name.size()),
                              std::forward_as_tuple(value.data(), value.size()));
  }

  Request& out_;
  int version_ = 11;
  bool head_ = false;
};

/// Parses one response straight into a Response (status, fields in order, body).
class ResponseParser final : public BodyCollector<false> {
 public:
  explicit ResponseParser(Response& out) : BodyCollector<false>(out.body), out_(out) { out_.headers.reserve(16); }
  int status() const noexcept { return out_.status; }

 private:
  void on_request_impl(bhttp::verb, boost::beast::string_view, boost::beast::string_view, int, ParseError& ec) override {
    ec = bhttp::error::bad_line_ending;
  }
  void on_response_impl(int code, boost::beast::string_view, int, ParseError&) override {
    out_.status = code;
    out_.headers.clear();
    out_.body.clear();
  }
  void on_field_impl(bhttp::field, boost::beast::string_view name, boost::beast::string_view value, ParseError&) override {
    out_.headers.emplace_back(std::piecewise_construct, std::forward_as_tuple(name.data(), name.size()),
                              std::forward_as_tuple(value.data(), value.size()));
  }

  Response& out_;
};

/// Reads one message (or only its header) into `parser` from what `buffer` holds and, only while
/// that is not enough, from the stream: a message that arrived whole is parsed without another
/// trip through the io_context (Beast's async_read posts its completion in that case). Keeps
/// Beast's semantics: EOF before any byte is end_of_stream, EOF after some bytes completes a
/// message framed by the connection's end or fails as partial_message.
template <class Stream, class Parser, class Token>
boost::asio::awaitable<ParseError> read_message(Stream& stream, boost::beast::flat_buffer& buffer, Parser& parser,
                                                bool header_only, Token token) {
  for (;;) {
    if (header_only ? parser.is_header_done() : parser.is_done()) {
      co_return ParseError{};
    }
    if (buffer.size() > 0) {
      ParseError ec;
      const std::size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (!ec && used > 0) {
        continue;  // progress: look at the state again
      }
      if (ec && ec != bhttp::error::need_more) {
        co_return ec;
      }
    }
    const std::size_t size = boost::beast::read_size(buffer, 65536);
    if (size == 0) {
      co_return ParseError{bhttp::error::buffer_overflow};
    }
    auto [ec, n] = co_await read_some(stream, buffer.prepare(size), token);
    buffer.commit(n);
    if (ec == boost::asio::error::eof) {
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

inline void append_number(std::string& out, std::uint64_t n) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  (void)ec;
  out.append(digits, end);
}

inline void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ", 2);
  out.append(value);
  out.append("\r\n", 2);
}

/// Whether an answer with this status carries no body and no Content-Length (RFC 9110 6.4.1).
inline bool bodiless_status(int status) noexcept {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

}  // namespace hub::http::wire
