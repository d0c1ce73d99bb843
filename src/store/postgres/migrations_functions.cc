// Migration 1, parts 2 and 3: the support functions, and the functions for domains,
// accounts, mailboxes and blob collection. Messages are in migrations_messages.cc (removal,
// delivery) and migrations_flags.cc (flags, expunge).
//
// The contract with the C++ side (store/postgres/pg_statements.cc). Every MetadataStore write
// is one call of one rm_* function below, with exactly the semantics of the SQLite backend
// (store/sqlite/) and docs/storage.md. Input is validated in C++ first (metadata_rules.h):
// the functions assume normalised mailbox names, special_use '' or a valid value, UIDs
// sorted and distinct, delivery targets distinct mailboxes, keywords valid, sorted and
// distinct. Flags travel as a bitmask (1 seen, 2 answered, 4 flagged, 8 deleted, 16 draft),
// times as Unix seconds. Errors are raised with their own SQLSTATE, the message as SQLite's:
//   RM404 not found  RM409 already exists  RM400 invalid argument
//   RM413 limit exceeded (quota, UID space, uid_validity space)
//   RM423 busy (the blob is being collected: store it again after the collector is done)
//
// Concurrency: every write locks the accounts rows it touches first, in ascending id order,
// and only then mailboxes, emails and blobs (blobs in ascending id order when it takes
// several). So writes to one account are serialised (no duplicate UIDs, strictly increasing
// modseqs, a flag change and an expunge never interleave) and lock orders never cross: no
// deadlocks. A function given only a mailbox reads its account, locks it, and reads the
// mailbox again (it may be gone by then). The collector's functions lock blobs rows only
// (SKIP LOCKED when marking). Times written by these functions are whole seconds, as in
// SQLite.
//
// LoadMailbox (a plain SELECT in C++, store/postgres/pg_statements.cc) reads
// mailbox_messages alone, in primary-key order: each placement carries a copy of its email's
// IMAP-visible state, which rm_deliver and rm_update_flags write with the email.
#include "store/postgres/migrations.h"

