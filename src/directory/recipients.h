// Recipient resolution: who receives mail sent to an address (docs/directory.md,
// "Addresses"). The rules live here, above every directory backend, so all behave alike:
//   1. the domain (UTF-8 or A-label, any case) must be local, else kNotLocal;
//   2. the exact address (local part compared case-insensitively), else the address without
//      its subaddress (`user+tag` → `user`, separators configurable), else the domain's
//      catch-all ("@domain"); none: kUnknown;
//   3. groups and lists are expanded to their members, recursively (cycles and depth are
//      bounded); inactive principals neither receive nor expand. Nothing active left:
//      kDisabled.
// A directory outage is an error (kUnavailable), never kUnknown: the caller answers with a
// temporary failure (SMTP 451 4.3.0).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "directory/directory.h"
#include "runtime/task.h"

namespace ringmail {

struct RecipientRules {
  std::string subaddress_separators = "+";  // empty: no subaddressing
  size_t expansion_depth_max = 8;           // nested groups
  size_t recipients_max = 1000;             // principals one address may expand to
};

enum class RecipientStatus {
  kLocal,     // `principals` receive it
  kUnknown,   // a local domain, but nobody has the address (SMTP 550 5.1.1)
  kDisabled,  // the address exists, but every principal behind it is inactive (550 5.2.1)
  kNotLocal,  // not a domain of ours (relaying decides)
};

struct ResolvedRecipient {
  RecipientStatus status = RecipientStatus::kUnknown;
  std::string address;                // the normalized address that matched (or was asked)
  std::vector<Principal> principals;  // kLocal: the active individuals, distinct, in order
};

// kInvalidArgument for a malformed address; kUnavailable (or another store error) when the
// directory cannot answer; kLimitExceeded when the expansion passes the rules' bounds.
Task<Result<ResolvedRecipient>> ResolveRecipient(Directory* directory, std::string address,
                                                 const RecipientRules* rules);

}  // namespace ringmail
