// SPDX-License-Identifier: GPL-2.0-or-later
#include <hub/store/redis.hpp>

#include "hiredis_asio.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <charconv>
#include <csignal>
#include <list>
#include <mutex>
#include <random>
#include <string_view>
#include <unordered_map>

namespace hub::store {

namespace asio = boost::asio;
using detail::AsioLink;
using Replies = std::vector<Reply>;
using PipelineHandler = asio::any_completion_handler<void(Result<Replies>)>;

namespace {

/// hiredis 0.14 writes with write(2): a peer that vanished would raise SIGPIPE and kill the
/// process. Ignore it once, unless the application installed its own handler.
void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      struct sigaction ignore {};
      ignore.sa_handler = SIG_IGN;
      sigemptyset(&ignore.sa_mask);
      sigaction(SIGPIPE, &ignore, nullptr);
    }
  });
}

Reply convert(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::string;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::array;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) {
        out.elements.push_back(convert(r->element[i]));
      }
      break;
    default:
      out.type = Reply::Type::nil;
      break;
  }
  return out;
}

/// One command or pipeline in flight. Completes exactly once: all replies, a deadline, a lost
/// connection or stop(), whichever comes first; later events are ignored.
class Op : public std::enable_shared_from_this<Op> {
 public:
  Op(asio::any_io_executor executor, std::size_t expected, PipelineHandler handler)
      : executor_(executor), timer_(executor), handler_(std::move(handler)) {
    replies_.resize(expected);
  }

  void start_deadline(std::chrono::milliseconds timeout) {
    timer_.expires_after(timeout);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) {
        self->complete(make_error_code(Errc::deadline_exceeded));
      }
    });
  }

  void on_reply(std::size_t index, const redisReply* reply, bool stopping) {
    if (done_) {
      return;  // late reply after a deadline: discarded
    }
    if (reply == nullptr) {
      complete(make_error_code(stopping ? Errc::shutting_down : Errc::unavailable));
      return;
    }
    replies_[index] = convert(reply);
    if (++received_ == replies_.size()) {
      complete(std::move(replies_));
    }
  }

  void complete(Result<Replies> result) {
    if (done_) {
      return;
    }
    done_ = true;
    timer_.cancel();
    // Never resume the awaiting coroutine inside hiredis: post the completion.
    asio::post(executor_, asio::append(std::move(handler_), std::move(result)));
  }

 private:
  asio::any_io_executor executor_;
  asio::steady_timer timer_;
  PipelineHandler handler_;
  Replies replies_;
  std::size_t received_ = 0;
  bool done_ = false;
};

struct Slot {
  std::shared_ptr<Op> op;
  std::size_t index;
};

void on_slot_reply(redisAsyncContext* ac, void* reply, void* privdata) {
  std::unique_ptr<Slot> slot(static_cast<Slot*>(privdata));
  AsioLink* link = AsioLink::from(ac);
  slot->op->on_reply(slot->index, static_cast<const redisReply*>(reply),
                     link != nullptr && link->closing_for_stop());
}

/// Sends `commands` on `link` as one pipeline; `handler` gets the replies in order, once.
void submit(asio::any_io_executor executor, const std::shared_ptr<AsioLink>& link,
            const std::vector<std::vector<std::string>>& commands,
            std::chrono::milliseconds timeout, PipelineHandler handler) {
  auto op = std::make_shared<Op>(executor, commands.size(), std::move(handler));
  if (commands.empty()) {
    op->complete(Replies{});
    return;
  }
  if (!link || !link->alive()) {
    op->complete(make_error_code(Errc::unavailable));
    return;
  }
  for (std::size_t i = 0; i < commands.size(); ++i) {
    if (commands[i].empty()) {
      op->complete(make_error_code(Errc::invalid_request));
      return;
    }
  }
  op->start_deadline(timeout);
  for (std::size_t i = 0; i < commands.size(); ++i) {
    auto* slot = new Slot{op, i};
    if (!link->send(commands[i], &on_slot_reply, slot)) {
      delete slot;
      op->complete(make_error_code(Errc::unavailable));
      return;
    }
  }
}

