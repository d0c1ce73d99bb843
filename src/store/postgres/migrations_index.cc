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

// Migration 10: the index sent as one value (pg_index.h). Each row carries its 16-byte entry,
// computed by PostgreSQL on every insert and update, and the primary key carries the entry
// instead of the columns it is made of: an index-only scan then only concatenates stored
// bytes, where computing the flag bits and sending three columns per row cost 2-3 ms per
// 10,000 messages. Adding a stored column rewrites the table (and rebuilds its indexes), once.
// The flag bits are kFlagBit* (store/metadata_store.h), spelled out rather than through
// rm_flag_bits: a generated column must not depend on a function later migrations replace.
const char kIndexEntryV10[] = R"sql(
ALTER TABLE mailbox_messages ADD COLUMN index_entry BYTEA GENERATED ALWAYS AS (
    int8send((uid << 8) | (seen::int + 2 * answered::int + 4 * flagged::int + 8 * deleted::int
                           + 16 * draft::int))
    || int8send(modseq)) STORED;
ALTER TABLE mailbox_messages DROP CONSTRAINT mailbox_messages_pkey,
  ADD CONSTRAINT mailbox_messages_pkey PRIMARY KEY (mailbox_id, uid) INCLUDE (index_entry);
)sql";

}  // namespace ringmail::postgres
