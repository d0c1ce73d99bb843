// The `sql` directory against a real PostgreSQL (tests/store/pg_cluster.sh): an operator's
// tables in the issue's shape in a fresh schema, read with the default and with custom
// queries; a misconfigured query and an unreachable or restarted server are temporary
// failures (kUnavailable), never "not found".
#include "directory/sql_directory.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "runtime/awaitables.h"
#include "store/metadata_store.h"
#include "store/metadata_test_util.h"
#include "store/postgres_test_server.h"
#include "testing/run_on_reactor.h"

namespace ringmail::testing {
namespace {

using Names = std::vector<std::string>;

constexpr const char* kTables = R"sql(
CREATE TABLE accounts (name TEXT PRIMARY KEY, secret TEXT, description TEXT, type TEXT NOT NULL,
                       quota INTEGER DEFAULT 0, active BOOLEAN DEFAULT true);
CREATE TABLE group_members (name TEXT NOT NULL, member_of TEXT NOT NULL);
CREATE TABLE emails (name TEXT NOT NULL, address TEXT NOT NULL, type TEXT);
)sql";

constexpr const char* kRows = R"sql(
INSERT INTO accounts (name, secret, description, type, quota) VALUES
  ('alice', '$6$salt$hash', 'Alice Liddell', 'individual', 1073741824),
  ('Bob', 'bobsecret', NULL, 'Personal', NULL),
  ('sales', NULL, 'Sales team', 'group', 0),
  ('announce', NULL, NULL, 'list', 0),
  ('robot', NULL, NULL, 'robot', 0);
INSERT INTO accounts (name, type, active) VALUES ('carol', 'user', false);
INSERT INTO group_members VALUES ('alice', 'sales'), ('Bob', 'sales'), ('alice', 'announce');
INSERT INTO emails VALUES
  ('alice', 'alice@example.org', 'primary'),
  ('alice', 'Al@Example.ORG', 'alias'),
  ('alice', 'news@example.org', 'list'),
  ('Bob', 'bob@example.org', 'primary'),
  ('Bob', '@Catchall.Example', 'alias'),
  ('Bob', 'news@example.org', 'list'),
  ('Bob', 'bob@b' || chr(252) || 'cher.example', 'alias'),
  ('sales', 'sales@example.net', 'primary'),
  ('carol', 'carol@example.org', 'primary');
)sql";

Names Sorted(Names names) {
  std::sort(names.begin(), names.end());
  return names;
}

// A fresh schema with the operator's tables; config() points at it.
class SqlDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why_not;
    schema_ = NewTestSchema(&why_not);
    ASSERT_NE(schema_, nullptr) << why_not;
    ASSERT_EQ(PostgresExec(schema_->uri(), kTables), "");
    ASSERT_EQ(PostgresExec(schema_->uri(), kRows), "");
    config_.url = schema_->uri();
  }

  std::unique_ptr<SqlDirectory> Open(const SqlDirectoryConfig& config) {
    Result<std::unique_ptr<SqlDirectory>> d = SqlDirectory::Create(config, nullptr, 4);
    EXPECT_TRUE(d.has_value()) << d.error().ToString();
    return d ? std::move(*d) : nullptr;
  }

  std::unique_ptr<TestSchema> schema_;
  SqlDirectoryConfig config_;
};

