// PostgresMetadataStore::Open: the start-up half of the backend — the URI checked, the
// schema migrated under an advisory lock — with blocking libpq calls (no reactor runs yet).
#include <libpq-fe.h>

#include <algorithm>
#include <memory>

#include "base/log.h"
#include "base/socket_address.h"
#include "store/postgres/migrations.h"
#include "store/postgres/pg_store.h"
#include "store/schema_migration.h"

namespace ringmail {
namespace {

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnDeleter>;

std::string Trimmed(const char* message) {
  std::string m = message != nullptr ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

// A failed start-up connection: a login or database the server refuses is the operator's
// to fix (kConfig); anything else may pass (kUnavailable).
Error ConnectError(PGconn* conn) {
  const std::string message = Trimmed(PQerrorMessage(conn));
  const bool refused = message.find("authentication failed") != std::string::npos ||
                       message.find("does not exist") != std::string::npos ||
                       message.find("no pg_hba.conf entry") != std::string::npos;
  return Error{refused ? ErrorCode::kConfig : ErrorCode::kUnavailable, "PostgreSQL: " + message, 0};
}

Result<void> Exec(PGconn* conn, const char* sql) {
  postgres::PgResultPtr r(PQexec(conn, sql));
  const ExecStatusType status = PQresultStatus(r.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return {};
  return std::unexpected(postgres::PgResultError(r.get()));
}

// An integer the query returns (its first column of its first row).
Result<int64_t> QueryInt(PGconn* conn, const char* sql) {
  postgres::PgResultPtr r(PQexec(conn, sql));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    return std::unexpected(postgres::PgResultError(r.get()));
  }
  return std::atoll(PQgetvalue(r.get(), 0, 0));
}

Result<int> SchemaVersion(PGconn* conn) {
  // Two queries: a table named in a query must exist even where the query would not read it.
  const int64_t tables =
      TRY(QueryInt(conn,
                   "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
                   "AND tablename = 'schema_migrations'"));
  if (tables == 0) return 0;
  const int64_t version =
      TRY(QueryInt(conn, "SELECT coalesce(max(version), 0) FROM schema_migrations"));
  return static_cast<int>(version);
}

Result<void> ApplyOne(PGconn* conn, const SchemaMigration& m) {
  TRY(Exec(conn, "BEGIN"));
  Result<void> applied = Exec(conn, m.sql);
  if (applied) {
    const std::string version = std::to_string(m.version);
    const char* params[] = {version.c_str(), m.description};
    postgres::PgResultPtr r(
        PQexecParams(conn, "INSERT INTO schema_migrations (version, description) VALUES ($1, $2)",
                     2, nullptr, params, nullptr, nullptr, 0));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
      applied = std::unexpected(postgres::PgResultError(r.get()));
    }
  }
  if (!applied) {
    (void)Exec(conn, "ROLLBACK");
    return MakeError(ErrorCode::kInternal, "PostgreSQL schema migration " +
                                               std::to_string(m.version) +
                                               " failed: " + applied.error().message);
  }
  TRY(Exec(conn, "COMMIT"));
  Log(LogLevel::kInfo, "schema_migrated", "backend", "postgresql", "version", m.version);
  return {};
}

// Under the advisory lock: several nodes starting at once migrate one after another, and
// each later one finds the work done.
Result<void> MigrateLocked(PGconn* conn) {
  const std::span<const SchemaMigration> migrations = postgres::Migrations();
  const int known = LatestSchemaVersion(migrations);
  const int found = TRY(SchemaVersion(conn));
  if (found > known) return std::unexpected(NewerSchemaError(found, known));
  for (int v = found; v < known; ++v) TRY(ApplyOne(conn, migrations[static_cast<size_t>(v)]));
  return {};
}

Result<void> MigrateSchema(PGconn* conn) {
  // One lock per schema, so that databases (or test schemas) do not wait for each other.
  TRY(Exec(conn, "SELECT pg_advisory_lock(hashtext('ringmail migrations ' || current_schema()))"));
  Result<void> migrated = MigrateLocked(conn);
  (void)Exec(conn,
             "SELECT pg_advisory_unlock(hashtext('ringmail migrations ' || current_schema()))");
  return migrated;
}

}  // namespace

Result<std::unique_ptr<PostgresMetadataStore>> PostgresMetadataStore::Create(
    const PostgresStoreOptions& options) {
  std::vector<std::string> hosts = TRY(postgres::PgHostsToResolve(options.uri));
  if (!hosts.empty() && options.workers == nullptr) {
    return MakeError(ErrorCode::kConfig,
                     "PostgreSQL host names need a worker pool to be resolved off the cores");
  }
  postgres::PgPoolConfig config;
  config.conninfo = options.uri;
  config.hosts = std::move(hosts);
  config.workers = options.workers;
  config.connections_max = options.connections_per_core;
  config.pipeline_depth = options.pipeline_depth;
  config.pipelined = options.pipelined;
  config.connect_timeout_ms = options.connect_timeout_ms;
  config.response_timeout_ms = options.response_timeout_ms;
  return std::unique_ptr<PostgresMetadataStore>(
      new PostgresMetadataStore(std::move(config), options.cores_max));
}

Result<void> PostgresMetadataStore::Migrate() {
  // connect_timeout bounds a blocking connect to a server that does not answer.
  const std::string timeout =
      std::to_string(std::max<uint64_t>(1, config_.connect_timeout_ms / 1000));
  const char* keywords[] = {"dbname", "connect_timeout", nullptr};
  const char* values[] = {config_.conninfo.c_str(), timeout.c_str(), nullptr};
  ConnPtr conn(PQconnectdbParams(keywords, values, 1));
  if (conn == nullptr) return MakeError(ErrorCode::kUnavailable, "libpq: out of memory");
  if (PQstatus(conn.get()) != CONNECTION_OK) return std::unexpected(ConnectError(conn.get()));
  PQsetNoticeReceiver(
      conn.get(), [](void*, const PGresult*) {}, nullptr);
  return MigrateSchema(conn.get());
}

Result<std::unique_ptr<PostgresMetadataStore>> PostgresMetadataStore::Open(
    const PostgresStoreOptions& options) {
  std::unique_ptr<PostgresMetadataStore> store = TRY(Create(options));
  TRY(store->Migrate());
  return store;
}

}  // namespace ringmail
