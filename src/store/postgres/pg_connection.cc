#include "store/postgres/pg_connection.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <string_view>

#include "base/check.h"
#include "base/log.h"
#include "runtime/awaitables.h"
#include "runtime/reactor.h"
#include "store/metadata_store.h"

namespace ringmail::postgres {
namespace {

Error Unavailable(const std::string& what, PGconn* conn) {
  std::string message = PQerrorMessage(conn);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  return Error{ErrorCode::kUnavailable, "PostgreSQL " + what + ": " + message, 0};
}

// libpq prints notices (a RAISE NOTICE, "table exists, skipping") to stderr by default.
void IgnoreNotice(void*, const PGresult*) {}

}  // namespace

Task<Result<std::unique_ptr<PgConnection>>> PgConnection::Connect(std::string conninfo,
                                                                  std::string hostaddr,
                                                                  uint64_t connect_timeout_ms,
                                                                  uint64_t response_timeout_ms,
                                                                  bool prepare_store_statements) {
  // Later keywords override what the expanded connection string says.
  const char* keywords[] = {"dbname", hostaddr.empty() ? nullptr : "hostaddr", nullptr};
  const char* values[] = {conninfo.c_str(), hostaddr.c_str(), nullptr};
  PGconn* raw = PQconnectStartParams(keywords, values, 1);
  if (raw == nullptr) co_return MakeError(ErrorCode::kUnavailable, "libpq: out of memory");
  std::unique_ptr<PgConnection> c(new PgConnection(raw, response_timeout_ms));
  const uint64_t timeout_ms = connect_timeout_ms;
  if (PQstatus(raw) == CONNECTION_BAD) co_return std::unexpected(Unavailable("connect", raw));
  const uint64_t deadline = MonotonicMs() + timeout_ms;
  // libpq's protocol: start as if PQconnectPoll had asked for writability.
  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  while (state != PGRES_POLLING_OK) {
    if (state == PGRES_POLLING_FAILED) co_return std::unexpected(Unavailable("connect", raw));
    const uint64_t now = MonotonicMs();
    if (now >= deadline) {
      co_return MakeError(ErrorCode::kUnavailable, "PostgreSQL connect: timed out after " +
                                                       std::to_string(timeout_ms) + " ms");
    }
    const uint32_t events = state == PGRES_POLLING_READING ? POLLIN : POLLOUT;
    Result<uint32_t> ready = co_await PollFd(PQsocket(raw), events, deadline - now);
    if (!ready && ready.error().code != ErrorCode::kTimeout) {
      co_return std::unexpected(ready.error());
    }
    state = PQconnectPoll(raw);
  }
  PQsetNoticeReceiver(raw, IgnoreNotice, nullptr);
  if (PQsetnonblocking(raw, 1) != 0 || PQenterPipelineMode(raw) != 1) {
    co_return std::unexpected(Unavailable("pipeline mode", raw));
  }
  Result<void> prepared = co_await c->Prepare(prepare_store_statements);
  if (!prepared) co_return std::unexpected(prepared.error());
  co_return c;
}

PgConnection::~PgConnection() {
  CHECK(users_ == 0, "PgConnection destroyed while in use");
  PQfinish(conn_);
}

bool PgConnection::LooksUsable() {
  if (broken_ || PQstatus(conn_) != CONNECTION_OK) return false;
  if (!queue_.empty()) return true;  // a reader is waiting for answers on it
  char byte;
  const ssize_t n = ::recv(PQsocket(conn_), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
  // End of stream, an error, or a message nobody asked for (the server's "terminating
  // connection" before it closes): not worth a unit.
  Fail(n == 0 ? "the server closed the connection" : "unexpected data on an idle connection");
  return false;
}

Task<Result<void>> PgConnection::Prepare(bool store_statements) {
  // The JIT's compile time dwarfs the run time of our short statements, and LoadMailbox of a
  // large mailbox is estimated costly enough to trigger it.
  if (PQsendQueryParams(conn_, "SET jit = off", 0, nullptr, nullptr, nullptr, nullptr, 0) != 1) {
    co_return std::unexpected(Unavailable("prepare", conn_));
  }
  const std::span<const PgStatement> statements =
      store_statements ? PgStatements() : std::span<const PgStatement>();
  for (const PgStatement& s : statements) {
    if (PQsendPrepare(conn_, s.name, s.sql, s.parameters, nullptr) != 1) {
      co_return std::unexpected(Unavailable("prepare", conn_));
    }
  }
  if (PQpipelineSync(conn_) != 1) co_return std::unexpected(Unavailable("prepare", conn_));
  // Waits for the unit's results as Execute does; each PQsendPrepare is one statement.
  Unit unit;
  unit.statements = statements.size() + 1;
  unit.rows.resize(unit.statements);
  queue_.push_back(&unit);
  ++users_;
  Result<void> flushed = co_await Flush();
  if (flushed) {
    reading_ = true;
    co_await ReadUntilDone(&unit);
    reading_ = false;
  }
  --users_;
  if (!flushed) co_return flushed;
  if (unit.error) co_return std::unexpected(*unit.error);
  co_return Result<void>{};
}

bool PgConnection::SendQuery(const PgQuery& q) {
  std::vector<const char*> values;
  values.reserve(q.params.size());
  for (const std::optional<std::string>& p : q.params) {
    values.push_back(p ? p->c_str() : nullptr);
  }
  const int count = static_cast<int>(values.size());
  const int format = q.binary ? 1 : 0;  // of the results; parameters are always text
  if (q.sql != nullptr) {
    return PQsendQueryParams(conn_, q.sql, count, nullptr, values.data(), nullptr, nullptr,
                             format) == 1;
  }
  const PgStatement& s = GetPgStatement(q.statement);
  DCHECK(s.parameters == count);
  return PQsendQueryPrepared(conn_, s.name, s.parameters, values.data(), nullptr, nullptr,
                             format) == 1;
}

bool PgConnection::SendUnit(Unit* unit, std::span<const PgQuery> prefix,
                            const std::vector<PgQuery>& queries, std::span<const PgQuery> suffix) {
  unit->statements = prefix.size() + queries.size() + suffix.size();
  unit->rows.resize(unit->statements);
  // Queued first: if sending fails, Fail() fails it with the rest.
  queue_.push_back(unit);
  bool sent = true;
  for (const PgQuery& q : prefix) sent = sent && SendQuery(q);
  for (const PgQuery& q : queries) sent = sent && SendQuery(q);
  for (const PgQuery& q : suffix) sent = sent && SendQuery(q);
  if (!sent || PQpipelineSync(conn_) != 1) {
    // Part of the unit may be in libpq's buffer: the pipeline is out of step for good.
    Fail(std::string("send failed: ") + PQerrorMessage(conn_));
    return false;
  }
  return true;
}

Task<Result<std::vector<PgRows>>> PgConnection::Execute(std::vector<PgQuery> queries) {
  if (broken_) co_return MakeError(ErrorCode::kUnavailable, "PostgreSQL connection broken");
  const bool groupable = group_commit_ && queries.size() == 1 && queries[0].sql == nullptr &&
                         PgGroupable(queries[0].statement);
  Unit unit;
  ++users_;
  if (groupable) {
    unit.pending = &queries;
    pending_writes_.push_back(&unit);
    while (unit.pending != nullptr && !unit.done) {
      if (!write_inflight_) {
        SendWrites();
      } else {
        co_await WaitUntil{&unit.waiter};
      }
    }
  } else {
    SendUnit(&unit, {}, queries, {});
  }
  co_await Await(&unit);
  if (unit.rerun && broken_) {
    unit.error = Error{ErrorCode::kUnavailable, "PostgreSQL connection lost", 0};
  } else if (unit.rerun || (unit.deadlock && unit.grouped && !broken_)) {
    // Its group rolled back for another unit's sake, or it deadlocked inside its group
    // (pg_connection.h) while the group went on. Once more on its own, where it locks in id
    // order like any write.
    Unit again;
    SendUnit(&again, {}, queries, {});
    co_await Await(&again);
    unit.error = std::move(again.error);
    unit.rows = std::move(again.rows);
  }
  --users_;
  if (unit.error) co_return std::unexpected(*unit.error);
  co_return std::move(unit.rows);
}

Task<Result<std::vector<PgNotification>>> PgConnection::WaitNotifications(uint64_t timeout_ms) {
  CHECK(queue_.empty() && pending_writes_.empty(), "WaitNotifications with units in flight");
  if (broken_) co_return MakeError(ErrorCode::kUnavailable, "PostgreSQL connection broken");
  std::vector<PgNotification> arrived = TakeNotifications();
  if (!arrived.empty()) co_return arrived;
  ++users_;
  Result<uint32_t> ready = co_await PollFd(PQsocket(conn_), POLLIN, timeout_ms);
  --users_;
  if (!ready && ready.error().code == ErrorCode::kTimeout) co_return arrived;
  if (!ready) {
    Fail(ready.error().message);
  } else if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) == CONNECTION_BAD) {
    Fail(PQerrorMessage(conn_));
  }
  if (broken_) co_return MakeError(ErrorCode::kUnavailable, "PostgreSQL connection lost");
  co_return TakeNotifications();
}

