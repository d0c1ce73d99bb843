// API keys (directory/api_key.h) and Authenticator::ApiKey over the internal directory on a
// real SQLite store: the key's form, a good key, and the ways a key fails alike (malformed,
// unknown, wrong secret, expired, revoked, its account inactive or a group), the admin role,
// last-use bookkeeping, the plain-text policy and the rate limiter.
#include <gtest/gtest.h>

#include <ctime>
#include <memory>
#include <string>

#include "directory/api_key.h"
#include "directory/authenticator.h"
#include "directory/internal_directory.h"
#include "store/metadata_test_util.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite_test_util.h"
#include "testing/run_on_reactor.h"

namespace ringmail::testing {
namespace {

TEST(ApiKeyTest, FormatAndParse) {
  Result<ApiKeyParts> a = NewApiKey();
  Result<ApiKeyParts> b = NewApiKey();
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_NE(a->secret, b->secret);
  EXPECT_NE(a->key_id, b->key_id);
  const std::string key = FormatApiKey(*a);
  EXPECT_EQ(key.size(), kApiKeySize);
  EXPECT_TRUE(key.starts_with("rmk_"));
  std::optional<ApiKeyParts> back = ParseApiKey(key);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->key_id, a->key_id);
  EXPECT_EQ(back->secret, a->secret);
  EXPECT_TRUE(ApiKeySecretMatches(a->secret, ApiKeySecretHash(a->secret)));
  EXPECT_FALSE(ApiKeySecretMatches(b->secret, ApiKeySecretHash(a->secret)));
  EXPECT_EQ(ApiKeySecretHash(a->secret).size(), 64u);
  for (std::string bad :
       {std::string(""), key.substr(1), key + "0", "xmk_" + key.substr(4),
        key.substr(0, 20) + "-" + key.substr(21), key.substr(0, 30) + "G" + key.substr(31)}) {
    EXPECT_FALSE(ParseApiKey(bad).has_value()) << bad;
  }
}

const AuthContext kLocal{*SocketAddress::Parse("127.0.0.1:1"), false, "test"};
const AuthContext kRemote{*SocketAddress::Parse("192.0.2.1:1"), false, "test"};
const AuthContext kRemoteTls{*SocketAddress::Parse("192.0.2.1:1"), true, "test"};

std::string Outcome(const AuthResult& r) {
  if (!r) return AuthFailureName(r.error());
  return "ok " + r->name + (r->is_admin ? " admin" : "") + " key=" + r->api_key;
}

// A key made as the admin operations make one, stored for `account`.
Task<std::string> MakeKey(MetadataStore* store, std::string account, std::string name,
                          std::optional<int64_t> expires_at = std::nullopt) {
  Result<ApiKeyParts> parts = NewApiKey();
  EXPECT_TRUE(parts.has_value());
  ApiKeyRecord k;
  k.account = std::move(account);
  k.name = std::move(name);
  k.key_id = parts->key_id;
  k.secret_sha256 = ApiKeySecretHash(parts->secret);
  k.expires_at = expires_at;
  Result<ApiKeyRecord> stored = co_await store->CreateApiKey(k);
  EXPECT_TRUE(stored.has_value()) << stored.error().ToString();
  co_return FormatApiKey(*parts);
}

Task<Result<AccountRecord>> MakeAccount(MetadataStore* store, std::string name, std::string type,
                                        std::string role) {
  AccountRecord a;
  a.name = std::move(name);
  a.type = std::move(type);
  a.role = std::move(role);
  Result<AccountRecord> made = co_await store->CreateAccount(a);
  co_return made;
}

class AuthenticatorApiKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<SqliteMetadataStore>> store =
        SqliteMetadataStore::Open(dir_.path() + "/meta.db");
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    directory_ = std::make_unique<InternalDirectory>(store_.get());
    Result<std::unique_ptr<WorkerPool>> workers = WorkerPool::Create(1, 16);
    ASSERT_TRUE(workers.has_value());
    workers_ = std::move(*workers);
    settings_.rate_limits.per_address.failures_before_delay = 1000;
    settings_.rate_limits.per_account.failures_before_delay = 1000;
    settings_.rate_limits.per_address.failures_before_block = 0;
    settings_.rate_limits.per_account.failures_before_block = 0;
  }
  Authenticator* Auth() {
    auth_ = std::make_unique<Authenticator>(directory_.get(), workers_.get(), &settings_, 1);
    return auth_.get();
  }

  TempDir dir_;
  std::unique_ptr<SqliteMetadataStore> store_;
  std::unique_ptr<InternalDirectory> directory_;
  std::unique_ptr<WorkerPool> workers_;
  AuthSettings settings_;
  std::unique_ptr<Authenticator> auth_;
};

