// SPDX-License-Identifier: GPL-2.0-or-later
// Outbound HTTP(S) client pool: per-host keep-alive connections, a deadline per call and a
// retryable / permanent classification of every failure.
//
// Threading model: every connection owns a strand; all I/O on a connection (resolve, connect,
// handshake, write, read and its deadline timer) runs in a coroutine spawned on that strand,
// so a connection is never touched by two threads at once. With ClientOptions::single_thread
// (one thread runs the io_context) the connection uses the executor itself and the exchange runs
// in the caller's coroutine. A connection is owned exclusively by one request while in use; the
// idle pool is a map guarded by a mutex.
#include "http_wire.hpp"
#include "pch.hpp"

#include <adapters/http_client.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <exception>
#include <limits>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace hub::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using ErrorCode = boost::system::error_code;
using TlsStream = ssl::stream<tcp::socket>;

constexpr auto kUseAwaitable = asio::as_tuple(asio::use_awaitable);
constexpr int kMaxInterimResponses = 8;
constexpr std::uint64_t kMaxRetryAfterSeconds = 365ull * 24 * 3600;

using wire::ascii_lower;
using wire::iequals;
using wire::is_safe_value;
using wire::is_token;

/// Scheme, host and port of a URL, with what is derived from them: parsed once per origin
/// and thread (see parse_url), shared by the requests to it.
struct Origin {
  bool https = false;
  std::string host;  ///< lower case, without IPv6 brackets
  std::uint16_t port = 0;
  bool host_is_ip = false;
  bool host_is_v6 = false;
  std::string key;         ///< the connection pool's key: scheme://host:port
  std::string host_field;  ///< the Host field's value (port only when not the scheme's)
};

struct Target {
  std::shared_ptr<const Origin> origin;
  /// Path + query, starting with '/': a view of the request's URL (which outlives the call),
  /// or `own_path` when a '/' had to be put in front.
  std::string_view url_path;
  std::string own_path;

  std::string_view path() const noexcept { return own_path.empty() ? url_path : std::string_view(own_path); }

  const Origin* operator->() const noexcept { return origin.get(); }
};

/// Whether `host` is an IPv4 address in canonical dotted-decimal form (four parts 0-255 without
/// leading zeros), which is what inet_pton accepts and inet_ntop prints back.
bool is_dotted_quad(std::string_view host) noexcept {
  int parts = 0;
  std::size_t i = 0;
  while (i <= host.size()) {
    std::size_t j = i;
    unsigned value = 0;
    while (j < host.size() && host[j] >= '0' && host[j] <= '9' && j - i < 3) {
      value = value * 10 + static_cast<unsigned>(host[j] - '0');
      ++j;
    }
    const std::size_t digits = j - i;
    if (digits == 0 || value > 255 || (digits > 1 && host[i] == '0')) {
      return false;
    }
    ++parts;
    if (j == host.size()) {
      return parts == 4;
    }
    if (host[j] != '.' || parts == 4) {
      return false;
    }
    i = j + 1;
  }
  return false;
}

