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

}  // namespace ringmail::testing::conformance