Task<void> CheckPrincipals(Directory* d) {
  CO_ASSERT_OK(alice, d->FindPrincipal("alice"));
  EXPECT_EQ(alice->name, "alice");
  EXPECT_EQ(alice->type, PrincipalType::kIndividual);
  EXPECT_EQ(alice->secret, "$6$salt$hash");
  EXPECT_EQ(alice->description, "Alice Liddell");
  EXPECT_EQ(alice->quota_bytes, 1073741824u);
  EXPECT_TRUE(alice->active);
  // Primary first although the alias sorts before it; the list address is not hers.
  EXPECT_EQ(alice->emails, (Names{"alice@example.org", "al@example.org"}));
  EXPECT_EQ(Sorted(alice->member_of), (Names{"announce", "sales"}));

  CO_ASSERT_OK(bob, d->FindPrincipal("Bob"));
  EXPECT_EQ(bob->type, PrincipalType::kIndividual);  // 'Personal'
  EXPECT_EQ(bob->description, "");
  EXPECT_EQ(bob->quota_bytes, 0u);  // NULL: unlimited
  CO_ASSERT_TRUE(bob->emails.size() == 3u);
  EXPECT_EQ(bob->emails[0], "bob@example.org");
  EXPECT_EQ(Sorted({bob->emails[1], bob->emails[2]}),
            (Names{"@catchall.example", "bob@xn--bcher-kva.example"}));

  CO_ASSERT_OK(sales, d->FindPrincipal("sales"));
  EXPECT_EQ(sales->type, PrincipalType::kGroup);
  EXPECT_EQ(sales->secret, "");
  CO_ASSERT_OK(announce, d->FindPrincipal("announce"));
  EXPECT_EQ(announce->type, PrincipalType::kList);
  EXPECT_TRUE(announce->emails.empty());
  CO_ASSERT_OK(carol, d->FindPrincipal("carol"));
  EXPECT_FALSE(carol->active);

  // Names compare as stored; input that cannot match is "not found" without a query.
  const Names unmatchable = {"bob", "nobody", std::string("alice\0x", 7), "\xff\xfe",
                             std::string(kSqlDirectoryInputSizeMax + 1, 'a')};
  for (const std::string& name : unmatchable) {
    Result<Principal> missing = co_await d->FindPrincipal(name);
    CO_ASSERT_TRUE(!missing.has_value());
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound) << missing.error().ToString();
  }
  // An unknown type is a temporary failure, not a bounce.
  Result<Principal> robot = co_await d->FindPrincipal("robot");
  CO_ASSERT_TRUE(!robot.has_value());
  EXPECT_EQ(robot.error().code, ErrorCode::kUnavailable);
}

TEST_F(SqlDirectoryTest, FindsPrincipals) {
  std::unique_ptr<SqlDirectory> d = Open(config_);
  ASSERT_NE(d, nullptr);
  RunOnReactor(CheckPrincipals(d.get()));
}

Task<void> CheckAddresses(Directory* d) {
  CO_ASSERT_OK(alice, d->FindAddress("alice@example.org"));
  EXPECT_EQ(*alice, Names{"alice"});
  CO_ASSERT_OK(alias, d->FindAddress("al@example.org"));  // stored mixed case
  EXPECT_EQ(*alias, Names{"alice"});
  CO_ASSERT_OK(list, d->FindAddress("news@example.org"));
  EXPECT_EQ(Sorted(*list), (Names{"Bob", "alice"}));
  CO_ASSERT_OK(catch_all, d->FindAddress("@catchall.example"));
  EXPECT_EQ(*catch_all, Names{"Bob"});
  CO_ASSERT_OK(none, d->FindAddress("nobody@example.org"));
  EXPECT_TRUE(none->empty());
  CO_ASSERT_OK(bad, d->FindAddress(std::string("alice@example.org\0", 18)));
  EXPECT_TRUE(bad->empty());

  CO_ASSERT_OK(sales, d->Members("sales"));
  EXPECT_EQ(Sorted(*sales), (Names{"Bob", "alice"}));
  CO_ASSERT_OK(announce, d->Members("announce"));
  EXPECT_EQ(*announce, Names{"alice"});
  CO_ASSERT_OK(nobody, d->Members("alice"));
  EXPECT_TRUE(nobody->empty());

  const Names local_domains = {"example.org", "example.net", "catchall.example", "EXAMPLE.org"};
  for (const std::string& domain : local_domains) {
    CO_ASSERT_OK(local, d->IsLocalDomain(domain));
    EXPECT_TRUE(*local) << domain;
  }
  // "org" is no suffix after an "@"; LIKE's metacharacters never reach the query.
  const Names other_domains = {"example.com", "org", "%", "exampl_.org", "", "%.org"};
  for (const std::string& domain : other_domains) {
    CO_ASSERT_OK(local, d->IsLocalDomain(domain));
    EXPECT_FALSE(*local) << domain;
  }
}

TEST_F(SqlDirectoryTest, FindsAddressesMembersAndDomains) {
  std::unique_ptr<SqlDirectory> d = Open(config_);
  ASSERT_NE(d, nullptr);
  RunOnReactor(CheckAddresses(d.get()));
}

