// What the Email family's methods share besides argument reading (jmap/args.h, included
// here): the account's Email state and waking the sessions that watch changed mailboxes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "jmap/args.h"
#include "jmap/method.h"
#include "runtime/task.h"
#include "store/metadata_store.h"

namespace ringmail::jmap {

// The account's Email state (its highest modseq, docs/storage.md: JMAP states are account
// modseqs), as a string.
Task<Result<std::string>> EmailState(const CallContext& context);

// Wakes the sessions watching each of `mailbox_ids` (IMAP IDLE, JMAP push) after a change.
void NotifyMailboxes(const CallContext& context, const std::vector<int64_t>& mailbox_ids,
                     uint64_t modseq);

}  // namespace ringmail::jmap
