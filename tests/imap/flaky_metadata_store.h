// A MetadataStore that forwards to a real one, or answers kUnavailable to every call while
// `down` is set: a database outage for session tests. `summaries_off` hides the cached
// summaries (the FETCH path that reads message bytes); `copies_down` fails only COPY/MOVE.
#pragma once

#include "store/metadata_store.h"

namespace ringmail::testing {

class FlakyMetadataStore final : public MetadataStore {
 public:
  explicit FlakyMetadataStore(MetadataStore* real) : real_(real) {}
  bool down = false;
  bool summaries_off = false;
  bool copies_down = false;  // only CopyMessages answers kUnavailable

#define RINGMAIL_FLAKY(Type, Name, Params, Args)                             \
  Task<Result<Type>> Name Params override {                                  \
    if (down) co_return MakeError(ErrorCode::kUnavailable, "database down"); \
    Result<Type> result_ = co_await real_->Name Args;                        \
    co_return result_;                                                       \
  }

  RINGMAIL_FLAKY(int64_t, CreateDomain, (std::string name), (std::move(name)))
  RINGMAIL_FLAKY(std::vector<std::string>, ListDomains, (), ())
  RINGMAIL_FLAKY(bool, HasDomain, (std::string name), (std::move(name)))
  RINGMAIL_FLAKY(void, DeleteDomain, (std::string name), (std::move(name)))
  RINGMAIL_FLAKY(AccountRecord, CreateAccount, (AccountRecord a), (std::move(a)))
  RINGMAIL_FLAKY(AccountRecord, GetAccount, (std::string name), (std::move(name)))
  RINGMAIL_FLAKY(std::vector<AccountRecord>, ListAccounts, (), ())
  RINGMAIL_FLAKY(AccountRecord, UpdateAccount, (AccountUpdate u), (std::move(u)))
  RINGMAIL_FLAKY(void, DeleteAccount, (std::string name), (std::move(name)))
  RINGMAIL_FLAKY(std::vector<std::string>, FindAddress, (std::string a), (std::move(a)))
  RINGMAIL_FLAKY(std::vector<std::string>, ListMembers, (std::string n), (std::move(n)))
  RINGMAIL_FLAKY(std::vector<MailboxRecord>, ListMailboxes, (int64_t a), (a))
  RINGMAIL_FLAKY(std::optional<MailboxRecord>, FindMailbox, (int64_t a, std::string n),
                 (a, std::move(n)))
  RINGMAIL_FLAKY(MailboxRecord, CreateMailbox, (int64_t a, std::string n, std::string u),
                 (a, std::move(n), std::move(u)))
  RINGMAIL_FLAKY(void, RenameMailbox, (int64_t a, int64_t m, std::string n), (a, m, std::move(n)))
  RINGMAIL_FLAKY(void, DeleteMailbox, (int64_t a, int64_t m), (a, m))
  RINGMAIL_FLAKY(void, SetSubscribed, (int64_t a, int64_t m, bool s), (a, m, s))
  RINGMAIL_FLAKY(std::vector<PlacedMessage>, Deliver, (DeliveryRequest r), (std::move(r)))
  RINGMAIL_FLAKY(MailboxSnapshot, LoadMailbox, (int64_t m), (m))
  RINGMAIL_FLAKY(MailboxIndex, LoadMailboxIndex, (int64_t m), (m))
  RINGMAIL_FLAKY(MailboxIndexChanges, LoadMailboxIndexChanges, (int64_t m, uint64_t s), (m, s))
  Task<Result<CopyResult>> CopyMessages(CopyRequest r) override {
    if (down || copies_down) co_return MakeError(ErrorCode::kUnavailable, "database down");
    Result<CopyResult> result = co_await real_->CopyMessages(std::move(r));
    co_return result;
  }
  RINGMAIL_FLAKY(std::vector<MessageRecord>, LoadMessages, (int64_t m, std::vector<uint32_t> u),
                 (m, std::move(u)))
  // With `summaries_off`, as a store that caches none (FETCH then reads the bytes).
  Task<Result<std::vector<CachedSummary>>> LoadSummaries(int64_t m,
                                                         std::vector<uint32_t> u) override {
    if (down) co_return MakeError(ErrorCode::kUnavailable, "database down");
    if (summaries_off) co_return std::vector<CachedSummary>();
    Result<std::vector<CachedSummary>> result = co_await real_->LoadSummaries(m, std::move(u));
    co_return result;
  }
  RINGMAIL_FLAKY(FlagUpdateResult, UpdateFlags, (FlagUpdate u), (std::move(u)))
  RINGMAIL_FLAKY(std::vector<uint32_t>, Expunge, (int64_t m, std::vector<uint32_t> u),
                 (m, std::move(u)))
  RINGMAIL_FLAKY(std::vector<uint32_t>, ExpungedSince, (int64_t m, uint64_t s), (m, s))
  RINGMAIL_FLAKY(std::vector<BlobKey>, MarkBlobsForDeletion, (int64_t b, size_t n), (b, n))
  RINGMAIL_FLAKY(void, ForgetBlobs, (std::vector<BlobKey> k), (std::move(k)))
  RINGMAIL_FLAKY(bool, HasBlob, (BlobKey k), (k))
  RINGMAIL_FLAKY(size_t, AdoptOrphanBlobs, (std::vector<OrphanBlob> b), (std::move(b)))
  RINGMAIL_FLAKY(bool, ClaimCollectorLease, (std::string h, uint32_t t), (std::move(h), t))
  RINGMAIL_FLAKY(void, ReleaseCollectorLease, (std::string h), (std::move(h)))
  RINGMAIL_FLAKY(int64_t, EnqueueOutbound, (QueueEnqueueRequest r), (std::move(r)))
  RINGMAIL_FLAKY(std::vector<QueuedMessageRecord>, ClaimQueueWork,
                 (std::string h, int64_t now, uint32_t lease_s, size_t max),
                 (std::move(h), now, lease_s, max))
  RINGMAIL_FLAKY(bool, RecordQueueAttempt, (std::string h, int64_t id, std::vector<QueueOutcome> o),
                 (std::move(h), id, std::move(o)))
  RINGMAIL_FLAKY(std::vector<QueuedMessageRecord>, ListQueue, (int64_t after, size_t max),
                 (after, max))
  RINGMAIL_FLAKY(size_t, RetryQueue, (int64_t id, int64_t now), (id, now))
  RINGMAIL_FLAKY(void, RemoveQueued, (int64_t id), (id))
#undef RINGMAIL_FLAKY

 private:
  MetadataStore* real_;
};

}  // namespace ringmail::testing
