// The Authenticator over a memory directory and a real worker pool, on a test reactor (core 0):
// logins by name and address with several secret schemes, the plain-text policy, the fallback
// administrator, the rate limiter under a fake clock, a directory outage, and SASL exchanges
// (PLAIN, LOGIN, and SCRAM-SHA-256 with a client written here).
#include "directory/authenticator.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/encoding.h"
#include "directory/memory_directory.h"
#include "directory/secret.h"
#include "runtime/runtime_metrics.h"
#include "store/metadata_test_util.h"
#include "testing/run_on_reactor.h"
#include "tls/digest.h"

namespace ringmail::testing {
namespace {

using namespace std::string_literals;

uint64_t g_now_ms = 1'000'000;
uint64_t FakeNow() { return g_now_ms; }

// Hashed once: yescrypt and SCRAM secrets cost real time.
struct Secrets {
  std::string alice;  // yescrypt
  std::string sam;    // a SCRAM-SHA-256 verifier
  std::string admin;  // sha512-crypt
};
const Secrets& TestSecrets() {
  static const Secrets secrets{*HashSecret("alice-pw", SecretScheme::kYescrypt),
                               *HashSecret("sam-pw", SecretScheme::kScramSha256),
                               *HashSecret("admin-pw", SecretScheme::kSha512Crypt)};
  return secrets;
}

MemoryPrincipalConfig Entry(std::string name, std::string type, std::string secret,
                            std::vector<std::string> emails, bool active = true) {
  MemoryPrincipalConfig c;
  c.name = std::move(name);
  c.type = std::move(type);
  c.secret = std::move(secret);
  c.emails = std::move(emails);
  c.active = active;
  return c;
}

std::unique_ptr<MemoryDirectory> MakeDirectory() {
  std::vector<MemoryPrincipalConfig> p;
  p.push_back(Entry("alice", "individual", TestSecrets().alice,
                    {"Alice@Example.TEST", "ali@example.test"}));
  p.push_back(Entry("bob", "individual", "{PLAIN}bob-pw", {"bob@example.test"}));
  p.push_back(Entry("sam", "individual", TestSecrets().sam, {"sam@example.test"}));
  p.push_back(Entry("carol", "individual", "{PLAIN}carol-pw", {"carol@example.test"}, false));
  p.push_back(Entry("team", "group", "{PLAIN}team-pw", {"team@example.test"}));
  p.push_back(Entry("postmaster", "individual", "{PLAIN}pm-pw", {"@example.test"}));
  Result<std::unique_ptr<MemoryDirectory>> d = MemoryDirectory::Create(p, {});
  EXPECT_TRUE(d.has_value()) << d.error().ToString();
  return d ? std::move(*d) : nullptr;
}

// Every lookup fails as an unreachable database does.
class DownDirectory : public Directory {
 public:
  Task<Result<Principal>> FindPrincipal(std::string) override { co_return Down(); }
  Task<Result<std::vector<std::string>>> FindAddress(std::string) override { co_return Down(); }
  Task<Result<std::vector<std::string>>> Members(std::string) override { co_return Down(); }
  Task<Result<bool>> IsLocalDomain(std::string) override { co_return Down(); }

