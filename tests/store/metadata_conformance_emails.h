// Conformance bodies for the email operations (LoadEmails, ListEmails, AddEmailPlacements:
// metadata_conformance.h).
#pragma once

#include "metadata_conformance_bodies.h"

namespace ringmail::testing::conformance {

// Emails read whole: flags, cached summary, placements; another account's ids are skipped.
inline Task<void> EmailsLoadAndList(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  CO_ASSERT_OK(bob, MakeAccount(env.store, "bob"));
  const int64_t inbox = alice->Mailbox("INBOX"), archive = alice->Mailbox("Archive");
  MessageFlags flags;
  flags.seen = true;
  flags.keywords = {"$label"};
  DeliveryRequest first =
      MakeRequest("Subject: one\r\n\r\nbody one\r\n", Ids(inbox, archive), flags);
  first.summary.message_id = "<one@example.test>";
  first.summary.from_display = "Ann";
  first.summary.sent_at = kReceivedAt - 60;
  first.summary.preview = "body one";
  CO_ASSERT_OK(one, env.store->Deliver(first));
  CO_ASSERT_OK(two, env.store->Deliver(MakeRequest("Subject: two\r\n\r\nbody two\r\n", inbox)));
  CO_ASSERT_OK(theirs, env.store->Deliver(MakeRequest("x\r\n", bob->Mailbox("INBOX"))));
  const int64_t id1 = (*one)[0].email_id, id2 = (*two)[0].email_id;
  CO_ASSERT_OK(loaded, env.store->LoadEmails(alice->id(),
                                             Ids(id2, (*theirs)[0].email_id, id1, 999999, id1)));
  CO_ASSERT_TRUE(loaded->size() == 2u);
  const EmailRecord& e1 = (*loaded)[0];
  EXPECT_EQ(e1.id, id1);
  EXPECT_EQ(e1.thread_id, id1);
  EXPECT_EQ(e1.blob, first.blob);
  EXPECT_EQ(e1.size, first.size);
  EXPECT_EQ(e1.received_at, kReceivedAt);
  EXPECT_EQ(e1.flags, flags);
  EXPECT_EQ(e1.message_id, "<one@example.test>");
  EXPECT_EQ(e1.subject, "test");
  EXPECT_EQ(e1.from_display, "Ann");
  EXPECT_EQ(e1.sent_at, std::optional<int64_t>(kReceivedAt - 60));
  EXPECT_EQ(e1.preview, "body one");
  std::vector<EmailPlacement> want = {{std::min(inbox, archive), 0}, {std::max(inbox, archive), 0}};
  for (EmailPlacement& p : want) {
    for (const PlacedMessage& m : *one) {
      if (m.mailbox_id == p.mailbox_id) p.uid = m.uid;
    }
  }
  EXPECT_EQ(e1.placements, want);
  EXPECT_EQ((*loaded)[1].id, id2);
  EXPECT_FALSE((*loaded)[1].sent_at.has_value());
  CO_ASSERT_OK(listed, env.store->ListEmails(alice->id()));
  CO_ASSERT_TRUE(listed->size() == 2u);
  EXPECT_EQ((*listed)[0].placements, want);
  EXPECT_EQ((*listed)[1].placements.size(), 1u);
  CO_ASSERT_OK(bobs, env.store->ListEmails(bob->id()));
  EXPECT_EQ(bobs->size(), 1u);
}

// A placement is the same email under a new UID: flags shared, counters and changes kept.
inline Task<void> EmailPlacements(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  CO_ASSERT_OK(bob, MakeAccount(env.store, "bob"));
  const int64_t inbox = alice->Mailbox("INBOX"), trash = alice->Mailbox("Trash");
  const DeliveryRequest request = MakeRequest("Subject: p\r\n\r\nplaced\r\n", inbox);
  CO_ASSERT_OK(placed, env.store->Deliver(request));
  const int64_t email = (*placed)[0].email_id;
  CO_ASSERT_OK(before, env.store->GetAccount("alice"));
  CO_ASSERT_OK(added, env.store->AddEmailPlacements(alice->id(), email, Ids(trash, inbox, trash)));
  CO_ASSERT_TRUE(added->size() == 1u);
  EXPECT_EQ((*added)[0].mailbox_id, trash);
  EXPECT_EQ((*added)[0].email_id, email);
  EXPECT_EQ((*added)[0].modseq, before->highest_modseq + 1);
  CO_ASSERT_OK(snapshot, env.store->LoadMailbox(trash));
  CO_ASSERT_TRUE(snapshot->messages.size() == 1u);
  EXPECT_EQ(snapshot->messages[0].email_id, email);
  EXPECT_EQ(snapshot->messages[0].uid, (*added)[0].uid);
  EXPECT_EQ(snapshot->mailbox.message_count, 1u);
  EXPECT_EQ(snapshot->mailbox.unseen_count, 1u);
  EXPECT_EQ(snapshot->mailbox.total_bytes, request.size);
  EXPECT_EQ(snapshot->mailbox.highest_modseq, (*added)[0].modseq);
  CO_ASSERT_OK(after, env.store->GetAccount("alice"));
  EXPECT_EQ(after->used_messages, before->used_messages);  // one email, stored once
  EXPECT_EQ(env.inspect->BlobRefcount(request.blob), 1);
  // Again: nothing to do, no modseq taken.
  CO_ASSERT_OK(again, env.store->AddEmailPlacements(alice->id(), email, Ids(trash)));
  EXPECT_TRUE(again->empty());
  CO_ASSERT_OK(same, env.store->GetAccount("alice"));
  EXPECT_EQ(same->highest_modseq, after->highest_modseq);
  // Flags set through one placement show in both.
  FlagUpdate seen;
  seen.mailbox_id = trash;
  seen.uids = UidList((*added)[0].uid);
  seen.flags.seen = true;
  CO_ASSERT_OK(flagged, env.store->UpdateFlags(seen));
  CO_ASSERT_OK(loaded, env.store->LoadEmails(alice->id(), Ids(email)));
  CO_ASSERT_TRUE(loaded->size() == 1u);
  EXPECT_TRUE((*loaded)[0].flags.seen);
  EXPECT_EQ((*loaded)[0].placements.size(), 2u);
  // Removing the first placement keeps the email; removing the last deletes it.
  CO_ASSERT_OK(gone, env.store->Expunge(inbox, UidList((*placed)[0].uid)));
  CO_ASSERT_OK(kept, env.store->LoadEmails(alice->id(), Ids(email)));
  CO_ASSERT_TRUE(kept->size() == 1u);
  EXPECT_EQ((*kept)[0].placements, std::vector<EmailPlacement>(1, {trash, (*added)[0].uid}));
  // Another account's mailbox or email: kNotFound, nothing placed.
  Result<std::vector<PlacedMessage>> cross =
      co_await env.store->AddEmailPlacements(alice->id(), email, Ids(bob->Mailbox("INBOX")));
  EXPECT_FALSE(cross.has_value());
  if (!cross) {
    EXPECT_EQ(cross.error().code, ErrorCode::kNotFound);
  }
  Result<std::vector<PlacedMessage>> foreign =
      co_await env.store->AddEmailPlacements(bob->id(), email, Ids(bob->Mailbox("INBOX")));
  EXPECT_FALSE(foreign.has_value());
  CO_ASSERT_OK(bobs, env.store->ListEmails(bob->id()));
  EXPECT_TRUE(bobs->empty());
  CO_ASSERT_OK(last, env.store->Expunge(trash, UidList((*added)[0].uid)));
  CO_ASSERT_OK(none, env.store->LoadEmails(alice->id(), Ids(email)));
  EXPECT_TRUE(none->empty());
}

}  // namespace ringmail::testing::conformance
