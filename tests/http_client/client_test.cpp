// SPDX-License-Identifier: GPL-2.0-or-later
// The outbound client pool over real loopback sockets: keep-alive reuse, the one retry on a stale
// pooled connection, deadlines, TLS verification, limits, chunked answers and the retryable /
// permanent classification.
#include <hub/core/io_context.hpp>
#include <adapters/http_client.hpp>
#include <adapters/http_server.hpp>
#include <test_support/raw_http.hpp>
#include <test_support/redis_fixture.hpp>

#include <boost/asio.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

namespace asio = boost::asio;
using hub::http::ClientOptions;
using hub::http::ClientRequest;
using hub::http::ClientResult;
using hub::http::HttpClient;
using hub::http::Outcome;
using namespace std::chrono_literals;

/// A blocking loopback server with scripted raw answers, one thread, one connection at a time.
/// `script(request_index_on_connection)` returns the bytes to send, and whether to close after.
class RawServer {
 public:
  using Script = std::function<std::pair<std::string, bool>(int)>;
  explicit RawServer(Script script) : script_(std::move(script)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~RawServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::uint16_t port() const { return port_; }
  int accepted() const { return accepted_.load(); }

 private:
  void run() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) {
        return;
      }
      ++accepted_;
      std::string pending;
      for (int n = 0;; ++n) {
        // read one request head (bodies in these tests come with Content-Length)
        std::size_t end = std::string::npos;
        while ((end = pending.find("\r\n\r\n")) == std::string::npos) {
          char buf[4096];
          auto r = ::recv(c, buf, sizeof buf, 0);
          if (r <= 0) {
            break;
          }
          pending.append(buf, static_cast<std::size_t>(r));
        }
        if (end == std::string::npos) {
          break;
        }
        auto head = pending.substr(0, end);
        std::size_t body = 0;
        auto cl = head.find("Content-Length: ");
        if (cl != std::string::npos) {
          body = std::stoul(head.substr(cl + 16));
        }
        while (pending.size() < end + 4 + body) {
          char buf[4096];
          auto r = ::recv(c, buf, sizeof buf, 0);
          if (r <= 0) {
            break;
          }
          pending.append(buf, static_cast<std::size_t>(r));
        }
        pending.erase(0, std::min(pending.size(), end + 4 + body));
        auto [bytes, close_after] = script_(n);
        if (!bytes.empty()) {
          ::send(c, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        } else {
          // never answer: wait until the client gives up and closes
          char buf[64];
          while (::recv(c, buf, sizeof buf, 0) > 0) {
          }
          break;
        }
        if (close_after) {
          break;
        }
      }
      ::close(c);
    }
  }

  Script script_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::string answer(int status, const std::string& body, const std::string& extra = {}) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         extra + "\r\n" + body;
}

class ClientTest : public ::testing::Test {
 protected:
  ClientTest() : work_(ioc_.get_executor()) {
    for (int i = 0; i < 2; ++i) {
      threads_.emplace_back([this] { ioc_.run(); });
    }
  }
  ~ClientTest() override {
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) {
      t.join();
    }
  }

  ClientResult call(HttpClient& client, std::string url, std::string method = "GET", std::string body = {},
                    std::chrono::milliseconds timeout = 10s) {
    ClientRequest req;
    req.method = std::move(method);
    req.url = std::move(url);
    req.body = std::move(body);
    return asio::co_spawn(ioc_, client.request(std::move(req), std::chrono::steady_clock::now() + timeout),
                          asio::use_future)
        .get();
  }

  std::string url(std::uint16_t port, const std::string& path = "/x") {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }

  hub::IoContext ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
};

TEST(Classify, StatusCodes) {
  EXPECT_EQ(hub::http::classify_status(200), Outcome::ok);
  EXPECT_EQ(hub::http::classify_status(204), Outcome::ok);
  EXPECT_EQ(hub::http::classify_status(408), Outcome::retryable);
  EXPECT_EQ(hub::http::classify_status(429), Outcome::retryable);
  EXPECT_EQ(hub::http::classify_status(500), Outcome::retryable);
  EXPECT_EQ(hub::http::classify_status(503), Outcome::retryable);
  EXPECT_EQ(hub::http::classify_status(400), Outcome::permanent);
  EXPECT_EQ(hub::http::classify_status(401), Outcome::permanent);
  EXPECT_EQ(hub::http::classify_status(404), Outcome::permanent);
  EXPECT_EQ(hub::http::classify_status(301), Outcome::permanent);
}

TEST_F(ClientTest, PostRoundTripAndKeepAliveReuse) {
  RawServer server([](int n) { return std::pair{answer(200, "answer-" + std::to_string(n)), false}; });
  HttpClient client(ioc_.get_executor(), {});
  auto first = call(client, url(server.port()), "POST", "{\"a\":1}");
  ASSERT_TRUE(first.ok()) << first.error;
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.response.body, "answer-0");
  auto second = call(client, url(server.port()));
  ASSERT_TRUE(second.ok()) << second.error;
  EXPECT_EQ(second.response.body, "answer-1");  // the same connection served both
  EXPECT_EQ(server.accepted(), 1);
  EXPECT_EQ(client.idle_connections(), 1u);
}

TEST_F(ClientTest, AStalePooledConnectionIsRetriedOnceOnAFreshOne) {
  // Every connection answers once and is then closed by the server without saying so.
  RawServer server([](int) { return std::pair{answer(200, "fresh"), true}; });
  HttpClient client(ioc_.get_executor(), {});
  ASSERT_TRUE(call(client, url(server.port())).ok());
  auto again = call(client, url(server.port()));
  ASSERT_TRUE(again.ok()) << again.error;
  EXPECT_EQ(again.response.body, "fresh");
  EXPECT_EQ(server.accepted(), 2);
}