/// Parses the scheme and authority of a URL (`scheme` before "://", `authority` up to the path).
std::shared_ptr<const Origin> parse_origin(std::string_view scheme, std::string_view authority, std::string& error) {
  auto t = std::make_shared<Origin>();
  if (iequals(scheme, "https")) {
    t->https = true;
  } else if (!iequals(scheme, "http")) {
    error = "unsupported URL scheme";
    return nullptr;
  }
  if (authority.find('@') != std::string_view::npos) {
    error = "malformed URL: user info is not supported";
    return nullptr;
  }

  std::string_view host;
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "malformed URL: unterminated IPv6 literal";
      return nullptr;
    }
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        error = "malformed URL: junk after IPv6 literal";
        return nullptr;
      }
      has_port = true;
      port = after.substr(1);
    }
    ErrorCode ec;
    auto addr = asio::ip::make_address_v6(std::string(host), ec);
    if (ec) {
      error = "malformed URL: bad IPv6 literal";
      return nullptr;
    }
    t->host = addr.to_string();
    t->host_is_ip = true;
    t->host_is_v6 = true;
  } else {
    auto colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port = authority.substr(colon + 1);
    }
    if (host.empty()) {
      error = "malformed URL: empty host";
      return nullptr;
    }
    bool valid = std::all_of(host.begin(), host.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
    });
    if (!valid) {
      error = "malformed URL: bad host";
      return nullptr;
    }
    // DNS names: at most 253 characters in labels of at most 63 (RFC 1035); beyond, no name
    // lookup or TLS server name can succeed.
    std::size_t label = 0;
    for (char c : host) {
      label = c == '.' ? 0 : label + 1;
      if (label > 63) {
        break;
      }
    }
    if (host.size() > 253 || label > 63) {
      error = "malformed URL: host name longer than DNS allows";
      return nullptr;
    }
    t->host.reserve(host.size());
    for (char c : host) {
      t->host.push_back(ascii_lower(c));
    }
    t->host_is_ip = is_dotted_quad(t->host);
  }

  if (has_port) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc{} || ptr != port.data() + port.size() || value == 0 || value > 65535) {
      error = "malformed URL: bad port";
      return nullptr;
    }
    t->port = static_cast<std::uint16_t>(value);
  } else {
    t->port = t->https ? 443 : 80;
  }
  t->key = (t->https ? "https://" : "http://") + t->host + ":" + std::to_string(t->port);
  t->host_field = t->host_is_v6 ? "[" + t->host + "]" : t->host;
  if (t->port != (t->https ? 443 : 80)) {
    t->host_field += ":" + std::to_string(t->port);
  }
  return t;
}

/// The origins this thread has parsed, by their text (scheme://authority as written): parties
/// are few and their URLs stable, so each is parsed once. Bounded: emptied when full.
struct OriginCache {
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  static constexpr std::size_t kMax = 256;
  std::unordered_map<std::string, std::shared_ptr<const Origin>, Hash, std::equal_to<>> map;
};

/// Parses http(s)://host[:port][/path][?query][#fragment]; no user info. Empty on error.
std::optional<Target> parse_url(std::string_view url, std::string& error) {
  Target t;
  auto sep = url.find("://");
  if (sep == std::string_view::npos) {
    error = "malformed URL: missing scheme";
    return std::nullopt;
  }
  std::string_view rest = url.substr(sep + 3);
  // The first '/', '?' or '#' (find_first_of would search the set once per character).
  std::size_t authority_end = 0;
  while (authority_end < rest.size() && rest[authority_end] != '/' && rest[authority_end] != '?' &&
         rest[authority_end] != '#') {
    ++authority_end;
  }
  if (authority_end == rest.size()) {
    authority_end = std::string_view::npos;
  }
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  const std::string_view origin_text = url.substr(0, sep + 3 + authority.size());
  thread_local OriginCache cache;
  if (auto it = cache.map.find(origin_text); it != cache.map.end()) {
    t.origin = it->second;
  } else {
    t.origin = parse_origin(url.substr(0, sep), authority, error);
    if (!t.origin) {
      return std::nullopt;
    }
    if (cache.map.size() >= OriginCache::kMax) {
      cache.map.clear();
    }
    cache.map.emplace(std::string(origin_text), t.origin);
  }

  auto fragment = tail.find('#');
  if (fragment != std::string_view::npos) {
    tail = tail.substr(0, fragment);
  }
  if (!wire::is_visible_ascii_or_high(tail)) {
    error = "malformed URL: bad characters in path";
    return std::nullopt;
  }
  if (tail.empty() || tail.front() != '/') {
    t.own_path = "/";
    t.own_path += tail;
  } else {
    t.url_path = tail;
  }
  return t;
}

}  // namespace

std::optional<std::string> url_problem(std::string_view url) {
  std::string error;
  if (url.size() > 8192) {
    return std::string("URL longer than 8192 characters");
  }
  if (!parse_url(url, error)) {
    return error;
  }
  return std::nullopt;
}

namespace {

/// Parses a Retry-After value in delta-seconds form; HTTP dates are not interpreted.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
    value.remove_suffix(1);
  }
  if (value.empty() || value.size() > 12) {
    return std::nullopt;
  }
  std::uint64_t seconds = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc{} || ptr != value.data() + value.size()) {
    return std::nullopt;
  }
  return std::chrono::seconds(static_cast<std::chrono::seconds::rep>(std::min(seconds, kMaxRetryAfterSeconds)));
}