 private:
  static std::unexpected<Error> Down() { return MakeError(ErrorCode::kUnavailable, "down"); }
};

AuthContext Ctx(std::string_view peer, bool encrypted = false) {
  return AuthContext{*SocketAddress::Parse(peer), encrypted, "test"};
}
const AuthContext kLoopback = Ctx("127.0.0.1:40000");
const AuthContext kRemote = Ctx("192.0.2.1:40000");
const AuthContext kRemoteTls = Ctx("192.0.2.1:40000", /*encrypted=*/true);

std::string Outcome(const AuthResult& r) {
  if (!r) return AuthFailureName(r.error());
  return "ok " + r->name + (r->is_admin ? " admin" : "");
}

std::string Outcome(const SaslReply& r) {
  switch (r.kind) {
    case SaslReply::Kind::kChallenge: return "challenge " + r.data;
    case SaslReply::Kind::kSuccess: return "ok " + r.principal.name;
    case SaslReply::Kind::kFailure: return AuthFailureName(r.failure);
  }
  return "?";
}

int64_t WorkerJobs() { return Reactor::Current()->metrics().Get(GetRuntimeMetrics().worker_jobs); }

struct LoginCase {
  std::string name;
  std::string password;
  AuthContext context;
  std::string want;
};

Task<void> ExpectLogins(Authenticator* auth, std::vector<LoginCase> cases) {
  for (const LoginCase& c : cases) {
    const AuthResult r = co_await auth->Login(c.name, c.password, c.context);
    EXPECT_EQ(Outcome(r), c.want) << "login " << c.name << " / " << c.password;
  }
}

std::string Bytes(const Sha256Digest& d) { return std::string(d.begin(), d.end()); }

// The client side of SCRAM-SHA-256 (RFC 5802 §3, RFC 7677), without channel binding.
class ScramClient {
 public:
  ScramClient(std::string user, std::string password, std::string authzid)
      : user_(std::move(user)),
        password_(std::move(password)),
        gs2_header_(authzid.empty() ? "n,," : "n,a=" + authzid + ",") {}

  std::string First() const { return gs2_header_ + Bare(); }

  // The client-final message for `server_first`; "" when it is not one.
  std::string Final(std::string_view server_first) {
    std::string nonce, salt;
    int iterations = 0;
    size_t pos = 0;
    while (pos <= server_first.size()) {
      const size_t end = std::min(server_first.find(',', pos), server_first.size());
      const std::string_view field = server_first.substr(pos, end - pos);
      if (field.starts_with("r=")) nonce = field.substr(2);
      if (field.starts_with("s=")) salt = Base64Decode(field.substr(2)).value_or("");
      if (field.starts_with("i=")) iterations = std::atoi(std::string(field.substr(2)).c_str());
      pos = end + 1;
    }
    if (!nonce.starts_with(kNonce) || nonce.size() == kNonce.size() || salt.empty() ||
        iterations < 1) {
      return "";
    }
    const std::string without_proof = "c=" + Base64(gs2_header_) + ",r=" + nonce;
    const std::string auth_message = Bare() + "," + std::string(server_first) + "," + without_proof;
    const Sha256Digest salted = Pbkdf2Sha256(password_, salt, iterations);
    Sha256Digest proof = HmacSha256(salted, "Client Key");
    const Sha256Digest signature = HmacSha256(Sha256(Bytes(proof)), auth_message);
    for (size_t i = 0; i < proof.size(); ++i) proof[i] ^= signature[i];
    server_signature_ = Bytes(HmacSha256(HmacSha256(salted, "Server Key"), auth_message));
    return without_proof + ",p=" + Base64(proof);
  }

  // Whether `server_final` proves that the server knew our keys.
  bool Verify(std::string_view server_final) const {
    return !server_signature_.empty() && server_final == "v=" + Base64(server_signature_);
  }

 private:
  static constexpr std::string_view kNonce = "fyko+d2lbbFgONRv9qkxdawL";
  std::string Bare() const { return "n=" + user_ + ",r=" + std::string(kNonce); }

