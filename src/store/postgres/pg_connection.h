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
// Group commit: a write unit (one call of a PgGroupable function) is sent at once when no
// write is in flight on the connection; writes that arrive while one is wait, and when it
// completes they go together as ONE transaction, so the server flushes its WAL once for all of
// them (a commit's flush, ~1 ms on a disk, is most of what a write costs):
//   BEGIN; <each unit's call, as its rm_try_* form>; Sync
//   COMMIT; Sync
// A unit's rm_try_* function (PgGroupStatement) catches the call's error inside a
// subtransaction, which undoes that call alone, and returns it as values, so one unit's error
// never fails another and no unit needs savepoint statements or a Sync of its own: the
// server runs the group's calls back to back and answers once per segment. Each unit
// completes only once the COMMIT succeeded (a unit is acknowledged when it is durable). Should
// a call fail all the same (an error the functions cannot catch, such as a cancel), the
// server skips the rest of the first segment and the COMMIT rolls the transaction back: that
// unit gets its error and the group's other units are run again on their own. A failed COMMIT
// breaks the connection and fails the group's units with kUnavailable. Reads never wait for a
// group: they are sent at once, as before. At most kGroupUnitsMax units share a transaction
// (each call that writes takes a subtransaction id, and more than 64 in one transaction slow
// every snapshot on the server).
//
// Deadlocks: units of one group hold their account locks until the group commits, and take
// them in their own order, so two connections' groups can wait on each other (each write
// alone locks in id order, but a group is several writes). PostgreSQL detects that after
// deadlock_timeout and fails one unit with 40P01, inside its subtransaction: its group goes on and
// commits, and the unit is run once more on its own (one write, locks in id order). Taking a
// group's locks up front would need every unit's account ids before sending, which the
// callers do not know (a delivery names mailboxes), and deadlocks need two groups crossing
// the same two accounts at the same moment: rare, and then only slower.
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
#include <optional>
#include <span>
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

// A notification (LISTEN/NOTIFY) that arrived on a connection.
struct PgNotification {
  std::string channel;
  std::string payload;
};

// Write units sent in a group of several (group commit, above) by every connection of the
// process since it started: lets tests see that grouping happened.
uint64_t PgGroupedUnits();

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
  // statement's rows, or the first failing statement's error (the unit is rolled back). With
  // group commit on, a unit of one PgGroupable statement may share its transaction with other
  // such units (above); its outcome is the same.
  Task<Result<std::vector<PgRows>>> Execute(std::vector<PgQuery> queries);
  // Whether write units are grouped (off: each is its own transaction, sent at once).
  void set_group_commit(bool on) { group_commit_ = on; }

  static constexpr size_t kGroupUnitsMax = 32;

  // For a connection that only listens (LISTEN ran on it, no unit in flight): the
  // notifications that arrive within `timeout_ms` (none when it passes), or at once those
  // that came in already. kUnavailable when the connection broke.
  Task<Result<std::vector<PgNotification>>> WaitNotifications(uint64_t timeout_ms);

  // The server process serving this connection (what pg_stat_activity.pid shows).
  int backend_pid() const { return PQbackendPID(conn_); }
  bool broken() const { return broken_; }
  // Units sent and not answered yet, and writes waiting to be sent.
  size_t inflight() const { return queue_.size() + pending_writes_.size(); }
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
    bool deadlock = false;  // the error is 40P01
    bool done = false;
    std::coroutine_handle<> waiter;
    // A write waiting to be sent (group commit): its statements.
    const std::vector<PgQuery>* pending = nullptr;
    bool ends_write = false;  // its completion ends the write in flight
    bool owned = false;       // in owned_ (a group's two segments)
    size_t error_at = 0;      // with `error`: the statement that failed
    // A group's unit: done when its group's COMMIT is; `rerun` when that rolled back.
    bool grouped = false;
    bool rerun = false;
    // A group's segments: its units, in the order of their calls in the first.
    std::vector<Unit*> members;
    bool commit = false;  // the second segment
  };

  PgConnection(PGconn* conn, uint64_t response_timeout_ms)
      : conn_(conn), response_timeout_ms_(response_timeout_ms) {}
  bool SendQuery(const PgQuery& query);
  // Sends `queries` and a Sync as `unit`, queued for its answers. False (the connection is
  // then broken and `unit` failed) when libpq refuses.
  bool SendUnit(Unit* unit, std::span<const PgQuery> prefix, const std::vector<PgQuery>& queries,
                std::span<const PgQuery> suffix);
  // Sends the first writes waiting (up to kGroupUnitsMax): alone as a plain unit, or several
  // as one group. REQUIRES: no write in flight.
  void SendWrites();
  // Waits until `unit` (sent) is done, reading for everyone while no one else does.
  Task<void> Await(Unit* unit);
  // The waiter of a unit sent and not done (the next to read for everyone), or null.
  std::coroutine_handle<> NextReader();
  // The first waiting write looks again (a write in flight completed).
  void WakeNextWriter();
  Task<Result<void>> Flush();
  Task<void> ReadUntilDone(Unit* unit);
  // Processes every result libpq has buffered; completed units other than `self` are
  // appended to `completed`.
  void DrainResults(Unit* self, std::vector<Unit*>* completed);
  // `front` (popped) got its Sync: done, unless a group's COMMIT must come first.
  void Complete(Unit* front, Unit* self, std::vector<Unit*>* completed);
  // A group's first segment answered: each unit's rows or error, or `rerun`.
  static void TakeGroupRows(Unit* calls);
  void Fail(const std::string& why);
  Task<Result<void>> Prepare(bool store_statements);
  std::vector<PgNotification> TakeNotifications();

  PGconn* conn_;
  uint64_t response_timeout_ms_;
  std::deque<Unit*> queue_;  // units sent, in order
  bool reading_ = false;
  bool broken_ = false;
  int users_ = 0;
  bool group_commit_ = false;
  bool write_inflight_ = false;              // a write unit or group is sent and not done
  std::deque<Unit*> pending_writes_;         // writes waiting for it, in arrival order
  std::deque<std::unique_ptr<Unit>> owned_;  // groups' segments, in order
  std::string group_failed_;                 // set when a COMMIT failed: the connection breaks
};

}  // namespace ringmail::postgres
