// The bodies of the MetadataStore conformance tests (metadata_conformance.h): coroutines that
// use the MetadataStore interface only, plus a StoreInspector for the little the interface
// does not show (blob rows and refcounts). This file: accounts, mailboxes, delivery, flags;
// metadata_conformance_lifecycle.h: expunge, blobs, quota, concurrency, reopening.
#pragma once

#include <gtest/gtest.h>

#include <ctime>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "metadata_test_util.h"
#include "runtime/task.h"
#include "store/metadata_store.h"

namespace ringmail::testing {

// Backend-specific looks at the database; may block (tests only).
class StoreInspector {
 public:
  virtual ~StoreInspector() = default;
  virtual int64_t BlobRows(const BlobKey& key) = 0;
  virtual int64_t BlobRefcount(const BlobKey& key) = 0;  // -1: no row
};

namespace conformance {

struct Env {
  MetadataStore* store;
  StoreInspector* inspect;
};

inline Task<void> Finish(Task<void> body, bool* finished) {
  co_await std::move(body);
  *finished = true;
}

struct Account {
  AccountRecord record;
  std::vector<MailboxRecord> mailboxes;
  int64_t id() const { return record.id; }
  int64_t Mailbox(std::string_view name) const {
    const MailboxRecord* m = FindMailbox(mailboxes, name);
    EXPECT_NE(m, nullptr) << name;
    return m ? m->id : -1;
  }
};

inline Task<Result<Account>> MakeAccount(MetadataStore* store, std::string name,
                                         uint64_t quota_bytes = 0) {
  AccountRecord a;
  a.name = name;
  a.quota_bytes = quota_bytes;
  Result<AccountRecord> created = co_await store->CreateAccount(a);
  if (!created) co_return std::unexpected(created.error());
  Result<std::vector<MailboxRecord>> list = co_await store->ListMailboxes(created->id);
  if (!list) co_return std::unexpected(list.error());
  co_return Account{*created, *list};
}

inline int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

inline Task<void> DefaultMailboxes(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  EXPECT_GT(alice->id(), 0);
  EXPECT_EQ(alice->record.name, "alice");
  EXPECT_EQ(alice->record.type, "individual");
  EXPECT_EQ(alice->record.used_messages, 0u);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"INBOX", ""},      {"Drafts", "\\Drafts"}, {"Sent", "\\Sent"},
      {"Junk", "\\Junk"}, {"Trash", "\\Trash"},   {"Archive", "\\Archive"}};
  EXPECT_EQ(alice->mailboxes.size(), expected.size());
  std::set<uint32_t> validities;
  for (const auto& [name, special_use] : expected) {
    const MailboxRecord* m = FindMailbox(alice->mailboxes, name);
    CO_ASSERT_TRUE(m != nullptr);
    EXPECT_EQ(m->special_use, special_use) << name;
    EXPECT_EQ(m->account_id, alice->id());
    EXPECT_EQ(m->uid_next, 1u);
    EXPECT_EQ(m->message_count, 0u);
    EXPECT_NE(m->uid_validity, 0u);
    EXPECT_GT(m->highest_modseq, 0u);  // IMAP: HIGHESTMODSEQ is positive
    validities.insert(m->uid_validity);
  }
  EXPECT_EQ(validities.size(), expected.size());
  CO_ASSERT_OK(got, env.store->GetAccount("alice"));
  EXPECT_EQ(got->id, alice->id());
  Result<AccountRecord> missing = co_await env.store->GetAccount("bob");
  EXPECT_TRUE(!missing && missing.error().code == ErrorCode::kNotFound);
  Result<Account> again = co_await MakeAccount(env.store, "alice");
  EXPECT_TRUE(!again && again.error().code == ErrorCode::kAlreadyExists);
}

inline Task<void> Domains(Env env) {
  CO_ASSERT_OK(id, env.store->CreateDomain("Example.COM"));
  EXPECT_GT(*id, 0);
  Result<int64_t> dup = co_await env.store->CreateDomain("example.com");
  EXPECT_TRUE(!dup && dup.error().code == ErrorCode::kAlreadyExists);
  CO_ASSERT_OK(other, env.store->CreateDomain("b.example"));
  CO_ASSERT_OK(names, env.store->ListDomains());
  EXPECT_EQ(*names, (std::vector<std::string>{"b.example", "example.com"}));
}

