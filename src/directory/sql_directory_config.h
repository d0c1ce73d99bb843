// The `sql` directory's settings (`[directory.sql]`, docs/directory.md): where the operator's
// PostgreSQL database is and the queries that read it. Plain data, parsed by server/config.
//
// Each query takes exactly one text parameter, $1, and its columns are read by position:
//   query-principal  $1 = a login name; one row: name, type, secret, description, quota,
//                    active. Columns may be left off from the right; a missing or NULL one
//                    reads as: name → $1, type → individual, secret/description → "",
//                    quota → 0 (unlimited; in bytes), active → true.
//   query-emails     $1 = a principal's name; its addresses, first column, primary first.
//                    Returned normalized (directory/address.h: lower-case, A-label domain);
//                    one that does not parse is left out and logged.
//   query-member-of  $1 = a principal's name; the groups and lists it belongs to.
//   query-members    $1 = a group or list; the names of its members.
//   query-recipient  $1 = a normalized address (lower-case local part, lower-case A-label
//                    domain; "@domain" is the catch-all); the names that receive its mail.
//                    The default lower-cases the stored side only: a table holding Unicode
//                    (U-label) domains needs them stored as A-labels or a query that does.
//   query-domain     $1 = a lower-case A-label domain; local when a row comes back whose
//                    first column is not NULL, false, or 0 (so `SELECT 1 …`, `SELECT EXISTS
//                    (…)` and `SELECT count(*) …` all work).
// The defaults read Stalwart's shape of tables (`accounts`, `group_members`, `emails`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ringmail {

struct SqlDirectoryQueries {
  std::string principal =
      "SELECT name, type, secret, description, quota, active FROM accounts WHERE name = $1";
  // `type` distinguishes 'primary', 'alias' and 'list' rows; a 'list' row makes `name` a
  // recipient of a list address without it being one of its own addresses. false sorts
  // before true, so the primary address comes first.
  std::string emails =
      "SELECT address FROM emails WHERE name = $1 AND type <> 'list' "
      "ORDER BY type <> 'primary', address";
  std::string member_of = "SELECT member_of FROM group_members WHERE name = $1";
  std::string members = "SELECT name FROM group_members WHERE member_of = $1 ORDER BY name";
  std::string recipient = "SELECT name FROM emails WHERE lower(address) = $1 ORDER BY name";
  // LIKE's metacharacters (%, _ and \) never reach $1: the directory asks only for domains
  // made of letters, digits, dots and hyphens. A leading-wildcard LIKE reads the whole table;
  // large installations index `split_part(lower(address), '@', 2)` and query that instead.
  std::string domain = "SELECT 1 FROM emails WHERE lower(address) LIKE '%@' || $1 LIMIT 1";
};

struct SqlDirectoryConfig {
  // postgresql://user:password@host:port/database?sslmode=… (libpq's URI; CONTRACT.md).
  std::string url;
  SqlDirectoryQueries queries;
  uint32_t connections_per_core = 1;  // lookups share a connection's pipeline
  uint64_t connect_timeout_ms = 5000;
  uint64_t response_timeout_ms = 10000;  // a query unanswered this long: the server is gone
  // Rows one query may return; more is a misconfigured query (a temporary failure).
  size_t rows_max = 100000;
};

}  // namespace ringmail
