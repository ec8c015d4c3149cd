// SPDX-License-Identifier: GPL-2.0-or-later
// bus_node: one hub instance's delivery engine as its own process, for crash tests (SIGKILL).
//   bus_node --redis URL --target BASE_URL --instance NAME [--lease-ms N]
// Sends READY=1 to $NOTIFY_SOCKET once started; stops cleanly on SIGTERM.
#include <hub/core/io_context.hpp>
#include <hub/bus/delivery.hpp>
#include <hub/store/redis.hpp>
#include <test_support/post_outbound.hpp>

#include <boost/asio.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {
std::string arg(int argc, char** argv, const std::string& name, const std::string& def = {}) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) {
      return argv[i + 1];
    }
  }
  return def;
}

void notify(const char* state) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr) {
    return;
  }
  int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path, sizeof(addr.sun_path) - 1);
  ::sendto(fd, state, std::strlen(state), 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::close(fd);
}
}  // namespace

int main(int argc, char** argv) {
  namespace asio = boost::asio;
  auto redis = hub::store::parse_redis_url(arg(argc, argv, "--redis"));
  auto target = arg(argc, argv, "--target");
  if (!redis || target.empty()) {
    std::cerr << "usage: bus_node --redis URL --target BASE_URL --instance NAME [--lease-ms N]\n";
    return 2;
  }
  redis->backoff_initial = std::chrono::milliseconds(20);
  redis->backoff_max = std::chrono::milliseconds(200);
  hub::IoContext ioc;
  asio::signal_set signals(ioc, SIGTERM, SIGINT);
  hub::test::PostOutbound outbound(ioc.get_executor(), target);
  hub::bus::EngineOptions eo;
  eo.instance_id = arg(argc, argv, "--instance", "node");
  eo.lease_ttl = std::chrono::milliseconds(std::atoi(arg(argc, argv, "--lease-ms", "1000").c_str()));
  eo.sweep_interval = std::chrono::milliseconds(100);
  eo.backoff_initial = std::chrono::milliseconds(20);
  eo.backoff_max = std::chrono::milliseconds(200);
  hub::bus::DeliveryEngine engine(ioc, *redis, {}, eo, [&](const std::string&) { return &outbound; });
  engine.start();
  signals.async_wait([&](const boost::system::error_code&, int) {
    asio::co_spawn(ioc, engine.stop(), [&](std::exception_ptr) { ioc.stop(); });
  });
  notify("READY=1");
  std::thread second([&] { ioc.run(); });
  ioc.run();
  second.join();
  return 0;
}
