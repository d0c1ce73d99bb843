// PgCorePool: one core's PostgreSQL connections (up to connections_max), used only on that
// core. A unit goes to the least busy usable connection — so concurrent units share a
// pipeline — and a new connection is opened when every open one already carries
// `pipeline_depth` units. With `pipelined` off, a connection carries one unit at a time and
// further units wait for a free one (the baseline the pipelining benchmark compares with).
//
// Outage: a unit on a connection that breaks fails with kUnavailable; the next unit opens a
// new connection. When connecting fails, further attempts wait out a backoff (doubling from
// backoff_initial_ms to backoff_max_ms, reset by a success) and units arriving meanwhile
// fail at once with kUnavailable, so callers see a temporary failure, not a hang, and the
// core is back within backoff_max_ms of the server's return.
#pragma once

#include <coroutine>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "runtime/reactor.h"
#include "runtime/task.h"
#include "runtime/worker_pool.h"
#include "store/postgres/pg_connection.h"

namespace ringmail::postgres {

struct PgPoolConfig {
  std::string conninfo;            // a postgresql:// URI (CONTRACT.md) or key=value string
  std::vector<std::string> hosts;  // its host names that need a DNS lookup (none: numeric)
  WorkerPool* workers = nullptr;   // resolves `hosts` (getaddrinfo blocks); REQUIRED if any
  uint32_t connections_max = 2;    // per core
  uint32_t pipeline_depth = 32;    // units on one connection before another is opened
  bool pipelined = true;
  // Writes waiting on a connection share one transaction (pg_connection.h); only when
  // pipelined.
  bool group_commit = true;
  uint64_t connect_timeout_ms = 5000;
  uint64_t response_timeout_ms = 30000;
  uint64_t backoff_initial_ms = 100;
  uint64_t backoff_max_ms = 2000;
  // Off for a database that is not the store's (the SQL directory): connections prepare none
  // of the store's statements, and only PgQuery::Text queries run on them.
  bool prepare_store_statements = true;
};

// The host names of `conninfo` that need a DNS lookup (PgPoolConfig::hosts): its host list
// when any of them is a name rather than a numeric address or a socket directory and no
// hostaddr is given; else none. kConfig when libpq cannot parse `conninfo`. No I/O.
Result<std::vector<std::string>> PgHostsToResolve(const std::string& conninfo);

class PgCorePool {
 public:
  // `config` must outlive the pool. Runs on `reactor`'s thread.
  PgCorePool(const PgPoolConfig* config, Reactor* reactor) : config_(config), reactor_(reactor) {}
  // Closes what is open. libpq's sockets are only polled by the ring, never registered
  // with it, so this may run after the reactor is gone. REQUIRES: nothing in flight.
  ~PgCorePool();
  PgCorePool(const PgCorePool&) = delete;
  PgCorePool& operator=(const PgCorePool&) = delete;

  // PgConnection::Execute on a connection of this core.
  Task<Result<std::vector<PgRows>>> Execute(std::vector<PgQuery> queries);
  // Closes every connection (a Terminate to the server first). REQUIRES: nothing in flight.
  void Close();
  // A new connection configured like the pool's, owned by the caller and not counted by the
  // pool (a listener: store/postgres/pg_change_feed.h). No backoff: the caller paces retries.
  Task<Result<std::unique_ptr<PgConnection>>> Open();

  Reactor* reactor() const { return reactor_; }
  size_t connections() const { return connections_.size(); }

 private:
  // A usable connection for one more unit, or kUnavailable; with `pipelined` off, waits
  // while every connection is busy and no more may be opened.
  Task<Result<PgConnection*>> Acquire();
  Task<Result<std::string>> ResolveHosts();
  // A unit finished: the first waiting unit looks again.
  void Release();
  // A connection attempt finished: every waiting unit looks again.
  void WakeAll();

  const PgPoolConfig* config_;
  Reactor* reactor_;
  std::vector<std::unique_ptr<PgConnection>> connections_;
  uint32_t connecting_ = 0;
  uint64_t retry_at_ms_ = 0;  // no connection attempt before (MonotonicMs)
  uint64_t backoff_ms_ = 0;
  // Units waiting for a connection being opened, or (unpipelined) for a busy one to finish.
  std::deque<std::coroutine_handle<>> waiting_;
};

}  // namespace ringmail::postgres
