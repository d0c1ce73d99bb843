// SqliteDb: one SQLite connection with a cache of prepared statements, and Statement, a
// cached statement in use. Blocking calls: a SqliteDb is used by one thread at a time — the
// store thread (sqlite_executor.h), or the opening thread at start-up — never a reactor.
//
//   Result<Statement> q = db.Query("SELECT name FROM domains WHERE id = ?", id);
//   if (!q) return std::unexpected(q.error());
//   Result<bool> row = q->Step();
//
// SQLite result codes become Errors (SqliteError): a busy or locked database, I/O errors and
// a full disk are kUnavailable (a temporary failure), a UNIQUE or PRIMARY KEY violation is
// kAlreadyExists, other constraint violations kInvalidArgument, the rest kInternal.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/result.h"
#include "store/blob_key.h"

namespace ringmail::sqlite {

Error SqliteError(sqlite3* db, int rc, std::string_view what);

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  ~Statement();  // resets the statement and returns it to the cache

  // Binds parameter `index` (1-based). Texts and blobs are copied.
  void Bind(int index, int64_t value);
  void Bind(int index, std::string_view value);
  void Bind(int index, std::span<const uint8_t> value);
  void Bind(int index, std::nullopt_t);
  void Bind(int index, const BlobKey& key) { Bind(index, std::span<const uint8_t>(key.sha256)); }
  // Every integer type, bool and unsigned included (values stay below 2^63).
  template <typename T>
  requires std::is_integral_v<T>
  void Bind(int index, T value) { Bind(index, static_cast<int64_t>(value)); }
  template <typename T>
  void Bind(int index, const std::optional<T>& value) {
    if (value) {
      Bind(index, *value);
    } else {
      Bind(index, std::nullopt);
    }
  }
  void Bind(int index, const char* value) { Bind(index, std::string_view(value)); }
  void Bind(int index, const std::string& value) { Bind(index, std::string_view(value)); }

  // true: a row is ready to read; false: done.
  Result<bool> Step();
  // Steps to the end, ignoring rows.
  Result<void> Run();

  bool IsNull(int column) const;
  int64_t Int(int column) const;
  std::string Text(int column) const;  // "" for NULL
  // REQUIRES: the column is a 32-byte blob (a sha256 column).
  BlobKey Key(int column) const;

 private:
  friend class SqliteDb;
  Statement(sqlite3* db, sqlite3_stmt* stmt, bool* in_use)
      : db_(db), stmt_(stmt), in_use_(in_use) {}

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool* in_use_;  // the cache entry's flag; null for an uncached statement (finalized here)
};

class SqliteDb {
 public:
  // Opens (creating if needed) the database file. Sets the busy timeout; no other pragma.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path, int busy_timeout_ms);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements without parameters (DDL, BEGIN, COMMIT, pragmas).
  Result<void> Exec(const char* sql);

  // A statement for `sql`, prepared once and cached by the address of `sql` (a string
  // literal). A statement already in use (a nested query with the same text) is prepared
  // afresh for the nested use.
  Result<Statement> Prepare(const char* sql);

  // Prepare and bind the arguments to parameters 1, 2, ….
  template <typename... Args>
  Result<Statement> Query(const char* sql, const Args&... args) {
    Result<Statement> st = Prepare(sql);
    if (st) {
      int index = 1;
      (st->Bind(index++, args), ...);
    }
    return st;
  }

  // Runs a query that yields one integer (count(*), RETURNING id); kNotFound without a row.
  template <typename... Args>
  Result<int64_t> QueryInt(const char* sql, const Args&... args) {
    Result<Statement> st = Query(sql, args...);
    if (!st) return std::unexpected(st.error());
    return IntRow(*st);
  }

  // Runs a statement that yields no rows we want.
  template <typename... Args>
  Result<void> Run(const char* sql, const Args&... args) {
    Result<Statement> st = Query(sql, args...);
    if (!st) return std::unexpected(st.error());
    return st->Run();
  }

  int64_t changes() const { return sqlite3_changes64(db_); }
  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }
  sqlite3* raw() const { return db_; }

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  static Result<int64_t> IntRow(Statement& st);

  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  sqlite3* db_;
  std::unordered_map<const char*, Cached> cache_;
};

}  // namespace ringmail::sqlite
