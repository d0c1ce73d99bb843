// What the store benchmarks share: a metadata store on fresh state for one run (SQLite in a
// directory of its own, or PostgreSQL in a schema of its own), a reactor that runs one
// coroutine to its end, the benchmark's account, operations spread over many coroutines, and
// the printing of medians and quantiles. Everything here blocks or runs on the calling
// thread's reactor; the benchmarks are single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "runtime/task.h"
#include "store/metadata_store.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/latch.h"

namespace ringmail::testing {
class TestSchema;
}

namespace ringmail::bench {

// Registers and freezes the runtime's metrics (a reactor needs them). Once, in main().
void InitStoreBench();

// Runs `task` to its end on a new reactor on this thread (one core, index 0). False, with
// the reason on stderr, when no reactor could be made.
bool RunOnReactor(Task<void> task);

struct MetadataSpec {
  std::string backend = "sqlite";   // sqlite | postgres
  std::string dir = "/var/tmp";     // sqlite: the database goes in DIR/ringmail-store-bench/
  uint32_t sqlite_batch_max = 256;  // 1: one commit per operation
  std::string postgres_uri;         // postgres: the cluster, which must be reachable
  PostgresStoreOptions postgres;    // its `uri` is ours to fill in
  // Extra server settings for the store's connections ("synchronous_commit=off"), each
  // passed as `-c NAME=VALUE`; for filling a database fast, never for what is measured.
  std::vector<std::string> postgres_settings;
};

// A metadata store on fresh state: SQLite in a new directory, or PostgreSQL in a new schema
// (the tests' TestSchema, tests/store/postgres_test_server.h) that its connections use as
// their search_path. The destructor closes the store first, then removes the directory or
// drops the schema.
class BenchMetadata {
 public:
  // Null, with the reason on stderr, when the store cannot be opened.
  static std::unique_ptr<BenchMetadata> Open(const MetadataSpec& spec);
  ~BenchMetadata();
  BenchMetadata(const BenchMetadata&) = delete;
  BenchMetadata& operator=(const BenchMetadata&) = delete;

  MetadataStore& store() { return *store_; }
  SqliteMetadataStore* sqlite() { return sqlite_; }  // null on PostgreSQL
  // PostgreSQL: runs `sql` in the store's schema on a connection of its own (blocking) and
  // returns "" or the error. SQLite: does nothing and returns "".
  std::string PostgresExec(const std::string& sql);

 private:
  BenchMetadata() = default;

  std::unique_ptr<testing::TestSchema> schema_;  // PostgreSQL; dropped after the store
  std::string dir_;                              // SQLite; removed after the store
  std::unique_ptr<MetadataStore> store_;
  SqliteMetadataStore* sqlite_ = nullptr;
};

// Creates the account "bench" (with INBOX and the special-use mailboxes) and returns its
// INBOX's id; 0 after printing why on stderr.
Task<int64_t> CreateBenchInbox(MetadataStore* store);

// A delivery into `mailbox` of a blob that is taken as stored already (metadata only), with
// a summary of realistic size so that the emails rows are.
DeliveryRequest MetadataOnlyDelivery(int64_t mailbox, const BlobKey& key, uint64_t size);

// `count` distinct messages of `size` bytes (a Subject line and 78-column text).
std::vector<std::string> MakeMessages(int count, size_t size);

// Operations 0..count-1 spread over coroutines: each coroutine takes the next index until
// none is left (one reactor, so no atomics), and the last one to finish releases `done`.
struct WorkQueue {
  WorkQueue(int count_in, int coroutines) : count(count_in), done(coroutines) {}
  // The next index, or -1 when every operation has been taken.
  int Take() { return next < count ? next++ : -1; }

  int count;
  int next = 0;
  int failures = 0;
  testing::Latch done;
};

// "a,b,c" as {"a", "b", "c"}.
std::vector<std::string> SplitList(const std::string& list);

// The value below which the share `q` (0..1) of `values` lie (nearest rank).
// REQUIRES: `values` not empty.
double Quantile(std::vector<double> values, double q);

// Seconds since an arbitrary start (CLOCK_MONOTONIC).
double NowSeconds();
// CPU seconds (user + system) this process has used so far.
double CpuSeconds();

}  // namespace ringmail::bench
