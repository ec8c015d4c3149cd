// SPDX-License-Identifier: GPL-2.0-or-later
// The fast path of the HTTP head parsers (wire::RequestParser / ResponseParser::parse_fast)
// against Beast's parser: whatever the fast path takes as a whole message, Beast must read the
// same way (same bytes, method or status, target, fields, body, version, keep-alive). Checked on
// hand-written messages, on every prefix of them (the fast path may only say "incomplete"
// where Beast has not finished either) and on seeded random mutations of them.
#include "http_wire.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace hub::http::wire {
namespace {

constexpr std::uint32_t kHeaderLimit = 1024;
constexpr std::uint64_t kBodyLimit = 200;

struct Parsed {
  bool done = false;
  bool error = false;
  std::size_t used = 0;
  Request req;
  Response resp;
  int version = 0;
  bool keep_alive = false;
};

template <class Parser>
void limit(Parser& parser) {
  parser.header_limit(kHeaderLimit);
  parser.body_limit(kBodyLimit);
}

/// What the fast path left when it did not take the message: nothing parsed, nothing kept.
template <class Parser>
void expect_untaken(const Parser& parser, Fast verdict, const Parsed& beast, const std::string& in, bool empty) {
  EXPECT_FALSE(parser.is_done());
  EXPECT_TRUE(empty) << testing::PrintToString(in);
  if (verdict == Fast::incomplete) {
    EXPECT_FALSE(beast.done) << testing::PrintToString(in);
  }
}

/// Beast alone, the whole input at once (as read_message feeds it).
template <class Parser>
void beast_parse(std::string_view in, Parser& parser, Parsed& out) {
  parser.eager(true);
  std::size_t offset = 0;
  while (!parser.is_done()) {
    ParseError ec;
    const std::size_t used =
        parser.put(boost::asio::const_buffer(in.data() + offset, in.size() - offset), ec);
    offset += used;
    if (ec == bhttp::error::need_more) {
      break;
    }
    if (ec) {
      out.error = true;
      return;
    }
    if (used == 0) {
      break;
    }
  }
  out.used = offset;
  out.done = parser.is_done();
  if (out.done) {
    out.keep_alive = parser.keep_alive();
  }
}

Parsed beast_request(std::string_view in) {
  Parsed out;
  RequestParser parser(out.req);
  limit(parser);
  beast_parse(in, parser, out);
  out.version = parser.version();
  return out;
}

Parsed beast_response(std::string_view in) {
  Parsed out;
  ResponseParser parser(out.resp);
  limit(parser);
  beast_parse(in, parser, out);
  return out;
}

/// Compares the fast path with Beast on one request; returns the fast verdict.
Fast check_request(const std::string& in) {
  Parsed fast;
  RequestParser parser(fast.req);
  limit(parser);
  const Fast verdict = parser.parse_fast(in, fast.used, nullptr);
  const Parsed beast = beast_request(in);
  if (verdict == Fast::complete) {
    EXPECT_TRUE(parser.is_done());
    EXPECT_TRUE(beast.done && !beast.error) << testing::PrintToString(in);
    EXPECT_EQ(fast.used, beast.used) << testing::PrintToString(in);
    EXPECT_EQ(fast.req.method, beast.req.method) << testing::PrintToString(in);
    EXPECT_EQ(fast.req.target, beast.req.target) << testing::PrintToString(in);
    EXPECT_EQ(fast.req.headers, beast.req.headers) << testing::PrintToString(in);
    EXPECT_EQ(fast.req.body, beast.req.body) << testing::PrintToString(in);
    EXPECT_EQ(parser.version(), beast.version) << testing::PrintToString(in);
    EXPECT_EQ(parser.keep_alive(), beast.keep_alive) << testing::PrintToString(in);
  } else {
    expect_untaken(parser, verdict, beast, in,
                   fast.req.headers.empty() && fast.req.method.empty() && fast.req.body.empty());
  }
  return verdict;
}

Fast check_response(const std::string& in) {
  Parsed fast;
  ResponseParser parser(fast.resp);
  limit(parser);
  const Fast verdict = parser.parse_fast(in, fast.used);
  const Parsed beast = beast_response(in);
  if (verdict == Fast::complete) {
    EXPECT_TRUE(parser.is_done());
    EXPECT_FALSE(parser.need_eof());
    EXPECT_TRUE(beast.done && !beast.error) << testing::PrintToString(in);
    EXPECT_EQ(fast.used, beast.used) << testing::PrintToString(in);
    EXPECT_EQ(fast.resp.status, beast.resp.status) << testing::PrintToString(in);
    EXPECT_EQ(fast.resp.headers, beast.resp.headers) << testing::PrintToString(in);
    EXPECT_EQ(fast.resp.body, beast.resp.body) << testing::PrintToString(in);
    EXPECT_EQ(parser.keep_alive(), beast.keep_alive) << testing::PrintToString(in);
  } else {
    expect_untaken(parser, verdict, beast, in, fast.resp.headers.empty() && fast.resp.body.empty());
  }
  return verdict;
}

const std::vector<std::string>& requests() {
  static const std::vector<std::string> all = {
      "GET /ocpi/2.2.1/sender/locations HTTP/1.1\r\nHost: hub\r\nAuthorization: Token YWJj\r\n"
      "X-Request-ID: 6f0c3b4e\r\nOCPI-from-country-code: NL\r\nOCPI-from-party-id: MSP\r\n\r\n",
      "PUT /ocpi/2.2.1/receiver/locations/NL/CPO/LOC1 HTTP/1.1\r\nContent-Type: application/json\r\n"
      "Content-Length: 11\r\n\r\n{\"id\":\"L\"}\n",
      "POST /x HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
      "GET /x?a=1&b=%20 HTTP/1.0\r\n\r\n",
      "GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
      "GET / HTTP/1.1\r\nConnection: Keep-Alive, TE\r\nTE: trailers\r\n\r\n",
      "HEAD /h HTTP/1.1\r\nX-Empty:\r\nX-Spaces: \t a b \t\r\n\r\n",
      "DELETE /d HTTP/1.1\r\ncontent-length: 3\r\n\r\nabcGET / HTTP/1.1\r\n\r\n",
      "get /lower HTTP/1.1\r\nX: y\r\n\r\n",
      "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
      "GET / HTTP/1.1\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n",
      "GET / HTTP/1.1\r\nFolded: a\r\n b\r\n\r\n",
      "GET / HTTP/1.1\nHost: bare-lf\n\n",
      "PUT /big HTTP/1.1\r\nContent-Length: 500\r\n\r\n",
      "GET / HTTP/2.0\r\n\r\n",
      "GET / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab",
      "GET / HTTP/1.1\r\nProxy-Connection: close\r\n\r\n",
  };
  return all;
}

const std::vector<std::string>& responses() {
  static const std::vector<std::string> all = {
      "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: application/json\r\nContent-Length: 13\r\n"
      "Connection: keep-alive\r\n\r\n{\"data\":[1]}\n",
      "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok",
      "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 503 \r\nRetry-After: 5\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx",
      "HTTP/1.1 200 OK\r\nLink: <https://hub/x?offset=10>; rel=\"next\"\r\nContent-Length: 2\r\n\r\n[]HTTP/1.1",
      "HTTP/1.1 204 No Content\r\n\r\n",
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
      "HTTP/1.1 200 OK\r\n\r\nuntil the end",
      "HTTP/1.1 200 OK\r\nContent-Length: 900\r\n\r\n",
      "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n",
  };
  return all;
}

std::string mutate(const std::string& in, std::mt19937& rng) {
  static const std::string kBytes = std::string(" \t\r\n:,;0A~\x7f\x80\xff") + std::string(1, '\0');
  std::string out = in;
  const int edits = 1 + static_cast<int>(rng() % 3);
  for (int e = 0; e < edits && !out.empty(); ++e) {
    const std::size_t at = rng() % out.size();
    const char c = kBytes[rng() % kBytes.size()];
    switch (rng() % 3) {
      case 0:
        out[at] = c;
        break;
      case 1:
        out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), c);
        break;
      default:
        out.erase(at, 1);
        break;
    }
  }
  return out;
}

