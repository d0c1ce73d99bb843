#include "store/sqlite/sqlite_executor.h"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <cerrno>

#include "base/check.h"
#include "base/log.h"
#include "runtime/message.h"

namespace ringmail::sqlite {
namespace {
constexpr int kQueueMaxLimit = 1 << 16;  // the pipe must hold them all (F_SETPIPE_SZ)
}  // namespace

Result<std::unique_ptr<SqliteExecutor>> SqliteExecutor::Start(std::unique_ptr<SqliteDb> db,
                                                              const ExecutorOptions& options) {
  CHECK(options.batch_max > 0 && options.queue_max > 0 && options.queue_max <= kQueueMaxLimit);
  std::unique_ptr<SqliteExecutor> e(new SqliteExecutor(std::move(db), options));
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return SysError("pipe2", errno);
  e->pipe_read_ = fds[0];
  e->pipe_write_ = fds[1];
  // As in WorkerPool: queued_ bounds the queue, the pipe is sized to hold that many, and the
  // write end never blocks a reactor.
  ::fcntl(e->pipe_write_, F_SETFL, O_NONBLOCK);
  ::fcntl(e->pipe_write_, F_SETPIPE_SZ, options.queue_max * static_cast<int>(sizeof(Op*)));
  e->thread_ = std::thread([p = e.get()] { p->ThreadMain(); });
  return e;
}

SqliteExecutor::~SqliteExecutor() {
  if (thread_.joinable()) {
    Op* stop = nullptr;
    ::fcntl(pipe_write_, F_SETFL, 0);  // the stop marker must get through
    CHECK(::write(pipe_write_, &stop, sizeof stop) == sizeof stop);
    thread_.join();
  }
  ::close(pipe_read_);
  ::close(pipe_write_);
}

bool SqliteExecutor::Submit(Op* op) {
  if (queued_.fetch_add(1, std::memory_order_relaxed) >= options_.queue_max) {
    queued_.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }
  ssize_t n = ::write(pipe_write_, &op, sizeof op);
  if (n == sizeof op) return true;
  CHECK(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK), "store pipe write failed");
  queued_.fetch_sub(1, std::memory_order_relaxed);
  return false;
}

void SqliteExecutor::ReadBatch(std::vector<Op*>* ops) {
  const size_t start = ops->size();
  ops->resize(start + options_.batch_max);
  auto* bytes = reinterpret_cast<char*>(ops->data() + start);
  size_t got = 0;
  // Pointer-sized writes are atomic, so the pipe holds whole pointers; one read takes all
  // that are there (up to the bound), and a read that ends inside a pointer is completed.
  while (got == 0 || got % sizeof(Op*) != 0) {
    const size_t want =
        got == 0 ? options_.batch_max * sizeof(Op*) : sizeof(Op*) - got % sizeof(Op*);
    ssize_t n = ::read(pipe_read_, bytes + got, want);
    if (n < 0 && errno == EINTR) continue;
    CHECK(n > 0, "store pipe read failed");
    got += static_cast<size_t>(n);
  }
  ops->resize(start + got / sizeof(Op*));
}

void SqliteExecutor::ThreadMain() {
  SetLogCore(-1);
  pthread_setname_np(pthread_self(), options_.read_only ? "ringmail-read" : "ringmail-store");
  MessagePoster poster;
  CHECK(poster.Init().has_value(), "store thread cannot create its message ring");
  std::vector<Op*> ops;
  ops.reserve(options_.batch_max);
  for (;;) {
    ops.clear();
    ReadBatch(&ops);
    bool stop = false;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (ops[i] == nullptr) {
        CHECK(i + 1 == ops.size(), "operation submitted after the store stopped");
        ops.resize(i);
        stop = true;
      }
    }
    queued_.fetch_sub(static_cast<int>(ops.size()), std::memory_order_relaxed);
    RunBatch(ops);
    // After a post the operation belongs to its core again (its coroutine may resume and end
    // at once): nothing here touches it afterwards.
    for (Op* op : ops) {
      Result<void> posted = poster.Post(op->reply_ring_fd, op);
      CHECK(posted.has_value(), "store thread cannot post a finished operation back");
    }
    if (stop) return;
  }
}

void SqliteExecutor::RunBatch(std::span<Op*> ops) {
  while (!ops.empty()) {
    const size_t done = RunTransaction(ops);
    ops = ops.subspan(done);
  }
}

size_t SqliteExecutor::RunTransaction(std::span<Op*> ops) {
  transactions_.fetch_add(1, std::memory_order_relaxed);
  Result<void> begun = db_->Exec(options_.read_only ? "BEGIN" : "BEGIN IMMEDIATE");
  if (!begun) {
    for (Op* op : ops) op->fail(op, begun.error());
    operations_.fetch_add(ops.size(), std::memory_order_relaxed);
    return ops.size();
  }
  std::vector<bool> succeeded(ops.size(), false);
  size_t ran = 0;
  bool intact = true;
  while (ran < ops.size() && intact) {
    bool ok = false;
    intact = RunInSavepoint(ops[ran], &ok);
    succeeded[ran++] = ok;
  }
  operations_.fetch_add(ran, std::memory_order_relaxed);
  Result<void> ended = intact ? db_->Exec("COMMIT")
                              : MakeError(ErrorCode::kUnavailable, "store transaction aborted");
  if (ended) return ran;
  Log(LogLevel::kError, "sqlite_transaction_failed", "error", ended.error().ToString());
  if (db_->in_transaction()) (void)db_->Exec("ROLLBACK");
  for (size_t i = 0; i < ran; ++i) {
    if (succeeded[i]) ops[i]->fail(ops[i], ended.error());
  }
  return ran;
}

bool SqliteExecutor::RunInSavepoint(Op* op, bool* succeeded) {
  if (options_.read_only) {  // nothing to roll back: no savepoint
    *succeeded = op->run(op, *db_);
    return db_->in_transaction();
  }
  Result<void> saved = db_->Exec("SAVEPOINT op");
  if (!saved) {
    op->fail(op, saved.error());  // it never ran
    return false;
  }
  *succeeded = op->run(op, *db_);
  // SQLite rolls the whole transaction back by itself after some errors (a full disk, an
  // I/O error): then nothing of the batch can commit, this operation included.
  if (!db_->in_transaction()) return false;
  if (!*succeeded) {
    Result<void> undone = db_->Exec("ROLLBACK TO op");
    if (!undone) return false;
  }
  Result<void> released = db_->Exec("RELEASE op");
  return released.has_value();
}

}  // namespace ringmail::sqlite
