// Pieces shared by the SQLite operations (ops.h): modseq allocation, change rows, row
// decoding, and removing messages (expunge and mailbox deletion). The backend-neutral rules
// (limits, validation) are in store/metadata_rules.h.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "store/metadata_rules.h"
#include "store/metadata_store.h"
#include "store/sqlite/sqlite_db.h"

namespace ringmail::sqlite {

// Timestamps are TEXT in ISO 8601 UTC (docs/storage.md); the interface speaks Unix seconds.
// A `?` parameter in Unix seconds, as stored.
#define RINGMAIL_SQL_ISO_PARAM "strftime('%Y-%m-%dT%H:%M:%SZ', ?, 'unixepoch')"
#define RINGMAIL_SQL_NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

// The columns MailboxFromRow reads, in its order.
#define RINGMAIL_SQL_MAILBOX_COLUMNS                                                      \
  "id, account_id, name, coalesce(special_use, ''), subscribed, uid_validity, uid_next, " \
  "highest_modseq, message_count, unseen_count, total_bytes"
MailboxRecord MailboxFromRow(const Statement& st);
// kNotFound when there is no such mailbox.
Result<MailboxRecord> ReadMailbox(SqliteDb& db, int64_t mailbox_id);

// The SELECT that MessageFromRow reads; a WHERE on mm (mailbox_messages) follows. One table:
// mailbox_messages carries a copy of its email's IMAP-visible state (docs/storage.md).
#define RINGMAIL_SQL_MESSAGE_SELECT                                                 \
  "SELECT mm.uid, mm.modseq, mm.email_id, mm.thread_id, mm.size, "                  \
  "CAST(strftime('%s', mm.received_at) AS INTEGER), "                               \
  "CAST(strftime('%s', mm.saved_at) AS INTEGER), "                                  \
  "mm.seen, mm.answered, mm.flagged, mm.deleted, mm.draft, mm.keywords, mm.sha256 " \
  "FROM mailbox_messages mm "
MessageRecord MessageFromRow(const Statement& st);
// The flags stored in six columns from `first`: seen, answered, flagged, deleted, draft,
// keywords (the order of mailbox_messages and emails).
MessageFlags FlagsFromRow(const Statement& st, int first);

// The modseqs of one operation: every change an operation makes in an account shares one
// modseq, the account's next (docs/storage.md, "Modification sequences"), taken at the first
// change so that an operation that changes nothing takes none.
class ModseqAllocator {
 public:
  Result<uint64_t> Take(SqliteDb& db, int64_t account_id);

 private:
  std::vector<std::pair<int64_t, uint64_t>> taken_;
};

// Adds `bytes` in `messages` new emails to the account's usage (delivery, copy); with
// `enforce`, first refuses (kLimitExceeded, nothing changed) what would pass quota_bytes or
// quota_messages. kNotFound for an unknown account.
Result<void> ChargeUsage(SqliteDb& db, int64_t account_id, uint64_t bytes, uint64_t messages,
                         bool enforce);

// A `changes` row (JMAP /changes). One operation changing an object twice leaves one row:
// 'destroyed' wins over 'created', which wins over 'updated'.
Result<void> RecordChange(SqliteDb& db, int64_t account_id, uint64_t modseq,
                          const char* object_type, int64_t object_id, const char* change);

// Removes the messages `uids` (absent ones are skipped) from `mailbox`, keeping the
// mailbox's counters and highest_modseq, the emails (deleted with their last placement), the
// blobs' refcounts and the account's usage in step, and records the changes. With
// `record_expunged`, each removed UID gets an `expunged` row. Returns the UIDs removed,
// ascending.
Result<std::vector<uint32_t>> RemoveMessages(SqliteDb& db, const MailboxRecord& mailbox,
                                             std::span<const uint32_t> uids,
                                             ModseqAllocator& modseqs, bool record_expunged);

// Removes every message of `mailbox` as RemoveMessages does, without `expunged` rows (for a
// mailbox or account about to be deleted).
Result<void> RemoveAllMessages(SqliteDb& db, const MailboxRecord& mailbox,
                               ModseqAllocator& modseqs);

// Inserts a mailbox with a fresh uid_validity (max(account's last + 1, now): never one the
// account used before) and records its creation. REQUIRES: `name` is normalised
// (metadata_rules.h, NormalizeMailboxName). kNotFound for an unknown account, kAlreadyExists for a
// taken name.
Result<MailboxRecord> InsertMailbox(SqliteDb& db, int64_t account_id, std::string_view name,
                                    std::string_view special_use, ModseqAllocator& modseqs);

}  // namespace ringmail::sqlite
