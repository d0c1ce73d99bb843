// Conformance test bodies (metadata_conformance.h), continued: the two reads of a mailbox —
// LoadMailboxIndex, which must agree with LoadMailbox, and LoadMessages.
#pragma once

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "metadata_conformance_bodies.h"

namespace ringmail::testing::conformance {

inline void ExpectSameMailbox(const MailboxRecord& a, const MailboxRecord& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.uid_validity, b.uid_validity);
  EXPECT_EQ(a.uid_next, b.uid_next);
  EXPECT_EQ(a.highest_modseq, b.highest_modseq);
  EXPECT_EQ(a.message_count, b.message_count);
  EXPECT_EQ(a.unseen_count, b.unseen_count);
  EXPECT_EQ(a.total_bytes, b.total_bytes);
}

inline void ExpectSameMessage(const MessageRecord& a, const MessageRecord& b) {
  EXPECT_EQ(a.uid, b.uid);
  EXPECT_EQ(a.modseq, b.modseq) << a.uid;
  EXPECT_EQ(a.email_id, b.email_id) << a.uid;
  EXPECT_EQ(a.thread_id, b.thread_id) << a.uid;
  EXPECT_EQ(a.size, b.size) << a.uid;
  EXPECT_EQ(a.received_at, b.received_at) << a.uid;
  EXPECT_EQ(a.saved_at, b.saved_at) << a.uid;
  EXPECT_EQ(a.flags, b.flags) << a.uid;
  EXPECT_EQ(a.blob, b.blob) << a.uid;
}

// The index says what the full snapshot says, message by message, and its keyword sets are
// distinct with the empty one first.
inline void ExpectIndexMatches(const MailboxIndex& index, const MailboxSnapshot& full) {
  ExpectSameMailbox(index.mailbox, full.mailbox);
  ASSERT_EQ(index.messages.size(), full.messages.size());
  ASSERT_FALSE(index.keyword_sets.empty());
  EXPECT_TRUE(index.keyword_sets[0].empty());
  const std::set<std::vector<std::string>> distinct(index.keyword_sets.begin(),
                                                    index.keyword_sets.end());
  EXPECT_EQ(distinct.size(), index.keyword_sets.size());
  uint64_t unseen = 0;
  for (size_t i = 0; i < index.messages.size(); ++i) {
    const IndexEntry& e = index.messages[i];
    const MessageRecord& m = full.messages[i];
    EXPECT_EQ(e.uid, m.uid);
    EXPECT_EQ(e.modseq, m.modseq) << m.uid;
    ASSERT_LT(e.keyword_set, index.keyword_sets.size());
    EXPECT_EQ(index.Flags(e), m.flags) << m.uid;
    EXPECT_EQ(e.flag_bits, SystemFlagBits(m.flags)) << m.uid;
    unseen += (e.flag_bits & kFlagBitSeen) != 0 ? 0 : 1;
  }
  EXPECT_EQ(unseen, index.mailbox.unseen_count);
}

inline Task<void> ExpectIndexAgrees(MetadataStore* store, int64_t mailbox) {
  CO_ASSERT_OK(index, store->LoadMailboxIndex(mailbox));
  CO_ASSERT_OK(full, store->LoadMailbox(mailbox));
  ExpectIndexMatches(*index, *full);
}

// Message i's flags at delivery: every system flag and a few keyword sets, shared and not.
inline MessageFlags MixedFlags(int i) {
  MessageFlags f;
  f.seen = i % 2 == 1;
  f.answered = i % 5 == 2;
  f.flagged = i % 3 == 0;
  f.deleted = i == 9;
  f.draft = i == 5;
  if (i % 4 == 0) f.keywords = {"$Junk"};
  if (i % 5 == 0) f.keywords = {"$Forwarded", "work"};
  if (i == 7) f.keywords = {"a", "b\"c\\", "\xc3\xa9t\xc3\xa9"};
  return f;
}

