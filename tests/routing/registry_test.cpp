// SPDX-License-Identifier: GPL-2.0-or-later
// The party registry against a real redis-server: writes, unique indexes, and several hub
// instances sharing one registry through pub/sub.
#include <hub/core/io_context.hpp>
#include <hub/store/redis.hpp>
#include <routing/registry.hpp>
#include <test_support/redis_fixture.hpp>

#include <boost/asio.hpp>

#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

namespace {

namespace asio = boost::asio;
using hub::Errc;
using hub::model::Party;
using hub::model::PartyStatus;
using hub::model::Protocol;
using hub::model::Role;
using namespace std::chrono_literals;

/// One hub instance's registry: its own io_context thread, Redis connection and subscriber.
class Instance {
 public:
  explicit Instance(const hub::store::RedisOptions& options)
      : strand_(asio::make_strand(ioc_)),
        redis_(strand_, options),
        registry_(strand_, redis_, [this](const hub::routing::RoutingTable&) {
          std::lock_guard lock(mutex_);
          ++changes_;
          cv_.notify_all();
        }),
        subscriber_(strand_, options, {hub::routing::kRegistryChannel},
                    [this](const std::string&, const std::string& id) { registry_.on_announcement(id); },
                    [this] { registry_.on_subscriber_connected(); }) {
    asio::post(strand_, [this] {
      redis_.start();
      subscriber_.start();
    });
    work_.emplace(ioc_.get_executor());
    thread_ = std::thread([this] { ioc_.run(); });
    EXPECT_TRUE(asio::co_spawn(
                    strand_, [this]() -> asio::awaitable<bool> { co_return co_await redis_.wait_connected(10s); },
                    asio::use_future)
                    .get());
  }

  ~Instance() {
    asio::co_spawn(strand_, [this]() -> asio::awaitable<void> {
      subscriber_.stop();
      redis_.stop();
      co_return;
    }, asio::use_future).get();
    work_.reset();
    ioc_.stop();
    thread_.join();
  }

  template <class F>
  auto run(F f) {
    return asio::co_spawn(strand_, std::move(f), asio::use_future).get();
  }

  hub::Result<Party> create(Party p) {
    return run([&]() { return registry_.create(p); });
  }

  /// Waits (bounded) until the snapshot satisfies `pred`.
  bool wait_for(const std::function<bool(const hub::routing::RoutingTable&)>& pred) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, 20s, [&] { return pred(*registry_.snapshot()); });
  }

  hub::routing::Registry& registry() { return registry_; }
  bool wait_connected() {
    return run([this]() -> asio::awaitable<bool> { co_return co_await redis_.wait_connected(20s); });
  }

 private:
  hub::IoContext ioc_;
  asio::strand<asio::io_context::executor_type> strand_;
  hub::store::RedisClient redis_;
  hub::routing::Registry registry_;
  hub::store::RedisSubscriber subscriber_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  int changes_ = 0;
};

Party ocpi_party(std::string name, Role role, std::string cc, std::string pid) {
  Party p;
  p.name = std::move(name);
  p.protocol = Protocol::ocpi;
  p.roles.push_back({role, {std::move(cc), std::move(pid)}});
  p.ocpi.token_a = "token-a-" + p.name;
  p.status = PartyStatus::planned;
  return p;
}

Party ochp_party(std::string name, std::string user) {
  Party p;
  p.name = std::move(name);
  p.protocol = Protocol::ochp;
  p.roles.push_back({Role::cpo, {"DE", "OCH"}});
  p.ochp.username = std::move(user);
  p.ochp.password_salt = "salt";
  p.ochp.password_hash = "hash";
  p.status = PartyStatus::connected;
  return p;
}

class RegistryTest : public ::testing::Test {
 protected:
  hub::test::RedisServer redis_;
};

TEST_F(RegistryTest, CreateAssignsAnIdAndShowsInTheSnapshot) {
  Instance hub(redis_.options());
  auto created = hub.create(ocpi_party("cpo-one", Role::cpo, "DE", "ABC"));
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_FALSE(created->id.empty());
  EXPECT_GT(created->created_at, 0);
  auto snap = hub.registry().snapshot();
  ASSERT_NE(snap->find(created->id), nullptr);
  EXPECT_EQ(snap->resolve(Role::cpo, {"DE", "ABC"})->id, created->id);
  EXPECT_EQ(snap->find_ocpi_token("token-a-cpo-one")->id, created->id);
}

TEST_F(RegistryTest, DuplicateRoleUsernameOrTokenIsAConflict) {
  Instance hub(redis_.options());
  ASSERT_TRUE(hub.create(ocpi_party("first", Role::cpo, "DE", "ABC")));
  auto same_role = hub.create(ocpi_party("second", Role::cpo, "de", "abc"));
  ASSERT_FALSE(same_role);
  EXPECT_EQ(same_role.error(), Errc::conflict);
  // The same party id under another role is fine.
  EXPECT_TRUE(hub.create(ocpi_party("third", Role::emsp, "DE", "ABC")));

  ASSERT_TRUE(hub.create(ochp_party("ochp-a", "user-a")));
  auto same_user = ochp_party("ochp-b", "user-a");
  same_user.roles = {{Role::emsp, {"NL", "OCH"}}};
  auto r = hub.create(same_user);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Errc::conflict);
  EXPECT_EQ(hub.registry().snapshot()->parties().size(), 3u);
}

