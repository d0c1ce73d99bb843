// A small blocking TCP client for runtime tests: plain POSIX sockets, every wait bounded by
// a poll() deadline so a broken server fails the test instead of hanging it. Also WaitUntil,
// the one way tests wait for something to happen (a condition with a deadline, never a
// fixed sleep).
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "base/socket_address.h"

namespace ringmail::testing {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Generous: sanitizer builds on a loaded 2-CPU machine are slow. A passing test never waits
// this long; a failing one fails instead of hanging.
inline constexpr milliseconds kWaitTimeout{15000};

// Polls `pred` until it holds or `timeout` passes; returns its last value.
template <typename Pred>
bool WaitUntil(Pred&& pred, milliseconds timeout = kWaitTimeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  while (!pred()) {
    if (Clock::now() >= deadline) return pred();
    std::this_thread::sleep_for(milliseconds(1));
  }
  return true;
}

// `size` bytes of a position-dependent pattern, so a lost, duplicated or reordered chunk
// shows up as a mismatch. `seed` varies the pattern between connections.
inline std::string Pattern(size_t size, uint32_t seed = 0) {
  std::string out(size, '\0');
  uint32_t x = seed * 2654435761u + 12345;
  for (size_t i = 0; i < size; ++i) {
    x = x * 1103515245u + 12345;
    out[i] = static_cast<char>(x >> 24);
  }
  return out;
}

class TestClient {
 public:
  TestClient() = default;
  TestClient(TestClient&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)),
        pending_(std::move(other.pending_)),
        eof_(other.eof_),
        error_(other.error_) {}
  TestClient& operator=(TestClient&& other) noexcept {
    if (this != &other) {
      Close();
      fd_ = std::exchange(other.fd_, -1);
      pending_ = std::move(other.pending_);
      eof_ = other.eof_;
      error_ = other.error_;
    }
    return *this;
  }
  ~TestClient() { Close(); }

  // Connects to `address`; ok() is false on failure (error() says why). A non-zero
  // `rcvbuf` shrinks the receive buffer before connecting, so a client that stops reading
  // stalls the server's sends sooner.
  static TestClient Connect(const SocketAddress& address, int rcvbuf = 0) {
    TestClient c;
    int fd = ::socket(address.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      c.error_ = errno;
      return c;
    }
    if (rcvbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (::connect(fd, address.get(), address.length()) != 0) {
      c.error_ = errno;
      ::close(fd);
      return c;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    c.fd_ = fd;
    return c;
  }

  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  // The peer closed (read returned 0 or the connection was reset).
  bool eof() const { return eof_; }
  int error() const { return error_; }

  // Sends every byte; false on error or timeout.
  bool SendAll(std::string_view bytes, milliseconds timeout = kWaitTimeout) {
    return Exchange(bytes, 0, timeout).has_value();
  }

  // Sends `out` while receiving, until all of `out` is sent and `in_size` bytes have arrived;
  // returns those bytes (extra bytes stay buffered). Sending and receiving at once lets a
  // test push more than the socket buffers hold through an echo server. nullopt on error,
  // EOF before `in_size` bytes, or timeout.
  std::optional<std::string> Exchange(std::string_view out, size_t in_size,
                                      milliseconds timeout = kWaitTimeout) {
    const Clock::time_point deadline = Clock::now() + timeout;
    size_t sent = 0;
    while (sent < out.size() || pending_.size() < in_size) {
      short events = 0;
      if (sent < out.size()) events |= POLLOUT;
      if (pending_.size() < in_size) events |= POLLIN;
      if (!PollOnce(events, deadline)) return std::nullopt;
      if (sent < out.size()) {
        ssize_t n = ::send(fd_, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
          sent += static_cast<size_t>(n);
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
          error_ = errno;
          return std::nullopt;
        }
      }
      if (pending_.size() < in_size && !ReceiveSome()) return std::nullopt;
    }
    return Take(in_size);
  }

  // Returns exactly `n` bytes; nullopt on EOF first, error or timeout.
  std::optional<std::string> ReadExactly(size_t n, milliseconds timeout = kWaitTimeout) {
    return Exchange({}, n, timeout);
  }

  // Returns everything up to and including the first `delimiter`.
  std::optional<std::string> ReadUntil(std::string_view delimiter,
                                       milliseconds timeout = kWaitTimeout) {
    const Clock::time_point deadline = Clock::now() + timeout;
    for (;;) {
      size_t at = pending_.find(delimiter);
      if (at != std::string::npos) return Take(at + delimiter.size());
      if (!PollOnce(POLLIN, deadline) || !ReceiveSome()) return std::nullopt;
    }
  }
  std::optional<std::string> ReadLine(milliseconds timeout = kWaitTimeout) {
    return ReadUntil("\n", timeout);
  }

  // Reads until the peer closes; true if it did in time. What arrived before the close is
  // stored in *rest when given.
  bool ReadToEof(milliseconds timeout = kWaitTimeout, std::string* rest = nullptr) {
    const Clock::time_point deadline = Clock::now() + timeout;
    while (!eof_) {
      if (!PollOnce(POLLIN, deadline)) return false;
      if (!ReceiveSome() && !eof_) return false;
      if (rest == nullptr) pending_.clear();  // do not hold megabytes nobody looks at
    }
    if (rest != nullptr) *rest = std::exchange(pending_, {});
    return true;
  }

  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

  void Close() {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  }

 private:
  // Waits for `events` until `deadline`. False on timeout or a closed client.
  bool PollOnce(short events, Clock::time_point deadline) {
    if (fd_ < 0) return false;
    for (;;) {
      auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return false;
      pollfd p{fd_, events, 0};
      int rc = ::poll(&p, 1, static_cast<int>(std::min<long>(left, 1000)));
      if (rc > 0) return true;
      if (rc < 0 && errno != EINTR) {
        error_ = errno;
        return false;
      }
    }
  }

  // One non-blocking recv into pending_. False on EOF (eof_ set) or error.
  bool ReceiveSome() {
    char buf[64 * 1024];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      pending_.append(buf, static_cast<size_t>(n));
      return true;
    }
    if (n == 0) {
      eof_ = true;
      return false;
    }
    if (errno == EAGAIN || errno == EINTR) return true;
    if (errno == ECONNRESET) eof_ = true;
    error_ = errno;
    return false;
  }

  std::string Take(size_t n) {
    std::string out = pending_.substr(0, n);
    pending_.erase(0, n);
    return out;
  }

  int fd_ = -1;
  std::string pending_;
  bool eof_ = false;
  int error_ = 0;
};

}  // namespace ringmail::testing
