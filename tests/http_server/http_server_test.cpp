// SPDX-License-Identifier: GPL-2.0-or-later
// The inbound HTTP server over real loopback sockets: limits, timeouts, keep-alive, errors,
// TLS and graceful drain.
#include <hub/core/io_context.hpp>
#include <adapters/http_client.hpp>
#include <adapters/http_server.hpp>
#include <test_support/raw_http.hpp>

#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <latch>
#include <thread>

namespace {

namespace asio = boost::asio;
using hub::http::HttpServer;
using hub::http::Request;
using hub::http::Response;
using hub::http::ServerOptions;
using hub::test::RawConnection;
using namespace std::chrono_literals;

class ServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions options = {}) {
    gate_ = std::make_unique<Gate>(ioc_, 1);
    server_ = std::make_unique<HttpServer>(
        ioc_, options, [this](Request& req) { return handle(req); },
        [this](const Request&, const Response& resp, auto) {
          std::lock_guard lock(mutex_);
          observed_.push_back(resp.status);
        });
    server_->start();
    work_.emplace(ioc_.get_executor());
    for (int i = 0; i < 2; ++i) {
      threads_.emplace_back([this] { ioc_.run(); });
    }
  }

  void TearDown() override {
    if (server_) {
      asio::co_spawn(ioc_, server_->drain(1s), asio::use_future).get();
    }
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) {
      t.join();
    }
  }

  asio::awaitable<Response> handle(Request& req) {
    Response r;
    auto path = req.path();
    if (path == "/echo") {
      r.body = req.body;
      r.content_type = "text/plain";
    } else if (path == "/throw") {
      throw std::runtime_error("boom");
    } else if (path == "/gate") {
      entered_.set_value();
      // A buffered channel: a release sent before this wait starts is not lost (the io_context
      // runs two threads, so the test thread's release may come first).
      boost::system::error_code ec;
      co_await gate_->async_receive(asio::redirect_error(asio::use_awaitable, ec));
      r.body = "released";
    } else if (path == "/block") {
      r.headers.add("X-First", "1");
      r.fields.add("X-Second", "2");
      if (auto id = req.header("X-Own-ID"); !id.empty()) {
        r.fields.add("X-Request-ID", id);
      }
    } else if (path == "/header") {
      r.body = std::string(req.header("X-Test"));
    } else if (path == "/fields") {
      r.body = req.method + " " + req.target + "\n";
      for (const auto& [name, value] : req.headers) {
        r.body.append(name).append("=").append(value).append("\n");
      }
      r.body += "body=" + req.body;
      r.content_type = "text/plain";
    } else {
      r.status = 404;
    }
    co_return r;
  }

  void release_gate() { gate_->try_send(boost::system::error_code{}); }

  /// Keeps both io threads busy while it lives: bytes and a connection's end that arrive
  /// meanwhile reach the reactor as one readiness event.
  class Held {
   public:
    explicit Held(asio::io_context& ioc) {
      auto released = release_.get_future().share();
      auto entered = std::make_shared<std::latch>(2);
      for (int i = 0; i < 2; ++i) {
        asio::post(ioc, [released, entered] {
          entered->count_down();
          released.wait();
        });
      }
      entered->wait();
    }
    ~Held() { release_.set_value(); }
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;

   private:
    std::promise<void> release_;
  };

  std::uint16_t port() const { return server_->port(); }

  hub::IoContext ioc_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  std::unique_ptr<HttpServer> server_;
  using Gate = asio::experimental::concurrent_channel<void(boost::system::error_code)>;
  std::unique_ptr<Gate> gate_;
  std::promise<void> entered_;
  std::mutex mutex_;
  std::vector<int> observed_;
};

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  RawConnection c(port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"));
    auto resp = c.read_response();
    ASSERT_TRUE(resp);
    EXPECT_EQ(RawConnection::status_of(*resp), 200);
    EXPECT_NE(resp->find("\r\n\r\nhello"), std::string::npos);
  }
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  start();
  RawConnection c(port());
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nA"
                     "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nB"));
  auto first = c.read_response();
  auto second = c.read_response();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->back(), 'A');
  EXPECT_EQ(second->back(), 'B');
}

