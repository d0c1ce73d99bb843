#include "store/sqlite/migrations.h"

#include <string>

namespace ringmail::sqlite {
namespace {

// docs/storage.md's tables with SQLite's types: INTEGER for BIGINT/BOOLEAN, BLOB for BYTEA,
// TEXT (ISO 8601 UTC, whole seconds) for TIMESTAMPTZ, INTEGER PRIMARY KEY AUTOINCREMENT for
// BIGSERIAL (AUTOINCREMENT so that, as in PostgreSQL, an id is never handed out twice).
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE schema_migrations (
  version     INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE domains (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE accounts (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  name               TEXT NOT NULL UNIQUE,
  type               TEXT NOT NULL DEFAULT 'individual'
                     CHECK (type IN ('individual', 'group', 'list')),
  secret             TEXT,
  description        TEXT NOT NULL DEFAULT '',
  active             INTEGER NOT NULL DEFAULT 1,
  is_admin           INTEGER NOT NULL DEFAULT 0,
  quota_bytes        INTEGER NOT NULL DEFAULT 0,
  quota_messages     INTEGER NOT NULL DEFAULT 0,
  used_bytes         INTEGER NOT NULL DEFAULT 0,
  used_messages      INTEGER NOT NULL DEFAULT 0,
  highest_modseq     INTEGER NOT NULL DEFAULT 0,
  last_uid_validity  INTEGER NOT NULL DEFAULT 0,
  created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE addresses (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  domain_id   INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
  local_part  TEXT NOT NULL,
  display     TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('primary', 'alias', 'list')),
  UNIQUE (domain_id, local_part)
);

CREATE TABLE group_members (
  group_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  member_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, member_id)
);

CREATE TABLE mailboxes (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  special_use     TEXT CHECK (special_use IN ('\Drafts', '\Sent', '\Junk', '\Trash',
                                              '\Archive', '\All', '\Flagged')),
  subscribed      INTEGER NOT NULL DEFAULT 1,
  uid_validity    INTEGER NOT NULL,
  uid_next        INTEGER NOT NULL DEFAULT 1,
  highest_modseq  INTEGER NOT NULL DEFAULT 0,
  message_count   INTEGER NOT NULL DEFAULT 0,
  unseen_count    INTEGER NOT NULL DEFAULT 0,
  total_bytes     INTEGER NOT NULL DEFAULT 0,
  sort_order      INTEGER NOT NULL DEFAULT 0,
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  UNIQUE (account_id, name)
);

CREATE TABLE blobs (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  sha256              BLOB NOT NULL UNIQUE,
  size                INTEGER NOT NULL,
  stored_size         INTEGER NOT NULL,
  compression         TEXT NOT NULL DEFAULT 'none' CHECK (compression IN ('none', 'zstd')),
  refcount            INTEGER NOT NULL DEFAULT 0,
  state               TEXT NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'deleting')),
  unreferenced_since  TEXT,
  created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX blobs_collectable ON blobs (unreferenced_since) WHERE refcount = 0;

CREATE TABLE emails (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  blob_id       INTEGER NOT NULL REFERENCES blobs(id),
  size          INTEGER NOT NULL,
  received_at   TEXT NOT NULL,
  thread_id     INTEGER NOT NULL,
  seen          INTEGER NOT NULL DEFAULT 0,
  answered      INTEGER NOT NULL DEFAULT 0,
  flagged       INTEGER NOT NULL DEFAULT 0,
  deleted       INTEGER NOT NULL DEFAULT 0,
  draft         INTEGER NOT NULL DEFAULT 0,
  keywords      TEXT NOT NULL DEFAULT '',
  message_id    TEXT NOT NULL DEFAULT '',
  subject       TEXT NOT NULL DEFAULT '',
  from_display  TEXT NOT NULL DEFAULT '',
  sent_at       TEXT,
  preview       TEXT NOT NULL DEFAULT '',
  envelope      TEXT NOT NULL DEFAULT '',
  bodystructure TEXT NOT NULL DEFAULT ''
);
CREATE INDEX emails_account ON emails (account_id, received_at);
CREATE INDEX emails_thread ON emails (account_id, thread_id);
CREATE INDEX emails_message_id ON emails (account_id, message_id);
CREATE INDEX emails_blob ON emails (blob_id);  -- the foreign key check when a blob goes

CREATE TABLE mailbox_messages (
  mailbox_id  INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  uid         INTEGER NOT NULL,
  email_id    INTEGER NOT NULL REFERENCES emails(id) ON DELETE CASCADE,
  modseq      INTEGER NOT NULL,
  saved_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  thread_id   INTEGER NOT NULL,
  size        INTEGER NOT NULL,
  received_at TEXT NOT NULL,
  seen        INTEGER NOT NULL DEFAULT 0,
  answered    INTEGER NOT NULL DEFAULT 0,
  flagged     INTEGER NOT NULL DEFAULT 0,
  deleted     INTEGER NOT NULL DEFAULT 0,
  draft       INTEGER NOT NULL DEFAULT 0,
  keywords    TEXT NOT NULL DEFAULT '',
  sha256      BLOB NOT NULL,
  PRIMARY KEY (mailbox_id, uid)
);
CREATE INDEX mailbox_messages_email ON mailbox_messages (email_id);
CREATE INDEX mailbox_messages_modseq ON mailbox_messages (mailbox_id, modseq);

CREATE TABLE expunged (
  mailbox_id  INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  uid         INTEGER NOT NULL,
  modseq      INTEGER NOT NULL,
  PRIMARY KEY (mailbox_id, uid)
);
CREATE INDEX expunged_modseq ON expunged (mailbox_id, modseq);

CREATE TABLE changes (
  account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  modseq       INTEGER NOT NULL,
  object_type  TEXT NOT NULL CHECK (object_type IN ('mailbox', 'email', 'thread')),
  object_id    INTEGER NOT NULL,
  change       TEXT NOT NULL CHECK (change IN ('created', 'updated', 'destroyed')),
  PRIMARY KEY (account_id, modseq, object_type, object_id)
);

CREATE TABLE queue_messages (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  blob_id          INTEGER NOT NULL REFERENCES blobs(id),
  return_path      TEXT NOT NULL,
  account_id       INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
  envelope_id      TEXT NOT NULL DEFAULT '',
  dsn_ret          TEXT NOT NULL DEFAULT '' CHECK (dsn_ret IN ('', 'FULL', 'HDRS')),
  requiretls       INTEGER NOT NULL DEFAULT 0,
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  expires_at       TEXT NOT NULL,
  next_attempt_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  lease_owner      TEXT,
  lease_until      TEXT
);
CREATE INDEX queue_due ON queue_messages (next_attempt_at);

CREATE TABLE queue_recipients (
  message_id     INTEGER NOT NULL REFERENCES queue_messages(id) ON DELETE CASCADE,
  address        TEXT NOT NULL,
  status         TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'delivered', 'failed')),
  notify         TEXT NOT NULL DEFAULT '',
  orcpt          TEXT NOT NULL DEFAULT '',
  last_response  TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (message_id, address)
);

