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

// An account with its addresses (primary first) and memberships, each list one text joined
// by newlines (neither names nor addresses hold control characters: metadata_rules.h).
#define RINGMAIL_PG_ACCOUNT_SELECT                                                            \
  "SELECT a.id, a.name, a.type, coalesce(a.secret, ''), a.active, a.quota_bytes, "            \
  "a.used_bytes, a.used_messages, a.highest_modseq, a.description, "                          \
  "(SELECT string_agg(ad.local_part || '@' || d.name, E'\\n' ORDER BY ad.kind <> 'primary', " \
  "ad.id) FROM addresses ad JOIN domains d ON d.id = ad.domain_id "                           \
  "WHERE ad.account_id = a.id), "                                                             \
  "(SELECT string_agg(g.name, E'\\n' ORDER BY g.name COLLATE \"C\") FROM group_members gm "   \
  "JOIN accounts g ON g.id = gm.group_id WHERE gm.member_id = a.id), a.role FROM accounts a"

// A queued message's columns, then a recipient's (queue_ops: QueueMessageFromRow); m is
// queue_messages, b blobs, r queue_recipients (or the claim's updated rows).
#define RINGMAIL_PG_QUEUE_COLUMNS                                                            \
  "m.id, m.sender, m.envid, m.ret, m.smtputf8, m.requiretls, m.authenticated_as, b.sha256, " \
  "m.size, rm_unix(m.created_at), rm_unix(m.expires_at), r.address, r.notify, r.orcpt, "     \
  "r.state, r.attempts, rm_unix(r.next_attempt_at), r.last_reply"

// An email's columns (pg_store.cc EmailFromRow); a WHERE on e (emails) follows.
#define RINGMAIL_PG_EMAIL_SELECT                                                \
  "SELECT e.id, e.thread_id, b.sha256, e.size, rm_unix(e.received_at), "        \
  "rm_flag_bits(e.seen, e.answered, e.flagged, e.deleted, e.draft), "           \
  "array_to_string(e.keywords, ' '), e.message_id, e.subject, e.from_display, " \
  "rm_unix(e.sent_at), e.preview FROM emails e JOIN blobs b ON b.id = e.blob_id "

// An API key's columns (pg_api_keys.cc ApiKeyFromRow); k is api_keys, a accounts.
#define RINGMAIL_PG_API_KEY_COLUMNS                                          \
  "k.id, k.key_id, a.name, k.name, k.secret_sha256, rm_unix(k.created_at), " \
  "rm_unix(k.expires_at), rm_unix(k.last_used_at)"

using enum PgStatementId;