  std::string user_;
  std::string password_;
  std::string gs2_header_;
  std::string server_signature_;
};

struct ScramCase {
  std::string user;
  std::string password;
  std::string want;
  bool success_carries_data = true;
  AuthContext context = kLoopback;
  std::string authzid = "";
};

// One SCRAM exchange: its outcome, after checking the server's signature on success.
Task<std::string> Scram(Authenticator* auth, ScramCase c) {
  ScramClient client(c.user, c.password, c.authzid);
  auto exchange =
      auth->StartExchange(SaslMechanismKind::kScramSha256, c.context, c.success_carries_data);
  SaslReply r = co_await exchange->Start(client.First());
  if (r.kind != SaslReply::Kind::kChallenge) co_return "at first: " + Outcome(r);
  const std::string final_message = client.Final(r.data);
  if (final_message.empty()) co_return "bad server-first " + r.data;
  r = co_await exchange->Continue(Base64(final_message));
  if (!c.success_carries_data && r.kind == SaslReply::Kind::kChallenge) {
    if (!client.Verify(r.data)) co_return "bad server-final " + r.data;
    r = co_await exchange->Continue("");  // the empty answer to server-final
    EXPECT_TRUE(r.data.empty());
  } else if (r.kind == SaslReply::Kind::kSuccess && !client.Verify(r.data)) {
    co_return "bad server-final " + r.data;
  }
  co_return Outcome(r);
}

Task<void> ExpectScram(Authenticator* auth, std::vector<ScramCase> cases) {
  for (const ScramCase& c : cases) {
    const std::string got = co_await Scram(auth, c);
    EXPECT_EQ(got, c.want) << "SCRAM " << c.user << " / " << c.password << " as " << c.authzid;
  }
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_now_ms = 1'000'000;
    directory_ = MakeDirectory();
    ASSERT_NE(directory_, nullptr);
    Result<std::unique_ptr<WorkerPool>> workers = WorkerPool::Create(2, 16);
    ASSERT_TRUE(workers.has_value());
    workers_ = std::move(*workers);
    // Unless a test says otherwise, failures are neither delayed nor blocked.
    for (AuthRateLimits* l :
         {&settings_.rate_limits.per_address, &settings_.rate_limits.per_account}) {
      l->failures_before_delay = 1000;
      l->failures_before_block = 0;
    }
    settings_.fallback_admin = FallbackAdmin{"admin", TestSecrets().admin};
  }

  // The authenticator, made at first use (after a test's settings).
  Authenticator* Auth(Directory* directory = nullptr) {
    auth_ = std::make_unique<Authenticator>(directory ? directory : directory_.get(),
                                            workers_.get(), &settings_, /*cores=*/1);
    auth_->SetClockForTest(&FakeNow);
    return auth_.get();
  }

