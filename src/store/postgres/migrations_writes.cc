// Migration 12: the hot writes in fewer statements (docs/storage.md, "What a write costs").
// Every statement a PL/pgSQL function runs costs the server an executor start and end
// (0.05-0.17 ms each on a busy 2-CPU machine, pg_stat_statements), whatever it does, and a
// write of a group commit (pg_connection.h) holds the group's transaction open meanwhile. So
// rm_update_flags and rm_deliver keep their contract (migrations_flags.cc,
// migrations_messages.cc, and the rule at the top of migrations_functions.cc) and do the
// same work in fewer statements — a flag change on one message 4 instead of 11 and 6 nested
// calls, a delivery to one mailbox 7 instead of 12 and 3 nested calls: the helper functions
// they called (a nested PL/pgSQL call each) are inlined or skipped when there is nothing for
// them to do, rm_update_flags reads the placement's copy of its email's state instead of
// joining emails and blobs, and the writes after the decision are one statement of
// data-modifying CTEs. Then the rm_try_* forms group commit sends.
#include "store/postgres/migrations.h"

namespace ringmail::postgres {

const char kLeanWritesV12[] = R"sql(
CREATE OR REPLACE FUNCTION rm_update_flags(p_mailbox_id bigint, p_uids bigint[],
                                           p_operation text, p_flags integer,
                                           p_keywords text[], p_unchanged_since bigint)
RETURNS TABLE (uid bigint, conflict boolean, modseq bigint, email_id bigint, thread_id bigint,
               size bigint, received_at bigint, saved_at bigint, flags integer,
               keywords text, sha256 bytea)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_keywords text[] := CASE WHEN cardinality(p_keywords) = 0 THEN '{}'::text[]
                            ELSE rm_keywords(p_keywords) END;
  v_account_id bigint;
  v_modseq bigint;
  v_m record;
  v_any boolean := false;
  -- The emails changed, with their new flags, keywords (space-joined) and unseen change.
  v_emails bigint[] := '{}';
  v_flags integer[] := '{}';
  v_keyword_lists text[] := '{}';
  v_unseen_deltas integer[] := '{}';
BEGIN
  IF p_operation IS NULL OR p_operation NOT IN ('replace', 'add', 'remove') THEN
    RAISE EXCEPTION 'invalid flag operation ''%''', p_operation USING ERRCODE = 'RM400';
  END IF;
  -- The mailbox's account, locked. Whether the mailbox still exists after the wait is known
  -- from its messages (they go with it), and asked only when none was found.
  SELECT a.id INTO v_account_id FROM accounts a
   WHERE a.id = (SELECT m.account_id FROM mailboxes m WHERE m.id = p_mailbox_id)
     FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no mailbox %', p_mailbox_id USING ERRCODE = 'RM404';
  END IF;
  FOR v_m IN
    SELECT s.*,
           CASE p_operation WHEN 'replace' THEN p_flags
                            WHEN 'add' THEN s.old_flags | p_flags
                            ELSE s.old_flags & ~p_flags END AS new_flags,
           CASE WHEN p_operation = 'replace' THEN v_keywords
                WHEN cardinality(v_keywords) = 0 THEN s.old_keywords
                WHEN p_operation = 'add' THEN rm_keywords(s.old_keywords || v_keywords)
                ELSE rm_keywords(ARRAY(SELECT k FROM unnest(s.old_keywords) k
                                        WHERE k <> ALL (v_keywords))) END AS new_keywords
      FROM (SELECT mm.uid AS m_uid, mm.modseq AS m_modseq, mm.email_id AS m_email_id,
                   mm.thread_id AS m_thread_id, mm.size AS m_size,
                   rm_unix(mm.received_at) AS m_received_at, rm_unix(mm.saved_at) AS m_saved_at,
                   rm_flag_bits(mm.seen, mm.answered, mm.flagged, mm.deleted, mm.draft)
                     AS old_flags,
                   mm.keywords AS old_keywords, mm.sha256 AS m_sha256,
                   -- 2 and up: the email is in this mailbox under an earlier UID of the call
                   row_number() OVER (PARTITION BY mm.email_id ORDER BY mm.uid) AS nth
              FROM mailbox_messages mm
             WHERE mm.mailbox_id = p_mailbox_id AND mm.uid = ANY (p_uids)) s
     ORDER BY s.m_uid
  LOOP
    v_any := true;
    IF p_unchanged_since IS NOT NULL AND v_m.m_modseq > p_unchanged_since THEN
      uid := v_m.m_uid;
      conflict := true;
      RETURN NEXT;
      CONTINUE;
    END IF;
    CONTINUE WHEN v_m.new_flags = v_m.old_flags AND v_m.new_keywords = v_m.old_keywords;
    IF v_m.nth > 1 THEN
      -- As in migration 1: changed under its earlier UID already.
      IF p_unchanged_since IS NOT NULL AND v_modseq > p_unchanged_since THEN
        uid := v_m.m_uid;
        conflict := true;
        RETURN NEXT;
      END IF;
      CONTINUE;
    END IF;
    IF v_modseq IS NULL THEN
      UPDATE accounts a SET highest_modseq = a.highest_modseq + 1 WHERE a.id = v_account_id
      RETURNING a.highest_modseq INTO v_modseq;
    END IF;
    v_emails := array_append(v_emails, v_m.m_email_id);
    v_flags := array_append(v_flags, v_m.new_flags);
    v_keyword_lists := array_append(v_keyword_lists, array_to_string(v_m.new_keywords, ' '));
    v_unseen_deltas := array_append(v_unseen_deltas, (v_m.old_flags & 1) - (v_m.new_flags & 1));
    uid := v_m.m_uid;
    conflict := false;
    modseq := v_modseq;
    email_id := v_m.m_email_id;
    thread_id := v_m.m_thread_id;
    size := v_m.m_size;
    received_at := v_m.m_received_at;
    saved_at := v_m.m_saved_at;
    flags := v_m.new_flags;
    keywords := array_to_string(v_m.new_keywords, ' ');
    sha256 := v_m.m_sha256;
    RETURN NEXT;
    -- A conflict row after this one must not carry this row's columns.
    uid := NULL; modseq := NULL; email_id := NULL; thread_id := NULL; size := NULL;
    received_at := NULL; saved_at := NULL; flags := NULL; keywords := NULL; sha256 := NULL;
  END LOOP;
  IF NOT v_any AND NOT EXISTS (SELECT 1 FROM mailboxes m WHERE m.id = p_mailbox_id) THEN
    RAISE EXCEPTION 'no mailbox %', p_mailbox_id USING ERRCODE = 'RM404';
  END IF;
  IF v_modseq IS NULL THEN
    RETURN;
  END IF;

