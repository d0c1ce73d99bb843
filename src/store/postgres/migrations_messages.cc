// Migration 1, part 4: removing messages (shared by expunge and mailbox deletion) and
// delivering them. The contract and the locking rule are at the top of
// migrations_functions.cc.
#include "store/postgres/migrations.h"

namespace ringmail::postgres {

extern const char kMessageFunctionsV1[] = R"sql(
-- The one path by which messages leave a mailbox (SQLite's RemoveMessages): removes the
-- placements p_uids (absent ones skipped) and keeps the mailbox's counters and
-- highest_modseq, the emails (deleted with their last placement), the blobs' refcounts
-- (unreferenced_since set at 0) and the account's usage in step, with their changes rows.
-- Takes the operation's modseq unless given one, and only when something is removed; returns
-- it (NULL when nothing was) and the removed UIDs, ascending. REQUIRES: the account is locked.
CREATE FUNCTION rm_remove_messages(p_account_id bigint, p_mailbox_id bigint, p_uids bigint[],
                                   p_record_expunged boolean, INOUT p_modseq bigint,
                                   OUT p_removed bigint[])
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_emails bigint[];   -- distinct emails that lost a placement
  v_count bigint;
  v_unseen bigint;
  v_bytes bigint;
  v_blobs bigint[];    -- one entry per email gone
  v_threads bigint[];  -- distinct threads of the emails gone
  v_gone bigint;
  v_gone_bytes bigint;
BEGIN
  WITH removed AS (
    DELETE FROM mailbox_messages mm
     WHERE mm.mailbox_id = p_mailbox_id AND mm.uid = ANY (p_uids)
    RETURNING mm.uid, mm.email_id
  )
  SELECT coalesce(array_agg(r.uid ORDER BY r.uid), '{}'), array_agg(DISTINCT r.email_id),
         count(*), count(*) FILTER (WHERE NOT e.seen), coalesce(sum(e.size), 0)
    INTO p_removed, v_emails, v_count, v_unseen, v_bytes
    FROM removed r JOIN emails e ON e.id = r.email_id;
  IF v_count = 0 THEN
    RETURN;
  END IF;
  IF p_modseq IS NULL THEN
    p_modseq := rm_take_modseq(p_account_id);
  END IF;
  IF p_record_expunged THEN
    INSERT INTO expunged AS x (mailbox_id, uid, modseq)
    SELECT p_mailbox_id, u, p_modseq FROM unnest(p_removed) u
    ON CONFLICT (mailbox_id, uid) DO UPDATE SET modseq = excluded.modseq;
  END IF;
  UPDATE mailboxes m
     SET message_count = m.message_count - v_count, unseen_count = m.unseen_count - v_unseen,
         total_bytes = m.total_bytes - v_bytes, highest_modseq = p_modseq
   WHERE m.id = p_mailbox_id;

  WITH gone AS (
    DELETE FROM emails e
     WHERE e.id = ANY (v_emails)
       AND NOT EXISTS (SELECT 1 FROM mailbox_messages mm WHERE mm.email_id = e.id)
    RETURNING e.blob_id, e.size, e.thread_id
  )
  SELECT array_agg(g.blob_id), array_agg(DISTINCT g.thread_id), count(*),
         coalesce(sum(g.size), 0)
    INTO v_blobs, v_threads, v_gone, v_gone_bytes
    FROM gone g;
  IF v_gone > 0 THEN
    PERFORM 1 FROM blobs b WHERE b.id = ANY (v_blobs) ORDER BY b.id FOR UPDATE;
    UPDATE blobs b
       SET refcount = b.refcount - r.n,
           unreferenced_since = CASE WHEN b.refcount = r.n THEN date_trunc('second', now())
                                     ELSE b.unreferenced_since END
      FROM (SELECT id, count(*) AS n FROM unnest(v_blobs) id GROUP BY id) r
     WHERE b.id = r.id;
    UPDATE accounts a
       SET used_bytes = a.used_bytes - v_gone_bytes, used_messages = a.used_messages - v_gone
     WHERE a.id = p_account_id;
  END IF;

  INSERT INTO changes AS c (account_id, modseq, object_type, object_id, change)
  SELECT p_account_id, p_modseq, 'email', x.id,
         CASE WHEN EXISTS (SELECT 1 FROM emails e WHERE e.id = x.id) THEN 'updated'
              ELSE 'destroyed' END
    FROM unnest(v_emails) x(id)
  UNION ALL
  SELECT p_account_id, p_modseq, 'thread', t.id,
         CASE WHEN EXISTS (SELECT 1 FROM emails e
                            WHERE e.account_id = p_account_id AND e.thread_id = t.id)
              THEN 'updated' ELSE 'destroyed' END
    FROM unnest(v_threads) t(id)
  UNION ALL
  SELECT p_account_id, p_modseq, 'mailbox', p_mailbox_id, 'updated'
  ON CONFLICT (account_id, modseq, object_type, object_id)
  DO UPDATE SET change = rm_merged_change(c.change, excluded.change);
END $$;

-- Each target mailbox's account, in target order; RM404 for the first that does not exist.
CREATE FUNCTION rm_target_accounts(p_mailbox_ids bigint[]) RETURNS bigint[]
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_accounts bigint[];
  v_missing integer;
BEGIN
  v_accounts := ARRAY(SELECT m.account_id
                        FROM unnest(p_mailbox_ids) WITH ORDINALITY t(id, ord)
                        LEFT JOIN mailboxes m ON m.id = t.id
                       ORDER BY t.ord);
  v_missing := array_position(v_accounts, NULL);
  IF v_missing IS NOT NULL THEN
    RAISE EXCEPTION 'no mailbox %', p_mailbox_ids[v_missing] USING ERRCODE = 'RM404';
  END IF;
  RETURN v_accounts;
END $$;

-- Delivers one message to p_mailbox_ids (distinct; may span accounts), with per target its
-- flags bitmask and its keywords space-joined. One email per account reached, with the union
-- of that account's targets' flags; one blob reference per email; UIDs from each mailbox's
-- uid_next; one modseq per account. Rows in target order. RM404 unknown mailbox, RM423 blob
-- being collected, RM413 over quota (unless p_enforce_quota is false) or UID space exhausted.
CREATE FUNCTION rm_deliver(p_blob bytea, p_size bigint, p_stored_size bigint,
                           p_compression text, p_received_at bigint, p_message_id text,
                           p_subject text, p_from_display text, p_sent_at bigint,
                           p_preview text, p_envelope text, p_bodystructure text,
                           p_enforce_quota boolean, p_mailbox_ids bigint[], p_flags integer[],
                           p_keywords text[])
RETURNS TABLE (mailbox_id bigint, account_id bigint, email_id bigint, uid bigint,
               modseq bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_n integer := coalesce(cardinality(p_mailbox_ids), 0);
  v_accounts bigint[];  -- per target
  v_blob_id bigint;
  v_target record;
  v_account_id bigint;
  v_modseq bigint;
  v_email_id bigint;
  v_seen boolean;
  v_keywords text[];
  v_uid bigint;
  v_out_email bigint[] := array_fill(NULL::bigint, ARRAY[v_n]);
  v_out_uid bigint[] := array_fill(NULL::bigint, ARRAY[v_n]);
  v_out_modseq bigint[] := array_fill(NULL::bigint, ARRAY[v_n]);
BEGIN
  IF v_n = 0 OR cardinality(p_flags) <> v_n OR cardinality(p_keywords) <> v_n THEN
    RAISE EXCEPTION 'a delivery needs 1 to 1000 targets, each with flags and keywords'
      USING ERRCODE = 'RM400';
  END IF;
  PERFORM 1 FROM accounts a
   WHERE a.id IN (SELECT m.account_id FROM mailboxes m WHERE m.id = ANY (p_mailbox_ids))
   ORDER BY a.id FOR UPDATE;
  v_accounts := rm_target_accounts(p_mailbox_ids);  -- after the lock: a mailbox may be gone

  -- One reference per account reached; a row being collected refuses (RM423).
  INSERT INTO blobs AS b (sha256, size, stored_size, compression, refcount)
  VALUES (p_blob, p_size, p_stored_size, p_compression,
          (SELECT count(DISTINCT a) FROM unnest(v_accounts) a))
  ON CONFLICT (sha256) DO UPDATE
     SET refcount = b.refcount + excluded.refcount, unreferenced_since = NULL
   WHERE b.state = 'live'
  RETURNING b.id INTO v_blob_id;
  IF v_blob_id IS NULL THEN
    RAISE EXCEPTION 'blob % is being collected', encode(p_blob, 'hex') USING ERRCODE = 'RM423';
  END IF;

  -- Accounts in the order they first appear, each account's targets in target order.
  FOR v_target IN
    SELECT t.ord, t.mailbox_id, t.account_id,
           bit_or(t.flags) OVER w AS flags, string_agg(t.keywords, ' ') OVER w AS keywords,
           min(t.ord) OVER w AS first
      FROM unnest(p_mailbox_ids, v_accounts, p_flags, p_keywords)
           WITH ORDINALITY t(mailbox_id, account_id, flags, keywords, ord)
    WINDOW w AS (PARTITION BY t.account_id)
     ORDER BY first, t.ord
  LOOP
    IF v_target.account_id IS DISTINCT FROM v_account_id THEN
      v_account_id := v_target.account_id;
      v_seen := (v_target.flags & 1) <> 0;
      v_keywords := rm_keywords(string_to_array(v_target.keywords, ' '));
      IF p_enforce_quota AND EXISTS (
          SELECT 1 FROM accounts a WHERE a.id = v_account_id
             AND ((a.quota_bytes > 0 AND a.used_bytes + p_size > a.quota_bytes)
                  OR (a.quota_messages > 0 AND a.used_messages + 1 > a.quota_messages))) THEN
        RAISE EXCEPTION 'account % is over its quota', v_account_id USING ERRCODE = 'RM413';
      END IF;
      UPDATE accounts a
         SET used_bytes = a.used_bytes + p_size, used_messages = a.used_messages + 1,
             highest_modseq = a.highest_modseq + 1
       WHERE a.id = v_account_id RETURNING a.highest_modseq INTO v_modseq;
      -- Every new email starts its own thread (thread_id: the thread's first email).
      v_email_id := nextval(pg_get_serial_sequence('emails', 'id'));
      INSERT INTO emails (id, account_id, blob_id, size, received_at, thread_id, seen, answered,
                          flagged, deleted, draft, keywords, message_id, subject, from_display,
                          sent_at, preview, envelope, bodystructure)
      VALUES (v_email_id, v_account_id, v_blob_id, p_size, to_timestamp(p_received_at),
              v_email_id, v_seen, (v_target.flags & 2) <> 0, (v_target.flags & 4) <> 0,
              (v_target.flags & 8) <> 0, (v_target.flags & 16) <> 0, v_keywords,
              p_message_id, p_subject, p_from_display, to_timestamp(p_sent_at), p_preview,
              p_envelope, p_bodystructure);
    END IF;
    UPDATE mailboxes m
       SET uid_next = m.uid_next + 1, highest_modseq = v_modseq,
           message_count = m.message_count + 1,
           unseen_count = m.unseen_count + CASE WHEN v_seen THEN 0 ELSE 1 END,
           total_bytes = m.total_bytes + p_size
     WHERE m.id = v_target.mailbox_id
    RETURNING m.uid_next - 1 INTO v_uid;
    IF v_uid >= 4294967295 THEN
      RAISE EXCEPTION 'mailbox UID space exhausted' USING ERRCODE = 'RM413';
    END IF;
    INSERT INTO mailbox_messages (mailbox_id, uid, email_id, modseq, saved_at, thread_id, size,
                                  received_at, seen, answered, flagged, deleted, draft,
                                  keywords, sha256)
    SELECT v_target.mailbox_id, v_uid, e.id, v_modseq, date_trunc('second', now()), e.thread_id,
           e.size, e.received_at, e.seen, e.answered, e.flagged, e.deleted, e.draft, e.keywords,
           p_blob
      FROM emails e WHERE e.id = v_email_id;
    v_out_email[v_target.ord] := v_email_id;
    v_out_uid[v_target.ord] := v_uid;
    v_out_modseq[v_target.ord] := v_modseq;
  END LOOP;
  -- The changes, all at once: each email and its thread created, each mailbox updated (the
  -- modseqs are new, so there is nothing to merge with).
  INSERT INTO changes (account_id, modseq, object_type, object_id, change)
  SELECT DISTINCT t.account_id, t.modseq, o.object_type, t.email_id, 'created'
    FROM unnest(v_accounts, v_out_modseq, v_out_email) t(account_id, modseq, email_id),
         (VALUES ('email'), ('thread')) o(object_type)
  UNION ALL
  SELECT DISTINCT t.account_id, t.modseq, 'mailbox', t.mailbox_id, 'updated'
    FROM unnest(v_accounts, v_out_modseq, p_mailbox_ids) t(account_id, modseq, mailbox_id);
  RETURN QUERY
  SELECT t.mailbox_id, t.account_id, t.email_id, t.uid, t.modseq
    FROM unnest(p_mailbox_ids, v_accounts, v_out_email, v_out_uid, v_out_modseq)
         WITH ORDINALITY t(mailbox_id, account_id, email_id, uid, modseq, ord)
   ORDER BY t.ord;
END $$;
)sql";

}  // namespace ringmail::postgres
