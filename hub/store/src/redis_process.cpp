// SPDX-License-Identifier: GPL-2.0-or-later
#include <hub/store/redis_process.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <vector>

extern char** environ;

namespace hub::store {

namespace {

constexpr int kStartAttempts = 5;
constexpr std::string_view kReadyMarker = "Ready to accept connections";
constexpr std::string_view kPortTaken = "Address already in use";
constexpr std::size_t kKeptOutput = 64 * 1024;
constexpr std::chrono::milliseconds kStopGrace{10000};

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

void close_fd(int& fd) {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

/// Asks the kernel for a free loopback port: bind to port 0, read it back, close.
std::uint16_t pick_free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw_errno("socket");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int saved = errno;
    ::close(fd);
    errno = saved;
    throw_errno("bind 127.0.0.1:0");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string find_executable(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) == 0) {
      return name;
    }
    throw std::runtime_error("redis-server executable not found: " + name);
  }
  std::string dirs;
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    dirs = path;
  }
  dirs += ":/usr/bin:/usr/local/bin";
  std::size_t begin = 0;
  while (begin <= dirs.size()) {
    std::size_t end = dirs.find(':', begin);
    if (end == std::string::npos) {
      end = dirs.size();
    }
    std::string dir = dirs.substr(begin, end - begin);
    if (!dir.empty()) {
      std::string candidate = dir + "/" + name;
      if (::access(candidate.c_str(), X_OK) == 0) {
        return candidate;
      }
    }
    begin = end + 1;
  }
  throw std::runtime_error("redis-server executable not found in PATH: " + name);
}

std::string tail_of(const std::string& output) {
  constexpr std::size_t kTail = 600;
  return output.size() > kTail ? output.substr(output.size() - kTail) : output;
}

}  // namespace

RedisProcess::RedisProcess(RedisProcessOptions options) : options_(std::move(options)) {}

RedisProcess::~RedisProcess() {
  try {
    stop();
  } catch (...) {  // NOLINT(bugprone-empty-catch): nothing sensible to do in a destructor
  }
}

void RedisProcess::start() {
  if (pid_ > 0) {
    return;
  }
  if (options_.data_dir.empty()) {
    throw std::runtime_error("RedisProcess: data_dir is required");
  }
  std::filesystem::create_directories(options_.data_dir);
  std::string failure;
  for (int attempt = 1; attempt <= kStartAttempts; ++attempt) {
    std::uint16_t port = options_.port != 0 ? options_.port : pick_free_port();
    if (try_start(port, failure)) {
      port_ = port;
      return;
    }
    if (options_.port != 0) {
      if (failure.find(kPortTaken) == std::string::npos) {
        break;  // a fixed port that fails for another reason will not get better
      }
      // A fixed port still held by a dying previous server: give the kernel a moment.
      std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
    }
  }
  throw std::runtime_error("redis-server did not start: " + tail_of(failure));
}

bool RedisProcess::try_start(std::uint16_t port, std::string& failure) {
  const std::string executable = find_executable(options_.executable);
  std::vector<std::string> args = {executable,
                                   "--bind", "127.0.0.1",
                                   "--port", std::to_string(port),
                                   "--dir", options_.data_dir.string(),
                                   "--appendonly", "yes",
                                   "--appendfsync", options_.appendfsync,
                                   "--save", "",
                                   "--daemonize", "no",
                                   "--protected-mode", "yes",
                                   "--logfile", ""};
  if (!options_.password.empty()) {
    args.insert(args.end(), {"--requirepass", options_.password});
  }
  if (options_.enable_debug_command) {
    args.insert(args.end(), {"--enable-debug-command", "local"});
  }
  std::vector<char*> argv;
  for (auto& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    throw_errno("pipe2");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, out[1], 2);
  // The parent's sockets (hiredis creates them without CLOEXEC) must not leak into the server.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t mask;
  sigemptyset(&mask);
  posix_spawnattr_setsigmask(&attr, &mask);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, executable.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    errno = rc;
    throw_errno("posix_spawn " + executable);
  }
  pid_ = pid;

  // Read the child's log until it says it is ready, it exits, or the bounded wait passes.
  std::string output;
  const auto deadline = std::chrono::steady_clock::now() + options_.ready_timeout;
  bool ready = false;
  bool timed_out = false;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd pfd{out[0], POLLIN, 0};
    int n = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    if (n == 0) {
      continue;  // re-checks the deadline
    }
    char buffer[4096];
    ssize_t got = ::read(out[0], buffer, sizeof(buffer));
    if (got < 0) {
      if (errno == EINTR || errno == EAGAIN) {
        continue;
      }
      break;
    }
    if (got == 0) {
      break;  // EOF: the child exited
    }
    output.append(buffer, static_cast<std::size_t>(got));
    if (output.find(kReadyMarker) != std::string::npos) {
      ready = true;
      break;
    }
    if (output.find(kPortTaken) != std::string::npos) {
      break;
    }
    if (output.size() > kKeptOutput) {
      output.erase(0, output.size() - kKeptOutput / 2);
    }
  }

  if (!ready) {
    ::kill(pid_, SIGKILL);
    reap(std::chrono::milliseconds(0));
    ::close(out[0]);
    failure = output.empty() ? std::string("redis-server exited without output") : output;
    if (timed_out) {
      throw std::runtime_error("redis-server not ready within the timeout: " + tail_of(output));
    }
    return false;
  }

  // Keep draining the output so the server never blocks on a full pipe.
  output_fd_ = out[0];
  if (::pipe2(wake_pipe_, O_CLOEXEC) != 0) {
    int saved = errno;
    ::kill(pid_, SIGKILL);
    reap(std::chrono::milliseconds(0));
    close_fd(output_fd_);
    errno = saved;
    throw_errno("pipe2");
  }
  drainer_ = std::thread([fd = output_fd_, wake = wake_pipe_[0]] {
    char buffer[4096];
    while (true) {
      pollfd pfds[2] = {{fd, POLLIN, 0}, {wake, POLLIN, 0}};
      int n = ::poll(pfds, 2, -1);
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        return;
      }
      if (pfds[1].revents != 0) {
        return;
      }
      ssize_t got = ::read(fd, buffer, sizeof(buffer));
      if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) {
        return;
      }
    }
  });
  return true;
}

void RedisProcess::reap(std::chrono::milliseconds grace) {
  if (pid_ <= 0) {
    return;
  }
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (true) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || (r < 0 && errno != EINTR)) {
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
}

void RedisProcess::stop_drainer() {
  if (drainer_.joinable()) {
    char byte = 1;
    while (::write(wake_pipe_[1], &byte, 1) < 0 && errno == EINTR) {
    }
    drainer_.join();
  }
  close_fd(wake_pipe_[0]);
  close_fd(wake_pipe_[1]);
  close_fd(output_fd_);
}

void RedisProcess::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    reap(kStopGrace);
  }
  stop_drainer();
}

void RedisProcess::kill() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    reap(std::chrono::milliseconds(0));
  }
  stop_drainer();
}

bool RedisProcess::running() const noexcept {
  if (pid_ <= 0) {
    return false;
  }
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    return false;
  }
  return info.si_pid == 0;
}

}  // namespace hub::store
