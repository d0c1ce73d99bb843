// PgConnection's group commit (pg_connection.h): sending waiting writes as one transaction,
// and completing a group's units once its COMMIT is answered.
#include <algorithm>
#include <atomic>

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
  static const std::vector<PgQuery> kNone;
  static const PgQuery kBegin[] = {{PgStatementId::kGroupBegin, {}},
                                   {PgStatementId::kUnitSavepoint, {}}};
  static const PgQuery kUnitPrefix[] = {{PgStatementId::kUnitRollback, {}}};
  static const PgQuery kUnitSuffix[] = {{PgStatementId::kUnitRelease, {}},
                                        {PgStatementId::kUnitSavepoint, {}}};
  static const std::vector<PgQuery> kCommit = {{PgStatementId::kUnitRollback, {}},
                                               {PgStatementId::kCommit, {}}};
  // owned_ is in completion order: the BEGIN, then the COMMIT.
  Unit* head = owned_.emplace_back(std::make_unique<Unit>()).get();
  head->owned = true;
  Unit* tail = owned_.emplace_back(std::make_unique<Unit>()).get();
  tail->owned = true;
  tail->ends_write = true;
  // After a failed send, Fail() has failed everything (and freed head and tail): stop.
  if (!SendUnit(head, kBegin, kNone, {})) return;
  for (size_t i = 0; i < n; ++i) {
    Unit* unit = pending_writes_.front();
    pending_writes_.pop_front();
    const std::vector<PgQuery>& queries = *std::exchange(unit->pending, nullptr);
    unit->grouped = true;
    unit->tail = tail;
    tail->members.push_back(unit);
    grouped_units.fetch_add(1, std::memory_order_relaxed);
    if (!SendUnit(unit, kUnitPrefix, queries, kUnitSuffix)) return;
  }
  SendUnit(tail, {}, kCommit, {});
}

void PgConnection::Complete(Unit* front, Unit* self, std::vector<Unit*>* completed) {
  if (front->grouped) return;  // answered; done when its group's COMMIT is
  front->done = true;
  if (front != self && !front->owned) completed->push_back(front);
  if (front->error && !front->members.empty()) {
    // Never expected (no deferred constraints, READ COMMITTED), and the transaction's state
    // is unknown after it: the connection is replaced (ReadUntilDone breaks it).
    group_failed_ = "group COMMIT failed: " + front->error->message;
  }
  for (Unit* m : front->members) {
    if (front->error && !m->error) {
      m->error = Error{ErrorCode::kUnavailable, "PostgreSQL " + group_failed_, 0};
    }
    m->done = true;
    if (m != self) completed->push_back(m);
  }
  if (front->ends_write) write_inflight_ = false;
  if (front->owned) {
    CHECK(!owned_.empty() && owned_.front().get() == front, "group units complete in order");
    owned_.pop_front();
  }
}

std::coroutine_handle<> PgConnection::NextReader() {
  for (Unit* u : queue_) {
    if (u->waiter) return std::exchange(u->waiter, nullptr);
    // A COMMIT's members wait for it after their own answers.
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