// Names sort by byte ("C" collation) whatever the database's locale, as in SQLite.
constexpr PgStatement kStatements[] = {
    {kBeginSnapshot, "rm_begin_snapshot", "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", 0},
    {kCommit, "rm_commit", "COMMIT", 0},
    {kCreateDomain, "rm_create_domain", "SELECT rm_create_domain($1)", 1},
    {kListDomains, "rm_list_domains", "SELECT name FROM domains ORDER BY name COLLATE \"C\"", 0},
    {kCreateAccount, "rm_create_account", "SELECT * FROM rm_create_account($1, $2, $3, $4, $5)", 5},
    {kGetAccount, "rm_get_account", RINGMAIL_PG_ACCOUNT_SELECT " WHERE a.name = $1", 1},
    {kHasDomain, "rm_has_domain", "SELECT EXISTS (SELECT 1 FROM domains WHERE name = $1)", 1},
    {kDeleteDomain, "rm_delete_domain", "SELECT rm_delete_domain($1)", 1},
    {kAddAccount, "rm_add_account", "SELECT rm_add_account($1, $2, $3, $4, $5, $6, $7, $8)", 8},
    {kListAccounts, "rm_list_accounts", RINGMAIL_PG_ACCOUNT_SELECT " ORDER BY a.name COLLATE \"C\"",
     0},
    {kUpdateAccount, "rm_update_account", "SELECT rm_update_account($1, $2, $3, $4, $5, $6, $7)",
     7},
    {kDeleteAccount, "rm_delete_account", "SELECT rm_delete_account($1)", 1},
    {kFindAddress, "rm_find_address",
     "SELECT a.name FROM addresses ad JOIN domains d ON d.id = ad.domain_id JOIN accounts a "
     "ON a.id = ad.account_id WHERE d.name = $1 AND ad.local_part = $2 "
     "ORDER BY a.name COLLATE \"C\"",
     2},
    {kListMembers, "rm_list_members",
     "SELECT m.name FROM accounts g JOIN group_members gm ON gm.group_id = g.id JOIN accounts m "
     "ON m.id = gm.member_id WHERE g.name = $1 ORDER BY m.name COLLATE \"C\"",
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
    // LoadMailboxIndex: one bytea of every message's entry, in UID order (pg_index.h; NULL for
    // none): an index-only scan of the primary key (migration 10), whose rows are fed in order to
    // the aggregate; then the few messages with keywords, through a partial index of them.
    {kLoadIndex, "rm_load_index",
     "SELECT string_agg(index_entry, ''::bytea) FROM (SELECT index_entry FROM mailbox_messages "
     "WHERE mailbox_id = $1 ORDER BY uid) s",
     1},
    {kLoadKeywords, "rm_load_keywords",
     "SELECT uid, array_to_string(keywords, ' ') FROM mailbox_messages "
     "WHERE mailbox_id = $1 AND keywords <> '{}' ORDER BY uid",
     1},
    {kLoadSomeMessages, "rm_load_some_messages",
     "SELECT " RINGMAIL_PG_MESSAGE_COLUMNS
     " FROM mailbox_messages WHERE mailbox_id = $1 AND uid = ANY ($2::bigint[]) ORDER BY uid",
     2},
    {kUpdateFlags, "rm_update_flags", "SELECT * FROM rm_update_flags($1, $2, $3, $4, $5, $6)", 6},
    {kExpunge, "rm_expunge", "SELECT * FROM rm_expunge($1, $2)", 2},
    {kExpungedSince, "rm_expunged_since", "SELECT * FROM rm_expunged_since($1, $2)", 2},
    {kMarkBlobsForDeletion, "rm_mark_blobs_for_deletion",
     "SELECT * FROM rm_mark_blobs_for_deletion($1, $2)", 2},
    {kForgetBlobs, "rm_forget_blobs", "SELECT rm_forget_blobs($1)", 1},
    {kHasBlob, "rm_has_blob", "SELECT EXISTS (SELECT 1 FROM blobs WHERE sha256 = $1)", 1},
    // Single statements, one transaction each: no function needed. A row that exists, in
    // whatever state, belongs to a delivery or a collector pass and is left alone.
    {kAdoptOrphanBlobs, "rm_adopt_orphan_blobs",
     "WITH adopted AS (INSERT INTO blobs (sha256, size, stored_size, refcount, "
     "unreferenced_since) SELECT o.k, 0, o.s, 0, to_timestamp(o.t) "
     "FROM unnest($1::bytea[], $2::bigint[], $3::bigint[]) AS o(k, s, t) "
     "ON CONFLICT (sha256) DO NOTHING RETURNING 1) SELECT count(*) FROM adopted",
     3},
    {kClaimCollectorLease, "rm_claim_collector_lease",
     "UPDATE collector_lease SET holder = $1, expires_at = now() + make_interval(secs => $2) "
     "WHERE name = 'blobs' AND (holder = $1 OR expires_at < now()) RETURNING 1",
     2},
    {kReleaseCollectorLease, "rm_release_collector_lease",
     "UPDATE collector_lease SET holder = '', expires_at = to_timestamp(0) "
     "WHERE name = 'blobs' AND holder = $1",
     1},
    {kSetSubscribed, "rm_set_subscribed",
     "UPDATE mailboxes SET subscribed = $3 WHERE account_id = $1 AND id = $2 RETURNING id", 3},
    // One statement, so the account's modseq and its rows are one snapshot. No row: no
    // account; a row with NULL changes: nothing changed.
    {kLoadChanges, "rm_load_changes",
     "SELECT a.highest_modseq, c.modseq, c.object_id, c.change FROM accounts a "
     "LEFT JOIN LATERAL (SELECT modseq, object_id, change FROM changes WHERE account_id = a.id "
     "AND modseq > $2::bigint AND object_type = $3 ORDER BY modseq, object_id "
     "LIMIT $4::bigint) c ON true WHERE a.id = $1 ORDER BY c.modseq, c.object_id",
     4},
    // The outbound queue (migrations_queue.cc).
    {kQueueEnqueue, "rm_queue_enqueue",
     "SELECT rm_queue_enqueue($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
     15},
    // Due, pending, unleased recipients: locked rows another node is claiming are skipped,
    // and the lease keeps them from every other claim once this statement commits.
    {kQueueClaim, "rm_queue_claim",
     "WITH due AS (SELECT message_id, address FROM queue_recipients WHERE state = 'pending' "
     "AND next_attempt_at <= to_timestamp($2::bigint) AND lease_until < to_timestamp($2::bigint) "
     "ORDER BY next_attempt_at, message_id LIMIT $4::bigint FOR UPDATE SKIP LOCKED), "
     "r AS (UPDATE queue_recipients q SET lease_holder = $1, "
     "lease_until = to_timestamp($2::bigint + $3::bigint) FROM due "
     "WHERE q.message_id = due.message_id AND q.address = due.address RETURNING q.*) "
     "SELECT " RINGMAIL_PG_QUEUE_COLUMNS " FROM r JOIN queue_messages m ON m.id = r.message_id "
     "JOIN blobs b ON b.id = m.blob_id ORDER BY m.id, r.address COLLATE \"C\"",
     4},
    {kQueueRecord, "rm_queue_record", "SELECT rm_queue_record($1, $2, $3, $4, $5, $6)", 6},
    {kQueueList, "rm_queue_list",
     "SELECT " RINGMAIL_PG_QUEUE_COLUMNS
     " FROM (SELECT * FROM queue_messages WHERE id > $1 ORDER BY id LIMIT $2) m "
     "JOIN queue_recipients r ON r.message_id = m.id JOIN blobs b ON b.id = m.blob_id "
     "ORDER BY m.id, r.address COLLATE \"C\"",
     2},
    {kQueueRetry, "rm_queue_retry",
     "WITH m AS (SELECT id FROM queue_messages WHERE $1::bigint = 0 OR id = $1::bigint), "
     "u AS (UPDATE queue_recipients SET next_attempt_at = to_timestamp($2::bigint) "
     "WHERE state = 'pending' AND message_id IN (SELECT id FROM m) RETURNING 1) "
     "SELECT (SELECT count(*) FROM m), (SELECT count(*) FROM u)",
     2},
    {kQueueRemove, "rm_queue_remove", "SELECT rm_queue_remove($1)", 1},
    {kFindMailbox, "rm_find_mailbox",
     "SELECT " RINGMAIL_PG_MAILBOX_COLUMNS " FROM mailboxes WHERE account_id = $1 AND name = $2",
     2},
    {kLoadSummaries, "rm_load_summaries",
     "SELECT m.uid, e.envelope, e.bodystructure, e.preview FROM mailbox_messages m JOIN emails e "
     "ON e.id = m.email_id WHERE m.mailbox_id = $1 AND m.uid = ANY ($2::bigint[]) ORDER BY m.uid",
     2},
    {kLoadEmails, "rm_load_emails",
     RINGMAIL_PG_EMAIL_SELECT "WHERE e.account_id = $1 AND e.id = ANY ($2::bigint[]) ORDER BY e.id",
     2},
    {kLoadEmailPlacements, "rm_load_email_placements",
     "SELECT mm.email_id, mm.mailbox_id, mm.uid FROM mailbox_messages mm JOIN emails e ON "
     "e.id = mm.email_id WHERE e.account_id = $1 AND mm.email_id = ANY ($2::bigint[]) "
     "ORDER BY mm.email_id, mm.mailbox_id",
     2},
    {kListEmails, "rm_list_emails",
     RINGMAIL_PG_EMAIL_SELECT "WHERE e.account_id = $1 ORDER BY e.id", 1},
    {kListEmailPlacements, "rm_list_email_placements",
     "SELECT mm.email_id, mm.mailbox_id, mm.uid FROM mailbox_messages mm JOIN emails e ON "
     "e.id = mm.email_id WHERE e.account_id = $1 ORDER BY mm.email_id, mm.mailbox_id",
     1},
    {kAddEmailPlacements, "rm_add_email_placements",
     "SELECT * FROM rm_add_email_placements($1, $2, $3)", 3},
    {kRecordUpload, "rm_record_upload", "SELECT rm_record_upload($1, $2, $3, $4, $5, $6, $7)", 7},
    // Indexed: blobs.sha256, then emails_blob and blob_uploads' primary key.
    {kAccountHasBlob, "rm_account_has_blob",
     "SELECT EXISTS (SELECT 1 FROM blobs b JOIN emails e ON e.blob_id = b.id "
     "WHERE b.sha256 = $2 AND e.account_id = $1) OR EXISTS (SELECT 1 FROM blobs b "
     "JOIN blob_uploads u ON u.blob_id = b.id WHERE b.sha256 = $2 AND u.account_id = $1 "
     "AND u.expires_at > now())",
     2},
    // JMAP objects beside mail (migrations_submission.cc). A list is the account's row (none:
    // no account) with the type's state, joined to its objects (NULL id: none).
    {kListIdentities, "rm_list_identities",
     "SELECT coalesce(s.state, 0), i.id, i.name, i.email, coalesce(i.reply_to, ''), "
     "coalesce(i.bcc, ''), i.text_signature, i.html_signature FROM accounts a "
     "LEFT JOIN jmap_states s ON s.account_id = a.id AND s.object_type = 'identity' "
     "LEFT JOIN identities i ON i.account_id = a.id WHERE a.id = $1 ORDER BY i.id",
     1},
    {kSaveIdentity, "rm_save_identity",
     "SELECT rm_save_identity($1, $2, $3, $4, $5, $6, $7, $8, $9)", 9},
    {kDeleteJmapObject, "rm_delete_jmap_object", "SELECT rm_delete_jmap_object($1, $2, $3)", 3},
    {kCreateSubmission, "rm_create_submission",
     "SELECT rm_create_submission($1, $2, $3, $4, $5, $6, $7, $8)", 8},
    {kListSubmissions, "rm_list_submissions",
     "SELECT coalesce(s.state, 0), e.id, e.identity_id, e.email_id, e.thread_id, e.envelope, "
     "rm_unix(e.send_at), e.queue_id, e.created_state, e.updated_state, "
     "coalesce(s.destroyed_state, 0) FROM accounts a "
     "LEFT JOIN jmap_states s ON s.account_id = a.id AND s.object_type = 'submission' "
     "LEFT JOIN email_submissions e ON e.account_id = a.id WHERE a.id = $1 ORDER BY e.id",
     1},
    {kFindQueueSubmissions, "rm_find_queue_submissions",
     "SELECT e.account_id, e.id, e.identity_id, e.email_id, e.thread_id, e.envelope, "
     "rm_unix(e.send_at), e.queue_id, e.created_state, e.updated_state FROM email_submissions e "
     "WHERE e.queue_id = $1 AND e.queue_id <> 0 ORDER BY e.id",
     1},
    {kUpdateSubmission, "rm_update_submission", "SELECT rm_update_submission($1, $2, $3, $4)", 4},
    {kLoadVacation, "rm_load_vacation",
     "SELECT coalesce(s.state, 0), coalesce(v.is_enabled, false), rm_unix(v.from_date), "
     "rm_unix(v.to_date), v.subject, v.text_body, v.html_body FROM accounts a "
     "LEFT JOIN jmap_states s ON s.account_id = a.id AND s.object_type = 'vacation' "
     "LEFT JOIN vacation_responses v ON v.account_id = a.id WHERE a.id = $1",
     1},
    {kSaveVacation, "rm_save_vacation", "SELECT rm_save_vacation($1, $2, $3, $4, $5, $6, $7)", 7},
    {kClaimVacationReply, "rm_claim_vacation_reply",
     "SELECT rm_claim_vacation_reply($1, $2, $3, $4)", 4},
    {kSetAccountRole, "rm_set_account_role",
     "UPDATE accounts SET role = $2 WHERE name = $1 RETURNING id", 2},
    {kCreateApiKey, "rm_create_api_key", "SELECT * FROM rm_create_api_key($1, $2, $3, $4, $5, $6)",
     6},
    // One row per key, or one with a NULL key id for an account without keys; none: no account.
    {kListApiKeys, "rm_list_api_keys",
     "SELECT " RINGMAIL_PG_API_KEY_COLUMNS " FROM accounts a LEFT JOIN api_keys k ON "
     "k.account_id = a.id WHERE a.name = $1 ORDER BY k.name COLLATE \"C\"",
     1},
    {kFindApiKey, "rm_find_api_key",
     "SELECT " RINGMAIL_PG_API_KEY_COLUMNS " FROM api_keys k JOIN accounts a ON "
     "a.id = k.account_id WHERE k.key_id = $1",
     1},
    {kDeleteApiKey, "rm_delete_api_key",
     "WITH a AS (SELECT id FROM accounts WHERE name = $1), d AS (DELETE FROM api_keys k USING a "
     "WHERE k.account_id = a.id AND k.name = $2 RETURNING 1) "
     "SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM d)",
     2},
    {kTouchApiKey, "rm_touch_api_key",
     "UPDATE api_keys SET last_used_at = to_timestamp($2::bigint) WHERE id = $1", 2},
    {kGroupBegin, "rm_group_begin", "BEGIN", 0},
    {kUnitRollback, "rm_unit_rollback", "ROLLBACK TO SAVEPOINT rm_unit", 0},
    {kUnitRelease, "rm_unit_release", "RELEASE SAVEPOINT rm_unit", 0},
    {kUnitSavepoint, "rm_unit_savepoint", "SAVEPOINT rm_unit", 0},
};

}  // namespace

std::span<const PgStatement> PgStatements() { return kStatements; }

const PgStatement& GetPgStatement(PgStatementId id) {
  const PgStatement& s = kStatements[static_cast<size_t>(id)];
  CHECK(s.id == id, "kStatements is in PgStatementId order");
  return s;
}

bool PgGroupable(PgStatementId id) {
  switch (id) {
    case PgStatementId::kDeliver:
    case PgStatementId::kUpdateFlags:
    case PgStatementId::kExpunge:
    case PgStatementId::kAddEmailPlacements: return true;
    default: return false;
  }
}

}  // namespace ringmail::postgres
