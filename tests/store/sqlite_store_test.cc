// The SQLite backend: the conformance suite, plus what is SQLite's own — migrations and the
// schema version check, the file surviving a reopen, calls from several reactor threads.
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <thread>

#include "base/metrics.h"
#include "metadata_conformance.h"
#include "runtime/runtime_metrics.h"
#include "sqlite_test_util.h"
#include "store/sqlite/migrations.h"

namespace ringmail::testing {

INSTANTIATE_TYPED_TEST_SUITE_P(StoreSqlite, MetadataConformance, SqliteFactory);

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(StoreSqliteSchema, MigrationsAreRecordedOnceAndTheFileIsInWalMode) {
  SqliteFactory factory;
  for (int i = 0; i < 2; ++i) {
    std::unique_ptr<MetadataStore> store = factory.Open();
    ASSERT_NE(store, nullptr);
  }
  EXPECT_EQ(QueryInt(factory.path(), "SELECT count(*) FROM schema_migrations"), 1);
  EXPECT_EQ(QueryInt(factory.path(), "SELECT max(version) FROM schema_migrations"),
            LatestSchemaVersion(sqlite::Migrations()));
  // journal_mode=WAL is recorded in the file header (bytes 18 and 19 are 2).
  const std::string header = ReadFile(factory.path()).substr(0, 20);
  ASSERT_EQ(header.size(), 20u);
  EXPECT_EQ(header[18], 2);
  EXPECT_EQ(header[19], 2);
}

TEST(StoreSqliteSchema, NewerSchemaIsRefusedAndLeftUntouched) {
  SqliteFactory factory;
  { ASSERT_NE(factory.Open(), nullptr); }
  ExecSql(factory.path(),
          "INSERT INTO schema_migrations (version, description) VALUES (999, 'from the future')");
  const std::string before = ReadFile(factory.path());
  Result<std::unique_ptr<SqliteMetadataStore>> store = SqliteMetadataStore::Open(factory.path());
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, ErrorCode::kConfig);
  EXPECT_EQ(store.error().message,
            "metadata store schema version 999 is newer than this ringmail (knows up to " +
                std::to_string(LatestSchemaVersion(sqlite::Migrations())) + "); upgrade ringmail");
  EXPECT_EQ(ReadFile(factory.path()), before);
  EXPECT_EQ(QueryInt(factory.path(), "SELECT max(version) FROM schema_migrations"), 999);
}

TEST(StoreSqliteSchema, MigrateAppliesOnlyMissingVersionsAndRollsBackAFailedOne) {
  TempDir dir;
  const std::string path = dir.path() + "/m.db";
  const SchemaMigration v1[] = {
      {1, "first",
       "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
       "description TEXT NOT NULL, applied_at TEXT); CREATE TABLE a (x);"}};
  const SchemaMigration v2[] = {v1[0], {2, "second", "CREATE TABLE b (y);"}};
  const SchemaMigration broken[] = {v2[0], v2[1], {3, "broken", "CREATE TABLE c (z); NONSENSE;"}};
  Result<std::unique_ptr<sqlite::SqliteDb>> db = sqlite::SqliteDb::Open(path, 1000);
  ASSERT_TRUE(db.has_value());
  EXPECT_EQ(sqlite::Migrate(**db, v1), 1);
  EXPECT_EQ(sqlite::Migrate(**db, v1), 1);  // nothing to do
  EXPECT_EQ(sqlite::Migrate(**db, v2), 2);
  Result<int> failed = sqlite::Migrate(**db, broken);
  EXPECT_FALSE(failed.has_value());
  Result<int> version = sqlite::SchemaVersion(**db);
  EXPECT_EQ(version, 2);
  db->reset();
  EXPECT_EQ(QueryInt(path, "SELECT count(*) FROM schema_migrations"), 2);
  EXPECT_EQ(QueryInt(path, "SELECT count(*) FROM sqlite_schema WHERE name IN ('a', 'b')"), 2);
  EXPECT_EQ(QueryInt(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'c'"), 0);
}

// Several reactor threads, each with its own ring, calling one store at once.
void RunOnReactors(int count, Task<void> (*body)(int core, void* shared), void* shared) {
  MetricsRegistry::Global().ResetForTesting();
  RegisterRuntimeMetrics();
  MetricsRegistry::Global().Freeze(count);
  std::vector<std::thread> threads;
  for (int core = 0; core < count; ++core) {
    threads.emplace_back([=] {
      ReactorOptions options;
      options.core = core;
      options.recv_buffer_count = 64;
      options.direct_files_max = 256;
      Result<std::unique_ptr<Reactor>> reactor = Reactor::Create(options);
      ASSERT_TRUE(reactor.has_value()) << reactor.error().ToString();
      Spawn(internal::RunThenStop(body(core, shared), reactor->get()));
      (*reactor)->Run();
    });
  }
  for (std::thread& t : threads) t.join();
}

struct TwoReactors {
  MetadataStore* store = nullptr;
  int64_t inbox = 0;
  std::vector<PlacedMessage> placed[2];
  bool on_own_thread[2] = {false, false};
};

constexpr int kPerReactor = 100;
constexpr int kCoroutinesPerReactor = 4;

Task<void> DeliverFromReactor(int core, void* shared) {
  auto* s = static_cast<TwoReactors*>(shared);
  const std::thread::id thread = std::this_thread::get_id();
  Latch latch(kCoroutinesPerReactor);
  for (int i = 0; i < kCoroutinesPerReactor; ++i) {
    Spawn(conformance::DeliverMany(s->store, s->inbox, core * 100 + i,
                                   kPerReactor / kCoroutinesPerReactor, &s->placed[core], &latch));
  }
  co_await latch.Wait();
  s->on_own_thread[core] = std::this_thread::get_id() == thread;
}

Task<void> CreateAlice(MetadataStore* store, int64_t* inbox) {
  CO_ASSERT_OK(alice, conformance::MakeAccount(store, "alice"));
  *inbox = alice->Mailbox("INBOX");
}

TEST(StoreSqliteThreads, TwoReactorsDeliverIntoOneMailbox) {
  SqliteFactory factory;
  std::unique_ptr<MetadataStore> store = factory.Open();
  ASSERT_NE(store, nullptr);
  TwoReactors shared;
  shared.store = store.get();
  RunOnReactor(CreateAlice(store.get(), &shared.inbox));
  ASSERT_GT(shared.inbox, 0);
  RunOnReactors(2, DeliverFromReactor, &shared);
  EXPECT_TRUE(shared.on_own_thread[0]);
  EXPECT_TRUE(shared.on_own_thread[1]);
  std::vector<PlacedMessage> all = shared.placed[0];
  all.insert(all.end(), shared.placed[1].begin(), shared.placed[1].end());
  conformance::ExpectDistinctUidsAndIncreasingModseqs(all, 2 * kPerReactor);
  EXPECT_EQ(QueryInt(factory.path(), "SELECT count(*) FROM mailbox_messages"), 2 * kPerReactor);
  EXPECT_EQ(QueryInt(factory.path(), "SELECT message_count FROM mailboxes WHERE name = 'INBOX'"),
            2 * kPerReactor);
}

}  // namespace
}  // namespace ringmail::testing
