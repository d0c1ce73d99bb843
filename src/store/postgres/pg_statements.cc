#include "store/postgres/pg_statements.h"

#include "base/check.h"

namespace ringmail::postgres {
namespace {

#define RINGMAIL_PG_MAILBOX_COLUMNS                                                       \
  "id, account_id, name, coalesce(special_use, ''), subscribed, uid_validity, uid_next, " \
  "highest_modseq, message_count, unseen_count, total_bytes"

// The columns rm_update_flags returns after its `uid, conflict`, in the same order, as
// LoadMailbox's rows return them after the uid: one table, read in primary-key order.
#define RINGMAIL_PG_MESSAGE_COLUMNS                                                         \
  "uid, modseq, email_id, thread_id, size, rm_unix(received_at), rm_unix(saved_at), "       \
  "rm_flag_bits(seen, answered, flagged, deleted, draft), array_to_string(keywords, ' '), " \
  "sha256"

using enum PgStatementId;

// Names sort by byte ("C" collation) whatever the database's locale, as in SQLite.
constexpr PgStatement kStatements[] = {
    {kBeginSnapshot, "rm_begin_snapshot", "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", 0},
    {kCommit, "rm_commit", "COMMIT", 0},
    {kCreateDomain, "rm_create_domain", "SELECT rm_create_domain($1)", 1},
    {kListDomains, "rm_list_domains", "SELECT name FROM domains ORDER BY name COLLATE \"C\"", 0},
    {kCreateAccount, "rm_create_account", "SELECT * FROM rm_create_account($1, $2, $3, $4, $5)", 5},
    {kGetAccount, "rm_get_account",
     "SELECT id, name, type, coalesce(secret, ''), active, quota_bytes, used_bytes, "
     "used_messages, highest_modseq FROM accounts WHERE name = $1",
     1},
    {kListMailboxes, "rm_list_mailboxes",
     "SELECT " RINGMAIL_PG_MAILBOX_COLUMNS
     " FROM mailboxes WHERE account_id = $1 ORDER BY name COLLATE \"C\"",
     1},
    {kReadMailbox, "rm_read_mailbox",
     "SELECT " RINGMAIL_PG_MAILBOX_COLUMNS " FROM mailboxes WHERE id = $1", 1},
    {kCreateMailbox, "rm_create_mailbox", "SELECT * FROM rm_create_mailbox($1, $2, $3)", 3},
    {kRenameMailbox, "rm_rename_mailbox", "SELECT rm_rename_mailbox($1, $2, $3)", 3},
    {kDeleteMailbox, "rm_delete_mailbox", "SELECT rm_delete_mailbox($1, $2)", 2},
    {kDeliver, "rm_deliver",
     "SELECT * FROM rm_deliver($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
     "$15, $16)",
     16},
    {kLoadMessages, "rm_load_messages",
     "SELECT " RINGMAIL_PG_MESSAGE_COLUMNS
     " FROM mailbox_messages WHERE mailbox_id = $1 ORDER BY uid",
     1},
    {kUpdateFlags, "rm_update_flags", "SELECT * FROM rm_update_flags($1, $2, $3, $4, $5, $6)", 6},
    {kExpunge, "rm_expunge", "SELECT * FROM rm_expunge($1, $2)", 2},
    {kExpungedSince, "rm_expunged_since", "SELECT * FROM rm_expunged_since($1, $2)", 2},
    {kMarkBlobsForDeletion, "rm_mark_blobs_for_deletion",
     "SELECT * FROM rm_mark_blobs_for_deletion($1, $2)", 2},
    {kForgetBlobs, "rm_forget_blobs", "SELECT rm_forget_blobs($1)", 1},
    {kHasBlob, "rm_has_blob", "SELECT EXISTS (SELECT 1 FROM blobs WHERE sha256 = $1)", 1},
};

}  // namespace

std::span<const PgStatement> PgStatements() { return kStatements; }

const PgStatement& GetPgStatement(PgStatementId id) {
  const PgStatement& s = kStatements[static_cast<size_t>(id)];
  CHECK(s.id == id, "kStatements is in PgStatementId order");
  return s;
}

}  // namespace ringmail::postgres
