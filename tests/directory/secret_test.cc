// Stored secrets against known vectors. Every hash below was made by another implementation:
// crypt(3) strings by mkpasswd (whois 5.5.17) and Python's crypt module (both on Debian 12's
// libxcrypt 4.4.33), Argon2 strings by the argon2 CLI (Debian's argon2 0~20171227, e.g.
// `echo -n password | argon2 somesalt -id -t 2 -m 10 -p 1 -e`), digests by Python's hashlib,
// and the SCRAM keys by hashlib.pbkdf2_hmac + hmac for RFC 7677 §3's example (which they
// reproduce: the test checks the RFC's published ServerSignature). Cheap costs where the
// scheme allows, so the suite runs quickly.
#include "directory/secret.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "base/encoding.h"
#include "tls/digest.h"

namespace ringmail {
namespace {

using namespace std::string_view_literals;

// "true", "false" or the error's code name, for readable failures.
std::string Outcome(const Result<bool>& result) {
  if (!result) return ErrorCodeName(result.error().code);
  return *result ? "true" : "false";
}

struct Vector {
  std::string_view stored;
  SecretScheme scheme;
  std::string_view password = "password";
};

const std::vector<Vector> kVectors = {
    // mkpasswd -m sha-512 -S saltsalt [-R 1000] password
    {"$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0k"
     "tL3nh/",
     SecretScheme::kSha512Crypt},
    {"$6$rounds=1000$saltsalt$Z/J9iYO1iE9xnr8JPQL57ZWsVRtVjrUv3CiWc/wKWseqXgSqn3HFYJ/Ng7YXa8XlLj.w"
     "pdAwHOJJzuGFqBBRa0",
     SecretScheme::kSha512Crypt},
    {"$5$saltsalt$gOjOtoMpVhru2uyjeJSEc/JaLQWOXMNmlOnj6T4AtC.", SecretScheme::kSha256Crypt},
    {"$5$rounds=2000$saltsalt$YG7HXSVvNW399NVY0tlrdcSxfKrGQ01.Hi1aWASMJaA",
     SecretScheme::kSha256Crypt},
    {"$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/", SecretScheme::kMd5Crypt},
    {"$2b$05$oRUvIpuOku8CeyUfi.juFu6tmCVvOKRsOODxEn7ASohzXvGMmX7Fe", SecretScheme::kBcrypt},
    {"$2b$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm", SecretScheme::kBcrypt},
    {"$2y$04$0123456789ABCDEFGHIJKusaXA5lIsB08VDGhlRdyrotVUs6YHnzK", SecretScheme::kBcrypt},
    {"$2a$05$i4X4PUTOlwxbcYNpK/ZOuOyZrZ7KVhFd/QN2VwWQHTBjrEcqFkHMC", SecretScheme::kBcrypt},
    {"$y$j9T$4H7BXpfpz9uwF3dsVWWn8.$y73FPadxApeLkv9MxtSEggjI8P8pNUokMgs1TCP5/k4",
     SecretScheme::kYescrypt},
    {"$argon2id$v=19$m=1024,t=2,p=1$c29tZXNhbHQ$7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf0Htk",
     SecretScheme::kArgon2id},
    {"$argon2id$v=19$m=1024,t=2,p=2$c29tZXNhbHQ$kEfNQbPvk6Q7hokW6Jrvn1Mjb9kdT/I7OXVDKsviazk",
     SecretScheme::kArgon2id},
    {"$argon2i$v=19$m=1024,t=2,p=1$c29tZXNhbHQ$/AomWzXGuO56QhmXE3p9/0R81VDwTUaD1xQMkGw+IbQ",
     SecretScheme::kArgon2i},
    {"$argon2i$v=16$m=1024,t=2,p=1$c29tZXNhbHQ$+RbH6T/wQa0oThAq2V8XLETF7dXxpZ3gqmtkOTDZwdA",
     SecretScheme::kArgon2i},
    // Dovecot's and Stalwart's {SCHEME} forms.
    {"{SHA512-CRYPT}$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc."
     "eoxqOmSuNp2xS0ktL3nh/",
     SecretScheme::kSha512Crypt},
    {"{CRYPT}$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmS"
     "uNp2xS0ktL3nh/",
     SecretScheme::kSha512Crypt},
    {"{SHA256-CRYPT}$5$saltsalt$gOjOtoMpVhru2uyjeJSEc/JaLQWOXMNmlOnj6T4AtC.",
     SecretScheme::kSha256Crypt},
    {"{MD5-CRYPT}$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/", SecretScheme::kMd5Crypt},
    {"{crypt}$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/", SecretScheme::kMd5Crypt},
    {"{BLF-CRYPT}$2y$04$0123456789ABCDEFGHIJKusaXA5lIsB08VDGhlRdyrotVUs6YHnzK",
     SecretScheme::kBcrypt},
    {"{CRYPT}$y$j9T$4H7BXpfpz9uwF3dsVWWn8.$y73FPadxApeLkv9MxtSEggjI8P8pNUokMgs1TCP5/k4",
     SecretScheme::kYescrypt},
    {"{ARGON2ID}$argon2id$v=19$m=1024,t=2,p=1$c29tZXNhbHQ$7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf"
     "0Htk",
     SecretScheme::kArgon2id},
    {"{argon2i}$argon2i$v=19$m=1024,t=2,p=1$c29tZXNhbHQ$/AomWzXGuO56QhmXE3p9/0R81VDwTUaD1xQMkGw+"
     "IbQ",
     SecretScheme::kArgon2i},
    // hashlib: base64(sha512(b"password" + salt) + salt), salt 01..08 (4 bytes "abcd" for SSHA)
    {"{SSHA512}cwNVhOuAAA1oPn+CL+wS1f0tPZracezN0yYU0xqYornXQBQ9qBELs44UJoU10/Tk7xHjUDA1r9zldrcPUq"
     "HBNAECAwQFBgcI",
     SecretScheme::kSsha512},
    {"{ssha512}cwNVhOuAAA1oPn+CL+wS1f0tPZracezN0yYU0xqYornXQBQ9qBELs44UJoU10/Tk7xHjUDA1r9zldrcPUq"
     "HBNAECAwQFBgcI",
     SecretScheme::kSsha512},
    {"{SSHA512.HEX}73035584eb80000d683e7f822fec12d5fd2d3d9ada71eccdd32614d31a98a2b9d740143da8110bb"
     "38e14268535d3f4e4ef11e3503035afdce576b70f52a1c1340102030405060708",
     SecretScheme::kSsha512},
    {"{SSHA256}JDUXfxQQU2uq0qzBVcD5R4PVg4RXPLD3IVdENgYoXT8BAgMEBQYHCA==", SecretScheme::kSsha256},
    {"{SSHA}2D7DXcHaxkWxjlTTFhTzbi4Z/sdhYmNk", SecretScheme::kSsha},
    {"{SHA512}sQnzu7wkTrgkQZF+0G1hi5AI3Qmzvv0bXgc5THBqi7mAsdd4Xll27ASbRt9fEyavWi6m0QP9B8lThf+rDKy"
     "8hg==",
     SecretScheme::kSha512},
    {"{SHA512}b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb980b1d7785e5976ec049b"
     "46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86",
     SecretScheme::kSha512},
    {"{SHA256}XohImNooBHFR0OVvjcYpJ3NgPQ1qq73WKhHvch0VQtg=", SecretScheme::kSha256},
    {"{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", SecretScheme::kSha1},
    {"{SHA1}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", SecretScheme::kSha1},
    {"{PLAIN}password", SecretScheme::kPlain},
    {"{CLEARTEXT}password", SecretScheme::kPlain},
    // RFC 7677 §3: user "user", password "pencil", 4096 iterations.
    {"SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfP"
     "LwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
     SecretScheme::kScramSha256, "pencil"},
    {"{SCRAM-SHA-256}4096,W22ZaJ0SNY7soEsUEjb6gQ==,WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=,w"
     "fPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
     SecretScheme::kScramSha256, "pencil"},
};

TEST(SecretVectors, EachIsIdentifiedAndMatchesOnlyItsPassword) {
  for (const Vector& v : kVectors) {
    SCOPED_TRACE(v.stored);
    EXPECT_EQ(IdentifySecret(v.stored), v.scheme);
    EXPECT_EQ(IsHashedSecret(v.stored), v.scheme != SecretScheme::kPlain);
    EXPECT_EQ(Outcome(VerifySecret(v.stored, v.password)), "true");
    EXPECT_EQ(Outcome(VerifySecret(v.stored, std::string(v.password) + "x")), "false");
    EXPECT_EQ(Outcome(VerifySecret(v.stored, "Password")), "false");
    EXPECT_EQ(Outcome(VerifySecret(v.stored, "")), "false");
  }
}

TEST(SecretVectors, BcryptUsesTheFirst72Bytes) {
  // crypt.crypt("a" * 72, "$2b$04$zyxwvutsrqponmlkjihgfe")
  constexpr std::string_view kStored =
      "$2b$04$zyxwvutsrqponmlkjihgfe3wPwfZZZjowVVs4DkjW.xaLzOSKi.d.";
  EXPECT_EQ(Outcome(VerifySecret(kStored, std::string(72, 'a'))), "true");
  EXPECT_EQ(Outcome(VerifySecret(kStored, std::string(72, 'a') + "b")), "true");
  EXPECT_EQ(Outcome(VerifySecret(kStored, std::string(71, 'a'))), "false");
}

TEST(SecretVectors, PasswordWithNulNeverMatchesACryptString) {
  EXPECT_EQ(Outcome(VerifySecret(kVectors[0].stored, "password\0x"sv)), "false");
  EXPECT_EQ(Outcome(VerifySecret("{PLAIN}password", "password\0"sv)), "false");
}

TEST(SecretScram, CredentialsOfRfc7677Verifier) {
  for (size_t i : {kVectors.size() - 2, kVectors.size() - 1}) {
    std::optional<ScramCredentials> credentials = ScramCredentialsOf(kVectors[i].stored);
    ASSERT_TRUE(credentials.has_value());
    EXPECT_EQ(credentials->iterations, 4096);
    EXPECT_EQ(Base64(credentials->salt), "W22ZaJ0SNY7soEsUEjb6gQ==");
    EXPECT_EQ(Base64(credentials->stored_key), "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=");
    // The RFC's published ServerSignature for its AuthMessage.
    std::string auth_message =
        "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s="
        "W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$"
        "k0";
    std::span<const uint8_t> server_key(
        reinterpret_cast<const uint8_t*>(credentials->server_key.data()),
        credentials->server_key.size());
    EXPECT_EQ(Base64(HmacSha256(server_key, auth_message)),
              "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  }
}

TEST(SecretScram, PlainSecretsGiveDerivedCredentials) {
  std::optional<ScramCredentials> a = ScramCredentialsOf("{PLAIN}pencil", "user");
  std::optional<ScramCredentials> again = ScramCredentialsOf("{PLAIN}pencil", "user");
  std::optional<ScramCredentials> other = ScramCredentialsOf("{PLAIN}pencil", "other");
  ASSERT_TRUE(a && again && other);
  EXPECT_EQ(a->iterations, 4096);
  EXPECT_EQ(a->salt.size(), 16u);
  EXPECT_EQ(a->salt, again->salt);
  EXPECT_NE(a->salt, other->salt);
  // Not a function of the password, which the salt would reveal to whoever asks.
  EXPECT_EQ(ScramCredentialsOf("{PLAIN}other password", "user")->salt, a->salt);
  // The keys a SCRAM client derives from "pencil" with that salt: the verifier's form of them
  // verifies "pencil".
  std::string verifier = "SCRAM-SHA-256$4096:" + Base64(a->salt) + "$" + Base64(a->stored_key) +
                         ":" + Base64(a->server_key);
  EXPECT_EQ(Outcome(VerifySecret(verifier, "pencil")), "true");
  EXPECT_EQ(Outcome(VerifySecret(verifier, "pencil2")), "false");
}

TEST(SecretScram, HashesGiveNoCredentials) {
  for (const Vector& v : kVectors) {
    if (v.scheme == SecretScheme::kScramSha256 || v.scheme == SecretScheme::kPlain) continue;
    EXPECT_FALSE(ScramCredentialsOf(v.stored).has_value()) << v.stored;
  }
  EXPECT_FALSE(ScramCredentialsOf("pencil").has_value());
  EXPECT_FALSE(ScramCredentialsOf("SCRAM-SHA-256$2000000:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnk"
                                  "di4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxS"
                                  "rmfPwDl2dU=")
                   .has_value());
}

TEST(SecretIdentify, UnrecognisedFormsAreRefused) {
  const std::string_view unrecognised[] = {
      "",
      "password",
      "{PLAIN",
      "{FOO}bar",
      "{MD5}X03MO1qnZdYdgyfeuILPmQ==",
      "saX2a7b3c4d5e",  // DES crypt
      "$2x$05$oRUvIpuOku8CeyUfi.juFu6tmCVvOKRsOODxEn7ASohzXvGMmX7Fe",
      "$7$C6..../....SodiumChloride",
      "$argon2d$v=19$m=1024,t=2,p=1$c29tZXNhbHQ$abc",
      "{SHA512-CRYPT}$5$saltsalt$gOjOtoMpVhru",
      "{BLF-CRYPT}$6$saltsalt$x",
      "{ARGON2I}$argon2id$v=19$m=1024,t=2,p=1$c29tZXNhbHQ$x",
      "{CRYPT}password",
      "{PLAIN.HEX}70617373",
      "{SSHA512.ROT13}abc",
      "{PLAIN}pass\0word"sv,
      "scram-sha-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$x:y"};
  for (std::string_view stored : unrecognised) {
    SCOPED_TRACE(stored);
    EXPECT_FALSE(IdentifySecret(stored).has_value());
    EXPECT_FALSE(IsHashedSecret(stored));
    Result<bool> verified = VerifySecret(stored, stored);
    ASSERT_FALSE(verified.has_value());
    EXPECT_EQ(verified.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(IdentifySecret("{PLAIN}" + std::string(kStoredSecretSizeMax, 'a')).has_value());
}

TEST(SecretVerify, MalformedSecretsAreInvalidArgument) {
  const std::string_view malformed[] = {
      "$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2",  // hash cut short
      "$6$rounds=abc$saltsalt$x",
      "$6$rounds=$saltsalt$x",
      "$6$rounds=1000",
      "$2b$04$abc",
      "$2b$4$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm",
      "$2b$",
      "$y$",
      "$y$j9T",
      "$y$!9T$4H7BXpfpz9uwF3dsVWWn8.$y73FPadxApeLkv9MxtSEggjI8P8pNUokMgs1TCP5/k4",
      "$argon2id$v=19$m=1024,t=2,p=1$c29tZXNhbHQ",
      "$argon2id$v=19$m=1024,p=1,t=2$c29tZXNhbHQ$x",
      "$argon2id$v=19$m=1024,t=2,p=1$c29tZXNhbHQ$7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf0Htk$",
      "$argon2id$v=19$m=18446744073709551617,t=2,p=1$c29tZXNhbHQ$x",
      "{SSHA512}!!!!",
      "{SSHA512}sQnzu7wkTrgkQZF+0G1hi5AI3Qmzvv0bXgc5THBqi7mAsdd4Xll27ASbRt9fEyavWi6m0QP9B8lThf+"
      "rDKy8hg==",  // a digest without salt
      "{SHA256}abcd",
      "{SHA256.HEX}XohImNooBHFR0OVvjcYpJ3NgPQ1qq73WKhHvch0VQtg=",
      "{SHA}",
      "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==",
      "SCRAM-SHA-256$0:c2FsdA==$x:y",
      "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
      "c2hvcnQ=",
      "{SCRAM-SHA-256}4096,W22ZaJ0SNY7soEsUEjb6gQ==,WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=",
  };
  for (std::string_view stored : malformed) {
    SCOPED_TRACE(stored);
    EXPECT_TRUE(IdentifySecret(stored).has_value());
    Result<bool> verified = VerifySecret(stored, "password");
    ASSERT_FALSE(verified.has_value());
    EXPECT_EQ(verified.error().code, ErrorCode::kInvalidArgument);
  }
}

// Each of these would take from minutes to forever, or gigabytes: refused before hashing.
TEST(SecretVerify, ExpensiveParametersAreRefused) {
  const std::string_view expensive[] = {
      "$6$rounds=999999999$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq"
      ".qc.eoxqOmSuNp2xS0ktL3nh/",
      "$5$rounds=1000001$saltsalt$gOjOtoMpVhru2uyjeJSEc/JaLQWOXMNmlOnj6T4AtC.",
      "$2b$31$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm",
      "$y$jFT$4H7BXpfpz9uwF3dsVWWn8.$y73FPadxApeLkv9MxtSEggjI8P8pNUokMgs1TCP5/k4",       // 1 GiB
      "$y$jjT$4H7BXpfpz9uwF3dsVWWn8.$y73FPadxApeLkv9MxtSEggjI8P8pNUokMgs1TCP5/k4",       // N = 2^48
      "$y$j9zzzzzz$4H7BXpfpz9uwF3dsVWWn8.$y73FPadxApeLkv9MxtSEggjI8P8pNUokMgs1TCP5/k4",  // huge r
      "$argon2id$v=19$m=2097152,t=1,p=1$c29tZXNhbHQ$7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf0Htk",
      "$argon2id$v=19$m=524288,t=3,p=1$c29tZXNhbHQ$7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf0Htk",
      "$argon2id$v=19$m=1024,t=4294967295,p=1$c29tZXNhbHQ$7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZ",
      "$argon2id$v=19$m=1024,t=2,p=64$c29tZXNhbHQ$7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf0Htk",
      "SCRAM-SHA-256$1000001:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY="
      ":wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
  };
  for (std::string_view stored : expensive) {
    SCOPED_TRACE(stored);
    Result<bool> verified = VerifySecret(stored, "password");
    ASSERT_FALSE(verified.has_value());
    EXPECT_EQ(verified.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(SecretVerify, LimitsAreExact) {
  // $y$j9T$: N = 2^12, r = 32: 128·N·r = 16 MiB.
  constexpr std::string_view kYescrypt =
      "$y$j9T$4H7BXpfpz9uwF3dsVWWn8.$y73FPadxApeLkv9MxtSEggjI8P8pNUokMgs1TCP5/k4";
  SecretWorkLimits limits;
  limits.yescrypt_work_bytes_max = 16 << 20;
  EXPECT_EQ(Outcome(VerifySecret(kYescrypt, "password", limits)), "true");
  limits.yescrypt_work_bytes_max = (16 << 20) - 1;
  EXPECT_FALSE(VerifySecret(kYescrypt, "password", limits).has_value());
  limits = {};
  limits.bcrypt_cost_max = 4;
  EXPECT_FALSE(VerifySecret(kVectors[5].stored, "password", limits).has_value());  // cost 05
  EXPECT_EQ(Outcome(VerifySecret(kVectors[6].stored, "password", limits)), "true");
  limits = {};
  limits.argon2_work_kib_max = 2047;  // m=1024, t=2
  EXPECT_FALSE(VerifySecret(kVectors[10].stored, "password", limits).has_value());
  limits.argon2_work_kib_max = 2048;
  limits.argon2_lanes_max = 1;
  EXPECT_EQ(Outcome(VerifySecret(kVectors[10].stored, "password", limits)), "true");
  EXPECT_FALSE(VerifySecret(kVectors[11].stored, "password", limits).has_value());  // p=2
}

TEST(SecretVerify, OverLongPasswordIsRefused) {
  EXPECT_EQ(Outcome(VerifySecret("{PLAIN}x", std::string(kPasswordSizeMax + 1, 'x'))),
            Outcome(MakeError(ErrorCode::kInvalidArgument, "")));
  std::string longest(kPasswordSizeMax, 'x');
  EXPECT_EQ(Outcome(VerifySecret("{PLAIN}" + longest.substr(8), longest.substr(8))), "true");
  EXPECT_EQ(Outcome(VerifySecret("{PLAIN}x", longest)), "false");
}

TEST(SecretHash, RoundTripsInEveryCreatableScheme) {
  struct Case {
    std::string_view config_name;
    SecretScheme scheme;
    std::string_view prefix;
  };
  const Case cases[] = {
      {"yescrypt", SecretScheme::kYescrypt, "$y$j9T$"},
      {"sha512-crypt", SecretScheme::kSha512Crypt, "$6$rounds=100000$"},
      {"bcrypt", SecretScheme::kBcrypt, "$2b$12$"},
      {"argon2id", SecretScheme::kArgon2id, "$argon2id$v=19$m=65536,t=3,p=1$"},
      {"scram-sha-256", SecretScheme::kScramSha256, "SCRAM-SHA-256$10000:"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.config_name);
    EXPECT_EQ(ParseSecretSchemeName(c.config_name), c.scheme);
    Result<std::string> stored = HashSecret("correct horse", c.scheme);
    ASSERT_TRUE(stored.has_value()) << stored.error().ToString();
    EXPECT_TRUE(stored->starts_with(c.prefix)) << *stored;
    EXPECT_EQ(IdentifySecret(*stored), c.scheme);
    EXPECT_EQ(Outcome(VerifySecret(*stored, "correct horse")), "true");
    EXPECT_EQ(Outcome(VerifySecret(*stored, "correct horse!")), "false");
    if (c.scheme == SecretScheme::kYescrypt || c.scheme == SecretScheme::kScramSha256) {
      // A fresh salt each time (checked where hashing is cheap).
      EXPECT_NE(HashSecret("correct horse", c.scheme).value_or(""), *stored);
    }
  }
}

TEST(SecretHash, RefusesWhatItCannotStoreFaithfully) {
  EXPECT_FALSE(ParseSecretSchemeName("plain").has_value());
  EXPECT_FALSE(ParseSecretSchemeName("md5-crypt").has_value());
  EXPECT_EQ(ParseSecretSchemeName("YESCRYPT"), SecretScheme::kYescrypt);
  for (SecretScheme scheme : {SecretScheme::kPlain, SecretScheme::kSsha512, SecretScheme::kMd5Crypt,
                              SecretScheme::kArgon2i}) {
    EXPECT_EQ(HashSecret("x", scheme).error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(
      HashSecret(std::string(kBcryptPasswordSizeMax + 1, 'x'), SecretScheme::kBcrypt).error().code,
      ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      HashSecret(std::string(kPasswordSizeMax + 1, 'x'), SecretScheme::kScramSha256).error().code,
      ErrorCode::kInvalidArgument);
  EXPECT_EQ(HashSecret("pass\0word"sv, SecretScheme::kYescrypt).error().code,
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ringmail