inline Task<void> MailboxLifecycle(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t account = alice->id();
  CO_ASSERT_OK(work, env.store->CreateMailbox(account, "Work", ""));
  CO_ASSERT_OK(work_a, env.store->CreateMailbox(account, "Work/A", ""));
  CO_ASSERT_OK(work_a_b, env.store->CreateMailbox(account, "Work/A/B", ""));
  CO_ASSERT_OK(workshop, env.store->CreateMailbox(account, "Workshop", ""));
  EXPECT_EQ(work->name, "Work");
  Result<MailboxRecord> dup = co_await env.store->CreateMailbox(account, "Work", "");
  EXPECT_TRUE(!dup && dup.error().code == ErrorCode::kAlreadyExists);
  const DeliveryRequest request = MakeRequest("in Work/A", work_a->id);
  CO_ASSERT_OK(placed, env.store->Deliver(request));

  CO_ASSERT_OK(renamed, env.store->RenameMailbox(account, work->id, "Projects"));
  CO_ASSERT_OK(list, env.store->ListMailboxes(account));
  EXPECT_EQ(FindMailbox(*list, "Work"), nullptr);
  EXPECT_EQ(FindMailbox(*list, "Work/A"), nullptr);
  const MailboxRecord* projects = FindMailbox(*list, "Projects");
  const MailboxRecord* projects_a = FindMailbox(*list, "Projects/A");
  const MailboxRecord* projects_a_b = FindMailbox(*list, "Projects/A/B");
  const MailboxRecord* still_workshop = FindMailbox(*list, "Workshop");
  CO_ASSERT_TRUE(projects && projects_a && projects_a_b && still_workshop);
  EXPECT_EQ(projects->id, work->id);
  EXPECT_EQ(projects->uid_validity, work->uid_validity);
  EXPECT_EQ(projects_a->id, work_a->id);
  EXPECT_EQ(projects_a_b->id, work_a_b->id);
  EXPECT_EQ(still_workshop->id, workshop->id);
  EXPECT_EQ(projects_a->message_count, 1u);

  // Children follow a parent whose name is not ASCII (lengths in bytes, not characters).
  CO_ASSERT_OK(reunions, env.store->CreateMailbox(account, "Réunions", ""));
  CO_ASSERT_OK(reunions_2026, env.store->CreateMailbox(account, "Réunions/2026", ""));
  CO_ASSERT_OK(moved, env.store->RenameMailbox(account, reunions->id, "Meetings"));
  CO_ASSERT_OK(after_move, env.store->ListMailboxes(account));
  const MailboxRecord* meetings_2026 = FindMailbox(*after_move, "Meetings/2026");
  CO_ASSERT_TRUE(meetings_2026 != nullptr);
  EXPECT_EQ(meetings_2026->id, reunions_2026->id);
  EXPECT_EQ(FindMailbox(*after_move, "Réunions/2026"), nullptr);

  Result<void> taken = co_await env.store->RenameMailbox(account, workshop->id, "Projects");
  EXPECT_TRUE(!taken && taken.error().code == ErrorCode::kAlreadyExists);
  Result<void> unknown = co_await env.store->RenameMailbox(account, 999999, "X");
  EXPECT_TRUE(!unknown && unknown.error().code == ErrorCode::kNotFound);

  CO_ASSERT_OK(deleted, env.store->DeleteMailbox(account, work_a->id));
  CO_ASSERT_OK(after, env.store->ListMailboxes(account));
  EXPECT_EQ(FindMailbox(*after, "Projects/A"), nullptr);
  EXPECT_NE(FindMailbox(*after, "Projects/A/B"), nullptr);  // children stay
  EXPECT_EQ(env.inspect->BlobRefcount(request.blob), 0);
  CO_ASSERT_OK(account_after, env.store->GetAccount("alice"));
  EXPECT_EQ(account_after->used_messages, 0u);
  EXPECT_EQ(account_after->used_bytes, 0u);
  CO_ASSERT_OK(recreated, env.store->CreateMailbox(account, "Projects/A", ""));
  EXPECT_NE(recreated->uid_validity, work_a->uid_validity);
  EXPECT_NE(recreated->id, work_a->id);
}

