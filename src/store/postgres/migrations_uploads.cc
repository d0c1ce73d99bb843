// Migration 7: JMAP blob uploads (docs/storage.md "Blob uploads"): which account uploaded
// which blob, until when. A live upload keeps its blob from the collector (the marking
// below skips it); expired uploads' rows are deleted by the marking, and a blob's rows go
// with its blobs row.
#include "store/postgres/migrations.h"

namespace ringmail::postgres {

const char kBlobUploadsV7[] = R"sql(
CREATE TABLE blob_uploads (
  account_id  BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  blob_id     BIGINT NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
  type        TEXT NOT NULL DEFAULT '',
  size        BIGINT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at  TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (account_id, blob_id)
);
CREATE INDEX blob_uploads_blob ON blob_uploads (blob_id);
CREATE INDEX blob_uploads_expires ON blob_uploads (expires_at);
COMMENT ON TABLE blob_uploads IS 'JMAP uploads: the account may read the blob until '
  'expires_at, and the collector keeps it until then';

-- Records an upload: the account locked first (the lock order of every write), then the
-- blob's row, created unreferenced when missing, locked by the upsert; RM423 when it is
-- being collected, RM404 when there is no such account. An unreferenced row's
-- unreferenced_since moves to now: a marking that read the row before this commits re-checks
-- that condition on the new version (it locks the row FOR UPDATE) and leaves it.
CREATE FUNCTION rm_record_upload(p_account_id bigint, p_blob bytea, p_size bigint,
                                 p_stored_size bigint, p_compression text, p_type text,
                                 p_expires_at bigint)
RETURNS void LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_blob_id bigint;
BEGIN
  IF NOT rm_lock_account(p_account_id) THEN
    RAISE EXCEPTION 'no account %', p_account_id USING ERRCODE = 'RM404';
  END IF;
  INSERT INTO blobs AS b (sha256, size, stored_size, compression, refcount, unreferenced_since)
  VALUES (p_blob, p_size, p_stored_size, p_compression, 0, date_trunc('second', now()))
  ON CONFLICT (sha256) DO UPDATE
     SET unreferenced_since = CASE WHEN b.refcount = 0 THEN date_trunc('second', now())
                                   ELSE b.unreferenced_since END
   WHERE b.state = 'live'
  RETURNING b.id INTO v_blob_id;
  IF v_blob_id IS NULL THEN
    RAISE EXCEPTION 'blob % is being collected', encode(p_blob, 'hex') USING ERRCODE = 'RM423';
  END IF;
  INSERT INTO blob_uploads AS u (account_id, blob_id, type, size, expires_at)
  VALUES (p_account_id, v_blob_id, p_type, p_size, to_timestamp(p_expires_at))
  ON CONFLICT (account_id, blob_id) DO UPDATE
     SET type = excluded.type, expires_at = greatest(u.expires_at, excluded.expires_at);
END $$;

-- As migration 1's, and: a live upload is a reference; expired uploads' rows go first.
CREATE OR REPLACE FUNCTION rm_mark_blobs_for_deletion(p_unreferenced_before bigint,
                                                      p_max integer)
RETURNS SETOF bytea
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  DELETE FROM blob_uploads u WHERE u.expires_at <= now();
  RETURN QUERY
  WITH picked AS (
    SELECT b.id FROM blobs b
     WHERE b.refcount = 0
       AND (b.state = 'deleting' OR
            (b.unreferenced_since <= to_timestamp(p_unreferenced_before) AND
             NOT EXISTS (SELECT 1 FROM blob_uploads u WHERE u.blob_id = b.id)))
     ORDER BY b.unreferenced_since, b.id
     LIMIT p_max
       FOR UPDATE SKIP LOCKED
  ), marked AS (
    UPDATE blobs b SET state = 'deleting' FROM picked p WHERE b.id = p.id
    RETURNING b.sha256, b.unreferenced_since, b.id
  )
  SELECT k.sha256 FROM marked k ORDER BY k.unreferenced_since, k.id;
END $$;
)sql";

}  // namespace ringmail::postgres
