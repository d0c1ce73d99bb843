// Migration 11: a mailbox's index in one read (docs/storage.md, "Reading a mailbox"). Until
// migration 10 the packed entry (pg_index.h) carried UID, flag bits and modseq, and the
// messages with keywords were read again through a partial index: the second read touched a
// heap page per such message and cost about 40 % of the load's server time. Keywords cannot
// ride in the key as text (a message may carry kKeywordsMax keywords of kKeywordMax bytes;
// an index tuple holds about 2.7 kB), so each account numbers its keywords once
// (account_keywords) and the entry carries the numbers: 4 bytes per keyword, at most 128.
//
// keyword_ids is written by a trigger whenever a row's keywords are inserted non-empty or
// change, so the writers (rm_deliver, rm_update_flags, rm_add_email_placements) stay as they
// are and a row without keywords costs nothing more. Numbering takes the account's next
// number; every writer of mailbox_messages holds the account row's lock (the locking rule at
// the top of migrations_functions.cc), so two writers never hand out the same number.
// Numbers are never reused or removed: an account's dictionary only grows, and opening any of
// its mailboxes reads it whole (a few rows for ordinary accounts).
//
// The autovacuum settings: an index-only scan reads the table for every page the visibility
// map does not mark all-visible, which doubles a fresh mailbox's load (bench/README.md);
// PostgreSQL's defaults vacuum after 20 % of the table changed, the whole store's table.
#include "store/postgres/migrations.h"

namespace ringmail::postgres {

const char kKeywordIdsV11[] = R"sql(
CREATE TABLE account_keywords (
  account_id  BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  id          INTEGER NOT NULL CHECK (id > 0),
  name        TEXT NOT NULL,
  PRIMARY KEY (account_id, id),
  UNIQUE (account_id, name)
);
COMMENT ON TABLE account_keywords IS 'The numbers mailbox_messages.keyword_ids stand for, '
  'per account, 1 up, never reused';

ALTER TABLE mailbox_messages ADD COLUMN keyword_ids BYTEA NOT NULL DEFAULT ''
  CHECK (octet_length(keyword_ids) % 4 = 0 AND octet_length(keyword_ids) <= 1020);
COMMENT ON COLUMN mailbox_messages.keyword_ids IS 'keywords as account_keywords numbers, '
  'int4send each, in the order of keywords (written by a trigger)';

-- The numbers of p_keywords (distinct) in p_account_id's dictionary, packed in their order;
-- numbers the keywords it has not seen yet. REQUIRES: the account row is locked.
CREATE FUNCTION rm_keyword_ids(p_account_id bigint, p_keywords text[]) RETURNS bytea
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_ids bytea;
BEGIN
  IF coalesce(cardinality(p_keywords), 0) = 0 THEN
    RETURN ''::bytea;
  END IF;
  INSERT INTO account_keywords (account_id, id, name)
  SELECT p_account_id,
         coalesce((SELECT max(k.id) FROM account_keywords k WHERE k.account_id = p_account_id),
                  0) + row_number() OVER (),
         t.name
    FROM unnest(p_keywords) t(name)
   WHERE NOT EXISTS (SELECT 1 FROM account_keywords k
                      WHERE k.account_id = p_account_id AND k.name = t.name);
  SELECT string_agg(int4send(k.id), ''::bytea ORDER BY t.ord) INTO v_ids
    FROM unnest(p_keywords) WITH ORDINALITY t(name, ord)
    JOIN account_keywords k ON k.account_id = p_account_id AND k.name = t.name;
  RETURN v_ids;
END $$;

CREATE FUNCTION rm_set_keyword_ids() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  NEW.keyword_ids := rm_keyword_ids((SELECT m.account_id FROM mailboxes m
                                      WHERE m.id = NEW.mailbox_id), NEW.keywords);
  RETURN NEW;
END $$;
CREATE TRIGGER mailbox_messages_keyword_ids_insert BEFORE INSERT ON mailbox_messages
  FOR EACH ROW WHEN (NEW.keywords <> '{}') EXECUTE FUNCTION rm_set_keyword_ids();
CREATE TRIGGER mailbox_messages_keyword_ids_update BEFORE UPDATE OF keywords
  ON mailbox_messages
  FOR EACH ROW WHEN (OLD.keywords IS DISTINCT FROM NEW.keywords)
  EXECUTE FUNCTION rm_set_keyword_ids();

-- The rows there are: every account's keywords numbered, every row's numbers written.
INSERT INTO account_keywords (account_id, id, name)
SELECT s.account_id, row_number() OVER (PARTITION BY s.account_id ORDER BY s.name COLLATE "C"),
       s.name
  FROM (SELECT DISTINCT m.account_id, k.name
          FROM mailbox_messages mm JOIN mailboxes m ON m.id = mm.mailbox_id,
               unnest(mm.keywords) k(name)) s;
UPDATE mailbox_messages mm
   SET keyword_ids = (SELECT string_agg(int4send(k.id), ''::bytea ORDER BY t.ord)
                        FROM unnest(mm.keywords) WITH ORDINALITY t(name, ord)
                        JOIN account_keywords k ON k.account_id = m.account_id
                                               AND k.name = t.name)
  FROM mailboxes m
 WHERE m.id = mm.mailbox_id AND mm.keywords <> '{}';

-- The entry with its keyword numbers (pg_index.h): int8send(uid << 16 | keyword count << 8 |
-- flag bits) || int8send(modseq) || keyword_ids.
ALTER TABLE mailbox_messages DROP CONSTRAINT mailbox_messages_pkey;
ALTER TABLE mailbox_messages DROP COLUMN index_entry;
ALTER TABLE mailbox_messages ADD COLUMN index_entry BYTEA GENERATED ALWAYS AS (
    int8send((uid << 16) | ((octet_length(keyword_ids) / 4)::bigint << 8)
             | (seen::int + 2 * answered::int + 4 * flagged::int + 8 * deleted::int
                + 16 * draft::int))
    || int8send(modseq) || keyword_ids) STORED;
ALTER TABLE mailbox_messages
  ADD CONSTRAINT mailbox_messages_pkey PRIMARY KEY (mailbox_id, uid) INCLUDE (index_entry);
DROP INDEX mailbox_messages_keywords;

ALTER TABLE mailbox_messages SET (autovacuum_vacuum_scale_factor = 0.02,
                                  autovacuum_vacuum_insert_scale_factor = 0.02,
                                  autovacuum_analyze_scale_factor = 0.05);
)sql";

}  // namespace ringmail::postgres
