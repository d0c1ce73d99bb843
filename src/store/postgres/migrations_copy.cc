// Migration 13: IMAP COPY and MOVE in one call (MetadataStore::CopyMessages, docs/storage.md
// "Copy and move"). SQLite's copy_op.cc does the same.
#include "store/postgres/migrations.h"

namespace ringmail::postgres {

extern const char kCopyMessagesV13[] = R"sql(
-- Places the messages p_uids of p_source (absent ones skipped) in p_target, both one
-- account's, with one modseq: all of them or, on any error, none. A copy is a new email
-- (the source's content, flags and thread; one more blob reference; added to the usage, RM413
-- over a quota when p_enforce_quota). A move gives the same email a placement in p_target
-- (no usage) unless p_target holds it already (then it is copied), and removes the source
-- placements, recorded as expunged. Rows: source UID, target UID, modseq, ascending source
-- UID. RM404 unknown mailbox, or p_target in another account.
CREATE FUNCTION rm_copy_messages(p_source bigint, p_uids bigint[], p_target bigint,
                                 p_move boolean, p_enforce_quota boolean)
RETURNS TABLE (source_uid bigint, target_uid bigint, copy_modseq bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_account_id bigint;
  v_uids bigint[];
  v_emails bigint[];
  v_sizes bigint[];
  v_seen boolean[];
  v_thread_ids bigint[];
  v_shas bytea[];
  v_copies boolean[];
  v_modseq bigint;
  v_email_id bigint;
  v_uid bigint;
  v_bytes bigint;
  v_count bigint;
  v_sources bigint[] := '{}';
  v_targets bigint[] := '{}';
  v_created bigint[] := '{}';
  v_kept bigint[] := '{}';
  v_threads bigint[] := '{}';
BEGIN
  v_account_id := rm_lock_mailbox_account(p_source);
  IF NOT EXISTS (SELECT 1 FROM mailboxes m
                  WHERE m.id = p_target AND m.account_id = v_account_id) THEN
    RAISE EXCEPTION 'no mailbox %', p_target USING ERRCODE = 'RM404';
  END IF;
  -- Read whole before anything is written: a copy into the same mailbox must not meet its
  -- own new rows.
  SELECT coalesce(array_agg(mm.uid ORDER BY mm.uid), '{}'),
         array_agg(mm.email_id ORDER BY mm.uid), array_agg(e.size ORDER BY mm.uid),
         array_agg(e.seen ORDER BY mm.uid), array_agg(e.thread_id ORDER BY mm.uid),
         array_agg(mm.sha256 ORDER BY mm.uid),
         array_agg((NOT p_move OR EXISTS (SELECT 1 FROM mailbox_messages t
                                          WHERE t.mailbox_id = p_target
                                            AND t.email_id = mm.email_id)) ORDER BY mm.uid)
    INTO v_uids, v_emails, v_sizes, v_seen, v_thread_ids, v_shas, v_copies
    FROM mailbox_messages mm JOIN emails e ON e.id = mm.email_id
   WHERE mm.mailbox_id = p_source AND mm.uid = ANY (p_uids);
  SELECT count(*), coalesce(sum(x.size), 0) INTO v_count, v_bytes
    FROM unnest(v_sizes, v_copies) x(size, copies) WHERE x.copies;
  IF p_enforce_quota AND v_count > 0 AND EXISTS (
      SELECT 1 FROM accounts a WHERE a.id = v_account_id
         AND ((a.quota_bytes > 0 AND a.used_bytes + v_bytes > a.quota_bytes)
              OR (a.quota_messages > 0 AND a.used_messages + v_count > a.quota_messages))) THEN
    RAISE EXCEPTION 'account % is over its quota', v_account_id USING ERRCODE = 'RM413';
  END IF;
  FOR i IN 1 .. cardinality(v_uids) LOOP
    IF v_modseq IS NULL THEN
      v_modseq := rm_take_modseq(v_account_id);
    END IF;
    IF v_copies[i] THEN
      v_email_id := nextval(pg_get_serial_sequence('emails', 'id'));
      INSERT INTO emails (id, account_id, blob_id, size, received_at, thread_id, seen, answered,
                          flagged, deleted, draft, keywords, message_id, subject, from_display,
                          sent_at, preview, envelope, bodystructure)
      SELECT v_email_id, e.account_id, e.blob_id, e.size, e.received_at, e.thread_id, e.seen,
             e.answered, e.flagged, e.deleted, e.draft, e.keywords, e.message_id, e.subject,
             e.from_display, e.sent_at, e.preview, e.envelope, e.bodystructure
        FROM emails e WHERE e.id = v_emails[i];
      v_created := v_created || v_email_id;
      v_threads := v_threads || v_thread_ids[i];
    ELSE
      v_email_id := v_emails[i];
      v_kept := v_kept || v_email_id;
    END IF;
    UPDATE mailboxes m
       SET uid_next = m.uid_next + 1, highest_modseq = v_modseq,
           message_count = m.message_count + 1,
           unseen_count = m.unseen_count + CASE WHEN v_seen[i] THEN 0 ELSE 1 END,
           total_bytes = m.total_bytes + v_sizes[i]
     WHERE m.id = p_target
    RETURNING m.uid_next - 1 INTO v_uid;
    IF v_uid >= 4294967295 THEN
      RAISE EXCEPTION 'mailbox UID space exhausted' USING ERRCODE = 'RM413';
    END IF;
    INSERT INTO mailbox_messages (mailbox_id, uid, email_id, modseq, saved_at, thread_id, size,
                                  received_at, seen, answered, flagged, deleted, draft,
                                  keywords, sha256)
    SELECT p_target, v_uid, e.id, v_modseq, date_trunc('second', now()), e.thread_id, e.size,
           e.received_at, e.seen, e.answered, e.flagged, e.deleted, e.draft, e.keywords,
           v_shas[i]
      FROM emails e WHERE e.id = v_email_id;
    v_sources := v_sources || v_uids[i];
    v_targets := v_targets || v_uid;
  END LOOP;
  IF v_modseq IS NULL THEN
    RETURN;
  END IF;
  IF v_count > 0 THEN
    PERFORM 1 FROM blobs b
     WHERE b.id IN (SELECT e.blob_id FROM emails e WHERE e.id = ANY (v_created))
     ORDER BY b.id FOR UPDATE;
    UPDATE blobs b SET refcount = b.refcount + r.n, unreferenced_since = NULL
      FROM (SELECT e.blob_id AS id, count(*) AS n FROM emails e
             WHERE e.id = ANY (v_created) GROUP BY e.blob_id) r
     WHERE b.id = r.id;
    UPDATE accounts a
       SET used_bytes = a.used_bytes + v_bytes, used_messages = a.used_messages + v_count
     WHERE a.id = v_account_id;
  END IF;
  PERFORM rm_record_changes(v_account_id, v_modseq, 'email', v_created, 'created');
  PERFORM rm_record_changes(v_account_id, v_modseq, 'email', v_kept, 'updated');
  PERFORM rm_record_changes(v_account_id, v_modseq, 'thread',
                            ARRAY(SELECT DISTINCT t FROM unnest(v_threads) t), 'updated');
  PERFORM rm_record_changes(v_account_id, v_modseq, 'mailbox', ARRAY[p_target], 'updated');
  IF p_move THEN
    PERFORM 1 FROM rm_remove_messages(v_account_id, p_source, v_sources, true, v_modseq);
  END IF;
  RETURN QUERY SELECT x.s, x.t, v_modseq FROM unnest(v_sources, v_targets) x(s, t) ORDER BY x.s;
END $$;
)sql";

}  // namespace ringmail::postgres