namespace ringmail::postgres {

// Small pieces the rm_* functions share. Internal: not part of the contract, except that
// rm_unix and rm_flag_bits may be used by the C++ side's SELECTs.
extern const char kSupportFunctionsV1[] = R"sql(
-- Unix seconds (truncated, as SQLite's strftime('%s')). STABLE like extract(), so that
-- queries inline it.
CREATE FUNCTION rm_unix(t timestamptz) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
RETURN floor(extract(epoch FROM t))::bigint;

CREATE FUNCTION rm_flag_bits(seen boolean, answered boolean, flagged boolean, deleted boolean,
                             draft boolean) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN seen::int + 2 * answered::int + 4 * flagged::int + 8 * deleted::int + 16 * draft::int;

-- Keywords as stored: distinct, sorted by byte (as C++ sorts std::string), no empty ones.
-- (PL/pgSQL rather than SQL here and below: PL/pgSQL keeps its plans for the session, a SQL
-- function that cannot be inlined is planned again at every call.)
CREATE FUNCTION rm_keywords(p_keywords text[]) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN ARRAY(SELECT DISTINCT k COLLATE "C" FROM unnest(p_keywords) k WHERE k <> '' ORDER BY 1);
END $$;

-- One operation changing an object twice leaves one changes row: 'destroyed' wins over
-- 'created', which wins over 'updated'.
CREATE FUNCTION rm_merged_change(old text, new text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN old = 'destroyed' OR new = 'destroyed' THEN 'destroyed'
            WHEN old = 'created' OR new = 'created' THEN 'created'
            ELSE 'updated' END;

CREATE FUNCTION rm_record_changes(p_account_id bigint, p_modseq bigint, p_object_type text,
                                  p_object_ids bigint[], p_change text) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  INSERT INTO changes AS c (account_id, modseq, object_type, object_id, change)
  SELECT p_account_id, p_modseq, p_object_type, o, p_change FROM unnest(p_object_ids) o
  ON CONFLICT (account_id, modseq, object_type, object_id)
  DO UPDATE SET change = rm_merged_change(c.change, excluded.change);
END $$;

-- The account's next modseq. REQUIRES: the account row is locked by this transaction, and
-- this operation has not taken one in the account yet (one modseq per operation).
CREATE FUNCTION rm_take_modseq(p_account_id bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_modseq bigint;
BEGIN
  UPDATE accounts a SET highest_modseq = a.highest_modseq + 1 WHERE a.id = p_account_id
  RETURNING a.highest_modseq INTO v_modseq;
  RETURN v_modseq;
END $$;

-- Locks the account row; false when there is no such account.
CREATE FUNCTION rm_lock_account(p_account_id bigint) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM 1 FROM accounts a WHERE a.id = p_account_id FOR UPDATE;
  RETURN FOUND;
END $$;

-- Locks the account of a mailbox and returns its id; RM404 when the mailbox does not exist
-- (before or after the wait for the lock).
CREATE FUNCTION rm_lock_mailbox_account(p_mailbox_id bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_account_id bigint;
BEGIN
  SELECT m.account_id INTO v_account_id FROM mailboxes m WHERE m.id = p_mailbox_id;
  IF FOUND THEN
    PERFORM rm_lock_account(v_account_id);
    PERFORM 1 FROM mailboxes m WHERE m.id = p_mailbox_id;
  END IF;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no mailbox %', p_mailbox_id USING ERRCODE = 'RM404';
  END IF;
  RETURN v_account_id;
END $$;

-- Inserts a mailbox with a fresh uid_validity, max(account's last + 1, now): time-based, so a
-- database rebuilt from scratch does not hand a client one it has cached, and strictly
-- increasing per account, so never repeated. Records its creation at p_modseq.
-- REQUIRES: the account row is locked; p_modseq taken in it by this operation.
CREATE FUNCTION rm_insert_mailbox(p_account_id bigint, p_name text, p_special_use text,
                                  p_modseq bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_uid_validity bigint;
  v_id bigint;
BEGIN
  IF EXISTS (SELECT 1 FROM mailboxes m WHERE m.account_id = p_account_id AND m.name = p_name)
  THEN
    RAISE EXCEPTION 'mailbox ''%'' exists', p_name USING ERRCODE = 'RM409';
  END IF;
  UPDATE accounts a SET last_uid_validity = greatest(a.last_uid_validity + 1, rm_unix(now()))
   WHERE a.id = p_account_id RETURNING a.last_uid_validity INTO v_uid_validity;
  IF v_uid_validity > 4294967295 THEN
    RAISE EXCEPTION 'uid_validity space exhausted' USING ERRCODE = 'RM413';
  END IF;
  INSERT INTO mailboxes AS m (account_id, name, special_use, uid_validity, highest_modseq)
  VALUES (p_account_id, p_name, NULLIF(p_special_use, ''), v_uid_validity, p_modseq)
  ON CONFLICT (account_id, name) DO NOTHING
  RETURNING m.id INTO v_id;
  IF v_id IS NULL THEN
    RAISE EXCEPTION 'mailbox ''%'' exists', p_name USING ERRCODE = 'RM409';
  END IF;
  PERFORM rm_record_changes(p_account_id, p_modseq, 'mailbox', ARRAY[v_id], 'created');
  RETURN v_id;
END $$;
)sql";

// Domains, accounts, mailboxes, blob collection.
extern const char kMailboxFunctionsV1[] = R"sql(
CREATE FUNCTION rm_create_domain(p_name text) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_id bigint;
BEGIN
  INSERT INTO domains AS d (name) VALUES (p_name) ON CONFLICT (name) DO NOTHING
  RETURNING d.id INTO v_id;
  IF v_id IS NULL THEN
    RAISE EXCEPTION 'domain ''%'' exists', p_name USING ERRCODE = 'RM409';
  END IF;
  RETURN v_id;
END $$;

-- The account with INBOX, Drafts, Sent, Junk, Trash and Archive, all created at its first
-- modseq. secret '' is stored as NULL (cannot log in) and returned as ''.
CREATE FUNCTION rm_create_account(p_name text, p_type text, p_secret text, p_active boolean,
                                  p_quota_bytes bigint)
RETURNS TABLE (id bigint, name text, type text, secret text, active boolean,
               quota_bytes bigint, used_bytes bigint, used_messages bigint,
               highest_modseq bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_id bigint;
  v_modseq bigint;
BEGIN
  INSERT INTO accounts AS a (name, type, secret, active, quota_bytes)
  VALUES (p_name, p_type, NULLIF(p_secret, ''), p_active, p_quota_bytes)
  ON CONFLICT ON CONSTRAINT accounts_name_key DO NOTHING
  RETURNING a.id INTO v_id;
  IF v_id IS NULL THEN
    RAISE EXCEPTION 'account ''%'' exists', p_name USING ERRCODE = 'RM409';
  END IF;
  v_modseq := rm_take_modseq(v_id);
  PERFORM rm_insert_mailbox(v_id, 'INBOX', '', v_modseq);
  PERFORM rm_insert_mailbox(v_id, 'Drafts', '\Drafts', v_modseq);
  PERFORM rm_insert_mailbox(v_id, 'Sent', '\Sent', v_modseq);
  PERFORM rm_insert_mailbox(v_id, 'Junk', '\Junk', v_modseq);
  PERFORM rm_insert_mailbox(v_id, 'Trash', '\Trash', v_modseq);
  PERFORM rm_insert_mailbox(v_id, 'Archive', '\Archive', v_modseq);
  RETURN QUERY
  SELECT a.id, a.name, a.type, coalesce(a.secret, ''), a.active, a.quota_bytes, a.used_bytes,
         a.used_messages, a.highest_modseq
    FROM accounts a WHERE a.id = v_id;
END $$;

-- RM404 unknown account, RM409 name taken, RM413 uid_validity space exhausted.
CREATE FUNCTION rm_create_mailbox(p_account_id bigint, p_name text, p_special_use text)
RETURNS TABLE (id bigint, account_id bigint, name text, special_use text, subscribed boolean,
               uid_validity bigint, uid_next bigint, highest_modseq bigint,
               message_count bigint, unseen_count bigint, total_bytes bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_id bigint;
BEGIN
  IF NOT rm_lock_account(p_account_id) THEN
    RAISE EXCEPTION 'no account %', p_account_id USING ERRCODE = 'RM404';
  END IF;
  v_id := rm_insert_mailbox(p_account_id, p_name, p_special_use, rm_take_modseq(p_account_id));
  RETURN QUERY
  SELECT m.id, m.account_id, m.name, coalesce(m.special_use, ''), m.subscribed, m.uid_validity,
         m.uid_next, m.highest_modseq, m.message_count, m.unseen_count, m.total_bytes
    FROM mailboxes m WHERE m.id = v_id;
END $$;

-- Renames the mailbox and every mailbox below it ('a/b' follows 'a'), one at a time in byte
-- order of their names like SQLite, each recorded as 'updated'; uid_validity and
-- highest_modseq stay. RM404 when the mailbox is not the account's; RM400 for INBOX, for a
-- move below itself, and for a name that grows past 1024 bytes; RM409 for a name taken.
CREATE FUNCTION rm_rename_mailbox(p_account_id bigint, p_mailbox_id bigint, p_new_name text)
RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_old text;
  v_modseq bigint;
  v_moving record;
BEGIN
  PERFORM rm_lock_account(p_account_id);
  SELECT m.name INTO v_old FROM mailboxes m
   WHERE m.id = p_mailbox_id AND m.account_id = p_account_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no mailbox %', p_mailbox_id USING ERRCODE = 'RM404';
  END IF;
  IF v_old = 'INBOX' THEN
    RAISE EXCEPTION 'INBOX is not renamed (move its messages)' USING ERRCODE = 'RM400';
  END IF;
  IF p_new_name = v_old THEN
    RETURN;
  END IF;
  IF starts_with(p_new_name, v_old || '/') THEN
    RAISE EXCEPTION 'a mailbox cannot move below itself' USING ERRCODE = 'RM400';
  END IF;
  v_modseq := rm_take_modseq(p_account_id);
  FOR v_moving IN
    SELECT m.id, p_new_name || substr(m.name, length(v_old) + 1) AS name
      FROM mailboxes m
     WHERE m.account_id = p_account_id AND (m.name = v_old OR starts_with(m.name, v_old || '/'))
     ORDER BY m.name COLLATE "C"
  LOOP
    IF octet_length(v_moving.name) > 1024 THEN
      RAISE EXCEPTION 'mailbox name too long after rename' USING ERRCODE = 'RM400';
    END IF;
    IF EXISTS (SELECT 1 FROM mailboxes m
                WHERE m.account_id = p_account_id AND m.name = v_moving.name) THEN
      RAISE EXCEPTION 'mailbox ''%'' exists', v_moving.name USING ERRCODE = 'RM409';
    END IF;
    UPDATE mailboxes m SET name = v_moving.name WHERE m.id = v_moving.id;
    PERFORM rm_record_changes(p_account_id, v_modseq, 'mailbox', ARRAY[v_moving.id], 'updated');
  END LOOP;
EXCEPTION
  WHEN unique_violation THEN
    RAISE EXCEPTION 'mailbox ''%'' exists', v_moving.name USING ERRCODE = 'RM409';
END $$;

-- Deletes the mailbox with its messages, removed like an expunge (counters, emails, blob
-- references, usage, changes) but without expunged rows: they would go with the mailbox.
-- RM404 when the mailbox is not the account's, RM400 for INBOX.
CREATE FUNCTION rm_delete_mailbox(p_account_id bigint, p_mailbox_id bigint) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_name text;
  v_modseq bigint;
BEGIN
  PERFORM rm_lock_account(p_account_id);
  SELECT m.name INTO v_name FROM mailboxes m
   WHERE m.id = p_mailbox_id AND m.account_id = p_account_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no mailbox %', p_mailbox_id USING ERRCODE = 'RM404';
  END IF;
  IF v_name = 'INBOX' THEN
    RAISE EXCEPTION 'INBOX is not deleted' USING ERRCODE = 'RM400';
  END IF;
  SELECT r.p_modseq INTO v_modseq
    FROM rm_remove_messages(p_account_id, p_mailbox_id,
                            ARRAY(SELECT mm.uid FROM mailbox_messages mm
                                   WHERE mm.mailbox_id = p_mailbox_id ORDER BY mm.uid),
                            false, NULL) r;
  IF v_modseq IS NULL THEN
    v_modseq := rm_take_modseq(p_account_id);
  END IF;
  DELETE FROM mailboxes m WHERE m.id = p_mailbox_id;
  PERFORM rm_record_changes(p_account_id, v_modseq, 'mailbox', ARRAY[p_mailbox_id], 'destroyed');
END $$;

-- Marks up to p_max blobs unreferenced since p_unreferenced_before (Unix seconds) or earlier
-- as 'deleting' and returns their keys, oldest first. Rows already 'deleting' are a pass
-- that did not finish: handed out again. Rows locked by a delivery are skipped.
CREATE FUNCTION rm_mark_blobs_for_deletion(p_unreferenced_before bigint, p_max integer)
RETURNS SETOF bytea
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RETURN QUERY
  WITH picked AS (
    SELECT b.id FROM blobs b
     WHERE b.refcount = 0
       AND (b.state = 'deleting' OR b.unreferenced_since <= to_timestamp(p_unreferenced_before))
     ORDER BY b.unreferenced_since, b.id
     LIMIT p_max
       FOR UPDATE SKIP LOCKED
  ), marked AS (
    UPDATE blobs b SET state = 'deleting' FROM picked p WHERE b.id = p.id
    RETURNING b.sha256, b.unreferenced_since, b.id
  )
  SELECT k.sha256 FROM marked k ORDER BY k.unreferenced_since, k.id;
END $$;

-- Deletes the rows of these blobs that are still 'deleting' (their objects are gone).
CREATE FUNCTION rm_forget_blobs(p_keys bytea[]) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  DELETE FROM blobs b WHERE b.sha256 = ANY (p_keys) AND b.state = 'deleting';
END $$;
)sql";

}  // namespace ringmail::postgres
