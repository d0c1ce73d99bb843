// Migration 8: JMAP identities, sent submissions and vacation responses (docs/storage.md,
// "Identities, submissions, vacation responses"). jmap_states holds each object type's state
// per account, bumped by every write in the same transaction; vacation_replies remembers
// whom an auto-reply went to, and when. Writes are the functions below, one call each
// (pg_statements.cc); reads are plain SELECTs.
#include "store/postgres/migrations.h"

namespace ringmail::postgres {

const char kSubmissionV8[] = R"sql(
CREATE TABLE jmap_states (
  account_id   BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  object_type  TEXT NOT NULL CHECK (object_type IN ('identity', 'submission', 'vacation')),
  state        BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, object_type)
);
CREATE TABLE identities (
  id              BIGSERIAL PRIMARY KEY,
  account_id      BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name            TEXT NOT NULL DEFAULT '',
  email           TEXT NOT NULL,
  reply_to        TEXT,                      -- JSON EmailAddress[]; NULL: none
  bcc             TEXT,                      -- JSON EmailAddress[]; NULL: none
  text_signature  TEXT NOT NULL DEFAULT '',
  html_signature  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX identities_account ON identities (account_id);
CREATE TABLE email_submissions (
  id           BIGSERIAL PRIMARY KEY,
  account_id   BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  identity_id  BIGINT NOT NULL,
  email_id     BIGINT NOT NULL,
  thread_id    BIGINT NOT NULL,
  envelope     TEXT NOT NULL,                -- JSON Envelope (RFC 8621 §7)
  send_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX email_submissions_account ON email_submissions (account_id, id);
CREATE TABLE vacation_responses (
  account_id  BIGINT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  is_enabled  BOOLEAN NOT NULL DEFAULT false,
  from_date   TIMESTAMPTZ,
  to_date     TIMESTAMPTZ,
  subject     TEXT,
  text_body   TEXT,
  html_body   TEXT
);
CREATE TABLE vacation_replies (
  account_id  BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  sender      TEXT NOT NULL,
  replied_at  TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (account_id, sender)
);

CREATE FUNCTION rm_bump_jmap_state(p_account bigint, p_type text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM accounts WHERE id = p_account FOR SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no account %', p_account USING ERRCODE = 'RM404';
  END IF;
  INSERT INTO jmap_states (account_id, object_type, state) VALUES (p_account, p_type, 1)
    ON CONFLICT (account_id, object_type) DO UPDATE SET state = jmap_states.state + 1;
END $$;

CREATE FUNCTION rm_save_identity(p_account bigint, p_id bigint, p_name text, p_email text,
    p_reply_to text, p_bcc text, p_text text, p_html text, p_max bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_id bigint := p_id;
BEGIN
  PERFORM rm_bump_jmap_state(p_account, 'identity');
  IF p_id = 0 THEN
    IF (SELECT count(*) FROM identities WHERE account_id = p_account) >= p_max THEN
      RAISE EXCEPTION 'too many identities' USING ERRCODE = 'RM413';
    END IF;
    INSERT INTO identities (account_id, name, email, reply_to, bcc, text_signature,
                            html_signature)
      VALUES (p_account, p_name, p_email, p_reply_to, p_bcc, p_text, p_html)
      RETURNING id INTO v_id;
  ELSE
    UPDATE identities SET name = p_name, email = p_email, reply_to = p_reply_to, bcc = p_bcc,
        text_signature = p_text, html_signature = p_html
      WHERE account_id = p_account AND id = p_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no identity %', p_id USING ERRCODE = 'RM404';
    END IF;
  END IF;
  RETURN v_id;
END $$;

CREATE FUNCTION rm_delete_jmap_object(p_account bigint, p_type text, p_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM rm_bump_jmap_state(p_account, p_type);
  IF p_type = 'identity' THEN
    DELETE FROM identities WHERE account_id = p_account AND id = p_id;
  ELSE
    DELETE FROM email_submissions WHERE account_id = p_account AND id = p_id;
  END IF;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no % %', p_type, p_id USING ERRCODE = 'RM404';
  END IF;
END $$;

CREATE FUNCTION rm_create_submission(p_account bigint, p_identity bigint, p_email bigint,
    p_thread bigint, p_envelope text, p_send_at bigint, p_max bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_id bigint;
BEGIN
  PERFORM rm_bump_jmap_state(p_account, 'submission');
  INSERT INTO email_submissions (account_id, identity_id, email_id, thread_id, envelope, send_at)
    VALUES (p_account, p_identity, p_email, p_thread, p_envelope, to_timestamp(p_send_at))
    RETURNING id INTO v_id;
  DELETE FROM email_submissions WHERE account_id = p_account AND id <= (
    SELECT id FROM email_submissions WHERE account_id = p_account
    ORDER BY id DESC LIMIT 1 OFFSET p_max);
  RETURN v_id;
END $$;

CREATE FUNCTION rm_save_vacation(p_account bigint, p_enabled boolean, p_from bigint,
    p_to bigint, p_subject text, p_text text, p_html text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM rm_bump_jmap_state(p_account, 'vacation');
  INSERT INTO vacation_responses (account_id, is_enabled, from_date, to_date, subject,
                                  text_body, html_body)
    VALUES (p_account, p_enabled, to_timestamp(p_from), to_timestamp(p_to), p_subject, p_text,
            p_html)
    ON CONFLICT (account_id) DO UPDATE SET is_enabled = excluded.is_enabled,
      from_date = excluded.from_date, to_date = excluded.to_date, subject = excluded.subject,
      text_body = excluded.text_body, html_body = excluded.html_body;
END $$;

-- true (and `now` recorded) when no reply went to the sender after now - interval.
CREATE FUNCTION rm_claim_vacation_reply(p_account bigint, p_sender text, p_now bigint,
    p_interval bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM accounts WHERE id = p_account;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no account %', p_account USING ERRCODE = 'RM404';
  END IF;
  INSERT INTO vacation_replies (account_id, sender, replied_at)
    VALUES (p_account, p_sender, to_timestamp(p_now))
    ON CONFLICT (account_id, sender) DO UPDATE SET replied_at = excluded.replied_at
      WHERE vacation_replies.replied_at <= to_timestamp(p_now - p_interval);
  RETURN FOUND;
END $$;
)sql";

}  // namespace ringmail::postgres
