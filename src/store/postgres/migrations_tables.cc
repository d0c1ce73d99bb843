// Migration 1, part 1: docs/storage.md's tables in PostgreSQL's own types.
#include "store/postgres/migrations.h"

namespace ringmail::postgres {

// As docs/storage.md "Tables (PostgreSQL)", with two differences: emails.keywords is a TEXT[]
// (sorted by byte, distinct) instead of SQLite's space-separated TEXT, and the index
// emails_blob.
extern const char kTablesV1[] = R"sql(
CREATE TABLE schema_migrations (
  version     INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
COMMENT ON TABLE schema_migrations IS 'Applied migrations; the highest version is the schema''s';

CREATE TABLE domains (
  id         BIGSERIAL PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
COMMENT ON TABLE domains IS 'Mail domains, lower-case A-label (punycode) form';

CREATE TABLE accounts (
  id                 BIGSERIAL PRIMARY KEY,
  name               TEXT NOT NULL UNIQUE,
  type               TEXT NOT NULL DEFAULT 'individual'
                     CHECK (type IN ('individual', 'group', 'list')),
  secret             TEXT,
  description        TEXT NOT NULL DEFAULT '',
  active             BOOLEAN NOT NULL DEFAULT true,
  is_admin           BOOLEAN NOT NULL DEFAULT false,
  quota_bytes        BIGINT NOT NULL DEFAULT 0,
  quota_messages     BIGINT NOT NULL DEFAULT 0,
  used_bytes         BIGINT NOT NULL DEFAULT 0,
  used_messages      BIGINT NOT NULL DEFAULT 0,
  highest_modseq     BIGINT NOT NULL DEFAULT 0,
  last_uid_validity  BIGINT NOT NULL DEFAULT 0,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
COMMENT ON TABLE accounts IS 'Login accounts; secret NULL: cannot log in; quotas 0: unlimited; '
  'every write locks its accounts rows first, in id order';

CREATE TABLE addresses (
  id          BIGSERIAL PRIMARY KEY,
  account_id  BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  domain_id   BIGINT NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
  local_part  TEXT NOT NULL,
  display     TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('primary', 'alias', 'list')),
  UNIQUE (domain_id, local_part)
);
COMMENT ON TABLE addresses IS 'Where mail for an address goes; local_part lower-cased, the '
  'empty one is the catch-all';

CREATE TABLE group_members (
  group_id   BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  member_id  BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, member_id)
);

CREATE TABLE mailboxes (
  id              BIGSERIAL PRIMARY KEY,
  account_id      BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  special_use     TEXT CHECK (special_use IN ('\Drafts', '\Sent', '\Junk', '\Trash',
                                              '\Archive', '\All', '\Flagged')),
  subscribed      BOOLEAN NOT NULL DEFAULT true,
  uid_validity    BIGINT NOT NULL,
  uid_next        BIGINT NOT NULL DEFAULT 1,
  highest_modseq  BIGINT NOT NULL DEFAULT 0,
  message_count   BIGINT NOT NULL DEFAULT 0,
  unseen_count    BIGINT NOT NULL DEFAULT 0,
  total_bytes     BIGINT NOT NULL DEFAULT 0,
  sort_order      INTEGER NOT NULL DEFAULT 0,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (account_id, name)
);
COMMENT ON TABLE mailboxes IS 'IMAP mailboxes / JMAP Mailboxes; name is the full '
  '''/''-separated path; counters kept with mailbox_messages';

CREATE TABLE blobs (
  id                  BIGSERIAL PRIMARY KEY,
  sha256              BYTEA NOT NULL UNIQUE,
  size                BIGINT NOT NULL,
  stored_size         BIGINT NOT NULL,
  compression         TEXT NOT NULL DEFAULT 'none' CHECK (compression IN ('none', 'zstd')),
  refcount            BIGINT NOT NULL DEFAULT 0,
  state               TEXT NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'deleting')),
  unreferenced_since  TIMESTAMPTZ,
  created_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX blobs_collectable ON blobs (unreferenced_since) WHERE refcount = 0;
COMMENT ON TABLE blobs IS 'Message objects in the blob store (key: hex sha256); refcount '
  'counts emails rows';

CREATE TABLE emails (
  id            BIGSERIAL PRIMARY KEY,
  account_id    BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  blob_id       BIGINT NOT NULL REFERENCES blobs(id),
  size          BIGINT NOT NULL,
  received_at   TIMESTAMPTZ NOT NULL,
  thread_id     BIGINT NOT NULL,
  seen          BOOLEAN NOT NULL DEFAULT false,
  answered      BOOLEAN NOT NULL DEFAULT false,
  flagged       BOOLEAN NOT NULL DEFAULT false,
  deleted       BOOLEAN NOT NULL DEFAULT false,
  draft         BOOLEAN NOT NULL DEFAULT false,
  keywords      TEXT[] NOT NULL DEFAULT '{}',
  message_id    TEXT NOT NULL DEFAULT '',
  subject       TEXT NOT NULL DEFAULT '',
  from_display  TEXT NOT NULL DEFAULT '',
  sent_at       TIMESTAMPTZ,
  preview       TEXT NOT NULL DEFAULT '',
  envelope      TEXT NOT NULL DEFAULT '',
  bodystructure TEXT NOT NULL DEFAULT ''
);
CREATE INDEX emails_account ON emails (account_id, received_at);
CREATE INDEX emails_thread ON emails (account_id, thread_id);
CREATE INDEX emails_message_id ON emails (account_id, message_id);
-- Not in docs/storage.md yet: without it, deleting a blobs row (rm_forget_blobs) scans the
-- whole emails table for the foreign key check.
CREATE INDEX emails_blob ON emails (blob_id);
COMMENT ON TABLE emails IS 'Stored messages of an account (JMAP Emails); flags live here, '
  'shared by all placements; keywords sorted by byte, distinct';

CREATE TABLE mailbox_messages (
  mailbox_id  BIGINT NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  uid         BIGINT NOT NULL,
  email_id    BIGINT NOT NULL REFERENCES emails(id) ON DELETE CASCADE,
  modseq      BIGINT NOT NULL,
  saved_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- A copy of the email's IMAP-visible state, written in the same transaction as the email,
  -- so that opening a mailbox reads this table alone (docs/storage.md, "Tables").
  thread_id   BIGINT NOT NULL,
  size        BIGINT NOT NULL,
  received_at TIMESTAMPTZ NOT NULL,
  seen        BOOLEAN NOT NULL DEFAULT false,
  answered    BOOLEAN NOT NULL DEFAULT false,
  flagged     BOOLEAN NOT NULL DEFAULT false,
  deleted     BOOLEAN NOT NULL DEFAULT false,
  draft       BOOLEAN NOT NULL DEFAULT false,
  keywords    TEXT[] NOT NULL DEFAULT '{}',
  sha256      BYTEA NOT NULL,
  PRIMARY KEY (mailbox_id, uid)
);
CREATE INDEX mailbox_messages_email ON mailbox_messages (email_id);
CREATE INDEX mailbox_messages_modseq ON mailbox_messages (mailbox_id, modseq);
COMMENT ON TABLE mailbox_messages IS 'An email''s place in a mailbox (an IMAP message)';

CREATE TABLE expunged (
  mailbox_id  BIGINT NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  uid         BIGINT NOT NULL,
  modseq      BIGINT NOT NULL,
  PRIMARY KEY (mailbox_id, uid)
);
CREATE INDEX expunged_modseq ON expunged (mailbox_id, modseq);
COMMENT ON TABLE expunged IS 'QRESYNC: UIDs removed from a mailbox, with the modseq of removal';

CREATE TABLE changes (
  account_id   BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  modseq       BIGINT NOT NULL,
  object_type  TEXT NOT NULL CHECK (object_type IN ('mailbox', 'email', 'thread')),
  object_id    BIGINT NOT NULL,
  change       TEXT NOT NULL CHECK (change IN ('created', 'updated', 'destroyed')),
  PRIMARY KEY (account_id, modseq, object_type, object_id)
);
COMMENT ON TABLE changes IS 'JMAP /changes: one row per object per modseq; destroyed wins '
  'over created, created over updated';

CREATE TABLE queue_messages (
  id               BIGSERIAL PRIMARY KEY,
  blob_id          BIGINT NOT NULL REFERENCES blobs(id),
  return_path      TEXT NOT NULL,
  account_id       BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
  envelope_id      TEXT NOT NULL DEFAULT '',
  dsn_ret          TEXT NOT NULL DEFAULT '' CHECK (dsn_ret IN ('', 'FULL', 'HDRS')),
  requiretls       BOOLEAN NOT NULL DEFAULT false,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at       TIMESTAMPTZ NOT NULL,
  next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  attempts         INTEGER NOT NULL DEFAULT 0,
  lease_owner      TEXT,
  lease_until      TIMESTAMPTZ
);
CREATE INDEX queue_due ON queue_messages (next_attempt_at);
COMMENT ON TABLE queue_messages IS 'Outbound queue; return_path '''' for bounces';

CREATE TABLE queue_recipients (
  message_id     BIGINT NOT NULL REFERENCES queue_messages(id) ON DELETE CASCADE,
  address        TEXT NOT NULL,
  status         TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'delivered', 'failed')),
  notify         TEXT NOT NULL DEFAULT '',
  orcpt          TEXT NOT NULL DEFAULT '',
  last_response  TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (message_id, address)
);

CREATE TABLE domain_keys (
  id           BIGSERIAL PRIMARY KEY,
  domain_id    BIGINT NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
  purpose      TEXT NOT NULL,
  selector     TEXT NOT NULL,
  algorithm    TEXT NOT NULL,
  private_key  TEXT NOT NULL,
  active       BOOLEAN NOT NULL DEFAULT true,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (domain_id, purpose, selector)
);
COMMENT ON TABLE domain_keys IS 'DKIM and other per-domain keys (private_key: PEM)';
)sql";

}  // namespace ringmail::postgres
