// The per-core half of the S3 client: a bounded pool of keep-alive connections to the
// endpoint, the bound on requests in flight, and the endpoint's resolved address.
//
// One CorePool per reactor core, used only on that core (no locks). Connections are reused
// newest first; one idle for idle_timeout_ms (kept below the servers' keep-alive timeouts)
// or found closed by the server is closed instead of reused. Before its reactor stops, the
// pool must be emptied with CloseIdle() (a Connection must be closed on its ring).
#pragma once

#include <coroutine>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/intrusive_list.h"
#include "base/result.h"
#include "base/socket_address.h"
#include "runtime/connection.h"
#include "runtime/reactor.h"
#include "runtime/task.h"
#include "runtime/worker_pool.h"

namespace ringmail::s3 {

struct PoolConfig {
  std::string host;  // a DNS name, IPv4 or IPv6 (no brackets)
  uint16_t port = 80;
  WorkerPool* workers = nullptr;  // resolves DNS names (getaddrinfo blocks); null: numeric only
  ConnectionOptions connection;
  uint32_t connect_timeout_ms = 5000;
  uint32_t idle_connections_max = 16;
  uint32_t idle_timeout_ms = 4000;
  uint32_t inflight_max = 64;
  uint32_t waiting_max = 4096;
  uint32_t resolve_ttl_ms = 60000;
};

class CorePool {
 public:
  // `config` must outlive the pool. Runs on `reactor`'s thread.
  CorePool(const PoolConfig* config, Reactor* reactor) : config_(config), reactor_(reactor) {}
  ~CorePool();  // REQUIRES: CloseIdle() done, nothing in flight
  CorePool(const CorePool&) = delete;
  CorePool& operator=(const CorePool&) = delete;

  // ---- Requests in flight (at most inflight_max; up to waiting_max more wait in FIFO) ----
  class FlightAwaiter {
   public:
    explicit FlightAwaiter(CorePool* pool) : pool_(pool) {}
    bool await_ready();
    void await_suspend(std::coroutine_handle<> h);
    Result<void> await_resume() const;

   private:
    friend class CorePool;
    CorePool* pool_;
    ListNode node_;
    std::coroutine_handle<> handle_;
    bool busy_ = false;
  };
  // Takes a slot; kBusy when waiting_max requests wait already. Each success is paired with
  // one LeaveFlight().
  FlightAwaiter EnterFlight() { return FlightAwaiter(this); }
  // Gives the slot to the oldest waiter (resuming it here) or frees it.
  void LeaveFlight();

  // ---- Connections ----
  struct Lease {
    std::unique_ptr<Connection> conn;
    bool reused = false;  // it carried an earlier request
  };
  // An idle connection, or (with `fresh`, or none idle) a new one to the first address that
  // accepts. Errors: kUnavailable (the name does not resolve), kBusy (worker queue full),
  // Connect's kTimeout / kIo.
  Task<Result<Lease>> Acquire(bool fresh);
  // Takes the connection back: pooled when `reusable` and there is room, else closed.
  Task<void> Release(std::unique_ptr<Connection> conn, bool reusable);
  // Closes every idle connection. REQUIRES: nothing in flight on this core.
  Task<void> CloseIdle();
  // Forgets the resolved address (after a connect failure: the name may have moved).
  void ForgetAddress() { address_expires_ms_ = 0; }

  Reactor* reactor() const { return reactor_; }
  size_t idle_count() const { return idle_.size(); }
  uint32_t inflight() const { return inflight_; }

 private:
  struct Idle {
    std::unique_ptr<Connection> conn;
    uint64_t since_ms = 0;
  };
  using WaiterList = IntrusiveList<FlightAwaiter, &FlightAwaiter::node_>;

  // The endpoint's addresses, cached for resolve_ttl_ms (numeric hosts for good).
  Task<Result<std::vector<SocketAddress>>> Resolve();
  Task<Result<std::unique_ptr<Connection>>> ConnectAny(std::vector<SocketAddress> addresses);
  bool Usable(const Idle& idle) const;

  const PoolConfig* config_;
  Reactor* reactor_;
  std::vector<Idle> idle_;  // oldest first
  uint32_t inflight_ = 0;
  WaiterList waiters_;
  std::vector<SocketAddress> addresses_;
  uint64_t address_expires_ms_ = 0;
};

}  // namespace ringmail::s3