Task<void> CheckCustom(Directory* d) {
  CO_ASSERT_OK(dave, d->FindPrincipal("DAVE"));
  EXPECT_EQ(dave->name, "dave");                      // as stored: the lists are read for that name
  EXPECT_EQ(dave->type, PrincipalType::kIndividual);  // NULL
  EXPECT_EQ(dave->secret, "pw");
  EXPECT_EQ(dave->description, "");  // left off by the query
  EXPECT_EQ(dave->quota_bytes, 0u);
  EXPECT_TRUE(dave->active);
  EXPECT_EQ(dave->emails, Names{"dave@example.com"});
  EXPECT_EQ(dave->member_of, Names{"staff"});
  CO_ASSERT_OK(owners, d->FindAddress("dave@example.com"));
  EXPECT_EQ(*owners, Names{"dave"});
  CO_ASSERT_OK(members, d->Members("staff"));
  EXPECT_EQ(*members, Names{"dave"});
  CO_ASSERT_OK(local, d->IsLocalDomain("example.com"));
  EXPECT_TRUE(*local);
  CO_ASSERT_OK(other, d->IsLocalDomain("example.org"));  // count(*) = 0
  EXPECT_FALSE(*other);
}

TEST_F(SqlDirectoryTest, CustomQueries) {
  ASSERT_EQ(PostgresExec(schema_->uri(),
                         "CREATE TABLE users (login TEXT, pw TEXT, kind TEXT, team TEXT, "
                         "mail TEXT); CREATE TABLE domains (name TEXT);"
                         "INSERT INTO users VALUES ('dave', 'pw', NULL, 'staff', "
                         "'Dave@Example.COM');"
                         "INSERT INTO domains VALUES ('example.com');"),
            "");
  SqlDirectoryQueries& q = config_.queries;
  q.principal = "SELECT login, kind, pw FROM users WHERE lower(login) = lower($1)";
  q.emails = "SELECT mail FROM users WHERE login = $1";
  q.member_of = "SELECT team FROM users WHERE login = $1";
  q.members = "SELECT login FROM users WHERE team = $1";
  q.recipient = "SELECT login FROM users WHERE lower(mail) = $1";
  q.domain = "SELECT count(*) FROM domains WHERE name = $1";
  std::unique_ptr<SqlDirectory> d = Open(config_);
  ASSERT_NE(d, nullptr);
  RunOnReactor(CheckCustom(d.get()));
}

TEST_F(SqlDirectoryTest, BadSettingsAreConfigErrors) {
  const auto code = [](const SqlDirectoryConfig& c) {
    Result<std::unique_ptr<SqlDirectory>> d = SqlDirectory::Create(c, nullptr, 1);
    return d ? std::string("ok") : std::string(ErrorCodeName(d.error().code));
  };
  const std::string config_error = ErrorCodeName(ErrorCode::kConfig);
  EXPECT_EQ(code(config_), "ok");
  SqlDirectoryConfig c = config_;
  c.url = "";
  EXPECT_EQ(code(c), config_error);
  c.url = "postgresql://127.0.0.1/db?no_such_parameter=1";
  EXPECT_EQ(code(c), config_error);
  c.url = "postgresql://db.example/db";  // a name to resolve, and no worker pool
  EXPECT_EQ(code(c), config_error);
  c = config_;
  c.queries.members = "SELECT name FROM group_members";
  EXPECT_EQ(code(c), config_error);
  c.queries.members = "SELECT name FROM group_members WHERE member_of = $1 OR name = $2";
  EXPECT_EQ(code(c), config_error);
  c.queries.members = "";
  EXPECT_EQ(code(c), config_error);
  c.queries.members = "SELECT $$a$$ || name FROM group_members WHERE member_of = $1";
  EXPECT_EQ(code(c), "ok");
}

// Every method fails with kUnavailable, never "not found" or "none".
Task<void> ExpectUnavailable(Directory* d) {
  for (int round = 0; round < 2; ++round) {  // the second during the pool's backoff
    Result<Principal> p = co_await d->FindPrincipal("alice");
    CO_ASSERT_TRUE(!p.has_value());
    EXPECT_EQ(p.error().code, ErrorCode::kUnavailable) << p.error().ToString();
    Result<std::vector<std::string>> a = co_await d->FindAddress("alice@example.org");
    CO_ASSERT_TRUE(!a.has_value());
    EXPECT_EQ(a.error().code, ErrorCode::kUnavailable) << a.error().ToString();
    Result<std::vector<std::string>> m = co_await d->Members("sales");
    CO_ASSERT_TRUE(!m.has_value());
    EXPECT_EQ(m.error().code, ErrorCode::kUnavailable) << m.error().ToString();
    Result<bool> l = co_await d->IsLocalDomain("example.org");
    CO_ASSERT_TRUE(!l.has_value());
    EXPECT_EQ(l.error().code, ErrorCode::kUnavailable) << l.error().ToString();
  }
}

