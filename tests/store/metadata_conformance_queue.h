// Conformance test bodies (metadata_conformance.h), continued: the outbound queue
// (docs/storage.md, "The outbound queue").
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "metadata_conformance_bodies.h"

namespace ringmail::testing::conformance {

inline constexpr uint8_t kQueueTestNotify = 4 | 8;  // FAILURE,DELAY

inline QueueEnqueueRequest MakeQueued(std::string_view content, std::vector<std::string> rcpts,
                                      int64_t now, std::string sender = "alice@example.org") {
  QueueEnqueueRequest r;
  r.now = now;
  r.message.sender = std::move(sender);
  r.message.envid = "env-1";
  r.message.return_full = true;
  r.message.authenticated_as = "alice";
  r.message.blob = BlobKey::Of(content);
  r.message.size = content.size();
  r.message.expires_at = now + 3600;
  for (std::string& a : rcpts) {
    QueueRecipientRecord rec;
    rec.address = std::move(a);
    rec.notify = kQueueTestNotify;
    rec.orcpt = "rfc822;" + rec.address;
    r.message.recipients.push_back(std::move(rec));
  }
  r.stored_size = content.size() + 40;
  r.blob_stored_at_ms = MonotonicMs();
  return r;
}

inline std::vector<std::string> Addrs(std::string a, std::string b = "") {
  std::vector<std::string> v{std::move(a)};
  if (!b.empty()) v.push_back(std::move(b));
  return v;
}

inline std::vector<QueueOutcome> Outcome(std::string address, QueueOutcomeKind kind,
                                         int64_t next = 0) {
  std::vector<QueueOutcome> v(1);
  v[0].address = std::move(address);
  v[0].kind = kind;
  v[0].reply = "250 2.0.0 Ok\r\nx";
  v[0].next_attempt_at = next;
  return v;
}

// Enqueue, list, claim with a lease, outcomes; the message leaves the queue (and drops its
// blob reference) when no recipient is pending.
inline Task<void> QueueLifecycle(Env env) {
  const int64_t now = Now();
  const QueueEnqueueRequest req = MakeQueued("queued one", Addrs("b@x.test", "a@x.test"), now);
  CO_ASSERT_OK(id, env.store->EnqueueOutbound(req));
  EXPECT_GT(*id, 0);
  EXPECT_EQ(env.inspect->BlobRefcount(req.message.blob), 1);

  CO_ASSERT_OK(list, env.store->ListQueue(0, 100));
  CO_ASSERT_TRUE(list->size() == 1);
  const QueuedMessageRecord& m = (*list)[0];
  EXPECT_EQ(m.id, *id);
  EXPECT_EQ(m.sender, "alice@example.org");
  EXPECT_EQ(m.envid, "env-1");
  EXPECT_TRUE(m.return_full);
  EXPECT_EQ(m.authenticated_as, "alice");
  EXPECT_EQ(m.blob, req.message.blob);
  EXPECT_EQ(m.size, req.message.size);
  EXPECT_EQ(m.created_at, now);
  EXPECT_EQ(m.expires_at, now + 3600);
  CO_ASSERT_TRUE(m.recipients.size() == 2);
  EXPECT_EQ(m.recipients[0].address, "a@x.test");  // by address
  EXPECT_EQ(m.recipients[0].notify, kQueueTestNotify);
  EXPECT_EQ(m.recipients[0].orcpt, "rfc822;a@x.test");
  EXPECT_EQ(m.recipients[0].state, QueueRecipientState::kPending);
  EXPECT_EQ(m.recipients[0].next_attempt_at, now);

  // Not due before `now`; then both, leased: a second claim gets nothing.
  CO_ASSERT_OK(early, env.store->ClaimQueueWork("node-a", now - 1, 60, 100));
  EXPECT_TRUE(early->empty());
  CO_ASSERT_OK(claimed, env.store->ClaimQueueWork("node-a", now, 60, 100));
  CO_ASSERT_TRUE(claimed->size() == 1 && (*claimed)[0].recipients.size() == 2);
  CO_ASSERT_OK(again, env.store->ClaimQueueWork("node-b", now, 60, 100));
  EXPECT_TRUE(again->empty());

  // a: delivered; b: retry in 300 s. The message stays.
  CO_ASSERT_OK(left, env.store->RecordQueueAttempt(
                         "node-a", *id, Outcome("a@x.test", QueueOutcomeKind::kDelivered)));
  EXPECT_FALSE(*left);
  CO_ASSERT_OK(kept, env.store->RecordQueueAttempt(
                         "node-a", *id, Outcome("b@x.test", QueueOutcomeKind::kRetry, now + 300)));
  EXPECT_FALSE(*kept);
  CO_ASSERT_OK(list2, env.store->ListQueue(0, 100));
  CO_ASSERT_TRUE(list2->size() == 1 && (*list2)[0].recipients.size() == 2);
  const QueueRecipientRecord& a = (*list2)[0].recipients[0];
  const QueueRecipientRecord& b = (*list2)[0].recipients[1];
  EXPECT_EQ(a.state, QueueRecipientState::kDelivered);
  EXPECT_EQ(a.attempts, 1u);
  EXPECT_EQ(a.last_reply, "250 2.0.0 Ok  x");  // control characters stored as spaces
  EXPECT_EQ(b.state, QueueRecipientState::kPending);
  EXPECT_EQ(b.next_attempt_at, now + 300);

  // b is leased no more but not due; at now + 300 it is, to node-b.
  CO_ASSERT_OK(none, env.store->ClaimQueueWork("node-b", now + 299, 60, 100));
  EXPECT_TRUE(none->empty());
  CO_ASSERT_OK(due, env.store->ClaimQueueWork("node-b", now + 300, 60, 100));
  CO_ASSERT_TRUE(due->size() == 1 && (*due)[0].recipients.size() == 1);
  // node-a's lease is gone: its outcome is ignored.
  CO_ASSERT_OK(stale, env.store->RecordQueueAttempt(
                          "node-a", *id, Outcome("b@x.test", QueueOutcomeKind::kDelivered)));
  EXPECT_FALSE(*stale);
  CO_ASSERT_OK(done, env.store->RecordQueueAttempt("node-b", *id,
                                                   Outcome("b@x.test", QueueOutcomeKind::kFailed)));
  EXPECT_TRUE(*done);
  CO_ASSERT_OK(empty, env.store->ListQueue(0, 100));
  EXPECT_TRUE(empty->empty());
  EXPECT_EQ(env.inspect->BlobRefcount(req.message.blob), 0);
  // Unreferenced now: the collector may take it.
  CO_ASSERT_OK(marked, env.store->MarkBlobsForDeletion(Now() + 3600, 100));
  EXPECT_EQ(*marked, std::vector<BlobKey>{req.message.blob});
}

// An expired lease is claimed again; a retry is never due after the message expires; retry
// and remove; bad requests.
inline Task<void> QueueLeasesRetryRemove(Env env) {
  const int64_t now = Now();
  const QueueEnqueueRequest req = MakeQueued("queued two", Addrs("c@x.test"), now);
  CO_ASSERT_OK(id, env.store->EnqueueOutbound(req));
  CO_ASSERT_OK(first, env.store->ClaimQueueWork("node-a", now, 60, 10));
  EXPECT_EQ(first->size(), 1u);
  CO_ASSERT_OK(taken, env.store->ClaimQueueWork("node-b", now + 59, 60, 10));
  EXPECT_TRUE(taken->empty());
  CO_ASSERT_OK(over, env.store->ClaimQueueWork("node-b", now + 61, 60, 10));
  EXPECT_EQ(over->size(), 1u);
  CO_ASSERT_OK(kept,
               env.store->RecordQueueAttempt(
                   "node-b", *id, Outcome("c@x.test", QueueOutcomeKind::kRetry, now + 99999)));
  EXPECT_FALSE(*kept);
  CO_ASSERT_OK(list, env.store->ListQueue(0, 10));
  CO_ASSERT_TRUE(list->size() == 1);
  EXPECT_EQ((*list)[0].recipients[0].next_attempt_at, now + 3600);  // capped at expiry
  EXPECT_EQ((*list)[0].recipients[0].attempts, 1u);

  CO_ASSERT_OK(retried, env.store->RetryQueue(*id, now + 5));
  EXPECT_EQ(*retried, 1u);
  CO_ASSERT_OK(all, env.store->RetryQueue(0, now + 5));
  EXPECT_EQ(*all, 1u);
  CO_ASSERT_OK(due, env.store->ClaimQueueWork("node-a", now + 5, 60, 10));
  EXPECT_EQ(due->size(), 1u);
  Result<size_t> unknown = co_await env.store->RetryQueue(*id + 1000, now);
  EXPECT_TRUE(!unknown && unknown.error().code == ErrorCode::kNotFound);

  CO_ASSERT_OK(removed, env.store->RemoveQueued(*id));
  EXPECT_EQ(env.inspect->BlobRefcount(req.message.blob), 0);
  Result<void> gone = co_await env.store->RemoveQueued(*id);
  EXPECT_TRUE(!gone && gone.error().code == ErrorCode::kNotFound);

  QueueEnqueueRequest twice = MakeQueued("bad", Addrs("d@x.test", "d@x.test"), now);
  Result<int64_t> dup = co_await env.store->EnqueueOutbound(twice);
  EXPECT_TRUE(!dup && dup.error().code == ErrorCode::kInvalidArgument);
  QueueEnqueueRequest stale = MakeQueued("stale", Addrs("d@x.test"), now);
  stale.blob_stored_at_ms = MonotonicMs() - kBlobWriteValidityMs - 1000;
  Result<int64_t> old = co_await env.store->EnqueueOutbound(stale);
  EXPECT_TRUE(!old && old.error().code == ErrorCode::kTimeout);
  Result<std::vector<QueuedMessageRecord>> big =
      co_await env.store->ClaimQueueWork("node-a", now, 60, kQueueClaimMax + 1);
  EXPECT_TRUE(!big && big.error().code == ErrorCode::kInvalidArgument);
}

// A queued message and a delivered email share a blob; a blob being collected refuses.
inline Task<void> QueueSharesBlobs(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  const DeliveryRequest delivered = MakeRequest("shared content", inbox);
  CO_ASSERT_OK(placed, env.store->Deliver(delivered));
  const int64_t now = Now();
  CO_ASSERT_OK(id,
               env.store->EnqueueOutbound(MakeQueued("shared content", Addrs("e@x.test"), now)));
  EXPECT_EQ(env.inspect->BlobRefcount(delivered.blob), 2);
  CO_ASSERT_OK(expunged, env.store->Expunge(inbox, UidList(1)));
  EXPECT_EQ(env.inspect->BlobRefcount(delivered.blob), 1);
  CO_ASSERT_OK(marked, env.store->MarkBlobsForDeletion(Now() + 3600, 100));
  EXPECT_TRUE(marked->empty());  // still queued

  const DeliveryRequest doomed = MakeRequest("doomed", inbox);
  CO_ASSERT_OK(placed2, env.store->Deliver(doomed));
  CO_ASSERT_OK(expunged2, env.store->Expunge(inbox, UidList(2)));
  CO_ASSERT_OK(marked2, env.store->MarkBlobsForDeletion(Now() + 3600, 100));
  EXPECT_EQ(*marked2, std::vector<BlobKey>{doomed.blob});
  Result<int64_t> busy =
      co_await env.store->EnqueueOutbound(MakeQueued("doomed", Addrs("e@x.test"), now));
  EXPECT_TRUE(!busy && busy.error().code == ErrorCode::kBusy);
}

}  // namespace ringmail::testing::conformance
