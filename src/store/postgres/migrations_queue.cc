// Migration 5: the outbound queue (docs/storage.md, "The outbound queue"; docs/queue.md).
// Version 1's queue tables were a placeholder nothing wrote; they are replaced by plain
// tables a node's queue runner claims recipients from (FOR UPDATE SKIP LOCKED: several
// nodes share the queue), and the functions of the queue's writes that need more than one
// statement (one round trip each): rm_queue_enqueue, rm_queue_record, rm_queue_remove.
//
// A queued message holds one reference on its blob (blobs.refcount), as an email does, and
// its row references the blob (queue_messages.blob_id): the collector never takes a blob
// while a message is queued, and takes it after, like any unreferenced blob. Lock order:
// queue_messages, then blobs (deliveries lock accounts, then blobs): no cycle.
#include "store/postgres/migrations.h"

namespace ringmail::postgres {

const char kQueueV5[] = R"sql(
DROP TABLE queue_recipients;
DROP TABLE queue_messages;

CREATE TABLE queue_messages (
  id               BIGSERIAL PRIMARY KEY,
  sender           TEXT NOT NULL,
  envid            TEXT NOT NULL DEFAULT '',
  ret              TEXT NOT NULL DEFAULT 'HDRS' CHECK (ret IN ('FULL', 'HDRS')),
  smtputf8         BOOLEAN NOT NULL DEFAULT false,
  requiretls       BOOLEAN NOT NULL DEFAULT false,
  authenticated_as TEXT NOT NULL DEFAULT '',
  blob_id          BIGINT NOT NULL REFERENCES blobs(id),
  size             BIGINT NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX queue_messages_blob ON queue_messages (blob_id);
COMMENT ON TABLE queue_messages IS 'Outbound queue: one row per message accepted for remote '
  'recipients; holds one reference on its blob';
COMMENT ON COLUMN queue_messages.sender IS 'MAIL FROM; empty for the null reverse path (bounces)';
COMMENT ON COLUMN queue_messages.envid IS 'DSN ENVID (RFC 3461), as received';
COMMENT ON COLUMN queue_messages.ret IS 'DSN RET: what a bounce carries, FULL message or HDRS';
COMMENT ON COLUMN queue_messages.authenticated_as IS 'the submitting principal, or empty';
COMMENT ON COLUMN queue_messages.expires_at IS 'pending recipients fail (bounce) at this time';

CREATE TABLE queue_recipients (
  message_id       BIGINT NOT NULL REFERENCES queue_messages(id) ON DELETE CASCADE,
  address          TEXT NOT NULL,
  notify           SMALLINT NOT NULL DEFAULT 0,
  orcpt            TEXT NOT NULL DEFAULT '',
  state            TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TIMESTAMPTZ NOT NULL,
  last_reply       TEXT NOT NULL DEFAULT '',
  lease_holder     TEXT NOT NULL DEFAULT '',
  lease_until      TIMESTAMPTZ NOT NULL DEFAULT to_timestamp(0),
  PRIMARY KEY (message_id, address)
);
CREATE INDEX queue_recipients_due ON queue_recipients (next_attempt_at) WHERE state = 'pending';
COMMENT ON TABLE queue_recipients IS 'Outbound queue: each recipient of a queued message';
COMMENT ON COLUMN queue_recipients.notify IS
  'DSN NOTIFY bits: 1 NEVER, 2 SUCCESS, 4 FAILURE, 8 DELAY; 0 not given (failure only)';
COMMENT ON COLUMN queue_recipients.orcpt IS 'DSN ORCPT (type;xtext), as received';
COMMENT ON COLUMN queue_recipients.next_attempt_at IS
  'when a runner may try it next; never after the message expires';
COMMENT ON COLUMN queue_recipients.last_reply IS 'the last attempt''s outcome';
COMMENT ON COLUMN queue_recipients.lease_holder IS
  'the node delivering it (host:pid:random) until lease_until; empty: none';

-- Queues a message: one blob reference (RM423 when the blob is being collected), the message,
-- its recipients pending and due at p_now. Returns the message's id.
CREATE FUNCTION rm_queue_enqueue(p_blob bytea, p_size bigint, p_stored_size bigint,
                                 p_compression text, p_sender text, p_envid text, p_ret text,
                                 p_smtputf8 boolean, p_requiretls boolean,
                                 p_authenticated_as text, p_now bigint, p_expires_at bigint,
                                 p_addresses text[], p_notify integer[], p_orcpts text[])
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v_blob_id bigint;
  v_id bigint;
BEGIN
  INSERT INTO blobs AS b (sha256, size, stored_size, compression, refcount)
  VALUES (p_blob, p_size, p_stored_size, p_compression, 1)
  ON CONFLICT (sha256) DO UPDATE SET refcount = b.refcount + 1, unreferenced_since = NULL
   WHERE b.state = 'live'
  RETURNING b.id INTO v_blob_id;
  IF v_blob_id IS NULL THEN
    RAISE EXCEPTION 'blob % is being collected', encode(p_blob, 'hex') USING ERRCODE = 'RM423';
  END IF;
  INSERT INTO queue_messages (sender, envid, ret, smtputf8, requiretls, authenticated_as,
                              blob_id, size, created_at, expires_at)
  VALUES (p_sender, p_envid, p_ret, p_smtputf8, p_requiretls, p_authenticated_as, v_blob_id,
          p_size, to_timestamp(p_now), to_timestamp(p_expires_at))
  RETURNING id INTO v_id;
  INSERT INTO queue_recipients (message_id, address, notify, orcpt, next_attempt_at)
  SELECT v_id, t.a, t.n, t.o, to_timestamp(p_now)
    FROM unnest(p_addresses, p_notify, p_orcpts) AS t(a, n, o);
  RETURN v_id;
END $$;

-- Deletes a message and drops its blob reference; false when there is no such message.
CREATE FUNCTION rm_queue_delete(p_id bigint) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  v_blob_id bigint;
BEGIN
  DELETE FROM queue_messages WHERE id = p_id RETURNING blob_id INTO v_blob_id;
  IF v_blob_id IS NULL THEN
    RETURN false;
  END IF;
  UPDATE blobs b
     SET refcount = b.refcount - 1,
         unreferenced_since = CASE WHEN b.refcount = 1 THEN date_trunc('second', now())
                                   ELSE b.unreferenced_since END
   WHERE b.id = v_blob_id;
  RETURN true;
END $$;

-- Records an attempt for the recipients of p_id that p_holder leases (parallel arrays:
-- address, new state, reply, next attempt in Unix seconds for 'pending'); frees their lease.
-- The message row is locked first, so that of two nodes recording the last recipients at
-- once, the second sees the first's outcome and removes the message. Returns whether the
-- message left the queue (no recipient pending).
CREATE FUNCTION rm_queue_record(p_holder text, p_id bigint, p_addresses text[],
                                p_states text[], p_replies text[], p_next bigint[])
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  v_expires timestamptz;
BEGIN
  SELECT expires_at INTO v_expires FROM queue_messages WHERE id = p_id FOR UPDATE;
  IF v_expires IS NULL THEN
    RETURN false;
  END IF;
  UPDATE queue_recipients r
     SET state = o.s, attempts = r.attempts + 1, last_reply = o.reply,
         next_attempt_at = CASE WHEN o.s = 'pending' THEN least(to_timestamp(o.n), v_expires)
                                ELSE least(r.next_attempt_at, v_expires) END,
         lease_holder = '', lease_until = to_timestamp(0)
    FROM unnest(p_addresses, p_states, p_replies, p_next) AS o(a, s, reply, n)
   WHERE r.message_id = p_id AND r.address = o.a AND r.lease_holder = p_holder
     AND r.state = 'pending';
  IF EXISTS (SELECT 1 FROM queue_recipients WHERE message_id = p_id AND state = 'pending') THEN
    RETURN false;
  END IF;
  RETURN rm_queue_delete(p_id);
END $$;

-- Removes a message whatever its state (RM404 when there is none).
CREATE FUNCTION rm_queue_remove(p_id bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM queue_messages WHERE id = p_id FOR UPDATE;
  IF NOT rm_queue_delete(p_id) THEN
    RAISE EXCEPTION 'no queued message %', p_id USING ERRCODE = 'RM404';
  END IF;
END $$;
)sql";

}  // namespace ringmail::postgres
