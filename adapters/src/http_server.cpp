// SPDX-License-Identifier: GPL-2.0-or-later
#include <adapters/http_server.hpp>

#include "http_wire.hpp"
#include "pch.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <limits>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <unordered_map>

namespace hub::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr auto kToken = asio::as_tuple(asio::use_awaitable);

std::string generate_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t a = rng();
  std::uint64_t b = rng();
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    std::uint64_t word = i < 16 ? a : b;
    out += kHex[(word >> ((i % 16) * 4)) & 0xf];
    if (i == 7 || i == 11 || i == 15 || i == 19) {
      out += '-';
    }
  }
  return out;
}

bool sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 255) {
    return false;
  }
  for (unsigned char c : id) {
    if (c < 0x21 || c > 0x7e) {
      return false;
    }
  }
  return true;
}

Response error_response(int status, std::string_view message) {
  Response r;
  r.status = status;
  r.body = std::string(R"({"error":")") + std::string(message) + "\"}";
  return r;
}

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  /// Closes the connection if it is waiting for a request (drain), or unconditionally (force).
  virtual void close(bool force) = 0;
  /// Called by the sweep when the recorded deadline may have passed.
  virtual void expire() = 0;
  bool overdue(std::int64_t now) const noexcept { return deadline_.load(std::memory_order_relaxed) <= now; }

 protected:
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  static std::int64_t ticks(Clock::time_point t) noexcept { return t.time_since_epoch().count(); }
  void deadline_in(std::chrono::steady_clock::duration d) noexcept {
    deadline_.store(ticks(Clock::now() + d), std::memory_order_relaxed);
  }
  std::atomic<std::int64_t> deadline_{kNever};
};

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& ioc_in, ServerOptions opts, Handler h, CompletionObserver obs)
      : ioc(ioc_in),
        options(std::move(opts)),
        handler(std::move(h)),
        observer(std::move(obs)),
        acceptor_strand(asio::make_strand(ioc_in)),
        acceptor(acceptor_strand) {}

  asio::io_context& ioc;
  ServerOptions options;
  Handler handler;
  CompletionObserver observer;
  asio::strand<asio::io_context::executor_type> acceptor_strand;
  tcp::acceptor acceptor;
  std::optional<asio::ssl::context> ssl_ctx;
  std::atomic<bool> draining{false};
  std::atomic<std::size_t> active{0};
  std::uint16_t bound_port = 0;

  std::mutex mutex;
  std::uint64_t next_id = 1;
  std::unordered_map<std::uint64_t, std::weak_ptr<ConnectionBase>> connections;
  /// One timer for all connections: each connection only records its deadline, and this sweep
  /// (every quarter of the shortest timeout) expires the late ones, so no request arms a timer.
  std::chrono::milliseconds tick{250};

  std::uint64_t add(const std::shared_ptr<ConnectionBase>& c) {
    std::lock_guard lock(mutex);
    auto id = next_id++;
    connections.emplace(id, c);
    return id;
  }
  void remove(std::uint64_t id) {
    {
      std::lock_guard lock(mutex);
      connections.erase(id);
    }
    active.fetch_sub(1);
  }
  void close_all(bool force) {
    std::vector<std::shared_ptr<ConnectionBase>> live;
    {
      std::lock_guard lock(mutex);
      for (auto& [id, weak] : connections) {
        if (auto c = weak.lock()) {
          live.push_back(std::move(c));
        }
      }
    }
    for (auto& c : live) {
      c->close(force);
    }
  }

  asio::awaitable<void> accept_loop(std::shared_ptr<Impl> self);
  asio::awaitable<void> sweep(std::shared_ptr<Impl> self);
};

namespace {

template <class Stream>
class Connection final : public ConnectionBase, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  template <class... Args>
  Connection(std::shared_ptr<HttpServer::Impl> server, std::string remote, Args&&... args)
      : server_(std::move(server)), remote_(std::move(remote)), stream_(std::forward<Args>(args)...) {}

  void set_id(std::uint64_t id) { id_ = id; }
  asio::cancellation_slot cancellation_slot() { return cancel_.slot(); }

