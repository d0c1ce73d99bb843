// SqliteMetadataStore: the embedded MetadataStore (docs/storage.md), one SQLite file in WAL
// mode with synchronous=FULL: an operation reports success only after its commit is fsynced.
//
// Every method may be called from any reactor core and completes on the calling core. The
// SQL itself runs on two threads (sqlite_executor.h): the store thread owns the writing
// connection and commits concurrent operations together (group commit); the read thread owns
// a read-only connection and runs the methods that only read (Get*, Find*, List*, Load*,
// Has*), so a read never waits behind a group's commit. A read sees what has committed, so a
// caller reads its own finished writes. The store must outlive every call; destroying it with
// a call in flight is a bug (CHECKed by the executor).
#pragma once

#include <memory>
#include <string>

#include "store/metadata_store.h"
#include "store/sqlite/sqlite_executor.h"

namespace ringmail {

struct SqliteStoreOptions {
  std::string path;                  // the database file; its parent directories are created
  int busy_timeout_ms = 5000;        // waiting for another process's lock (an operator's sqlite3)
  sqlite::ExecutorOptions executor;  // batch_max = 1: a commit per operation (benchmarks)
  sqlite::ExecutorOptions reader;    // the read thread's (read_only is forced)
};

class SqliteMetadataStore : public MetadataStore {
 public:
  // Opens or creates the database, refuses a schema newer than this binary (kConfig, the
  // file untouched), applies missing migrations, and starts the store thread. Blocking: runs
  // at start-up, not on a reactor.
  static Result<std::unique_ptr<SqliteMetadataStore>> Open(std::string path);
  static Result<std::unique_ptr<SqliteMetadataStore>> Open(const SqliteStoreOptions& options);
  ~SqliteMetadataStore() override;

  Task<Result<int64_t>> CreateDomain(std::string name) override;
  Task<Result<std::vector<std::string>>> ListDomains() override;
  Task<Result<AccountRecord>> CreateAccount(AccountRecord account) override;
  Task<Result<bool>> HasDomain(std::string name) override;
  Task<Result<void>> DeleteDomain(std::string name) override;
  Task<Result<AccountRecord>> GetAccount(std::string name) override;
  Task<Result<std::vector<AccountRecord>>> ListAccounts() override;
  Task<Result<AccountRecord>> UpdateAccount(AccountUpdate update) override;
  Task<Result<void>> DeleteAccount(std::string name) override;
  Task<Result<std::vector<std::string>>> FindAddress(std::string address) override;
  Task<Result<std::vector<std::string>>> ListMembers(std::string name) override;

  // sqlite_store_api_keys.cc
  Task<Result<ApiKeyRecord>> CreateApiKey(ApiKeyRecord key) override;
  Task<Result<std::vector<ApiKeyRecord>>> ListApiKeys(std::string account) override;
  Task<Result<ApiKeyRecord>> FindApiKey(std::string key_id) override;
  Task<Result<void>> DeleteApiKey(std::string account, std::string name) override;
  Task<Result<void>> TouchApiKey(int64_t id, int64_t used_at) override;

  Task<Result<std::vector<MailboxRecord>>> ListMailboxes(int64_t account_id) override;
  Task<Result<std::optional<MailboxRecord>>> FindMailbox(int64_t account_id,
                                                         std::string name) override;
  Task<Result<MailboxRecord>> CreateMailbox(int64_t account_id, std::string name,
                                            std::string special_use) override;
  Task<Result<void>> RenameMailbox(int64_t account_id, int64_t mailbox_id,
                                   std::string new_name) override;
  Task<Result<void>> DeleteMailbox(int64_t account_id, int64_t mailbox_id) override;
  Task<Result<ChangesResult>> LoadChanges(int64_t account_id, std::string object_type,
                                          uint64_t since, size_t max) override;
  Task<Result<void>> SetSubscribed(int64_t account_id, int64_t mailbox_id,
                                   bool subscribed) override;