inline Task<void> IndexAgreesWithSnapshot(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  CO_ASSERT_OK(empty, env.store->LoadMailboxIndex(inbox));
  EXPECT_TRUE(empty->messages.empty());
  EXPECT_EQ(empty->keyword_sets.size(), 1u);
  for (int i = 0; i < 12; ++i) {
    CO_ASSERT_OK(p, env.store->Deliver(MakeRequest("m" + std::to_string(i), inbox, MixedFlags(i))));
  }
  co_await ExpectIndexAgrees(env.store, inbox);

  FlagUpdate junk{inbox, {2, 3, 4}, FlagOperation::kAdd, {}, std::nullopt};
  junk.flags.keywords = {"$Junk"};
  CO_ASSERT_OK(r1, env.store->UpdateFlags(junk));
  FlagUpdate unseen{inbox, {1, 2, 3, 4, 5, 6}, FlagOperation::kRemove, {}, std::nullopt};
  unseen.flags.seen = true;
  unseen.flags.keywords = {"work"};
  CO_ASSERT_OK(r2, env.store->UpdateFlags(unseen));
  FlagUpdate replace{inbox, {8}, FlagOperation::kReplace, {}, std::nullopt};
  replace.flags.draft = true;
  replace.flags.keywords = {"x"};
  CO_ASSERT_OK(r3, env.store->UpdateFlags(replace));
  CO_ASSERT_OK(removed, env.store->Expunge(inbox, UidList(4, 6, 99)));
  EXPECT_EQ(*removed, (std::vector<uint32_t>{4, 6}));
  CO_ASSERT_OK(p, env.store->Deliver(MakeRequest("late", inbox, MixedFlags(0))));
  co_await ExpectIndexAgrees(env.store, inbox);

  CO_ASSERT_OK(index, env.store->LoadMailboxIndex(inbox));
  CO_ASSERT_TRUE(index->messages.size() == 11);
  EXPECT_EQ(index->messages.back().uid, 13u);
  EXPECT_EQ(index->messages[5].uid, 8u);
  EXPECT_EQ(index->Flags(index->messages[5]).keywords, (std::vector<std::string>{"x"}));

  Result<MailboxIndex> unknown = co_await env.store->LoadMailboxIndex(inbox + 1000);
  EXPECT_TRUE(!unknown && unknown.error().code == ErrorCode::kNotFound);
}

// Keywords change in every mailbox holding the email, and each account keeps its own: the
// index of every mailbox agrees with its snapshot after deliveries to several mailboxes and
// accounts, flag changes through one of them, a placement added, and keywords emptied.
inline Task<void> IndexFollowsKeywordsEverywhere(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  CO_ASSERT_OK(bob, MakeAccount(env.store, "bob"));
  const int64_t inbox = alice->Mailbox("INBOX");
  const int64_t archive = alice->Mailbox("Archive");
  const int64_t trash = alice->Mailbox("Trash");
  const int64_t bob_inbox = bob->Mailbox("INBOX");
  MessageFlags work;
  work.keywords = {"$Forwarded", "work"};
  // Vectors built outside co_await expressions (GCC 12: metadata_test_util.h).
  std::vector<int64_t> three_mailboxes = {inbox, archive, bob_inbox};
  std::vector<int64_t> two_mailboxes = {inbox, archive};
  const std::vector<int64_t> all = {inbox, archive, trash, bob_inbox};
  CO_ASSERT_OK(both, env.store->Deliver(MakeRequest("both", three_mailboxes, work)));
  CO_ASSERT_OK(plain, env.store->Deliver(MakeRequest("plain", two_mailboxes)));
  MessageFlags junk;
  junk.keywords = {"$Junk"};
  CO_ASSERT_OK(junked, env.store->Deliver(MakeRequest("junk", bob_inbox, junk)));

  FlagUpdate add{inbox, UidList(1, 2), FlagOperation::kAdd, {}, std::nullopt};
  add.flags.keywords = {"$Junk", "later"};
  CO_ASSERT_OK(added, env.store->UpdateFlags(add));
  CO_ASSERT_OK(placed, env.store->AddEmailPlacements(alice->id(), (*both)[0].email_id,
                                                     std::vector<int64_t>(1, trash)));
  for (int64_t mailbox : all) {
    co_await ExpectIndexAgrees(env.store, mailbox);
  }
  CO_ASSERT_OK(in_trash, env.store->LoadMailboxIndex(trash));
  CO_ASSERT_TRUE(in_trash->messages.size() == 1);
  EXPECT_EQ(in_trash->Flags(in_trash->messages[0]).keywords,
            (std::vector<std::string>{"$Forwarded", "$Junk", "later", "work"}));

  FlagUpdate remove{archive, UidList(1), FlagOperation::kRemove, {}, std::nullopt};
  remove.flags.keywords = {"$Forwarded", "$Junk", "later", "work"};
  CO_ASSERT_OK(removed, env.store->UpdateFlags(remove));
  FlagUpdate replace{bob_inbox, UidList(1, 2), FlagOperation::kReplace, {}, std::nullopt};
  replace.flags.keywords = {"$Junk", "bobs"};
  CO_ASSERT_OK(replaced, env.store->UpdateFlags(replace));
  for (int64_t mailbox : all) {
    co_await ExpectIndexAgrees(env.store, mailbox);
  }
  CO_ASSERT_OK(emptied, env.store->LoadMailboxIndex(inbox));
  CO_ASSERT_TRUE(emptied->messages.size() == 2);
  EXPECT_EQ(emptied->messages[0].keyword_set, 0u);
  EXPECT_EQ(emptied->Flags(emptied->messages[1]).keywords,
            (std::vector<std::string>{"$Junk", "later"}));
  CO_ASSERT_OK(bobs, env.store->LoadMailboxIndex(bob_inbox));
  CO_ASSERT_TRUE(bobs->messages.size() == 2);
  EXPECT_EQ(bobs->keyword_sets.size(), 2u);  // both messages share the one list
  EXPECT_EQ(bobs->messages[0].keyword_set, bobs->messages[1].keyword_set);
}

