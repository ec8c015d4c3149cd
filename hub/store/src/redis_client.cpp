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
  virtual ~Connection() = default;
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
    std::shared_ptr<AsioLink> link;
    link = AsioLink::connect(executor_, options_.host, options_.port, {}, error);
    if (!link) {
      schedule_reconnect();
      return;
    }
    link_ = link;
    std::weak_ptr<AsioLink> weak_link = link;
    // on_closed is posted by the cleanup hook; install it now the link exists.
    set_on_closed(*link, [weak, weak_link] {
      if (auto self = weak.lock()) {
        self->on_closed(weak_link.lock());
      }
    });

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

  static void set_on_closed(AsioLink& link, std::function<void()> fn);

  void on_closed(const std::shared_ptr<AsioLink>& closed) {
    if (!closed || closed != link_) {
      return;  // an older link, or stop() already dropped it
    }
    link_.reset();
    bool was_ready = ready_;
    ready_ = false;
    connect_timer_.cancel();
    on_link_down();
    if (!was_ready) {
      // failed attempt: grow the backoff
    }
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
    backoff_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      if (auto self = weak.lock(); self && !ec) {
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
  bool started_ = false;
  bool stopping_ = false;
  bool ready_ = false;
};

}  // namespace
}  // namespace hub::store
