// SPDX-License-Identifier: GPL-2.0-or-later
// End-to-end bus benchmark: CDR events accepted through Bus::publish (Redis AOF everysec) and
// delivered by the DeliveryEngine over HTTP to a local destination. Reports the sustained
// delivery rate and the p50/p99 accept latency. Not a test: run it by hand (docs/benchmarks.md).
//
//   bus_bench [--events N] [--publishers P] [--lanes L] [--threads T]
#include <hub/core/io_context.hpp>
#include <adapters/http_client.hpp>
#include <adapters/http_server.hpp>
#include <hub/bus/bus.hpp>
#include <hub/bus/delivery.hpp>
#include <hub/store/redis.hpp>
#include <hub/store/redis_process.hpp>
#include <test_support/post_outbound.hpp>

#include <boost/asio.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

long arg(int argc, char** argv, const std::string& name, long def) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) {
      return std::atol(argv[i + 1]);
    }
  }
  return def;
}

}  // namespace

int main(int argc, char** argv) {
  const long events = arg(argc, argv, "--events", 100000);
  const long publishers = arg(argc, argv, "--publishers", 32);
  const unsigned lanes = static_cast<unsigned>(arg(argc, argv, "--lanes", 16));
  // Default as the hub: one io thread less than the cores (Redis and the receiver need CPU too).
  const unsigned threads = static_cast<unsigned>(
      arg(argc, argv, "--threads", std::max(1L, static_cast<long>(std::thread::hardware_concurrency()) - 1)));

  char tmpl[] = "/tmp/hub-bus-bench-XXXXXX";
  std::filesystem::path dir = ::mkdtemp(tmpl);
  hub::store::RedisProcessOptions rpo;
  rpo.data_dir = dir / "redis";
  rpo.appendfsync = "everysec";
  hub::store::RedisProcess redis(rpo);
  redis.start();

  hub::IoContext ioc;
  auto work = asio::make_work_guard(ioc);
  std::vector<std::thread> pool;

  // The destination: counts deliveries.
  std::atomic<long> delivered{0};
  std::promise<void> all_delivered;
  hub::http::ServerOptions so;
  so.name = "receiver";
  hub::http::HttpServer receiver(ioc, so, [&](hub::http::Request&) -> asio::awaitable<hub::http::Response> {
    if (delivered.fetch_add(1) + 1 == events) {
      all_delivered.set_value();
    }
    co_return hub::http::Response{};
  });
  receiver.start();

  auto ro = hub::store::parse_redis_url(redis.url()).value();
  auto redis_strand = asio::make_strand(ioc);
  hub::store::RedisClient client(redis_strand, ro);
  hub::bus::BusOptions bo;
  bo.lanes = lanes;
  hub::bus::Bus bus(redis_strand, client, bo);
  hub::test::PostOutbound outbound(ioc.get_executor(), "http://127.0.0.1:" + std::to_string(receiver.port()));
  hub::bus::EngineOptions eo;
  eo.instance_id = "bench";
  hub::bus::DeliveryEngine engine(ioc, ro, bo, eo, [&](const std::string&) { return &outbound; });

  asio::post(redis_strand, [&] { client.start(); });
  for (unsigned i = 0; i < threads; ++i) {
    pool.emplace_back([&] { ioc.run(); });
  }
  asio::co_spawn(redis_strand, client.wait_connected(10s), asio::use_future).get();
  engine.start();

  std::mutex mutex;
  std::vector<double> latencies;
  latencies.reserve(static_cast<std::size_t>(events));
  std::atomic<long> next{0};
  std::atomic<long> failed{0};
  std::string payload(600, 'c');  // about the size of a canonical CDR
  auto start = Clock::now();
  std::vector<std::future<void>> running;
  for (long p = 0; p < publishers; ++p) {
    running.push_back(asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
          std::vector<double> local;
          for (long i = next++; i < events; i = next++) {
            hub::bus::Event e;
            e.source = "cpo";
            e.destination = "emsp";
            e.kind = hub::bus::Kind::cdr;
            e.key = "CDR-" + std::to_string(i);
            e.payload = payload;
            auto t0 = Clock::now();
            auto r = co_await bus.publish(std::move(e));
            local.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
            if (!r) {
              ++failed;
            }
          }
          std::lock_guard lock(mutex);
          latencies.insert(latencies.end(), local.begin(), local.end());
        },
        asio::use_future));
  }
  for (auto& f : running) {
    f.get();
  }
  auto accepted = Clock::now();
  bool done = all_delivered.get_future().wait_for(300s) == std::future_status::ready;
  auto finished = Clock::now();

  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double q) { return latencies.empty() ? 0.0 : latencies[static_cast<std::size_t>(q * (latencies.size() - 1))]; };
  double accept_s = std::chrono::duration<double>(accepted - start).count();
  double total_s = std::chrono::duration<double>(finished - start).count();
  std::printf("events=%ld publishers=%ld lanes=%u threads=%u failed=%ld complete=%s\n", events, publishers, lanes,
              threads, failed.load(), done ? "yes" : "NO");
  std::printf("accept rate: %.0f events/s   accept latency p50=%.2f ms p99=%.2f ms\n", events / accept_s,
              pct(0.50) / 1000, pct(0.99) / 1000);
  std::printf("end-to-end: %ld delivered in %.2f s = %.0f deliveries/s\n", delivered.load(), total_s,
              delivered.load() / total_s);

  asio::co_spawn(ioc, engine.stop(), asio::use_future).get();
  asio::co_spawn(ioc, receiver.drain(1s), asio::use_future).get();
  asio::post(redis_strand, [&] { client.stop(); });
  work.reset();
  ioc.stop();
  for (auto& t : pool) {
    t.join();
  }
  redis.stop();
  std::filesystem::remove_all(dir);
  return done && failed == 0 ? 0 : 1;
}
