// SPDX-License-Identifier: GPL-2.0-or-later
#include "test_server.hpp"

#include <hub/core/io_context.hpp>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <thread>
#include <utility>

namespace hub::test {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
}  // namespace

struct TestServer::Impl {
  Impl(Handler h, std::string cert, std::string key, const std::string& address)
      : handler(std::move(h)), tls(!cert.empty()), ssl_ctx(asio::ssl::context::tls_server), acceptor(ioc) {
    if (tls) {
      ssl_ctx.use_certificate_chain_file(cert);
      ssl_ctx.use_private_key_file(key, asio::ssl::context::pem);
    }
    tcp::endpoint endpoint(asio::ip::make_address(address), 0);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen();
    port = acceptor.local_endpoint().port();
    host = endpoint.address().is_v6() ? "[" + address + "]" : address;
    asio::co_spawn(ioc, accept_loop(), asio::detached);
    thread = std::thread([this] { ioc.run(); });
  }

  ~Impl() {
    ioc.stop();
    thread.join();
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kTuple);
      if (ec) {
        co_return;
      }
      std::size_t number = ++accepted;
      asio::co_spawn(ioc, session(std::move(socket), number), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket, std::size_t number) {
    if (!tls) {
      beast::tcp_stream stream(std::move(socket));
      co_await serve(stream, number);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), ssl_ctx);
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
    if (ec) {
      co_return;  // e.g. the client rejected the certificate
    }
    co_await serve(stream, number);
  }

  template <class Stream>
  asio::awaitable<void> serve(Stream& stream, std::size_t number) {
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request<bhttp::string_body> req;
      auto [ec, n] = co_await bhttp::async_read(stream, buffer, req, kTuple);
      if (ec) {
        co_return;
      }
      ++requests;
      ReceivedRequest received;
      received.method = std::string(req.method_string());
      received.target = std::string(req.target());
      for (const auto& field : req) {
        received.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
      received.body = req.body();
      received.connection = number;
      Script script = handler(received);

      if (script.hang) {
        char byte = 0;
        for (;;) {
          auto [rec, got] = co_await stream.async_read_some(asio::buffer(&byte, 1), kTuple);
          if (rec) {
            co_return;
          }
        }
      }
      if (!script.raw.empty()) {
        auto [wec, written] = co_await asio::async_write(stream, asio::buffer(script.raw), kTuple);
        if (wec) {
          co_return;
        }
      } else {
        bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(script.status), 11};
        for (const auto& [name, value] : script.headers) {
          res.insert(name, value);
        }
        res.body() = script.body;
        res.keep_alive(req.keep_alive());
        res.prepare_payload();
        auto [wec, written] = co_await bhttp::async_write(stream, res, kTuple);
        if (wec) {
          co_return;
        }
      }
      if (script.close_after || !req.keep_alive()) {
        beast::error_code ignored;
        beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(stream).close();
        co_return;
      }
    }
  }

  Handler handler;
  bool tls;
  asio::ssl::context ssl_ctx;  // declared before the io_context: sessions die with the io_context
  hub::IoContext ioc;
  tcp::acceptor acceptor;
  std::uint16_t port = 0;
  std::string host;
  std::atomic<std::size_t> accepted{0};
  std::atomic<std::size_t> requests{0};
  std::thread thread;
};

TestServer::TestServer(Handler handler, std::string cert_file, std::string key_file, std::string address)
    : impl_(std::make_unique<Impl>(std::move(handler), std::move(cert_file), std::move(key_file), address)) {}

TestServer::~TestServer() = default;

std::uint16_t TestServer::port() const noexcept {
  return impl_->port;
}

std::string TestServer::url(std::string_view path) const {
  return (impl_->tls ? "https://" : "http://") + impl_->host + ":" + std::to_string(impl_->port) + std::string(path);
}

std::size_t TestServer::accepted() const noexcept {
  return impl_->accepted.load();
}

std::size_t TestServer::requests() const noexcept {
  return impl_->requests.load();
}

}  // namespace hub::test