TEST(HttpWireFastPath, TakesCommonRequestsAndAnswersWhole) {
  EXPECT_EQ(check_request(requests()[0]), Fast::complete);
  EXPECT_EQ(check_request(requests()[1]), Fast::complete);
  EXPECT_EQ(check_response(responses()[0]), Fast::complete);
}

TEST(HttpWireFastPath, LeavesUnusualFramingAndSyntaxToBeast) {
  for (std::size_t i = 9; i < requests().size(); ++i) {
    EXPECT_EQ(check_request(requests()[i]), Fast::unsupported) << requests()[i];
  }
  for (std::size_t i = 6; i < responses().size(); ++i) {
    EXPECT_EQ(check_response(responses()[i]), Fast::unsupported) << responses()[i];
  }
}

TEST(HttpWireFastPath, AgreesWithBeastOnEveryMessageAndPrefix) {
  for (const auto& r : requests()) {
    for (std::size_t n = 0; n <= r.size(); ++n) {
      check_request(r.substr(0, n));
    }
  }
  for (const auto& r : responses()) {
    for (std::size_t n = 0; n <= r.size(); ++n) {
      check_response(r.substr(0, n));
    }
  }
}

TEST(HttpWireFastPath, AgreesWithBeastOnMutatedMessages) {
  std::mt19937 rng(20261205);
  int taken = 0;
  for (int round = 0; round < 4000; ++round) {
    for (const auto& r : requests()) {
      taken += check_request(mutate(r, rng)) == Fast::complete;
    }
    for (const auto& r : responses()) {
      taken += check_response(mutate(r, rng)) == Fast::complete;
    }
    if (testing::Test::HasFailure()) {
      break;
    }
  }
  EXPECT_GT(taken, 1000);  // the mutations exercised the fast path, not only its refusals
}