/// The connection life cycle shared by the client and the subscriber: connect, connect timeout,
/// AUTH/SELECT/PING handshake, loss detection, reconnect with jittered exponential backoff.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::any_io_executor executor, RedisOptions options)
      : executor_(executor),
        options_(std::move(options)),
        connect_timer_(executor),
        backoff_timer_(executor),
        backoff_(options_.backoff_initial),
        rng_(std::random_device{}()) {}
  virtual ~Connection() {
    if (link_) {
      link_->close(true);
    }
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start() {
    if (started_) {
      return;
    }
    ignore_sigpipe_once();
    started_ = true;
    stopping_ = false;
    backoff_ = options_.backoff_initial;
    connect();
  }

  void stop() {
    if (!started_) {
      return;
    }
    started_ = false;
    stopping_ = true;
    ready_ = false;
    ++generation_;
    connect_timer_.cancel();
    backoff_timer_.cancel();
    if (link_) {
      auto link = std::move(link_);
      link->close(true);  // pending commands complete with shutting_down
    }
    wake_waiters();
  }

  bool ready() const noexcept { return ready_ && link_ && link_->alive(); }
  const std::shared_ptr<AsioLink>& link() const noexcept { return link_; }
  const RedisOptions& options() const noexcept { return options_; }
  asio::any_io_executor executor() const { return executor_; }

  asio::awaitable<bool> wait_ready(std::chrono::milliseconds timeout) {
    auto self = shared_from_this();
    if (ready()) {
      co_return true;
    }
    auto timer = std::make_shared<asio::steady_timer>(executor_, timeout);
    waiters_.push_back(timer);
    boost::system::error_code ec;
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    waiters_.remove_if([&](const std::weak_ptr<asio::steady_timer>& w) {
      auto t = w.lock();
      return !t || t == timer;
    });
    co_return ready();
  }

 protected:
  /// Handshake done on `link()`; the subclass may send more setup and must call mark_ready().
  virtual void on_link_up() = 0;
  /// The link went away (error, EOF, timeout or failed setup); called before reconnecting.
  virtual void on_link_down() {}

  void mark_ready() {
    ready_ = true;
    connect_timer_.cancel();
    backoff_ = options_.backoff_initial;
    wake_waiters();
  }

  /// Drops the current link (e.g. a failed setup step) and reconnects after a backoff.
  void fail_link() {
    if (link_) {
      link_->close();  // on_closed schedules the reconnect
    }
  }

 private:
  void connect() {
    if (stopping_) {
      return;
    }
    ready_ = false;
    std::string error;
    std::weak_ptr<Connection> weak = weak_from_this();
    auto link = AsioLink::connect(
        executor_, options_.host, options_.port,
        [weak](const std::shared_ptr<AsioLink>& closed) {
          if (auto self = weak.lock()) {
            self->on_closed(closed);
          }
        },
        error);
    if (!link) {
      schedule_reconnect();
      return;
    }
    link_ = link;
    std::weak_ptr<AsioLink> weak_link = link;

    connect_timer_.expires_after(options_.connect_timeout);
    connect_timer_.async_wait([weak, weak_link](const boost::system::error_code& ec) {
      auto self = weak.lock();
      auto l = weak_link.lock();
      if (ec || !self || !l || self->link_ != l || self->ready_) {
        return;
      }
      l->close();  // connect or handshake took too long
    });

    std::vector<std::vector<std::string>> handshake;
    if (!options_.password.empty()) {
      handshake.push_back({"AUTH", options_.password});
    }
    if (options_.db != 0) {
      handshake.push_back({"SELECT", std::to_string(options_.db)});
    }
    handshake.push_back({"PING"});
    submit(executor_, link, handshake, options_.connect_timeout,
           PipelineHandler([weak, weak_link](Result<Replies> result) {
             auto self = weak.lock();
             auto l = weak_link.lock();
             if (!self || !l || self->link_ != l || !l->alive()) {
               return;
             }
             bool ok = result.has_value() &&
                       std::none_of(result->begin(), result->end(),
                                    [](const Reply& r) { return r.is_error(); });
             if (!ok) {
               l->close();
               return;
             }
             self->on_link_up();
           }));
  }

  void on_closed(const std::shared_ptr<AsioLink>& closed) {
    if (!closed || closed != link_) {
      return;  // an older link, or stop() already dropped it
    }
    link_.reset();
    ready_ = false;
    connect_timer_.cancel();
    on_link_down();
    schedule_reconnect();
  }

  void schedule_reconnect() {
    if (stopping_) {
      return;
    }
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    auto delay = std::chrono::milliseconds(
        static_cast<long long>(static_cast<double>(backoff_.count()) * jitter(rng_)));
    backoff_ = std::min(backoff_ * 2, std::max(options_.backoff_max, options_.backoff_initial));
    backoff_timer_.expires_after(delay);
    backoff_timer_.async_wait([weak = weak_from_this(), generation = generation_](
                                  const boost::system::error_code& ec) {
      if (auto self = weak.lock(); self && !ec && self->generation_ == generation) {
        self->connect();
      }
    });
  }

  void wake_waiters() {
    for (auto& w : waiters_) {
      if (auto t = w.lock()) {
        t->cancel();
      }
    }
  }

  asio::any_io_executor executor_;
  RedisOptions options_;
  asio::steady_timer connect_timer_;
  asio::steady_timer backoff_timer_;
  std::chrono::milliseconds backoff_;
  std::minstd_rand rng_;
  std::shared_ptr<AsioLink> link_;
  std::list<std::weak_ptr<asio::steady_timer>> waiters_;
  std::uint64_t generation_ = 0;
  bool started_ = false;
  bool stopping_ = false;
  bool ready_ = false;
};