TEST_F(RegistryTest, InvalidPartyIsRefusedBeforeStorage) {
  Instance hub(redis_.options());
  auto bad = ocpi_party("", Role::cpo, "DE", "ABC");
  auto r = hub.create(bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Errc::invalid_request);
  auto no_creds = ochp_party("x", "");
  EXPECT_EQ(hub.create(no_creds).error(), Errc::invalid_request);
}

TEST_F(RegistryTest, UpdateChangesStatusAndReindexesRoles) {
  Instance hub(redis_.options());
  auto created = hub.create(ocpi_party("cpo", Role::cpo, "DE", "ABC"));
  ASSERT_TRUE(created);
  auto id = created->id;
  auto updated = hub.run([&]() {
    return hub.registry().update(id, [](Party& p) {
      p.status = PartyStatus::suspended;
      p.roles = {{Role::cpo, {"DE", "NEW"}}};
    });
  });
  ASSERT_TRUE(updated);
  auto snap = hub.registry().snapshot();
  EXPECT_EQ(snap->find(id)->status, PartyStatus::suspended);
  EXPECT_EQ(snap->resolve(Role::cpo, {"DE", "ABC"}), nullptr);
  EXPECT_EQ(snap->resolve(Role::cpo, {"DE", "NEW"})->id, id);
  // The released role can be taken by another party.
  EXPECT_TRUE(hub.create(ocpi_party("other", Role::cpo, "DE", "ABC")));
  auto missing = hub.run([&]() { return hub.registry().update("nope", [](Party&) {}); });
  EXPECT_EQ(missing.error(), Errc::not_found);
}

TEST_F(RegistryTest, RemoveFreesTheRoles) {
  Instance hub(redis_.options());
  auto created = hub.create(ocpi_party("cpo", Role::cpo, "DE", "ABC"));
  ASSERT_TRUE(created);
  auto removed = hub.run([&]() { return hub.registry().remove(created->id); });
  ASSERT_TRUE(removed);
  EXPECT_EQ(hub.registry().snapshot()->find(created->id), nullptr);
  EXPECT_TRUE(hub.create(ocpi_party("again", Role::cpo, "DE", "ABC")));
  auto twice = hub.run([&]() { return hub.registry().remove(created->id); });
  EXPECT_EQ(twice.error(), Errc::not_found);
}

TEST_F(RegistryTest, SeveralInstancesSeeOneChange) {
  Instance a(redis_.options());
  Instance b(redis_.options());
  Instance c(redis_.options());
  auto created = a.create(ocpi_party("shared", Role::emsp, "NL", "XYZ"));
  ASSERT_TRUE(created);
  auto id = created->id;
  EXPECT_TRUE(b.wait_for([&](const auto& t) { return t.find(id) != nullptr; }));
  EXPECT_TRUE(c.wait_for([&](const auto& t) { return t.resolve(Role::emsp, {"NL", "XYZ"}) != nullptr; }));
  // A suspension made on b reaches a and c.
  ASSERT_TRUE(b.run([&]() { return b.registry().update(id, [](Party& p) { p.status = PartyStatus::suspended; }); }));
  EXPECT_TRUE(a.wait_for([&](const auto& t) { return t.find(id) && t.find(id)->status == PartyStatus::suspended; }));
  EXPECT_TRUE(c.wait_for([&](const auto& t) { return t.find(id) && t.find(id)->status == PartyStatus::suspended; }));
  ASSERT_TRUE(c.run([&]() { return c.registry().remove(id); }));
  EXPECT_TRUE(a.wait_for([&](const auto& t) { return t.find(id) == nullptr; }));
  EXPECT_TRUE(b.wait_for([&](const auto& t) { return t.find(id) == nullptr; }));
}

TEST_F(RegistryTest, AnInstanceCatchesUpAfterRedisComesBack) {
  Instance a(redis_.options());
  Instance b(redis_.options());
  redis_.restart();  // both instances lose their connections; AOF keeps the data
  // a writes once its connection is back (a write issued before a noticed the restart fails
  // as unavailable; then it waits for the reconnection); b's subscriber reconnects and reloads.
  hub::Result<Party> created = hub::make_error_code(Errc::unavailable);
  for (int attempt = 0; attempt < 5 && !created; ++attempt) {
    ASSERT_TRUE(a.wait_connected());
    created = a.create(ocpi_party("after-restart", Role::cpo, "FR", "ABC"));
  }
  ASSERT_TRUE(created);
  auto id = created->id;
  EXPECT_TRUE(b.wait_for([&](const auto& t) { return t.find(id) != nullptr; }));
}

TEST_F(RegistryTest, WritesFailCleanlyWhileRedisIsDown) {
  Instance hub(redis_.options());
  redis_.kill();
  auto r = hub.create(ocpi_party("cpo", Role::cpo, "DE", "ABC"));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error() == Errc::unavailable || r.error() == Errc::deadline_exceeded) << r.error().message();
}

}  // namespace
