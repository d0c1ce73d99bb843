// Directory: where principals, their addresses and the local domains come from
// (`[directory] type`: internal | sql | memory; docs/directory.md). Backends answer exact
// lookups only; address rules (case, IDN, subaddressing, catch-all) and group expansion live
// above them in recipients.h, and password checks in authenticator.h, so every backend
// behaves alike.
//
// Every method is a coroutine called on a reactor core and completing there. An outage of
// the backend is kUnavailable (a temporary failure: SMTP 451, IMAP NO [UNAVAILABLE]), never
// "not found".
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "directory/principal.h"
#include "runtime/task.h"
#include "store/metadata_store.h"

namespace ringmail {

class Directory {
 public:
  virtual ~Directory() = default;

  // The principal called exactly `name` (names compare case-sensitively, as stored);
  // kNotFound when there is none.
  virtual Task<Result<Principal>> FindPrincipal(std::string name) = 0;

  // Names of the principals that own `address`, given in normalized form (lower-case local
  // part, lower-case A-label domain; "@domain" is the domain's catch-all). Empty when none.
  virtual Task<Result<std::vector<std::string>>> FindAddress(std::string address) = 0;

  // Names of the members of the group or list `name` (one level; empty when none).
  virtual Task<Result<std::vector<std::string>>> Members(std::string name) = 0;

  // Whether mail for `domain` (a lower-case A-label) is delivered here.
  virtual Task<Result<bool>> IsLocalDomain(std::string domain) = 0;

  // True when every address FindAddress finds is in a domain IsLocalDomain calls local (the
  // internal directory: an address row references its domain's row), so that a found
  // address proves its domain local without asking (recipients.h saves that lookup).
  virtual bool AddressesAreLocal() const { return false; }

  // The API key whose public id is `key_id`, with its account's name (docs/directory.md,
  // "API keys"); kNotFound when none. Keys live in the metadata store beside the internal
  // directory's accounts: the default (the sql and memory directories) has none.
  virtual Task<Result<ApiKeyRecord>> FindApiKey(std::string /*key_id*/) {
    co_return MakeError(ErrorCode::kNotFound, "no such API key");
  }
  // Records that key `id` authenticated a request at `now` (Unix seconds).
  virtual Task<Result<void>> ApiKeyUsed(int64_t /*id*/, int64_t /*now*/) {
    co_return Result<void>{};
  }
};

}  // namespace ringmail
