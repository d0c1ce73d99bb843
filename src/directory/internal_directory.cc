#include "directory/internal_directory.h"

#include <utility>

namespace ringmail {

Result<Principal> PrincipalFromAccount(AccountRecord account) {
  const std::optional<PrincipalType> type = ParsePrincipalType(account.type);
  if (!type) {
    return MakeError(ErrorCode::kInternal, "account '" + account.name + "' has an unknown type");
  }
  Principal p;
  p.name = std::move(account.name);
  p.type = *type;
  p.secret = std::move(account.secret);
  p.description = std::move(account.description);
  p.active = account.active;
  p.admin = account.role == "admin";
  p.quota_bytes = account.quota_bytes;
  p.emails = std::move(account.emails);
  p.member_of = std::move(account.member_of);
  p.account = Principal::StoreAccount{account.id, account.used_bytes};
  return p;
}

Task<Result<Principal>> InternalDirectory::FindPrincipal(std::string name) {
  Result<AccountRecord> account = co_await store_->GetAccount(std::move(name));
  if (!account) co_return std::unexpected(account.error());
  co_return PrincipalFromAccount(std::move(*account));
}

Task<Result<std::vector<std::string>>> InternalDirectory::FindAddress(std::string address) {
  Result<std::vector<std::string>> names = co_await store_->FindAddress(std::move(address));
  co_return names;
}

Task<Result<std::vector<std::string>>> InternalDirectory::Members(std::string name) {
  Result<std::vector<std::string>> names = co_await store_->ListMembers(std::move(name));
  co_return names;
}

Task<Result<ApiKeyRecord>> InternalDirectory::FindApiKey(std::string key_id) {
  Result<ApiKeyRecord> key = co_await store_->FindApiKey(std::move(key_id));
  co_return key;
}

Task<Result<void>> InternalDirectory::ApiKeyUsed(int64_t id, int64_t now) {
  Result<void> touched = co_await store_->TouchApiKey(id, now);
  co_return touched;
}

Task<Result<bool>> InternalDirectory::IsLocalDomain(std::string domain) {
  Result<bool> has = co_await store_->HasDomain(std::move(domain));
  co_return has;
}

}  // namespace ringmail
