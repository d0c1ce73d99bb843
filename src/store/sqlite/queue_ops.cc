// The outbound queue (docs/storage.md, "The outbound queue"): queued messages hold one
// reference on their blob, as an email does; recipients are leased to the node delivering
// them. SQLite runs one writer at a time, so a claim is simply its transaction.
#include <set>

#include "store/sqlite/op_support.h"
#include "store/sqlite/ops.h"

namespace ringmail::sqlite {
namespace {

#define RINGMAIL_SQL_UNIX(col) "CAST(strftime('%s', " col ") AS INTEGER)"

// The columns MessageRow reads, in its order; m is queue_messages.
#define RINGMAIL_SQL_QUEUE_MESSAGE_COLUMNS                                         \
  "m.id, m.sender, m.envid, m.ret, m.smtputf8, m.requiretls, m.authenticated_as, " \
  "b.sha256, m.size, " RINGMAIL_SQL_UNIX("m.created_at") ", " RINGMAIL_SQL_UNIX("m.expires_at")
// The columns RecipientRow reads, starting at column `first`; r is queue_recipients.
#define RINGMAIL_SQL_QUEUE_RECIPIENT_COLUMNS                               \
  "r.address, r.notify, r.orcpt, r.state, r.attempts, " RINGMAIL_SQL_UNIX( \
      "r.next_attempt_at") ", r.last_reply"

QueuedMessageRecord MessageRow(const Statement& st) {
  QueuedMessageRecord m;
  m.id = st.Int(0);
  m.sender = st.Text(1);
  m.envid = st.Text(2);
  m.return_full = st.Text(3) == "FULL";
  m.smtputf8 = st.Int(4) != 0;
  m.requiretls = st.Int(5) != 0;
  m.authenticated_as = st.Text(6);
  m.blob = st.Key(7);
  m.size = static_cast<uint64_t>(st.Int(8));
  m.created_at = st.Int(9);
  m.expires_at = st.Int(10);
  return m;
}

QueueRecipientState StateFromText(std::string_view s) {
  if (s == "delivered") return QueueRecipientState::kDelivered;
  if (s == "failed") return QueueRecipientState::kFailed;
  return QueueRecipientState::kPending;
}

QueueRecipientRecord RecipientRow(const Statement& st, int first) {
  QueueRecipientRecord r;
  r.address = st.Text(first);
  r.notify = static_cast<uint8_t>(st.Int(first + 1));
  r.orcpt = st.Text(first + 2);
  r.state = StateFromText(st.Text(first + 3));
  r.attempts = static_cast<uint32_t>(st.Int(first + 4));
  r.next_attempt_at = st.Int(first + 5);
  r.last_reply = st.Text(first + 6);
  return r;
}

// Rows of message columns followed by recipient columns, grouped by message (the rows come
// ordered by message id); with `only`, just the recipients it holds.
Result<std::vector<QueuedMessageRecord>> GroupRows(
    Statement& st, const std::set<std::pair<int64_t, std::string>>* only = nullptr) {
  std::vector<QueuedMessageRecord> out;
  for (;;) {
    const bool row = TRY(st.Step());
    if (!row) break;
    if (only != nullptr && !only->contains({st.Int(0), st.Text(11)})) continue;
    if (out.empty() || out.back().id != st.Int(0)) out.push_back(MessageRow(st));
    out.back().recipients.push_back(RecipientRow(st, 11));
  }
  return out;
}

// Drops the message's blob reference, then the message (and its recipients).
Result<void> DeleteMessage(SqliteDb& db, int64_t id) {
  TRY(
      db.Run("UPDATE blobs SET refcount = refcount - 1, unreferenced_since = CASE WHEN "
             "refcount = 1 THEN " RINGMAIL_SQL_NOW " ELSE unreferenced_since END "
             "WHERE id = (SELECT blob_id FROM queue_messages WHERE id = ?)",
             id));
  return db.Run("DELETE FROM queue_messages WHERE id = ?", id);
}

Result<int64_t> ReferenceQueueBlob(SqliteDb& db, const QueueEnqueueRequest& r) {
  const BlobKey& key = r.message.blob;
  {
    Statement st = TRY(db.Query("SELECT id, state FROM blobs WHERE sha256 = ?", key));
    const bool row = TRY(st.Step());
    if (row) {
      const int64_t id = st.Int(0);
      if (st.Text(1) != "live") {
        return MakeError(ErrorCode::kBusy, "blob " + key.Hex() + " is being collected");
      }
      TRY(db.Run("UPDATE blobs SET refcount = refcount + 1, unreferenced_since = NULL WHERE id = ?",
                 id));
      return id;
    }
  }
  const char* compression = r.compression == blob_format::Compression::kZstd ? "zstd" : "none";
  return db.QueryInt(
      "INSERT INTO blobs (sha256, size, stored_size, compression, refcount) "
      "VALUES (?, ?, ?, ?, 1) RETURNING id",
      key, r.message.size, r.stored_size, compression);
}

}  // namespace

Result<int64_t> EnqueueOutbound(SqliteDb& db, const QueueEnqueueRequest& request) {
  TRY(CheckQueueEnqueue(request));
  const QueuedMessageRecord& m = request.message;
  const int64_t blob_id = TRY(ReferenceQueueBlob(db, request));
  const int64_t id = TRY(db.QueryInt(
      "INSERT INTO queue_messages (sender, envid, ret, smtputf8, requiretls, authenticated_as, "
      "blob_id, size, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
      "?, " RINGMAIL_SQL_ISO_PARAM ", " RINGMAIL_SQL_ISO_PARAM ") RETURNING id",
      m.sender, m.envid, m.return_full ? "FULL" : "HDRS", m.smtputf8, m.requiretls,
      m.authenticated_as, blob_id, m.size, request.now, m.expires_at));
  for (const QueueRecipientRecord& r : m.recipients) {
    TRY(
        db.Run("INSERT INTO queue_recipients (message_id, address, notify, orcpt, "
               "next_attempt_at) VALUES (?, ?, ?, ?, " RINGMAIL_SQL_ISO_PARAM ")",
               id, r.address, r.notify, r.orcpt, request.now));
  }
  return id;
}

Result<std::vector<QueuedMessageRecord>> ClaimQueueWork(SqliteDb& db, std::string_view holder,
                                                        int64_t now, uint32_t lease_s, size_t max) {
  TRY(CheckQueueClaim(holder, max));
  std::set<std::pair<int64_t, std::string>> due;
  {
    Statement st = TRY(db.Query(
        "SELECT message_id, address FROM queue_recipients WHERE state = 'pending' AND "
        "next_attempt_at <= " RINGMAIL_SQL_ISO_PARAM " AND lease_until < " RINGMAIL_SQL_ISO_PARAM
        " ORDER BY next_attempt_at, message_id LIMIT ?",
        now, now, max));
    for (;;) {
      const bool row = TRY(st.Step());
      if (!row) break;
      due.emplace(st.Int(0), st.Text(1));
    }
  }
  for (const auto& [id, address] : due) {
    TRY(db.Run("UPDATE queue_recipients SET lease_holder = ?, lease_until = " RINGMAIL_SQL_ISO_PARAM
               " WHERE message_id = ? AND address = ?",
               holder, now + lease_s, id, address));
  }
  Statement st = TRY(db.Query(
      "SELECT " RINGMAIL_SQL_QUEUE_MESSAGE_COLUMNS ", " RINGMAIL_SQL_QUEUE_RECIPIENT_COLUMNS
      " FROM queue_recipients r JOIN queue_messages m ON m.id = r.message_id JOIN blobs b ON "
      "b.id = m.blob_id WHERE r.lease_holder = ? AND r.lease_until = " RINGMAIL_SQL_ISO_PARAM
      " AND r.state = 'pending' ORDER BY m.id, r.address",
      holder, now + lease_s));
  return GroupRows(st, &due);
}

Result<bool> RecordQueueAttempt(SqliteDb& db, std::string_view holder, int64_t id,
                                std::span<const QueueOutcome> outcomes) {
  TRY(CheckLeaseHolder(holder));
  for (const QueueOutcome& o : outcomes) {
    const char* state = o.kind == QueueOutcomeKind::kDelivered ? "delivered"
                        : o.kind == QueueOutcomeKind::kFailed  ? "failed"
                                                               : "pending";
    // A retry is never due after the message expires: the expiry bounce goes out on time.
    TRY(
        db.Run("UPDATE queue_recipients SET state = ?, attempts = attempts + 1, last_reply = ?, "
               "next_attempt_at = min((SELECT expires_at FROM queue_messages WHERE id = ?), "
               "CASE WHEN ? = 'pending' THEN " RINGMAIL_SQL_ISO_PARAM
               " ELSE next_attempt_at END), lease_holder = '', lease_until = "
               "'1970-01-01T00:00:00Z' WHERE message_id = ? AND address = ? AND lease_holder = ? "
               "AND state = 'pending'",
               state, QueueReply(o.reply), id, state, o.next_attempt_at, id, o.address, holder));
  }
  const int64_t pending = TRY(db.QueryInt(
      "SELECT count(*) FROM queue_recipients WHERE message_id = ? AND state = 'pending'", id));
  const int64_t exists = TRY(db.QueryInt("SELECT count(*) FROM queue_messages WHERE id = ?", id));
  if (pending > 0 || exists == 0) return false;
  TRY(DeleteMessage(db, id));
  return true;
}

Result<std::vector<QueuedMessageRecord>> ListQueue(SqliteDb& db, int64_t after_id, size_t max) {
  Statement st = TRY(db.Query(
      "SELECT " RINGMAIL_SQL_QUEUE_MESSAGE_COLUMNS ", " RINGMAIL_SQL_QUEUE_RECIPIENT_COLUMNS
      " FROM (SELECT * FROM queue_messages WHERE id > ? ORDER BY id LIMIT ?) m "
      "JOIN queue_recipients r ON r.message_id = m.id JOIN blobs b ON b.id = m.blob_id "
      "ORDER BY m.id, r.address",
      after_id, max));
  return GroupRows(st);
}

Result<size_t> RetryQueue(SqliteDb& db, int64_t id, int64_t now) {
  if (id != 0) {
    const int64_t n = TRY(db.QueryInt("SELECT count(*) FROM queue_messages WHERE id = ?", id));
    if (n == 0) return MakeError(ErrorCode::kNotFound, "no queued message " + std::to_string(id));
  }
  TRY(db.Run("UPDATE queue_recipients SET next_attempt_at = " RINGMAIL_SQL_ISO_PARAM
             " WHERE state = 'pending' AND (? = 0 OR message_id = ?)",
             now, id, id));
  return static_cast<size_t>(db.changes());
}

Result<void> RemoveQueued(SqliteDb& db, int64_t id) {
  const int64_t n = TRY(db.QueryInt("SELECT count(*) FROM queue_messages WHERE id = ?", id));
  if (n == 0) return MakeError(ErrorCode::kNotFound, "no queued message " + std::to_string(id));
  return DeleteMessage(db, id);
}

}  // namespace ringmail::sqlite
