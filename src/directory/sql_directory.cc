#include "directory/sql_directory.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>
#include <utility>

#include "base/check.h"
#include "base/log.h"
#include "base/utf8.h"
#include "directory/address.h"
#include "runtime/reactor.h"

namespace ringmail {

using postgres::PgParams;
using postgres::PgQuery;
using postgres::PgRows;

namespace {

constexpr const char* kPrincipalQueries = "query-principal, query-emails, query-member-of";

// Every $N in `sql` is $1, and $1 is there. (A literal like '$2' in a query would be taken
// for a parameter too; PostgreSQL rejects a query with $2 and one parameter anyway.)
Result<void> CheckQuery(std::string_view key, const std::string& sql) {
  const std::string where = "[directory.sql] " + std::string(key);
  if (sql.empty()) return MakeError(ErrorCode::kConfig, where + " is empty");
  if (sql.find('\0') != std::string::npos) {
    return MakeError(ErrorCode::kConfig, where + " holds a NUL byte");
  }
  bool has_first = false;
  for (size_t i = sql.find('$'); i != std::string::npos; i = sql.find('$', i + 1)) {
    const char* begin = sql.data() + i + 1;
    const char* end = sql.data() + sql.size();
    uint32_t number = 0;
    const std::from_chars_result r = std::from_chars(begin, end, number);
    if (r.ptr == begin) continue;  // not a parameter ($$-quoting, an identifier's $)
    if (r.ec != std::errc() || number != 1) {
      return MakeError(ErrorCode::kConfig, where + ": a query takes one parameter, $1 (found $" +
                                               std::string(begin, r.ptr) + ")");
    }
    has_first = true;
  }
  if (!has_first) return MakeError(ErrorCode::kConfig, where + " does not use $1");
  return {};
}

// A name or address the database can be asked about: PostgreSQL rejects a NUL and text that
// is not UTF-8 (an error, where the answer is simply "none").
bool UsableInput(std::string_view s) {
  return s.size() <= kSqlDirectoryInputSizeMax && s.find('\0') == std::string_view::npos &&
         IsValidUtf8(s);
}

// Letters, digits, dots and hyphens only (an A-label domain): none of LIKE's %, _ and \.
bool UsableDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  return std::all_of(domain.begin(), domain.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-';
  });
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The first column of every row, without NULLs, empty strings and repeats, in row order.
// Addresses are normalized (directory/address.h); one that does not parse is left out.
std::vector<std::string> FirstColumn(const PgRows& rows, bool addresses) {
  std::vector<std::string> out;
  for (int r = 0; r < rows.size(); ++r) {
    if (rows.IsNull(r, 0)) continue;
    std::string value(rows.Text(r, 0));
    if (addresses && !value.empty()) {
      Result<std::string> normalized = NormalizeAddressOrCatchAll(value);
      if (!normalized) {
        Log(LogLevel::kWarn, "directory_sql_bad_address", "address", value, "error",
            normalized.error().message);
        continue;
      }
      value = std::move(*normalized);
    }
    if (value.empty() || std::find(out.begin(), out.end(), value) != out.end()) continue;
    out.push_back(std::move(value));
  }
  return out;
}

// Column `column` of the first row, or nullopt when NULL or left off (libpq answers "NULL"
// for a column past the last one, so short custom queries read as NULLs there).
std::optional<std::string_view> Field(const PgRows& rows, int column) {
  if (rows.IsNull(0, column)) return std::nullopt;
  return rows.Text(0, column);
}

Result<bool> ReadBool(std::string_view text) {
  const std::string lower = LowerAscii(text);
  if (lower == "t" || lower == "true" || lower == "1" || lower == "y" || lower == "yes" ||
      lower == "on") {
    return true;
  }
  if (lower == "f" || lower == "false" || lower == "0" || lower == "n" || lower == "no" ||
      lower == "off") {
    return false;
  }
  return MakeError(ErrorCode::kInvalidArgument, "active '" + lower + "' is not a boolean");
}

// The principal query's first row: name, type, secret, description, quota, active.
Result<Principal> ReadPrincipalRow(const PgRows& rows, const std::string& requested) {
  Principal p;
  p.name = std::string(Field(rows, 0).value_or(requested));
  if (p.name.empty()) p.name = requested;
  if (const std::optional<std::string_view> type = Field(rows, 1)) {
    const std::optional<PrincipalType> parsed = ParsePrincipalType(*type);
    if (!parsed) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          "principal '" + p.name + "' has the unknown type '" + std::string(*type) + "'");
    }
    p.type = *parsed;
  }
  p.secret = std::string(Field(rows, 2).value_or(""));
  p.description = std::string(Field(rows, 3).value_or(""));
  if (const std::optional<std::string_view> quota = Field(rows, 4)) {
    const std::from_chars_result r =
        std::from_chars(quota->data(), quota->data() + quota->size(), p.quota_bytes);
    if (r.ec != std::errc() || r.ptr != quota->data() + quota->size()) {
      return MakeError(ErrorCode::kInvalidArgument, "principal '" + p.name + "' has the quota '" +
                                                        std::string(*quota) + "' (bytes expected)");
    }
  }
  if (const std::optional<std::string_view> active = Field(rows, 5)) {
    const Result<bool> parsed = ReadBool(*active);
    if (!parsed) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "principal '" + p.name + "': " + parsed.error().message);
    }
    p.active = *parsed;
  }
  return p;
}