/// The request as sent: its head (request line and fields, with Host, User-Agent and
/// Content-Length computed here) and its body.
struct WireRequest {
  std::string head;
  std::string body;
  bool head_method = false;
  bool keep_alive = true;
};

std::optional<WireRequest> build_request(ClientRequest& req, const Target& target, const std::string& user_agent,
                                         std::string& error) {
  if (!is_token(req.method)) {
    error = "bad request method";
    return std::nullopt;
  }
  {  // an allocation failure propagates to HttpClient::request (a retryable failure)
    WireRequest out;
    bool has_host = false;
    bool has_agent = false;
    std::size_t size = 64 + req.method.size() + target.path().size();  // request line, Content-Length, end
    for (const auto& [name, value] : req.headers) {
      if (!is_token(name) || !is_safe_value(value)) {
        error = "bad request header";
        return std::nullopt;
      }
      size += wire::HeadWriter::field_size(name, value);
      if (iequals(name, "connection")) {
        std::string lower;
        for (char ch : value) {
          lower.push_back(ascii_lower(ch));
        }
        out.keep_alive = out.keep_alive && lower.find("close") == std::string::npos;
      }
      has_host = has_host || iequals(name, "host");
      has_agent = has_agent || iequals(name, "user-agent");
    }
    // The block's fields were checked as they were added, and carry no Host (FieldBlock::add).
    const std::string_view block = req.fields.wire();
    size += block.size();
    has_agent = has_agent || req.fields.has_user_agent();
    const bool add_agent = !has_agent && !user_agent.empty() && is_safe_value(user_agent);
    size += has_host ? 0 : wire::HeadWriter::field_size("Host", target->host_field);
    size += add_agent ? wire::HeadWriter::field_size("User-Agent", user_agent) : 0;

    wire::HeadWriter h(out.head, size);
    h.put(req.method);
    h.put(' ');
    h.put(target.path());
    h.put(" HTTP/1.1\r\n");
    for (const auto& [name, value] : req.headers) {
      if (iequals(name, "content-length") || iequals(name, "transfer-encoding")) {
        continue;  // framing is computed here
      }
      h.field(name, value);
    }
    h.put(block);
    if (!has_host) {
      h.field("Host", target->host_field);
    }
    if (add_agent) {
      h.field("User-Agent", user_agent);
    }
    if (!req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH") {
      h.put("Content-Length: ");
      h.number(req.body.size());
      h.put("\r\n");
    }
    h.put("\r\n");
    h.finish();
    out.head_method = req.method == "HEAD";
    out.body = std::move(req.body);
    return out;
  }
}

bool is_http_error(const ErrorCode& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category();
}

/// Read errors: limits and malformed answers are permanent; transport trouble is retryable.
Outcome classify_read_error(const ErrorCode& ec) {
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) {
    return Outcome::retryable;
  }
  if (is_http_error(ec)) {
    return Outcome::permanent;  // header_limit, body_limit, buffer_overflow, bad_* syntax errors
  }
  return Outcome::retryable;
}

struct Connection;

/// The deadlines of the calls in flight of a client whose io_context one thread runs: one timer
/// for all of them, set to the earliest, where a timer per call would be armed and cancelled
/// (and its cancellation dispatched) once per request. A call that ends leaves its slot; the
/// timer is cancelled only when no call is left (so that an idle client holds no pending wait
/// and its io_context can run out of work). When the timer fires, every call past its deadline
/// has its socket closed, which ends whatever operation is pending, and the timer is set to the
/// next deadline. Everything here runs on that one thread.
class Deadlines : public std::enable_shared_from_this<Deadlines> {
 public:
  explicit Deadlines(const asio::any_io_executor& ex) : timer_(ex) {}

  void add(Connection& c, Clock::time_point deadline);
  void remove(Connection& c);

 private:
  void wait(Clock::time_point at);
  void sweep();

  asio::steady_timer timer_;
  std::vector<Connection*> calls_;
  Clock::time_point at_{};
  bool waiting_ = false;
};

