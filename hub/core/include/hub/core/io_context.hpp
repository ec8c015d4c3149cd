// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>

/// The hub's io_context: Asio's, plus, in an io_uring build, a drain before it is destroyed.
///
/// With Asio 1.81 on io_uring (HUB_IO_URING), an operation of a socket or descriptor that was
/// closed stays queued until the ring reports its cancellation, which only running the context
/// collects. A context destroyed before that destroys such operations after the services they
/// refer to (a use after free at shutdown, seen under AddressSanitizer). So whoever owns an
/// io_context uses this one: in an io_uring build its destructor first runs the handlers still
/// due, briefly, on the destroying thread (the context's own threads have been joined by then).
/// The epoll build (the default) leaves nothing behind and does not drain.
/// Thread safety: as boost::asio::io_context; destroy it once no thread runs it.
namespace hub {

class IoContext : public boost::asio::io_context {
 public:
  using boost::asio::io_context::io_context;
  IoContext(const IoContext&) = delete;
  IoContext& operator=(const IoContext&) = delete;

  ~IoContext() {
#ifdef HUB_IO_URING
    drain();
#endif
  }

  /// Runs what is left (cancellations the ring still has to report and the handlers they
  /// complete) for at most `limit`; returns at once when nothing is outstanding.
  void drain(std::chrono::milliseconds limit = std::chrono::milliseconds(2000)) noexcept {
    try {
      restart();
      run_for(limit);
    } catch (...) {
      // A handler threw while draining: the context is being destroyed anyway.
    }
  }
};

}  // namespace hub
