// SqliteExecutor: the store thread. SQLite calls block, so they never run on a reactor: a
// coroutine hands an operation to this thread through a pipe (a bounded queue: over
// `queue_max` waiting operations a call is refused with kBusy rather than blocking the
// reactor), suspends, and is resumed on its own core when the thread posts the finished
// operation back to that core's ring (runtime/message.h), as WorkerPool does.
//
// Group commit: the thread takes every operation waiting (up to `batch_max`) and runs them in
// one transaction, each inside its own SAVEPOINT. An operation that fails is rolled back to
// its savepoint and reports its error; the others commit together — one WAL fsync for the
// whole batch, which is what makes many concurrent deliveries fast with synchronous=FULL. If
// the transaction itself fails (BEGIN or COMMIT, or SQLite aborting it after an I/O error),
// every operation in it that had succeeded reports that error instead: nothing of it was
// committed.
//
//   Result<int64_t> id = co_await executor.Call([&](SqliteDb& db) { return Insert(db, name); });
//
// The callable runs on the store thread while the coroutine is suspended; it may reference
// the coroutine's locals and must not touch reactor state.
//
// Reads do not wait for a group: SqliteMetadataStore runs them on a second executor, over a
// read-only connection (`read_only`), whose batches are deferred read transactions — a WAL
// snapshot of what has committed, never the writer's lock and never an fsync.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <thread>
#include <type_traits>
#include <vector>

#include "base/result.h"
#include "runtime/completion.h"
#include "runtime/reactor.h"
#include "store/sqlite/sqlite_db.h"

namespace ringmail::sqlite {

struct ExecutorOptions {
  size_t batch_max = 256;  // operations per transaction; 1 turns group commit off
  int queue_max = 4096;    // operations waiting for the thread; more are refused (kBusy)
  // A reader's executor: its batches are `BEGIN` (deferred) transactions that only read,
  // without a savepoint per operation.
  bool read_only = false;
};

class SqliteExecutor {
 public:
  struct Op : Completion {
    // Runs on the store thread inside the operation's savepoint; false: it failed (its own
    // result says why) and its changes are rolled back.
    bool (*run)(Op* self, SqliteDb& db) = nullptr;
    // Replaces the result of a successful run whose transaction did not commit.
    void (*fail)(Op* self, Error error) = nullptr;
    int reply_ring_fd = -1;
    std::coroutine_handle<> waiter;
  };

  template <typename Fn>
  class CallAwaiter;

  struct Stats {
    uint64_t transactions = 0;  // committed or not
    uint64_t operations = 0;
  };

  // Takes `db` over and starts the thread.
  static Result<std::unique_ptr<SqliteExecutor>> Start(std::unique_ptr<SqliteDb> db,
                                                       const ExecutorOptions& options);
  ~SqliteExecutor();  // stops and joins the thread; REQUIRES: no operation in flight
  SqliteExecutor(const SqliteExecutor&) = delete;
  SqliteExecutor& operator=(const SqliteExecutor&) = delete;

  // `fn(SqliteDb&)` returns a Result; the awaiter yields it. Called on a reactor thread.
  template <typename Fn>
  CallAwaiter<Fn> Call(Fn fn) {
    return CallAwaiter<Fn>(this, std::move(fn));
  }

  // Queues `op`; false when the queue is full. Called on a reactor thread.
  bool Submit(Op* op);

  Stats stats() const {
    return {transactions_.load(std::memory_order_relaxed),
            operations_.load(std::memory_order_relaxed)};
  }
  // Operations submitted and not yet taken by the thread.
  int queued() const { return queued_.load(std::memory_order_relaxed); }

 private:
  SqliteExecutor(std::unique_ptr<SqliteDb> db, const ExecutorOptions& options)
      : db_(std::move(db)), options_(options) {}
  void ThreadMain();
  // Blocks until at least one pointer is in the pipe; appends up to batch_max to `ops`.
  void ReadBatch(std::vector<Op*>* ops);
  void RunBatch(std::span<Op*> ops);
  // Runs a prefix of `ops` in one transaction; returns how many ran (at least one).
  size_t RunTransaction(std::span<Op*> ops);
  // Runs one operation in its savepoint (a reader's without); false when the transaction
  // broke.
  bool RunInSavepoint(Op* op, bool* succeeded);

  std::unique_ptr<SqliteDb> db_;
  ExecutorOptions options_;
  int pipe_read_ = -1;
  int pipe_write_ = -1;
  std::atomic<int> queued_{0};
  std::atomic<uint64_t> transactions_{0};
  std::atomic<uint64_t> operations_{0};
  std::thread thread_;
};

template <typename Fn>
class SqliteExecutor::CallAwaiter : public Op {
 public:
  using Value = std::invoke_result_t<Fn&, SqliteDb&>;  // a Result<T>

  CallAwaiter(SqliteExecutor* executor, Fn fn) : executor_(executor), fn_(std::move(fn)) {
    run = &Execute;
    fail = &Fail;
    callback = &Resume;
  }
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) {
    waiter = h;
    reply_ring_fd = Reactor::Current()->ring_fd();
    refused_ = !executor_->Submit(this);
    return !refused_;  // a refused operation resumes at once
  }
  Value await_resume() {
    if (refused_) return MakeError(ErrorCode::kBusy, "metadata store queue full");
    return std::move(*result_);
  }

 private:
  static bool Execute(Op* op, SqliteDb& db) {
    auto* self = static_cast<CallAwaiter*>(op);
    self->result_.emplace(self->fn_(db));
    return self->result_->has_value();
  }
  static void Fail(Op* op, Error error) {
    static_cast<CallAwaiter*>(op)->result_.emplace(std::unexpected(std::move(error)));
  }
  static void Resume(Completion* c, int32_t, uint32_t) {
    static_cast<CallAwaiter*>(c)->waiter.resume();
  }

  SqliteExecutor* executor_;
  Fn fn_;
  std::optional<Value> result_;
  bool refused_ = false;
};

}  // namespace ringmail::sqlite
