// SPDX-License-Identifier: GPL-2.0-or-later
#include <adapters/http_server.hpp>

#include "pch.hpp"

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
using namespace boost::asio::experimental::awaitable_operators;
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
};

namespace {

template <class Stream>
class Connection final : public ConnectionBase, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  template <class... Args>
  Connection(std::shared_ptr<HttpServer::Impl> server, std::string remote, Args&&... args)
      : server_(std::move(server)), remote_(std::move(remote)), stream_(std::forward<Args>(args)...) {}

  void set_id(std::uint64_t id) { id_ = id; }

  void close(bool force) override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this(), force] {
      if (force || self->idle_) {
        beast::error_code ignored;
        beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(self->stream_).close();
      }
    });
  }

  static asio::awaitable<void> run(std::shared_ptr<Connection> self) {
    try {
      co_await self->serve();
    } catch (const std::exception&) {
      // A session's top frame: close only this session.
    }
    beast::error_code ignored;
    beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(self->stream_).close();
    self->server_->remove(self->id_);
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  auto& lowest() { return beast::get_lowest_layer(stream_); }

  asio::awaitable<void> serve() {
    const auto& opt = server_->options;
    if constexpr (kTls) {
      lowest().expires_after(opt.read_timeout);
      auto [ec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, kToken);
      if (ec) {
        co_return;
      }
    }
    for (;;) {
      idle_ = true;
      if (server_->draining) {
        co_return;
      }
      if (buffer_.size() == 0) {
        // Keep-alive wait for the first byte of the next request.
        lowest().expires_after(opt.idle_timeout);
        auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(4096), kToken);
        if (ec) {
          co_return;
        }
        buffer_.commit(n);
      }
      idle_ = false;
      auto started = Clock::now();

      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(opt.header_limit));
      parser.body_limit(opt.body_limit);
      lowest().expires_after(opt.read_timeout);
      boost::system::error_code rec;
      if (opt.body_limit_for) {
        // The parser checks Content-Length against its limit when the header completes: read the
        // header under the largest limit, then apply the target's own.
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        auto [hec, hn] = co_await bhttp::async_read_header(stream_, buffer_, parser, kToken);
        (void)hn;
        rec = hec;
        if (!rec) {
          auto target = parser.get().target();
          const std::uint64_t limit = opt.body_limit_for(std::string_view(target.data(), target.size()));
          if (parser.content_length() && *parser.content_length() > limit) {
            rec = bhttp::error::body_limit;
          } else {
            parser.body_limit(limit);  // chunked bodies are counted chunk by chunk from here
            const std::uint64_t expected = parser.content_length().value_or(limit);
            if (expected > opt.body_limit && opt.min_body_rate > 0) {
              lowest().expires_after(opt.read_timeout +
                                     std::chrono::seconds(expected / opt.min_body_rate + 1));
            }
          }
        }
      }
      if (!rec) {
        auto [bec, rn] = co_await bhttp::async_read(stream_, buffer_, parser, kToken);
        (void)rn;
        rec = bec;
      }
      if (rec) {
        if (rec == bhttp::error::end_of_stream || rec == asio::error::eof ||
            rec == asio::error::connection_reset || rec == asio::error::operation_aborted) {
          co_return;
        }
        Request partial;
        partial.remote_address = remote_;
        if (parser.is_header_done()) {
          partial.method = std::string(parser.get().method_string());
          partial.target = std::string(parser.get().target());
        }
        Response answer;
        if (rec == bhttp::error::body_limit) {
          answer = error_response(413, "request body too large");
        } else if (rec == bhttp::error::header_limit) {
          answer = error_response(431, "request header too large");
        } else if (rec == beast::error::timeout) {
          // tcp_stream closed the socket when the read timer fired: the client is cut off.
          co_return;
        } else {
          answer = error_response(400, "malformed HTTP request");
        }
        co_await send_and_close(partial, std::move(answer), started);
        co_return;
      }

      auto& breq = parser.get();
      Request req;
      req.method = std::string(breq.method_string());
      req.target = std::string(breq.target());
      req.remote_address = remote_;
      req.headers.reserve(16);
      for (const auto& field : breq) {
        req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
      req.body = std::move(breq.body());
      auto given_id = req.header("X-Request-ID");
      req.request_id = sane_request_id(given_id) ? std::string(given_id) : generate_request_id();
      bool keep_alive = breq.keep_alive();

      Response resp = co_await call_handler(req);
      keep_alive = keep_alive && !server_->draining;
      bool written = co_await write(req, std::move(resp), keep_alive, started);
      if (!written) {
        co_return;
      }
      if (!keep_alive) {
        co_await shutdown();
        co_return;
      }
    }
  }

  asio::awaitable<Response> guarded_handler(Request& req) {
    try {
      co_return co_await server_->handler(req);
    } catch (const std::exception&) {
      co_return error_response(500, "internal error");
    }
  }

  asio::awaitable<Response> call_handler(Request& req) {
    asio::steady_timer timer(stream_.get_executor());
    timer.expires_after(server_->options.handler_timeout);
    auto result = co_await (guarded_handler(req) || timer.async_wait(asio::as_tuple(asio::use_awaitable)));
    if (result.index() == 0) {
      co_return std::move(std::get<0>(result));
    }
    co_return error_response(503, "request handling timed out");
  }

  asio::awaitable<bool> write(const Request& req, Response resp, bool keep_alive, Clock::time_point started) {
    bhttp::response<bhttp::string_body> out;
    out.version(11);
    out.result(static_cast<unsigned>(resp.status));
    out.set(bhttp::field::server, "roaming-hub");
    if (!resp.content_type.empty()) {
      out.set(bhttp::field::content_type, resp.content_type);
    }
    bool has_request_id = false;
    for (const auto& [k, v] : resp.headers) {
      out.insert(k, v);
      if (beast::iequals(k, "X-Request-ID")) {
        has_request_id = true;
      }
    }
    if (!has_request_id && !req.request_id.empty()) {
      out.set("X-Request-ID", req.request_id);
    }
    out.keep_alive(keep_alive);
    out.body() = std::move(resp.body);
    out.prepare_payload();
    if (server_->observer) {
      resp.body.clear();
      server_->observer(req, resp, Clock::now() - started);
    }
    lowest().expires_after(server_->options.write_timeout);
    auto [ec, n] = co_await bhttp::async_write(stream_, out, kToken);
    (void)n;
    co_return !ec;
  }

  asio::awaitable<void> send_and_close(const Request& req, Response resp, Clock::time_point started) {
    bool written = co_await write(req, std::move(resp), false, started);
    if (written) {
      // Stop sending, then discard what the client may still be sending for a bounded time, so
      // it reads our answer instead of a reset.
      beast::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      lowest().expires_after(std::chrono::milliseconds(500));
      std::array<char, 8192> sink{};
      std::size_t discarded = 0;
      while (discarded < (4u << 20)) {
        auto [ec, n] = co_await lowest().async_read_some(asio::buffer(sink), kToken);
        if (ec) {
          break;
        }
        discarded += n;
      }
    }
  }

  asio::awaitable<void> shutdown() {
    if constexpr (kTls) {
      lowest().expires_after(std::chrono::seconds(1));
      co_await stream_.async_shutdown(kToken);
    } else {
      beast::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  std::shared_ptr<HttpServer::Impl> server_;
  std::string remote_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::atomic<bool> idle_{true};
  std::uint64_t id_ = 0;
};

}  // namespace

asio::awaitable<void> HttpServer::Impl::accept_loop(std::shared_ptr<Impl> self) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kToken);
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
    if (ssl_ctx) {
      using Stream = beast::ssl_stream<beast::tcp_stream>;
      auto conn = std::make_shared<Connection<Stream>>(self, std::move(remote), std::move(socket), *ssl_ctx);
      conn->set_id(add(conn));
      asio::co_spawn(executor, Connection<Stream>::run(conn), asio::detached);
    } else {
      using Stream = beast::tcp_stream;
      auto conn = std::make_shared<Connection<Stream>>(self, std::move(remote), std::move(socket));
      conn->set_id(add(conn));
      asio::co_spawn(executor, Connection<Stream>::run(conn), asio::detached);
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
  asio::co_spawn(impl_->acceptor_strand, impl_->accept_loop(impl_), asio::detached);
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
