// Migration 14 (docs/storage.md, "Identities, submissions, vacation responses" and
// "Modification sequences"): a submission keeps its outbound queue message's id and the
// states of its creation and last change (EmailSubmission/changes), jmap_states the state of
// the last submission destroyed (a trigger); rm_create_submission takes the queue id.
// And \Deleted as JMAP sees it: a trigger records an email (and its thread) as destroyed when
// it gets \Deleted and created when it loses it, in the flag change's own `changes` rows
// (rm_record_changes merges: 'destroyed' over 'created' over 'updated'), and its mailbox as
// updated (totalEmails counts only visible emails).
#include "store/postgres/migrations.h"

namespace ringmail::postgres {

const char kSubmissionQueueV14[] = R"sql(
ALTER TABLE email_submissions ADD COLUMN queue_id BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN created_state BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN updated_state BIGINT NOT NULL DEFAULT 0;
CREATE INDEX email_submissions_queue ON email_submissions (queue_id) WHERE queue_id <> 0;
ALTER TABLE jmap_states ADD COLUMN destroyed_state BIGINT NOT NULL DEFAULT 0;
UPDATE jmap_states SET destroyed_state = state WHERE object_type = 'submission';

-- The account's submission state after a bump in this transaction.
CREATE FUNCTION rm_bumped_submission_state(p_account bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_state bigint;
BEGIN
  PERFORM rm_bump_jmap_state(p_account, 'submission');
  SELECT state INTO v_state FROM jmap_states
   WHERE account_id = p_account AND object_type = 'submission';
  RETURN v_state;
END $$;

DROP FUNCTION rm_create_submission(bigint, bigint, bigint, bigint, text, bigint, bigint);
CREATE FUNCTION rm_create_submission(p_account bigint, p_identity bigint, p_email bigint,
    p_thread bigint, p_envelope text, p_send_at bigint, p_max bigint, p_queue bigint)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_id bigint;
  v_state bigint := rm_bumped_submission_state(p_account);
BEGIN
  INSERT INTO email_submissions (account_id, identity_id, email_id, thread_id, envelope, send_at,
                                 queue_id, created_state, updated_state)
    VALUES (p_account, p_identity, p_email, p_thread, p_envelope, to_timestamp(p_send_at),
            p_queue, v_state, v_state)
    RETURNING id INTO v_id;
  DELETE FROM email_submissions WHERE account_id = p_account AND id <= (
    SELECT id FROM email_submissions WHERE account_id = p_account
    ORDER BY id DESC LIMIT 1 OFFSET p_max);
  RETURN v_id;
END $$;

-- Every write bumps the state before it deletes (rm_delete_jmap_object, the trim of
-- rm_create_submission): the state of the destruction.
CREATE FUNCTION rm_submission_destroyed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE jmap_states SET destroyed_state = state
   WHERE account_id = OLD.account_id AND object_type = 'submission';
  RETURN NULL;
END $$;
CREATE TRIGGER email_submissions_destroyed AFTER DELETE ON email_submissions
  FOR EACH ROW EXECUTE FUNCTION rm_submission_destroyed();

-- Replaces the envelope column if it still holds p_expected; false otherwise. The state is
-- bumped first (jmap_states, then the row: the lock order of the other writes).
CREATE FUNCTION rm_update_submission(p_account bigint, p_id bigint, p_expected text,
    p_envelope text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  v_state bigint := rm_bumped_submission_state(p_account);
BEGIN
  UPDATE email_submissions SET envelope = p_envelope, updated_state = v_state
   WHERE account_id = p_account AND id = p_id AND envelope = p_expected;
  RETURN FOUND;
END $$;

CREATE FUNCTION rm_jmap_visibility() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_account bigint;
  v_change text := CASE WHEN NEW.deleted THEN 'destroyed' ELSE 'created' END;
BEGIN
  SELECT account_id INTO v_account FROM mailboxes WHERE id = NEW.mailbox_id;
  PERFORM rm_record_changes(v_account, NEW.modseq, 'email', ARRAY[NEW.email_id], v_change);
  PERFORM rm_record_changes(v_account, NEW.modseq, 'thread', ARRAY[NEW.thread_id], v_change);
  PERFORM rm_record_changes(v_account, NEW.modseq, 'mailbox', ARRAY[NEW.mailbox_id], 'updated');
  RETURN NULL;
END $$;
CREATE TRIGGER mailbox_messages_jmap_visibility AFTER UPDATE OF deleted ON mailbox_messages
  FOR EACH ROW WHEN (OLD.deleted IS DISTINCT FROM NEW.deleted)
  EXECUTE FUNCTION rm_jmap_visibility();
)sql";

}  // namespace ringmail::postgres