  -- The emails, every placement of them, the mailboxes holding them (unseen counts are part
  -- of a JMAP Mailbox: 'updated' where one changed), and the changes rows.
  WITH c AS (
    SELECT * FROM unnest(v_emails, v_flags, v_keyword_lists, v_unseen_deltas) c(id, f, k, delta)
  ), e AS (
    UPDATE emails e
       SET seen = (c.f & 1) <> 0, answered = (c.f & 2) <> 0, flagged = (c.f & 4) <> 0,
           deleted = (c.f & 8) <> 0, draft = (c.f & 16) <> 0,
           keywords = string_to_array(c.k, ' ')
      FROM c WHERE e.id = c.id
  ), p AS (
    UPDATE mailbox_messages mm
       SET modseq = v_modseq, seen = (c.f & 1) <> 0, answered = (c.f & 2) <> 0,
           flagged = (c.f & 4) <> 0, deleted = (c.f & 8) <> 0, draft = (c.f & 16) <> 0,
           keywords = string_to_array(c.k, ' ')
      FROM c WHERE mm.email_id = c.id
    RETURNING mm.mailbox_id, c.delta
  ), d AS (
    SELECT p.mailbox_id, sum(p.delta) AS delta, bool_or(p.delta <> 0) AS unseen_changed
      FROM p GROUP BY p.mailbox_id
  ), m AS (
    UPDATE mailboxes m SET highest_modseq = v_modseq, unseen_count = m.unseen_count + d.delta
      FROM d WHERE m.id = d.mailbox_id
  )
  INSERT INTO changes AS ch (account_id, modseq, object_type, object_id, change)
  SELECT v_account_id, v_modseq, 'email', c.id, 'updated' FROM c
  UNION ALL
  SELECT v_account_id, v_modseq, 'mailbox', d.mailbox_id, 'updated' FROM d WHERE d.unseen_changed
  -- (By constraint: the OUT parameter modseq would make a column list ambiguous.)
  ON CONFLICT ON CONSTRAINT changes_pkey
  DO UPDATE SET change = rm_merged_change(ch.change, excluded.change);
END $$;

-- Targets are handled per account as in migration 1; a target's mailbox row, its placement and
-- its changes rows are one statement, and the quota check is the account update's condition.
CREATE OR REPLACE FUNCTION rm_deliver(p_blob bytea, p_size bigint, p_stored_size bigint,
                                      p_compression text, p_received_at bigint,
                                      p_message_id text, p_subject text, p_from_display text,
                                      p_sent_at bigint, p_preview text, p_envelope text,
                                      p_bodystructure text, p_enforce_quota boolean,
                                      p_mailbox_ids bigint[], p_flags integer[],
                                      p_keywords text[])
RETURNS TABLE (mailbox_id bigint, account_id bigint, email_id bigint, uid bigint,
               modseq bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_n integer := coalesce(cardinality(p_mailbox_ids), 0);
  v_accounts bigint[];  -- per target
  v_missing integer;
  v_blob_id bigint;
  v_target record;
  v_account_id bigint;
  v_modseq bigint;
  v_email_id bigint;
  v_seen boolean;
  v_keywords text[];
  v_next bigint;  -- the UID the mailbox handed out, NULL when it is gone
  v_uid bigint;   -- the placement's, NULL when the UID space is exhausted
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
  -- After the lock: a mailbox may be gone.
  v_accounts := ARRAY(SELECT m.account_id
                        FROM unnest(p_mailbox_ids) WITH ORDINALITY t(id, ord)
                        LEFT JOIN mailboxes m ON m.id = t.id
                       ORDER BY t.ord);
  v_missing := array_position(v_accounts, NULL);
  IF v_missing IS NOT NULL THEN
    RAISE EXCEPTION 'no mailbox %', p_mailbox_ids[v_missing] USING ERRCODE = 'RM404';
  END IF;

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
      v_keywords := CASE WHEN btrim(v_target.keywords) = '' THEN '{}'::text[]
                         ELSE rm_keywords(string_to_array(v_target.keywords, ' ')) END;
      UPDATE accounts a
         SET used_bytes = a.used_bytes + p_size, used_messages = a.used_messages + 1,
             highest_modseq = a.highest_modseq + 1
       WHERE a.id = v_account_id
         AND NOT (p_enforce_quota
                  AND ((a.quota_bytes > 0 AND a.used_bytes + p_size > a.quota_bytes)
                       OR (a.quota_messages > 0 AND a.used_messages + 1 > a.quota_messages)))
      RETURNING a.highest_modseq INTO v_modseq;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'account % is over its quota', v_account_id USING ERRCODE = 'RM413';
      END IF;
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
    -- The mailbox's next UID, the placement with the email's state, and the changes: the
    -- email and its thread created (with the account's first target), the mailbox updated.
    WITH u AS (
      UPDATE mailboxes m
         SET uid_next = m.uid_next + 1, highest_modseq = v_modseq,
             message_count = m.message_count + 1,
             unseen_count = m.unseen_count + CASE WHEN v_seen THEN 0 ELSE 1 END,
             total_bytes = m.total_bytes + p_size
       WHERE m.id = v_target.mailbox_id
      RETURNING m.uid_next - 1 AS new_uid
    ), placed AS (
      INSERT INTO mailbox_messages AS mm (mailbox_id, uid, email_id, modseq, saved_at,
                                          thread_id, size, received_at, seen, answered,
                                          flagged, deleted, draft, keywords, sha256)
      SELECT v_target.mailbox_id, u.new_uid, v_email_id, v_modseq, date_trunc('second', now()),
             v_email_id, p_size, to_timestamp(p_received_at), v_seen,
             (v_target.flags & 2) <> 0, (v_target.flags & 4) <> 0, (v_target.flags & 8) <> 0,
             (v_target.flags & 16) <> 0, v_keywords, p_blob
        FROM u WHERE u.new_uid < 4294967295
      RETURNING mm.uid
    ), changed AS (
      INSERT INTO changes (account_id, modseq, object_type, object_id, change)
      SELECT v_account_id, v_modseq, c.object_type, c.object_id, c.change
        FROM (VALUES ('email', v_email_id, 'created', true),
                     ('thread', v_email_id, 'created', true),
                     ('mailbox', v_target.mailbox_id, 'updated', false)) c(object_type,
                                                                          object_id, change,
                                                                          per_email)
       WHERE NOT c.per_email OR v_target.ord = v_target.first
    )
    SELECT (SELECT u.new_uid FROM u), (SELECT p.uid FROM placed p) INTO v_next, v_uid;
    IF v_next IS NULL THEN
      RAISE EXCEPTION 'no mailbox %', v_target.mailbox_id USING ERRCODE = 'RM404';
    END IF;
    IF v_uid IS NULL THEN
      RAISE EXCEPTION 'mailbox UID space exhausted' USING ERRCODE = 'RM413';
    END IF;
    v_out_uid[v_target.ord] := v_uid;
    v_out_email[v_target.ord] := v_email_id;
    v_out_modseq[v_target.ord] := v_modseq;
  END LOOP;
  FOR i IN 1 .. v_n LOOP  -- in target order
    mailbox_id := p_mailbox_ids[i];
    account_id := v_accounts[i];
    email_id := v_out_email[i];
    uid := v_out_uid[i];
    modseq := v_out_modseq[i];
    RETURN NEXT;
  END LOOP;
END $$;

-- Group commit's forms of the four writes it groups (pg_connection.h): the same call, with
-- its error caught (its effects undone, as by a savepoint: PL/pgSQL runs an EXCEPTION block
-- in a subtransaction) and returned as the last two columns of one row, NULL elsewhere. So a
-- write that fails leaves its group's transaction going, with no savepoint statements and no
-- Sync of its own around it. The inner function runs to its end before RETURN QUERY reads its
-- rows, so a failed call has added none.
CREATE FUNCTION rm_try_update_flags(p_mailbox_id bigint, p_uids bigint[], p_operation text,
                                    p_flags integer, p_keywords text[],
                                    p_unchanged_since bigint)
RETURNS TABLE (uid bigint, conflict boolean, modseq bigint, email_id bigint, thread_id bigint,
               size bigint, received_at bigint, saved_at bigint, flags integer,
               keywords text, sha256 bytea, error_state text, error_message text)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RETURN QUERY SELECT r.*, NULL::text, NULL::text
                 FROM rm_update_flags(p_mailbox_id, p_uids, p_operation, p_flags, p_keywords,
                                      p_unchanged_since) r;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS error_state = RETURNED_SQLSTATE, error_message = MESSAGE_TEXT;
  RETURN NEXT;
END $$;

CREATE FUNCTION rm_try_deliver(p_blob bytea, p_size bigint, p_stored_size bigint,
                               p_compression text, p_received_at bigint, p_message_id text,
                               p_subject text, p_from_display text, p_sent_at bigint,
                               p_preview text, p_envelope text, p_bodystructure text,
                               p_enforce_quota boolean, p_mailbox_ids bigint[],
                               p_flags integer[], p_keywords text[])
RETURNS TABLE (mailbox_id bigint, account_id bigint, email_id bigint, uid bigint,
               modseq bigint, error_state text, error_message text)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RETURN QUERY SELECT r.*, NULL::text, NULL::text
                 FROM rm_deliver(p_blob, p_size, p_stored_size, p_compression, p_received_at,
                                 p_message_id, p_subject, p_from_display, p_sent_at,
                                 p_preview, p_envelope, p_bodystructure, p_enforce_quota,
                                 p_mailbox_ids, p_flags, p_keywords) r;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS error_state = RETURNED_SQLSTATE, error_message = MESSAGE_TEXT;
  RETURN NEXT;
END $$;

CREATE FUNCTION rm_try_expunge(p_mailbox_id bigint, p_uids bigint[])
RETURNS TABLE (uid bigint, error_state text, error_message text)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RETURN QUERY SELECT r.u, NULL::text, NULL::text FROM rm_expunge(p_mailbox_id, p_uids) r(u);
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS error_state = RETURNED_SQLSTATE, error_message = MESSAGE_TEXT;
  RETURN NEXT;
END $$;

CREATE FUNCTION rm_try_add_email_placements(p_account_id bigint, p_email_id bigint,
                                            p_mailbox_ids bigint[])
RETURNS TABLE (mailbox_id bigint, uid bigint, modseq bigint, error_state text,
               error_message text)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RETURN QUERY SELECT r.*, NULL::text, NULL::text
                 FROM rm_add_email_placements(p_account_id, p_email_id, p_mailbox_ids) r;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS error_state = RETURNED_SQLSTATE, error_message = MESSAGE_TEXT;
  RETURN NEXT;
END $$;
)sql";

}  // namespace ringmail::postgres
