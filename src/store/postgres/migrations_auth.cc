// Migration 9: account roles and API keys (docs/directory.md, "Roles" and "API keys";
// docs/storage.md). The unused `is_admin` column of version 1 becomes `role`. A key row keeps
// the SHA-256 of the key's secret, never the key.
#include "store/postgres/migrations.h"

namespace ringmail::postgres {

const char kAuthV9[] = R"sql(
ALTER TABLE accounts ADD COLUMN role text NOT NULL DEFAULT 'user'
  CHECK (role IN ('user', 'admin'));
UPDATE accounts SET role = 'admin' WHERE is_admin;
ALTER TABLE accounts DROP COLUMN is_admin;

CREATE TABLE api_keys (
  id             bigserial PRIMARY KEY,
  account_id     bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name           text NOT NULL,
  key_id         text NOT NULL UNIQUE,
  secret_sha256  text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz,
  last_used_at   timestamptz,
  UNIQUE (account_id, name)
);

-- Adds a key to the account named p_account; returns its id and creation time. RM404 an
-- unknown account, RM409 a name the account uses (or a key id taken), RM413 past p_max keys.
CREATE FUNCTION rm_create_api_key(p_account text, p_name text, p_key_id text, p_hash text,
                                  p_expires_at bigint, p_max integer)
RETURNS TABLE (key_row_id bigint, key_created_at bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_account_id bigint;
BEGIN
  SELECT a.id INTO v_account_id FROM accounts a WHERE a.name = p_account FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no account ''%''', p_account USING ERRCODE = 'RM404';
  END IF;
  IF (SELECT count(*) FROM api_keys k WHERE k.account_id = v_account_id) >= p_max THEN
    RAISE EXCEPTION 'account ''%'' has % API keys already', p_account, p_max
      USING ERRCODE = 'RM413';
  END IF;
  BEGIN
    RETURN QUERY
      INSERT INTO api_keys AS k (account_id, name, key_id, secret_sha256, expires_at)
      VALUES (v_account_id, p_name, p_key_id, p_hash,
              CASE WHEN p_expires_at IS NULL THEN NULL ELSE to_timestamp(p_expires_at) END)
      RETURNING k.id, rm_unix(k.created_at);
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'account ''%'' has a key called ''%'' already', p_account, p_name
      USING ERRCODE = 'RM409';
  END;
END $$;
)sql";

}  // namespace ringmail::postgres
