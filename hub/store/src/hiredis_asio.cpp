// SPDX-License-Identifier: GPL-2.0-or-later
#include "hiredis_asio.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <boost/asio/post.hpp>

#include <utility>

namespace hub::store::detail {

namespace asio = boost::asio;

AsioLink::AsioLink(asio::any_io_executor executor)
    : executor_(executor), descriptor_(executor) {}

AsioLink::~AsioLink() {
  if (context_ != nullptr) {
    // Not reachable through the owners (they close first), but never leak the context.
    redisAsyncFree(context_);
  }
}

std::shared_ptr<AsioLink> AsioLink::connect(asio::any_io_executor executor, const std::string& host,
                                            std::uint16_t port, ClosedHandler on_closed,
                                            std::string& error) {
  redisAsyncContext* ac = redisAsyncConnect(host.c_str(), port);
  if (ac == nullptr) {
    error = "out of memory";
    return nullptr;
  }
  if (ac->err != 0) {
    error = ac->errstr != nullptr ? ac->errstr : "connect failed";
    redisAsyncFree(ac);
    return nullptr;
  }
  std::shared_ptr<AsioLink> link(new AsioLink(executor));
  boost::system::error_code ec;
  link->descriptor_.assign(ac->c.fd, ec);
  if (ec) {
    error = "cannot watch the socket: " + ec.message();
    redisAsyncFree(ac);  // no hooks installed yet: hiredis just closes the socket
    return nullptr;
  }
  link->context_ = ac;
  link->on_closed_ = std::move(on_closed);
  ac->data = link.get();
  ac->ev.data = link.get();
  ac->ev.addRead = &AsioLink::add_read;
  ac->ev.delRead = &AsioLink::del_read;
  ac->ev.addWrite = &AsioLink::add_write;
  ac->ev.delWrite = &AsioLink::del_write;
  ac->ev.cleanup = &AsioLink::cleanup;
  // hiredis completes a non-blocking connect on the first writable event; ask for it now so a
  // failed connect is noticed even before any command is queued.
  add_write(link.get());
  return link;
}

AsioLink* AsioLink::from(const redisAsyncContext* ac) noexcept {
  return ac != nullptr ? static_cast<AsioLink*>(ac->data) : nullptr;
}

bool AsioLink::send(const std::vector<std::string>& args, RedisCallbackFn* fn, void* privdata) {
  if (context_ == nullptr || args.empty()) {
    return false;
  }
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const auto& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  return redisAsyncCommandArgv(context_, fn, privdata, static_cast<int>(args.size()), argv.data(),
                               lengths.data()) == REDIS_OK;
}

void AsioLink::close(bool shutting_down) {
  if (context_ == nullptr) {
    return;
  }
  closing_for_stop_ = closing_for_stop_ || shutting_down;
  // Keep ourselves alive while hiredis runs the callbacks and the cleanup hook.
  auto self = shared_from_this();
  redisAsyncFree(context_);
}

void AsioLink::add_read(void* data) {
  auto* link = static_cast<AsioLink*>(data);
  link->reading_ = true;
  link->arm_read();
}

void AsioLink::del_read(void* data) { static_cast<AsioLink*>(data)->reading_ = false; }

void AsioLink::add_write(void* data) {
  auto* link = static_cast<AsioLink*>(data);
  link->writing_ = true;
  link->arm_write();
}

void AsioLink::del_write(void* data) { static_cast<AsioLink*>(data)->writing_ = false; }

void AsioLink::cleanup(void* data) {
  auto* link = static_cast<AsioLink*>(data);
  link->context_ = nullptr;
  link->reading_ = false;
  link->writing_ = false;
  // Non-owning: release() aborts the pending waits and deregisters the fd; hiredis closes it.
  if (link->descriptor_.is_open()) {
    static_cast<void>(link->descriptor_.release());
  }
  if (auto self = link->weak_from_this().lock(); self && link->on_closed_) {
    asio::post(link->executor_,
               [self, on_closed = std::move(link->on_closed_)] { on_closed(self); });
  }
  link->on_closed_ = nullptr;
}

void AsioLink::arm_read() {
  if (read_armed_ || context_ == nullptr || !reading_) {
    return;
  }
  read_armed_ = true;
  descriptor_.async_wait(asio::posix::descriptor_base::wait_read,
                         [self = shared_from_this()](const boost::system::error_code& ec) {
                           self->read_armed_ = false;
                           if (ec || self->context_ == nullptr || !self->reading_) {
                             return;
                           }
                           // May free the context (EOF, error): the cleanup hook then nulls it.
                           redisAsyncHandleRead(self->context_);
                           self->arm_read();
                         });
}

void AsioLink::arm_write() {
  if (write_armed_ || context_ == nullptr || !writing_) {
    return;
  }
  write_armed_ = true;
  descriptor_.async_wait(asio::posix::descriptor_base::wait_write,
                         [self = shared_from_this()](const boost::system::error_code& ec) {
                           self->write_armed_ = false;
                           if (ec || self->context_ == nullptr || !self->writing_) {
                             return;
                           }
                           redisAsyncHandleWrite(self->context_);
                           self->arm_write();
                         });
}

}  // namespace hub::store::detail
