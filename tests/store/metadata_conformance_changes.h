// Conformance bodies for MetadataStore::LoadChanges (metadata_conformance.h): the `changes`
// history folded into JMAP's created / updated / destroyed lists.
#pragma once

#include "metadata_conformance_bodies.h"

namespace ringmail::testing::conformance {

inline Task<void> ChangesOfMailboxesAndEmails(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  CO_ASSERT_OK(bob, MakeAccount(env.store, "bob"));
  CO_ASSERT_OK(start, env.store->GetAccount("alice"));
  const uint64_t s0 = start->highest_modseq;
  // Everything since 0: the default mailboxes were created.
  CO_ASSERT_OK(all, env.store->LoadChanges(alice->id(), "mailbox", 0, 100));
  EXPECT_EQ(all->created.size(), alice->mailboxes.size());
  EXPECT_EQ(all->new_state, s0);
  EXPECT_FALSE(all->has_more_changes);
  EXPECT_FALSE(all->cannot_calculate);
  // Nothing since now.
  CO_ASSERT_OK(none, env.store->LoadChanges(alice->id(), "mailbox", s0, 100));
  EXPECT_TRUE(none->created.empty() && none->updated.empty() && none->destroyed.empty());
  EXPECT_EQ(none->new_state, s0);

  const int64_t inbox = alice->Mailbox("INBOX");
  const int64_t trash = alice->Mailbox("Trash");
  CO_ASSERT_OK(made, env.store->CreateMailbox(alice->id(), "Projects", ""));
  CO_ASSERT_OK(gone, env.store->CreateMailbox(alice->id(), "Gone", ""));
  CO_ASSERT_OK(del, env.store->DeleteMailbox(alice->id(), gone->id));
  CO_ASSERT_OK(ren, env.store->RenameMailbox(alice->id(), trash, "Bin"));
  CO_ASSERT_OK(placed, env.store->Deliver(MakeRequest("changes 1", inbox)));
  CO_ASSERT_OK(bobs, env.store->CreateMailbox(bob->id(), "Bobs", ""));
  CO_ASSERT_OK(now, env.store->GetAccount("alice"));
  CO_ASSERT_OK(c, env.store->LoadChanges(alice->id(), "mailbox", s0, 100));
  EXPECT_EQ(c->created, Ids(made->id));  // "Gone" came and went: in no list
  std::vector<int64_t> updated = Ids(inbox, trash);
  std::sort(updated.begin(), updated.end());
  EXPECT_EQ(c->updated, updated);
  EXPECT_TRUE(c->destroyed.empty());
  EXPECT_EQ(c->new_state, now->highest_modseq);
  CO_ASSERT_OK(e, env.store->LoadChanges(alice->id(), "email", s0, 100));
  EXPECT_EQ(e->created, Ids((*placed)[0].email_id));
  // From just after "Gone" was created: it is destroyed.
  CO_ASSERT_OK(later, env.store->LoadChanges(alice->id(), "mailbox", gone->highest_modseq, 100));
  EXPECT_EQ(later->destroyed, Ids(gone->id));
  EXPECT_TRUE(later->created.empty());

  // max: whole modseqs only, and the state to go on from.
  CO_ASSERT_OK(page, env.store->LoadChanges(alice->id(), "mailbox", s0, 1));
  EXPECT_TRUE(page->has_more_changes);
  EXPECT_EQ(page->created, Ids(made->id));
  EXPECT_EQ(page->new_state, made->highest_modseq);
  uint64_t state = page->new_state;
  size_t pages = 1;
  while (true) {
    CO_ASSERT_OK(next, env.store->LoadChanges(alice->id(), "mailbox", state, 1));
    CO_ASSERT_TRUE(!next->cannot_calculate);
    CO_ASSERT_TRUE(next->new_state >= state);
    state = next->new_state;
    if (!next->has_more_changes) break;
    CO_ASSERT_TRUE(++pages < 20);
  }
  EXPECT_EQ(state, now->highest_modseq);

  // A state the account never had; bad arguments; another account's view.
  CO_ASSERT_OK(future, env.store->LoadChanges(alice->id(), "mailbox", now->highest_modseq + 1, 9));
  EXPECT_TRUE(future->cannot_calculate);
  for (size_t max : {size_t{0}, kChangesMax + 1}) {
    Result<ChangesResult> bad = co_await env.store->LoadChanges(alice->id(), "mailbox", 0, max);
    EXPECT_FALSE(bad.has_value());
  }
  Result<ChangesResult> type = co_await env.store->LoadChanges(alice->id(), "queue", 0, 9);
  EXPECT_FALSE(type.has_value());
  Result<ChangesResult> nobody = co_await env.store->LoadChanges(999999, "mailbox", 0, 9);
  EXPECT_FALSE(nobody.has_value());
  if (!nobody) {
    EXPECT_EQ(nobody.error().code, ErrorCode::kNotFound);
  }
  CO_ASSERT_OK(theirs, env.store->LoadChanges(bob->id(), "mailbox", 0, 100));
  EXPECT_EQ(std::count(theirs->created.begin(), theirs->created.end(), made->id), 0);
  EXPECT_EQ(std::count(theirs->created.begin(), theirs->created.end(), bobs->id), 1);
}

// \Deleted as JMAP sees it (RFC 8621 §4.1.1): an email getting the flag is destroyed, one
// losing it is created again, and so is its thread; its mailbox is updated (totalEmails).
inline Task<void> DeletedFlagHidesEmails(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  CO_ASSERT_OK(placed, env.store->Deliver(MakeRequest("deleted 1", inbox)));
  const int64_t email = (*placed)[0].email_id;
  const uint64_t s1 = (*placed)[0].modseq;
  auto change = [&](FlagOperation op, bool deleted, bool flagged) {
    FlagUpdate u{inbox, {(*placed)[0].uid}, op, {}, std::nullopt};
    u.flags.deleted = deleted;
    u.flags.flagged = flagged;
    return env.store->UpdateFlags(u);
  };
  CO_ASSERT_OK(set, change(FlagOperation::kAdd, true, false));
  CO_ASSERT_TRUE(set->changed.size() == 1u);
  const uint64_t s2 = set->changed[0].modseq;
  const int64_t thread = set->changed[0].thread_id;
  CO_ASSERT_OK(e1, env.store->LoadChanges(alice->id(), "email", s1, 100));
  EXPECT_EQ(e1->destroyed, Ids(email));
  EXPECT_TRUE(e1->created.empty() && e1->updated.empty());
  CO_ASSERT_OK(t1, env.store->LoadChanges(alice->id(), "thread", s1, 100));
  EXPECT_EQ(t1->destroyed, Ids(thread));
  CO_ASSERT_OK(m1, env.store->LoadChanges(alice->id(), "mailbox", s1, 100));
  EXPECT_EQ(m1->updated, Ids(inbox));
  // A keyword changed while hidden, then \Deleted cleared: created for a client of s2.
  CO_ASSERT_OK(flag, change(FlagOperation::kAdd, false, true));
  EXPECT_EQ(flag->changed.size(), 1u);
  CO_ASSERT_OK(cleared, change(FlagOperation::kRemove, true, false));
  CO_ASSERT_OK(e2, env.store->LoadChanges(alice->id(), "email", s2, 100));
  EXPECT_EQ(e2->created, Ids(email));
  EXPECT_TRUE(e2->updated.empty() && e2->destroyed.empty());
  CO_ASSERT_OK(t2, env.store->LoadChanges(alice->id(), "thread", s2, 100));
  EXPECT_EQ(t2->created, Ids(thread));
  // Set and cleared since s1: the client of s1 knew it and still does.
  CO_ASSERT_OK(e3, env.store->LoadChanges(alice->id(), "email", s1, 100));
  EXPECT_EQ(e3->updated, Ids(email));
  EXPECT_TRUE(e3->created.empty() && e3->destroyed.empty());
  // Other flags alone stay updates.
  const uint64_t s3 = cleared->changed[0].modseq;
  CO_ASSERT_OK(unflag, change(FlagOperation::kRemove, false, true));
  EXPECT_EQ(unflag->changed.size(), 1u);
  CO_ASSERT_OK(e4, env.store->LoadChanges(alice->id(), "email", s3, 100));
  EXPECT_EQ(e4->updated, Ids(email));
  CO_ASSERT_OK(t4, env.store->LoadChanges(alice->id(), "thread", s3, 100));
  EXPECT_TRUE(t4->created.empty() && t4->updated.empty() && t4->destroyed.empty());
}

}  // namespace ringmail::testing::conformance
