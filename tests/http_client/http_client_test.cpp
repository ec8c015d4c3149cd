// SPDX-License-Identifier: GPL-2.0-or-later
// HttpClient over real loopback sockets: round trips, keep-alive pool, the single stale retry,
// deadlines, status classification, limits, chunked answers, TLS verification, concurrency.
#include "test_server.hpp"

#include <hub/core/io_context.hpp>
#include <adapters/http_client.hpp>

#include <boost/asio.hpp>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
using hub::http::ClientOptions;
using hub::http::ClientRequest;
using hub::http::ClientResult;
using hub::http::HttpClient;
using hub::http::Outcome;
using hub::test::ReceivedRequest;
using hub::test::Script;
using hub::test::TestServer;
using namespace std::chrono_literals;

constexpr auto kGenerous = std::chrono::seconds(20);  // deadline for calls that must succeed

std::string header_of(const ReceivedRequest& r, std::string_view name) {
  return std::string(hub::http::find_header(r.headers, name));
}

Script ok_with(std::string body) {
  Script s;
  s.body = std::move(body);
  s.headers = {{"Content-Type", "text/plain"}};
  return s;
}

ClientRequest get(std::string url) {
  ClientRequest r;
  r.url = std::move(url);
  return r;
}

class HttpClientTest : public ::testing::Test {
 protected:
  /// Runs one request on the test's io_context until it completes.
  ClientResult call(HttpClient& client, ClientRequest req,
                    std::chrono::steady_clock::duration timeout = kGenerous) {
    std::optional<ClientResult> out;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    asio::co_spawn(
        ioc_,
        [&]() -> asio::awaitable<void> { out = co_await client.request(std::move(req), deadline); },
        asio::detached);
    ioc_.restart();
    ioc_.run();
    EXPECT_TRUE(out.has_value());
    return out.value_or(ClientResult{});
  }

  hub::IoContext ioc_;
};

TEST(ClassifyStatus, Table) {
  EXPECT_EQ(hub::http::classify_status(200), Outcome::ok);
  EXPECT_EQ(hub::http::classify_status(204), Outcome::ok);
  EXPECT_EQ(hub::http::classify_status(299), Outcome::ok);
  EXPECT_EQ(hub::http::classify_status(408), Outcome::retryable);
  EXPECT_EQ(hub::http::classify_status(429), Outcome::retryable);
  EXPECT_EQ(hub::http::classify_status(500), Outcome::retryable);
  EXPECT_EQ(hub::http::classify_status(503), Outcome::retryable);
  EXPECT_EQ(hub::http::classify_status(599), Outcome::retryable);
  EXPECT_EQ(hub::http::classify_status(400), Outcome::permanent);
  EXPECT_EQ(hub::http::classify_status(401), Outcome::permanent);
  EXPECT_EQ(hub::http::classify_status(404), Outcome::permanent);
  EXPECT_EQ(hub::http::classify_status(100), Outcome::permanent);
  EXPECT_EQ(hub::http::classify_status(301), Outcome::permanent);
  EXPECT_EQ(hub::http::classify_status(0), Outcome::permanent);
}

TEST_F(HttpClientTest, MalformedUrlsArePermanent) {
  HttpClient client(ioc_.get_executor(), {});
  for (const char* url : {"", "not a url", "ftp://127.0.0.1/", "http://", "http:///path", "http://host:0/",
                          "http://host:65536/", "http://host:12x/", "http://user@host/", "http://[::1/",
                          "http://[nonsense]/", "http://ho st/", "http://host/a b", "http://host/ocpi/2.2.1/sender/loc ations",
                          "http://host/ocpi/2.2.1/sender/locations\x7f?offset=0", "http://host/ocpi/2.2.1/x?a=1\tb"}) {
    auto r = call(client, get(url));
    EXPECT_EQ(r.outcome, Outcome::permanent) << url;
    EXPECT_EQ(r.status, 0) << url;
    EXPECT_FALSE(r.error.empty()) << url;
    EXPECT_TRUE(r.not_sendable) << url;  // no later attempt can do better
    EXPECT_TRUE(hub::http::url_problem(url).has_value()) << url;
  }
  // Host names as long as DNS allows are fine, longer ones are not.
  const std::string label(63, 'a');
  const std::string longest = label + "." + label + "." + label + "." + std::string(61, 'b');  // 253
  EXPECT_FALSE(hub::http::url_problem("https://" + longest + "/r").has_value());
  EXPECT_TRUE(hub::http::url_problem("https://" + longest + "b/r").has_value());
  EXPECT_TRUE(hub::http::url_problem("https://" + label + "a.example/r").has_value());
}

TEST_F(HttpClientTest, BadHeadersArePermanent) {
  HttpClient client(ioc_.get_executor(), {});
  auto req = get("http://127.0.0.1:1/");
  req.headers = {{"X-Evil", "a\r\nInjected: yes"}};
  EXPECT_EQ(call(client, req).outcome, Outcome::permanent);
  req.headers = {{"Bad Name", "v"}};
  EXPECT_EQ(call(client, req).outcome, Outcome::permanent);
  req.headers = {};
  req.method = "GE T";
  EXPECT_EQ(call(client, req).outcome, Outcome::permanent);
}