  std::unique_ptr<MemoryDirectory> directory_;
  std::unique_ptr<WorkerPool> workers_;
  AuthSettings settings_;
  std::unique_ptr<Authenticator> auth_;
};

TEST_F(AuthenticatorTest, LoginByNameAndAddress) {
  const std::vector<LoginCase> cases = {
      {"bob", "bob-pw", kLoopback, "ok bob"},                     // {PLAIN}
      {"alice", "alice-pw", kLoopback, "ok alice"},               // yescrypt
      {"sam", "sam-pw", kLoopback, "ok sam"},                     // a SCRAM verifier
      {"ALICE@example.Test", "alice-pw", kLoopback, "ok alice"},  // primary, any case
      {"Ali@EXAMPLE.test", "alice-pw", kLoopback, "ok alice"},    // alias
      {"postmaster", "pm-pw", kLoopback, "ok postmaster"},
      {"admin", "admin-pw", kLoopback, "ok admin admin"},
  };
  RunOnReactor(ExpectLogins(Auth(), cases));
}

TEST_F(AuthenticatorTest, FailuresLookAlike) {
  const std::string invalid = "invalid_credentials";
  const std::vector<LoginCase> cases = {
      {"bob", "wrong", kLoopback, invalid},
      {"bob", "", kLoopback, invalid},
      {"Bob", "bob-pw", kLoopback, invalid},  // names compare as stored
      {"nobody", "x", kLoopback, invalid},
      {"carol", "carol-pw", kLoopback, invalid},
      {"team", "team-pw", kLoopback, invalid},  // a group never logs in
      {"team@example.test", "team-pw", kLoopback, invalid},
      {"nobody@example.test", "pm-pw", kLoopback, invalid},  // a catch-all is no login
      {"admin", "wrong", kLoopback, invalid},
      {"", "", kLoopback, invalid},
  };
  RunOnReactor(ExpectLogins(Auth(), cases));
}

TEST_F(AuthenticatorTest, PlainTextPolicy) {
  const std::vector<LoginCase> cases = {
      {"bob", "bob-pw", kRemote, "encryption_required"},
      {"bob", "wrong", kRemote, "encryption_required"},
      {"bob", "bob-pw", kRemoteTls, "ok bob"},
      {"bob", "bob-pw", Ctx("[::1]:40000"), "ok bob"},
  };
  Authenticator* auth = Auth();
  RunOnReactor(ExpectLogins(auth, cases));

  using K = SaslMechanismKind;
  const std::vector<K> all = {K::kScramSha256, K::kPlain, K::kLogin};
  EXPECT_EQ(auth->Mechanisms(kRemote), std::vector<K>{K::kScramSha256});
  EXPECT_EQ(auth->Mechanisms(kRemoteTls), all);
  EXPECT_EQ(auth->Mechanisms(kLoopback), all);
  EXPECT_FALSE(auth->PlainTextAllowed(kRemote));
  settings_.plain_text_networks = *NetworkList::Parse({"192.0.2.0/24"});
  EXPECT_TRUE(auth->PlainTextAllowed(kRemote));
  EXPECT_EQ(auth->Mechanisms(kRemote), all);
}

Task<void> AdminIsNoPrincipal(Authenticator* auth) {
  const AuthResult r = co_await auth->Login("admin", "admin-pw", kLoopback);
  CO_ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->is_admin);
  EXPECT_EQ(r->principal.name, "");
  const AuthResult alice = co_await auth->Login("alice", "alice-pw", kLoopback);
  CO_ASSERT_TRUE(alice.has_value());
  EXPECT_FALSE(alice->is_admin);
  EXPECT_EQ(alice->principal.emails,
            (std::vector<std::string>{"alice@example.test", "ali@example.test"}));
}

TEST_F(AuthenticatorTest, FallbackAdmin) { RunOnReactor(AdminIsNoPrincipal(Auth())); }

Task<void> BlockAndExpire(Authenticator* auth, uint64_t block_ms) {
  const AuthContext attacker = Ctx("192.0.2.7:1", true);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) {
    const AuthResult r = co_await auth->Login("bob", "guess" + std::to_string(i), attacker);
    EXPECT_EQ(Outcome(r), "invalid_credentials") << i;
  }
  // The second failure is delayed by one step (a lower bound: a sleep is never shorter).
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2));
  // Blocked before any lookup or hash, even with the right password.
  const int64_t jobs = WorkerJobs();
  const AuthResult right = co_await auth->Login("bob", "bob-pw", attacker);
  EXPECT_EQ(Outcome(right), "blocked");
  const AuthResult other = co_await auth->Login("alice", "alice-pw", attacker);  // the address
  EXPECT_EQ(Outcome(other), "blocked");
  EXPECT_EQ(WorkerJobs(), jobs);
  const ScramCase blocked_scram{"bob", "bob-pw", "", true, attacker};
  const std::string scram = co_await Scram(auth, blocked_scram);
  EXPECT_EQ(scram, "at first: blocked");
  // The owner, from an address that never failed for bob, still gets in.
  const AuthResult owner = co_await auth->Login("bob", "bob-pw", Ctx("198.51.100.1:1", true));
  EXPECT_EQ(Outcome(owner), "ok bob");
  g_now_ms += block_ms - 1;
  const AuthResult still = co_await auth->Login("bob", "bob-pw", attacker);
  EXPECT_EQ(Outcome(still), "blocked");
  g_now_ms += 2;
  const AuthResult after = co_await auth->Login("bob", "bob-pw", attacker);
  EXPECT_EQ(Outcome(after), "ok bob");
  EXPECT_GT(WorkerJobs(), jobs);
}