struct Connection {
  Connection(asio::any_io_executor ex, std::shared_ptr<Deadlines> shared)
      : strand(std::move(ex)), timer(strand), deadlines(std::move(shared)) {}
  ~Connection();  // leaves `deadlines` if a call on it ended without disarm (an exception)
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  tcp::socket& lowest() { return tls ? tls->next_layer() : *plain; }

  /// One deadline per call, not per read or write: when it passes the socket is closed, which
  /// ends whatever operation is pending. Runs on the connection's strand.
  void arm(Clock::time_point at) {
    timed_out = false;
    if (deadlines) {
      deadlines->add(*this, at);
      return;
    }
    timer.expires_at(at);
    timer.async_wait([this, gen = ++generation](const ErrorCode& ec) {
      if (ec || gen != generation) {
        return;  // disarmed (the connection may be gone by now: nothing else is touched)
      }
      expire();
    });
  }
  void disarm() {
    if (deadlines) {
      deadlines->remove(*this);
      return;
    }
    ++generation;
    timer.cancel();
  }
  void expire() {
    timed_out = true;
    ErrorCode ignored;
    lowest().close(ignored);
  }

  asio::any_io_executor strand;
  asio::steady_timer timer;                ///< the call's deadline, unless `deadlines` keeps it
  std::shared_ptr<Deadlines> deadlines;    ///< set for clients of one thread
  Clock::time_point deadline{};            ///< kept by `deadlines`
  std::size_t slot = kNoSlot;              ///< index in `deadlines`' calls while a call is on
  static constexpr std::size_t kNoSlot = static_cast<std::size_t>(-1);
  std::uint64_t generation = 0;
  bool timed_out = false;
  std::unique_ptr<tcp::socket> plain;  ///< set for http
  std::unique_ptr<TlsStream> tls;    ///< set for https
  beast::flat_buffer buffer;
  Clock::time_point idle_since{};
  bool connected = false;
};

using ConnectionPtr = std::unique_ptr<Connection>;

Connection::~Connection() {
  if (deadlines) {
    deadlines->remove(*this);
  }
}

void Deadlines::add(Connection& c, Clock::time_point deadline) {
  c.deadline = deadline;
  if (c.slot == Connection::kNoSlot) {
    calls_.push_back(&c);  // first: a failed allocation leaves the connection out, as it was
    c.slot = calls_.size() - 1;
  }
  if (!waiting_ || deadline < at_) {
    wait(deadline);
  }
}

void Deadlines::remove(Connection& c) {
  if (c.slot == Connection::kNoSlot) {
    return;
  }
  Connection* last = calls_.back();
  calls_[c.slot] = last;
  last->slot = c.slot;
  calls_.pop_back();
  c.slot = Connection::kNoSlot;
  if (calls_.empty() && waiting_) {
    waiting_ = false;
    timer_.cancel();
  }
}

void Deadlines::wait(Clock::time_point at) {
  waiting_ = false;
  timer_.expires_at(at);  // cancels a wait for a later deadline
  timer_.async_wait([weak = weak_from_this()](const ErrorCode& ec) {
    if (ec) {
      return;  // cancelled: a newer wait or none is wanted (the client may be gone)
    }
    if (auto self = weak.lock()) {
      self->sweep();
    }
  });
  at_ = at;
  waiting_ = true;  // only once the wait is on (async_wait may throw)
}

void Deadlines::sweep() {
  // The wait may have been for a call that ended since: find what is due and what comes next.
  const auto now = Clock::now();
  auto next = Clock::time_point::max();
  for (Connection* c : calls_) {
    if (c->deadline <= now) {
      if (!c->timed_out) {
        c->expire();
      }
    } else if (c->deadline < next) {
      next = c->deadline;
    }
  }
  if (next == Clock::time_point::max()) {
    // Nothing left to wait for. A wait started since this one completed (its completion had
    // been queued before a cancel) is not wanted either.
    waiting_ = false;
    timer_.cancel();
    return;
  }
  wait(next);
}

/// What one attempt on one connection produced.
struct Exchange {
  ClientResult result;
  bool keep_alive = false;  ///< the connection may go back to the pool
  bool stale = false;       ///< a reused connection failed before any byte of an answer arrived
};