inline Task<void> DeliverUidsCountersModseqs(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  std::vector<PlacedMessage> placed;
  uint64_t bytes = 0;
  for (int i = 0; i < 3; ++i) {
    const std::string content = "message " + std::to_string(i) + std::string(i * 10, 'x');
    MessageFlags flags;
    flags.seen = i == 1;
    CO_ASSERT_OK(p, env.store->Deliver(MakeRequest(content, inbox, flags)));
    CO_ASSERT_TRUE(p->size() == 1);
    EXPECT_EQ((*p)[0].uid, static_cast<uint32_t>(i + 1));
    EXPECT_EQ((*p)[0].mailbox_id, inbox);
    EXPECT_EQ((*p)[0].account_id, alice->id());
    if (!placed.empty()) {
      EXPECT_GT((*p)[0].modseq, placed.back().modseq);
      EXPECT_NE((*p)[0].email_id, placed.back().email_id);
    }
    placed.push_back((*p)[0]);
    bytes += content.size();
  }
  CO_ASSERT_OK(snap, env.store->LoadMailbox(inbox));
  EXPECT_EQ(snap->mailbox.uid_next, 4u);
  EXPECT_EQ(snap->mailbox.message_count, 3u);
  EXPECT_EQ(snap->mailbox.unseen_count, 2u);
  EXPECT_EQ(snap->mailbox.total_bytes, bytes);
  EXPECT_EQ(snap->mailbox.highest_modseq, placed.back().modseq);
  EXPECT_EQ(Uids(*snap), (std::vector<uint32_t>{1, 2, 3}));
  ExpectCountersMatchRows(*snap);
  for (size_t i = 0; i < snap->messages.size(); ++i) {
    const MessageRecord& m = snap->messages[i];
    EXPECT_EQ(m.modseq, placed[i].modseq);
    EXPECT_EQ(m.email_id, placed[i].email_id);
    EXPECT_NE(m.thread_id, 0);
    EXPECT_EQ(m.received_at, kReceivedAt);
    EXPECT_GT(m.saved_at, 0);
    EXPECT_EQ(m.flags.seen, i == 1);
    const std::string content = "message " + std::to_string(i) + std::string(i * 10, 'x');
    EXPECT_EQ(m.blob, BlobKey::Of(content));
    EXPECT_EQ(m.size, content.size());
  }
  CO_ASSERT_OK(account, env.store->GetAccount("alice"));
  EXPECT_EQ(account->used_messages, 3u);
  EXPECT_EQ(account->used_bytes, bytes);
  EXPECT_GE(account->highest_modseq, placed.back().modseq);
  Result<std::vector<PlacedMessage>> nowhere =
      co_await env.store->Deliver(MakeRequest("lost", 987654));
  EXPECT_TRUE(!nowhere && nowhere.error().code == ErrorCode::kNotFound);
}

inline Task<void> DeliverSeveralTargets(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  CO_ASSERT_OK(bob, MakeAccount(env.store, "bob"));
  const int64_t a_inbox = alice->Mailbox("INBOX");
  const int64_t a_archive = alice->Mailbox("Archive");
  const int64_t b_inbox = bob->Mailbox("INBOX");
  const DeliveryRequest request = MakeRequest("to three places", {a_inbox, a_archive, b_inbox});
  CO_ASSERT_OK(placed, env.store->Deliver(request));
  CO_ASSERT_TRUE(placed->size() == 3);
  const PlacedMessage& in_inbox = (*placed)[0];
  const PlacedMessage& in_archive = (*placed)[1];
  const PlacedMessage& at_bob = (*placed)[2];
  EXPECT_EQ(in_inbox.mailbox_id, a_inbox);
  EXPECT_EQ(in_archive.mailbox_id, a_archive);
  EXPECT_EQ(at_bob.mailbox_id, b_inbox);
  EXPECT_EQ(in_inbox.email_id, in_archive.email_id);  // one email in two mailboxes
  EXPECT_EQ(in_inbox.modseq, in_archive.modseq);      // one transaction, one modseq
  EXPECT_NE(in_inbox.email_id, at_bob.email_id);
  EXPECT_EQ(at_bob.account_id, bob->id());
  for (const PlacedMessage& p : *placed) EXPECT_EQ(p.uid, 1u);
  EXPECT_EQ(env.inspect->BlobRows(request.blob), 1);
  EXPECT_EQ(env.inspect->BlobRefcount(request.blob), 2);  // one per email
  CO_ASSERT_OK(alice_now, env.store->GetAccount("alice"));
  EXPECT_EQ(alice_now->used_messages, 1u);
  EXPECT_EQ(alice_now->used_bytes, request.size);

  // Flags belong to the email: seen in INBOX is seen in Archive too.
  FlagUpdate seen{a_inbox, {1}, FlagOperation::kAdd, {}, std::nullopt};
  seen.flags.seen = true;
  CO_ASSERT_OK(changed, env.store->UpdateFlags(seen));
  CO_ASSERT_OK(archive, env.store->LoadMailbox(a_archive));
  CO_ASSERT_TRUE(archive->messages.size() == 1);
  EXPECT_TRUE(archive->messages[0].flags.seen);
  EXPECT_EQ(archive->mailbox.unseen_count, 0u);
  EXPECT_GT(archive->mailbox.highest_modseq, in_archive.modseq);
  ExpectCountersMatchRows(*archive);
}

