// Listener: one SO_REUSEPORT listening socket on one reactor core, accepting with a
// multishot accept. Every core has its own socket for each configured listener, so the
// kernel spreads new connections across cores and a connection never changes core.
//
// Each accepted connection gets its peer address (getpeername: needed for logs, relay
// networks and rate limits, and which a direct-descriptor accept cannot give), is moved
// into the ring's direct descriptor table, and is served by the listener's ProtocolHandler
// in its own coroutine until the handler returns; then it is closed and freed.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "base/socket_address.h"
#include "runtime/completion.h"
#include "runtime/connection.h"
#include "runtime/runtime_metrics.h"
#include "runtime/task.h"
#include "runtime/timer_wheel.h"

namespace ringmail {

class Reactor;

// A protocol's entry point. Serve() runs one connection from greeting to goodbye; it returns
// when the session ends (the caller closes the socket). Called on the connection's core; the
// handler outlives every connection (it lives as long as the server).
class ProtocolHandler {
 public:
  virtual ~ProtocolHandler() = default;
  virtual Task<void> Serve(Connection& connection) = 0;
};

// What the listeners of one configured name share across cores. Created before the
// reactors start; immutable afterwards except `open`.
struct ListenerShared {
  std::string name;
  SocketAddress address;  // the bound address (with the actual port when 0 was asked for)
  ProtocolHandler* handler = nullptr;
  ConnectionOptions connection_options;
  ListenerMetrics metrics{};
  uint32_t connections_max = 10000;
  bool direct_descriptors = true;
  std::atomic<uint32_t> open{0};  // across cores; touched once per accept and close
};

class Listener {
 public:
  // Takes ownership of the listening socket `fd`.
  Listener(Reactor& reactor, ListenerShared& shared, int fd);
  ~Listener();

  void Start();  // arms the multishot accept
  void Stop();   // stops accepting and closes the socket

 private:
  struct AcceptOp : Completion {
    Listener* owner;
  };
  struct RetryTimer : TimerEntry {
    Listener* owner;
  };
  static void OnAccept(Completion* c, int32_t res, uint32_t flags);
  static void OnRetry(TimerEntry* e);
  void Accepted(int fd);

  Reactor& reactor_;
  ListenerShared& shared_;
  int fd_;
  bool armed_ = false;
  bool stopped_ = false;
  AcceptOp accept_op_;
  RetryTimer retry_;
};

// Creates a listening socket in the SO_REUSEPORT group of `address`. `first` creates the
// group: its bind fails if anything else holds the address.
Result<int> OpenListeningSocket(const SocketAddress& address, int backlog, bool first);

}  // namespace ringmail
