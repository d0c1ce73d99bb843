// Conformance bodies for account roles and API keys (metadata_conformance.h; MetadataStore's
// CreateApiKey, ListApiKeys, FindApiKey, DeleteApiKey, TouchApiKey; AccountRecord::role).
#pragma once

#include "metadata_conformance_bodies.h"

namespace ringmail::testing::conformance {

inline ApiKeyRecord KeyFor(std::string account, std::string name, std::string key_id) {
  ApiKeyRecord k;
  k.account = std::move(account);
  k.name = std::move(name);
  k.key_id = std::move(key_id);
  k.secret_sha256 = std::string(64, 'a');
  return k;
}

template <typename T>
void ExpectCode(const Result<T>& r, ErrorCode code, const char* what) {
  EXPECT_FALSE(r.has_value()) << what;
  if (!r) {
    EXPECT_EQ(r.error().code, code) << what << ": " << r.error().ToString();
  }
}

// CreateApiKey without its record (a parameter by value: a coroutine keeps no reference).
inline Task<Result<void>> CreateKey(MetadataStore* store, ApiKeyRecord key) {
  Result<ApiKeyRecord> r = co_await store->CreateApiKey(std::move(key));
  if (!r) co_return std::unexpected(r.error());
  co_return Result<void>{};
}

inline Task<void> AccountRoles(Env env) {
  CO_ASSERT_OK(plain, MakeAccount(env.store, "plain"));
  EXPECT_EQ(plain->record.role, "user");
  AccountRecord boss;
  boss.name = "boss";
  boss.role = "admin";
  CO_ASSERT_OK(made, env.store->CreateAccount(boss));
  EXPECT_EQ(made->role, "admin");
  AccountUpdate u;
  u.name = "plain";
  u.role = "admin";
  CO_ASSERT_OK(promoted, env.store->UpdateAccount(u));
  EXPECT_EQ(promoted->role, "admin");
  u.name = "boss";
  u.role = "user";
  CO_ASSERT_OK(demoted, env.store->UpdateAccount(u));
  EXPECT_EQ(demoted->role, "user");
  CO_ASSERT_OK(all, env.store->ListAccounts());
  CO_ASSERT_TRUE(all->size() == 2u);
  EXPECT_EQ((*all)[0].role, "user");   // boss
  EXPECT_EQ((*all)[1].role, "admin");  // plain
  u.role = "root";
  Result<AccountRecord> bad = co_await env.store->UpdateAccount(u);
  ExpectCode(bad, ErrorCode::kInvalidArgument, "an unknown role");
  boss.name = "other";
  boss.role = "superuser";
  Result<AccountRecord> refused = co_await env.store->CreateAccount(boss);
  ExpectCode(refused, ErrorCode::kInvalidArgument, "an unknown role at creation");
}

inline Task<void> ApiKeysLifecycle(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  CO_ASSERT_OK(bob, MakeAccount(env.store, "bob"));
  ApiKeyRecord laptop = KeyFor("alice", "laptop", "00000000000000a1");
  laptop.expires_at = Now() + 3600;
  const int64_t before = Now();
  CO_ASSERT_OK(made, env.store->CreateApiKey(laptop));
  EXPECT_GT(made->id, 0);
  EXPECT_EQ(made->account, "alice");
  EXPECT_EQ(made->name, "laptop");
  EXPECT_EQ(made->secret_sha256, laptop.secret_sha256);
  EXPECT_GE(made->created_at, before - 1);
  EXPECT_LE(made->created_at, Now() + 1);
  EXPECT_EQ(made->expires_at, laptop.expires_at);
  EXPECT_FALSE(made->last_used_at.has_value());
  CO_ASSERT_OK(phone, env.store->CreateApiKey(KeyFor("alice", "phone", "00000000000000a2")));
  EXPECT_FALSE(phone->expires_at.has_value());
  // The same name on another account is another key.
  CO_ASSERT_OK(bobs, env.store->CreateApiKey(KeyFor("bob", "laptop", "00000000000000b1")));

  CO_ASSERT_OK(listed, env.store->ListApiKeys("alice"));
  CO_ASSERT_TRUE(listed->size() == 2u);
  EXPECT_EQ((*listed)[0].name, "laptop");
  EXPECT_EQ((*listed)[1].name, "phone");
  CO_ASSERT_OK(none, env.store->ListApiKeys("bob"));
  EXPECT_EQ(none->size(), 1u);

  CO_ASSERT_OK(found, env.store->FindApiKey("00000000000000a2"));
  EXPECT_EQ(found->account, "alice");
  EXPECT_EQ(found->name, "phone");
  CO_ASSERT_OK(touched, env.store->TouchApiKey(found->id, 1700000000));
  CO_ASSERT_OK(again, env.store->FindApiKey("00000000000000a2"));
  EXPECT_EQ(again->last_used_at, std::optional<int64_t>(1700000000));

  CO_ASSERT_OK(revoked, env.store->DeleteApiKey("alice", "phone"));
  Result<ApiKeyRecord> gone = co_await env.store->FindApiKey("00000000000000a2");
  ExpectCode(gone, ErrorCode::kNotFound, "a revoked key");
  Result<void> r1 = co_await env.store->DeleteApiKey("alice", "phone");
  ExpectCode(r1, ErrorCode::kNotFound, "revoking twice");
  Result<void> r2 = co_await env.store->DeleteApiKey("nobody", "phone");
  ExpectCode(r2, ErrorCode::kNotFound, "an unknown account");
  CO_ASSERT_OK(still, env.store->FindApiKey("00000000000000b1"));  // bob's is untouched

  // Keys go with their account.
  CO_ASSERT_OK(removed, env.store->DeleteAccount("alice"));
  Result<ApiKeyRecord> orphan = co_await env.store->FindApiKey("00000000000000a1");
  ExpectCode(orphan, ErrorCode::kNotFound, "a key of a removed account");
}

inline Task<void> ApiKeysRefused(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  CO_ASSERT_OK(first, env.store->CreateApiKey(KeyFor("alice", "ci", "00000000000000c1")));
  Result<void> r3 = co_await CreateKey(env.store, KeyFor("alice", "ci", "00000000000000c2"));
  ExpectCode(r3, ErrorCode::kAlreadyExists, "a name the account uses");
  Result<void> r4 = co_await CreateKey(env.store, KeyFor("bob", "ci", "00000000000000c3"));
  ExpectCode(r4, ErrorCode::kNotFound, "an unknown account");
  Result<void> r5 = co_await CreateKey(env.store, KeyFor("alice", "", "00000000000000c4"));
  ExpectCode(r5, ErrorCode::kInvalidArgument, "an empty name");
  Result<void> r6 = co_await CreateKey(env.store, KeyFor("alice", "tab\there", "00000000000000c5"));
  ExpectCode(r6, ErrorCode::kInvalidArgument, "a control character");
  Result<void> r7 =
      co_await CreateKey(env.store, KeyFor("alice", std::string(kApiKeyNameMax + 1, 'n'), "0c6"));
  ExpectCode(r7, ErrorCode::kInvalidArgument, "a long name");
  ApiKeyRecord bad_hash = KeyFor("alice", "h", "00000000000000c7");
  bad_hash.secret_sha256 = "plain text";
  Result<void> r8 = co_await CreateKey(env.store, bad_hash);
  ExpectCode(r8, ErrorCode::kInvalidArgument, "a hash that is none");
  Result<void> r9 = co_await CreateKey(env.store, KeyFor("alice", "other", "00000000000000c1"));
  ExpectCode(r9, ErrorCode::kAlreadyExists, "a key id taken");
  for (size_t i = 1; i < kApiKeysPerAccountMax; ++i) {
    CO_ASSERT_OK(more, CreateKey(env.store, KeyFor("alice", "k" + std::to_string(i),
                                                   "d" + std::to_string(i))));
  }
  Result<void> r10 = co_await CreateKey(env.store, KeyFor("alice", "one-too-many", "e1"));
  ExpectCode(r10, ErrorCode::kLimitExceeded, "past kApiKeysPerAccountMax");
  CO_ASSERT_OK(listed, env.store->ListApiKeys("alice"));
  EXPECT_EQ(listed->size(), kApiKeysPerAccountMax);
}

}  // namespace ringmail::testing::conformance