  void close(bool force) override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this(), force] {
      if (force || self->idle_) {
        self->close_socket();
      }
    });
  }

  void expire() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (!self->overdue(ticks(Clock::now()))) {
        return;  // the connection moved on since the sweep looked
      }
      self->deadline_.store(kNever, std::memory_order_relaxed);
      if (self->handling_) {
        // The handler ran out of time: cancel what it awaits and answer 503 when it returns.
        self->handler_timed_out_ = true;
        self->cancel_.emit(asio::cancellation_type::terminal);
      } else {
        self->close_socket();  // a read or write deadline: the client is cut off
      }
    });
  }

  static asio::awaitable<void> run(std::shared_ptr<Connection> self) {
    try {
      co_await self->serve();
    } catch (const std::exception&) {
      // A session's top frame: close only this session.
    }
    self->close_socket();
    self->server_->remove(self->id_);
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

  tcp::socket& lowest() {
    if constexpr (kTls) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }

  void close_socket() {
    beast::error_code ignored;
    lowest().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close(ignored);
  }

  asio::awaitable<void> serve() {
    const auto& opt = server_->options;
    if constexpr (kTls) {
      deadline_in(opt.read_timeout);
      auto [ec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, kToken);
      if (ec) {
        co_return;
      }
    }
    Request req;
    for (;;) {
      idle_ = true;
      if (server_->draining) {
        co_return;
      }
      if (buffer_.size() == 0) {
        // Keep-alive wait for the first byte of the next request.
        deadline_in(opt.idle_timeout);
        auto [ec, n] = co_await wire::read_some(stream_, buffer_.prepare(4096), kToken);
        if (ec) {
          co_return;
        }
        buffer_.commit(n);
      }
      idle_ = false;
      auto started = Clock::now();

      // One Request per connection, refilled by each request: its strings keep their capacity.
      req.body.clear();
      wire::RequestParser parser(req);
      parser.eager(true);
      parser.header_limit(static_cast<std::uint32_t>(opt.header_limit));
      parser.body_limit(opt.body_limit);
      deadline_in(opt.read_timeout);
      boost::system::error_code rec;
      // A whole common request already in the buffer is parsed in one pass (wire::RequestParser::
      // parse_fast); anything else goes to Beast from its first byte.
      std::size_t fast_used = 0;
      const auto bytes = buffer_.data();
      if (parser.parse_fast(std::string_view(static_cast<const char*>(bytes.data()), bytes.size()), fast_used,
                            &opt.body_limit_for) == wire::Fast::complete) {
        buffer_.consume(fast_used);
      } else if (opt.body_limit_for) {
        // The parser checks Content-Length against its limit when the header completes: read the
        // header under the largest limit, then apply the target's own.
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        parser.eager(false);  // stop after the header: the body is counted under the target's limit
        rec = co_await wire::read_message(stream_, buffer_, parser, true, kToken);
        parser.eager(true);
        if (!rec) {
          const std::uint64_t limit = opt.body_limit_for(req.target);
          if (parser.content_length() && *parser.content_length() > limit) {
            rec = bhttp::error::body_limit;
          } else {
            parser.body_limit(limit);  // chunked bodies are counted chunk by chunk from here
            const std::uint64_t expected = parser.content_length().value_or(limit);
            if (expected > opt.body_limit && opt.min_body_rate > 0) {
              deadline_in(opt.read_timeout + std::chrono::seconds(expected / opt.min_body_rate + 1));
            }
          }
        }
      }
      if (!rec && !parser.is_done()) {
        rec = co_await wire::read_message(stream_, buffer_, parser, false, kToken);
      }
      // A malformed or oversized request is answered, then the connection closes with a linger.
      bool refused = false;
      bool keep_alive = false;
      int version = 11;
      bool head = false;
      Response resp;
      if (rec) {
        if (rec == bhttp::error::end_of_stream || rec == asio::error::eof ||
            rec == asio::error::connection_reset || rec == asio::error::operation_aborted ||
            rec == asio::error::bad_descriptor || !lowest().is_open()) {
          co_return;  // gone, or cut off by the read deadline
        }
        Request partial;
        partial.remote_address = remote_;
        if (parser.is_header_done()) {
          partial.method = std::move(req.method);
          partial.target = std::move(req.target);
        }
        req = std::move(partial);
        if (rec == bhttp::error::body_limit) {
          resp = error_response(413, "request body too large");
        } else if (rec == bhttp::error::header_limit) {
          resp = error_response(431, "request header too large");
        } else {
          resp = error_response(400, "malformed HTTP request");
        }
        refused = true;
      } else {
        req.remote_address = remote_;
        auto given_id = req.header("X-Request-ID");
        if (sane_request_id(given_id)) {
          req.request_id.assign(given_id.data(), given_id.size());
        } else {
          req.request_id = generate_request_id();
        }
        keep_alive = parser.keep_alive();
        version = parser.version();
        head = parser.head_method();

        // The handler and the answer's write are inline here rather than coroutines of their
        // own: each coroutine frame is an allocation and a resumption per request.
        deadline_in(server_->options.handler_timeout);
        handling_ = true;
        try {
          resp = co_await server_->handler(req);
        } catch (const std::exception&) {
          resp = error_response(500, "internal error");
        }
        handling_ = false;
        if (handler_timed_out_) {
          // What the handler awaited was cancelled; clear that so the answer can be written.
          co_await asio::this_coro::reset_cancellation_state();
          resp = error_response(503, "request handling timed out");
        }
        keep_alive = keep_alive && !server_->draining && !handler_timed_out_;
      }
      std::string body;
      const auto buffers = compose(req, resp, keep_alive, version, head, started, body);
      std::size_t sent = 0;
      beast::error_code wec;
      if (!wire::write_now(stream_, buffers, sent, wec)) {
        wec = co_await wire::write_rest(stream_, buffers, sent, kToken);
      }
      if (head_.capacity() > 64u << 10) {
        std::string().swap(head_);  // do not keep a large header buffer per idle connection
      }
      // Nor a large request: a warm connection keeps its Request's strings only while they are
      // small (many or long fields, or a large body, are released after their request).
      if (req.headers.capacity_bytes() + req.target.capacity() > (8u << 10)) {
        req.headers.release();
        std::string().swap(req.target);
      }
      if (req.body.capacity() > 16u << 10) {
        std::string().swap(req.body);
      }
      if (wec) {
        co_return;
      }
      if (refused) {
        co_await linger();
        co_return;
      }
      if (!keep_alive) {
        co_await shutdown();
        co_return;
      }
    }
  }

  /// Builds the answer's head into head_, moves its body into `body`, shows the observer the
  /// answer and arms the write deadline; returns the two buffers to send.
  std::array<asio::const_buffer, 2> compose(const Request& req, Response& resp, bool keep_alive, int version,
                                            bool head, Clock::time_point started, std::string& body) {
    const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(resp.status));
    const bool typed = resp.content_type.empty() ? !resp.body.empty() : wire::is_safe_value(resp.content_type);
    const std::string_view type = resp.content_type.empty() ? std::string_view("application/json") : resp.content_type;
    // Status line, Server, Content-Length and Connection fit in 128 bytes with any reason Beast has.
    std::size_t size = 128 + reason.size() + (typed ? wire::HeadWriter::field_size("Content-Type", type) : 0) +
                       wire::HeadWriter::field_size("X-Request-ID", req.request_id);
    for (const auto& [k, v] : resp.headers) {
      size += wire::HeadWriter::field_size(k, v);
    }
    const std::string_view block = resp.fields.wire();  // checked as its fields were added
    size += block.size();
    wire::HeadWriter out(head_, size);
    out.put(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    out.number(static_cast<std::uint64_t>(resp.status));
    out.put(' ');
    out.put(std::string_view(reason.data(), reason.size()));
    out.put("\r\nServer: roaming-hub\r\n");
    if (typed) {
      out.field("Content-Type", type);
    }
    bool has_request_id = false;
    for (const auto& [k, v] : resp.headers) {
      // Framing is ours; a name or value that could split the header is dropped.
      if (!wire::is_token(k) || !wire::is_safe_value(v) || wire::iequals(k, "Content-Length") ||
          wire::iequals(k, "Transfer-Encoding") || wire::iequals(k, "Connection")) {
        continue;
      }
      out.field(k, v);
      has_request_id = has_request_id || wire::iequals(k, "X-Request-ID");
    }
    out.put(block);
    has_request_id = has_request_id || resp.fields.has_request_id();
    if (!has_request_id && !req.request_id.empty()) {
      out.field("X-Request-ID", req.request_id);
    }
    const bool bodiless = wire::bodiless_status(resp.status);
    if (!bodiless) {
      out.put("Content-Length: ");
      out.number(resp.body.size());
      out.put("\r\n");
    }
    if (version == 10) {
      if (keep_alive) {
        out.put("Connection: keep-alive\r\n");
      }
    } else if (!keep_alive) {
      out.put("Connection: close\r\n");
    }
    out.put("\r\n");
    out.finish();
    body = std::move(resp.body);
    if (server_->observer) {
      resp.body.clear();
      server_->observer(req, resp, Clock::now() - started);
    }
    deadline_in(server_->options.write_timeout);
    return {asio::buffer(head_), asio::buffer(body.data(), (head || bodiless) ? 0 : body.size())};
  }


  /// Lingering close after an answer to a refused request: stop sending, then discard what the
  /// client is still sending until it closes (it does once it has read our answer), for at most
  /// kLingerTotal and kLingerIdle between reads. Closing with unread input would send a reset,
  /// and a reset can destroy the answer in the client's receive queue before it reads it.
  asio::awaitable<void> linger() {
    beast::error_code ignored;
    lowest().shutdown(tcp::socket::shutdown_send, ignored);
    constexpr auto kLingerTotal = std::chrono::seconds(5);
    constexpr auto kLingerIdle = std::chrono::seconds(1);
    const auto until = Clock::now() + kLingerTotal;
    std::array<char, 16384> sink{};
    bool after_short_read = true;  // the request's last read may have come up short (wire::recv_now)
    while (Clock::now() < until) {
      deadline_in(std::min<Clock::duration>(kLingerIdle, until - Clock::now()));
      boost::system::error_code ec = asio::error::would_block;
      if constexpr (wire::kMayMissEnd<std::remove_reference_t<decltype(lowest())>>) {
        if (after_short_read) {
          (void)wire::recv_now(lowest(), asio::buffer(sink), ec);  // the client's end may be here unseen
        }
      }
      after_short_read = false;
      if (ec == asio::error::would_block) {
        std::size_t n = 0;
        std::tie(ec, n) = co_await wire::read_some(lowest(), asio::buffer(sink), kToken);
        after_short_read = n < sink.size();
      }
      if (ec) {
        break;
      }
    }
  }

  asio::awaitable<void> shutdown() {
    if constexpr (kTls) {
      deadline_in(std::chrono::seconds(1));
      co_await stream_.async_shutdown(kToken);
    } else {
      beast::error_code ignored;
      lowest().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  std::shared_ptr<HttpServer::Impl> server_;
  std::string remote_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::string head_;  ///< the answer's status line and fields, reused across requests
  asio::cancellation_signal cancel_;
  std::atomic<bool> idle_{true};
  bool handling_ = false;
  bool handler_timed_out_ = false;
  std::uint64_t id_ = 0;
};

}  // namespace

asio::awaitable<void> HttpServer::Impl::sweep(std::shared_ptr<Impl> self) {
  (void)self;  // keeps the server state alive while sweeping
  asio::steady_timer timer(acceptor_strand);
  std::vector<std::shared_ptr<ConnectionBase>> late;
  for (;;) {
    timer.expires_after(tick);
    auto [ec] = co_await timer.async_wait(kToken);
    (void)ec;
    const auto now = Clock::now().time_since_epoch().count();
    {
      std::lock_guard lock(mutex);
      if (draining && connections.empty()) {
        co_return;
      }
      for (auto& [id, weak] : connections) {
        if (auto c = weak.lock(); c && c->overdue(now)) {
          late.push_back(std::move(c));
        }
      }
    }
    for (auto& c : late) {
      c->expire();
    }
    late.clear();
  }
}

asio::awaitable<void> HttpServer::Impl::accept_loop(std::shared_ptr<Impl> self) {
  for (;;) {
    asio::any_io_executor where = ioc.get_executor();
    if (!options.single_thread) {
      where = asio::make_strand(ioc);
    }
    auto [ec, socket] = co_await acceptor.async_accept(where, kToken);
    if (ec) {
      if (draining || !acceptor.is_open() || ec == asio::error::operation_aborted) {
        co_return;
      }
      // Out of descriptors or a transient error: back off briefly instead of spinning.
      asio::steady_timer backoff(acceptor_strand, std::chrono::milliseconds(50));
      co_await backoff.async_wait(kToken);
      continue;
    }
    if (draining) {
      co_return;
    }
    if (active.load() >= options.max_connections) {
      beast::error_code ignored;
      socket.close(ignored);
      continue;
    }
    beast::error_code rec;
    auto endpoint = socket.remote_endpoint(rec);
    std::string remote = rec ? std::string{} : endpoint.address().to_string();
    active.fetch_add(1);
    auto executor = socket.get_executor();
    beast::error_code nodelay_ec;
    socket.set_option(tcp::no_delay(true), nodelay_ec);  // one write per answer: no Nagle wait
    if (ssl_ctx) {
      using Stream = asio::ssl::stream<tcp::socket>;
      auto conn = std::make_shared<Connection<Stream>>(self, std::move(remote), std::move(socket), *ssl_ctx);
      conn->set_id(add(conn));
      asio::co_spawn(executor, Connection<Stream>::run(conn),
                     asio::bind_cancellation_slot(conn->cancellation_slot(), asio::detached));
    } else {
      using Stream = tcp::socket;
      auto conn = std::make_shared<Connection<Stream>>(self, std::move(remote), std::move(socket));
      conn->set_id(add(conn));
      asio::co_spawn(executor, Connection<Stream>::run(conn),
                     asio::bind_cancellation_slot(conn->cancellation_slot(), asio::detached));
    }
  }
}

HttpServer::HttpServer(asio::io_context& ioc, ServerOptions options, Handler handler,
                       CompletionObserver observer)
    : impl_(std::make_shared<Impl>(ioc, std::move(options), std::move(handler), std::move(observer))) {}

HttpServer::~HttpServer() {
  beast::error_code ignored;
  impl_->draining = true;
  asio::post(impl_->acceptor_strand, [impl = impl_] {
    beast::error_code ec;
    impl->acceptor.close(ec);
  });
}

void HttpServer::start() {
  auto& opt = impl_->options;
  if (!opt.tls_cert_file.empty() || !opt.tls_key_file.empty()) {
    if (opt.tls_cert_file.empty() || opt.tls_key_file.empty()) {
      throw std::runtime_error(opt.name + ": TLS needs both a certificate and a key file");
    }
    impl_->ssl_ctx.emplace(asio::ssl::context::tls_server);
    auto& ctx = *impl_->ssl_ctx;
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                    asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    beast::error_code ec;
    ctx.use_certificate_chain_file(opt.tls_cert_file, ec);
    if (ec) {
      throw std::runtime_error(opt.name + ": cannot load TLS certificate " + opt.tls_cert_file + ": " + ec.message());
    }
    ctx.use_private_key_file(opt.tls_key_file, asio::ssl::context::pem, ec);
    if (ec) {
      throw std::runtime_error(opt.name + ": cannot load TLS key " + opt.tls_key_file + ": " + ec.message());
    }
  }
  beast::error_code ec;
  auto address = asio::ip::make_address(opt.address, ec);
  if (ec) {
    throw std::runtime_error(opt.name + ": invalid listen address '" + opt.address + "'");
  }
  tcp::endpoint endpoint(address, opt.port);
  auto& acc = impl_->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec) {
    acc.set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    acc.bind(endpoint, ec);
  }
  if (!ec) {
    acc.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    throw std::runtime_error(opt.name + ": cannot listen on " + opt.address + ":" + std::to_string(opt.port) +
                             ": " + ec.message());
  }
  impl_->bound_port = acc.local_endpoint().port();
  auto shortest = std::min({opt.read_timeout, opt.idle_timeout, opt.write_timeout, opt.handler_timeout});
  impl_->tick = std::clamp(shortest / 4, std::chrono::milliseconds(5), std::chrono::milliseconds(250));
  asio::co_spawn(impl_->acceptor_strand, impl_->accept_loop(impl_), asio::detached);
  asio::co_spawn(impl_->acceptor_strand, impl_->sweep(impl_), asio::detached);
}

asio::awaitable<void> HttpServer::drain(std::chrono::milliseconds timeout) {
  auto impl = impl_;
  impl->draining = true;
  asio::post(impl->acceptor_strand, [impl] {
    beast::error_code ec;
    impl->acceptor.close(ec);
  });
  impl->close_all(false);
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor);
  auto deadline = Clock::now() + timeout;
  while (impl->active.load() > 0 && Clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(10));
    co_await timer.async_wait(kToken);
    impl->close_all(false);
  }
  if (impl->active.load() > 0) {
    impl->close_all(true);
    auto hard = Clock::now() + std::chrono::seconds(2);
    while (impl->active.load() > 0 && Clock::now() < hard) {
      timer.expires_after(std::chrono::milliseconds(10));
      co_await timer.async_wait(kToken);
    }
  }
}

std::uint16_t HttpServer::port() const noexcept { return impl_->bound_port; }
std::size_t HttpServer::active_connections() const noexcept { return impl_->active.load(); }
const std::string& HttpServer::name() const noexcept { return impl_->options.name; }
bool HttpServer::tls() const noexcept { return impl_->ssl_ctx.has_value(); }

}  // namespace hub::http
