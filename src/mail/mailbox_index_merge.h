// Bringing a MailboxIndex up to date from what changed since it was read
// (MetadataStore::LoadMailboxIndexChanges) instead of reading every message again: what the
// core's shared snapshot does on each change of a mailbox (mailbox_index_cache.h).
#pragma once

#include <optional>

#include "store/metadata_store.h"

namespace ringmail {

// Past this many distinct keyword lists in an index, a refresh reads the whole index again
// (which keeps only the lists in use): merged indexes never drop a list, so this bounds them.
inline constexpr size_t kMergedKeywordSetsMax = 1024;

// `base` with `changes` applied: the mailbox record and the changed entries from `changes`,
// the expunged UIDs removed, the rest of `base` as it was. REQUIRES: `changes` was read after
// base.mailbox.highest_modseq. nullopt when the result does not hold the mailbox's
// message_count entries (something the changes did not say happened: read it all again) or
// would hold more than kMergedKeywordSetsMax keyword lists. Pure.
std::optional<MailboxIndex> ApplyIndexChanges(const MailboxIndex& base,
                                              const MailboxIndexChanges& changes);

}  // namespace ringmail
