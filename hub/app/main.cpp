// SPDX-License-Identifier: GPL-2.0-or-later
// roaming-hub: the server executable.
#include "app.hpp"

#include <hub/core/log.hpp>

#include <csignal>
#include <cstring>
#include <iostream>
#include <optional>

#ifdef HUB_IO_URING
#include <liburing.h>
#endif
#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

namespace {

/// Tells a supervisor (systemd Type=notify, or a test) about the life cycle, when NOTIFY_SOCKET is set.
void sd_notify(const char* state) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr || path[0] == '\0') {
    return;
  }
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return;
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path, sizeof(addr.sun_path) - 1);
  if (addr.sun_path[0] == '@') {
    addr.sun_path[0] = '\0';  // abstract namespace
  }
  ::sendto(fd, state, std::strlen(state), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::close(fd);
}

void usage(std::ostream& out) {
  out << "usage: roaming-hub [--config FILE] [--check-config] [--version]\n"
         "  --config FILE    TOML configuration (every key has a default; see docs/configuration.md)\n"
         "  --check-config   validate the configuration and exit\n"
         "environment: HUB_REDIS_URL, HUB_API_LISTEN, HUB_ADMIN_LISTEN, HUB_PUBLIC_URL, HUB_ADMIN_TOKEN\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<std::filesystem::path> config_path;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      config_path = std::string(arg.substr(9));
    } else if (arg == "--check-config") {
      check_only = true;
    } else if (arg == "--version") {
      std::cout << "roaming-hub 0.1.0\n";
      return 0;
    } else if (arg == "--help" || arg == "-h") {
      usage(std::cout);
      return 0;
    } else {
      std::cerr << "roaming-hub: unknown argument '" << arg << "'\n";
      usage(std::cerr);
      return 2;
    }
  }

  hub::config::Config config;
  try {
    config = hub::config::load_file(config_path, hub::config::process_env());
  } catch (const hub::config::ConfigError& e) {
    std::cerr << "roaming-hub: configuration error: " << e.what() << "\n";
    return 2;
  }
  if (check_only) {
    std::cout << "configuration ok\n";
    return 0;
  }
  hub::log::configure(config.log_level, config.log_json);

  // Block the stop signals in every thread; one waits for them with sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

#ifdef HUB_IO_URING
  // Asio runs on io_uring in this build: a kernel that refuses rings would fail on the first
  // socket; say why, once, before anything starts.
  {
    io_uring ring;
    const int rc = io_uring_queue_init(8, &ring, 0);
    if (rc < 0) {
      std::cerr << "roaming-hub: this build runs its I/O on io_uring and the kernel refused a ring ("
                << std::strerror(-rc)
                << "); allow io_uring (sysctl kernel.io_uring_disabled=0) or build with -DHUB_IO_URING=OFF\n";
      return 1;
    }
    io_uring_queue_exit(&ring);
  }
#endif
  hub::app::App app(std::move(config));
  try {
    app.start();
  } catch (const std::exception& e) {
    hub::log::get("app")->critical("{}", hub::log::with("startup failed", {{"error", e.what()}}));
    std::cerr << "roaming-hub: startup failed: " << e.what() << "\n";
    return 1;
  }

  sd_notify("READY=1");
  std::thread waiter([&app, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    hub::log::get("app")->info("{}", hub::log::with("stopping", {{"signal", std::to_string(sig)}}));
    sd_notify("STOPPING=1");
    app.request_stop();
  });
  int code = app.wait();
  // wait() returns only after a stop was requested, which only the waiter does.
  waiter.join();
  return code;
}
