#include "store/sqlite/sqlite_store.h"

#include <sys/stat.h>

#include <cerrno>

#include "store/sqlite/migrations.h"
#include "store/sqlite/ops.h"

namespace ringmail {
namespace {

// mkdir -p of the directories above `path`.
Result<void> MakeParentDirs(const std::string& path) {
  for (size_t i = 1; i < path.size(); ++i) {
    if (path[i] != '/') continue;
    const std::string prefix = path.substr(0, i);
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      return SysError("mkdir " + prefix, errno);
    }
  }
  return {};
}

// Connection settings; journal_mode=WAL persists in the file, the others are per connection.
Result<void> Configure(sqlite::SqliteDb& db) {
  Result<sqlite::Statement> wal = db.Prepare("PRAGMA journal_mode = WAL");
  if (!wal) return std::unexpected(wal.error());
  const bool row = TRY(wal->Step());
  if (!row || wal->Text(0) != "wal") {
    return MakeError(ErrorCode::kConfig, "metadata store: cannot switch the database to WAL");
  }
  TRY(db.Exec("PRAGMA synchronous = FULL"));
  return db.Exec("PRAGMA foreign_keys = ON");
}

}  // namespace

Result<std::unique_ptr<SqliteMetadataStore>> SqliteMetadataStore::Open(std::string path) {
  SqliteStoreOptions options;
  options.path = std::move(path);
  return Open(options);
}

Result<std::unique_ptr<SqliteMetadataStore>> SqliteMetadataStore::Open(
    const SqliteStoreOptions& options) {
  TRY(MakeParentDirs(options.path));
  std::unique_ptr<sqlite::SqliteDb> db =
      TRY(sqlite::SqliteDb::Open(options.path, options.busy_timeout_ms));
  // A newer schema is refused before anything is written, WAL switch included; Migrate
  // checks again under the lock.
  const int known = LatestSchemaVersion(sqlite::Migrations());
  const int found = TRY(sqlite::SchemaVersion(*db));
  if (found > known) return std::unexpected(NewerSchemaError(found, known));
  TRY(Configure(*db));
  TRY(sqlite::Migrate(*db, sqlite::Migrations()));
  // The read connection opens after the migrations: it sees the current schema.
  std::unique_ptr<sqlite::SqliteDb> read_db =
      TRY(sqlite::SqliteDb::Open(options.path, options.busy_timeout_ms));
  TRY(read_db->Exec("PRAGMA query_only = ON"));
  std::unique_ptr<sqlite::SqliteExecutor> executor =
      TRY(sqlite::SqliteExecutor::Start(std::move(db), options.executor));
  sqlite::ExecutorOptions reader_options = options.reader;
  reader_options.read_only = true;
  std::unique_ptr<sqlite::SqliteExecutor> reader =
      TRY(sqlite::SqliteExecutor::Start(std::move(read_db), reader_options));
  return std::unique_ptr<SqliteMetadataStore>(
      new SqliteMetadataStore(std::move(executor), std::move(reader)));
}

SqliteMetadataStore::~SqliteMetadataStore() = default;

// Each method hands its operation to the store thread (executor_), or to the read thread
// (reader_) when it only reads, and waits there. The lambda references the coroutine's
// parameters, which live in its frame until it resumes.

Task<Result<int64_t>> SqliteMetadataStore::CreateDomain(std::string name) {
  Result<int64_t> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::CreateDomain(db, name); });
  co_return r;
}

Task<Result<std::vector<std::string>>> SqliteMetadataStore::ListDomains() {
  Result<std::vector<std::string>> r =
      co_await reader_->Call([](sqlite::SqliteDb& db) { return sqlite::ListDomains(db); });
  co_return r;
}

Task<Result<AccountRecord>> SqliteMetadataStore::CreateAccount(AccountRecord account) {
  Result<AccountRecord> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::CreateAccount(db, account); });
  co_return r;
}

Task<Result<AccountRecord>> SqliteMetadataStore::GetAccount(std::string name) {
  Result<AccountRecord> r =
      co_await reader_->Call([&](sqlite::SqliteDb& db) { return sqlite::GetAccount(db, name); });
  co_return r;
}

Task<Result<bool>> SqliteMetadataStore::HasDomain(std::string name) {
  Result<bool> r =
      co_await reader_->Call([&](sqlite::SqliteDb& db) { return sqlite::HasDomain(db, name); });
  co_return r;
}

Task<Result<void>> SqliteMetadataStore::DeleteDomain(std::string name) {
  Result<void> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::DeleteDomain(db, name); });
  co_return r;
}

Task<Result<std::vector<AccountRecord>>> SqliteMetadataStore::ListAccounts() {
  Result<std::vector<AccountRecord>> r =
      co_await reader_->Call([&](sqlite::SqliteDb& db) { return sqlite::ListAccounts(db); });
  co_return r;
}

Task<Result<AccountRecord>> SqliteMetadataStore::UpdateAccount(AccountUpdate update) {
  Result<AccountRecord> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::UpdateAccount(db, update); });
  co_return r;
}

