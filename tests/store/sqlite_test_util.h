// The SQLite backend's test fixtures: a temporary database directory, a factory for the
// conformance suite, and direct reads of the file.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "metadata_conformance_bodies.h"
#include "store/sqlite/sqlite_store.h"

namespace ringmail::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ringmail-sqlite-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs one query returning one integer on a separate connection (WAL lets it read while the
// store is open); -1 without a row.
inline int64_t QueryInt(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  int64_t value = -1;
  if (sqlite3_step(st) == SQLITE_ROW) value = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return value;
}

inline void ExecSql(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

class SqliteInspector : public StoreInspector {
 public:
  explicit SqliteInspector(std::string path) : path_(std::move(path)) {}
  int64_t BlobRows(const BlobKey& key) override {
    return QueryInt(path_,
                    "SELECT count(*) FROM blobs WHERE hex(sha256) = upper('" + key.Hex() + "')");
  }
  int64_t BlobRefcount(const BlobKey& key) override {
    return QueryInt(path_,
                    "SELECT refcount FROM blobs WHERE hex(sha256) = upper('" + key.Hex() + "')");
  }

 private:
  std::string path_;
};

// The conformance suite's factory: a database in a fresh temporary directory (in a
// subdirectory that Open has to create).
class SqliteFactory {
 public:
  SqliteFactory() : path_(dir_.path() + "/meta/ringmail.db"), inspector_(path_) {}
  std::unique_ptr<MetadataStore> Open() {
    Result<std::unique_ptr<SqliteMetadataStore>> store = SqliteMetadataStore::Open(path_);
    EXPECT_TRUE(store.has_value()) << store.error().ToString();
    if (!store) return nullptr;
    return std::move(*store);
  }
  StoreInspector& inspector() { return inspector_; }
  const std::string& path() const { return path_; }

 private:
  TempDir dir_;
  std::string path_;
  SqliteInspector inspector_;
};

}  // namespace ringmail::testing
