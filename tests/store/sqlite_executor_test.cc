// The store thread's group commit: operations waiting together share one transaction, each in
// its own savepoint, and a failing one is rolled back alone.
#include "store/sqlite/sqlite_executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "metadata_test_util.h"
#include "sqlite_test_util.h"
#include "testing/run_on_reactor.h"

namespace ringmail::testing {
namespace {

using sqlite::SqliteDb;
using sqlite::SqliteExecutor;

struct Batch {
  SqliteExecutor* executor = nullptr;
  std::atomic<bool> all_submitted{false};
  std::vector<Result<int64_t>> results;
  int64_t fail_value = -1;  // the operation inserting this value fails after inserting it
};

// Inserts `value`; the operation inserting 0 first holds the store thread until every
// operation of the test is queued behind it, so those all meet in the next batch.
Result<int64_t> Insert(SqliteDb& db, Batch* batch, int64_t value) {
  if (value == 0) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!batch->all_submitted.load() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
  }
  Result<void> inserted = db.Run("INSERT INTO t (x) VALUES (?)", value);
  if (!inserted) return std::unexpected(inserted.error());
  if (value == batch->fail_value) return MakeError(ErrorCode::kInvalidArgument, "refused");
  return value;
}

Task<void> Submit(Batch* batch, int64_t value, Latch* latch) {
  Result<int64_t> r = co_await batch->executor->Call(
      [batch, value](SqliteDb& db) { return Insert(db, batch, value); });
  batch->results[static_cast<size_t>(value)] = std::move(r);
  latch->Done();
}

Task<void> SubmitAll(Batch* batch, int count) {
  Latch latch(count);
  for (int i = 0; i < count; ++i) Spawn(Submit(batch, i, &latch));
  batch->all_submitted.store(true);
  co_await latch.Wait();
}

std::unique_ptr<SqliteExecutor> StartExecutor(const std::string& path) {
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path, 1000);
  EXPECT_TRUE(db.has_value());
  EXPECT_TRUE((*db)->Exec("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER)").has_value());
  Result<std::unique_ptr<SqliteExecutor>> e = SqliteExecutor::Start(std::move(*db), {});
  EXPECT_TRUE(e.has_value());
  return std::move(*e);
}

TEST(StoreSqliteExecutor, WaitingOperationsCommitInOneTransaction) {
  constexpr int kOps = 20;
  TempDir dir;
  const std::string path = dir.path() + "/t.db";
  std::unique_ptr<SqliteExecutor> executor = StartExecutor(path);
  Batch batch;
  batch.executor = executor.get();
  batch.results.assign(kOps, MakeError(ErrorCode::kInternal, "not run"));
  RunOnReactor(SubmitAll(&batch, kOps));
  for (int i = 0; i < kOps; ++i) EXPECT_EQ(batch.results[i], i);
  // The first operation (alone, or with those queued before the thread woke), then the rest.
  EXPECT_LE(executor->stats().transactions, 2u);
  EXPECT_EQ(executor->stats().operations, static_cast<uint64_t>(kOps));
  executor.reset();
  EXPECT_EQ(QueryInt(path, "SELECT count(*) FROM t"), kOps);
}

TEST(StoreSqliteExecutor, AFailingOperationIsRolledBackAloneInItsBatch) {
  constexpr int kOps = 4;
  TempDir dir;
  const std::string path = dir.path() + "/t.db";
  std::unique_ptr<SqliteExecutor> executor = StartExecutor(path);
  Batch batch;
  batch.executor = executor.get();
  batch.fail_value = 2;
  batch.results.assign(kOps, MakeError(ErrorCode::kInternal, "not run"));
  RunOnReactor(SubmitAll(&batch, kOps));
  EXPECT_EQ(batch.results[1], 1);
  ASSERT_FALSE(batch.results[2].has_value());
  EXPECT_EQ(batch.results[2].error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(batch.results[3], 3);
  EXPECT_LE(executor->stats().transactions, 2u);
  executor.reset();
  EXPECT_EQ(QueryInt(path, "SELECT count(*) FROM t"), 3);
  EXPECT_EQ(QueryInt(path, "SELECT count(*) FROM t WHERE x = 2"), 0);
}

}  // namespace
}  // namespace ringmail::testing
