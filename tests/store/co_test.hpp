// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <string>
#include <utility>
#include <vector>

/// Coroutine helpers for the store tests: run a coroutine to completion on an io_context with a
/// bounded wall-clock limit, and wait for a condition with a bounded deadline.
namespace hub::test {

/// gtest's ASSERT_* return from the function; in a coroutine that must be co_return.
#define CO_ASSERT_TRUE(cond)                     \
  if (!(cond)) {                                 \
    ADD_FAILURE() << "assertion failed: " #cond; \
    co_return;                                   \
  }

/// Runs the coroutine produced by `make` on `ioc` until it finishes or `limit` passes.
inline void run_co(boost::asio::io_context& ioc,
                   const std::function<boost::asio::awaitable<void>()>& make,
                   std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  bool done = false;
  std::exception_ptr error;
  boost::asio::co_spawn(ioc, make(), [&](std::exception_ptr e) {
    done = true;
    error = e;
  });
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    if (ioc.stopped()) {
      ioc.restart();
    }
    ioc.run_one_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(done) << "coroutine did not finish within the limit";
  if (error) {
    std::rethrow_exception(error);
  }
}

/// Builds a command's argv. g++ 12 miscompiles braced lists (std::initializer_list temporaries)
/// inside co_await expressions ("array used as initializer"), so coroutines build argv with this.
template <class... Args>
std::vector<std::string> cmd(Args&&... args) {
  return std::vector<std::string>{std::string(std::forward<Args>(args))...};
}

/// Builds a pipeline from cmd(...) results (same g++ 12 reason).
template <class... Commands>
std::vector<std::vector<std::string>> batch(Commands&&... commands) {
  std::vector<std::vector<std::string>> out;
  (out.push_back(std::forward<Commands>(commands)), ...);
  return out;
}

/// Polls `condition` every few milliseconds until it holds or `timeout` passes.
inline boost::asio::awaitable<bool> wait_until(std::function<bool()> condition,
                                               std::chrono::milliseconds timeout) {
  auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::steady_timer timer(executor);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      co_return false;
    }
    timer.expires_after(std::chrono::milliseconds(5));
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
  co_return true;
}

}  // namespace hub::test
