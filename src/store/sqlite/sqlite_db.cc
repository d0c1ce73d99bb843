#include "store/sqlite/sqlite_db.h"

#include <cstring>
#include <utility>

#include "base/check.h"

namespace ringmail::sqlite {

Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  const int extended = db ? sqlite3_extended_errcode(db) : rc;
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL: return Error{ErrorCode::kUnavailable, std::move(message)};
    case SQLITE_CONSTRAINT:
      if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Error{ErrorCode::kAlreadyExists, std::move(message)};
      }
      return Error{ErrorCode::kInvalidArgument, std::move(message)};
    default: return Error{ErrorCode::kInternal, std::move(message)};
  }
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (in_use_ == nullptr) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *in_use_ = false;
}

void Statement::Bind(int index, int64_t value) {
  CHECK(sqlite3_bind_int64(stmt_, index, value) == SQLITE_OK);
}

void Statement::Bind(int index, std::string_view value) {
  CHECK(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                            SQLITE_UTF8) == SQLITE_OK);
}

void Statement::Bind(int index, std::span<const uint8_t> value) {
  CHECK(sqlite3_bind_blob64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT) ==
        SQLITE_OK);
}

void Statement::Bind(int index, std::nullopt_t) {
  CHECK(sqlite3_bind_null(stmt_, index) == SQLITE_OK);
}

Result<bool> Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(SqliteError(db_, rc, sqlite3_sql(stmt_)));
}

Result<void> Statement::Run() {
  for (;;) {
    Result<bool> row = Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
  }
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

BlobKey Statement::Key(int column) const {
  BlobKey key;
  const void* bytes = sqlite3_column_blob(stmt_, column);
  CHECK(bytes != nullptr && sqlite3_column_bytes(stmt_, column) == 32, "sha256 column");
  std::memcpy(key.sha256.data(), bytes, key.sha256.size());
  return key;
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path, int busy_timeout_ms) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error e = SqliteError(db, rc, "open " + path);
    sqlite3_close_v2(db);
    return std::unexpected(std::move(e));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return std::unique_ptr<SqliteDb>(new SqliteDb(db));
}

SqliteDb::~SqliteDb() {
  for (auto& [sql, cached] : cache_) {
    CHECK(!cached.in_use, "statement still in use when its connection closes");
    sqlite3_finalize(cached.stmt);
  }
  sqlite3_close_v2(db_);
}

Result<void> SqliteDb::Exec(const char* sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  sqlite3_free(message);
  if (rc != SQLITE_OK) return std::unexpected(SqliteError(db_, rc, sql));
  return {};
}

Result<Statement> SqliteDb::Prepare(const char* sql) {
  auto [it, inserted] = cache_.try_emplace(sql);
  Cached& cached = it->second;
  if (!inserted && !cached.in_use) {
    cached.in_use = true;
    return Statement(db_, cached.stmt, &cached.in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  const unsigned flags = inserted ? SQLITE_PREPARE_PERSISTENT : 0;
  const int rc = sqlite3_prepare_v3(db_, sql, -1, flags, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    if (inserted) cache_.erase(it);
    return std::unexpected(SqliteError(db_, rc, sql));
  }
  if (!inserted) return Statement(db_, stmt, nullptr);  // nested use: not cached
  cached.stmt = stmt;
  cached.in_use = true;
  return Statement(db_, stmt, &cached.in_use);
}

Result<int64_t> SqliteDb::IntRow(Statement& st) {
  Result<bool> row = st.Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return MakeError(ErrorCode::kNotFound, "no row");
  return st.Int(0);
}

}  // namespace ringmail::sqlite
