// API keys (MetadataStore::CreateApiKey and the rest; docs/storage.md, "api_keys").
#include "store/sqlite/op_support.h"
#include "store/sqlite/ops.h"

namespace ringmail::sqlite {
namespace {

// The columns ApiKeyFromRow reads, in its order; FROM api_keys k JOIN accounts a.
#define RINGMAIL_SQL_API_KEY_SELECT                          \
  "SELECT k.id, k.key_id, a.name, k.name, k.secret_sha256, " \
  "CAST(strftime('%s', k.created_at) AS INTEGER), "          \
  "CAST(strftime('%s', k.expires_at) AS INTEGER), "          \
  "CAST(strftime('%s', k.last_used_at) AS INTEGER) "         \
  "FROM api_keys k JOIN accounts a ON a.id = k.account_id "

ApiKeyRecord ApiKeyFromRow(const Statement& st) {
  ApiKeyRecord k;
  k.id = st.Int(0);
  k.key_id = st.Text(1);
  k.account = st.Text(2);
  k.name = st.Text(3);
  k.secret_sha256 = st.Text(4);
  k.created_at = st.Int(5);
  if (!st.IsNull(6)) k.expires_at = st.Int(6);
  if (!st.IsNull(7)) k.last_used_at = st.Int(7);
  return k;
}

Result<int64_t> AccountId(SqliteDb& db, std::string_view account) {
  Result<int64_t> id = db.QueryInt("SELECT id FROM accounts WHERE name = ?", account);
  if (!id && id.error().code == ErrorCode::kNotFound) {
    return MakeError(ErrorCode::kNotFound, "no account '" + std::string(account) + "'");
  }
  return id;
}

}  // namespace

Result<ApiKeyRecord> CreateApiKey(SqliteDb& db, const ApiKeyRecord& key) {
  TRY(ValidateApiKey(key));
  const int64_t account_id = TRY(AccountId(db, key.account));
  const int64_t count =
      TRY(db.QueryInt("SELECT count(*) FROM api_keys WHERE account_id = ?", account_id));
  if (static_cast<size_t>(count) >= kApiKeysPerAccountMax) {
    return MakeError(ErrorCode::kLimitExceeded, "account '" + key.account + "' has " +
                                                    std::to_string(count) + " API keys already");
  }
  Result<int64_t> id = db.QueryInt(
      "INSERT INTO api_keys (account_id, name, key_id, secret_sha256, expires_at) "
      "VALUES (?, ?, ?, ?, CASE WHEN ? IS NULL THEN NULL ELSE " RINGMAIL_SQL_ISO_PARAM
      " END) RETURNING id",
      account_id, key.name, key.key_id, key.secret_sha256, key.expires_at, key.expires_at);
  if (!id && id.error().code == ErrorCode::kAlreadyExists) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "account '" + key.account + "' has a key called '" + key.name + "' already");
  }
  if (!id) return std::unexpected(id.error());
  return FindApiKey(db, key.key_id);
}

Result<std::vector<ApiKeyRecord>> ListApiKeys(SqliteDb& db, std::string_view account) {
  const int64_t account_id = TRY(AccountId(db, account));
  Statement st = TRY(
      db.Query(RINGMAIL_SQL_API_KEY_SELECT "WHERE k.account_id = ? ORDER BY k.name", account_id));
  std::vector<ApiKeyRecord> keys;
  for (;;) {
    const bool row = TRY(st.Step());
    if (!row) return keys;
    keys.push_back(ApiKeyFromRow(st));
  }
}

Result<ApiKeyRecord> FindApiKey(SqliteDb& db, std::string_view key_id) {
  Statement st = TRY(db.Query(RINGMAIL_SQL_API_KEY_SELECT "WHERE k.key_id = ?", key_id));
  const bool row = TRY(st.Step());
  if (!row) return MakeError(ErrorCode::kNotFound, "no such API key");
  return ApiKeyFromRow(st);
}

Result<void> DeleteApiKey(SqliteDb& db, std::string_view account, std::string_view name) {
  const int64_t account_id = TRY(AccountId(db, account));
  TRY(db.Run("DELETE FROM api_keys WHERE account_id = ? AND name = ?", account_id, name));
  if (db.changes() == 0) {
    return MakeError(ErrorCode::kNotFound, "account '" + std::string(account) +
                                               "' has no key called '" + std::string(name) + "'");
  }
  return {};
}

Result<void> TouchApiKey(SqliteDb& db, int64_t id, int64_t used_at) {
  return db.Run("UPDATE api_keys SET last_used_at = " RINGMAIL_SQL_ISO_PARAM " WHERE id = ?",
                used_at, id);
}

}  // namespace ringmail::sqlite