  Task<Result<std::vector<PlacedMessage>>> Deliver(DeliveryRequest request) override;
  Task<Result<MailboxSnapshot>> LoadMailbox(int64_t mailbox_id) override;
  Task<Result<MailboxIndex>> LoadMailboxIndex(int64_t mailbox_id) override;
  Task<Result<std::vector<MessageRecord>>> LoadMessages(int64_t mailbox_id,
                                                        std::vector<uint32_t> uids) override;
  Task<Result<std::vector<CachedSummary>>> LoadSummaries(int64_t mailbox_id,
                                                         std::vector<uint32_t> uids) override;
  Task<Result<FlagUpdateResult>> UpdateFlags(FlagUpdate update) override;
  Task<Result<std::vector<uint32_t>>> Expunge(int64_t mailbox_id,
                                              std::vector<uint32_t> uids) override;
  Task<Result<std::vector<uint32_t>>> ExpungedSince(int64_t mailbox_id, uint64_t modseq) override;
  Task<Result<std::vector<EmailRecord>>> LoadEmails(int64_t account_id,
                                                    std::vector<int64_t> ids) override;
  Task<Result<std::vector<EmailRecord>>> ListEmails(int64_t account_id) override;
  Task<Result<std::vector<PlacedMessage>>> AddEmailPlacements(
      int64_t account_id, int64_t email_id, std::vector<int64_t> mailbox_ids) override;

  Task<Result<std::vector<BlobKey>>> MarkBlobsForDeletion(int64_t unreferenced_before,
                                                          size_t max) override;
  Task<Result<void>> ForgetBlobs(std::vector<BlobKey> keys) override;
  Task<Result<bool>> HasBlob(BlobKey key) override;
  Task<Result<void>> RecordUpload(BlobUploadRequest request) override;
  Task<Result<bool>> AccountHasBlob(int64_t account_id, BlobKey key) override;
  Task<Result<size_t>> AdoptOrphanBlobs(std::vector<OrphanBlob> blobs) override;
  Task<Result<bool>> ClaimCollectorLease(std::string holder, uint32_t ttl_s) override;
  Task<Result<void>> ReleaseCollectorLease(std::string holder) override;

  Task<Result<int64_t>> EnqueueOutbound(QueueEnqueueRequest request) override;
  Task<Result<std::vector<QueuedMessageRecord>>> ClaimQueueWork(std::string holder, int64_t now,
                                                                uint32_t lease_s,
                                                                size_t max) override;
  Task<Result<bool>> RecordQueueAttempt(std::string holder, int64_t id,
                                        std::vector<QueueOutcome> outcomes) override;
  Task<Result<std::vector<QueuedMessageRecord>>> ListQueue(int64_t after_id, size_t max) override;
  Task<Result<size_t>> RetryQueue(int64_t id, int64_t now) override;
  Task<Result<void>> RemoveQueued(int64_t id) override;

  Task<Result<IdentityList>> ListIdentities(int64_t account_id) override;
  Task<Result<IdentityRecord>> SaveIdentity(int64_t account_id, IdentityRecord identity) override;
  Task<Result<void>> DeleteIdentity(int64_t account_id, int64_t id) override;
  Task<Result<int64_t>> CreateSubmission(int64_t account_id, SubmissionRecord submission) override;
  Task<Result<SubmissionList>> ListSubmissions(int64_t account_id) override;
  Task<Result<void>> DeleteSubmission(int64_t account_id, int64_t id) override;
  Task<Result<std::vector<QueueSubmission>>> FindQueueSubmissions(int64_t queue_id) override;
  Task<Result<bool>> UpdateSubmission(int64_t account_id, int64_t id, std::string expected,
                                      std::string envelope) override;
  Task<Result<VacationRecord>> LoadVacation(int64_t account_id) override;
  Task<Result<void>> SaveVacation(int64_t account_id, VacationRecord vacation) override;
  Task<Result<bool>> ClaimVacationReply(int64_t account_id, std::string sender, int64_t now,
                                        int64_t interval_s) override;

  // Transactions and operations the store thread ran so far (group commit makes the first
  // smaller); reads, on the read thread, are in reader_stats().
  sqlite::SqliteExecutor::Stats stats() const { return executor_->stats(); }
  sqlite::SqliteExecutor::Stats reader_stats() const { return reader_->stats(); }

 private:
  SqliteMetadataStore(std::unique_ptr<sqlite::SqliteExecutor> executor,
                      std::unique_ptr<sqlite::SqliteExecutor> reader)
      : executor_(std::move(executor)), reader_(std::move(reader)) {}

  std::unique_ptr<sqlite::SqliteExecutor> executor_;  // writes (and reads inside writes)
  std::unique_ptr<sqlite::SqliteExecutor> reader_;    // the methods that only read
};

}  // namespace ringmail
