// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Blocking loopback HTTP helpers for tests that need control over the bytes on the wire
// (half requests, oversized bodies, pipelining). Every read has a receive timeout so a broken
// server fails the test instead of hanging it.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>

namespace hub::test {

class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port, std::chrono::milliseconds recv_timeout = std::chrono::seconds(20)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) {
      throw std::runtime_error("socket failed");
    }
    timeval tv{};
    tv.tv_sec = static_cast<long>(recv_timeout.count() / 1000);
    tv.tv_usec = static_cast<long>((recv_timeout.count() % 1000) * 1000);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      throw std::runtime_error("connect failed");
    }
  }
  ~RawConnection() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  /// Sends each small write at once as its own segment (no Nagle coalescing).
  void no_delay() {
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }

  /// Sends all bytes; false when the peer closed or reset the connection.
  bool send(const std::string& data) {
    std::size_t off = 0;
    while (off < data.size()) {
      auto n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        return false;
      }
      off += static_cast<std::size_t>(n);
    }
    return true;
  }

  /// Ends this side's sending (the peer reads end of stream after what was sent).
  void shutdown_send() { ::shutdown(fd_, SHUT_WR); }

  /// Reads until the peer closes (or the receive timeout passes); returns everything read.
  std::string read_all() {
    std::string out;
    char buf[8192];
    for (;;) {
      auto n = receive(buf, sizeof buf);
      if (n <= 0) {
        closed_ = n == 0 || errno == ECONNRESET;
        break;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }

  /// Reads one HTTP/1.1 response with a Content-Length body (or none). nullopt on close/timeout.
  std::optional<std::string> read_response() {
    for (;;) {
      auto header_end = pending_.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::size_t length = 0;
        auto lower = pending_.substr(0, header_end);
        for (auto& c : lower) {
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        auto cl = lower.find("content-length:");
        if (cl != std::string::npos) {
          length = std::stoul(lower.substr(cl + 15));
        }
        auto total = header_end + 4 + length;
        if (pending_.size() >= total) {
          auto resp = pending_.substr(0, total);
          pending_.erase(0, total);
          return resp;
        }
      }
      char buf[8192];
      auto n = receive(buf, sizeof buf);
      if (n <= 0) {
        closed_ = n == 0 || errno == ECONNRESET;
        return std::nullopt;
      }
      pending_.append(buf, static_cast<std::size_t>(n));
    }
  }

  /// True once a read saw the peer close (EOF or reset).
  bool closed() const { return closed_; }

  /// recv(), again when a signal interrupted it (an io_uring build's completions interrupt the
  /// blocking calls of the threads that submitted work with EINTR).
  ssize_t receive(char* buf, std::size_t size) {
    for (;;) {
      auto n = ::recv(fd_, buf, size, 0);
      if (n >= 0 || errno != EINTR) {
        return n;
      }
    }
  }

  /// Status code of a raw response ("HTTP/1.1 413 ..."), 0 when unparsable.
  static int status_of(const std::string& response) {
    if (response.size() < 12 || response.compare(0, 5, "HTTP/") != 0) {
      return 0;
    }
    return std::atoi(response.c_str() + 9);
  }

 private:
  int fd_ = -1;
  bool closed_ = false;
  std::string pending_;
};

/// A loopback port that was free a moment ago (for child processes that must be told a port).
inline std::uint16_t pick_free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace hub::test
