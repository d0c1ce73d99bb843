// SqlDirectory: the `sql` directory — principals read from an operator's existing PostgreSQL
// tables with configurable queries (sql_directory_config.h, docs/directory.md). Read only:
// ringmail never writes to that database.
//
// Every method runs on the calling reactor core, over that core's own connection (one by
// default, pipelined: concurrent lookups share round trips). The queries are sent as text
// with their parameter (PgQuery::Text) on connections that prepare none of the store's
// statements; FindPrincipal sends its three queries as one unit, one round trip.
//
// Failures are temporary, never "not found": an unreachable or lost database (the pool backs
// off and reconnects by itself), a query PostgreSQL rejects, and an answer the directory
// cannot use (an unknown principal type, a quota or active flag it cannot read, more than
// rows_max rows) are all kUnavailable — SMTP 451, IMAP NO [UNAVAILABLE] — and all but the
// outage are logged as `directory_sql_failed` for the operator. Input that cannot match
// anything (over kSqlDirectoryInputSizeMax bytes, not UTF-8, holding a NUL; a domain not made
// of letters, digits, dots and hyphens) is answered "none" without a query; a domain is
// lower-cased before it is sent.
//
// Shutdown: destroying the directory closes every connection. REQUIRES: no call in flight.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "directory/directory.h"
#include "directory/sql_directory_config.h"
#include "runtime/worker_pool.h"
#include "store/postgres/pg_pool.h"

namespace ringmail {

// Longest name, address or domain sent to the database.
inline constexpr size_t kSqlDirectoryInputSizeMax = 1024;

class SqlDirectory : public Directory {
 public:
  // Checks the settings — a URI libpq parses, each query non-empty with $1 and no other
  // parameter — and returns kConfig otherwise; no I/O (the first lookup on each core
  // connects). `workers` resolves the URI's host names off the cores: required when it has
  // any, and it must outlive the directory. Calls may come from cores below `cores_max`.
  static Result<std::unique_ptr<SqlDirectory>> Create(SqlDirectoryConfig config,
                                                      WorkerPool* workers, uint32_t cores_max);
  ~SqlDirectory() override;

  Task<Result<Principal>> FindPrincipal(std::string name) override;
  Task<Result<std::vector<std::string>>> FindAddress(std::string address) override;
  Task<Result<std::vector<std::string>>> Members(std::string name) override;
  Task<Result<bool>> IsLocalDomain(std::string domain) override;

 private:
  SqlDirectory(SqlDirectoryConfig config, postgres::PgPoolConfig pool, uint32_t cores_max);
  // This core's pool, created on first use.
  postgres::PgCorePool& Pool();
  // Runs `unit` (queries named `what` in errors and logs); any failure is kUnavailable.
  Task<Result<std::vector<postgres::PgRows>>> Run(std::vector<postgres::PgQuery> unit,
                                                  const char* what);
  // The first column of `sql`'s rows for $1 = `param`, without NULLs, empties and repeats.
  Task<Result<std::vector<std::string>>> Names(const std::string* sql, std::string param,
                                               const char* what);

  SqlDirectoryConfig config_;
  postgres::PgPoolConfig pool_config_;
  std::vector<std::unique_ptr<postgres::PgCorePool>> pools_;  // by core index
};

}  // namespace ringmail