TEST_F(HttpClientTest, GetRoundTrip) {
  std::optional<ReceivedRequest> seen;
  TestServer server([&](const ReceivedRequest& r) {
    seen = r;
    return ok_with("hello");
  });
  ClientOptions options;
  options.user_agent = "hub-test/1";
  HttpClient client(ioc_.get_executor(), options);
  auto req = get(server.url("/ocpi/versions?x=1&y=%20"));
  req.headers = {{"Authorization", "Token abc"}, {"X-Request-ID", "r-1"}};
  auto r = call(client, req);
  ASSERT_EQ(r.outcome, Outcome::ok) << r.error;
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.response.status, 200);
  EXPECT_EQ(r.response.body, "hello");
  EXPECT_EQ(r.response.header("Content-Type"), "text/plain");
  EXPECT_EQ(r.response.content_type, "");  // an answer received keeps its fields in `headers`
  EXPECT_EQ(r.response.header("content-length"), "5");
  EXPECT_TRUE(r.error.empty());
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->method, "GET");
  EXPECT_EQ(seen->target, "/ocpi/versions?x=1&y=%20");
  EXPECT_EQ(header_of(*seen, "Host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(header_of(*seen, "User-Agent"), "hub-test/1");
  EXPECT_EQ(header_of(*seen, "Authorization"), "Token abc");
  EXPECT_EQ(header_of(*seen, "X-Request-ID"), "r-1");
  EXPECT_TRUE(seen->body.empty());
}

TEST(Iequals, IgnoresTheCaseOfLettersOnlyInEveryPosition) {
  using hub::http::iequals;
  const std::string name = "OCPI-from-country-code";  // 22 bytes: two words and a tail of six
  EXPECT_TRUE(iequals(name, name));
  EXPECT_TRUE(iequals(name, "ocpi-FROM-country-CODE"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals(name, "OCPI-from-country-cod"));
  for (std::size_t i = 0; i < name.size(); ++i) {
    std::string other = name;
    other[i] = static_cast<char>(other[i] ^ 0x20);  // the other case of a letter, else not equal
    const bool letter = (name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= 'a' && name[i] <= 'z');
    EXPECT_EQ(iequals(name, other), letter) << i;
    other = name;
    other[i] = static_cast<char>(other[i] + 1);
    EXPECT_FALSE(iequals(name, other)) << i;
  }
  // Bytes 0x20 apart that are not letters: '@' and '`', '[' and '{', 0xC1 and 0xE1.
  EXPECT_FALSE(iequals("a@b", "a`b"));
  EXPECT_FALSE(iequals("0123456[", "0123456{"));
  EXPECT_FALSE(iequals("\xC1", "\xE1"));
}

TEST(FieldList, KeepsFieldsInOrderFromOneBlockOrOneByOne) {
  // A parser's block: fields found as views into it, the block copied once at the end.
  const std::string block = "Host: h\r\nX-Request-ID: r-1\r\nX-Empty: \r\nx-request-id: r-2\r\n\r\n";
  hub::http::FieldList fields{{"Stale", "from the previous request"}};
  {
    hub::http::FieldList::BlockWriter w(fields, block.data());
    const std::string_view b(block);
    w.field(b.substr(0, 4), b.substr(6, 1));
    w.field(b.substr(9, 12), b.substr(23, 3));
    w.field(b.substr(28, 7), b.substr(37, 0));
    w.field(b.substr(39, 12), b.substr(53, 3));
    w.finish(block.data() + block.size() - 2);
  }
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0], (hub::http::FieldList::value_type{"Host", "h"}));
  EXPECT_EQ(fields[2], (hub::http::FieldList::value_type{"X-Empty", ""}));
  EXPECT_EQ(fields.find("x-REQUEST-id"), "r-1");  // the first of a repeated field
  EXPECT_EQ(fields.find("X-Empty"), "");
  EXPECT_EQ(fields.find("Stale"), "");
  // One by one, as Beast's path adds them: the same fields.
  hub::http::FieldList added;
  for (const auto& [name, value] : fields) {
    added.add(name, value);
  }
  EXPECT_EQ(added, fields);
  EXPECT_EQ(added.to_headers(), (hub::http::Headers{{"Host", "h"}, {"X-Request-ID", "r-1"}, {"X-Empty", ""},
                                                    {"x-request-id", "r-2"}}));
  added.add("Extra", "1");
  EXPECT_FALSE(added == fields);
  // A field copied from the list itself, as the text grows under it.
  for (int i = 0; i < 64; ++i) {
    const auto [name, value] = added[added.size() - 1];
    added.add(name, value);
  }
  EXPECT_EQ(added[added.size() - 1], (hub::http::FieldList::value_type{"Extra", "1"}));
  EXPECT_EQ(added.size(), 5u + 64u);
  // Offsets, not pointers: a copy reads its own text, whatever becomes of the original.
  auto original = std::make_unique<hub::http::FieldList>(fields);
  hub::http::FieldList copy = *original;
  original->clear();
  original->add("Host", "overwritten");
  original.reset();
  EXPECT_EQ(copy.find("Host"), "h");
  EXPECT_EQ(copy.find("x-request-id"), "r-1");
  // release() frees the storage a large request left; clear() keeps it for the next one.
  hub::http::FieldList large;
  large.add("X-Big", std::string(16 << 10, 'v'));
  const auto held = large.capacity_bytes();
  large.clear();
  EXPECT_EQ(large.capacity_bytes(), held);
  large.release();
  EXPECT_TRUE(large.empty());
  EXPECT_LT(large.capacity_bytes(), 64u);
}

