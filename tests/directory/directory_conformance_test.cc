// The Directory conformance suite (directory_conformance.h) over each backend: internal (a
// SQLite metadata store in a temporary directory), memory (config entries) and sql (the
// operator's tables in a fresh schema of the test run's PostgreSQL), each holding DataSet().
#include "directory/directory_conformance.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "directory/address.h"
#include "directory/internal_directory.h"
#include "directory/memory_directory.h"
#include "directory/sql_directory.h"
#include "store/postgres_test_server.h"
#include "store/sqlite_test_util.h"

namespace ringmail::testing {
namespace {

// The store keeps normalized addresses and needs every group before its members name it, so
// accounts are created first and their memberships set afterwards (ring1 and ring2 contain
// each other).
class InternalFactory {
 public:
  InternalFactory() {
    Result<std::unique_ptr<SqliteMetadataStore>> store =
        SqliteMetadataStore::Open(dir_.path() + "/ringmail.db");
    EXPECT_TRUE(store.has_value()) << store.error().ToString();
    if (store) store_ = std::move(*store);
  }

  Task<Result<Directory*>> Open() {
    if (store_ == nullptr) co_return MakeError(ErrorCode::kInternal, "no store");
    for (const std::string& domain : DataSetDomains()) {
      Result<std::string> normal = NormalizeMailDomain(domain);
      if (!normal) co_return std::unexpected(normal.error());
      Result<int64_t> created = co_await store_->CreateDomain(*normal);
      if (!created) co_return std::unexpected(created.error());
    }
    for (const DirectoryEntry& e : DataSet()) {
      AccountRecord a;
      a.name = e.name;
      a.type = e.type;
      a.secret = e.secret;
      a.description = e.description;
      a.active = e.active;
      a.quota_bytes = e.quota_bytes;
      for (const std::string& email : e.emails) {
        Result<std::string> normal = NormalizeAddressOrCatchAll(email);
        if (!normal) co_return std::unexpected(normal.error());
        a.emails.push_back(*normal);
      }
      Result<AccountRecord> created = co_await store_->CreateAccount(std::move(a));
      if (!created) co_return std::unexpected(created.error());
    }
    for (const DirectoryEntry& e : DataSet()) {
      if (e.member_of.empty()) continue;
      AccountUpdate u;
      u.name = e.name;
      u.member_of = e.member_of;
      Result<AccountRecord> updated = co_await store_->UpdateAccount(std::move(u));
      if (!updated) co_return std::unexpected(updated.error());
    }
    directory_ = std::make_unique<InternalDirectory>(store_.get());
    co_return directory_.get();
  }

 private:
  TempDir dir_;
  std::unique_ptr<MetadataStore> store_;
  std::unique_ptr<InternalDirectory> directory_;
};

class MemoryFactory {
 public:
  Task<Result<Directory*>> Open() {
    std::vector<MemoryPrincipalConfig> principals;
    for (const DirectoryEntry& e : DataSet()) {
      MemoryPrincipalConfig c;
      c.name = e.name;
      c.type = e.type;
      c.secret = e.secret;
      c.description = e.description;
      c.active = e.active;
      c.quota_bytes = e.quota_bytes;
      c.emails = e.emails;
      c.member_of = e.member_of;
      principals.push_back(std::move(c));
    }
    Result<std::unique_ptr<MemoryDirectory>> d =
        MemoryDirectory::Create(principals, DataSetDomains());
    if (!d) co_return std::unexpected(d.error());
    directory_ = std::move(*d);
    co_return directory_.get();
  }

 private:
  std::unique_ptr<MemoryDirectory> directory_;
};

constexpr const char* kSqlTables = R"sql(
CREATE TABLE accounts (name TEXT PRIMARY KEY, secret TEXT, description TEXT, type TEXT NOT NULL,
                       quota INTEGER DEFAULT 0, active BOOLEAN DEFAULT true);
CREATE TABLE group_members (name TEXT NOT NULL, member_of TEXT NOT NULL);
CREATE TABLE emails (name TEXT NOT NULL, address TEXT NOT NULL, type TEXT);
)sql";

std::string Quote(std::string_view s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// An address as the operator's table holds it: the local part as written, the domain as an
// A-label (sql_directory_config.h: the default query-recipient cannot map U-labels).
std::string SqlAddress(const std::string& written) {
  const size_t at = written.rfind('@');
  Result<std::string> domain = NormalizeMailDomain(written.substr(at + 1));
  EXPECT_TRUE(domain.has_value()) << written;
  return written.substr(0, at + 1) + domain.value_or("invalid");
}

std::string SqlRows() {
  std::string sql;
  for (const DirectoryEntry& e : DataSet()) {
    sql += "INSERT INTO accounts VALUES (" + Quote(e.name) + ", " + Quote(e.secret) + ", " +
           Quote(e.description) + ", " + Quote(e.type) + ", " + std::to_string(e.quota_bytes) +
           ", " + (e.active ? "true" : "false") + ");\n";
    for (size_t i = 0; i < e.emails.size(); ++i) {
      sql += "INSERT INTO emails VALUES (" + Quote(e.name) + ", " + Quote(SqlAddress(e.emails[i])) +
             ", " + (i == 0 ? "'primary'" : "'alias'") + ");\n";
    }
    for (const std::string& group : e.member_of) {
      sql += "INSERT INTO group_members VALUES (" + Quote(e.name) + ", " + Quote(group) + ");\n";
    }
  }
  return sql;
}

class SqlFactory {
 public:
  SqlFactory() {
    std::string why_not;
    const std::string base = SharedPostgresUri(&why_not);
    if (base.empty()) {
      // Open() fails, and the test with it (a missing PostgreSQL too: ctest provides one).
      ADD_FAILURE() << "no PostgreSQL for the tests: " << why_not;
      return;
    }
    schema_ = std::make_unique<TestSchema>(base);
    EXPECT_EQ(schema_->error(), "");
    EXPECT_EQ(PostgresExec(schema_->uri(), kSqlTables), "");
    EXPECT_EQ(PostgresExec(schema_->uri(), SqlRows()), "");
  }

  Task<Result<Directory*>> Open() {
    if (schema_ == nullptr || !schema_->error().empty()) {
      co_return MakeError(ErrorCode::kInternal, "no schema");
    }
    SqlDirectoryConfig config;
    config.url = schema_->uri();
    Result<std::unique_ptr<SqlDirectory>> d = SqlDirectory::Create(config, nullptr, 1);
    if (!d) co_return std::unexpected(d.error());
    directory_ = std::move(*d);
    co_return directory_.get();
  }

 private:
  std::unique_ptr<TestSchema> schema_;
  std::unique_ptr<SqlDirectory> directory_;  // destroyed before the schema
};

}  // namespace

INSTANTIATE_TYPED_TEST_SUITE_P(DirectoryInternal, DirectoryConformance, InternalFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(DirectoryMemory, DirectoryConformance, MemoryFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(DirectorySql, DirectoryConformance, SqlFactory);

}  // namespace ringmail::testing
