// PgConnection: one libpq connection driven by a reactor core, in non-blocking pipeline mode.
//
// libpq owns the socket; the ring only polls it (PollFd), so no libpq call ever blocks the
// core. Every statement the store uses is prepared once when the connection opens
// (pg_statements.h), unless the connection serves another database (the SQL directory reads
// an operator's tables, where the store's functions do not exist): its queries carry their
// own SQL text. Execute() appends a unit — one or more prepared statements followed by
// a Sync, i.e. one transaction — to libpq's output and waits for that unit's results, so
// units from many coroutines on the core travel together in one pipeline: results come back
// in order, and whichever waiter is first reads for everyone (no background coroutine).
//
// A broken connection (the server went away, a protocol error) fails every unit in flight
// with kUnavailable and stays broken; the pool (pg_pool.h) replaces it. Whether a failed
// unit's transaction committed is unknown in that case: callers treat kUnavailable as
// "maybe", as with any database.
#pragma once

#include <libpq-fe.h>

#include <coroutine>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "runtime/task.h"
#include "store/postgres/pg_statements.h"
#include "store/postgres/pg_value.h"

namespace ringmail::postgres {

struct PgQuery {
  PgStatementId statement;
  PgParams params;
  // When set: this SQL text is sent instead of `statement`, unprepared (PQsendQueryParams,
  // parameter types inferred by the server). Must outlive Execute().
  const char* sql = nullptr;
  // Rows in binary format: PgRows::Text gives each field's raw bytes (an int8 is 8 bytes,
  // big-endian; a bytea its bytes). For results too large to spell in text.
  bool binary = false;

  // A query with its own SQL text.
  static PgQuery Text(const char* sql, PgParams params) {
    return PgQuery{PgStatementId{}, std::move(params), sql};
  }
};

class PgConnection {
 public:
  // Connects to `conninfo` (a libpq URI or key=value string) within `connect_timeout_ms`,
  // enters pipeline mode and prepares every statement of the store — none with
  // `prepare_store_statements` off, and then only PgQuery::Text queries may run on it.
  // `hostaddr`, when not empty, gives the numeric addresses of conninfo's hosts (libpq
  // resolves names with a blocking call, so the pool resolves them off the core). A unit
  // unanswered for `response_timeout_ms` breaks the connection (a server that hangs is as good
  // as gone). kUnavailable when the server cannot be reached or refuses.
  static Task<Result<std::unique_ptr<PgConnection>>> Connect(std::string conninfo,
                                                             std::string hostaddr,
                                                             uint64_t connect_timeout_ms,
                                                             uint64_t response_timeout_ms,
                                                             bool prepare_store_statements = true);
  ~PgConnection();  // REQUIRES: idle() (no coroutine inside Execute)
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs `queries` as one unit (one transaction, ending with a Sync) and returns each
  // statement's rows, or the first failing statement's error (the unit is rolled back).
  Task<Result<std::vector<PgRows>>> Execute(std::vector<PgQuery> queries);

  bool broken() const { return broken_; }
  // Units sent and not answered yet.
  size_t inflight() const { return queue_.size(); }
  // No coroutine is inside Execute (so none polls the socket): safe to destroy.
  bool idle() const { return users_ == 0; }
  // Not broken, and no unexpected data or end of stream waits on an idle socket (a server
  // that restarted closes its connections; this finds out before a unit is sent).
  bool LooksUsable();

 private:
  struct Unit {
    size_t statements = 0;
    size_t current = 0;  // the statement whose results arrive next
    std::vector<PgRows> rows;
    std::optional<Error> error;
    bool done = false;
    std::coroutine_handle<> waiter;
  };

  PgConnection(PGconn* conn, uint64_t response_timeout_ms)
      : conn_(conn), response_timeout_ms_(response_timeout_ms) {}
  Task<Result<void>> Flush();
  Task<void> ReadUntilDone(Unit* unit);
  // Processes every result libpq has buffered; completed units other than `self` are
  // appended to `completed`.
  void DrainResults(Unit* self, std::vector<Unit*>* completed);
  void Fail(const std::string& why);
  Task<Result<void>> Prepare(bool store_statements);

  PGconn* conn_;
  uint64_t response_timeout_ms_;
  std::deque<Unit*> queue_;  // units sent, in order
  bool reading_ = false;
  bool broken_ = false;
  int users_ = 0;
};

}  // namespace ringmail::postgres