TEST(FieldBlock, TakesOnlyFieldsThatCannotSplitTheHeadNorFramingOnes) {
  hub::http::FieldBlock b;
  EXPECT_TRUE(b.empty());
  EXPECT_TRUE(b.add("X-Request-ID", "r-1"));
  EXPECT_TRUE(b.add("OCPI-to-party-id", "MSP"));
  EXPECT_TRUE(b.add("X-Empty", ""));
  EXPECT_FALSE(b.add("X-Bad", "a\r\nInjected: yes"));
  EXPECT_FALSE(b.add("X-Nul", std::string_view("a\0b", 3)));
  EXPECT_FALSE(b.add("content-length", "5"));
  EXPECT_FALSE(b.add("Transfer-Encoding", "chunked"));
  EXPECT_FALSE(b.add("CONNECTION", "close"));
  EXPECT_FALSE(b.add("Host", "elsewhere"));
  EXPECT_FALSE(b.has_user_agent());
  EXPECT_TRUE(b.has_request_id());
  // Names known only at run time are checked as they are added (a literal that is not a token
  // does not compile with add()).
  EXPECT_FALSE(b.add_named("Bad Name", "v"));
  EXPECT_FALSE(b.add_named("", "v"));
  EXPECT_FALSE(b.add_named("X-Ok", "a\nb"));
  EXPECT_FALSE(b.add_named("content-LENGTH", "5"));
  EXPECT_FALSE(b.add_named("host", "elsewhere"));
  EXPECT_TRUE(b.add_named("user-agent", "t/1"));
  EXPECT_TRUE(b.has_user_agent());
  EXPECT_EQ(b.wire(), "X-Request-ID: r-1\r\nOCPI-to-party-id: MSP\r\nX-Empty: \r\nuser-agent: t/1\r\n");
  EXPECT_EQ(b.find("x-request-id"), "r-1");
  EXPECT_EQ(b.find("OCPI-TO-PARTY-ID"), "MSP");
  EXPECT_EQ(b.find("X-Empty"), "");
  EXPECT_EQ(b.find("X-Bad"), "");
  EXPECT_EQ(b.find("X-Request"), "");
  hub::http::FieldBlock moved(std::move(b));
  EXPECT_TRUE(moved.has_request_id());
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty, flags too
  EXPECT_FALSE(b.has_request_id());
  EXPECT_FALSE(b.has_user_agent());
  // Another block's fields, as they are, with its flags.
  hub::http::FieldBlock all;
  EXPECT_TRUE(all.add("Authorization", "Token t"));
  all.add_all(moved);
  EXPECT_EQ(all.wire(), "Authorization: Token t\r\nX-Request-ID: r-1\r\nOCPI-to-party-id: MSP\r\nX-Empty: \r\nuser-agent: t/1\r\n");
  EXPECT_TRUE(all.has_request_id());
  EXPECT_TRUE(all.has_user_agent());
  const std::string before(all.wire());
  all.add_all(hub::http::FieldBlock());
  EXPECT_EQ(all.wire(), before);
  hub::http::Response r;
  r.headers = {{"Link", "<u>"}};
  r.fields.add("Link", "<v>");
  r.fields.add("X-Limit", "10");
  EXPECT_EQ(r.header("link"), "<u>");  // headers first
  EXPECT_EQ(r.header("x-limit"), "10");
}

TEST_F(HttpClientTest, FieldBlockIsSentAfterTheHeaders) {
  std::optional<ReceivedRequest> seen;
  TestServer server([&](const ReceivedRequest& r) {
    seen = r;
    return ok_with("x");
  });
  ClientOptions options;
  options.user_agent = "hub-test/1";
  HttpClient client(ioc_.get_executor(), options);
  auto req = get(server.url("/f"));
  req.headers = {{"Accept", "application/json"}};
  ASSERT_TRUE(req.fields.add("X-Request-ID", "r-2"));
  ASSERT_TRUE(req.fields.add("User-Agent", "own/2"));
  auto r = call(client, req);
  ASSERT_EQ(r.outcome, Outcome::ok) << r.error;
  ASSERT_TRUE(seen.has_value());
  ASSERT_EQ(seen->headers.size(), 4u);  // Accept, the block's two, Host; no second User-Agent
  EXPECT_EQ(seen->headers[0].first, "Accept");
  EXPECT_EQ(seen->headers[1].first, "X-Request-ID");
  EXPECT_EQ(seen->headers[1].second, "r-2");
  EXPECT_EQ(seen->headers[2].first, "User-Agent");
  EXPECT_EQ(seen->headers[2].second, "own/2");
  EXPECT_EQ(seen->headers[3].first, "Host");
}

TEST_F(HttpClientTest, PostRoundTripSetsContentLength) {
  std::optional<ReceivedRequest> seen;
  TestServer server([&](const ReceivedRequest& r) {
    seen = r;
    Script s = ok_with("{\"echo\":" + r.body + "}");
    s.status = 201;
    s.headers = {{"Content-Type", "application/json"}, {"Location", "/x/1"}};
    return s;
  });
  HttpClient client(ioc_.get_executor(), {});
  ClientRequest req;
  req.method = "POST";
  req.url = server.url("/cdrs");
  req.headers = {{"Content-Type", "application/json"}, {"Content-Length", "999"}};
  req.body = R"({"id":"c1"})";
  auto r = call(client, req);
  ASSERT_EQ(r.outcome, Outcome::ok) << r.error;
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.response.body, R"({"echo":{"id":"c1"}})");
  EXPECT_EQ(r.response.header("location"), "/x/1");
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->method, "POST");
  EXPECT_EQ(seen->body, R"({"id":"c1"})");
  EXPECT_EQ(header_of(*seen, "Content-Length"), "11");
  EXPECT_EQ(header_of(*seen, "Content-Type"), "application/json");
  EXPECT_EQ(header_of(*seen, "User-Agent"), "roaming-hub");
}