TEST_F(SqlDirectoryTest, MisconfiguredQueriesAreTemporaryFailures) {
  SqlDirectoryQueries& q = config_.queries;
  q.principal = "SELECT name FROM no_such_table WHERE name = $1";
  q.recipient = "SELECT name FROM no_such_table WHERE address = $1";
  q.members = "SELECT name, FROM group_members WHERE member_of = $1";  // a syntax error
  q.domain = "SELECT 1 FROM no_such_table WHERE domain = $1";
  std::unique_ptr<SqlDirectory> d = Open(config_);
  ASSERT_NE(d, nullptr);
  RunOnReactor(ExpectUnavailable(d.get()));
}

Task<void> CheckRowsMax(Directory* d) {
  Result<std::vector<std::string>> two = co_await d->Members("sales");
  CO_ASSERT_TRUE(!two.has_value());
  EXPECT_EQ(two.error().code, ErrorCode::kUnavailable);
  CO_ASSERT_OK(one, d->Members("announce"));
  EXPECT_EQ(*one, Names{"alice"});
}

TEST_F(SqlDirectoryTest, TooManyRowsIsATemporaryFailure) {
  config_.rows_max = 1;
  std::unique_ptr<SqlDirectory> d = Open(config_);
  ASSERT_NE(d, nullptr);
  RunOnReactor(CheckRowsMax(d.get()));
}

// A port nothing listens on (bound, then closed).
uint16_t ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return 1;
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(SqlDirectoryOutage, UnreachableDatabaseIsUnavailable) {
  SqlDirectoryConfig config;
  config.url = "postgresql://postgres@127.0.0.1:" + std::to_string(ClosedPort()) + "/postgres";
  config.connect_timeout_ms = 2000;
  Result<std::unique_ptr<SqlDirectory>> d = SqlDirectory::Create(config, nullptr, 1);
  ASSERT_TRUE(d.has_value()) << d.error().ToString();
  RunOnReactor(ExpectUnavailable(d->get()));
}

// Looks alice up until she is found, for at most `deadline_ms`.
Task<bool> LookUpUntilFound(Directory* d, uint64_t deadline_ms) {
  const uint64_t deadline = MonotonicMs() + deadline_ms;
  for (;;) {
    Result<Principal> p = co_await d->FindPrincipal("alice");
    if (p) co_return p->name == "alice";
    EXPECT_EQ(p.error().code, ErrorCode::kUnavailable) << p.error().ToString();
    if (MonotonicMs() >= deadline) co_return false;
    co_await Sleep(100);
  }
}

// The connection breaks under the directory (SIGKILL to the server, blocking the reactor
// briefly: it is the test's own), lookups fail temporarily, and succeed again by themselves
// once the server is back.
Task<void> CrashAndRecover(Directory* d, PostgresTestServer* server) {
  const bool before = co_await LookUpUntilFound(d, 0);
  EXPECT_TRUE(before);
  server->Kill();
  co_await ExpectUnavailable(d);
  EXPECT_EQ(server->Start(server->port()), "");
  const bool after = co_await LookUpUntilFound(d, 30000);
  EXPECT_TRUE(after);
}

TEST(SqlDirectoryOutage, ServerCrashIsUnavailableThenRecovers) {
  PostgresTestServer server;
  ASSERT_EQ(server.Start(), "");
  ASSERT_EQ(PostgresExec(server.uri(), std::string(kTables) + kRows), "");
  SqlDirectoryConfig config;
  config.url = server.uri();
  config.connect_timeout_ms = 2000;
  Result<std::unique_ptr<SqlDirectory>> d = SqlDirectory::Create(config, nullptr, 1);
  ASSERT_TRUE(d.has_value()) << d.error().ToString();
  RunOnReactor(CrashAndRecover(d->get(), &server));
}

}  // namespace
}  // namespace ringmail::testing
