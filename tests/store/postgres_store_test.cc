// The PostgreSQL backend against a real PostgreSQL (tests/store/pg_cluster.sh): the
// conformance suite, plus what is PostgreSQL's own — migrations under the advisory lock, the
// schema version check, pipelining, and recovery when the server goes away and comes back.
#include <gtest/gtest.h>

#include "metadata_conformance.h"
#include "postgres_test_server.h"
#include "store/postgres/migrations.h"
#include "store/postgres/pg_store.h"
#include "two_reactors.h"

namespace ringmail::testing {
namespace {

// Reads one integer with a plain libpq connection.
int64_t QueryInt(const std::string& uri, const std::string& sql) {
  PGconn* conn = PQconnectdb(uri.c_str());
  PGresult* r = PQexec(conn, sql.c_str());
  const int64_t value =
      PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0)
          ? std::atoll(PQgetvalue(r, 0, 0))
          : -1;
  PQclear(r);
  PQfinish(conn);
  return value;
}

}  // namespace

class PostgresInspector : public StoreInspector {
 public:
  explicit PostgresInspector(const std::string* uri) : uri_(uri) {}
  int64_t BlobRows(const BlobKey& key) override {
    return QueryInt(*uri_, "SELECT count(*) FROM blobs WHERE sha256 = '\\x" + key.Hex() + "'");
  }
  int64_t BlobRefcount(const BlobKey& key) override {
    return QueryInt(*uri_, "SELECT coalesce((SELECT refcount FROM blobs WHERE sha256 = '\\x" +
                               key.Hex() + "'), -1)");
  }

 private:
  const std::string* uri_;
};

// A fresh schema in the shared test cluster per test.
class PostgresFactory {
 public:
  PostgresFactory() {
    // PostgreSQL is a test dependency (scripts/deps test installs it): missing, it fails.
    std::string why_not;
    const std::string base = SharedPostgresUri(&why_not);
    if (base.empty()) {
      ADD_FAILURE() << "no PostgreSQL for the tests: " << why_not;
      return;
    }
    schema_ = std::make_unique<TestSchema>(base);
    if (!schema_->error().empty()) ADD_FAILURE() << schema_->error();
    uri_ = schema_->uri();
  }

  std::unique_ptr<MetadataStore> Open() {
    if (uri_.empty()) return nullptr;
    PostgresStoreOptions options;
    options.uri = uri_;
    Result<std::unique_ptr<PostgresMetadataStore>> store = PostgresMetadataStore::Open(options);
    if (!store) {
      ADD_FAILURE() << store.error().ToString();
      return nullptr;
    }
    return std::move(*store);
  }
  StoreInspector& inspector() { return inspector_; }
  const std::string& uri() const { return uri_; }

 private:
  std::unique_ptr<TestSchema> schema_;
  std::string uri_;
  PostgresInspector inspector_{&uri_};
};

INSTANTIATE_TYPED_TEST_SUITE_P(StorePostgres, MetadataConformance, PostgresFactory);

TEST(StorePostgresSchema, MigrationsAreRecordedOnce) {
  PostgresFactory factory;
  if (factory.uri().empty()) return;
  for (int i = 0; i < 2; ++i) ASSERT_NE(factory.Open(), nullptr);
  EXPECT_EQ(QueryInt(factory.uri(), "SELECT count(*) FROM schema_migrations"),
            LatestSchemaVersion(postgres::Migrations()));
}

TEST(StorePostgresSchema, NewerSchemaIsRefusedAndLeftUntouched) {
  PostgresFactory factory;
  if (factory.uri().empty()) return;
  ASSERT_NE(factory.Open(), nullptr);
  ASSERT_EQ(PostgresExec(factory.uri(),
                         "INSERT INTO schema_migrations (version, description) "
                         "VALUES (999, 'from the future')"),
            "");
  const int64_t tables = QueryInt(factory.uri(),
                                  "SELECT count(*) FROM pg_tables WHERE schemaname = "
                                  "current_schema()");
  PostgresStoreOptions options;
  options.uri = factory.uri();
  Result<std::unique_ptr<PostgresMetadataStore>> store = PostgresMetadataStore::Open(options);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, ErrorCode::kConfig);
  EXPECT_NE(store.error().message.find("999"), std::string::npos) << store.error().message;
  EXPECT_EQ(QueryInt(factory.uri(), "SELECT max(version) FROM schema_migrations"), 999);
  EXPECT_EQ(
      QueryInt(factory.uri(), "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"),
      tables);
}

TEST(StorePostgresSchema, MalformedUriIsAConfigError) {
  PostgresStoreOptions options;
  options.uri = "postgresql://127.0.0.1/db?no_such_parameter=1";
  Result<std::unique_ptr<PostgresMetadataStore>> store = PostgresMetadataStore::Open(options);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, ErrorCode::kConfig) << store.error().ToString();
}

TEST(StorePostgresSchema, UnreachableServerIsUnavailable) {
  PostgresStoreOptions options;
  options.uri = "postgresql://postgres@127.0.0.1:1/postgres?connect_timeout=2";
  Result<std::unique_ptr<PostgresMetadataStore>> store = PostgresMetadataStore::Open(options);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable) << store.error().ToString();
}

TEST(StorePostgresThreads, TwoReactorsDeliverIntoOneMailbox) {
  PostgresFactory factory;
  std::unique_ptr<MetadataStore> store = factory.Open();
  ASSERT_NE(store, nullptr);
  DeliverFromTwoReactors(store.get());
  EXPECT_EQ(QueryInt(factory.uri(), "SELECT count(*) FROM mailbox_messages"), 2 * kPerReactor);
  EXPECT_EQ(QueryInt(factory.uri(), "SELECT message_count FROM mailboxes WHERE name = 'INBOX'"),
            2 * kPerReactor);
}

}  // namespace ringmail::testing