inline Task<void> Flags(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  CO_ASSERT_OK(first, env.store->Deliver(MakeRequest("one", inbox)));
  CO_ASSERT_OK(second, env.store->Deliver(MakeRequest("two", inbox)));
  uint64_t last = (*second)[0].modseq;

  FlagUpdate add_seen{inbox, {1}, FlagOperation::kAdd, {}, std::nullopt};
  add_seen.flags.seen = true;
  CO_ASSERT_OK(r1, env.store->UpdateFlags(add_seen));
  CO_ASSERT_TRUE(r1->changed.size() == 1);
  EXPECT_EQ(r1->changed[0].uid, 1u);
  EXPECT_TRUE(r1->changed[0].flags.seen);
  EXPECT_GT(r1->changed[0].modseq, last);
  EXPECT_TRUE(r1->conflicts.empty());
  last = r1->changed[0].modseq;
  CO_ASSERT_OK(s1, env.store->LoadMailbox(inbox));
  EXPECT_EQ(s1->mailbox.unseen_count, 1u);
  EXPECT_EQ(s1->mailbox.highest_modseq, last);
  EXPECT_EQ(s1->messages[0].modseq, last);

  CO_ASSERT_OK(r2, env.store->UpdateFlags(add_seen));  // already set: no change, no modseq
  EXPECT_TRUE(r2->changed.empty());
  CO_ASSERT_OK(s2, env.store->LoadMailbox(inbox));
  EXPECT_EQ(s2->mailbox.highest_modseq, last);

  FlagUpdate keywords{inbox, {1, 2, 99}, FlagOperation::kAdd, {}, std::nullopt};
  keywords.flags.flagged = true;
  keywords.flags.keywords = {"work", "$Junk"};
  CO_ASSERT_OK(r3, env.store->UpdateFlags(keywords));
  CO_ASSERT_TRUE(r3->changed.size() == 2);  // 99 is not there: ignored
  for (const MessageRecord& m : r3->changed) {
    EXPECT_EQ(m.flags.keywords, (std::vector<std::string>{"$Junk", "work"}));
    EXPECT_TRUE(m.flags.flagged);
    EXPECT_GT(m.modseq, last);
  }
  last = r3->changed[0].modseq;

  FlagUpdate remove{inbox, {1}, FlagOperation::kRemove, {}, std::nullopt};
  remove.flags.seen = true;
  remove.flags.keywords = {"work"};
  CO_ASSERT_OK(r4, env.store->UpdateFlags(remove));
  CO_ASSERT_TRUE(r4->changed.size() == 1);
  EXPECT_FALSE(r4->changed[0].flags.seen);
  EXPECT_TRUE(r4->changed[0].flags.flagged);
  EXPECT_EQ(r4->changed[0].flags.keywords, (std::vector<std::string>{"$Junk"}));
  EXPECT_GT(r4->changed[0].modseq, last);
  last = r4->changed[0].modseq;

  FlagUpdate replace{inbox, {2}, FlagOperation::kReplace, {}, std::nullopt};
  replace.flags.answered = true;
  replace.flags.keywords = {"b", "a", "a"};
  CO_ASSERT_OK(r5, env.store->UpdateFlags(replace));
  CO_ASSERT_TRUE(r5->changed.size() == 1);
  MessageFlags expected;
  expected.answered = true;
  expected.keywords = {"a", "b"};
  EXPECT_EQ(r5->changed[0].flags, expected);
  EXPECT_GT(r5->changed[0].modseq, last);
  CO_ASSERT_OK(s5, env.store->LoadMailbox(inbox));
  EXPECT_EQ(s5->messages[1].flags, expected);
  EXPECT_EQ(s5->mailbox.highest_modseq, r5->changed[0].modseq);
  ExpectCountersMatchRows(*s5);
}

inline Task<void> UnchangedSince(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  CO_ASSERT_OK(first, env.store->Deliver(MakeRequest("one", inbox)));
  CO_ASSERT_OK(second, env.store->Deliver(MakeRequest("two", inbox)));
  const uint64_t s1 = (*first)[0].modseq;
  FlagUpdate update{inbox, {1, 2}, FlagOperation::kAdd, {}, s1};
  update.flags.seen = true;
  CO_ASSERT_OK(r, env.store->UpdateFlags(update));
  CO_ASSERT_TRUE(r->changed.size() == 1);
  EXPECT_EQ(r->changed[0].uid, 1u);
  EXPECT_EQ(r->conflicts, (std::vector<uint32_t>{2}));
  CO_ASSERT_OK(snap, env.store->LoadMailbox(inbox));
  EXPECT_TRUE(snap->messages[0].flags.seen);
  EXPECT_FALSE(snap->messages[1].flags.seen);
  EXPECT_EQ(snap->messages[1].modseq, (*second)[0].modseq);
}

}  // namespace conformance
}  // namespace ringmail::testing