// Many short reads, each leaving the socket drained: the reader must wait for the next bytes
// and be woken by them (the epoll build marks a drained socket and skips its next speculative
// receive), then a body larger than one read.
TEST_F(ServerTest, RequestsArrivingByteByByteAndInLargeBodiesAreAllRead) {
  start();
  RawConnection c(port());
  c.no_delay();
  for (int i = 0; i < 3; ++i) {
    const std::string body = "piece-" + std::to_string(i) + std::string(200, 'x');
    const std::string request =
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    for (char ch : request) {
      ASSERT_TRUE(c.send(std::string(1, ch)));
    }
    auto resp = c.read_response();
    ASSERT_TRUE(resp) << "request " << i << " was not answered";
    EXPECT_EQ(RawConnection::status_of(*resp), 200);
    EXPECT_EQ(resp->substr(resp->size() - body.size()), body);
  }
  std::string large(300 * 1024, 'y');
  large[12345] = 'z';
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(large.size()) +
                     "\r\n\r\n" + large));
  auto resp = c.read_response();
  ASSERT_TRUE(resp);
  EXPECT_EQ(RawConnection::status_of(*resp), 200);
  EXPECT_EQ(resp->substr(resp->size() - large.size()), large);
}

TEST_F(ServerTest, EachRequestOnAConnectionSeesOnlyItsOwnFieldsAndBody) {
  // The connection refills one Request per request: nothing of a previous one may show through,
  // whichever parser (the fast path or Beast, here for the chunked one) read it.
  start();
  RawConnection c(port());
  const std::string requests[] = {
      "PUT /fields?a=1 HTTP/1.1\r\nHost: x\r\nX-One: 1\r\nX-Two: a-value-longer-than-fifteen\r\n"
      "X-Three: 3\r\nContent-Length: 5\r\n\r\nfirst",
      "GET /fields HTTP/1.1\r\nX-Four: 4\r\n\r\n",
      "POST /fields HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
      "GET /fields HTTP/1.1\r\nHost: y\r\nX-Five: 5\r\n\r\n",
  };
  const std::string expected[] = {
      "PUT /fields?a=1\nHost=x\nX-One=1\nX-Two=a-value-longer-than-fifteen\nX-Three=3\nContent-Length=5\nbody=first",
      "GET /fields\nX-Four=4\nbody=",
      "POST /fields\nTransfer-Encoding=chunked\nbody=abc",
      "GET /fields\nHost=y\nX-Five=5\nbody=",
  };
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(c.send(requests[i]));
    auto resp = c.read_response();
    ASSERT_TRUE(resp) << "request " << i << " was not answered";
    EXPECT_EQ(RawConnection::status_of(*resp), 200);
    EXPECT_EQ(resp->substr(resp->find("\r\n\r\n") + 4), expected[i]) << "request " << i;
  }
}

