// Conformance bodies for MetadataStore::SetSubscribed (metadata_conformance.h).
#pragma once

#include "metadata_conformance_bodies.h"

namespace ringmail::testing::conformance {

inline Task<void> Subscriptions(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  CO_ASSERT_OK(bob, MakeAccount(env.store, "bob"));
  const int64_t trash = alice->Mailbox("Trash");
  for (const MailboxRecord& m : alice->mailboxes) EXPECT_TRUE(m.subscribed) << m.name;
  CO_ASSERT_OK(off, env.store->SetSubscribed(alice->id(), trash, false));
  CO_ASSERT_OK(listed, env.store->ListMailboxes(alice->id()));
  for (const MailboxRecord& m : *listed) EXPECT_EQ(m.subscribed, m.id != trash) << m.name;
  CO_ASSERT_OK(again, env.store->SetSubscribed(alice->id(), trash, false));  // idempotent
  CO_ASSERT_OK(on, env.store->SetSubscribed(alice->id(), trash, true));
  CO_ASSERT_OK(relisted, env.store->ListMailboxes(alice->id()));
  for (const MailboxRecord& m : *relisted) EXPECT_TRUE(m.subscribed) << m.name;
  // Another account's mailbox, and one that does not exist: kNotFound, nothing changed.
  Result<void> other = co_await env.store->SetSubscribed(bob->id(), trash, false);
  EXPECT_FALSE(other.has_value());
  if (!other) {
    EXPECT_EQ(other.error().code, ErrorCode::kNotFound);
  }
  Result<void> unknown = co_await env.store->SetSubscribed(alice->id(), 999999, false);
  EXPECT_FALSE(unknown.has_value());
  if (!unknown) {
    EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  }
  CO_ASSERT_OK(after, env.store->ListMailboxes(alice->id()));
  for (const MailboxRecord& m : *after) EXPECT_TRUE(m.subscribed) << m.name;
}

// FindMailbox: exact names of the account's own mailboxes only.
inline Task<void> FindMailboxByName(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  CO_ASSERT_OK(bob, MakeAccount(env.store, "bob"));
  CO_ASSERT_OK(made, env.store->CreateMailbox(alice->id(), "Projects/\xc3\xa9t\xc3\xa9", ""));
  CO_ASSERT_OK(listed, env.store->ListMailboxes(alice->id()));
  for (const MailboxRecord& m : *listed) {
    CO_ASSERT_OK(found, env.store->FindMailbox(alice->id(), m.name));
    EXPECT_TRUE(found->has_value()) << m.name;
    if (*found) {
      EXPECT_EQ((*found)->id, m.id);
      EXPECT_EQ((*found)->uid_validity, m.uid_validity);
      EXPECT_EQ((*found)->message_count, m.message_count);
      EXPECT_EQ((*found)->special_use, m.special_use);
    }
  }
  static constexpr const char* kMissing[] = {"inbox", "Projects", "Nope", ""};
  for (const char* name : kMissing) {
    CO_ASSERT_OK(none, env.store->FindMailbox(alice->id(), name));
    EXPECT_FALSE(none->has_value()) << name;
  }
  // Bob's INBOX is his own, never Alice's.
  CO_ASSERT_OK(theirs, env.store->FindMailbox(bob->id(), "INBOX"));
  CO_ASSERT_TRUE(theirs->has_value());
  EXPECT_NE((*theirs)->id, alice->Mailbox("INBOX"));
  CO_ASSERT_OK(mine, env.store->FindMailbox(alice->id(), made->name));
  CO_ASSERT_TRUE(mine->has_value());
  EXPECT_EQ((*mine)->id, made->id);
}

}  // namespace ringmail::testing::conformance