CREATE TABLE domain_keys (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  domain_id    INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
  purpose      TEXT NOT NULL,
  selector     TEXT NOT NULL,
  algorithm    TEXT NOT NULL,
  private_key  TEXT NOT NULL,
  active       INTEGER NOT NULL DEFAULT 1,
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  UNIQUE (domain_id, purpose, selector)
);
)sql";

// Migration 2: the indexes the internal directory's reads use (its writes are C++ in
// account_ops.cc and address_ops.cc).
constexpr char kDirectoryV2[] = R"sql(
CREATE INDEX addresses_account ON addresses (account_id);
CREATE INDEX group_members_member ON group_members (member_id);
)sql";

// Migration 3: the blob collector's lease (docs/storage.md, "Collection"); one row.
constexpr char kCollectorLeaseV3[] = R"sql(
CREATE TABLE collector_lease (
  name        TEXT PRIMARY KEY,
  holder      TEXT NOT NULL DEFAULT '',
  expires_at  TEXT NOT NULL DEFAULT '1970-01-01T00:00:00Z'
);
INSERT INTO collector_lease (name) VALUES ('blobs');
)sql";

// Migration 4: opening a mailbox (LoadMailboxIndex) reads this index alone, not the table
// (a rowid table: each row found through the primary key costs a second b-tree lookup).
constexpr char kMailboxIndexV4[] = R"sql(
CREATE INDEX mailbox_messages_state ON mailbox_messages
  (mailbox_id, uid, modseq, seen, answered, flagged, deleted, draft, keywords);
)sql";