Task<void> GoodAndBadKeys(MetadataStore* store, Authenticator* auth) {
  CO_ASSERT_OK(alice, MakeAccount(store, "alice", "individual", "user"));
  CO_ASSERT_OK(boss, MakeAccount(store, "boss", "individual", "admin"));
  CO_ASSERT_OK(team, MakeAccount(store, "team", "group", "user"));
  const std::string key = co_await MakeKey(store, "alice", "laptop");
  const std::string admin_key = co_await MakeKey(store, "boss", "ci");
  const std::string group_key = co_await MakeKey(store, "team", "shared");
  const std::string expired =
      co_await MakeKey(store, "alice", "old", static_cast<int64_t>(std::time(nullptr)) - 1);
  AuthResult ok = co_await auth->ApiKey(key, kLocal);
  EXPECT_EQ(Outcome(ok), "ok alice key=laptop");
  AuthResult admin = co_await auth->ApiKey(admin_key, kRemoteTls);
  EXPECT_EQ(Outcome(admin), "ok boss admin key=ci");
  // A key is a credential like a password: not over plain text from afar.
  AuthResult plain = co_await auth->ApiKey(key, kRemote);
  EXPECT_EQ(Outcome(plain), "encryption_required");
  // Every bad key fails alike.
  std::string wrong_secret = key;
  wrong_secret.back() = wrong_secret.back() == '0' ? '1' : '0';
  std::string unknown_id = key;
  unknown_id[5] = unknown_id[5] == '0' ? '1' : '0';
  for (const std::string& bad :
       {std::string("rmk_nonsense"), wrong_secret, unknown_id, expired, group_key}) {
    AuthResult r = co_await auth->ApiKey(bad, kLocal);
    EXPECT_EQ(Outcome(r), "invalid_credentials") << bad;
  }
  // The last use is recorded (at most once a minute).
  CO_ASSERT_OK(listed, store->ListApiKeys("alice"));
  CO_ASSERT_TRUE(listed->size() == 2u);
  EXPECT_TRUE((*listed)[0].last_used_at.has_value());   // laptop
  EXPECT_FALSE((*listed)[1].last_used_at.has_value());  // old: never accepted
  // An inactive account's keys fail; so does a revoked key.
  AccountUpdate off;
  off.name = "alice";
  off.active = false;
  CO_ASSERT_OK(disabled, store->UpdateAccount(off));
  AuthResult inactive = co_await auth->ApiKey(key, kLocal);
  EXPECT_EQ(Outcome(inactive), "invalid_credentials");
  CO_ASSERT_OK(revoked, store->DeleteApiKey("boss", "ci"));
  AuthResult gone = co_await auth->ApiKey(admin_key, kLocal);
  EXPECT_EQ(Outcome(gone), "invalid_credentials");
}

TEST_F(AuthenticatorApiKeyTest, GoodAndBadKeys) {
  RunOnReactor(GoodAndBadKeys(store_.get(), Auth()));
}

Task<void> WrongKeysAreBlocked(MetadataStore* store, Authenticator* auth) {
  CO_ASSERT_OK(alice, MakeAccount(store, "alice", "individual", "user"));
  const std::string key = co_await MakeKey(store, "alice", "laptop");
  const AuthContext attacker{*SocketAddress::Parse("192.0.2.9:1"), true, "test"};
  for (int i = 0; i < 3; ++i) {
    Result<ApiKeyParts> guess = NewApiKey();
    AuthResult r = co_await auth->ApiKey(FormatApiKey(*guess), attacker);
    EXPECT_EQ(Outcome(r), "invalid_credentials") << i;
  }
  // The source is blocked now: even the right key is refused from it, before any lookup.
  AuthResult blocked = co_await auth->ApiKey(key, attacker);
  EXPECT_EQ(Outcome(blocked), "blocked");
  AuthResult elsewhere = co_await auth->ApiKey(key, kLocal);
  EXPECT_EQ(Outcome(elsewhere), "ok alice key=laptop");
}

TEST_F(AuthenticatorApiKeyTest, WrongKeysAreBlocked) {
  settings_.rate_limits.per_address.failures_before_block = 3;
  RunOnReactor(WrongKeysAreBlocked(store_.get(), Auth()));
}

}  // namespace
}  // namespace ringmail::testing
