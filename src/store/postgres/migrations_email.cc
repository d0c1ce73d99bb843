// Migration 6: JMAP Email placements (MetadataStore::AddEmailPlacements): an email of an
// account placed in more of its mailboxes, the same email (flags, thread, blob) under a new
// UID in each.
#include "store/postgres/migrations.h"

namespace ringmail::postgres {

const char kEmailPlacementsV6[] = R"sql(
-- Places p_email_id in each of p_mailbox_ids that does not hold it; one modseq for the call.
-- RM404 when the email or a mailbox is not p_account_id's (nothing changes).
CREATE FUNCTION rm_add_email_placements(p_account_id bigint, p_email_id bigint,
                                        p_mailbox_ids bigint[])
RETURNS TABLE (mailbox_id bigint, uid bigint, modseq bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_email record;
  v_mailbox_id bigint;
  v_modseq bigint;
  v_uid bigint;
BEGIN
  PERFORM rm_lock_account(p_account_id);
  SELECT e.id, e.size, e.seen, b.sha256 INTO v_email
    FROM emails e JOIN blobs b ON b.id = e.blob_id
   WHERE e.id = p_email_id AND e.account_id = p_account_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no email %', p_email_id USING ERRCODE = 'RM404';
  END IF;
  IF EXISTS (SELECT 1 FROM unnest(p_mailbox_ids) t(id)
              WHERE NOT EXISTS (SELECT 1 FROM mailboxes m
                                 WHERE m.id = t.id AND m.account_id = p_account_id)) THEN
    RAISE EXCEPTION 'no such mailbox' USING ERRCODE = 'RM404';
  END IF;
  FOR v_mailbox_id IN
    SELECT DISTINCT t.id FROM unnest(p_mailbox_ids) t(id)
     WHERE NOT EXISTS (SELECT 1 FROM mailbox_messages mm
                        WHERE mm.mailbox_id = t.id AND mm.email_id = p_email_id)
     ORDER BY t.id
  LOOP
    IF v_modseq IS NULL THEN
      v_modseq := rm_take_modseq(p_account_id);
    END IF;
    UPDATE mailboxes m
       SET uid_next = m.uid_next + 1, highest_modseq = v_modseq,
           message_count = m.message_count + 1,
           unseen_count = m.unseen_count + CASE WHEN v_email.seen THEN 0 ELSE 1 END,
           total_bytes = m.total_bytes + v_email.size
     WHERE m.id = v_mailbox_id
    RETURNING m.uid_next - 1 INTO v_uid;
    IF v_uid >= 4294967295 THEN
      RAISE EXCEPTION 'mailbox UID space exhausted' USING ERRCODE = 'RM413';
    END IF;
    INSERT INTO mailbox_messages (mailbox_id, uid, email_id, modseq, saved_at, thread_id, size,
                                  received_at, seen, answered, flagged, deleted, draft,
                                  keywords, sha256)
    SELECT v_mailbox_id, v_uid, e.id, v_modseq, date_trunc('second', now()), e.thread_id,
           e.size, e.received_at, e.seen, e.answered, e.flagged, e.deleted, e.draft, e.keywords,
           v_email.sha256
      FROM emails e WHERE e.id = p_email_id;
    PERFORM rm_record_changes(p_account_id, v_modseq, 'mailbox', ARRAY[v_mailbox_id], 'updated');
    PERFORM rm_record_changes(p_account_id, v_modseq, 'email', ARRAY[p_email_id], 'updated');
    mailbox_id := v_mailbox_id;
    uid := v_uid;
    modseq := v_modseq;
    RETURN NEXT;
  END LOOP;
END $$;
)sql";

}  // namespace ringmail::postgres