std::vector<PgNotification> PgConnection::TakeNotifications() {
  std::vector<PgNotification> taken;
  while (PGnotify* n = PQnotifies(conn_)) {
    taken.push_back(PgNotification{n->relname, n->extra});
    PQfreemem(n);
  }
  return taken;
}

Task<void> PgConnection::Await(Unit* unit) {
  if (unit->done) co_return;
  Result<void> flushed = co_await Flush();
  (void)flushed;  // a failed flush failed every unit, this one included
  while (!unit->done) {
    if (!reading_) {
      reading_ = true;
      co_await ReadUntilDone(unit);
      reading_ = false;
      // Hand the reading to the next unit's waiter, if any is waiting.
      if (std::coroutine_handle<> next = NextReader()) next.resume();
    } else {
      co_await WaitUntil{&unit->waiter};
    }
  }
}

Task<Result<void>> PgConnection::Flush() {
  for (;;) {
    if (broken_) co_return MakeError(ErrorCode::kUnavailable, "PostgreSQL connection broken");
    const int left = PQflush(conn_);
    if (left == 0) co_return Result<void>{};
    if (left < 0) {
      Fail(PQerrorMessage(conn_));
      co_return MakeError(ErrorCode::kUnavailable, "PostgreSQL send failed");
    }
    // The server may be waiting for us to read before it reads more: read while waiting.
    Result<uint32_t> ready = co_await PollFd(PQsocket(conn_), POLLOUT | POLLIN);
    if (!ready) {
      Fail(ready.error().message);
      continue;
    }
    if ((*ready & POLLIN) != 0 && PQconsumeInput(conn_) == 0) Fail(PQerrorMessage(conn_));
  }
}