inline Task<void> LoadMessagesPicksUids(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  for (int i = 0; i < 6; ++i) {
    CO_ASSERT_OK(p, env.store->Deliver(MakeRequest("m" + std::to_string(i), inbox, MixedFlags(i))));
  }
  CO_ASSERT_OK(removed, env.store->Expunge(inbox, UidList(3)));
  CO_ASSERT_OK(full, env.store->LoadMailbox(inbox));
  CO_ASSERT_OK(some, env.store->LoadMessages(inbox, UidList(5, 1, 3, 99, 1, 6)));
  CO_ASSERT_TRUE(some->size() == 3);
  EXPECT_EQ((*some)[0].uid, 1u);
  EXPECT_EQ((*some)[1].uid, 5u);
  EXPECT_EQ((*some)[2].uid, 6u);
  ExpectSameMessage((*some)[0], full->messages[0]);  // full: 1 2 4 5 6
  ExpectSameMessage((*some)[1], full->messages[3]);
  ExpectSameMessage((*some)[2], full->messages[4]);

  CO_ASSERT_OK(none, env.store->LoadMessages(inbox, std::vector<uint32_t>()));
  EXPECT_TRUE(none->empty());
  CO_ASSERT_OK(gone, env.store->LoadMessages(inbox, UidList(3)));
  EXPECT_TRUE(gone->empty());
  Result<std::vector<MessageRecord>> unknown =
      co_await env.store->LoadMessages(inbox + 1000, UidList(1));
  EXPECT_TRUE(!unknown && unknown.error().code == ErrorCode::kNotFound);
}

// LoadSummaries: the forms cached at delivery, "" where none were, for the UIDs asked.
inline Task<void> LoadSummariesPicksUids(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  for (int i = 0; i < 4; ++i) {
    DeliveryRequest r = MakeRequest("s" + std::to_string(i), inbox);
    if (i != 2) {
      r.summary.envelope = "(NIL \"s" + std::to_string(i) + "\" NIL NIL NIL NIL NIL NIL NIL NIL)";
      r.summary.bodystructure =
          "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" " + std::to_string(i) + " 0 NIL NIL NIL NIL)";
      r.summary.preview = "p" + std::to_string(i);
    }
    CO_ASSERT_OK(p, env.store->Deliver(std::move(r)));
  }
  CO_ASSERT_OK(removed, env.store->Expunge(inbox, UidList(4)));
  CO_ASSERT_OK(some, env.store->LoadSummaries(inbox, UidList(3, 1, 4, 99, 1)));
  CO_ASSERT_TRUE(some->size() == 2);
  EXPECT_EQ((*some)[0].uid, 1u);
  EXPECT_EQ((*some)[0].envelope, "(NIL \"s0\" NIL NIL NIL NIL NIL NIL NIL NIL)");
  EXPECT_EQ((*some)[0].bodystructure,
            "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 0 0 NIL NIL NIL NIL)");
  EXPECT_EQ((*some)[0].preview, "p0");
  EXPECT_EQ((*some)[1].uid, 3u);
  EXPECT_EQ((*some)[1].envelope, "");  // not cached at delivery
  EXPECT_EQ((*some)[1].bodystructure, "");
  Result<std::vector<CachedSummary>> unknown =
      co_await env.store->LoadSummaries(inbox + 1000, UidList(1));
  EXPECT_TRUE(!unknown && unknown.error().code == ErrorCode::kNotFound);
}

}  // namespace ringmail::testing::conformance