ClientResult failure(Outcome outcome, std::string error) {
  ClientResult r;
  r.outcome = outcome;
  r.error = std::move(error);
  return r;
}

ClientResult not_sendable(std::string error) {
  ClientResult r = failure(Outcome::permanent, std::move(error));
  r.not_sendable = true;
  return r;
}

/// Destroys a connection on its own strand so that nothing else of it can be running meanwhile.
void discard(ConnectionPtr conn) {
  if (!conn) {
    return;
  }
  auto ex = conn->strand;
  asio::post(ex, [c = std::move(conn)]() mutable { c.reset(); });
}

struct ResolveState {
  explicit ResolveState(const asio::any_io_executor& ex) : resolver(ex), notify(ex) {}
  tcp::resolver resolver;
  asio::steady_timer notify;
  bool done = false;
  ErrorCode ec;
  tcp::resolver::results_type results;
};

}  // namespace

Outcome classify_status(int status) noexcept {
  if (status >= 200 && status <= 299) {
    return Outcome::ok;
  }
  if (status == 408 || status == 429 || (status >= 500 && status <= 599)) {
    return Outcome::retryable;
  }
  return Outcome::permanent;
}

struct HttpClient::Impl {
  Impl(asio::any_io_executor ex, ClientOptions opts)
      : executor(std::move(ex)), options(std::move(opts)), ssl_ctx(ssl::context::tls_client) {
    ErrorCode ec;
    SSL_CTX_set_min_proto_version(ssl_ctx.native_handle(), TLS1_2_VERSION);
    ssl_ctx.set_options(ssl::context::default_workarounds | ssl::context::no_compression, ec);
    ssl_ctx.set_default_verify_paths(ec);  // a missing system store only hurts when used
    if (!options.ca_file.empty()) {
      ssl_ctx.load_verify_file(options.ca_file, ec);
      if (ec) {
        tls_setup_error = "cannot load CA file " + options.ca_file + ": " + ec.message();
      }
    }
  }

  ~Impl() = default;  // idle connections have no pending operations

  ConnectionPtr take(const std::string& key) {
    std::vector<ConnectionPtr> expired;
    ConnectionPtr found;
    {
      std::lock_guard lock(mutex);
      auto it = idle.find(key);
      if (it == idle.end()) {
        return nullptr;
      }
      auto& list = it->second;
      auto now = Clock::now();
      while (!list.empty() && now - list.front()->idle_since >= options.idle_timeout) {
        expired.push_back(std::move(list.front()));
        list.pop_front();
      }
      while (!list.empty()) {
        found = std::move(list.back());  // most recently used: least likely to be stale
        list.pop_back();
        if (quiet(*found)) {
          break;
        }
        expired.push_back(std::move(found));
      }
      if (list.empty()) {
        idle.erase(it);
      }
    }
    for (auto& c : expired) {
      discard(std::move(c));
    }
    return found;
  }

