// SqliteMetadataStore's API key operations (store/sqlite/api_key_ops.cc does the SQL).
#include "store/sqlite/ops.h"
#include "store/sqlite/sqlite_store.h"

namespace ringmail {

Task<Result<ApiKeyRecord>> SqliteMetadataStore::CreateApiKey(ApiKeyRecord key) {
  Result<ApiKeyRecord> r =
      co_await executor_->Call([&](sqlite::SqliteDb& db) { return sqlite::CreateApiKey(db, key); });
  co_return r;
}

Task<Result<std::vector<ApiKeyRecord>>> SqliteMetadataStore::ListApiKeys(std::string account) {
  Result<std::vector<ApiKeyRecord>> r = co_await reader_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::ListApiKeys(db, account); });
  co_return r;
}

Task<Result<ApiKeyRecord>> SqliteMetadataStore::FindApiKey(std::string key_id) {
  Result<ApiKeyRecord> r =
      co_await reader_->Call([&](sqlite::SqliteDb& db) { return sqlite::FindApiKey(db, key_id); });
  co_return r;
}

Task<Result<void>> SqliteMetadataStore::DeleteApiKey(std::string account, std::string name) {
  Result<void> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::DeleteApiKey(db, account, name); });
  co_return r;
}

Task<Result<void>> SqliteMetadataStore::TouchApiKey(int64_t id, int64_t used_at) {
  Result<void> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::TouchApiKey(db, id, used_at); });
  co_return r;
}

}  // namespace ringmail