Task<void> PgConnection::ReadUntilDone(Unit* unit) {
  std::vector<Unit*> completed;
  while (!unit->done) {
    if (PQconsumeInput(conn_) == 0) {
      Fail(PQerrorMessage(conn_));
      break;
    }
    DrainResults(unit, &completed);
    if (!group_failed_.empty()) Fail(group_failed_);
    if (PQstatus(conn_) == CONNECTION_BAD) Fail(PQerrorMessage(conn_));
    // Resumed after libpq is left alone: a waiter may send its next unit at once.
    for (Unit* u : completed) {
      if (u->waiter) std::exchange(u->waiter, nullptr).resume();
    }
    completed.clear();
    WakeNextWriter();
    if (unit->done) break;
    Result<uint32_t> ready = co_await PollFd(PQsocket(conn_), POLLIN, response_timeout_ms_);
    if (!ready && ready.error().code == ErrorCode::kTimeout) {
      Fail("no answer within " + std::to_string(response_timeout_ms_) + " ms");
    } else if (!ready) {
      Fail(ready.error().message);
    }
  }
}

void PgConnection::DrainResults(Unit* self, std::vector<Unit*>* completed) {
  while (!queue_.empty() && PQisBusy(conn_) == 0) {
    Unit* front = queue_.front();
    PGresult* result = PQgetResult(conn_);
    if (result == nullptr) {  // the end of one statement's results
      ++front->current;
      continue;
    }
    PgResultPtr owned(result);
    switch (PQresultStatus(result)) {
      case PGRES_PIPELINE_SYNC:
        queue_.pop_front();
        Complete(front, self, completed);
        break;
      case PGRES_TUPLES_OK:
      case PGRES_COMMAND_OK:
        if (front->current < front->statements)
          front->rows[front->current] = PgRows(std::move(owned));
        break;
      case PGRES_PIPELINE_ABORTED: break;  // the unit's first error is already recorded
      default:
        if (!front->error) {
          front->error = PgResultError(result);
          front->error_at = front->current;
          const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
          front->deadlock = state != nullptr && std::string_view(state) == "40P01";
        }
        break;
    }
  }
}

void PgConnection::Fail(const std::string& why) {
  group_failed_.clear();
  if (!broken_) {
    broken_ = true;
    std::string message = why;
    while (!message.empty() && message.back() == '\n') message.pop_back();
    Log(LogLevel::kWarn, "postgres_connection_lost", "error", message);
  }
  // Every unit fails: those sent, the members of a group whose COMMIT was not answered, the
  // writes not sent yet. Their waiters run once the current libpq call sequence is over (the
  // reader resumes its own; the others are resumed here, after the queues are emptied).
  std::vector<Unit*> failed(queue_.begin(), queue_.end());
  for (Unit* u : queue_) {
    for (Unit* m : u->members) {
      if (!m->done && std::find(failed.begin(), failed.end(), m) == failed.end()) {
        failed.push_back(m);
      }
    }
  }
  failed.insert(failed.end(), pending_writes_.begin(), pending_writes_.end());
  queue_.clear();
  pending_writes_.clear();
  write_inflight_ = false;
  for (Unit* u : failed) {
    if (!u->error) u->error = Error{ErrorCode::kUnavailable, "PostgreSQL connection lost", 0};
    u->deadlock = false;
    u->pending = nullptr;
    u->done = true;
  }
  std::vector<std::coroutine_handle<>> waiters;
  for (Unit* u : failed) {
    if (u->waiter) waiters.push_back(std::exchange(u->waiter, nullptr));
  }
  owned_.clear();  // no waiter: safe to free before anyone runs
  for (std::coroutine_handle<> h : waiters) h.resume();
}

}  // namespace ringmail::postgres
