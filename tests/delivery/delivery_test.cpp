// SPDX-License-Identifier: GPL-2.0-or-later
// The durable bus and the delivery engine against a real redis-server (AOF, appendfsync always)
// and real HTTP destinations on loopback: nothing accepted is lost, order per object holds,
// superseded states coalesce, failures retry or become dead letters, instances take over.
#include "receiver.hpp"

#include <hub/core/io_context.hpp>
#include <hub/bus/bus.hpp>
#include <hub/bus/delivery.hpp>
#include <hub/metrics/metrics.hpp>
#include <hub/store/redis.hpp>
#include <test_support/post_outbound.hpp>
#include <test_support/process.hpp>
#include <test_support/redis_fixture.hpp>

#include <boost/asio.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <optional>
#include <set>

namespace {

namespace asio = boost::asio;
using hub::Errc;
using hub::bus::Event;
using hub::bus::Kind;
using hub::test::Receiver;
using namespace std::chrono_literals;

hub::bus::EngineOptions engine_options(const std::string& instance) {
  hub::bus::EngineOptions eo;
  eo.instance_id = instance;
  eo.lease_ttl = 1000ms;
  eo.sweep_interval = 100ms;
  eo.backoff_initial = 20ms;
  eo.backoff_max = 200ms;
  return eo;
}

Event cdr(const std::string& destination, int i) {
  return Event{"cpo", destination, Kind::cdr, "CDR-" + std::to_string(i), "{\"id\":\"CDR-" + std::to_string(i) + "\"}"};
}

class DeliveryTest : public ::testing::Test {
 protected:
  /// Runs a coroutine on the publisher's strand and waits for it.
  template <class F>
  auto run(F f) -> decltype(asio::co_spawn(std::declval<asio::strand<asio::io_context::executor_type>&>(),
                                            std::move(f), asio::use_future)
                                .get()) {
    return asio::co_spawn(strand_, std::move(f), asio::use_future).get();
  }

  DeliveryTest()
      : work_(ioc_.get_executor()),
        strand_(asio::make_strand(ioc_)),
        client_(strand_, redis_.options()),
        bus_(strand_, client_),
        receiver_(ioc_) {
    for (int i = 0; i < 2; ++i) {
      threads_.emplace_back([this] { ioc_.run(); });
    }
    receiver_.start();
    run([this]() -> asio::awaitable<bool> {
      client_.start();
      co_return co_await client_.wait_connected(10s);
    });
  }

  ~DeliveryTest() override {
    stop_engines();
    receiver_.stop();
    run([this]() -> asio::awaitable<bool> {
      client_.stop();
      co_return true;
    });
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) {
      t.join();
    }
  }


  hub::Result<hub::bus::Published> publish(Event e) {
    return run([&]() { return bus_.publish(e); });
  }

  /// Publishes in batches (one round trip each); returns the keys acknowledged.
  std::set<std::string> publish_all(std::vector<Event> events) {
    std::size_t ignored = 0;
    return publish_all(std::move(events), ignored);
  }
  std::set<std::string> publish_all(std::vector<Event> events, std::size_t& acknowledged) {
    std::set<std::string> acked;
    acknowledged = 0;
    for (std::size_t i = 0; i < events.size(); i += 500) {
      std::vector<Event> batch(events.begin() + static_cast<long>(i),
                               events.begin() + static_cast<long>(std::min(events.size(), i + 500)));
      auto results = run([&]() { return bus_.publish_many(batch); });
      for (std::size_t j = 0; j < results.size(); ++j) {
        if (results[j]) {
          acked.insert(batch[j].key);
          ++acknowledged;
        }
      }
    }
    return acked;
  }

  /// `lease`: the engine's lease (1 s unless given, so that lease tests run quickly).
  hub::bus::DeliveryEngine& start_engine(const std::string& instance, hub::metrics::Metrics* metrics = nullptr,
                                         std::optional<std::chrono::milliseconds> lease = std::nullopt) {
    outbounds_.push_back(std::make_unique<hub::test::PostOutbound>(ioc_.get_executor(), receiver_.base_url()));
    auto* outbound = outbounds_.back().get();
    auto options = engine_options(instance);
    if (lease) {
      options.lease_ttl = *lease;
    }
    engines_.push_back(std::make_unique<hub::bus::DeliveryEngine>(
        ioc_, redis_.options(), hub::bus::BusOptions{}, std::move(options),
        [outbound](const std::string&) { return outbound; }, metrics));
    engines_.back()->start();
    return *engines_.back();
  }

