// PgConnection's group commit (pg_connection.h): sending waiting writes as one transaction,
// and completing a group's units once its COMMIT is answered.
#include <algorithm>
#include <atomic>
#include <string_view>

#include "base/check.h"
#include "store/metadata_store.h"
#include "store/postgres/pg_connection.h"

namespace ringmail::postgres {
namespace {

std::atomic<uint64_t> grouped_units{0};

}  // namespace

uint64_t PgGroupedUnits() { return grouped_units.load(std::memory_order_relaxed); }

void PgConnection::SendWrites() {
  DCHECK(!write_inflight_);
  const size_t n = std::min(pending_writes_.size(), kGroupUnitsMax);
  if (n == 0) return;
  write_inflight_ = true;
  if (n == 1) {  // alone: a plain unit, its own transaction
    Unit* unit = pending_writes_.front();
    pending_writes_.pop_front();
    const std::vector<PgQuery>& queries = *std::exchange(unit->pending, nullptr);
    unit->ends_write = true;
    SendUnit(unit, {}, queries, {});
    return;
  }
  // owned_ is in completion order: the calls, then the COMMIT.
  Unit* calls = owned_.emplace_back(std::make_unique<Unit>()).get();
  calls->owned = true;
  Unit* commit = owned_.emplace_back(std::make_unique<Unit>()).get();
  commit->owned = true;
  commit->commit = true;
  commit->ends_write = true;
  std::vector<PgQuery> statements;
  statements.reserve(n + 1);
  statements.push_back({PgStatementId::kGroupBegin, {}});
  for (size_t i = 0; i < n; ++i) {
    Unit* unit = pending_writes_.front();
    pending_writes_.pop_front();
    const std::vector<PgQuery>& queries = *std::exchange(unit->pending, nullptr);
    DCHECK(queries.size() == 1);
    // A copy (parameters are short); the unit's own stay with its caller.
    PgQuery call = queries[0];
    call.statement = PgGroupStatement(call.statement);
    statements.push_back(std::move(call));
    unit->grouped = true;
    calls->members.push_back(unit);
    grouped_units.fetch_add(1, std::memory_order_relaxed);
  }
  commit->members = calls->members;
  static const std::vector<PgQuery> kCommit = {{PgStatementId::kCommit, {}}};
  // After a failed send, Fail() has failed everything (and freed both segments): stop.
  if (!SendUnit(calls, {}, statements, {})) return;
  SendUnit(commit, {}, kCommit, {});
}

void PgConnection::TakeGroupRows(Unit* calls) {
  // Statement 0 is the BEGIN; member i's call is statement i + 1.
  const size_t failed = calls->error ? calls->error_at : SIZE_MAX;
  for (size_t i = 0; i < calls->members.size(); ++i) {
    Unit* m = calls->members[i];
    if (failed != SIZE_MAX) {
      // The transaction is aborted: what ran is undone, what followed was skipped.
      if (failed == i + 1) {
        m->error = calls->error;
      } else {
        m->rerun = true;
      }
      continue;
    }
    PgRows rows = std::move(calls->rows[i + 1]);
    const int state = rows.columns() - 2;  // rm_try_*: error_state, error_message
    if (rows.size() == 1 && state >= 0 && !rows.IsNull(0, state)) {
      const std::string_view sqlstate = rows.Text(0, state);
      m->error = PgSqlstateError(sqlstate, std::string(rows.Text(0, state + 1)));
      m->deadlock = sqlstate == "40P01";
      continue;
    }
    m->rows.clear();
    m->rows.push_back(std::move(rows));
  }
}

void PgConnection::Complete(Unit* front, Unit* self, std::vector<Unit*>* completed) {
  front->done = true;
  if (front != self && !front->owned) completed->push_back(front);
  if (!front->commit && !front->members.empty()) TakeGroupRows(front);
  if (front->commit) {
    if (front->error) {
      // Never expected (no deferred constraints, READ COMMITTED), and the transaction's state
      // is unknown after it: the connection is replaced (ReadUntilDone breaks it).
      group_failed_ = "group COMMIT failed: " + front->error->message;
    }
    for (Unit* m : front->members) {
      if (front->error) {
        m->error = Error{ErrorCode::kUnavailable, "PostgreSQL " + group_failed_, 0};
        m->rerun = false;
      }
      m->done = true;
      if (m != self) completed->push_back(m);
    }
  }
  if (front->ends_write) write_inflight_ = false;
  if (front->owned) {
    CHECK(!owned_.empty() && owned_.front().get() == front, "group segments complete in order");
    owned_.pop_front();
  }
}

std::coroutine_handle<> PgConnection::NextReader() {
  for (Unit* u : queue_) {
    if (u->waiter) return std::exchange(u->waiter, nullptr);
    // A COMMIT's units wait for it.
    if (!u->commit) continue;
    for (Unit* m : u->members) {
      if (!m->done && m->waiter) return std::exchange(m->waiter, nullptr);
    }
  }
  return {};
}

void PgConnection::WakeNextWriter() {
  if (write_inflight_ || broken_ || pending_writes_.empty()) return;
  Unit* next = pending_writes_.front();
  if (next->waiter) std::exchange(next->waiter, nullptr).resume();
}

}  // namespace ringmail::postgres