// The domain query's answer: a row whose first column is not NULL, false or 0.
bool AnyRowSaysYes(const PgRows& rows) {
  for (int r = 0; r < rows.size(); ++r) {
    if (rows.IsNull(r, 0)) continue;
    const std::string value = LowerAscii(rows.Text(r, 0));
    if (value != "f" && value != "false" && value != "0") return true;
  }
  return false;
}

// What a failed query means to the caller: a temporary failure. Anything but an outage (which
// the pool logs) is the operator's to fix, so it is logged.
Error Failure(const char* what, const Error& error) {
  if (error.code != ErrorCode::kUnavailable) {
    Log(LogLevel::kWarn, "directory_sql_failed", "query", what, "error", error.message);
  }
  return Error{ErrorCode::kUnavailable,
               std::string("SQL directory (") + what + "): " + error.message, 0};
}

PgParams Param(std::string value) {
  PgParams params;
  params.emplace_back(std::move(value));
  return params;
}

}  // namespace

Result<std::unique_ptr<SqlDirectory>> SqlDirectory::Create(SqlDirectoryConfig config,
                                                           WorkerPool* workers,
                                                           uint32_t cores_max) {
  if (config.url.empty()) return MakeError(ErrorCode::kConfig, "[directory.sql] url is empty");
  const SqlDirectoryQueries& q = config.queries;
  TRY(CheckQuery("query-principal", q.principal));
  TRY(CheckQuery("query-emails", q.emails));
  TRY(CheckQuery("query-member-of", q.member_of));
  TRY(CheckQuery("query-members", q.members));
  TRY(CheckQuery("query-recipient", q.recipient));
  TRY(CheckQuery("query-domain", q.domain));
  if (config.connections_per_core == 0 || config.rows_max == 0) {
    return MakeError(ErrorCode::kConfig, "[directory.sql] connections and rows must be > 0");
  }
  postgres::PgPoolConfig pool;
  pool.conninfo = config.url;
  pool.hosts = TRY(postgres::PgHostsToResolve(config.url));
  if (!pool.hosts.empty() && workers == nullptr) {
    return MakeError(ErrorCode::kConfig,
                     "PostgreSQL host names need a worker pool to be resolved off the cores");
  }
  pool.workers = workers;
  pool.connections_max = config.connections_per_core;
  pool.connect_timeout_ms = config.connect_timeout_ms;
  pool.response_timeout_ms = config.response_timeout_ms;
  pool.prepare_store_statements = false;
  return std::unique_ptr<SqlDirectory>(
      new SqlDirectory(std::move(config), std::move(pool), cores_max));
}

SqlDirectory::SqlDirectory(SqlDirectoryConfig config, postgres::PgPoolConfig pool,
                           uint32_t cores_max)
    : config_(std::move(config)), pool_config_(std::move(pool)), pools_(cores_max) {}

SqlDirectory::~SqlDirectory() = default;

postgres::PgCorePool& SqlDirectory::Pool() {
  Reactor* reactor = Reactor::Current();
  CHECK(reactor != nullptr, "SQL directory calls run on a reactor core");
  const int core = reactor->core();
  CHECK(core >= 0 && static_cast<size_t>(core) < pools_.size(), "core index over cores_max");
  std::unique_ptr<postgres::PgCorePool>& pool = pools_[static_cast<size_t>(core)];
  // A new reactor on a core index seen before (tests run one reactor after another): the old
  // pool's connections are idle and go with it.
  if (pool != nullptr && pool->reactor() != reactor) pool.reset();
  if (pool == nullptr) pool = std::make_unique<postgres::PgCorePool>(&pool_config_, reactor);
  return *pool;
}

