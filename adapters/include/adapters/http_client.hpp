// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <adapters/http.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

/// Outbound HTTP(S) client pool for calls to partners: keep-alive connections per host, a deadline
/// per call, certificate verification, and a classification of every failure as retryable or
/// permanent (routing decides retry / dead-letter from that class, never from message text).
/// Thread safety: one HttpClient may be used from coroutines on any executor; it serialises its
/// pool internally.
namespace hub::http {

enum class Outcome {
  ok,         ///< a 2xx answer
  retryable,  ///< connect/resolve error, timeout, reset, HTTP 5xx, 408, 429
  permanent,  ///< HTTP 4xx other than 408/429, TLS verification failure, malformed URL or answer
};

/// Classifies an HTTP status code.
Outcome classify_status(int status) noexcept;

/// Why the client could not send a request to `url` (an absolute http or https URL with a host,
/// an optional port in range and a path of visible characters), or nullopt when it could.
/// For URLs a party gives the hub to call later (response_url, a versions URL).
std::optional<std::string> url_problem(std::string_view url);

struct ClientOptions {
  std::size_t max_idle_per_host = 16;        ///< idle keep-alive connections kept per scheme+host+port
  std::chrono::milliseconds idle_timeout{30000};  ///< idle pooled connections older than this are dropped
  std::size_t max_response_body = 16u << 20;  ///< larger answers fail as permanent
  std::size_t max_response_header = 16u << 10;
  bool verify_peer = true;                   ///< verify the server certificate and host name (https)
  std::string ca_file;                       ///< extra CA bundle (PEM); system defaults always loaded
  std::string user_agent = "roaming-hub";
  /// The executor's io_context is run by one thread: connections use that executor instead of
  /// a strand each, and a request's exchange runs in the calling coroutine (no strand hops).
  bool single_thread = false;
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;  ///< http://host[:port]/path?query or https://...
  Headers headers;
  FieldBlock fields;  ///< written after `headers`
  std::string body;
};

struct ClientResult {
  Outcome outcome = Outcome::permanent;
  int status = 0;        ///< HTTP status, 0 when no answer was received
  Response response;     ///< the answer when one was received (its fields in `headers`)
  std::string error;     ///< what failed, for logs and dead letters (never parsed)
  std::optional<std::chrono::seconds> retry_after;  ///< from a 429/503 Retry-After header (seconds form)
  /// The request could not be made at all (its URL or its fields): sending it again, now or
  /// later, fails the same way. Other permanent failures (a TLS certificate, a malformed answer)
  /// depend on the peer, which may change.
  bool not_sendable = false;
  bool ok() const noexcept { return outcome == Outcome::ok; }
};

class HttpClient {
 public:
  HttpClient(boost::asio::any_io_executor executor, ClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends one request and reads the answer. The whole call (resolve, connect, TLS handshake,
  /// write, read) must finish before `deadline`; otherwise it fails as retryable.
  boost::asio::awaitable<ClientResult> request(ClientRequest req,
                                               std::chrono::steady_clock::time_point deadline);

  /// Number of idle pooled connections (for tests and metrics).
  std::size_t idle_connections() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace hub::http
