// PostgresMetadataStore: the outbound queue (docs/storage.md, "The outbound queue"). Writes
// are one statement or one schema function each (migrations_queue.cc); validation is the
// SQLite backend's (metadata_rules.h).
#include "store/metadata_rules.h"
#include "store/postgres/pg_store.h"

namespace ringmail {

using postgres::PgBool;
using postgres::PgBytea;
using postgres::PgIntArray;
using postgres::PgParams;
using postgres::PgRows;
using postgres::PgStatementId;
using postgres::PgTextArray;

namespace {

QueueRecipientState StateFromText(std::string_view s) {
  if (s == "delivered") return QueueRecipientState::kDelivered;
  if (s == "failed") return QueueRecipientState::kFailed;
  return QueueRecipientState::kPending;
}

// Rows of RINGMAIL_PG_QUEUE_COLUMNS (pg_statements.cc), grouped by message.
std::vector<QueuedMessageRecord> QueueFromRows(const PgRows& rows) {
  std::vector<QueuedMessageRecord> out;
  for (int i = 0; i < rows.size(); ++i) {
    if (out.empty() || out.back().id != rows.Int(i, 0)) {
      QueuedMessageRecord m;
      m.id = rows.Int(i, 0);
      m.sender = rows.Text(i, 1);
      m.envid = rows.Text(i, 2);
      m.return_full = rows.Text(i, 3) == "FULL";
      m.smtputf8 = rows.Bool(i, 4);
      m.requiretls = rows.Bool(i, 5);
      m.authenticated_as = rows.Text(i, 6);
      m.blob = rows.Key(i, 7);
      m.size = static_cast<uint64_t>(rows.Int(i, 8));
      m.created_at = rows.Int(i, 9);
      m.expires_at = rows.Int(i, 10);
      out.push_back(std::move(m));
    }
    QueueRecipientRecord r;
    r.address = rows.Text(i, 11);
    r.notify = static_cast<uint8_t>(rows.Int(i, 12));
    r.orcpt = rows.Text(i, 13);
    r.state = StateFromText(rows.Text(i, 14));
    r.attempts = static_cast<uint32_t>(rows.Int(i, 15));
    r.next_attempt_at = rows.Int(i, 16);
    r.last_reply = rows.Text(i, 17);
    out.back().recipients.push_back(std::move(r));
  }
  return out;
}

std::string Int(int64_t v) { return std::to_string(v); }

}  // namespace

Task<Result<int64_t>> PostgresMetadataStore::EnqueueOutbound(QueueEnqueueRequest request) {
  const QueuedMessageRecord& m = request.message;
  std::vector<std::string> addresses, orcpts;
  std::vector<int64_t> notify;
  for (const QueueRecipientRecord& r : m.recipients) {
    addresses.push_back(r.address);
    notify.push_back(r.notify);
    orcpts.push_back(r.orcpt);
  }
  PgParams params = {
      PgBytea(m.blob.sha256),
      std::to_string(m.size),
      std::to_string(request.stored_size),
      request.compression == blob_format::Compression::kZstd ? "zstd" : "none",
      m.sender,
      m.envid,
      m.return_full ? "FULL" : "HDRS",
      PgBool(m.smtputf8),
      PgBool(m.requiretls),
      m.authenticated_as,
      Int(request.now),
      Int(m.expires_at),
      PgTextArray(addresses),
      PgIntArray(notify),
      PgTextArray(orcpts),
  };
  // Checked as late as this core can (as Deliver's): the unit is sent now.
  Result<void> valid = CheckQueueEnqueue(request);
  if (!valid) co_return std::unexpected(valid.error());
  Result<PgRows> rows = co_await RunParams(PgStatementId::kQueueEnqueue, std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  co_return rows->Int(0, 0);
}

Task<Result<std::vector<QueuedMessageRecord>>> PostgresMetadataStore::ClaimQueueWork(
    std::string holder, int64_t now, uint32_t lease_s, size_t max) {
  Result<void> valid = CheckQueueClaim(holder, max);
  if (!valid) co_return std::unexpected(valid.error());
  Result<PgRows> rows = co_await Run(PgStatementId::kQueueClaim, std::move(holder), Int(now),
                                     Int(lease_s), std::to_string(max));
  if (!rows) co_return std::unexpected(rows.error());
  co_return QueueFromRows(*rows);
}

Task<Result<bool>> PostgresMetadataStore::RecordQueueAttempt(std::string holder, int64_t id,
                                                             std::vector<QueueOutcome> outcomes) {
  Result<void> valid = CheckLeaseHolder(holder);
  if (!valid) co_return std::unexpected(valid.error());
  std::vector<std::string> addresses, states, replies;
  std::vector<int64_t> next;
  for (const QueueOutcome& o : outcomes) {
    addresses.push_back(o.address);
    states.push_back(o.kind == QueueOutcomeKind::kDelivered ? "delivered"
                     : o.kind == QueueOutcomeKind::kFailed  ? "failed"
                                                            : "pending");
    replies.push_back(QueueReply(o.reply));
    next.push_back(o.next_attempt_at);
  }
  Result<PgRows> rows =
      co_await Run(PgStatementId::kQueueRecord, std::move(holder), Int(id), PgTextArray(addresses),
                   PgTextArray(states), PgTextArray(replies), PgIntArray(next));
  if (!rows) co_return std::unexpected(rows.error());
  co_return rows->Bool(0, 0);
}

Task<Result<std::vector<QueuedMessageRecord>>> PostgresMetadataStore::ListQueue(int64_t after_id,
                                                                                size_t max) {
  Result<PgRows> rows = co_await Run(PgStatementId::kQueueList, Int(after_id), std::to_string(max));
  if (!rows) co_return std::unexpected(rows.error());
  co_return QueueFromRows(*rows);
}

Task<Result<size_t>> PostgresMetadataStore::RetryQueue(int64_t id, int64_t now) {
  Result<PgRows> rows = co_await Run(PgStatementId::kQueueRetry, Int(id), Int(now));
  if (!rows) co_return std::unexpected(rows.error());
  if (id != 0 && rows->Int(0, 0) == 0) {
    co_return MakeError(ErrorCode::kNotFound, "no queued message " + std::to_string(id));
  }
  co_return static_cast<size_t>(rows->Int(0, 1));
}

Task<Result<void>> PostgresMetadataStore::RemoveQueued(int64_t id) {
  Result<PgRows> rows = co_await Run(PgStatementId::kQueueRemove, Int(id));
  if (!rows) co_return std::unexpected(rows.error());
  co_return Result<void>{};
}

}  // namespace ringmail