  /// Stops and destroys the engines (before anything they were given that a test owns).
  void stop_engines() {
    for (auto& e : engines_) {
      asio::co_spawn(ioc_, e->stop(), asio::use_future).get();
    }
    engines_.clear();
  }

  hub::test::RedisServer redis_;
  hub::IoContext ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  asio::strand<asio::io_context::executor_type> strand_;
  hub::store::RedisClient client_;
  hub::bus::Bus bus_;
  Receiver receiver_;
  std::vector<std::thread> threads_;
  std::vector<std::unique_ptr<hub::test::PostOutbound>> outbounds_;
  std::vector<std::unique_ptr<hub::bus::DeliveryEngine>> engines_;
};

TEST_F(DeliveryTest, PublishIsIdempotentPerObjectState) {
  start_engine("a");
  auto first = publish(Event{"cpo", "emsp", Kind::evse_status, "EVSE-1", "AVAILABLE"});
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->duplicate);
  ASSERT_TRUE(receiver_.wait_until([&] { return receiver_.total("emsp") == 1; }));
  auto again = publish(Event{"cpo", "emsp", Kind::evse_status, "EVSE-1", "AVAILABLE"});
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->id, first->id);
  auto changed = publish(Event{"cpo", "emsp", Kind::evse_status, "EVSE-1", "CHARGING"});
  ASSERT_TRUE(changed);
  EXPECT_FALSE(changed->duplicate);
  EXPECT_EQ(publish(Event{"cpo", "", Kind::cdr, "x", "{}"}).error(), Errc::invalid_request);
  ASSERT_TRUE(receiver_.wait_until([&] { return receiver_.total("emsp") >= 2; }));
  auto items = receiver_.items("emsp");
  ASSERT_EQ(items.size(), 2u);  // the repeated state was not delivered again
  EXPECT_EQ(items[0].payload, "AVAILABLE");
  EXPECT_EQ(items[1].payload, "CHARGING");
  EXPECT_FALSE(items[0].delivery_id.empty());
}

TEST_F(DeliveryTest, AWriteAndItsEventsGoInOneScriptCallAndAreDelivered) {
  start_engine("a");
  // An adapter's own write (here: a hash of the object) with the events it causes.
  static constexpr const char* kWrite = R"lua(
local existed = redis.call('EXISTS', KEYS[1])
redis.call('HSET', KEYS[1], 'json', ARGV[1])
return existed
)lua";
  auto write = [](std::string json) {
    return hub::bus::Write{kWrite, {"test:obj:CDR-1"}, {std::move(json)}};
  };
  std::vector<Event> two{cdr("emsp", 1), cdr("emsp2", 1), Event{"cpo", "", Kind::cdr, "x", "{}"}};
  auto w = run([&]() { return bus_.write_and_publish(write("{\"v\":1}"), two); });
  ASSERT_TRUE(w.write) << w.write.error().message();
  ASSERT_FALSE(w.write->is_error()) << w.write->str;
  EXPECT_EQ(w.write->integer, 0);  // the object was new
  ASSERT_EQ(w.published.size(), 3u);
  ASSERT_TRUE(w.published[0]);
  ASSERT_TRUE(w.published[1]);
  EXPECT_FALSE(w.published[0]->duplicate);
  EXPECT_NE(w.published[0]->id.find("emsp:"), std::string::npos);
  EXPECT_EQ(w.published[2].error(), Errc::invalid_request);  // no destination: not sent
  ASSERT_TRUE(receiver_.wait_until([&] { return receiver_.total("emsp") == 1 && receiver_.total("emsp2") == 1; }));
  EXPECT_EQ(receiver_.items("emsp")[0].payload, "{\"id\":\"CDR-1\"}");

  // The same again: the write sees the object, the events are duplicates (not queued again).
  auto again = run([&]() { return bus_.write_and_publish(write("{\"v\":2}"), {cdr("emsp", 1)}); });
  ASSERT_TRUE(again.write);
  EXPECT_EQ(again.write->integer, 1);
  ASSERT_TRUE(again.published[0]);
  EXPECT_TRUE(again.published[0]->duplicate);
  EXPECT_EQ(again.published[0]->id, w.published[0]->id);
  auto stored = run([&]() { return client_.command({"HGET", "test:obj:CDR-1", "json"}); });
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->str, "{\"v\":2}");

  // A write that fails queues nothing.
  static constexpr const char* kFailing = "return redis.call('INCR', KEYS[1])";
  ASSERT_TRUE(run([&]() { return client_.command({"SET", "test:text", "not a number"}); }));
  auto failed = run([&]() {
    return bus_.write_and_publish(hub::bus::Write{kFailing, {"test:text"}, {}}, {cdr("emsp", 2)});
  });
  ASSERT_TRUE(failed.write);
  EXPECT_TRUE(failed.write->is_error());
  ASSERT_EQ(failed.published.size(), 1u);
  EXPECT_FALSE(failed.published[0]);

  // A write that refuses itself (a conditional write whose condition no longer holds: -1,
  // kWriteRefused) queues nothing either, and says so per event.
  static constexpr const char* kConditional = R"lua(