/// Sends `commands` as one pipeline. The caller keeps them alive until the operation has started
/// (a coroutine's own variables or parameters): they are copied into hiredis' buffer then.
template <class Token>
auto async_pipeline(std::shared_ptr<Connection> conn, const std::vector<std::vector<std::string>>& commands,
                        std::chrono::milliseconds timeout, Token&& token) {
  return asio::async_initiate<Token, void(Result<Replies>)>(
      [conn, &commands, timeout](auto handler) mutable {
        submit(conn->executor(), conn->ready() ? conn->link() : nullptr, commands, timeout,
               PipelineHandler(std::move(handler)));
      },
      token);
}

bool is_eval(const std::vector<std::string>& args) {
  if (args.size() < 3 || args.front().size() != 4) {
    return false;
  }
  const auto& c = args.front();
  return (c[0] | 0x20) == 'e' && (c[1] | 0x20) == 'v' && (c[2] | 0x20) == 'a' && (c[3] | 0x20) == 'l';
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// RedisClient

struct RedisClient::Impl : Connection {
  using Connection::Connection;
  ~Impl() override { stop(); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  /// SHA1 of each script sent with EVAL, learnt once with SCRIPT LOAD: the command then goes as
  /// EVALSHA (Redis neither receives nor hashes the script again). Bounded: scripts beyond
  /// kMaxScripts are sent with EVAL.
  static constexpr std::size_t kMaxScripts = 256;
  std::unordered_map<std::string, std::string> script_shas;

 protected:
  void on_link_up() override { mark_ready(); }
};

RedisClient::RedisClient(asio::any_io_executor executor, RedisOptions options)
    : impl_(std::make_shared<Impl>(executor, std::move(options))) {}

RedisClient::~RedisClient() { impl_->stop(); }

void RedisClient::start() { impl_->start(); }
void RedisClient::stop() { impl_->stop(); }
bool RedisClient::connected() const noexcept { return impl_->ready(); }

asio::awaitable<bool> RedisClient::wait_connected(std::chrono::milliseconds timeout) {
  auto impl = impl_;
  co_return co_await impl->wait_ready(timeout);
}

asio::awaitable<Result<Reply>> RedisClient::command(
    std::vector<std::string> args, std::optional<std::chrono::milliseconds> timeout) {
  auto impl = impl_;
  const auto deadline = timeout.value_or(impl->options().command_timeout);
  std::vector<std::vector<std::string>> one;
  one.push_back(std::move(args));
  auto& cmd = one.front();
  // The commands are copied into hiredis' output buffer when the operation starts, so `one`
  // can be reused for the next attempt.
  auto send = [&impl, &one, deadline]() -> asio::awaitable<Result<Reply>> {
    auto result = co_await async_pipeline(impl, one, deadline, asio::use_awaitable);
    if (!result) {
      co_return Result<Reply>(boost::system::in_place_error, result.error());
    }
    co_return std::move(result->front());
  };
  if (cmd.empty() || !is_eval(cmd)) {
    co_return co_await send();
  }
  // EVAL script numkeys ...: sent as EVALSHA once the script's SHA1 is known.
  auto known = impl->script_shas.find(cmd[1]);
  if (known == impl->script_shas.end() && impl->script_shas.size() < Impl::kMaxScripts) {
    std::vector<std::vector<std::string>> load{{"SCRIPT", "LOAD", cmd[1]}};
    auto loaded = co_await async_pipeline(impl, load, deadline, asio::use_awaitable);
    if (!loaded) {
      co_return Result<Reply>(boost::system::in_place_error, loaded.error());  // so would the EVAL
    }
    auto& sha = loaded->front();
    if (sha.type == Reply::Type::string && !sha.str.empty()) {
      known = impl->script_shas.emplace(cmd[1], std::move(sha.str)).first;
    }
  }
  if (known == impl->script_shas.end()) {
    co_return co_await send();
  }
  std::string script = std::move(cmd[1]);
  cmd[0] = "EVALSHA";
  cmd[1] = known->second;
  auto r = co_await send();
  if (r && r->is_error() && r->str.rfind("NOSCRIPT", 0) == 0) {
    // Redis lost its script cache (restart, SCRIPT FLUSH) and ran nothing: EVAL runs the script
    // and caches it again.
    cmd[0] = "EVAL";
    cmd[1] = std::move(script);
    r = co_await send();
  }
  co_return r;
}

asio::awaitable<Result<std::vector<Reply>>> RedisClient::pipeline(
    std::vector<std::vector<std::string>> commands,
    std::optional<std::chrono::milliseconds> timeout) {
  auto impl = impl_;
  co_return co_await async_pipeline(impl, commands, timeout.value_or(impl->options().command_timeout),
                                    asio::use_awaitable);
}

// ---------------------------------------------------------------------------------------------
// RedisSubscriber

struct RedisSubscriber::Impl : Connection {
  Impl(asio::any_io_executor executor, RedisOptions options, std::vector<std::string> channels,
       MessageHandler on_message, std::function<void()> on_connected)
      : Connection(executor, std::move(options)),
        channels_(std::move(channels)),
        on_message_(std::move(on_message)),
        on_connected_(std::move(on_connected)) {}
  ~Impl() override { stop(); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

 protected:
  void on_link_up() override {
    confirmed_ = 0;
    if (channels_.empty()) {
      subscribed();
      return;
    }
    std::vector<std::string> args;
    args.reserve(channels_.size() + 1);
    args.emplace_back("SUBSCRIBE");
    args.insert(args.end(), channels_.begin(), channels_.end());
    // privdata is this Impl: hiredis only calls back while the context lives, and the context
    // never outlives the Impl (stop() in the destructor frees it).
    if (!link()->send(args, &Impl::on_subscription, this)) {
      fail_link();
    }
  }

  void on_link_down() override { confirmed_ = 0; }

 private:
  static std::string text(const redisReply* r) {
    if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS) {
      return std::string(r->str, r->len);
    }
    return {};
  }

  /// Runs inside hiredis for every subscription reply and message; only posts.
  static void on_subscription(redisAsyncContext* ac, void* reply, void* privdata) {
    auto* self = static_cast<Impl*>(privdata);
    const auto* r = static_cast<const redisReply*>(reply);
    AsioLink* link = AsioLink::from(ac);
    if (r == nullptr || link == nullptr || r->type != REDIS_REPLY_ARRAY || r->elements < 3) {
      return;  // null: the context is being freed, on_closed handles the reconnect
    }
    std::string kind = text(r->element[0]);
    std::weak_ptr<Connection> weak = self->weak_from_this();
    if (kind == "message") {
      asio::post(self->executor(), [weak, channel = text(r->element[1]),
                                    payload = text(r->element[2])] {
        if (auto s = std::static_pointer_cast<Impl>(weak.lock()); s && s->on_message_) {
          s->on_message_(channel, payload);
        }
      });
    } else if (kind == "subscribe") {
      std::weak_ptr<AsioLink> weak_link = link->weak_from_this();
      asio::post(self->executor(), [weak, weak_link] {
        auto s = std::static_pointer_cast<Impl>(weak.lock());
        auto l = weak_link.lock();
        if (!s || !l || s->link() != l || !l->alive()) {
          return;
        }
        if (++s->confirmed_ == s->channels_.size()) {
          s->subscribed();
        }
      });
    }
  }

  void subscribed() {
    mark_ready();
    if (on_connected_) {
      on_connected_();
    }
  }

  std::vector<std::string> channels_;
  MessageHandler on_message_;
  std::function<void()> on_connected_;
  std::size_t confirmed_ = 0;
};

RedisSubscriber::RedisSubscriber(asio::any_io_executor executor, RedisOptions options,
                                 std::vector<std::string> channels, MessageHandler on_message,
                                 std::function<void()> on_connected)
    : impl_(std::make_shared<Impl>(executor, std::move(options), std::move(channels),
                                   std::move(on_message), std::move(on_connected))) {}

RedisSubscriber::~RedisSubscriber() { impl_->stop(); }

void RedisSubscriber::start() { impl_->start(); }
void RedisSubscriber::stop() { impl_->stop(); }
bool RedisSubscriber::connected() const noexcept { return impl_->ready(); }

// ---------------------------------------------------------------------------------------------
// parse_redis_url

namespace {

std::optional<std::string> percent_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) {
      return std::nullopt;
    }
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(in.data() + i + 1, in.data() + i + 3, value, 16);
    if (ec != std::errc{} || ptr != in.data() + i + 3) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(value));
    i += 2;
  }
  return out;
}

