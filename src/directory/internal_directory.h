// The `internal` directory: principals kept in the metadata store (accounts, addresses,
// group_members, api_keys; docs/storage.md), managed with the CLI. Every lookup reads the store, so
// a change the CLI makes is visible to the next lookup of a running server, on any node.
#pragma once

#include "directory/directory.h"
#include "store/metadata_store.h"

namespace ringmail {

class InternalDirectory : public Directory {
 public:
  // `store` must outlive the directory.
  explicit InternalDirectory(MetadataStore* store) : store_(store) {}

  Task<Result<Principal>> FindPrincipal(std::string name) override;
  Task<Result<std::vector<std::string>>> FindAddress(std::string address) override;
  Task<Result<std::vector<std::string>>> Members(std::string name) override;
  Task<Result<bool>> IsLocalDomain(std::string domain) override;
  bool AddressesAreLocal() const override { return true; }  // addresses.domain_id
  Task<Result<ApiKeyRecord>> FindApiKey(std::string key_id) override;
  Task<Result<void>> ApiKeyUsed(int64_t id, int64_t now) override;

 private:
  MetadataStore* store_;
};

// The principal an account row describes.
Result<Principal> PrincipalFromAccount(AccountRecord account);

}  // namespace ringmail
