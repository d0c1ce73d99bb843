// Migration 4: reading a mailbox's index (MetadataStore::LoadMailboxIndex, docs/storage.md,
// "Reading a mailbox") without the table. The primary key carries each message's modseq and
// system flags, so the per-message read is an index-only scan: it touches the heap only for
// pages the visibility map does not mark all-visible (rows written since the last vacuum).
// Keywords cannot be carried (an index tuple holds at most about 2.7 kB; a message may have
// kKeywordsMax keywords of kKeywordMax bytes), so the few messages that have any are found
// through a partial index of them. Every index of mailbox_messages changes with each flag
// update already (modseq is indexed), so the wider key costs bytes, not another index write.
#include "store/postgres/migrations.h"

namespace ringmail::postgres {

const char kMailboxIndexV4[] = R"sql(
ALTER TABLE mailbox_messages DROP CONSTRAINT mailbox_messages_pkey,
  ADD CONSTRAINT mailbox_messages_pkey PRIMARY KEY (mailbox_id, uid)
    INCLUDE (modseq, seen, answered, flagged, deleted, draft);
CREATE INDEX mailbox_messages_keywords ON mailbox_messages (mailbox_id, uid)
  WHERE keywords <> '{}';
)sql";

}  // namespace ringmail::postgres