  /// Whether nothing arrived on an idle plain connection since its last answer. Bytes that
  /// arrived unasked would be taken for the next call's answer; and in the epoll build its last
  /// read may have come up short with the server's end of stream behind it, which the reactor
  /// would not report again (wire::recv_now), so the next call would wait for an answer that
  /// never comes. Either way the connection is not reused. Peeks: nothing is read. Not for TLS
  /// connections: a server may send TLS records (session tickets) between answers, and their
  /// reads see an end of stream as Asio's do.
  static bool quiet(Connection& c) {
    if (c.tls) {
      return true;
    }
    char byte = 0;
    for (;;) {
      const ssize_t n = ::recv(c.lowest().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
  }

  void put(const std::string& key, ConnectionPtr conn) {
    std::vector<ConnectionPtr> dropped;
    if (options.max_idle_per_host == 0 || options.idle_timeout <= std::chrono::milliseconds::zero()) {
      discard(std::move(conn));
      return;
    }
    conn->idle_since = Clock::now();
    {
      std::lock_guard lock(mutex);
      auto& list = idle[key];
      list.push_back(std::move(conn));
      while (!list.empty() &&
             (list.size() > options.max_idle_per_host ||
              list.back()->idle_since - list.front()->idle_since >= options.idle_timeout)) {
        dropped.push_back(std::move(list.front()));
        list.pop_front();
      }
    }
    for (auto& c : dropped) {
      discard(std::move(c));
    }
  }

  std::size_t count_idle() const {
    std::lock_guard lock(mutex);
    auto now = Clock::now();
    std::size_t n = 0;
    for (const auto& [key, list] : idle) {
      n += static_cast<std::size_t>(std::count_if(list.begin(), list.end(), [&](const ConnectionPtr& c) {
        return now - c->idle_since < options.idle_timeout;
      }));
    }
    return n;
  }

  /// Resolves the host (or takes the literal address) and connects before the deadline.
  asio::awaitable<std::optional<ClientResult>> connect(Connection& c, const Target& t, Clock::time_point deadline) {
    auto& lowest = c.lowest();
    ErrorCode ip_ec;
    auto address = asio::ip::make_address(t->host, ip_ec);
    if (t->host_is_ip && !ip_ec) {
      auto [ec] = co_await lowest.async_connect(tcp::endpoint(address, t->port), kUseAwaitable);
      if (ec) {
        co_return failure(Outcome::retryable, "connect to " + t->host_field + " failed: " +
                                                  (c.timed_out ? std::string("timed out") : ec.message()));
      }
      co_return std::nullopt;
    }

    // getaddrinfo cannot be cancelled; wait for it or for the deadline, whichever comes first.
    auto state = std::make_shared<ResolveState>(c.strand);
    state->notify.expires_at(deadline);
    state->resolver.async_resolve(t->host, std::to_string(t->port),
                                  [state](const ErrorCode& ec, tcp::resolver::results_type results) {
                                    state->ec = ec;
                                    state->results = std::move(results);
                                    state->done = true;
                                    state->notify.cancel();
                                  });
    if (!state->done) {
      co_await state->notify.async_wait(kUseAwaitable);
    }
    if (!state->done) {
      state->resolver.cancel();
      co_return failure(Outcome::retryable, "resolving " + t->host + " timed out");
    }
    if (state->ec || state->results.empty()) {
      co_return failure(Outcome::retryable,
                        "resolving " + t->host + " failed: " + (state->ec ? state->ec.message() : "no address"));
    }
    auto [ec, endpoint] = co_await asio::async_connect(lowest, state->results, kUseAwaitable);
    if (ec) {
      co_return failure(Outcome::retryable, "connect to " + t->host_field + " failed: " +
                                                (c.timed_out ? std::string("timed out") : ec.message()));
    }
    co_return std::nullopt;
  }

  asio::awaitable<std::optional<ClientResult>> open(Connection& c, const Target& t, Clock::time_point deadline) {
    if (t->https) {
      if (!tls_setup_error.empty()) {
        co_return failure(Outcome::permanent, tls_setup_error);
      }
      c.tls = std::make_unique<TlsStream>(c.strand, ssl_ctx);
      if (!t->host_is_ip) {
        // SNI carries DNS names only (RFC 6066).
        if (SSL_set_tlsext_host_name(c.tls->native_handle(), t->host.c_str()) != 1) {
          co_return failure(Outcome::permanent, "cannot set TLS server name");
        }
      }
      ErrorCode ec;
      if (options.verify_peer) {
        c.tls->set_verify_mode(ssl::verify_peer, ec);
        if (!ec) {
          c.tls->set_verify_callback(ssl::host_name_verification(t->host), ec);
        }
      } else {
        c.tls->set_verify_mode(ssl::verify_none, ec);
      }
      if (ec) {
        co_return failure(Outcome::permanent, "TLS setup failed: " + ec.message());
      }
    } else {
      c.plain = std::make_unique<tcp::socket>(c.strand);
    }

    auto failed = co_await connect(c, t, deadline);
    if (failed) {
      co_return failed;
    }
    ErrorCode ignored;
    c.lowest().set_option(tcp::no_delay(true), ignored);

    if (c.tls) {
      auto [ec] = co_await c.tls->async_handshake(ssl::stream_base::client, kUseAwaitable);
      if (ec) {
        long verify = SSL_get_verify_result(c.tls->native_handle());
        bool tls_failure =
            !c.timed_out && (verify != X509_V_OK || ec.category() == asio::error::get_ssl_category());
        std::string what = "TLS handshake with " + t->host_field + " failed: " + ec.message();
        if (verify != X509_V_OK) {
          what += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
        }
        co_return failure(tls_failure ? Outcome::permanent : Outcome::retryable, std::move(what));
      }
    }
    c.connected = true;
    co_return std::nullopt;
  }

  /// Sends the request and reads the answer into `ex` (fresh, owned by the caller, which waits
  /// for this: the answer is not moved through the frames between) on an open connection,
  /// under the deadline (armed here unless `armed`); the connection is closed unless it may go
  /// back to the pool.
  template <class Stream>
  asio::awaitable<void> transfer(Stream& stream, Connection& c, const WireRequest& req, bool reused,
                                 Clock::time_point deadline, bool armed, Exchange& ex) {
    if (!armed) {
      c.arm(deadline);
    }
    std::array<asio::const_buffer, 2> out{asio::buffer(req.head), asio::buffer(req.body)};
    std::size_t sent = 0;
    ErrorCode wec;
    if (!wire::write_now(stream, out, sent, wec)) {
      wec = co_await wire::write_rest(stream, out, sent, kUseAwaitable);
    }
    if (wec) {
      ex.stale = reused && !c.timed_out;
      ex.result = failure(Outcome::retryable,
                          "sending request failed: " + (c.timed_out ? std::string("timed out") : wec.message()));
    } else {
      for (int interim = 0;; ++interim) {
        Response& resp = ex.result.response;
        wire::ResponseParser parser(resp);
        parser.header_limit(static_cast<std::uint32_t>(
            std::min<std::size_t>(options.max_response_header, std::numeric_limits<std::uint32_t>::max())));
        parser.body_limit(static_cast<std::uint64_t>(options.max_response_body));
        if (req.head_method) {
          parser.skip(true);
        }
        parser.eager(true);
        auto rec = co_await wire::read_message(stream, c.buffer, parser, false, kUseAwaitable);
        if (rec) {
          bool nothing_received = interim == 0 && !parser.got_some() && c.buffer.size() == 0;
          ex.stale = reused && nothing_received && !c.timed_out;
          Outcome outcome = c.timed_out ? Outcome::retryable : classify_read_error(rec);
          ex.result = failure(outcome, "reading answer failed: " +
                                           (c.timed_out ? std::string("timed out") : rec.message()));
          break;
        }
        int status = parser.status();
        if (status >= 100 && status < 200 && status != 101 && interim < kMaxInterimResponses) {
          continue;  // interim answer (100 Continue, 103 Early Hints): the final one follows
        }
        if (status < 200 || status > 599) {
          // No final answer: more interim answers than a server sends, a 101 (the client never
          // asks to switch protocols) or a status outside HTTP's range. Nothing to pass on.
          ex.result = failure(Outcome::permanent,
                              status == 101  ? std::string("HTTP 101 Switching Protocols to a request without Upgrade")
                              : status >= 100 && status < 200 ? "no final answer after " + std::to_string(interim + 1) +
                                                   " interim answers"
                                             : "answer with status " + std::to_string(status) +
                                                   " outside HTTP's range 100-599");
          break;
        }

        ClientResult& r = ex.result;
        r.status = status;
        r.outcome = classify_status(status);
        if (status == 429 || status == 503) {
          auto retry = r.response.header("Retry-After");
          if (!retry.empty()) {
            r.retry_after = parse_retry_after(retry);
          }
        }
        if (r.outcome != Outcome::ok) {
          r.error = "HTTP " + std::to_string(status);
        }
        // 101 would switch protocols: such a connection never goes back to the pool.
        ex.keep_alive =
            status >= 200 && req.keep_alive && parser.keep_alive() && !parser.need_eof() && c.buffer.size() == 0;
        break;
      }
    }
    c.disarm();
    if (!ex.keep_alive) {
      ErrorCode ignored;
      c.lowest().shutdown(tcp::socket::shutdown_both, ignored);
      c.lowest().close(ignored);
    }
  }

  /// One attempt on one connection, awaited on the connection's strand. On a pooled connection
  /// this is the transfer's own awaitable (no coroutine frame of its own); choosing it reads
  /// the connection on the calling thread, which is safe because a connection taken from the
  /// pool has no operation pending and nothing else holds it.
  asio::awaitable<void> attempt(Connection& c, const Target& t, const WireRequest& req, bool reused,
                                Clock::time_point deadline, Exchange& ex) {
    if (!c.connected) {
      return open_and_transfer(c, t, req, reused, deadline, ex);
    }
    if (c.tls) {
      return transfer(*c.tls, c, req, reused, deadline, false, ex);
    }
    return transfer(*c.plain, c, req, reused, deadline, false, ex);
  }

  asio::awaitable<void> open_and_transfer(Connection& c, const Target& t, const WireRequest& req, bool reused,
                                          Clock::time_point deadline, Exchange& ex) {
    c.arm(deadline);
    auto failed = co_await open(c, t, deadline);
    if (failed) {
      c.disarm();
      ex.result = std::move(*failed);
      co_return;
    }
    if (c.tls) {
      co_await transfer(*c.tls, c, req, reused, deadline, true, ex);
    } else {
      co_await transfer(*c.plain, c, req, reused, deadline, true, ex);
    }
  }

  asio::any_io_executor executor;
  ClientOptions options;
  /// One deadline timer for all calls when one thread runs everything (see Deadlines); made
  /// with the first connection, so that a client never used owns no I/O object.
  std::shared_ptr<Deadlines> deadlines;
  ssl::context ssl_ctx;
  std::string tls_setup_error;
  mutable std::mutex mutex;
  std::unordered_map<std::string, std::deque<ConnectionPtr>> idle;
};

HttpClient::HttpClient(asio::any_io_executor executor, ClientOptions options)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options))) {}