Task<Result<void>> SqliteMetadataStore::DeleteAccount(std::string name) {
  Result<void> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::DeleteAccount(db, name); });
  co_return r;
}

Task<Result<std::vector<std::string>>> SqliteMetadataStore::FindAddress(std::string address) {
  Result<std::vector<std::string>> r = co_await reader_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::FindAddress(db, address); });
  co_return r;
}

Task<Result<std::vector<std::string>>> SqliteMetadataStore::ListMembers(std::string name) {
  Result<std::vector<std::string>> r =
      co_await reader_->Call([&](sqlite::SqliteDb& db) { return sqlite::ListMembers(db, name); });
  co_return r;
}

Task<Result<std::vector<MailboxRecord>>> SqliteMetadataStore::ListMailboxes(int64_t account_id) {
  Result<std::vector<MailboxRecord>> r = co_await reader_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::ListMailboxes(db, account_id); });
  co_return r;
}

Task<Result<std::optional<MailboxRecord>>> SqliteMetadataStore::FindMailbox(int64_t account_id,
                                                                            std::string name) {
  Result<std::optional<MailboxRecord>> r = co_await reader_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::FindMailbox(db, account_id, name); });
  co_return r;
}

Task<Result<MailboxRecord>> SqliteMetadataStore::CreateMailbox(int64_t account_id, std::string name,
                                                               std::string special_use) {
  Result<MailboxRecord> r = co_await executor_->Call([&](sqlite::SqliteDb& db) {
    return sqlite::CreateMailbox(db, account_id, name, special_use);
  });
  co_return r;
}

Task<Result<void>> SqliteMetadataStore::RenameMailbox(int64_t account_id, int64_t mailbox_id,
                                                      std::string new_name) {
  Result<void> r = co_await executor_->Call([&](sqlite::SqliteDb& db) {
    return sqlite::RenameMailbox(db, account_id, mailbox_id, new_name);
  });
  co_return r;
}

Task<Result<void>> SqliteMetadataStore::SetSubscribed(int64_t account_id, int64_t mailbox_id,
                                                      bool subscribed) {
  Result<void> r = co_await executor_->Call([&](sqlite::SqliteDb& db) {
    return sqlite::SetSubscribed(db, account_id, mailbox_id, subscribed);
  });
  co_return r;
}

Task<Result<ChangesResult>> SqliteMetadataStore::LoadChanges(int64_t account_id,
                                                             std::string object_type,
                                                             uint64_t since, size_t max) {
  Result<ChangesResult> r = co_await reader_->Call([&](sqlite::SqliteDb& db) {
    return sqlite::LoadChanges(db, account_id, object_type, since, max);
  });
  co_return r;
}

Task<Result<void>> SqliteMetadataStore::DeleteMailbox(int64_t account_id, int64_t mailbox_id) {
  Result<void> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::DeleteMailbox(db, account_id, mailbox_id); });
  co_return r;
}

Task<Result<std::vector<PlacedMessage>>> SqliteMetadataStore::Deliver(DeliveryRequest request) {
  Result<std::vector<PlacedMessage>> r =
      co_await executor_->Call([&](sqlite::SqliteDb& db) { return sqlite::Deliver(db, request); });
  co_return r;
}

Task<Result<MailboxSnapshot>> SqliteMetadataStore::LoadMailbox(int64_t mailbox_id) {
  Result<MailboxSnapshot> r = co_await reader_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::LoadMailbox(db, mailbox_id); });
  co_return r;
}

Task<Result<MailboxIndex>> SqliteMetadataStore::LoadMailboxIndex(int64_t mailbox_id) {
  Result<MailboxIndex> r = co_await reader_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::LoadMailboxIndex(db, mailbox_id); });
  co_return r;
}

Task<Result<MailboxIndexChanges>> SqliteMetadataStore::LoadMailboxIndexChanges(int64_t mailbox_id,
                                                                               uint64_t since) {
  Result<MailboxIndexChanges> r = co_await reader_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::LoadMailboxIndexChanges(db, mailbox_id, since); });
  co_return r;
}

Task<Result<CopyResult>> SqliteMetadataStore::CopyMessages(CopyRequest request) {
  Result<CopyResult> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::CopyMessages(db, request); });
  co_return r;
}

Task<Result<std::vector<MessageRecord>>> SqliteMetadataStore::LoadMessages(
    int64_t mailbox_id, std::vector<uint32_t> uids) {
  Result<std::vector<MessageRecord>> r = co_await reader_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::LoadMessages(db, mailbox_id, uids); });
  co_return r;
}

Task<Result<std::vector<CachedSummary>>> SqliteMetadataStore::LoadSummaries(
    int64_t mailbox_id, std::vector<uint32_t> uids) {
  Result<std::vector<CachedSummary>> r = co_await reader_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::LoadSummaries(db, mailbox_id, uids); });
  co_return r;
}

Task<Result<FlagUpdateResult>> SqliteMetadataStore::UpdateFlags(FlagUpdate update) {
  Result<FlagUpdateResult> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::UpdateFlags(db, update); });
  co_return r;
}