if redis.call('HGET', KEYS[1], 'json') ~= ARGV[1] then return -1 end
redis.call('HSET', KEYS[1], 'json', ARGV[2])
return 1
)lua";
  auto refused = run([&]() {
    return bus_.write_and_publish(hub::bus::Write{kConditional, {"test:obj:CDR-1"}, {"{\"v\":1}", "{\"v\":3}"}},
                                  {cdr("emsp", 5), cdr("emsp2", 5)});
  });
  ASSERT_TRUE(refused.write);
  EXPECT_EQ(refused.write->integer, hub::bus::kWriteRefused);
  ASSERT_EQ(refused.published.size(), 2u);
  EXPECT_EQ(refused.published[0].error(), Errc::conflict);
  EXPECT_EQ(refused.published[1].error(), Errc::conflict);
  auto accepted = run([&]() {
    return bus_.write_and_publish(hub::bus::Write{kConditional, {"test:obj:CDR-1"}, {"{\"v\":2}", "{\"v\":3}"}},
                                  {cdr("emsp2", 6)});
  });
  ASSERT_TRUE(accepted.write);
  EXPECT_EQ(accepted.write->integer, 1);
  ASSERT_TRUE(accepted.published[0]);
  // ... while a later event is delivered after them: CDR-2 and CDR-5 never arrived, CDR-3 does.
  ASSERT_TRUE(publish(cdr("emsp", 3)));
  ASSERT_TRUE(receiver_.wait_until([&] { return receiver_.total("emsp") == 2 && receiver_.total("emsp2") == 2; }));
  auto items = receiver_.items("emsp");
  EXPECT_EQ(items[1].payload, "{\"id\":\"CDR-3\"}");
  EXPECT_EQ(receiver_.items("emsp2")[1].payload, "{\"id\":\"CDR-6\"}");
}

TEST_F(DeliveryTest, AWriteAndItsEventsFailTogetherWhileRedisIsDown) {
  redis_.kill();
  static constexpr const char* kWrite = "return redis.call('SET', KEYS[1], ARGV[1])";
  auto down = run([&]() { return bus_.write_and_publish(hub::bus::Write{kWrite, {"k"}, {"v"}}, {cdr("emsp", 4)}); });
  ASSERT_FALSE(down.write);
  EXPECT_TRUE(down.write.error() == Errc::unavailable || down.write.error() == Errc::deadline_exceeded);
  ASSERT_EQ(down.published.size(), 1u);
  EXPECT_FALSE(down.published[0]);
}

TEST_F(DeliveryTest, PublishFailsRetryablyWhileRedisIsDown) {
  redis_.kill();
  auto r = publish(cdr("emsp", 1));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error() == Errc::unavailable || r.error() == Errc::deadline_exceeded) << r.error().message();
}

