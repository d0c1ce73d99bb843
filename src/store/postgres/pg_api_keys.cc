// PostgresMetadataStore: account roles and API keys (migrations_auth.cc). Creating a key is
// the schema function rm_create_api_key (it locks the account, so the per-account limit
// holds); the rest are single statements.
#include "store/metadata_rules.h"
#include "store/postgres/pg_store.h"

namespace ringmail {

using postgres::PgRows;
using postgres::PgStatementId;

namespace {

// A row of RINGMAIL_PG_API_KEY_COLUMNS (pg_statements.cc).
ApiKeyRecord ApiKeyFromRow(const PgRows& r, int row) {
  ApiKeyRecord k;
  k.id = r.Int(row, 0);
  k.key_id = r.Text(row, 1);
  k.account = r.Text(row, 2);
  k.name = r.Text(row, 3);
  k.secret_sha256 = r.Text(row, 4);
  k.created_at = r.Int(row, 5);
  if (!r.IsNull(row, 6)) k.expires_at = r.Int(row, 6);
  if (!r.IsNull(row, 7)) k.last_used_at = r.Int(row, 7);
  return k;
}

}  // namespace

Task<Result<void>> PostgresMetadataStore::SetAccountRole(std::string name, std::string role) {
  Result<PgRows> rows = co_await Run(PgStatementId::kSetAccountRole, name, std::move(role));
  if (!rows) co_return std::unexpected(rows.error());
  if (rows->size() == 0) co_return MakeError(ErrorCode::kNotFound, "no account '" + name + "'");
  co_return Result<void>{};
}

Task<Result<void>> PostgresMetadataStore::SetAccountQuotaMessages(std::string name,
                                                                  uint64_t quota) {
  Result<PgRows> rows =
      co_await Run(PgStatementId::kSetAccountQuotaMessages, name, std::to_string(quota));
  if (!rows) co_return std::unexpected(rows.error());
  if (rows->size() == 0) co_return MakeError(ErrorCode::kNotFound, "no account '" + name + "'");
  co_return Result<void>{};
}

Task<Result<ApiKeyRecord>> PostgresMetadataStore::CreateApiKey(ApiKeyRecord key) {
  Result<void> valid = ValidateApiKey(key);
  if (!valid) co_return std::unexpected(valid.error());
  postgres::PgParams params;
  params.push_back(key.account);
  params.push_back(key.name);
  params.push_back(key.key_id);
  params.push_back(key.secret_sha256);
  params.push_back(key.expires_at ? std::optional(std::to_string(*key.expires_at)) : std::nullopt);
  params.push_back(std::to_string(kApiKeysPerAccountMax));
  Result<PgRows> rows = co_await RunParams(PgStatementId::kCreateApiKey, std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  Result<ApiKeyRecord> created = co_await FindApiKey(key.key_id);
  co_return created;
}

Task<Result<std::vector<ApiKeyRecord>>> PostgresMetadataStore::ListApiKeys(std::string account) {
  Result<PgRows> rows = co_await Run(PgStatementId::kListApiKeys, account);
  if (!rows) co_return std::unexpected(rows.error());
  if (rows->size() == 0) co_return MakeError(ErrorCode::kNotFound, "no account '" + account + "'");
  std::vector<ApiKeyRecord> keys;
  for (int i = 0; i < rows->size(); ++i) {
    if (!rows->IsNull(i, 0)) keys.push_back(ApiKeyFromRow(*rows, i));
  }
  co_return keys;
}

Task<Result<ApiKeyRecord>> PostgresMetadataStore::FindApiKey(std::string key_id) {
  Result<PgRows> rows = co_await Run(PgStatementId::kFindApiKey, std::move(key_id));
  if (!rows) co_return std::unexpected(rows.error());
  if (rows->size() == 0) co_return MakeError(ErrorCode::kNotFound, "no such API key");
  co_return ApiKeyFromRow(*rows, 0);
}

Task<Result<void>> PostgresMetadataStore::DeleteApiKey(std::string account, std::string name) {
  Result<PgRows> rows = co_await Run(PgStatementId::kDeleteApiKey, account, name);
  if (!rows) co_return std::unexpected(rows.error());
  if (rows->Int(0, 0) == 0)
    co_return MakeError(ErrorCode::kNotFound, "no account '" + account + "'");
  if (rows->Int(0, 1) == 0) {
    co_return MakeError(ErrorCode::kNotFound,
                        "account '" + account + "' has no key called '" + name + "'");
  }
  co_return Result<void>{};
}

Task<Result<void>> PostgresMetadataStore::TouchApiKey(int64_t id, int64_t used_at) {
  Result<PgRows> rows =
      co_await Run(PgStatementId::kTouchApiKey, std::to_string(id), std::to_string(used_at));
  if (!rows) co_return std::unexpected(rows.error());
  co_return Result<void>{};
}

}  // namespace ringmail
