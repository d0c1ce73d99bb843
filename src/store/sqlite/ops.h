// The SQLite backend's operations: each implements one MetadataStore method (its contract is
// in store/metadata_store.h, the rules in docs/storage.md) as plain blocking code over a
// SqliteDb. They run on the store thread, inside the operation's savepoint of the current
// transaction (sqlite_executor.h): an operation that returns an error is rolled back whole.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/metadata_store.h"
#include "store/sqlite/sqlite_db.h"

namespace ringmail::sqlite {

// account_ops.cc
Result<int64_t> CreateDomain(SqliteDb& db, std::string_view name);
Result<std::vector<std::string>> ListDomains(SqliteDb& db);
Result<AccountRecord> CreateAccount(SqliteDb& db, const AccountRecord& account);
Result<bool> HasDomain(SqliteDb& db, std::string_view name);
Result<void> DeleteDomain(SqliteDb& db, std::string_view name);
Result<AccountRecord> GetAccount(SqliteDb& db, std::string_view name);
Result<std::vector<AccountRecord>> ListAccounts(SqliteDb& db);
Result<AccountRecord> UpdateAccount(SqliteDb& db, const AccountUpdate& update);
Result<void> DeleteAccount(SqliteDb& db, std::string_view name);

// api_key_ops.cc
Result<ApiKeyRecord> CreateApiKey(SqliteDb& db, const ApiKeyRecord& key);
Result<std::vector<ApiKeyRecord>> ListApiKeys(SqliteDb& db, std::string_view account);
Result<ApiKeyRecord> FindApiKey(SqliteDb& db, std::string_view key_id);
Result<void> DeleteApiKey(SqliteDb& db, std::string_view account, std::string_view name);
Result<void> TouchApiKey(SqliteDb& db, int64_t id, int64_t used_at);

// address_ops.cc
Result<std::vector<std::string>> ReadAddresses(SqliteDb& db, int64_t account_id);
Result<std::vector<std::string>> ReadMemberOf(SqliteDb& db, int64_t account_id);
// Replace the account's addresses / memberships (AccountRecord's rules).
Result<void> SetAddresses(SqliteDb& db, int64_t account_id, std::string_view type,
                          const std::vector<std::string>& emails);
Result<void> SetMemberOf(SqliteDb& db, int64_t account_id, const std::vector<std::string>& groups);
Result<std::vector<std::string>> FindAddress(SqliteDb& db, std::string_view address);
Result<std::vector<std::string>> ListMembers(SqliteDb& db, std::string_view name);

// mailbox_ops.cc
Result<std::vector<MailboxRecord>> ListMailboxes(SqliteDb& db, int64_t account_id);
Result<std::optional<MailboxRecord>> FindMailbox(SqliteDb& db, int64_t account_id,
                                                 std::string_view name);
Result<MailboxRecord> CreateMailbox(SqliteDb& db, int64_t account_id, std::string_view name,
                                    std::string_view special_use);
Result<void> RenameMailbox(SqliteDb& db, int64_t account_id, int64_t mailbox_id,
                           std::string_view new_name);
Result<void> DeleteMailbox(SqliteDb& db, int64_t account_id, int64_t mailbox_id);
Result<void> SetSubscribed(SqliteDb& db, int64_t account_id, int64_t mailbox_id, bool subscribed);

// changes_ops.cc
Result<ChangesResult> LoadChanges(SqliteDb& db, int64_t account_id, std::string_view object_type,
                                  uint64_t since, size_t max);

// deliver_op.cc
Result<std::vector<PlacedMessage>> Deliver(SqliteDb& db, const DeliveryRequest& request);

// message_ops.cc
Result<MailboxSnapshot> LoadMailbox(SqliteDb& db, int64_t mailbox_id);
Result<MailboxIndex> LoadMailboxIndex(SqliteDb& db, int64_t mailbox_id);
Result<std::vector<CachedSummary>> LoadSummaries(SqliteDb& db, int64_t mailbox_id,
                                                 std::span<const uint32_t> uids);
Result<std::vector<MessageRecord>> LoadMessages(SqliteDb& db, int64_t mailbox_id,
                                                std::span<const uint32_t> uids);
Result<FlagUpdateResult> UpdateFlags(SqliteDb& db, const FlagUpdate& update);
Result<std::vector<uint32_t>> Expunge(SqliteDb& db, int64_t mailbox_id,
                                      std::span<const uint32_t> uids);
Result<std::vector<uint32_t>> ExpungedSince(SqliteDb& db, int64_t mailbox_id, uint64_t modseq);

// email_ops.cc
Result<std::vector<EmailRecord>> LoadEmails(SqliteDb& db, int64_t account_id,
                                            std::span<const int64_t> ids);
Result<std::vector<EmailRecord>> ListEmails(SqliteDb& db, int64_t account_id);
Result<std::vector<PlacedMessage>> AddEmailPlacements(SqliteDb& db, int64_t account_id,
                                                      int64_t email_id,
                                                      std::span<const int64_t> mailbox_ids);

// blob_ops.cc
Result<std::vector<BlobKey>> MarkBlobsForDeletion(SqliteDb& db, int64_t unreferenced_before,
                                                  size_t max);
Result<void> ForgetBlobs(SqliteDb& db, std::span<const BlobKey> keys);
Result<bool> HasBlob(SqliteDb& db, const BlobKey& key);
Result<size_t> AdoptOrphanBlobs(SqliteDb& db, std::span<const OrphanBlob> blobs);
Result<bool> ClaimCollectorLease(SqliteDb& db, std::string_view holder, uint32_t ttl_s);
Result<void> ReleaseCollectorLease(SqliteDb& db, std::string_view holder);

// upload_ops.cc
Result<void> RecordUpload(SqliteDb& db, const BlobUploadRequest& request);
Result<bool> AccountHasBlob(SqliteDb& db, int64_t account_id, const BlobKey& key);

// queue_ops.cc
Result<int64_t> EnqueueOutbound(SqliteDb& db, const QueueEnqueueRequest& request);
Result<std::vector<QueuedMessageRecord>> ClaimQueueWork(SqliteDb& db, std::string_view holder,
                                                        int64_t now, uint32_t lease_s, size_t max);
Result<bool> RecordQueueAttempt(SqliteDb& db, std::string_view holder, int64_t id,
                                std::span<const QueueOutcome> outcomes);
Result<std::vector<QueuedMessageRecord>> ListQueue(SqliteDb& db, int64_t after_id, size_t max);
Result<size_t> RetryQueue(SqliteDb& db, int64_t id, int64_t now);
Result<void> RemoveQueued(SqliteDb& db, int64_t id);

// jmap_object_ops.cc
Result<IdentityList> ListIdentities(SqliteDb& db, int64_t account_id);
Result<IdentityRecord> SaveIdentity(SqliteDb& db, int64_t account_id, const IdentityRecord& in);
Result<void> DeleteIdentity(SqliteDb& db, int64_t account_id, int64_t id);
Result<int64_t> CreateSubmission(SqliteDb& db, int64_t account_id, const SubmissionRecord& s);
Result<SubmissionList> ListSubmissions(SqliteDb& db, int64_t account_id);
Result<void> DeleteSubmission(SqliteDb& db, int64_t account_id, int64_t id);
Result<std::vector<QueueSubmission>> FindQueueSubmissions(SqliteDb& db, int64_t queue_id);
Result<bool> UpdateSubmission(SqliteDb& db, int64_t account_id, int64_t id,
                              std::string_view expected, std::string_view envelope);
Result<VacationRecord> LoadVacation(SqliteDb& db, int64_t account_id);
Result<void> SaveVacation(SqliteDb& db, int64_t account_id, const VacationRecord& v);
Result<bool> ClaimVacationReply(SqliteDb& db, int64_t account_id, std::string_view sender,
                                int64_t now, int64_t interval_s);

}  // namespace ringmail::sqlite
