// SPDX-License-Identifier: GPL-2.0-or-later
#include "hiredis_asio.hpp"

#include <cstring>

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
  // The RESP array formatted here in one buffer of the exact size (hiredis's own formatting
  // grows an sds string through printf-style calls, several times the cost for a push).
  auto digits = [](std::size_t n) {
    std::size_t d = 1;
    while (n >= 10) {
      n /= 10;
      ++d;
    }
    return d;
  };
  std::size_t size = 3 + digits(args.size());
  for (const auto& arg : args) {
    size += 5 + digits(arg.size()) + arg.size();
  }
  std::string cmd;
  cmd.resize(size);
  char* p = cmd.data();
  auto put_number = [&p, &digits](char type, std::size_t n) {
    *p++ = type;
    const std::size_t d = digits(n);
    for (std::size_t i = d; i > 0; --i) {
      p[i - 1] = static_cast<char>('0' + n % 10);
      n /= 10;
    }
    p += d;
    *p++ = '\r';
    *p++ = '\n';
  };
  put_number('*', args.size());
  for (const auto& arg : args) {
    put_number('$', arg.size());
    std::memcpy(p, arg.data(), arg.size());
    p += arg.size();
    *p++ = '\r';
    *p++ = '\n';
  }
  return redisAsyncFormattedCommand(context_, fn, privdata, cmd.data(), cmd.size()) == REDIS_OK;
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