TEST_F(DeliveryTest, TenThousandCdrsSurviveARefusingDestination) {
  receiver_.stop();  // connections are refused from now on
  // The production lease (10 s): the exact count below holds only while no lease runs out, and
  // a sanitizer build beside other heavy tests stalled past a 1 s lease mid-batch, which
  // delivers that batch again (at-least-once; ACallLongerThanTheLeaseCompletesOnce tests leases).
  auto& engine = start_engine("a", nullptr, std::chrono::milliseconds(10000));
  std::vector<Event> events;
  for (int i = 0; i < 10000; ++i) {
    events.push_back(cdr("emsp", i));
  }
  auto acked = publish_all(std::move(events));
  ASSERT_EQ(acked.size(), 10000u);
  auto pending = asio::co_spawn(ioc_, engine.list("emsp", "pending", 20000), asio::use_future).get();
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->size(), 10000u);

  receiver_.start();  // same port
  ASSERT_TRUE(receiver_.wait_until([&] { return receiver_.distinct("emsp") == 10000; }))
      << receiver_.distinct("emsp") << " of 10000 arrived";
  EXPECT_EQ(receiver_.total("emsp"), 10000u);  // no id twice
  std::set<std::string> got;
  for (const auto& item : receiver_.items("emsp")) {
    got.insert(item.key);
  }
  EXPECT_EQ(got, acked);
}

TEST_F(DeliveryTest, ABackloggedDestinationGetsOnlyTheLatestStatePerEvseInOrder) {
  receiver_.stop();
  start_engine("a");
  std::vector<Event> events;
  for (int state = 0; state < 50; ++state) {
    for (int evse = 0; evse < 20; ++evse) {
      events.push_back(
          Event{"cpo", "emsp", Kind::evse_status, "EVSE-" + std::to_string(evse), "state-" + std::to_string(state)});
    }
  }
  for (int i = 0; i < 30; ++i) {
    events.push_back(cdr("emsp", i));
  }
  std::size_t acknowledged = 0;
  publish_all(std::move(events), acknowledged);
  ASSERT_EQ(acknowledged, 1030u);
  receiver_.start();
  auto done = [&] {
    std::map<std::string, std::string> last;
    std::size_t cdrs = 0;
    for (const auto& item : receiver_.items("emsp")) {
      if (item.key.rfind("CDR-", 0) == 0) {
        ++cdrs;
      } else {
        last[item.key] = item.payload;
      }
    }
    if (cdrs != 30 || last.size() != 20) {
      return false;
    }
    for (const auto& [key, payload] : last) {
      if (payload != "state-49") {
        return false;
      }
    }
    return true;
  };
  ASSERT_TRUE(receiver_.wait_until(done));
  std::map<std::string, int> previous;
  std::size_t status_deliveries = 0;
  for (const auto& item : receiver_.items("emsp")) {
    if (item.key.rfind("EVSE-", 0) != 0) {
      continue;
    }
    ++status_deliveries;
    int state = std::stoi(item.payload.substr(6));
    auto it = previous.find(item.key);
    if (it != previous.end()) {
      EXPECT_GT(state, it->second) << item.key << " went back in time";
    }
    previous[item.key] = state;
  }
  std::cout << "status deliveries after the backlog: " << status_deliveries << " of 1000 published\n";
  EXPECT_LE(status_deliveries, 60u);  // the latest per EVSE, plus at most the lane heads in flight
}

