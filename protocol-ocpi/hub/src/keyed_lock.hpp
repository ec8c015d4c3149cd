// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

/// Serialises the read-modify-writes of one object within this process: a coroutine that merges
/// into a stored object holds the object's key while it reads, merges and writes. The store's
/// conditional write (IfUnchanged) stays the guarantee across hub instances; the lock keeps
/// concurrent pushes into one hot object (EVSE updates of one Location) from starving each other
/// with refused writes. Waiters are served in arrival order.
/// Thread safety: lock() may be awaited from any executor and thread.
namespace hub::ocpi {

class KeyedLocks {
  using Channel = boost::asio::experimental::concurrent_channel<void(boost::system::error_code)>;

 public:
  /// Held while it lives; hands the key to the next waiter when destroyed.
  class Held {
   public:
    Held() = default;
    Held(KeyedLocks* owner, std::string key) : owner_(owner), key_(std::move(key)) {}
    Held(Held&& o) noexcept : owner_(std::exchange(o.owner_, nullptr)), key_(std::move(o.key_)) {}
    Held& operator=(Held&& o) noexcept {
      if (this != &o) {
        release();
        owner_ = std::exchange(o.owner_, nullptr);
        key_ = std::move(o.key_);
      }
      return *this;
    }
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;
    ~Held() { release(); }

   private:
    void release() {
      if (owner_ != nullptr) {
        std::exchange(owner_, nullptr)->release(key_);
      }
    }
    KeyedLocks* owner_ = nullptr;
    std::string key_;
  };

  boost::asio::awaitable<Held> lock(std::string key) {
    auto executor = co_await boost::asio::this_coro::executor;
    std::shared_ptr<Channel> handover;
    {
      std::lock_guard guard(mutex_);
      auto [it, first] = waiters_.try_emplace(key);
      if (!first) {
        handover = std::make_shared<Channel>(executor, 1);
        it->second.push_back(handover);
      }
    }
    if (handover) {
      // The holder hands the key over by sending on this channel (buffered: it never blocks).
      co_await handover->async_receive(boost::asio::use_awaitable);
    }
    co_return Held(this, std::move(key));
  }

 private:
  void release(const std::string& key) {
    std::lock_guard guard(mutex_);
    auto it = waiters_.find(key);
    if (it == waiters_.end()) {
      return;
    }
    auto& queue = it->second;
    while (!queue.empty()) {
      auto next = std::move(queue.front());
      queue.pop_front();
      // use_count 1: the waiter's coroutine is gone (its io_context stopped): skipped.
      if (next.use_count() > 1 && next->try_send(boost::system::error_code{})) {
        return;  // handed over: the key stays held
      }
    }
    waiters_.erase(it);
  }

  std::mutex mutex_;
  /// Held keys, each with the channels of its waiters in arrival order.
  std::unordered_map<std::string, std::deque<std::shared_ptr<Channel>>> waiters_;
};

}  // namespace hub::ocpi
