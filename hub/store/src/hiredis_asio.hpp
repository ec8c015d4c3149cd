// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

struct redisAsyncContext;
struct redisReply;
using RedisCallbackFn = void(struct redisAsyncContext*, void*, void*);

/// Private glue between hiredis' async context and Asio (hiredis 0.14 ships no Asio adapter).
///
/// One AsioLink owns one redisAsyncContext (one connection attempt). hiredis asks for read/write
/// interest through the ev hooks; the link maps them onto async_wait() of a NON-OWNING
/// stream_descriptor on the context's socket and calls redisAsyncHandleRead/Write when ready.
/// hiredis owns and closes the socket: the cleanup hook (called while hiredis frees the context,
/// for an error, an EOF, a failed connect or close()) releases the descriptor, forgets the
/// context and posts on_closed to the executor. Every Asio handler holds a shared_ptr to the link
/// and checks that the context is still alive before touching it, so nothing runs on freed memory.
///
/// Thread safety: everything runs on the executor given to connect() (a strand or a single-threaded
/// io_context). Never call close() or send() from inside a hiredis callback; the owners post all
/// reactions to the executor instead.
namespace hub::store::detail {

class AsioLink : public std::enable_shared_from_this<AsioLink> {
 public:
  using ClosedHandler = std::function<void(const std::shared_ptr<AsioLink>& link)>;

  /// Starts a non-blocking connect. On an immediate failure returns nullptr and sets `error`.
  /// on_closed is posted (once) after hiredis freed the context, whatever the reason.
  static std::shared_ptr<AsioLink> connect(boost::asio::any_io_executor executor,
                                           const std::string& host, std::uint16_t port,
                                           ClosedHandler on_closed, std::string& error);
  ~AsioLink();
  AsioLink(const AsioLink&) = delete;
  AsioLink& operator=(const AsioLink&) = delete;

  /// Queues one binary-safe command; fn(ac, reply, privdata) runs once with the reply, or with a
  /// null reply when the context is freed first. False if the context is gone or disconnecting
  /// (then fn is never called).
  bool send(const std::vector<std::string>& args, RedisCallbackFn* fn, void* privdata);
  /// Frees the context: pending callbacks run with a null reply, then on_closed is posted.
  /// `shutting_down` marks the close as requested by stop() (see closing_for_stop()).
  void close(bool shutting_down = false);
  bool alive() const noexcept { return context_ != nullptr; }
  bool closing_for_stop() const noexcept { return closing_for_stop_; }

  /// The link a hiredis callback belongs to (ac->data), or nullptr.
  static AsioLink* from(const redisAsyncContext* ac) noexcept;

 private:
  explicit AsioLink(boost::asio::any_io_executor executor);

  static void add_read(void* data);
  static void del_read(void* data);
  static void add_write(void* data);
  static void del_write(void* data);
  static void cleanup(void* data);

  void arm_read();
  void arm_write();

  boost::asio::any_io_executor executor_;
  boost::asio::posix::stream_descriptor descriptor_;
  redisAsyncContext* context_ = nullptr;
  ClosedHandler on_closed_;
  bool reading_ = false;
  bool writing_ = false;
  bool read_armed_ = false;
  bool write_armed_ = false;
  bool closing_for_stop_ = false;
};

}  // namespace hub::store::detail