TEST_F(DeliveryTest, PermanentFailuresBecomeDeadLettersAndCanBeRequeued) {
  std::atomic<bool> refuse{true};
  receiver_.set_status([&](const std::string& key) { return refuse && key == "CDR-1" ? 400 : 200; });
  auto& engine = start_engine("a");
  publish_all({cdr("emsp", 0), cdr("emsp", 1), cdr("emsp", 2)});
  ASSERT_TRUE(receiver_.wait_until([&] { return receiver_.distinct("emsp") == 2; }));
  std::vector<hub::bus::DeliveryInfo> dead;
  for (int i = 0; i < 200 && dead.empty(); ++i) {
    auto r = asio::co_spawn(ioc_, engine.list("emsp", "dead", 10), asio::use_future).get();
    ASSERT_TRUE(r);
    dead = *r;
    if (dead.empty()) {
      std::this_thread::sleep_for(10ms);  // the dead letter is written right after the answer
    }
  }
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].key, "CDR-1");
  EXPECT_EQ(dead[0].reason, "http_4xx");
  EXPECT_NE(dead[0].answer.find("2001"), std::string::npos);
  EXPECT_EQ(dead[0].attempts, 1);

  refuse = false;
  auto requeued = asio::co_spawn(ioc_, engine.retry(dead[0].id), asio::use_future).get();
  ASSERT_TRUE(requeued);
  ASSERT_TRUE(receiver_.wait_until([&] { return receiver_.distinct("emsp") == 3; }));
  auto none = asio::co_spawn(ioc_, engine.list("emsp", "dead", 10), asio::use_future).get();
  EXPECT_TRUE(none && none->empty());
  EXPECT_EQ(asio::co_spawn(ioc_, engine.retry(dead[0].id), asio::use_future).get().error(), Errc::not_found);
}