template <class T>
std::optional<T> parse_decimal(std::string_view in, T min, T max) {
  if (in.empty() || in.size() > 10 ||
      !std::all_of(in.begin(), in.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  long long value = 0;
  auto [ptr, ec] = std::from_chars(in.data(), in.data() + in.size(), value);
  if (ec != std::errc{} || ptr != in.data() + in.size() || value < min || value > max) {
    return std::nullopt;
  }
  return static_cast<T>(value);
}

}  // namespace

std::optional<RedisOptions> parse_redis_url(const std::string& url) {
  constexpr std::string_view kScheme = "redis://";
  std::string_view rest(url);
  if (rest.size() < kScheme.size()) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    char c = rest[i];
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    if (c != kScheme[i]) {
      return std::nullopt;
    }
  }
  rest.remove_prefix(kScheme.size());

  RedisOptions options;
  std::string_view authority = rest;
  std::string_view path;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    path = rest.substr(slash + 1);
  }
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      return std::nullopt;  // "user@" without a password: nothing to AUTH with
    }
    std::string_view user = userinfo.substr(0, colon);
    if (!user.empty() && user != "default") {
      return std::nullopt;  // ACL users other than "default" are not supported (AUTH <password>)
    }
    auto password = percent_decode(userinfo.substr(colon + 1));
    if (!password) {
      return std::nullopt;
    }
    options.password = std::move(*password);
  }

  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return std::nullopt;
      }
      port = after.substr(1);
      if (port.empty()) {
        return std::nullopt;
      }
    }
  } else if (auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) {
      return std::nullopt;
    }
  }
  if (host.empty() || host.find_first_of(" \t@?#") != std::string_view::npos) {
    return std::nullopt;
  }
  options.host = std::string(host);
  if (!port.empty()) {
    auto value = parse_decimal<std::uint16_t>(port, 1, 65535);
    if (!value) {
      return std::nullopt;
    }
    options.port = *value;
  }
  if (!path.empty()) {
    auto db = parse_decimal<int>(path, 0, 1'000'000);
    if (!db) {
      return std::nullopt;
    }
    options.db = *db;
  }
  return options;
}

}  // namespace hub::store
