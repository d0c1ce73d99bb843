// Migration 1, part 5: flags, expunge, and the expunged UIDs (QRESYNC). The contract and the
// locking rule are at the top of migrations_functions.cc.
#include "store/postgres/migrations.h"

namespace ringmail::postgres {

extern const char kFlagFunctionsV1[] = R"sql(
-- Applies p_operation ('replace' | 'add' | 'remove') with p_flags (bitmask) and p_keywords to
-- the messages p_uids of the mailbox, in UID order. A UID not in the mailbox is skipped; one
-- whose modseq is above p_unchanged_since (when not NULL) gives a row with conflict = true
-- and nothing else; one whose flags do not change gives no row. Every change shares one new
-- modseq, taken only if something changes. Flags belong to the email: every placement of a
-- changed email gets the modseq, every mailbox holding it its unseen count and
-- highest_modseq. Returns the changed messages as they are now. RM404 unknown mailbox.
CREATE FUNCTION rm_update_flags(p_mailbox_id bigint, p_uids bigint[], p_operation text,
                                p_flags integer, p_keywords text[], p_unchanged_since bigint)
RETURNS TABLE (uid bigint, conflict boolean, modseq bigint, email_id bigint, thread_id bigint,
               size bigint, received_at bigint, saved_at bigint, flags integer,
               keywords text, sha256 bytea)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_keywords text[] := rm_keywords(p_keywords);
  v_account_id bigint;
  v_modseq bigint;
  v_m record;
  -- The emails changed, with their new flags, keywords (space-joined) and unseen change.
  v_emails bigint[] := '{}';
  v_flags integer[] := '{}';
  v_keyword_lists text[] := '{}';
  v_unseen_deltas integer[] := '{}';
BEGIN
  IF p_operation IS NULL OR p_operation NOT IN ('replace', 'add', 'remove') THEN
    RAISE EXCEPTION 'invalid flag operation ''%''', p_operation USING ERRCODE = 'RM400';
  END IF;
  v_account_id := rm_lock_mailbox_account(p_mailbox_id);
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
                   e.thread_id AS m_thread_id, e.size AS m_size,
                   rm_unix(e.received_at) AS m_received_at, rm_unix(mm.saved_at) AS m_saved_at,
                   rm_flag_bits(e.seen, e.answered, e.flagged, e.deleted, e.draft) AS old_flags,
                   e.keywords AS old_keywords, b.sha256 AS m_sha256,
                   -- 2 and up: the email is in this mailbox under an earlier UID of the call
                   row_number() OVER (PARTITION BY mm.email_id ORDER BY mm.uid) AS nth
              FROM mailbox_messages mm
              JOIN emails e ON e.id = mm.email_id
              JOIN blobs b ON b.id = e.blob_id
             WHERE mm.mailbox_id = p_mailbox_id AND mm.uid = ANY (p_uids)) s
     ORDER BY s.m_uid
  LOOP
    IF p_unchanged_since IS NOT NULL AND v_m.m_modseq > p_unchanged_since THEN
      uid := v_m.m_uid;
      conflict := true;
      RETURN NEXT;
      CONTINUE;
    END IF;
    CONTINUE WHEN v_m.new_flags = v_m.old_flags AND v_m.new_keywords = v_m.old_keywords;
    IF v_m.nth > 1 THEN
      -- Changed under its earlier UID already: as in SQLite, which handles the UIDs one by
      -- one, this UID now sees its flags set at the new modseq, a conflict if that is above
      -- p_unchanged_since, else nothing to change.
      IF p_unchanged_since IS NOT NULL AND v_modseq > p_unchanged_since THEN
        uid := v_m.m_uid;
        conflict := true;
        RETURN NEXT;
      END IF;
      CONTINUE;
    END IF;
    IF v_modseq IS NULL THEN
      v_modseq := rm_take_modseq(v_account_id);
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
  IF v_modseq IS NULL THEN
    RETURN;
  END IF;

  UPDATE emails e
     SET seen = (c.f & 1) <> 0, answered = (c.f & 2) <> 0, flagged = (c.f & 4) <> 0,
         deleted = (c.f & 8) <> 0, draft = (c.f & 16) <> 0, keywords = string_to_array(c.k, ' ')
    FROM unnest(v_emails, v_flags, v_keyword_lists) c(id, f, k)
   WHERE e.id = c.id;
  UPDATE mailboxes m SET highest_modseq = v_modseq, unseen_count = m.unseen_count + d.delta
    FROM (SELECT mm.mailbox_id AS id, sum(c.delta) AS delta
            FROM unnest(v_emails, v_unseen_deltas) c(id, delta)
            JOIN mailbox_messages mm ON mm.email_id = c.id
           GROUP BY mm.mailbox_id) d
   WHERE m.id = d.id;
  UPDATE mailbox_messages mm
     SET modseq = v_modseq, seen = (c.f & 1) <> 0, answered = (c.f & 2) <> 0,
         flagged = (c.f & 4) <> 0, deleted = (c.f & 8) <> 0, draft = (c.f & 16) <> 0,
         keywords = string_to_array(c.k, ' ')
    FROM unnest(v_emails, v_flags, v_keyword_lists) c(id, f, k) WHERE mm.email_id = c.id;
  PERFORM rm_record_changes(v_account_id, v_modseq, 'email', v_emails, 'updated');
  -- Unread counts are part of a JMAP Mailbox.
  PERFORM rm_record_changes(v_account_id, v_modseq, 'mailbox',
                            ARRAY(SELECT DISTINCT mm.mailbox_id
                                    FROM unnest(v_emails, v_unseen_deltas) c(id, delta)
                                    JOIN mailbox_messages mm ON mm.email_id = c.id
                                   WHERE c.delta <> 0),
                            'updated');
END $$;

-- Removes the messages p_uids (absent ones skipped) and returns the UIDs removed, ascending;
-- each gets an expunged row at the operation's modseq. RM404 unknown mailbox.
CREATE FUNCTION rm_expunge(p_mailbox_id bigint, p_uids bigint[]) RETURNS SETOF bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_account_id bigint;
  v_removed bigint[];
BEGIN
  v_account_id := rm_lock_mailbox_account(p_mailbox_id);
  SELECT r.p_removed INTO v_removed
    FROM rm_remove_messages(v_account_id, p_mailbox_id, p_uids, true, NULL) r;
  RETURN QUERY SELECT x.u FROM unnest(v_removed) WITH ORDINALITY x(u, ord) ORDER BY x.ord;
END $$;

-- UIDs expunged from the mailbox with a modseq above p_modseq, ascending (QRESYNC).
-- RM404 unknown mailbox. Reads only.
CREATE FUNCTION rm_expunged_since(p_mailbox_id bigint, p_modseq bigint) RETURNS SETOF bigint
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM mailboxes m WHERE m.id = p_mailbox_id) THEN
    RAISE EXCEPTION 'no mailbox %', p_mailbox_id USING ERRCODE = 'RM404';
  END IF;
  RETURN QUERY SELECT x.uid FROM expunged x
                WHERE x.mailbox_id = p_mailbox_id AND x.modseq > p_modseq ORDER BY x.uid;
END $$;
)sql";

}  // namespace ringmail::postgres
