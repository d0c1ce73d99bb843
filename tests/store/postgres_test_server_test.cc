// The PostgreSQL test helpers themselves: the shared cluster answers, a TestSchema is the
// search_path of its URI and goes away with it, a private server survives a crash with its
// committed data and hangs while paused.
#include "store/postgres_test_server.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <poll.h>

#include <string>

namespace ringmail {
namespace {

using testing::PostgresExec;
using testing::PostgresTestServer;
using testing::SharedPostgresUri;
using testing::TestSchema;

// The shared cluster's URI, or skips the test when PostgreSQL is not installed.
#define SHARED_URI_OR_SKIP(uri)                  \
  std::string uri;                               \
  {                                              \
    std::string why_not;                         \
    bool skipped = false;                        \
    uri = SharedPostgresUri(&why_not, &skipped); \
    if (skipped) GTEST_SKIP() << why_not;        \
    ASSERT_NE(uri, "") << why_not;               \
  }

std::string Value(const std::string& uri, const std::string& sql) {
  std::string value;
  const std::string error = PostgresExec(uri, sql, &value);
  EXPECT_EQ(error, "") << sql;
  return value;
}

TEST(SharedPostgres, AnswersWithFsyncOn) {
  SHARED_URI_OR_SKIP(uri);
  EXPECT_EQ(uri.rfind("postgresql://postgres@127.0.0.1:", 0), 0u) << uri;
  EXPECT_EQ(Value(uri, "SELECT 1"), "1");
  EXPECT_EQ(Value(uri, "SHOW fsync"), "on");  // the tests check durability
  EXPECT_EQ(Value(uri, "SHOW max_connections"), "300");
  std::string again;
  EXPECT_EQ(SharedPostgresUri(&again), uri);  // asked once per process
}

TEST(TestSchema, IsTheSearchPathOfItsUriAndIsDroppedAfter) {
  SHARED_URI_OR_SKIP(uri);
  std::string name;
  {
    TestSchema schema(uri);
    ASSERT_EQ(schema.error(), "");
    name = schema.name();
    EXPECT_EQ(name.rfind("t_", 0), 0u) << name;
    EXPECT_EQ(Value(schema.uri(), "SHOW search_path"), name);
    ASSERT_EQ(PostgresExec(schema.uri(), "CREATE TABLE mailbox (id int)"), "");
    EXPECT_EQ(Value(uri,
                    "SELECT table_schema FROM information_schema.tables"
                    " WHERE table_name = 'mailbox' AND table_schema = '" +
                        name + "'"),
              name);
    TestSchema other(uri);
    ASSERT_EQ(other.error(), "");
    EXPECT_NE(other.name(), name);
    EXPECT_EQ(Value(other.uri(),
                    "SELECT count(*) FROM pg_tables WHERE tablename = 'mailbox'"
                    " AND schemaname = current_schema()"),
              "0");
  }
  EXPECT_EQ(Value(uri, "SELECT count(*) FROM pg_namespace WHERE nspname = '" + name + "'"), "0");
}

TEST(TestSchema, ReportsAnUnreachableServer) {
  TestSchema schema("postgresql://postgres@127.0.0.1:1/postgres");
  EXPECT_NE(schema.error(), "");
}

TEST(PostgresTestServer, KeepsACommittedRowAcrossAKillAndRestart) {
  PostgresTestServer server;
  std::string error = server.Start();
  if (server.skipped()) GTEST_SKIP() << error;
  ASSERT_EQ(error, "");
  const uint16_t port = server.port();
  ASSERT_NE(port, 0);
  ASSERT_EQ(PostgresExec(server.uri(), "CREATE TABLE t (x int); INSERT INTO t VALUES (42)"), "");

  server.Kill();
  EXPECT_NE(PostgresExec(server.uri(), "SELECT 1"), "");  // nothing listens any more

  error = server.Start(port);
  ASSERT_EQ(error, "");
  EXPECT_EQ(server.port(), port);
  EXPECT_EQ(Value(server.uri(), "SELECT x FROM t"), "42");

  server.Kill();  // and Start() without a port comes back on the same one
  ASSERT_EQ(server.Start(), "");
  EXPECT_EQ(server.port(), port);
  EXPECT_EQ(Value(server.uri(), "SELECT count(*) FROM t"), "1");
}

TEST(PostgresTestServer, PauseStopsAnsweringOnOpenConnections) {
  PostgresTestServer server;
  const std::string error = server.Start();
  if (server.skipped()) GTEST_SKIP() << error;
  ASSERT_EQ(error, "");
  PGconn* conn = PQconnectdb(server.uri().c_str());
  ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);

  server.Pause();
  ASSERT_EQ(PQsendQuery(conn, "SELECT 7"), 1);
  pollfd p{PQsocket(conn), POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 300), 0);  // its backend is stopped too, not only the postmaster

  server.Resume();
  std::string value;
  while (PGresult* res = PQgetResult(conn)) {  // blocks until the answer comes
    if (PQresultStatus(res) == PGRES_TUPLES_OK) value = PQgetvalue(res, 0, 0);
    PQclear(res);
  }
  EXPECT_EQ(value, "7");
  PQfinish(conn);
}

}  // namespace
}  // namespace ringmail