// Migration 5: the outbound queue (docs/storage.md, "The outbound queue"). Version 1's queue
// tables were a placeholder nothing wrote; they are replaced.
constexpr char kQueueV5[] = R"sql(
DROP TABLE queue_recipients;
DROP TABLE queue_messages;
CREATE TABLE queue_messages (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  sender           TEXT NOT NULL,
  envid            TEXT NOT NULL DEFAULT '',
  ret              TEXT NOT NULL DEFAULT 'HDRS' CHECK (ret IN ('FULL', 'HDRS')),
  smtputf8         INTEGER NOT NULL DEFAULT 0,
  requiretls       INTEGER NOT NULL DEFAULT 0,
  authenticated_as TEXT NOT NULL DEFAULT '',
  blob_id          INTEGER NOT NULL REFERENCES blobs(id),
  size             INTEGER NOT NULL,
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  expires_at       TEXT NOT NULL
);
CREATE INDEX queue_messages_blob ON queue_messages (blob_id);
CREATE TABLE queue_recipients (
  message_id       INTEGER NOT NULL REFERENCES queue_messages(id) ON DELETE CASCADE,
  address          TEXT NOT NULL,
  notify           INTEGER NOT NULL DEFAULT 0,
  orcpt            TEXT NOT NULL DEFAULT '',
  state            TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TEXT NOT NULL,
  last_reply       TEXT NOT NULL DEFAULT '',
  lease_holder     TEXT NOT NULL DEFAULT '',
  lease_until      TEXT NOT NULL DEFAULT '1970-01-01T00:00:00Z',
  PRIMARY KEY (message_id, address)
);
CREATE INDEX queue_recipients_due ON queue_recipients (next_attempt_at) WHERE state = 'pending';
)sql";

// Migration 6 is PostgreSQL's rm_add_email_placements; SQLite writes placements in
// store/sqlite/email_ops.cc, so its version 6 changes nothing (the numbers stay in step).
constexpr char kEmailPlacementsV6[] = "SELECT 1;";

// Migration 7: JMAP blob uploads (docs/storage.md "Blob uploads"): which account uploaded
// which blob, until when. A live upload keeps its blob from the collector; a blob's rows go
// with it.
constexpr char kBlobUploadsV7[] = R"sql(
CREATE TABLE blob_uploads (
  account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  blob_id     INTEGER NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
  type        TEXT NOT NULL DEFAULT '',
  size        INTEGER NOT NULL,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  expires_at  TEXT NOT NULL,
  PRIMARY KEY (account_id, blob_id)
);
CREATE INDEX blob_uploads_blob ON blob_uploads (blob_id);
CREATE INDEX blob_uploads_expires ON blob_uploads (expires_at);
)sql";

