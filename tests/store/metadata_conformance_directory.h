// Conformance test bodies (metadata_conformance.h), continued: what the internal directory
// keeps in the store — accounts with addresses and memberships, updates, removal.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "metadata_conformance_bodies.h"

namespace ringmail::testing::conformance {

inline AccountRecord Principal(std::string name, std::string type, std::vector<std::string> emails,
                               std::vector<std::string> member_of = {}) {
  AccountRecord a;
  a.name = std::move(name);
  a.type = std::move(type);
  a.emails = std::move(emails);
  a.member_of = std::move(member_of);
  return a;
}

inline std::vector<std::string> Names(std::string a, std::string b = "") {
  std::vector<std::string> v;
  v.push_back(std::move(a));
  if (!b.empty()) v.push_back(std::move(b));
  return v;
}

inline Task<void> AccountsWithAddresses(Env env) {
  CO_ASSERT_OK(d1, env.store->CreateDomain("example.com"));
  CO_ASSERT_OK(d2, env.store->CreateDomain("xn--bcher-kva.example"));
  CO_ASSERT_OK(team,
               env.store->CreateAccount(Principal("team", "group", Names("team@example.com"))));
  AccountRecord alice =
      Principal("Alice", "individual", Names("alice@example.com", "ali@xn--bcher-kva.example"),
                Names("team"));
  alice.secret = "{PLAIN}x";
  alice.description = "Alice A.";
  CO_ASSERT_OK(created, env.store->CreateAccount(alice));
  EXPECT_EQ(created->name, "Alice");
  EXPECT_EQ(created->emails, alice.emails);
  EXPECT_EQ(created->member_of, Names("team"));
  EXPECT_EQ(created->description, "Alice A.");
  CO_ASSERT_OK(bob, env.store->CreateAccount(
                        Principal("bob", "individual", Names("@example.com"), Names("team"))));
  CO_ASSERT_OK(owner, env.store->FindAddress("ali@xn--bcher-kva.example"));
  EXPECT_EQ(*owner, Names("Alice"));
  CO_ASSERT_OK(catch_all, env.store->FindAddress("@example.com"));
  EXPECT_EQ(*catch_all, Names("bob"));
  CO_ASSERT_OK(nobody, env.store->FindAddress("carol@example.com"));
  EXPECT_TRUE(nobody->empty());
  CO_ASSERT_OK(members, env.store->ListMembers("team"));
  EXPECT_EQ(*members, Names("Alice", "bob"));
  CO_ASSERT_OK(all, env.store->ListAccounts());
  CO_ASSERT_TRUE(all->size() == 3);
  EXPECT_EQ((*all)[0].name, "Alice");
  EXPECT_EQ((*all)[0].emails, alice.emails);
  EXPECT_EQ((*all)[2].name, "team");
  CO_ASSERT_OK(has, env.store->HasDomain("example.com"));
  EXPECT_TRUE(*has);
  CO_ASSERT_OK(has_not, env.store->HasDomain("example.org"));
  EXPECT_FALSE(*has_not);
}

inline Task<void> AccountRulesRefused(Env env) {
  CO_ASSERT_OK(d1, env.store->CreateDomain("example.com"));
  CO_ASSERT_OK(a, env.store->CreateAccount(Principal("a", "individual", Names("a@example.com"))));
  Result<AccountRecord> taken =
      co_await env.store->CreateAccount(Principal("b", "individual", Names("a@example.com")));
  EXPECT_TRUE(!taken && taken.error().code == ErrorCode::kAlreadyExists);
  Result<AccountRecord> no_domain =
      co_await env.store->CreateAccount(Principal("c", "individual", Names("c@example.org")));
  EXPECT_TRUE(!no_domain && no_domain.error().code == ErrorCode::kNotFound);
  Result<AccountRecord> not_normal =
      co_await env.store->CreateAccount(Principal("d", "individual", Names("D@example.com")));
  EXPECT_TRUE(!not_normal && not_normal.error().code == ErrorCode::kInvalidArgument);
  Result<AccountRecord> not_group = co_await env.store->CreateAccount(
      Principal("e", "individual", Names("e@example.com"), Names("a")));
  EXPECT_TRUE(!not_group && not_group.error().code == ErrorCode::kInvalidArgument);
  // A refused create leaves nothing behind.
  CO_ASSERT_OK(all, env.store->ListAccounts());
  EXPECT_EQ(all->size(), 1u);
  Result<void> in_use = co_await env.store->DeleteDomain("example.com");
  EXPECT_TRUE(!in_use && in_use.error().code == ErrorCode::kInvalidArgument);
  Result<void> unknown = co_await env.store->DeleteDomain("example.org");
  EXPECT_TRUE(!unknown && unknown.error().code == ErrorCode::kNotFound);
}

inline Task<void> AccountUpdates(Env env) {
  CO_ASSERT_OK(d1, env.store->CreateDomain("example.com"));
  CO_ASSERT_OK(list,
               env.store->CreateAccount(Principal("news", "list", Names("news@example.com"))));
  CO_ASSERT_OK(a, env.store->CreateAccount(Principal("a", "individual", Names("a@example.com"))));
  AccountUpdate u;
  u.name = "a";
  u.secret = "{PLAIN}new";
  u.active = false;
  u.quota_bytes = 1000;
  u.emails = Names("a2@example.com", "a@example.com");
  u.member_of = Names("news");
  CO_ASSERT_OK(updated, env.store->UpdateAccount(u));
  EXPECT_EQ(updated->secret, "{PLAIN}new");
  EXPECT_FALSE(updated->active);
  EXPECT_EQ(updated->quota_bytes, 1000u);
  EXPECT_EQ(updated->emails, Names("a2@example.com", "a@example.com"));
  EXPECT_EQ(updated->member_of, Names("news"));
  AccountUpdate only_secret;
  only_secret.name = "a";
  only_secret.secret = "";
  CO_ASSERT_OK(again, env.store->UpdateAccount(only_secret));
  EXPECT_EQ(again->secret, "");
  EXPECT_EQ(again->emails, updated->emails);  // untouched
  AccountUpdate missing;
  missing.name = "nobody";
  Result<AccountRecord> none = co_await env.store->UpdateAccount(missing);
  EXPECT_TRUE(!none && none.error().code == ErrorCode::kNotFound);
}

inline Task<void> DeleteAccountReleasesEverything(Env env) {
  CO_ASSERT_OK(d1, env.store->CreateDomain("example.com"));
  CO_ASSERT_OK(team, env.store->CreateAccount(Principal("team", "group", Names("t@example.com"))));
  CO_ASSERT_OK(a, env.store->CreateAccount(
                      Principal("a", "individual", Names("a@example.com"), Names("team"))));
  CO_ASSERT_OK(mailboxes, env.store->ListMailboxes(a->id));
  const MailboxRecord* inbox = FindMailbox(*mailboxes, "INBOX");
  CO_ASSERT_TRUE(inbox != nullptr);
  const DeliveryRequest request = MakeRequest("to be deleted", inbox->id);
  CO_ASSERT_OK(placed, env.store->Deliver(request));
  EXPECT_EQ(env.inspect->BlobRefcount(request.blob), 1);
  CO_ASSERT_OK(gone, env.store->DeleteAccount("a"));
  EXPECT_EQ(env.inspect->BlobRefcount(request.blob), 0);
  Result<AccountRecord> lookup = co_await env.store->GetAccount("a");
  EXPECT_TRUE(!lookup && lookup.error().code == ErrorCode::kNotFound);
  CO_ASSERT_OK(owner, env.store->FindAddress("a@example.com"));
  EXPECT_TRUE(owner->empty());
  CO_ASSERT_OK(members, env.store->ListMembers("team"));
  EXPECT_TRUE(members->empty());
  Result<void> twice = co_await env.store->DeleteAccount("a");
  EXPECT_TRUE(!twice && twice.error().code == ErrorCode::kNotFound);
  CO_ASSERT_OK(t, env.store->DeleteAccount("team"));
  CO_ASSERT_OK(domain_gone, env.store->DeleteDomain("example.com"));
  CO_ASSERT_OK(domains, env.store->ListDomains());
  EXPECT_TRUE(domains->empty());
}

}  // namespace ringmail::testing::conformance