TEST_F(HttpClientTest, KeepAliveReusesOneConnection) {
  TestServer server([](const ReceivedRequest& r) { return ok_with("n" + std::to_string(r.connection)); });
  HttpClient client(ioc_.get_executor(), {});
  auto first = call(client, get(server.url("/a")));
  ASSERT_EQ(first.outcome, Outcome::ok) << first.error;
  EXPECT_EQ(client.idle_connections(), 1u);
  auto second = call(client, get(server.url("/b")));
  ASSERT_EQ(second.outcome, Outcome::ok) << second.error;
  EXPECT_EQ(server.accepted(), 1u);
  EXPECT_EQ(server.requests(), 2u);
  EXPECT_EQ(second.response.body, "n1");
  EXPECT_EQ(client.idle_connections(), 1u);
}

TEST_F(HttpClientTest, ConnectionCloseIsNotPooled) {
  TestServer server([](const ReceivedRequest&) { return ok_with("x"); });
  HttpClient client(ioc_.get_executor(), {});
  auto req = get(server.url("/"));
  req.headers = {{"Connection", "close"}};
  ASSERT_EQ(call(client, req).outcome, Outcome::ok);
  EXPECT_EQ(client.idle_connections(), 0u);
  ASSERT_EQ(call(client, req).outcome, Outcome::ok);
  EXPECT_EQ(server.accepted(), 2u);
}

TEST_F(HttpClientTest, ZeroIdleTimeoutDisablesPooling) {
  TestServer server([](const ReceivedRequest&) { return ok_with("x"); });
  ClientOptions options;
  options.idle_timeout = 0ms;
  HttpClient client(ioc_.get_executor(), options);
  ASSERT_EQ(call(client, get(server.url("/"))).outcome, Outcome::ok);
  ASSERT_EQ(call(client, get(server.url("/"))).outcome, Outcome::ok);
  EXPECT_EQ(server.accepted(), 2u);
  EXPECT_EQ(client.idle_connections(), 0u);
}

TEST_F(HttpClientTest, StalePooledConnectionIsRetriedOnceOnAFreshOne) {
  TestServer server([](const ReceivedRequest& r) {
    Script s = ok_with("c" + std::to_string(r.connection));
    s.close_after = r.connection == 1;  // answers with keep-alive, then closes silently
    return s;
  });
  HttpClient client(ioc_.get_executor(), {});
  auto first = call(client, get(server.url("/")));
  ASSERT_EQ(first.outcome, Outcome::ok) << first.error;
  EXPECT_EQ(client.idle_connections(), 1u);
  auto second = call(client, get(server.url("/")));
  ASSERT_EQ(second.outcome, Outcome::ok) << second.error;
  EXPECT_EQ(second.response.body, "c2");
  EXPECT_EQ(server.accepted(), 2u);
  EXPECT_EQ(server.requests(), 2u);
}

TEST_F(HttpClientTest, PartialAnswerIsNotResent) {
  TestServer server([](const ReceivedRequest&) {
    Script s;
    s.raw = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a part";
    s.close_after = true;
    return s;
  });
  HttpClient client(ioc_.get_executor(), {});
  ClientRequest req;
  req.method = "POST";
  req.url = server.url("/commands");
  req.body = "{}";
  auto r = call(client, req);
  EXPECT_EQ(r.outcome, Outcome::retryable);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(server.requests(), 1u);
  EXPECT_EQ(client.idle_connections(), 0u);
}

TEST_F(HttpClientTest, ConnectionRefusedIsRetryable) {
  std::uint16_t port = 0;
  {
    asio::ip::tcp::acceptor probe(ioc_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = probe.local_endpoint().port();
  }
  HttpClient client(ioc_.get_executor(), {});
  auto r = call(client, get("http://127.0.0.1:" + std::to_string(port) + "/"));
  EXPECT_EQ(r.outcome, Outcome::retryable);
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.error.empty());
}

TEST_F(HttpClientTest, SilentServerFailsRetryableAtTheDeadline) {
  TestServer server([](const ReceivedRequest&) {
    Script s;
    s.hang = true;
    return s;
  });
  HttpClient client(ioc_.get_executor(), {});
  auto r = call(client, get(server.url("/slow")), 200ms);
  EXPECT_EQ(r.outcome, Outcome::retryable);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(client.idle_connections(), 0u);
  EXPECT_EQ(server.requests(), 1u);
}

TEST_F(HttpClientTest, ExpiredDeadlineIsRetryable) {
  TestServer server([](const ReceivedRequest&) { return ok_with("x"); });
  HttpClient client(ioc_.get_executor(), {});
  auto r = call(client, get(server.url("/")), -1s);
  EXPECT_EQ(r.outcome, Outcome::retryable);
  EXPECT_EQ(server.requests(), 0u);
}

TEST_F(HttpClientTest, ServiceUnavailableWithRetryAfter) {
  TestServer server([](const ReceivedRequest&) {
    Script s;
    s.status = 503;
    s.headers = {{"Retry-After", "7"}};
    return s;
  });
  HttpClient client(ioc_.get_executor(), {});
  auto r = call(client, get(server.url("/")));
  EXPECT_EQ(r.outcome, Outcome::retryable);
  EXPECT_EQ(r.status, 503);
  ASSERT_TRUE(r.retry_after.has_value());
  EXPECT_EQ(*r.retry_after, 7s);
  EXPECT_FALSE(r.error.empty());
  EXPECT_EQ(client.idle_connections(), 1u);  // an error status still leaves a usable connection
}