// Migration 8: JMAP identities, sent submissions and vacation responses (docs/storage.md,
// "Identities, submissions, vacation responses"). jmap_states holds each object type's state
// per account; vacation_replies remembers whom an auto-reply went to, and when.
constexpr char kSubmissionV8[] = R"sql(
CREATE TABLE jmap_states (
  account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  object_type  TEXT NOT NULL CHECK (object_type IN ('identity', 'submission', 'vacation')),
  state        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, object_type)
);
CREATE TABLE identities (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name            TEXT NOT NULL DEFAULT '',
  email           TEXT NOT NULL,
  reply_to        TEXT,
  bcc             TEXT,
  text_signature  TEXT NOT NULL DEFAULT '',
  html_signature  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX identities_account ON identities (account_id);
CREATE TABLE email_submissions (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  identity_id  INTEGER NOT NULL,
  email_id     INTEGER NOT NULL,
  thread_id    INTEGER NOT NULL,
  envelope     TEXT NOT NULL,
  send_at      TEXT NOT NULL
);
CREATE INDEX email_submissions_account ON email_submissions (account_id, id);
CREATE TABLE vacation_responses (
  account_id  INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  is_enabled  INTEGER NOT NULL DEFAULT 0,
  from_date   TEXT,
  to_date     TEXT,
  subject     TEXT,
  text_body   TEXT,
  html_body   TEXT
);
CREATE TABLE vacation_replies (
  account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  sender      TEXT NOT NULL,
  replied_at  TEXT NOT NULL,
  PRIMARY KEY (account_id, sender)
);
)sql";

// Migration 9: account roles and API keys (docs/storage.md, docs/directory.md "Roles" and
// "API keys"). Version 1's unused `is_admin` becomes `role`.
constexpr char kAuthV9[] = R"sql(
ALTER TABLE accounts ADD COLUMN role TEXT NOT NULL DEFAULT 'user'
  CHECK (role IN ('user', 'admin'));
UPDATE accounts SET role = 'admin' WHERE is_admin <> 0;
ALTER TABLE accounts DROP COLUMN is_admin;

CREATE TABLE api_keys (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id     INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name           TEXT NOT NULL,
  key_id         TEXT NOT NULL UNIQUE,
  secret_sha256  TEXT NOT NULL,
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  expires_at     TEXT,
  last_used_at   TEXT,
  UNIQUE (account_id, name)
);
)sql";

// Migration 14 (docs/storage.md "Identities, submissions, vacation responses" and
// "Modification sequences"): what a submission's message became in the outbound queue
// (queue_id, and the states that let EmailSubmission/changes list created and updated
// submissions), and \Deleted as JMAP sees it: an email (and its thread) is destroyed for JMAP
// when it gets \Deleted and created again when it loses it, recorded by a trigger in the
// flag change's own `changes` rows (merged: 'destroyed' over 'created' over 'updated').
constexpr char kSubmissionQueueV14[] = R"sql(
ALTER TABLE email_submissions ADD COLUMN queue_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE email_submissions ADD COLUMN created_state INTEGER NOT NULL DEFAULT 0;
ALTER TABLE email_submissions ADD COLUMN updated_state INTEGER NOT NULL DEFAULT 0;
CREATE INDEX email_submissions_queue ON email_submissions (queue_id) WHERE queue_id <> 0;
ALTER TABLE jmap_states ADD COLUMN destroyed_state INTEGER NOT NULL DEFAULT 0;
UPDATE jmap_states SET destroyed_state = state WHERE object_type = 'submission';
-- Every write bumps the state before it deletes: the state of the destruction.
CREATE TRIGGER email_submissions_destroyed AFTER DELETE ON email_submissions
BEGIN
  UPDATE jmap_states SET destroyed_state = state
   WHERE account_id = OLD.account_id AND object_type = 'submission';
END;