Task<Result<std::vector<PgRows>>> SqlDirectory::Run(std::vector<PgQuery> unit, const char* what) {
  Result<std::vector<PgRows>> rows = co_await Pool().Execute(std::move(unit));
  if (!rows) co_return std::unexpected(Failure(what, rows.error()));
  for (const PgRows& r : *rows) {
    if (static_cast<size_t>(r.size()) > config_.rows_max) {
      const Error error{ErrorCode::kLimitExceeded,
                        "more than " + std::to_string(config_.rows_max) + " rows", 0};
      co_return std::unexpected(Failure(what, error));
    }
  }
  co_return rows;
}

Task<Result<std::vector<std::string>>> SqlDirectory::Names(const std::string* sql,
                                                           std::string param, const char* what) {
  if (!UsableInput(param)) co_return std::vector<std::string>();
  std::vector<PgQuery> unit;
  unit.push_back(PgQuery::Text(sql->c_str(), Param(std::move(param))));
  Result<std::vector<PgRows>> rows = co_await Run(std::move(unit), what);
  if (!rows) co_return std::unexpected(rows.error());
  co_return FirstColumn(rows->front(), /*addresses=*/false);
}

Task<Result<Principal>> SqlDirectory::FindPrincipal(std::string name) {
  if (!UsableInput(name)) {
    co_return MakeError(ErrorCode::kNotFound, "no principal '" + name + "'");
  }
  const SqlDirectoryQueries& q = config_.queries;
  std::vector<PgQuery> unit;
  unit.push_back(PgQuery::Text(q.principal.c_str(), Param(name)));
  unit.push_back(PgQuery::Text(q.emails.c_str(), Param(name)));
  unit.push_back(PgQuery::Text(q.member_of.c_str(), Param(name)));
  Result<std::vector<PgRows>> rows = co_await Run(std::move(unit), kPrincipalQueries);
  if (!rows) co_return std::unexpected(rows.error());
  if ((*rows)[0].size() == 0) {
    co_return MakeError(ErrorCode::kNotFound, "no principal '" + name + "'");
  }
  Result<Principal> principal = ReadPrincipalRow((*rows)[0], name);
  if (!principal) co_return std::unexpected(Failure("query-principal", principal.error()));
  if (principal->name == name) {
    principal->emails = FirstColumn((*rows)[1], /*addresses=*/true);
    principal->member_of = FirstColumn((*rows)[2], /*addresses=*/false);
    co_return principal;
  }
  // The query matched another spelling (a case-insensitive custom query): the addresses and
  // groups are those of the name as stored.
  std::vector<PgQuery> lists;
  lists.push_back(PgQuery::Text(q.emails.c_str(), Param(principal->name)));
  lists.push_back(PgQuery::Text(q.member_of.c_str(), Param(principal->name)));
  Result<std::vector<PgRows>> more = co_await Run(std::move(lists), kPrincipalQueries);
  if (!more) co_return std::unexpected(more.error());
  principal->emails = FirstColumn((*more)[0], /*addresses=*/true);
  principal->member_of = FirstColumn((*more)[1], /*addresses=*/false);
  co_return principal;
}

Task<Result<std::vector<std::string>>> SqlDirectory::FindAddress(std::string address) {
  return Names(&config_.queries.recipient, std::move(address), "query-recipient");
}

Task<Result<std::vector<std::string>>> SqlDirectory::Members(std::string name) {
  return Names(&config_.queries.members, std::move(name), "query-members");
}

Task<Result<bool>> SqlDirectory::IsLocalDomain(std::string domain) {
  if (!UsableDomain(domain)) co_return false;
  domain = LowerAscii(domain);  // DNS names compare without case, whoever forgot to lower it
  std::vector<PgQuery> unit;
  unit.push_back(PgQuery::Text(config_.queries.domain.c_str(), Param(std::move(domain))));
  Result<std::vector<PgRows>> rows = co_await Run(std::move(unit), "query-domain");
  if (!rows) co_return std::unexpected(rows.error());
  co_return AnyRowSaysYes(rows->front());
}

}  // namespace ringmail