TEST_F(ServerTest, RequestIdIsEchoedOrGenerated) {
  start();
  RawConnection c(port());
  ASSERT_TRUE(c.send("GET /echo HTTP/1.1\r\nHost: x\r\nX-Request-ID: abc-123\r\n\r\n"));
  auto given = c.read_response();
  ASSERT_TRUE(given);
  EXPECT_NE(given->find("X-Request-ID: abc-123"), std::string::npos);
  ASSERT_TRUE(c.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto generated = c.read_response();
  ASSERT_TRUE(generated);
  EXPECT_NE(generated->find("X-Request-ID: "), std::string::npos);
  EXPECT_EQ(generated->find("abc-123"), std::string::npos);  // not the previous request's
}

TEST_F(ServerTest, AnswerFieldBlockFollowsTheHeadersAndMayCarryTheRequestId) {
  start();
  RawConnection c(port());
  ASSERT_TRUE(c.send("GET /block HTTP/1.1\r\nHost: x\r\nX-Request-ID: abc-123\r\n\r\n"));
  auto plain = c.read_response();
  ASSERT_TRUE(plain);
  EXPECT_NE(plain->find("X-First: 1\r\nX-Second: 2\r\nX-Request-ID: abc-123\r\n"), std::string::npos) << *plain;
  ASSERT_TRUE(c.send("GET /block HTTP/1.1\r\nHost: x\r\nX-Request-ID: abc-123\r\nX-Own-ID: own-1\r\n\r\n"));
  auto own = c.read_response();
  ASSERT_TRUE(own);
  EXPECT_NE(own->find("X-Second: 2\r\nX-Request-ID: own-1\r\n"), std::string::npos) << *own;
  EXPECT_EQ(own->find("abc-123"), std::string::npos);  // the block's id, not a second one
}

TEST_F(ServerTest, OversizedBodyByContentLengthGets413AndClose) {
  ServerOptions o;
  o.body_limit = 1024;
  start(o);
  RawConnection c(port());
  std::string body(10u << 20, 'x');
  // The server answers as soon as it sees the Content-Length; the rest of the send may fail.
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n");
  c.send(body);
  auto resp = c.read_response();
  ASSERT_TRUE(resp);
  EXPECT_EQ(RawConnection::status_of(*resp), 413);
  EXPECT_NE(resp->find("Connection: close"), std::string::npos);
}

TEST_F(ServerTest, OversizedChunkedBodyGets413) {
  ServerOptions o;
  o.body_limit = 1024;
  start(o);
  RawConnection c(port());
  std::string chunk(4096, 'y');
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n" + chunk + "\r\n"));
  auto resp = c.read_response();
  ASSERT_TRUE(resp);
  EXPECT_EQ(RawConnection::status_of(*resp), 413);
}

TEST_F(ServerTest, ChunkedBodyWithinLimitIsAccepted) {
  start();
  RawConnection c(port());
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  auto resp = c.read_response();
  ASSERT_TRUE(resp);
  EXPECT_EQ(RawConnection::status_of(*resp), 200);
  EXPECT_NE(resp->find("\r\n\r\nabcde"), std::string::npos);
}

TEST_F(ServerTest, OversizedHeaderGets431) {
  ServerOptions o;
  o.header_limit = 2048;
  start(o);
  RawConnection c(port());
  c.send("GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8192, 'h') + "\r\n\r\n");
  auto resp = c.read_response();
  ASSERT_TRUE(resp);
  EXPECT_EQ(RawConnection::status_of(*resp), 431);
}

TEST_F(ServerTest, MalformedRequestGets400) {
  start();
  RawConnection c(port());
  ASSERT_TRUE(c.send("THIS IS NOT HTTP\r\n\r\n"));
  auto resp = c.read_response();
  ASSERT_TRUE(resp);
  EXPECT_EQ(RawConnection::status_of(*resp), 400);
}

TEST_F(ServerTest, ATransferEncodingOtherThanChunkedIsRefusedAndItsBodyNeverRunAsARequest) {
  start();
  for (const std::string te : {"gzip", "chunked, gzip", "gzip, chunked", "chunked\r\nTransfer-Encoding: chunked"}) {
    RawConnection c(port());
    // What follows the head would be a second request if the body were left unframed.
    ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te +
                       "\r\n\r\nGET /header HTTP/1.1\r\nHost: x\r\nX-Test: smuggled\r\n\r\n"));
    auto all = c.read_all();
    EXPECT_EQ(RawConnection::status_of(all), 400) << te;
    EXPECT_EQ(all.find("smuggled"), std::string::npos) << te;
    EXPECT_EQ(all.find("HTTP/1.1", 1), std::string::npos) << te << ": a second answer";
    EXPECT_TRUE(c.closed()) << te;
  }
  // One "chunked", in any case and with white space, is the chunked framing.
  RawConnection ok(port());
  ASSERT_TRUE(ok.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:  Chunked \r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
  auto resp = ok.read_response();
  ASSERT_TRUE(resp);
  EXPECT_EQ(RawConnection::status_of(*resp), 200);
  EXPECT_NE(resp->find("\r\n\r\nhello"), std::string::npos);
}

TEST_F(ServerTest, HalfRequestThenStallIsCutOffAfterReadTimeout) {
  ServerOptions o;
  o.read_timeout = 300ms;
  start(o);
  RawConnection c(port());
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-part"));
  auto all = c.read_all();
  EXPECT_TRUE(c.closed());  // the server closed the connection (the client never did)
  EXPECT_EQ(RawConnection::status_of(all), 0);  // and never handed the half request to a handler
}

TEST_F(ServerTest, AClientsEndArrivingWithTheLastBytesOfARequestIsSeenAtOnce) {
  ServerOptions o;
  o.read_timeout = 120s;  // a missed end would keep the connection waiting this long
  start(o);
  RawConnection c(port());
  ASSERT_TRUE(c.send("GET /header HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(c.read_response());  // the server now waits for the next request
  {
    Held held(ioc_);
    ASSERT_TRUE(c.send("GET /header HTTP/1.1\r\nHost: x\r\n"));  // a head cut short
    c.shutdown_send();                                           // and the client's end with it
  }
  auto rest = c.read_all();  // at most 20 s (the connection's receive timeout)
  EXPECT_TRUE(c.closed());   // the server closed at once, not after read_timeout
  EXPECT_NE(RawConnection::status_of(rest), 200);
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  ServerOptions o;
  o.idle_timeout = 200ms;
  start(o);
  RawConnection c(port());
  ASSERT_TRUE(c.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(c.read_response());
  auto rest = c.read_all();
  EXPECT_TRUE(rest.empty());
  EXPECT_TRUE(c.closed());
}

TEST_F(ServerTest, HandlerExceptionGives500AndConnectionSurvives) {
  start();
  RawConnection c(port());
  ASSERT_TRUE(c.send("GET /throw HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto resp = c.read_response();
  ASSERT_TRUE(resp);
  EXPECT_EQ(RawConnection::status_of(*resp), 500);
  ASSERT_TRUE(c.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(RawConnection::status_of(*next), 200);
}

TEST_F(ServerTest, HandlerTimeoutGives503) {
  ServerOptions o;
  o.handler_timeout = 200ms;
  start(o);
  RawConnection c(port());
  ASSERT_TRUE(c.send("GET /gate HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto resp = c.read_response();
  ASSERT_TRUE(resp);
  EXPECT_EQ(RawConnection::status_of(*resp), 503);
}

TEST_F(ServerTest, ConnectionsBeyondTheCapAreClosed) {
  ServerOptions o;
  o.max_connections = 1;
  start(o);
  RawConnection first(port());
  ASSERT_TRUE(first.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(first.read_response());  // the first connection is established and counted
  RawConnection second(port());
  second.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
  auto got = second.read_all();
  EXPECT_TRUE(got.empty());
  EXPECT_TRUE(second.closed());
}

TEST_F(ServerTest, ObserverSeesEveryAnsweredRequestIncludingRefusals) {
  ServerOptions o;
  o.body_limit = 1024;
  start(o);
  {
    RawConnection c(port());
    ASSERT_TRUE(c.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(c.read_response());
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
    ASSERT_TRUE(c.read_response());
  }
  std::lock_guard lock(mutex_);
  ASSERT_EQ(observed_.size(), 2u);
  EXPECT_EQ(observed_[0], 200);
  EXPECT_EQ(observed_[1], 413);
}

TEST_F(ServerTest, DrainLetsTheRequestInFlightFinishWithConnectionClose) {
  start();
  RawConnection busy(port());
  RawConnection idle(port());
  ASSERT_TRUE(idle.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(idle.read_response());
  ASSERT_TRUE(busy.send("GET /gate HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto entered = entered_.get_future();
  ASSERT_EQ(entered.wait_for(20s), std::future_status::ready);

  auto drained = asio::co_spawn(ioc_, server_->drain(20s), asio::use_future);
  // The idle keep-alive connection is closed by the drain.
  EXPECT_TRUE(idle.read_all().empty());
  EXPECT_TRUE(idle.closed());
  // The request in flight completes, with Connection: close.
  release_gate();
  auto resp = busy.read_response();
  ASSERT_TRUE(resp);
  EXPECT_EQ(RawConnection::status_of(*resp), 200);
  EXPECT_NE(resp->find("Connection: close"), std::string::npos);
  ASSERT_EQ(drained.wait_for(20s), std::future_status::ready);
  drained.get();
  EXPECT_EQ(server_->active_connections(), 0u);
  // No new connection is accepted after the drain.
  EXPECT_THROW(RawConnection late(port()), std::runtime_error);
  server_.reset();
}

TEST_F(ServerTest, StartFailsClearlyWhenThePortIsTaken) {
  start();
  ServerOptions o;
  o.port = port();
  HttpServer clash(ioc_, o, [](Request&) -> asio::awaitable<Response> { co_return Response{}; });
  EXPECT_THROW(clash.start(), std::runtime_error);
}

TEST_F(ServerTest, ServesTlsWithTheConfiguredCertificate) {
  char dir_template[] = "/tmp/hub-tls-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  std::filesystem::path dir = dir_template;
  auto cert = (dir / "cert.pem").string();
  auto key = (dir / "key.pem").string();
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost "
                    "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -days 1 -keyout " +
                    key + " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl CLI is needed for the TLS test";
  ServerOptions o;
  o.tls_cert_file = cert;
  o.tls_key_file = key;
  start(o);
  EXPECT_TRUE(server_->tls());

  hub::http::ClientOptions co;
  co.ca_file = cert;
  hub::http::HttpClient client(ioc_.get_executor(), co);
  hub::http::ClientRequest req;
  req.method = "POST";
  req.url = "https://127.0.0.1:" + std::to_string(port()) + "/echo";
  req.body = "over tls";
  auto result = asio::co_spawn(ioc_, client.request(req, std::chrono::steady_clock::now() + 20s), asio::use_future).get();
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.response.body, "over tls");

  // A plain-text client gets no HTTP answer from the TLS listener.
  RawConnection plain(port(), 5s);
  plain.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(RawConnection::status_of(plain.read_all()), 0);
  std::filesystem::remove_all(dir);
}

TEST(ServerConfig, MissingTlsKeyIsAStartupError) {
  hub::IoContext ioc;
  ServerOptions o;
  o.tls_cert_file = "/nonexistent/cert.pem";
  HttpServer s(ioc, o, [](Request&) -> asio::awaitable<Response> { co_return Response{}; });
  EXPECT_THROW(s.start(), std::runtime_error);
}

}  // namespace