CREATE TRIGGER mailbox_messages_jmap_visibility AFTER UPDATE OF deleted ON mailbox_messages
WHEN OLD.deleted <> NEW.deleted
BEGIN
  INSERT INTO changes (account_id, modseq, object_type, object_id, change)
  SELECT m.account_id, NEW.modseq, o.object_type, o.object_id,
         CASE WHEN o.object_type = 'mailbox' THEN 'updated'
              WHEN NEW.deleted THEN 'destroyed' ELSE 'created' END
    FROM mailboxes m,
         (SELECT 'email' AS object_type, NEW.email_id AS object_id
          UNION ALL SELECT 'thread', NEW.thread_id
          UNION ALL SELECT 'mailbox', NEW.mailbox_id) o
   WHERE m.id = NEW.mailbox_id
  ON CONFLICT (account_id, modseq, object_type, object_id) DO UPDATE SET change =
    CASE WHEN change = 'destroyed' OR excluded.change = 'destroyed' THEN 'destroyed'
         WHEN change = 'created' OR excluded.change = 'created' THEN 'created'
         ELSE 'updated' END;
END;
)sql";

constexpr int kAnotherStep = -1;

constexpr SchemaMigration kMigrations[] = {
    {1, "initial schema (docs/storage.md)", kSchemaV1},
    {2, "directory: addresses, memberships, account and domain removal", kDirectoryV2},
    {3, "blob collection: the collector lease", kCollectorLeaseV3},
    {4, "mailbox index: opening a mailbox reads indexes, not rows", kMailboxIndexV4},
    {5, "outbound queue: messages, recipients, leases", kQueueV5},
    {6, "jmap email placements", kEmailPlacementsV6},
    {7, "jmap blob uploads", kBlobUploadsV7},
    {8, "jmap identities, submissions, vacation responses", kSubmissionV8},
    {9, "auth: account roles, API keys", kAuthV9},
    // PostgreSQL's packed index entries; SQLite's index (migration 4) serves as it is.
    {10, "mailbox index: one packed entry per message", ""},
    // 11-13: numbers given to other branches (their SQL replaces these when merged).
    {11, "reserved", ""},
    {12, "reserved", ""},
    {13, "reserved", ""},
    {14, "jmap: submissions follow the queue; \\Deleted hides emails in changes",
     kSubmissionQueueV14},
};

// Runs inside BEGIN IMMEDIATE: the version read here cannot change before COMMIT.
Result<void> ApplyOne(SqliteDb& db, const SchemaMigration& m) {
  TRY(db.Exec(m.sql));
  return db.Run("INSERT INTO schema_migrations (version, description) VALUES (?, ?)", m.version,
                m.description);
}

// One step under the lock: refuse, finish, or apply the next migration. Returns the version
// reached, or kAnotherStep after applying one.
Result<int> Step(SqliteDb& db, std::span<const SchemaMigration> migrations, int known) {
  const int version = TRY(SchemaVersion(db));
  if (version > known) return std::unexpected(NewerSchemaError(version, known));
  if (version == known) return version;
  TRY(ApplyOne(db, migrations[static_cast<size_t>(version)]));
  return kAnotherStep;
}

}  // namespace

std::span<const SchemaMigration> Migrations() { return kMigrations; }

Result<int> SchemaVersion(SqliteDb& db) {
  const int64_t tables = TRY(db.QueryInt(
      "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'"));
  if (tables == 0) return 0;
  const int64_t version =
      TRY(db.QueryInt("SELECT coalesce(max(version), 0) FROM schema_migrations"));
  return static_cast<int>(version);
}

Result<int> Migrate(SqliteDb& db, std::span<const SchemaMigration> migrations) {
  const int known = LatestSchemaVersion(migrations);
  for (;;) {
    TRY(db.Exec("BEGIN IMMEDIATE"));
    Result<int> reached = Step(db, migrations, known);
    // Nothing was written when the step refused or had nothing to do: roll back either way.
    const bool applied = reached && *reached == kAnotherStep;
    Result<void> ended = applied ? db.Exec("COMMIT") : db.Exec("ROLLBACK");
    if (!reached) return reached;
    if (!ended) {
      (void)db.Exec("ROLLBACK");
      return std::unexpected(ended.error());
    }
    if (!applied) return reached;
  }
}

}  // namespace ringmail::sqlite