TEST_F(ClientTest, RefusedConnectionIsRetryable) {
  auto port = hub::test::pick_free_port();  // nothing listens there
  HttpClient client(ioc_.get_executor(), {});
  auto r = call(client, url(port));
  EXPECT_EQ(r.outcome, Outcome::retryable);
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.error.empty());
}

TEST_F(ClientTest, AServerThatNeverAnswersFailsRetryableAtTheDeadline) {
  RawServer server([](int) { return std::pair{std::string{}, true}; });
  HttpClient client(ioc_.get_executor(), {});
  auto r = call(client, url(server.port()), "GET", {}, 200ms);
  EXPECT_EQ(r.outcome, Outcome::retryable);
  EXPECT_EQ(r.status, 0);
}

TEST_F(ClientTest, StatusClassesAndRetryAfter) {
  RawServer server([](int n) {
    switch (n) {
      case 0: return std::pair{answer(503, "busy", "Retry-After: 7\r\n"), false};
      case 1: return std::pair{answer(404, "{\"status_code\":2003}"), false};
      case 2: return std::pair{answer(429, "", "Retry-After: 2\r\n"), false};
      default: return std::pair{answer(500, "oops"), false};
    }
  });
  HttpClient client(ioc_.get_executor(), {});
  auto busy = call(client, url(server.port()));
  EXPECT_EQ(busy.outcome, Outcome::retryable);
  EXPECT_EQ(busy.status, 503);
  ASSERT_TRUE(busy.retry_after);
  EXPECT_EQ(busy.retry_after->count(), 7);
  auto missing = call(client, url(server.port()));
  EXPECT_EQ(missing.outcome, Outcome::permanent);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.response.body, "{\"status_code\":2003}");  // the partner's answer is kept
  auto limited = call(client, url(server.port()));
  EXPECT_EQ(limited.outcome, Outcome::retryable);
  EXPECT_EQ(limited.retry_after->count(), 2);
  EXPECT_EQ(call(client, url(server.port())).outcome, Outcome::retryable);
}

TEST_F(ClientTest, ChunkedAnswersAreReadCompletely) {
  RawServer server([](int) {
    return std::pair{std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
                     false};
  });
  HttpClient client(ioc_.get_executor(), {});
  auto r = call(client, url(server.port()));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.response.body, "hello world");
}

TEST_F(ClientTest, AnswerBeyondTheBodyLimitIsPermanent) {
  RawServer server([](int) { return std::pair{answer(200, std::string(4096, 'b')), false}; });
  ClientOptions o;
  o.max_response_body = 1024;
  HttpClient client(ioc_.get_executor(), o);
  auto r = call(client, url(server.port()));
  EXPECT_EQ(r.outcome, Outcome::permanent);
}

TEST_F(ClientTest, MalformedUrlsArePermanent) {
  HttpClient client(ioc_.get_executor(), {});
  for (const char* bad : {"", "ftp://127.0.0.1/x", "http://", "http://127.0.0.1:99999/x", "not a url"}) {
    EXPECT_EQ(call(client, bad).outcome, Outcome::permanent) << bad;
  }
}

TEST_F(ClientTest, ManyConcurrentRequestsAllSucceed) {
  hub::http::ServerOptions so;
  hub::http::HttpServer server(ioc_, so, [](hub::http::Request& req) -> asio::awaitable<hub::http::Response> {
    hub::http::Response r;
    r.body = std::string(req.path());
    co_return r;
  });
  server.start();
  HttpClient client(ioc_.get_executor(), {});
  std::vector<std::future<ClientResult>> calls;
  for (int i = 0; i < 50; ++i) {
    ClientRequest req;
    req.url = url(server.port(), "/n" + std::to_string(i));
    calls.push_back(asio::co_spawn(ioc_, client.request(std::move(req), std::chrono::steady_clock::now() + 20s),
                                   asio::use_future));
  }
  for (int i = 0; i < 50; ++i) {
    auto r = calls[static_cast<std::size_t>(i)].get();
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.response.body, "/n" + std::to_string(i));
  }
  asio::co_spawn(ioc_, server.drain(1s), asio::use_future).get();
}

TEST_F(ClientTest, TlsCertificatesAreVerified) {
  hub::test::TempDir dir;
  auto cert = (dir.path() / "cert.pem").string();
  auto key = (dir.path() / "key.pem").string();
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost "
                    "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -days 1 -keyout " +
                    key + " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  hub::http::ServerOptions so;
  so.tls_cert_file = cert;
  so.tls_key_file = key;
  hub::http::HttpServer server(ioc_, so, [](hub::http::Request&) -> asio::awaitable<hub::http::Response> {
    hub::http::Response r;
    r.body = "secret";
    co_return r;
  });
  server.start();
  auto https = "https://127.0.0.1:" + std::to_string(server.port()) + "/x";

  HttpClient untrusting(ioc_.get_executor(), {});
  auto refused = call(untrusting, https);
  EXPECT_EQ(refused.outcome, Outcome::permanent);  // self-signed, not in the trust store
  EXPECT_EQ(refused.status, 0);

  ClientOptions trusting_options;
  trusting_options.ca_file = cert;
  HttpClient trusting(ioc_.get_executor(), trusting_options);
  auto ok = call(trusting, https);
  ASSERT_TRUE(ok.ok()) << ok.error;
  EXPECT_EQ(ok.response.body, "secret");

  // The certificate names 127.0.0.1 and localhost, not this address: host name verification fails.
  auto wrong_name = call(trusting, "https://127.0.0.2:" + std::to_string(server.port()) + "/x");
  EXPECT_NE(wrong_name.outcome, Outcome::ok);
  asio::co_spawn(ioc_, server.drain(1s), asio::use_future).get();
}

}  // namespace
