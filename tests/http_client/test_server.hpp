// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <adapters/http.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

/// A small scripted HTTP/1.1 server on a loopback port chosen by the kernel, running on its own
/// io_context thread. Serves plain TCP, or TLS when a certificate and key are given.
/// Thread safety: counters may be read from any thread; the handler runs on the server thread.
namespace hub::test {

struct ReceivedRequest {
  std::string method;
  std::string target;
  http::Headers headers;
  std::string body;
  std::size_t connection = 0;  ///< 1-based number of the connection the request arrived on
};

/// What the server does with one request.
struct Script {
  int status = 200;
  http::Headers headers;
  std::string body;
  std::string raw;           ///< when not empty: written verbatim instead of a built answer
  bool close_after = false;  ///< close the connection after answering, without announcing it
  bool hang = false;         ///< never answer; wait until the client goes away
};

class TestServer {
 public:
  using Handler = std::function<Script(const ReceivedRequest&)>;

  /// Listens on `address`:0. TLS when cert_file and key_file (PEM) are given.
  explicit TestServer(Handler handler, std::string cert_file = {}, std::string key_file = {},
                      std::string address = "127.0.0.1");
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::uint16_t port() const noexcept;
  /// "http(s)://host:port" + path.
  std::string url(std::string_view path) const;
  std::size_t accepted() const noexcept;
  std::size_t requests() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hub::test