TEST_F(HttpClientTest, RetryAfterDateFormIsIgnored) {
  TestServer server([](const ReceivedRequest&) {
    Script s;
    s.status = 429;
    s.headers = {{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}};
    return s;
  });
  HttpClient client(ioc_.get_executor(), {});
  auto r = call(client, get(server.url("/")));
  EXPECT_EQ(r.outcome, Outcome::retryable);
  EXPECT_EQ(r.status, 429);
  EXPECT_FALSE(r.retry_after.has_value());
}

TEST_F(HttpClientTest, StatusClassificationOverTheWire) {
  int next_status = 0;
  TestServer server([&](const ReceivedRequest&) {
    Script s = ok_with(next_status == 204 ? "" : "{}");  // 204 carries no body
    s.status = next_status;
    return s;
  });
  HttpClient client(ioc_.get_executor(), {});
  struct Case {
    int status;
    Outcome outcome;
  };
  for (auto [status, outcome] : {Case{404, Outcome::permanent}, Case{429, Outcome::retryable},
                                 Case{400, Outcome::permanent}, Case{408, Outcome::retryable},
                                 Case{500, Outcome::retryable}, Case{204, Outcome::ok}}) {
    next_status = status;
    auto r = call(client, get(server.url("/")));
    EXPECT_EQ(r.outcome, outcome) << status;
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(r.response.status, status);
  }
}

TEST_F(HttpClientTest, BodyOverLimitIsPermanent) {
  TestServer server([](const ReceivedRequest&) { return ok_with(std::string(4096, 'x')); });
  ClientOptions options;
  options.max_response_body = 1024;
  HttpClient client(ioc_.get_executor(), options);
  auto r = call(client, get(server.url("/")));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(client.idle_connections(), 0u);
}

TEST_F(HttpClientTest, HeaderOverLimitIsPermanent) {
  TestServer server([](const ReceivedRequest&) {
    Script s = ok_with("x");
    s.headers.emplace_back("X-Big", std::string(2048, 'h'));
    return s;
  });
  ClientOptions options;
  options.max_response_header = 512;
  HttpClient client(ioc_.get_executor(), options);
  EXPECT_EQ(call(client, get(server.url("/"))).outcome, Outcome::permanent);
}

TEST_F(HttpClientTest, MalformedAnswerIsPermanent) {
  TestServer server([](const ReceivedRequest&) {
    Script s;
    s.raw = "HTTP/1.1 abc Nonsense\r\n\r\n";
    s.close_after = true;
    return s;
  });
  HttpClient client(ioc_.get_executor(), {});
  EXPECT_EQ(call(client, get(server.url("/"))).outcome, Outcome::permanent);
}

TEST_F(HttpClientTest, ChunkedAnswerIsReassembled) {
  TestServer server([](const ReceivedRequest&) {
    Script s;
    s.raw =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nX-Total-Count: 7\r\n\r\n"
        "5\r\n{\"a\":\r\n"
        "3;ext=1\r\n123\r\n"
        "1\r\n}\r\n"
        "0\r\n\r\n";
    return s;
  });
  HttpClient client(ioc_.get_executor(), {});
  auto r = call(client, get(server.url("/")));
  ASSERT_EQ(r.outcome, Outcome::ok) << r.error;
  EXPECT_EQ(r.response.body, "{\"a\":123}");
  // Beast's path (a chunked answer) gives the fields too.
  EXPECT_EQ(r.response.header("x-total-count"), "7");
  EXPECT_EQ(r.response.header("Content-Type"), "application/json");
  EXPECT_EQ(client.idle_connections(), 1u);
  ASSERT_EQ(call(client, get(server.url("/"))).outcome, Outcome::ok);
  EXPECT_EQ(server.accepted(), 1u);
}

TEST_F(HttpClientTest, InterimContinueIsSkipped) {
  TestServer server([](const ReceivedRequest&) {
    Script s;
    s.raw = "HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok";
    return s;
  });
  HttpClient client(ioc_.get_executor(), {});
  auto r = call(client, get(server.url("/")));
  ASSERT_EQ(r.outcome, Outcome::ok) << r.error;
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.response.body, "ok");
  EXPECT_EQ(r.response.header("X-Interim"), "");  // the interim answer's fields are not the answer's
  EXPECT_EQ(r.response.header("Content-Length"), "2");
}