TEST_F(DeliveryTest, SlowDestinationDoesNotHoldUpTheOthers) {
  auto& engine = start_engine("a");
  (void)engine;
  auto rate = [&](const std::string& destination, int count) {
    std::vector<Event> events;
    for (int i = 0; i < count; ++i) {
      events.push_back(cdr(destination, i));
    }
    auto t0 = std::chrono::steady_clock::now();
    publish_all(std::move(events));
    EXPECT_TRUE(receiver_.wait_until([&] { return receiver_.distinct(destination) == static_cast<std::size_t>(count); }));
    return count / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  double alone = rate("fast-alone", 2000);
  receiver_.set_delay("slow", 2000ms);
  std::vector<Event> slow;
  for (int i = 0; i < 200; ++i) {
    slow.push_back(cdr("slow", i));
  }
  publish_all(std::move(slow));
  double beside_slow = rate("fast-beside", 2000);
  std::cout << "deliveries/s to a fast destination: alone " << alone << ", beside one answering after 2 s "
            << beside_slow << " (ratio " << beside_slow / alone << ")\n";
  RecordProperty("ratio_percent", static_cast<int>(100 * beside_slow / alone));
}

TEST_F(DeliveryTest, AcknowledgedEventsSurviveARedisRestartUnderLoad) {
  start_engine("a");
  std::set<std::string> acked;
  for (int i = 0; i < 3000; ++i) {
    if (i == 1500) {
      redis_.restart();  // graceful: AOF flushed, clients reconnect
    }
    auto r = publish(cdr("emsp", i));
    if (r) {
      acked.insert("CDR-" + std::to_string(i));
    } else {
      // not acknowledged: the sender would retry; wait for the connection before the next one
      run([this]() -> asio::awaitable<bool> { co_return co_await client_.wait_connected(10s); });
    }
  }
  EXPECT_GT(acked.size(), 2500u);
  std::cout << "acknowledged " << acked.size() << " of 3000 across the restart\n";
  ASSERT_TRUE(receiver_.wait_until([&] {
    auto items = receiver_.items("emsp");
    std::set<std::string> got;
    for (const auto& i : items) {
      got.insert(i.key);
    }
    return std::includes(got.begin(), got.end(), acked.begin(), acked.end());
  })) << "an acknowledged event was lost";
}

TEST_F(DeliveryTest, QueueDepthAndOldestAgeAreSampledPerDestination) {
  hub::metrics::Metrics metrics;
  receiver_.stop();
  start_engine("a", &metrics);
  std::vector<Event> events;
  for (int i = 0; i < 5; ++i) {
    events.push_back(cdr("emsp", i));
  }
  publish_all(std::move(events));
  auto deadline = std::chrono::steady_clock::now() + 30s;
  std::string text;
  while (std::chrono::steady_clock::now() < deadline) {
    text = metrics.serialize();
    if (text.find("hub_bus_queue_depth{destination=\"emsp\"} 5") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(20ms);  // the engine samples the queues on its sweep
  }
  EXPECT_NE(text.find("hub_bus_queue_depth{destination=\"emsp\"} 5"), std::string::npos) << text;
  EXPECT_NE(text.find("hub_bus_oldest_pending_age_seconds{destination=\"emsp\"}"), std::string::npos);
  EXPECT_NE(text.find("hub_bus_delivery_retries_total"), std::string::npos);
  receiver_.start();
  ASSERT_TRUE(receiver_.wait_until([&] { return receiver_.distinct("emsp") == 5; }));
  // The engine records the latency once the destination's answer is back.
  deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    text = metrics.serialize();
    if (text.find("hub_bus_delivery_latency_seconds_count{kind=\"cdr\"} 5") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_NE(text.find("hub_bus_delivery_latency_seconds_count{kind=\"cdr\"} 5"), std::string::npos) << text;
  stop_engines();  // the engine samples into `metrics`, which this test owns
}

TEST_F(DeliveryTest, ACallLongerThanTheLeaseCompletesOnce) {
  // The lease lasts 1 s; the destination answers after 1.5 s. The engine keeps the lease alive
  // during the call, so each event is delivered once and the lane moves on.
  receiver_.set_delay("slow", 1500ms);
  start_engine("a");
  publish_all({cdr("slow", 0), cdr("slow", 1), cdr("slow", 2)});
  ASSERT_TRUE(receiver_.wait_until([&] { return receiver_.distinct("slow") == 3; }, 60s));
  // Give a wrongly expired lease the chance to show as a second delivery of the same event.
  auto more = receiver_.wait_until([&] { return receiver_.total("slow") > 3; }, 3s);
  EXPECT_FALSE(more) << receiver_.total("slow") << " deliveries of 3 events";
}

class CrashTest : public DeliveryTest {
 protected:
  std::unique_ptr<hub::test::ChildProcess> start_node(const std::string& instance) {
    hub::test::NotifySocket notify(dir_.path() / (instance + ".sock"));
    auto node = std::make_unique<hub::test::ChildProcess>(
        std::vector<std::string>{BUS_NODE_EXE, "--redis", redis_.url(), "--target", receiver_.base_url(), "--instance",
                                 instance, "--lease-ms", "1000"},
        std::map<std::string, std::string>{{"NOTIFY_SOCKET", notify.path()}}, dir_.path(), instance);
    EXPECT_TRUE(notify.wait_for("READY=1")) << node->err();
    return node;
  }
  hub::test::TempDir dir_;
};

TEST_F(CrashTest, NothingIsMissingAfterSigkillMidDelivery) {
  receiver_.set_delay("emsp", 2ms);
  std::vector<Event> events;
  for (int i = 0; i < 3000; ++i) {
    events.push_back(cdr("emsp", i));
  }
  auto acked = publish_all(std::move(events));
  auto node = start_node("doomed");
  ASSERT_TRUE(receiver_.wait_until([&] { return receiver_.distinct("emsp") >= 300; }));
  node->signal(SIGKILL);
  node->wait(30s);
  auto seen_at_kill = receiver_.distinct("emsp");
  ASSERT_LT(seen_at_kill, 3000u) << "the node finished before it was killed";
  auto restarted = start_node("restarted");
  ASSERT_TRUE(receiver_.wait_until([&] { return receiver_.distinct("emsp") == 3000; }))
      << receiver_.distinct("emsp") << " of 3000";
  std::cout << "killed after " << seen_at_kill << " deliveries; duplicates after the crash: "
            << receiver_.total("emsp") - 3000 << "\n";
  restarted->signal(SIGTERM);
  EXPECT_EQ(restarted->wait(30s).value_or(-1), 0);
}

TEST_F(CrashTest, TheSurvivingInstanceDeliversWhatTheDeadOneHadPending) {
  receiver_.set_delay("emsp", 2ms);
  auto other = start_node("other");
  start_engine("survivor");
  std::vector<Event> events;
  for (int i = 0; i < 3000; ++i) {
    events.push_back(cdr("emsp", i));
  }
  auto acked = publish_all(std::move(events));
  ASSERT_TRUE(receiver_.wait_until([&] { return receiver_.distinct("emsp") >= 300; }));
  other->signal(SIGKILL);
  other->wait(30s);
  ASSERT_TRUE(receiver_.wait_until([&] { return receiver_.distinct("emsp") == 3000; }))
      << receiver_.distinct("emsp") << " of 3000";
}

}  // namespace
