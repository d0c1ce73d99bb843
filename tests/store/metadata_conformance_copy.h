// Conformance test bodies (metadata_conformance.h), continued: CopyMessages (IMAP COPY and
// MOVE in one transaction), LoadMailboxIndexChanges (what a refresh of an index reads) and the
// message-count quota.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mail/mailbox_index_merge.h"
#include "metadata_conformance_index.h"

namespace ringmail::testing::conformance {

inline CopyRequest MakeCopy(int64_t source, std::vector<uint32_t> uids, int64_t target, bool move) {
  CopyRequest r;
  r.source_mailbox_id = source;
  r.uids = std::move(uids);
  r.target_mailbox_id = target;
  r.move = move;
  r.enforce_quota = !move;
  return r;
}

// COPY: new emails sharing the blobs, counted in the usage, own flags from then on; the
// target's counters, UIDs and modseq; absent UIDs skipped; both mailboxes still agree with
// their indexes.
inline Task<void> CopyMakesNewEmails(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  const int64_t archive = alice->Mailbox("Archive");
  for (int i = 0; i < 4; ++i) {
    CO_ASSERT_OK(p, env.store->Deliver(MakeRequest("c" + std::to_string(i), inbox, MixedFlags(i))));
  }
  CO_ASSERT_OK(before, env.store->GetAccount("alice"));
  CO_ASSERT_OK(copied,
               env.store->CopyMessages(MakeCopy(inbox, UidList(4, 2, 99, 1), archive, false)));
  EXPECT_EQ(copied->source_uids, UidList(1, 2, 4));
  EXPECT_EQ(copied->target_uids, UidList(1, 2, 3));
  EXPECT_GT(copied->modseq, before->highest_modseq);
  CO_ASSERT_OK(after, env.store->GetAccount("alice"));
  EXPECT_EQ(after->used_messages, before->used_messages + 3);
  EXPECT_EQ(after->used_bytes, before->used_bytes + 3 * 2);  // "cN": 2 bytes each
  EXPECT_EQ(env.inspect->BlobRefcount(BlobKey::Of("c1")), 2);
  CO_ASSERT_OK(target, env.store->LoadMailbox(archive));
  EXPECT_EQ(target->mailbox.message_count, 3u);
  EXPECT_EQ(target->mailbox.uid_next, 4u);
  EXPECT_EQ(target->mailbox.highest_modseq, copied->modseq);
  CO_ASSERT_OK(source, env.store->LoadMailbox(inbox));
  CO_ASSERT_TRUE(target->messages.size() == 3 && source->messages.size() == 4);
  EXPECT_EQ(target->messages[2].flags, source->messages[3].flags);
  EXPECT_EQ(target->messages[2].blob, source->messages[3].blob);
  EXPECT_NE(target->messages[2].email_id, source->messages[3].email_id);
  // A copy's flags are its own.
  FlagUpdate seen{archive, {1}, FlagOperation::kReplace, {}, std::nullopt};
  seen.flags.flagged = true;
  CO_ASSERT_OK(r, env.store->UpdateFlags(seen));
  CO_ASSERT_OK(source_now, env.store->LoadMailbox(inbox));
  EXPECT_EQ(source_now->messages[0].flags, source->messages[0].flags);
  co_await ExpectIndexAgrees(env.store, inbox);
  co_await ExpectIndexAgrees(env.store, archive);
  // Nothing to copy: no modseq taken.
  CO_ASSERT_OK(none, env.store->CopyMessages(MakeCopy(inbox, UidList(99), archive, false)));
  EXPECT_TRUE(none->source_uids.empty());
  EXPECT_EQ(none->modseq, 0u);
  // Unknown mailboxes, and another account's, are kNotFound.
  CO_ASSERT_OK(bob, MakeAccount(env.store, "bob"));
  Result<CopyResult> foreign =
      co_await env.store->CopyMessages(MakeCopy(inbox, UidList(1), bob->Mailbox("INBOX"), false));
  EXPECT_TRUE(!foreign && foreign.error().code == ErrorCode::kNotFound);
  Result<CopyResult> unknown =
      co_await env.store->CopyMessages(MakeCopy(inbox + 1000, UidList(1), archive, false));
  EXPECT_TRUE(!unknown && unknown.error().code == ErrorCode::kNotFound);
}

// MOVE: the same emails, usage unchanged, sources gone and recorded as expunged with the
// operation's modseq; into the mailbox itself, new UIDs.
inline Task<void> MoveKeepsEmails(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  const int64_t archive = alice->Mailbox("Archive");
  for (int i = 0; i < 4; ++i) {
    CO_ASSERT_OK(p, env.store->Deliver(MakeRequest("m" + std::to_string(i), inbox, MixedFlags(i))));
  }
  CO_ASSERT_OK(source, env.store->LoadMailbox(inbox));
  CO_ASSERT_OK(before, env.store->GetAccount("alice"));
  CO_ASSERT_OK(moved, env.store->CopyMessages(MakeCopy(inbox, UidList(2, 3), archive, true)));
  EXPECT_EQ(moved->source_uids, UidList(2, 3));
  EXPECT_EQ(moved->target_uids, UidList(1, 2));
  CO_ASSERT_OK(after, env.store->GetAccount("alice"));
  EXPECT_EQ(after->used_messages, before->used_messages);
  EXPECT_EQ(after->used_bytes, before->used_bytes);
  EXPECT_EQ(env.inspect->BlobRefcount(BlobKey::Of("m2")), 1);
  CO_ASSERT_OK(target, env.store->LoadMailbox(archive));
  CO_ASSERT_TRUE(target->messages.size() == 2);
  EXPECT_EQ(target->messages[0].email_id, source->messages[1].email_id);
  EXPECT_EQ(target->messages[1].flags, source->messages[2].flags);
  CO_ASSERT_OK(expunged, env.store->ExpungedSince(inbox, moved->modseq - 1));
  EXPECT_EQ(*expunged, UidList(2, 3));
  CO_ASSERT_OK(left, env.store->LoadMailbox(inbox));
  EXPECT_EQ(left->mailbox.message_count, 2u);
  EXPECT_EQ(left->mailbox.highest_modseq, moved->modseq);
  co_await ExpectIndexAgrees(env.store, inbox);
  co_await ExpectIndexAgrees(env.store, archive);
  // Into the same mailbox: new UIDs, the old ones expunged, usage unchanged.
  CO_ASSERT_OK(again, env.store->CopyMessages(MakeCopy(inbox, UidList(1, 4), inbox, true)));
  EXPECT_EQ(again->target_uids, UidList(5, 6));
  CO_ASSERT_OK(same, env.store->LoadMailbox(inbox));
  CO_ASSERT_TRUE(same->messages.size() == 2);
  EXPECT_EQ(same->messages[0].uid, 5u);
  EXPECT_EQ(same->messages[1].flags, source->messages[3].flags);
  CO_ASSERT_OK(last, env.store->GetAccount("alice"));
  EXPECT_EQ(last->used_messages, before->used_messages);
  EXPECT_EQ(env.inspect->BlobRefcount(BlobKey::Of("m0")), 1);
  co_await ExpectIndexAgrees(env.store, inbox);
}

// A COPY over either quota copies nothing; a MOVE is not refused.
inline Task<void> CopyQuotaAllOrNothing(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  const int64_t archive = alice->Mailbox("Archive");
  for (int i = 0; i < 3; ++i) {
    CO_ASSERT_OK(p, env.store->Deliver(MakeRequest("q" + std::to_string(i), inbox)));
  }
  AccountUpdate limit;
  limit.name = "alice";
  limit.quota_messages = 4;
  CO_ASSERT_OK(limited, env.store->UpdateAccount(limit));
  EXPECT_EQ(limited->quota_messages, 4u);
  CO_ASSERT_OK(reread, env.store->GetAccount("alice"));
  EXPECT_EQ(reread->quota_messages, 4u);
  Result<CopyResult> over =
      co_await env.store->CopyMessages(MakeCopy(inbox, UidList(1, 2), archive, false));
  EXPECT_TRUE(!over && over.error().code == ErrorCode::kLimitExceeded);
  CO_ASSERT_OK(untouched, env.store->LoadMailbox(archive));
  EXPECT_EQ(untouched->mailbox.message_count, 0u);
  EXPECT_EQ(untouched->mailbox.uid_next, 1u);
  CO_ASSERT_OK(moved, env.store->CopyMessages(MakeCopy(inbox, UidList(1, 2, 3), archive, true)));
  EXPECT_EQ(moved->target_uids.size(), 3u);
  // Delivery refuses past the message count too.
  CO_ASSERT_OK(fourth, env.store->Deliver(MakeRequest("q3", inbox)));
  Result<std::vector<PlacedMessage>> fifth = co_await env.store->Deliver(MakeRequest("q4", inbox));
  EXPECT_TRUE(!fifth && fifth.error().code == ErrorCode::kLimitExceeded);
  AccountRecord created;
  created.name = "carol";
  created.quota_messages = 7;
  CO_ASSERT_OK(carol, env.store->CreateAccount(created));
  EXPECT_EQ(carol->quota_messages, 7u);
}

// LoadMailboxIndexChanges after an index's highest modseq, applied to that index, gives what a
// fresh LoadMailboxIndex gives.
inline Task<void> IndexChangesBringIndexUpToDate(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  for (int i = 0; i < 10; ++i) {
    CO_ASSERT_OK(p, env.store->Deliver(MakeRequest("x" + std::to_string(i), inbox, MixedFlags(i))));
  }
  CO_ASSERT_OK(base, env.store->LoadMailboxIndex(inbox));
  CO_ASSERT_OK(nothing, env.store->LoadMailboxIndexChanges(inbox, base->mailbox.highest_modseq));
  EXPECT_TRUE(nothing->changed.messages.empty());
  EXPECT_TRUE(nothing->expunged.empty());
  FlagUpdate tag{inbox, {3}, FlagOperation::kAdd, {}, std::nullopt};
  tag.flags.keywords = {"new-one"};
  CO_ASSERT_OK(r1, env.store->UpdateFlags(tag));
  CO_ASSERT_OK(gone, env.store->Expunge(inbox, UidList(5, 6)));
  CO_ASSERT_OK(p, env.store->Deliver(MakeRequest("late", inbox, MixedFlags(7))));
  CO_ASSERT_OK(changes, env.store->LoadMailboxIndexChanges(inbox, base->mailbox.highest_modseq));
  CO_ASSERT_TRUE(changes->changed.messages.size() == 2);
  EXPECT_EQ(changes->changed.messages[0].uid, 3u);
  EXPECT_EQ(changes->changed.messages[1].uid, 11u);
  EXPECT_EQ(changes->expunged, UidList(5, 6));
  std::optional<MailboxIndex> merged = ApplyIndexChanges(*base, *changes);
  CO_ASSERT_TRUE(merged.has_value());
  CO_ASSERT_OK(full, env.store->LoadMailbox(inbox));
  ExpectIndexMatches(*merged, *full);
  Result<MailboxIndexChanges> unknown =
      co_await env.store->LoadMailboxIndexChanges(inbox + 1000, 0);
  EXPECT_TRUE(!unknown && unknown.error().code == ErrorCode::kNotFound);
}

}  // namespace ringmail::testing::conformance