TEST_F(HttpClientTest, EndlessInterimAnswersStatusesOutsideHttpAndUnaskedCodingsAreNoAnswer) {
  std::string interims;
  for (int i = 0; i < 20; ++i) {
    interims += "HTTP/1.1 100 Continue\r\n\r\n";
  }
  for (const std::string& raw : {interims + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                                std::string("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n"),
                                std::string("HTTP/1.1 999 Odd\r\nContent-Length: 2\r\n\r\nok"),
                                std::string("HTTP/1.1 099 Odd\r\nContent-Length: 2\r\n\r\nok"),
                                // a coding the client never asked for, left undecoded
                                std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")}) {
    TestServer server([&raw](const ReceivedRequest&) {
      Script s;
      s.raw = raw;
      return s;
    });
    HttpClient client(ioc_.get_executor(), {});
    auto r = call(client, get(server.url("/")));
    EXPECT_EQ(r.outcome, Outcome::permanent) << raw.substr(0, 40);
    EXPECT_EQ(r.status, 0) << raw.substr(0, 40);  // nothing a caller could pass on as an answer
    EXPECT_FALSE(r.error.empty());
  }
}

ClientOptions one_thread();

/// A listening loopback socket on a port the kernel chose, for tests that script a server's
/// bytes and their timing exactly (TestServer answers from its own thread at its own pace).
class RawListener {
 public:
  RawListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 4) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("cannot listen on loopback");
    }
    port_ = ntohs(addr.sin_port);
  }
  ~RawListener() { ::close(fd_); }
  RawListener(const RawListener&) = delete;
  RawListener& operator=(const RawListener&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
  /// Accepts one connection and reads one request head from it (20 s at most); -1 once stopped.
  int accept_request() {
    int fd = ::accept(fd_, nullptr, nullptr);
    timeval limit{20, 0};  // a client that never sends a whole request cannot hold the thread
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    std::string in;
    char buf[4096];
    while (fd >= 0 && in.find("\r\n\r\n") == std::string::npos) {
      auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) {
        break;
      }
      in.append(buf, static_cast<std::size_t>(n));
    }
    return fd;
  }
  /// Ends a wait in accept_request.
  void stop() { ::shutdown(fd_, SHUT_RDWR); }

  static void send(int fd, const std::string& bytes) {
    (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

TEST_F(HttpClientTest, AnAnswerEndedByTheServersCloseIsCompleteWhenTheEndCameWithItsLastBytes) {
  // A one-shot server: reads the request, and writes an answer framed by its close only when
  // told, while the client's io_context runs nothing (this test thread drives it), so the
  // answer and the end of stream reach the client's reactor as one readiness event.
  RawListener listener;
  std::promise<void> got_request, answer, answered;
  auto told = answer.get_future();
  std::thread server([&] {
    const int fd = listener.accept_request();
    got_request.set_value();
    told.wait();
    if (fd >= 0) {
      RawListener::send(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nuntil-close");
      ::close(fd);
    }
    answered.set_value();
  });
  HttpClient client(ioc_.get_executor(), one_thread());
  std::optional<ClientResult> r;
  asio::co_spawn(
      ioc_, [&]() -> asio::awaitable<void> {
        r = co_await client.request(get(listener.url()), std::chrono::steady_clock::now() + kGenerous);
      },
      asio::detached);
  // Run the client until the server has the request: the client has sent it and waits for
  // the answer (it sends and starts reading in one step of this thread).
  auto request_seen = got_request.get_future();
  const auto until = std::chrono::steady_clock::now() + kGenerous;
  while (request_seen.wait_for(0s) != std::future_status::ready && std::chrono::steady_clock::now() < until) {
    ioc_.run_one_for(100ms);
  }
  if (request_seen.wait_for(0s) != std::future_status::ready) {
    listener.stop();
    answer.set_value();
    server.join();
    FAIL() << "the request never reached the server";
  }
  answer.set_value();
  answered.get_future().wait();
  while (!r && ioc_.run_one() > 0) {
  }
  server.join();
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->outcome, Outcome::ok) << r->error;  // at once, not at the 20 s deadline
  EXPECT_EQ(r->response.body, "until-close");
}

TEST_F(HttpClientTest, APooledConnectionThatEndedOrGotUnaskedBytesIsNotReused) {
  // The server's end of stream arriving with an answer (the reactor reports no further event),
  // and bytes arriving unasked between two calls: neither connection may carry the next call.
  for (const bool unasked : {true, false}) {
    SCOPED_TRACE(unasked ? "unasked bytes" : "end of stream with the answer");
    RawListener listener;
    const std::string url = listener.url();
    std::promise<void> got_first, answer_first, first_answered, send_extra, extra_sent;
    auto answer_wanted = answer_first.get_future();
    auto extra_wanted = send_extra.get_future();
    std::atomic<int> accepted{0};
    auto serve_one = [&accepted, &listener]() {
      const int fd = listener.accept_request();
      accepted += fd >= 0 ? 1 : 0;
      return fd;
    };
    auto say = &RawListener::send;
    std::thread server([&] {
      int first = serve_one();
      got_first.set_value();
      answer_wanted.wait();
      say(first, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nR1");
      if (!unasked) {
        ::shutdown(first, SHUT_WR);  // sent with the answer, before the client's reactor runs
      }
      first_answered.set_value();
      if (unasked) {
        extra_wanted.wait();
        say(first, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nEXTRA");
        extra_sent.set_value();
      }
      int second = serve_one();
      say(second, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nR2");
      ::close(second);
      ::close(first);
    });
    HttpClient client(ioc_.get_executor(), one_thread());
    auto deadline = std::chrono::steady_clock::now() + 3s;  // a reused, ended connection waits this long
    std::optional<ClientResult> r1;
    asio::co_spawn(
        ioc_, [&]() -> asio::awaitable<void> { r1 = co_await client.request(get(url), deadline); }, asio::detached);
    // Run the client until the server has the request (the client then waits for the answer),
    // and let the answer (and end) arrive while this thread runs nothing.
    auto request_seen = got_first.get_future();
    ioc_.restart();
    const auto until = std::chrono::steady_clock::now() + kGenerous;
    while (request_seen.wait_for(0s) != std::future_status::ready && std::chrono::steady_clock::now() < until) {
      ioc_.run_one_for(100ms);
    }
    if (request_seen.wait_for(0s) != std::future_status::ready) {
      listener.stop();  // the server thread goes through its steps without a connection
    }
    answer_first.set_value();
    first_answered.get_future().wait();
    while (!r1 && ioc_.run_one() > 0) {
    }
    const bool first_ok = r1 && r1->ok() && r1->response.body == "R1";
    EXPECT_TRUE(first_ok) << (r1 ? r1->error : "no result");
    EXPECT_EQ(client.idle_connections(), first_ok ? 1u : 0u);
    if (unasked) {
      send_extra.set_value();
      extra_sent.get_future().wait();  // on loopback the bytes are in the client's socket now
    }
    std::optional<ClientResult> r2;
    if (first_ok) {
      r2 = call(client, get(url), 3s);
    }
    listener.stop();  // a server still waiting for the second connection stops
    server.join();    // before any assertion may end the test
    ASSERT_TRUE(r2.has_value());
    ASSERT_EQ(r2->outcome, Outcome::ok) << r2->error;
    EXPECT_EQ(r2->response.body, "R2");
    EXPECT_EQ(accepted.load(), 2);
  }
}

TEST_F(HttpClientTest, Ipv6LiteralWhenAvailable) {
  std::unique_ptr<TestServer> server;
  try {
    server = std::make_unique<TestServer>([](const ReceivedRequest&) { return ok_with("v6"); }, "", "", "::1");
  } catch (const std::exception&) {
    GTEST_SKIP() << "no IPv6 loopback here";
  }
  HttpClient client(ioc_.get_executor(), {});
  auto r = call(client, get(server->url("/six")));
  ASSERT_EQ(r.outcome, Outcome::ok) << r.error;
  EXPECT_EQ(r.response.body, "v6");
}

TEST_F(HttpClientTest, ConcurrentRequestsFromManyExecutors) {
  TestServer server([](const ReceivedRequest& r) { return ok_with(r.target); });
  HttpClient client(ioc_.get_executor(), {});
  constexpr int kCalls = 50;
  std::vector<std::optional<ClientResult>> results(kCalls);
  auto deadline = std::chrono::steady_clock::now() + kGenerous;
  for (int i = 0; i < kCalls; ++i) {
    asio::co_spawn(
        asio::make_strand(ioc_),
        [&, i]() -> asio::awaitable<void> {
          results[i] = co_await client.request(get(server.url("/n/" + std::to_string(i))), deadline);
        },
        asio::detached);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this] { ioc_.run(); });
  }
  for (auto& t : threads) {
    t.join();
  }
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_TRUE(results[i].has_value()) << i;
    EXPECT_EQ(results[i]->outcome, Outcome::ok) << i << " " << results[i]->error;
    EXPECT_EQ(results[i]->response.body, "/n/" + std::to_string(i));
  }
  EXPECT_EQ(server.requests(), static_cast<std::size_t>(kCalls));
  EXPECT_LE(client.idle_connections(), ClientOptions{}.max_idle_per_host);
  EXPECT_LE(server.accepted(), static_cast<std::size_t>(kCalls));
}

// --- One thread: one deadline timer for all calls ----------------------------------------------

ClientOptions one_thread() {
  ClientOptions o;
  o.single_thread = true;
  return o;
}

TEST_F(HttpClientTest, OneThreadClientReusesItsConnectionAndLeavesNoWaitBehind) {
  TestServer server([](const ReceivedRequest& r) { return ok_with(r.target); });
  HttpClient client(ioc_.get_executor(), one_thread());
  for (int i = 0; i < 3; ++i) {
    std::optional<ClientResult> r;
    asio::co_spawn(
        ioc_, [&]() -> asio::awaitable<void> {
          r = co_await client.request(get(server.url("/n/" + std::to_string(i))),
                                      std::chrono::steady_clock::now() + kGenerous);
        },
        asio::detached);
    ioc_.restart();
    while (!r && ioc_.run_one() > 0) {
    }
    ASSERT_TRUE(r.has_value());
    ASSERT_EQ(r->outcome, Outcome::ok) << r->error;
    EXPECT_EQ(r->response.body, "/n/" + std::to_string(i));
    // No call left, so no deadline wait either: what is ready runs and the context is out of
    // work (a wait for the 20 s deadline would keep it going).
    ioc_.poll();
    EXPECT_TRUE(ioc_.stopped());
  }
  EXPECT_EQ(server.accepted(), 1u);
  EXPECT_EQ(client.idle_connections(), 1u);
}

TEST(HttpClientLifetime, OneThreadClientNeverUsedMayOutliveItsContext) {
  // A client that made no call owns no I/O object (its deadline timer comes with its first
  // connection), so its context may go first.
  auto ioc = std::make_unique<hub::IoContext>();
  HttpClient client(ioc->get_executor(), one_thread());
  ioc.reset();
  EXPECT_EQ(client.idle_connections(), 0u);
}

TEST_F(HttpClientTest, OneThreadClientExpiresEachCallAtItsOwnDeadline) {
  TestServer server([](const ReceivedRequest& r) {
    Script s = ok_with(r.target);
    s.hang = r.target != "/fast";
    return s;
  });
  HttpClient client(ioc_.get_executor(), one_thread());
  // The later deadline is registered first, so the earlier one has to move the shared timer
  // forward; after it fires the timer has to be set again for the later one.
  const auto now = std::chrono::steady_clock::now();
  std::optional<ClientResult> late, early, fast;
  auto spawn = [&](std::optional<ClientResult>& out, std::string path, std::chrono::steady_clock::time_point at) {
    asio::co_spawn(
        ioc_, [&out, &client, url = server.url(path), at]() -> asio::awaitable<void> {
          out = co_await client.request(get(url), at);
        },
        asio::detached);
  };
  spawn(late, "/late", now + 400ms);
  spawn(early, "/early", now + 150ms);
  spawn(fast, "/fast", now + kGenerous);
  // The server never answers the two: only their deadlines end them.
  while (!(late && early && fast) && ioc_.run_one() > 0) {
  }
  ASSERT_TRUE(late && early && fast);
  EXPECT_EQ(fast->outcome, Outcome::ok) << fast->error;
  EXPECT_EQ(early->outcome, Outcome::retryable);
  EXPECT_EQ(early->status, 0);
  EXPECT_EQ(late->outcome, Outcome::retryable);
  EXPECT_EQ(late->status, 0);
  EXPECT_EQ(client.idle_connections(), 1u);  // only the answered call's connection is pooled
  EXPECT_EQ(server.requests(), 3u);
}

// --- TLS -------------------------------------------------------------------------------------

class HttpsClientTest : public HttpClientTest {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/hub-http-client-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    ASSERT_TRUE(make_cert("good", "subjectAltName=DNS:localhost,IP:127.0.0.1"));
    ASSERT_TRUE(make_cert("other", "subjectAltName=DNS:other.invalid"));
  }

  static void TearDownTestSuite() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  static bool make_cert(const std::string& name, const std::string& san) {
    std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -addext " + san +
                      " -days 1 -keyout " + key(name) + " -out " + cert(name) + " >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0 && std::filesystem::exists(cert(name));
  }

  static std::string cert(const std::string& name) { return dir_ + "/" + name + ".crt"; }
  static std::string key(const std::string& name) { return dir_ + "/" + name + ".key"; }

  static ClientOptions trusting(const std::string& name) {
    ClientOptions options;
    options.ca_file = cert(name);
    return options;
  }

  static inline std::string dir_;
};

TEST_F(HttpsClientTest, TrustedCertificateSucceedsAndIsReused) {
  TestServer server([](const ReceivedRequest& r) { return ok_with("tls " + r.target); }, cert("good"), key("good"));
  HttpClient client(ioc_.get_executor(), trusting("good"));
  auto r = call(client, get(server.url("/a")));
  ASSERT_EQ(r.outcome, Outcome::ok) << r.error;
  EXPECT_EQ(r.response.body, "tls /a");
  ClientRequest post;
  post.method = "POST";
  post.url = server.url("/b");
  post.body = "payload";
  auto second = call(client, post);
  ASSERT_EQ(second.outcome, Outcome::ok) << second.error;
  EXPECT_EQ(second.response.body, "tls /b");
  EXPECT_EQ(server.accepted(), 1u);
}

TEST_F(HttpsClientTest, HostNameWithSni) {
  TestServer server([](const ReceivedRequest& r) { return ok_with(header_of(r, "Host")); }, cert("good"),
                    key("good"));
  HttpClient client(ioc_.get_executor(), trusting("good"));
  auto r = call(client, get("https://localhost:" + std::to_string(server.port()) + "/"));
  ASSERT_EQ(r.outcome, Outcome::ok) << r.error;
  EXPECT_EQ(r.response.body, "localhost:" + std::to_string(server.port()));
}

TEST_F(HttpsClientTest, UntrustedCertificateIsPermanent) {
  TestServer server([](const ReceivedRequest&) { return ok_with("x"); }, cert("good"), key("good"));
  HttpClient client(ioc_.get_executor(), {});
  auto r = call(client, get(server.url("/")));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(server.requests(), 0u);
}

TEST_F(HttpsClientTest, HostNameMismatchIsPermanent) {
  TestServer server([](const ReceivedRequest&) { return ok_with("x"); }, cert("other"), key("other"));
  HttpClient client(ioc_.get_executor(), trusting("other"));
  auto r = call(client, get(server.url("/")));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(server.requests(), 0u);
}

TEST_F(HttpsClientTest, VerificationCanBeDisabled) {
  TestServer server([](const ReceivedRequest&) { return ok_with("x"); }, cert("other"), key("other"));
  ClientOptions options;
  options.verify_peer = false;
  HttpClient client(ioc_.get_executor(), options);
  EXPECT_EQ(call(client, get(server.url("/"))).outcome, Outcome::ok);
}

TEST_F(HttpsClientTest, MissingCaFileIsPermanent) {
  ClientOptions options;
  options.ca_file = dir_ + "/does-not-exist.pem";
  HttpClient client(ioc_.get_executor(), options);
  EXPECT_EQ(call(client, get("https://127.0.0.1:1/")).outcome, Outcome::permanent);
}

TEST_F(HttpsClientTest, ConcurrentTlsRequests) {
  TestServer server([](const ReceivedRequest& r) { return ok_with(r.target); }, cert("good"), key("good"));
  HttpClient client(ioc_.get_executor(), trusting("good"));
  constexpr int kCalls = 20;
  std::vector<std::optional<ClientResult>> results(kCalls);
  auto deadline = std::chrono::steady_clock::now() + kGenerous;
  for (int i = 0; i < kCalls; ++i) {
    asio::co_spawn(
        asio::make_strand(ioc_),
        [&, i]() -> asio::awaitable<void> {
          results[i] = co_await client.request(get(server.url("/t/" + std::to_string(i))), deadline);
        },
        asio::detached);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([this] { ioc_.run(); });
  }
  for (auto& t : threads) {
    t.join();
  }
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_TRUE(results[i].has_value()) << i;
    EXPECT_EQ(results[i]->outcome, Outcome::ok) << i << " " << results[i]->error;
    EXPECT_EQ(results[i]->response.body, "/t/" + std::to_string(i));
  }
}

}  // namespace
