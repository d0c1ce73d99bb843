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
#include "two_reactors.h"

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
  EXPECT_EQ(QueryInt(factory.path(), "SELECT count(*) FROM schema_migrations"),
            static_cast<int64_t>(sqlite::Migrations().size()));
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

TEST(StoreSqliteThreads, TwoReactorsDeliverIntoOneMailbox) {
  SqliteFactory factory;
  std::unique_ptr<MetadataStore> store = factory.Open();
  ASSERT_NE(store, nullptr);
  DeliverFromTwoReactors(store.get());
  EXPECT_EQ(QueryInt(factory.path(), "SELECT count(*) FROM mailbox_messages"), 2 * kPerReactor);
  EXPECT_EQ(QueryInt(factory.path(), "SELECT message_count FROM mailboxes WHERE name = 'INBOX'"),
            2 * kPerReactor);
}

}  // namespace
}  // namespace ringmail::testing
