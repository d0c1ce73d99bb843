// Conformance test bodies (metadata_conformance.h), continued: expunge, blob references and
// collection, quota, concurrent callers, and data surviving a reopen.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "metadata_conformance_bodies.h"

namespace ringmail::testing::conformance {

inline Task<void> Expunge(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  for (int i = 0; i < 3; ++i) {
    CO_ASSERT_OK(p, env.store->Deliver(MakeRequest(std::string(10 + i, 'a' + i), inbox)));
  }
  CO_ASSERT_OK(before, env.store->LoadMailbox(inbox));
  const uint64_t modseq_before = before->mailbox.highest_modseq;
  CO_ASSERT_OK(removed, env.store->Expunge(inbox, UidList(3, 1, 99)));
  EXPECT_EQ(*removed, (std::vector<uint32_t>{1, 3}));
  CO_ASSERT_OK(after, env.store->LoadMailbox(inbox));
  EXPECT_EQ(Uids(*after), (std::vector<uint32_t>{2}));
  EXPECT_EQ(after->mailbox.message_count, 1u);
  EXPECT_EQ(after->mailbox.uid_next, 4u);
  EXPECT_GT(after->mailbox.highest_modseq, modseq_before);
  ExpectCountersMatchRows(*after);
  CO_ASSERT_OK(since, env.store->ExpungedSince(inbox, modseq_before));
  EXPECT_EQ(*since, (std::vector<uint32_t>{1, 3}));
  CO_ASSERT_OK(none, env.store->ExpungedSince(inbox, after->mailbox.highest_modseq));
  EXPECT_TRUE(none->empty());
  CO_ASSERT_OK(again, env.store->Expunge(inbox, UidList(1)));
  EXPECT_TRUE(again->empty());
  CO_ASSERT_OK(account, env.store->GetAccount("alice"));
  EXPECT_EQ(account->used_messages, 1u);
  EXPECT_EQ(account->used_bytes, 11u);
  CO_ASSERT_OK(next, env.store->Deliver(MakeRequest("after expunge", inbox)));
  EXPECT_EQ((*next)[0].uid, 4u);  // UIDs are never reused
}

inline Task<void> BlobRefcount(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  const DeliveryRequest request = MakeRequest("same bytes twice", inbox);
  CO_ASSERT_OK(first, env.store->Deliver(request));
  CO_ASSERT_OK(second, env.store->Deliver(request));
  EXPECT_NE((*first)[0].email_id, (*second)[0].email_id);
  EXPECT_EQ(env.inspect->BlobRows(request.blob), 1);
  EXPECT_EQ(env.inspect->BlobRefcount(request.blob), 2);
  CO_ASSERT_OK(has, env.store->HasBlob(request.blob));
  EXPECT_TRUE(*has);

  CO_ASSERT_OK(one, env.store->Expunge(inbox, UidList(1)));
  EXPECT_EQ(env.inspect->BlobRefcount(request.blob), 1);
  CO_ASSERT_OK(referenced, env.store->MarkBlobsForDeletion(Now() + 3600, 100));
  EXPECT_TRUE(referenced->empty());
  CO_ASSERT_OK(two, env.store->Expunge(inbox, UidList(2)));
  EXPECT_EQ(env.inspect->BlobRefcount(request.blob), 0);
  CO_ASSERT_OK(in_grace, env.store->MarkBlobsForDeletion(Now() - 3600, 100));
  EXPECT_TRUE(in_grace->empty());  // unreferenced only just now
  CO_ASSERT_OK(marked, env.store->MarkBlobsForDeletion(Now() + 3600, 100));
  EXPECT_EQ(*marked, std::vector<BlobKey>{request.blob});
  CO_ASSERT_OK(forgotten, env.store->ForgetBlobs(*marked));
  EXPECT_EQ(env.inspect->BlobRows(request.blob), 0);
  CO_ASSERT_OK(gone, env.store->HasBlob(request.blob));
  EXPECT_FALSE(*gone);
}

inline Task<void> Quota(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice", 100));
  CO_ASSERT_OK(bob, MakeAccount(env.store, "bob"));
  const int64_t inbox = alice->Mailbox("INBOX");
  const int64_t bob_inbox = bob->Mailbox("INBOX");
  CO_ASSERT_OK(fits, env.store->Deliver(MakeRequest(std::string(60, 'a'), inbox)));
  CO_ASSERT_OK(before, env.store->GetAccount("alice"));
  const DeliveryRequest over = MakeRequest(std::string(60, 'b'), {bob_inbox, inbox});
  Result<std::vector<PlacedMessage>> refused = co_await env.store->Deliver(over);
  EXPECT_TRUE(!refused && refused.error().code == ErrorCode::kLimitExceeded);
  // Nothing of it happened, for either account.
  CO_ASSERT_OK(after, env.store->GetAccount("alice"));
  EXPECT_EQ(after->used_bytes, 60u);
  EXPECT_EQ(after->used_messages, 1u);
  EXPECT_EQ(after->highest_modseq, before->highest_modseq);
  CO_ASSERT_OK(snap, env.store->LoadMailbox(inbox));
  EXPECT_EQ(snap->messages.size(), 1u);
  EXPECT_EQ(snap->mailbox.uid_next, 2u);
  CO_ASSERT_OK(bob_snap, env.store->LoadMailbox(bob_inbox));
  EXPECT_TRUE(bob_snap->messages.empty());
  EXPECT_EQ(bob_snap->mailbox.uid_next, 1u);
  EXPECT_EQ(env.inspect->BlobRows(over.blob), 0);
  CO_ASSERT_OK(bob_account, env.store->GetAccount("bob"));
  EXPECT_EQ(bob_account->used_messages, 0u);

  DeliveryRequest forced = over;
  forced.enforce_quota = false;
  CO_ASSERT_OK(delivered, env.store->Deliver(forced));
  CO_ASSERT_OK(forced_after, env.store->GetAccount("alice"));
  EXPECT_EQ(forced_after->used_bytes, 120u);
}

inline Task<void> DeletingBlobBusy(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  const DeliveryRequest request = MakeRequest("collected", inbox);
  CO_ASSERT_OK(first, env.store->Deliver(request));
  CO_ASSERT_OK(removed, env.store->Expunge(inbox, UidList(1)));
  CO_ASSERT_OK(marked, env.store->MarkBlobsForDeletion(Now() + 3600, 100));
  EXPECT_EQ(*marked, std::vector<BlobKey>{request.blob});
  Result<std::vector<PlacedMessage>> busy = co_await env.store->Deliver(request);
  EXPECT_TRUE(!busy && busy.error().code == ErrorCode::kBusy);
  CO_ASSERT_OK(snap, env.store->LoadMailbox(inbox));
  EXPECT_TRUE(snap->messages.empty());
  EXPECT_EQ(snap->mailbox.uid_next, 2u);
  CO_ASSERT_OK(forgotten, env.store->ForgetBlobs(*marked));
  CO_ASSERT_OK(again, env.store->Deliver(request));
  EXPECT_EQ((*again)[0].uid, 2u);
  EXPECT_EQ(env.inspect->BlobRefcount(request.blob), 1);
}

// A reference to a blob written longer ago than its validity is refused (the collector may
// have deleted the object meanwhile): the caller must store the blob again.
inline Task<void> StaleBlobWriteRefused(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  DeliveryRequest request = MakeRequest("stale", inbox);
  request.blob_stored_at_ms = MonotonicMs() - kBlobWriteValidityMs - 1;
  Result<std::vector<PlacedMessage>> stale = co_await env.store->Deliver(request);
  EXPECT_TRUE(!stale && stale.error().code == ErrorCode::kTimeout);
  CO_ASSERT_OK(snap, env.store->LoadMailbox(inbox));
  EXPECT_TRUE(snap->messages.empty());
  EXPECT_EQ(env.inspect->BlobRefcount(request.blob), -1);
  request.blob_stored_at_ms = MonotonicMs();
  CO_ASSERT_OK(fresh, env.store->Deliver(request));
  EXPECT_EQ((*fresh)[0].uid, 1u);
}

inline Task<void> DeliverMany(MetadataStore* store, int64_t mailbox, int worker, int count,
                              std::vector<PlacedMessage>* out, Latch* latch) {
  for (int i = 0; i < count; ++i) {
    const std::string content = "worker " + std::to_string(worker) + " message " +
                                std::to_string(i) + std::string(static_cast<size_t>(i), 'z');
    Result<std::vector<PlacedMessage>> p = co_await store->Deliver(MakeRequest(content, mailbox));
    if (p) {
      out->push_back((*p)[0]);
    } else {
      ADD_FAILURE() << p.error().ToString();
    }
  }
  latch->Done();
}

inline void ExpectDistinctUidsAndIncreasingModseqs(std::vector<PlacedMessage> placed,
                                                   size_t expected) {
  ASSERT_EQ(placed.size(), expected);
  std::sort(placed.begin(), placed.end(), [](auto& a, auto& b) { return a.uid < b.uid; });
  for (size_t i = 0; i < placed.size(); ++i) {
    EXPECT_EQ(placed[i].uid, i + 1);  // no duplicate, no gap
    if (i > 0) {
      EXPECT_GT(placed[i].modseq, placed[i - 1].modseq);
    }
  }
}

inline Task<void> ConcurrentDeliveries(Env env) {
  constexpr int kWorkers = 8;
  constexpr int kEach = 25;
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  std::vector<PlacedMessage> placed;
  Latch latch(kWorkers);
  for (int w = 0; w < kWorkers; ++w) {
    Spawn(DeliverMany(env.store, inbox, w, kEach, &placed, &latch));
  }
  co_await latch.Wait();
  ExpectDistinctUidsAndIncreasingModseqs(placed, kWorkers * kEach);
  CO_ASSERT_OK(snap, env.store->LoadMailbox(inbox));
  EXPECT_EQ(snap->mailbox.uid_next, kWorkers * kEach + 1u);
  uint64_t highest = 0;
  for (const PlacedMessage& p : placed) highest = std::max(highest, p.modseq);
  EXPECT_EQ(snap->mailbox.highest_modseq, highest);
  ExpectCountersMatchRows(*snap);
}

inline Task<void> FlagRounds(MetadataStore* store, FlagUpdate update, int rounds, Latch* latch) {
  for (int i = 0; i < rounds; ++i) {
    Result<FlagUpdateResult> r = co_await store->UpdateFlags(update);
    if (!r) ADD_FAILURE() << r.error().ToString();
  }
  latch->Done();
}

inline Task<void> ExpungeEach(MetadataStore* store, int64_t mailbox, std::vector<uint32_t> uids,
                              Latch* latch) {
  for (uint32_t uid : uids) {
    Result<std::vector<uint32_t>> r = co_await store->Expunge(mailbox, UidList(uid));
    if (!r) ADD_FAILURE() << r.error().ToString();
  }
  latch->Done();
}

inline Task<void> FlagsRacingExpunge(Env env) {
  constexpr uint32_t kMessages = 40;
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  std::vector<uint32_t> all;
  std::vector<uint32_t> odd;
  for (uint32_t i = 1; i <= kMessages; ++i) {
    CO_ASSERT_OK(p, env.store->Deliver(MakeRequest("racing " + std::to_string(i), inbox)));
    all.push_back(i);
    if (i % 2 == 1) odd.push_back(i);
  }
  FlagUpdate add{inbox, all, FlagOperation::kAdd, {}, std::nullopt};
  add.flags.seen = true;
  add.flags.keywords = {"racing"};
  FlagUpdate remove = add;
  remove.operation = FlagOperation::kRemove;
  Latch latch(3);
  Spawn(FlagRounds(env.store, add, 6, &latch));
  Spawn(ExpungeEach(env.store, inbox, odd, &latch));
  Spawn(FlagRounds(env.store, remove, 5, &latch));
  co_await latch.Wait();
  CO_ASSERT_OK(snap, env.store->LoadMailbox(inbox));
  ExpectCountersMatchRows(*snap);
  EXPECT_EQ(snap->messages.size(), kMessages / 2);
  for (const MessageRecord& m : snap->messages) EXPECT_EQ(m.uid % 2, 0u);
  CO_ASSERT_OK(gone, env.store->ExpungedSince(inbox, 0));
  EXPECT_EQ(*gone, odd);
  CO_ASSERT_OK(account, env.store->GetAccount("alice"));
  EXPECT_EQ(account->used_messages, snap->messages.size());
  EXPECT_EQ(account->used_bytes, snap->mailbox.total_bytes);
}

inline Task<void> ReopenBefore(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  CO_ASSERT_OK(keep, env.store->CreateMailbox(alice->id(), "Keep", ""));
  CO_ASSERT_OK(one, env.store->Deliver(MakeRequest("kept one", inbox)));
  CO_ASSERT_OK(two, env.store->Deliver(MakeRequest("kept two", Ids(inbox, keep->id))));
  FlagUpdate seen{inbox, {1}, FlagOperation::kAdd, {}, std::nullopt};
  seen.flags.seen = true;
  CO_ASSERT_OK(flagged, env.store->UpdateFlags(seen));
}

inline Task<void> ReopenAfter(Env env) {
  CO_ASSERT_OK(alice, env.store->GetAccount("alice"));
  EXPECT_EQ(alice->used_messages, 2u);
  CO_ASSERT_OK(list, env.store->ListMailboxes(alice->id));
  const MailboxRecord* inbox = FindMailbox(*list, "INBOX");
  const MailboxRecord* keep = FindMailbox(*list, "Keep");
  CO_ASSERT_TRUE(inbox && keep);
  EXPECT_EQ(keep->message_count, 1u);
  CO_ASSERT_OK(snap, env.store->LoadMailbox(inbox->id));
  EXPECT_EQ(Uids(*snap), (std::vector<uint32_t>{1, 2}));
  CO_ASSERT_TRUE(snap->messages.size() == 2);
  EXPECT_TRUE(snap->messages[0].flags.seen);
  EXPECT_EQ(snap->messages[1].blob, BlobKey::Of("kept two"));
  ExpectCountersMatchRows(*snap);
  CO_ASSERT_OK(next, env.store->Deliver(MakeRequest("after reopen", inbox->id)));
  EXPECT_EQ((*next)[0].uid, 3u);
  EXPECT_GT((*next)[0].modseq, snap->mailbox.highest_modseq);
}

}  // namespace ringmail::testing::conformance