Task<Result<std::vector<uint32_t>>> SqliteMetadataStore::Expunge(int64_t mailbox_id,
                                                                 std::vector<uint32_t> uids) {
  Result<std::vector<uint32_t>> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::Expunge(db, mailbox_id, uids); });
  co_return r;
}

Task<Result<std::vector<uint32_t>>> SqliteMetadataStore::ExpungedSince(int64_t mailbox_id,
                                                                       uint64_t modseq) {
  Result<std::vector<uint32_t>> r = co_await reader_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::ExpungedSince(db, mailbox_id, modseq); });
  co_return r;
}

Task<Result<std::vector<EmailRecord>>> SqliteMetadataStore::LoadEmails(int64_t account_id,
                                                                       std::vector<int64_t> ids) {
  Result<std::vector<EmailRecord>> r = co_await reader_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::LoadEmails(db, account_id, ids); });
  co_return r;
}

Task<Result<std::vector<EmailRecord>>> SqliteMetadataStore::ListEmails(int64_t account_id) {
  Result<std::vector<EmailRecord>> r = co_await reader_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::ListEmails(db, account_id); });
  co_return r;
}

Task<Result<std::vector<PlacedMessage>>> SqliteMetadataStore::AddEmailPlacements(
    int64_t account_id, int64_t email_id, std::vector<int64_t> mailbox_ids) {
  Result<std::vector<PlacedMessage>> r = co_await executor_->Call([&](sqlite::SqliteDb& db) {
    return sqlite::AddEmailPlacements(db, account_id, email_id, mailbox_ids);
  });
  co_return r;
}

Task<Result<std::vector<BlobKey>>> SqliteMetadataStore::MarkBlobsForDeletion(
    int64_t unreferenced_before, size_t max) {
  Result<std::vector<BlobKey>> r = co_await executor_->Call([&](sqlite::SqliteDb& db) {
    return sqlite::MarkBlobsForDeletion(db, unreferenced_before, max);
  });
  co_return r;
}

Task<Result<void>> SqliteMetadataStore::ForgetBlobs(std::vector<BlobKey> keys) {
  Result<void> r =
      co_await executor_->Call([&](sqlite::SqliteDb& db) { return sqlite::ForgetBlobs(db, keys); });
  co_return r;
}

Task<Result<bool>> SqliteMetadataStore::HasBlob(BlobKey key) {
  Result<bool> r =
      co_await reader_->Call([&](sqlite::SqliteDb& db) { return sqlite::HasBlob(db, key); });
  co_return r;
}

Task<Result<void>> SqliteMetadataStore::RecordUpload(BlobUploadRequest request) {
  Result<void> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::RecordUpload(db, request); });
  co_return r;
}

Task<Result<bool>> SqliteMetadataStore::AccountHasBlob(int64_t account_id, BlobKey key) {
  Result<bool> r = co_await reader_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::AccountHasBlob(db, account_id, key); });
  co_return r;
}

Task<Result<size_t>> SqliteMetadataStore::AdoptOrphanBlobs(std::vector<OrphanBlob> blobs) {
  Result<size_t> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::AdoptOrphanBlobs(db, blobs); });
  co_return r;
}

Task<Result<bool>> SqliteMetadataStore::ClaimCollectorLease(std::string holder, uint32_t ttl_s) {
  Result<bool> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::ClaimCollectorLease(db, holder, ttl_s); });
  co_return r;
}

Task<Result<void>> SqliteMetadataStore::ReleaseCollectorLease(std::string holder) {
  Result<void> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::ReleaseCollectorLease(db, holder); });
  co_return r;
}

Task<Result<int64_t>> SqliteMetadataStore::EnqueueOutbound(QueueEnqueueRequest request) {
  Result<int64_t> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::EnqueueOutbound(db, request); });
  co_return r;
}

Task<Result<std::vector<QueuedMessageRecord>>> SqliteMetadataStore::ClaimQueueWork(
    std::string holder, int64_t now, uint32_t lease_s, size_t max) {
  Result<std::vector<QueuedMessageRecord>> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::ClaimQueueWork(db, holder, now, lease_s, max); });
  co_return r;
}

Task<Result<bool>> SqliteMetadataStore::RecordQueueAttempt(std::string holder, int64_t id,
                                                           std::vector<QueueOutcome> outcomes) {
  Result<bool> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::RecordQueueAttempt(db, holder, id, outcomes); });
  co_return r;
}

Task<Result<std::vector<QueuedMessageRecord>>> SqliteMetadataStore::ListQueue(int64_t after_id,
                                                                              size_t max) {
  Result<std::vector<QueuedMessageRecord>> r = co_await reader_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::ListQueue(db, after_id, max); });
  co_return r;
}

Task<Result<size_t>> SqliteMetadataStore::RetryQueue(int64_t id, int64_t now) {
  Result<size_t> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::RetryQueue(db, id, now); });
  co_return r;
}

Task<Result<void>> SqliteMetadataStore::RemoveQueued(int64_t id) {
  Result<void> r =
      co_await executor_->Call([&](sqlite::SqliteDb& db) { return sqlite::RemoveQueued(db, id); });
  co_return r;
}

}  // namespace ringmail
