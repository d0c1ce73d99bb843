// PostgresMetadataStore: the MetadataStore (docs/storage.md) on PostgreSQL, for clusters of
// stateless nodes sharing one database.
//
// Every method runs on the calling reactor core: its SQL goes over that core's own
// connections (pg_pool.h) in libpq's non-blocking pipeline mode, so concurrent calls on a
// core share round trips. Each write is one call of a schema function (one transaction,
// one round trip); the schema's functions lock account rows first, in id order, which
// serialises writes per account (no duplicate UIDs, modseqs strictly increasing) without
// deadlocks. A database outage is kUnavailable; the pool reconnects by itself.
//
// Shutdown: destroying the store closes every connection. REQUIRES: no call in flight.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/worker_pool.h"
#include "store/metadata_store.h"
#include "store/postgres/pg_pool.h"

namespace ringmail {

struct PostgresStoreOptions {
  std::string uri;                // postgresql://… (CONTRACT.md); sslmode honoured by libpq
  WorkerPool* workers = nullptr;  // resolves host names; required when the URI has any
  uint32_t connections_per_core = 2;
  uint32_t pipeline_depth = 32;
  bool pipelined = true;  // false: one unit per connection at a time (benchmarks)
  uint64_t connect_timeout_ms = 5000;
  uint64_t response_timeout_ms = 30000;
  uint32_t cores_max = 256;  // reactor core indexes below this
};

class PostgresMetadataStore : public MetadataStore {
 public:
  // Checks the options (kConfig for a malformed URI, or host names without `workers`); no
  // I/O. Call Migrate() before the first operation.
  static Result<std::unique_ptr<PostgresMetadataStore>> Create(const PostgresStoreOptions& options);
  // Connects once and applies missing migrations under an advisory lock (several nodes may
  // start at once); refuses a schema newer than this binary (kConfig, nothing changed).
  // kUnavailable when the server cannot be reached; kConfig for a refused login or a missing
  // database. Blocking: on the main thread at start, or on a worker, never on a reactor.
  Result<void> Migrate();
  // Create() and Migrate().
  static Result<std::unique_ptr<PostgresMetadataStore>> Open(const PostgresStoreOptions& options);
  ~PostgresMetadataStore() override;

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

  // pg_api_keys.cc
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
  // pg_email.cc
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

  // pg_jmap_objects.cc
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

 private:
  explicit PostgresMetadataStore(postgres::PgPoolConfig config, uint32_t cores_max);
  // Sets the account's role (after its other fields, in a transaction of its own).
  Task<Result<void>> SetAccountRole(std::string name, std::string role);
  // This core's pool.
  postgres::PgCorePool& Pool();
  // One statement as one unit. (Run builds the parameters outside any co_await expression:
  // GCC 12 miscompiles a braced list inside one.)
  Task<Result<postgres::PgRows>> RunParams(postgres::PgStatementId statement,
                                           postgres::PgParams params);
  template <typename... Params>
  Task<Result<postgres::PgRows>> Run(postgres::PgStatementId statement, Params... params) {
    return RunParams(statement,
                     postgres::PgParams{std::optional<std::string>(std::move(params))...});
  }

  postgres::PgPoolConfig config_;
  std::vector<std::unique_ptr<postgres::PgCorePool>> pools_;  // by core index
};

}  // namespace ringmail
