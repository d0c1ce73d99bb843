// The account's emails as Email/query, Email/get and Thread/get read them: one ListEmails
// per account state per core, instead of one per method call (a 10,000-email account costs
// ~100 ms of store reads and allocation to list; bench/http/run measures it).
//
// An account's state is its highest modseq, which moves with every change to any of its
// emails on any node (docs/storage.md, "Modification sequences"). The state is read from the
// store on every call (one small query), so a cached list is used only while it is the
// account's current state: never stale, including across nodes. Email/query also keeps its
// sorted results per state (Cyrus and Stalwart cache query results the same way): clients
// repeat the same query on every refresh. One cache per core (thread-local, no locks),
// bounded in emails; the least recently used account goes first.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "jmap/method.h"
#include "runtime/task.h"
#include "store/metadata_store.h"

namespace ringmail::jmap {

struct AccountEmails {
  uint64_t state = 0;
  std::vector<EmailRecord> emails;  // every email of the account, ascending id
  // Email/query's results at this state: the query's canonical form (filter, sort,
  // collapseThreads) -> the matching ids in order, before position and limit.
  std::map<std::string, std::vector<int64_t>, std::less<>> queries;

  // The email with store id `id`, or nullptr.
  const EmailRecord* Find(int64_t id) const;
};

// The account's current state and emails; shared with other calls on this core until the
// state moves (callers must not modify `emails`; `queries` may be added to).
Task<Result<std::shared_ptr<AccountEmails>>> LoadAccountEmails(const CallContext& context);

inline constexpr size_t kCachedEmailsMax = 200'000;  // per core, across accounts
inline constexpr size_t kCachedQueriesMax = 32;      // per account and state

}  // namespace ringmail::jmap