TEST_F(AuthenticatorTest, RateLimitBlocksAndExpires) {
  for (AuthRateLimits* l :
       {&settings_.rate_limits.per_address, &settings_.rate_limits.per_account}) {
    l->failures_before_delay = 1;
    l->delay_step_ms = 2;
    l->delay_max_ms = 4;
    l->failures_before_block = 3;
    l->block_ms = 60'000;
  }
  RunOnReactor(BlockAndExpire(Auth(), 60'000));
}

Task<void> AccountKeyEvaded(Authenticator* auth) {
  const AuthContext attacker = Ctx("192.0.2.7:1", true);
  for (int i = 0; i < 3; ++i) {
    const AuthResult r = co_await auth->Login("bob", "guess" + std::to_string(i), attacker);
    EXPECT_EQ(Outcome(r), "invalid_credentials") << i;
  }
  const AuthResult blocked = co_await auth->Login("bob", "bob-pw", attacker);
  EXPECT_EQ(Outcome(blocked), "blocked");
  // The same account under other spellings of its address: still bob, so still blocked for
  // this address ("a blocked account refuses the addresses that have failed for it").
  const std::vector<std::string> spellings = {"bob@example.test", "\"bob\"@example.test",
                                              "\"b\\ob\"@example.test"};
  for (const std::string& name : spellings) {
    const AuthResult r = co_await auth->Login(name, "bob-pw", attacker);
    EXPECT_EQ(Outcome(r), "blocked") << name;
  }
}

TEST_F(AuthenticatorTest, RateLimitAccountKeyIsThePrincipal) {
  // Every spelling of one of the principal's addresses counts against the principal: the
  // limiter's account key is the principal once the name is resolved.
  settings_.rate_limits.per_address.failures_before_block = 100;
  settings_.rate_limits.per_account.failures_before_delay = 100;
  settings_.rate_limits.per_account.failures_before_block = 3;
  RunOnReactor(AccountKeyEvaded(Auth()));
}

Task<void> OutageIsNotAFailure(Authenticator* auth) {
  for (int i = 0; i < 5; ++i) {
    const AuthResult r = co_await auth->Login("bob", "wrong", kLoopback);
    EXPECT_EQ(Outcome(r), "unavailable") << i;
  }
  EXPECT_EQ(auth->Limiter().tracked_addresses(), 0u);
  EXPECT_EQ(auth->Limiter().tracked_accounts(), 0u);
  // The fallback administrator does not need the directory.
  const AuthResult admin = co_await auth->Login("admin", "admin-pw", kLoopback);
  EXPECT_EQ(Outcome(admin), "ok admin admin");
  std::unique_ptr<Authenticator::Exchange> scram =
      auth->StartExchange(SaslMechanismKind::kScramSha256, kLoopback, false);
  const SaslReply first = co_await scram->Start("n,,n=bob,r=abcdefgh"s);
  EXPECT_EQ(Outcome(first), "unavailable");
}

TEST_F(AuthenticatorTest, DirectoryOutageIsUnavailableAndNotCounted) {
  for (AuthRateLimits* l :
       {&settings_.rate_limits.per_address, &settings_.rate_limits.per_account}) {
    l->failures_before_block = 3;
  }
  DownDirectory down;
  RunOnReactor(OutageIsNotAFailure(Auth(&down)));
}

// --- SASL ---

Task<void> PlainAndLogin(Authenticator* auth) {
  using K = SaslMechanismKind;
  auto plain = auth->StartExchange(K::kPlain, kLoopback, false);
  SaslReply r = co_await plain->Start("\0bob\0bob-pw"s);
  EXPECT_EQ(Outcome(r), "ok bob");
  plain = auth->StartExchange(K::kPlain, kLoopback, false);
  r = co_await plain->Start("bob\0bob\0bob-pw"s);  // authzid = authcid
  EXPECT_EQ(Outcome(r), "ok bob");
  plain = auth->StartExchange(K::kPlain, kLoopback, false);
  r = co_await plain->Start("alice\0bob\0bob-pw"s);  // acting as another: refused
  EXPECT_EQ(Outcome(r), "invalid_credentials");
  plain = auth->StartExchange(K::kPlain, kLoopback, false);
  r = co_await plain->Start(std::nullopt);
  EXPECT_EQ(Outcome(r), "challenge ");
  r = co_await plain->Continue(Base64("\0ali@example.test\0alice-pw"s));
  EXPECT_EQ(Outcome(r), "ok alice");
  plain = auth->StartExchange(K::kPlain, kRemote, false);
  r = co_await plain->Start("\0bob\0bob-pw"s);
  EXPECT_EQ(Outcome(r), "encryption_required");

  auto login = auth->StartExchange(K::kLogin, kLoopback, false);
  r = co_await login->Start(std::nullopt);
  EXPECT_EQ(Outcome(r), "challenge Username:");
  r = co_await login->Continue(Base64("bob"s));
  EXPECT_EQ(Outcome(r), "challenge Password:");
  r = co_await login->Continue(Base64("bob-pw"s));
  EXPECT_EQ(Outcome(r), "ok bob");
  login = auth->StartExchange(K::kLogin, kLoopback, false);
  r = co_await login->Start("bob"s);
  EXPECT_EQ(Outcome(r), "challenge Password:");
  r = co_await login->Continue(Base64("wrong"s));
  EXPECT_EQ(Outcome(r), "invalid_credentials");

  login = auth->StartExchange(K::kLogin, kLoopback, false);
  r = co_await login->Start(std::nullopt);
  r = co_await login->Continue("not base64!");
  EXPECT_EQ(Outcome(r), "malformed");
  login = auth->StartExchange(K::kLogin, kLoopback, false);
  r = co_await login->Start(std::nullopt);
  r = co_await login->Continue("*");
  EXPECT_EQ(Outcome(r), "cancelled");
}

TEST_F(AuthenticatorTest, SaslPlainAndLogin) { RunOnReactor(PlainAndLogin(Auth())); }

TEST_F(AuthenticatorTest, SaslScramSha256) {
  const std::string invalid = "invalid_credentials";
  const std::vector<ScramCase> cases = {
      // A SCRAM verifier, and keys derived from {PLAIN}; with and without data on success.
      {"sam", "sam-pw", "ok sam"},
      {"sam", "sam-pw", "ok sam", false},
      {"bob", "bob-pw", "ok bob", false},
      {"bob@example.test", "bob-pw", "ok bob"},
      // The password never crosses the wire: allowed without TLS from anywhere.
      {"sam", "sam-pw", "ok sam", true, kRemote},
      {"sam", "sam-pw", "ok sam", true, kLoopback, "sam"},
      // Wrong, unknown, inactive, hashed-only, a group, acting as another: all fail at the
      // proof, not before.
      {"sam", "wrong", invalid},
      {"nobody", "x", invalid},
      {"carol", "carol-pw", invalid},
      {"alice", "alice-pw", invalid},
      {"team", "team-pw", invalid},
      {"sam", "sam-pw", invalid, true, kLoopback, "bob"},
  };
  RunOnReactor(ExpectScram(Auth(), cases));
}

Task<void> BadLines(Authenticator* auth) {
  auto scram = auth->StartExchange(SaslMechanismKind::kScramSha256, kLoopback, true);
  SaslReply r = co_await scram->Start(std::nullopt);
  EXPECT_EQ(Outcome(r), "challenge ");
  r = co_await scram->Continue("bi,,n=sam");  // not base64
  EXPECT_EQ(Outcome(r), "malformed");
  scram = auth->StartExchange(SaslMechanismKind::kScramSha256, kLoopback, true);
  r = co_await scram->Start("p=tls-unique,,n=sam,r=abc"s);  // channel binding
  EXPECT_EQ(Outcome(r), "unsupported");
  scram = auth->StartExchange(SaslMechanismKind::kScramSha256, kLoopback, true);
  r = co_await scram->Start("n,,n=sam,r=abcdefgh"s);
  CO_ASSERT_TRUE(r.kind == SaslReply::Kind::kChallenge);
  r = co_await scram->Continue("*");
  EXPECT_EQ(Outcome(r), "cancelled");
}

TEST_F(AuthenticatorTest, SaslBadLines) { RunOnReactor(BadLines(Auth())); }

// With verified_secret_ttl_ms, a password verified once is not hashed again on this core while
// it is remembered, whatever spelling of the name; a wrong password, the same password for
// another principal, and a remembered one after the TTL are hashed; a principal made
// inactive fails at once although its password is remembered.
Task<void> VerifiedOnce(Authenticator* auth, MemoryDirectory* inactive_alice, WorkerPool* workers) {
  const int64_t jobs = WorkerJobs();
  AuthResult r = co_await auth->Login("alice", "alice-pw", kLoopback);
  EXPECT_EQ(Outcome(r), "ok alice");
  EXPECT_EQ(WorkerJobs(), jobs + 1);
  r = co_await auth->Login("Ali@EXAMPLE.test", "alice-pw", kLoopback);
  EXPECT_EQ(Outcome(r), "ok alice");
  EXPECT_EQ(WorkerJobs(), jobs + 1);
  EXPECT_EQ(auth->Verified().hits(), 1u);
  r = co_await auth->Login("alice", "alice-pw ", kLoopback);
  EXPECT_EQ(Outcome(r), "invalid_credentials");
  EXPECT_EQ(WorkerJobs(), jobs + 2);
  r = co_await auth->Login("bob", "alice-pw", kLoopback);
  EXPECT_EQ(Outcome(r), "invalid_credentials");
  EXPECT_EQ(WorkerJobs(), jobs + 3);
  g_now_ms += 60'000;
  r = co_await auth->Login("alice", "alice-pw", kLoopback);
  EXPECT_EQ(Outcome(r), "ok alice");
  EXPECT_EQ(WorkerJobs(), jobs + 4);
  EXPECT_EQ(auth->Verified().hits(), 1u);
  // The same authenticator over a directory where alice (same secret) is inactive.
  Authenticator other(inactive_alice, workers, &auth->settings(), 1);
  other.SetClockForTest(&FakeNow);
  other.Verified().Remember(TestSecrets().alice, "alice-pw", g_now_ms);
  r = co_await other.Login("alice", "alice-pw", kLoopback);
  EXPECT_EQ(Outcome(r), "invalid_credentials");
  EXPECT_EQ(other.Verified().hits(), 0u);
}

TEST_F(AuthenticatorTest, VerifiedPasswordIsNotHashedAgain) {
  settings_.verified_secret_ttl_ms = 60'000;
  std::vector<MemoryPrincipalConfig> p;
  p.push_back(Entry("alice", "individual", TestSecrets().alice, {"alice@example.test"}, false));
  Result<std::unique_ptr<MemoryDirectory>> inactive = MemoryDirectory::Create(p, {});
  ASSERT_TRUE(inactive.has_value());
  RunOnReactor(VerifiedOnce(Auth(), inactive->get(), workers_.get()));
}

Task<void> HashedEachTime(Authenticator* auth) {
  const int64_t jobs = WorkerJobs();
  for (int i = 0; i < 2; ++i) {
    const AuthResult r = co_await auth->Login("alice", "alice-pw", kLoopback);
    EXPECT_EQ(Outcome(r), "ok alice");
  }
  EXPECT_EQ(WorkerJobs(), jobs + 2);
}

TEST_F(AuthenticatorTest, VerifiedSecretsOffByDefault) { RunOnReactor(HashedEachTime(Auth())); }

}  // namespace
}  // namespace ringmail::testing