TEST(HttpWire, ByteChecksJudgeEveryByteAlikeInEveryPositionOfAWord) {
  // The word-at-a-time checks against their byte rules, for every byte in every position of
  // strings that span several words and a tail.
  for (std::size_t size = 1; size <= 20; ++size) {
    for (std::size_t at = 0; at < size; ++at) {
      for (int b = 0; b < 256; ++b) {
        std::string s(size, 'a');
        s[at] = static_cast<char>(b);
        EXPECT_EQ(is_visible_ascii_or_high(s), b > 0x20 && b != 0x7F) << size << " " << at << " " << b;
        EXPECT_EQ(is_safe_value(s), b != '\r' && b != '\n' && b != 0) << size << " " << at << " " << b;
      }
    }
  }
  EXPECT_TRUE(is_visible_ascii_or_high(""));
  EXPECT_TRUE(is_visible_ascii_or_high("/ocpi/2.2.1/sender/locations?offset=0&limit=10"));
  EXPECT_FALSE(is_visible_ascii_or_high("/ocpi/2.2.1/sender/locations?offset=0 HTTP/1.1"));
}

TEST(HttpWireFastPath, HonoursTheTargetsBodyLimit) {
  Request req;
  RequestParser parser(req);
  limit(parser);
  const std::function<std::size_t(std::string_view)> limit_for = [](std::string_view target) -> std::size_t {
    return target == "/small" ? 2 : 100;
  };
  std::size_t used = 0;
  EXPECT_EQ(parser.parse_fast("PUT /small HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", used, &limit_for),
            Fast::unsupported);
  EXPECT_EQ(parser.parse_fast("PUT /large HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", used, &limit_for),
            Fast::complete);
  EXPECT_EQ(req.body, "abc");
  EXPECT_EQ(parser.content_length().value_or(0), 3u);
}

}  // namespace
}  // namespace hub::http::wire