HttpClient::~HttpClient() = default;

std::size_t HttpClient::idle_connections() const {
  return impl_->count_idle();
}

asio::awaitable<ClientResult> HttpClient::request(ClientRequest req, Clock::time_point deadline) {
  auto self = impl_;  // keeps the pool alive for the whole call
  ConnectionPtr conn;
  std::string error_text;
  try {
    std::string error;
    auto target = parse_url(req.url, error);
    if (!target) {
      co_return not_sendable(std::move(error));
    }
    auto out = build_request(req, *target, self->options.user_agent, error);
    if (!out) {
      co_return not_sendable(std::move(error));
    }

    const std::string& key = (*target)->key;
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (Clock::now() >= deadline) {
        co_return failure(Outcome::retryable, "deadline passed before the request was sent");
      }
      conn = attempt == 0 ? self->take(key) : nullptr;
      bool reused = conn != nullptr;
      if (!conn) {
        if (self->options.single_thread) {
          if (!self->deadlines) {
            self->deadlines = std::make_shared<Deadlines>(self->executor);
          }
          conn = std::make_unique<Connection>(self->executor, self->deadlines);
        } else {
          conn = std::make_unique<Connection>(asio::make_strand(self->executor), nullptr);
        }
      }
      Exchange ex;  // filled by the attempt while this waits for it
      if (self->options.single_thread) {
        // One thread runs everything: the attempt runs in this coroutine, no strand hop.
        co_await self->attempt(*conn, *target, *out, reused, deadline, ex);
      } else {
        co_await asio::co_spawn(conn->strand, self->attempt(*conn, *target, *out, reused, deadline, ex),
                                asio::use_awaitable);
      }
      if (ex.stale && attempt == 0 && Clock::now() < deadline) {
        discard(std::move(conn));
        continue;  // the pooled connection had been closed by the peer: once more on a fresh one
      }
      if (ex.keep_alive) {
        self->put(key, std::move(conn));
      } else {
        discard(std::move(conn));
      }
      co_return std::move(ex.result);
    }
    co_return failure(Outcome::retryable, "connection failed");
  } catch (const std::exception& e) {
    error_text = std::string("request failed: ") + e.what();
  } catch (...) {
    error_text = "request failed";
  }
  // Only reached after an exception (allocation failure or the like): report, never rethrow.
  discard(std::move(conn));
  co_return failure(Outcome::retryable, std::move(error_text));
}

}  // namespace hub::http
