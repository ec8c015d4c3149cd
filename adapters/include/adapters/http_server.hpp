// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <adapters/http.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

/// The hub's inbound HTTP(S) server: Boost.Beast on C++20 coroutines, one strand per connection
/// (none with ServerOptions::single_thread),
/// keep-alive, optional TLS, header/body limits, read/idle/write timeouts, connection cap, and a
/// graceful drain. Handlers see only the plain Request/Response of adapters/http.hpp.
namespace hub::http {

struct ServerOptions {
  std::string name = "http";           ///< listener name for logs and metrics ("admin", "ocpi", "ochp")
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;              ///< 0: pick a free port (see HttpServer::port())
  std::size_t header_limit = 16u << 10;
  std::size_t body_limit = 1u << 20;
  /// When set, the body limit of a request by its target (path and query), read after the
  /// header: e.g. a larger limit for bulk SOAP uploads than for REST calls.
  std::function<std::size_t(std::string_view target)> body_limit_for;
  /// A body larger than `body_limit` (allowed by body_limit_for) gets read_timeout plus its size
  /// at this rate (bytes/s) to arrive, so a 128 MB bulk upload is not cut at read_timeout.
  std::size_t min_body_rate = 1u << 20;
  std::chrono::milliseconds read_timeout{10000};   ///< to receive a whole request once it started
  std::chrono::milliseconds idle_timeout{60000};   ///< keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{10000};
  std::chrono::milliseconds handler_timeout{30000}; ///< a handler running longer answers 503
  std::size_t max_connections = 4096;  ///< further connections are accepted and closed at once
  std::string tls_cert_file;           ///< PEM chain; TLS is on when cert and key are both set
  std::string tls_key_file;
  /// The io_context is run by one thread: connections use its executor instead of a strand each.
  bool single_thread = false;
};

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;
/// Called once per answered request (also for requests refused by limits), for metrics and access logs.
using CompletionObserver =
    std::function<void(const Request&, const Response&, std::chrono::steady_clock::duration)>;

/// One listener. Thread safety: start/drain from one thread; the io_context may be run by any
/// number of threads (each connection lives on its own strand), or by exactly one when
/// ServerOptions::single_thread is set.
class HttpServer {
 public:
  HttpServer(boost::asio::io_context& ioc, ServerOptions options, Handler handler,
             CompletionObserver observer = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds and starts accepting. Throws std::runtime_error naming the address when binding fails
  /// or when the TLS certificate/key cannot be loaded (startup errors are fatal).
  void start();
  /// Stops accepting, closes idle keep-alive connections, lets requests in flight finish (their
  /// answers carry Connection: close) and force-closes whatever is left after `timeout`.
  boost::asio::awaitable<void> drain(std::chrono::milliseconds timeout);

  std::uint16_t port() const noexcept;
  std::size_t active_connections() const noexcept;
  const std::string& name() const noexcept;
  bool tls() const noexcept;

  struct Impl;  ///< implementation detail (shared with the connection coroutines)

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace hub::http
