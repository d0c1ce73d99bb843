// SASL exchanges as the protocol layer drives them: PLAIN and LOGIN field checks,
// SCRAM-SHA-256 against RFC 7677's example exchange, its failure paths, and the decoding of
// the client's base64 lines.
#include "directory/sasl.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/encoding.h"
#include "tls/digest.h"

namespace ringmail {
namespace {

using Kind = SaslStep::Kind;
using namespace std::string_literals;

std::string Str(const Sha256Digest& digest) {
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

// What secret.h stores for `password` (RFC 5802 §3).
ScramCredentials MakeCredentials(std::string_view password, std::string salt, int iterations) {
  Sha256Digest salted = Pbkdf2Sha256(password, salt, iterations);
  Sha256Digest stored = Sha256(Str(HmacSha256(salted, "Client Key")));
  return ScramCredentials{iterations, std::move(salt), Str(stored),
                          Str(HmacSha256(salted, "Server Key"))};
}

// A client's final message: `without_proof` plus the proof for `password`.
std::string ClientFinal(std::string_view password, const ScramCredentials& server_view,
                        std::string_view client_first_bare, std::string_view server_first,
                        std::string_view without_proof) {
  Sha256Digest salted = Pbkdf2Sha256(password, server_view.salt, server_view.iterations);
  Sha256Digest client_key = HmacSha256(salted, "Client Key");
  Sha256Digest stored = Sha256(Str(client_key));
  std::string auth_message = std::string(client_first_bare) + "," + std::string(server_first) +
                             "," + std::string(without_proof);
  Sha256Digest signature = HmacSha256(stored, auth_message);
  for (size_t i = 0; i < client_key.size(); ++i) client_key[i] ^= signature[i];
  return std::string(without_proof) + ",p=" + Base64(client_key);
}

constexpr std::string_view kRfcClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view kRfcServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr std::string_view kRfcServerFirst =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr std::string_view kRfcWithoutProof =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr std::string_view kRfcProof = "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr std::string_view kRfcServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

ScramCredentials RfcCredentials() {
  return MakeCredentials("pencil", *Base64Decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
}

std::string RfcClientFinal() {
  return std::string(kRfcWithoutProof) + ",p=" + std::string(kRfcProof);
}

TEST(SaslMechanism, ParsesNamesCaseInsensitively) {
  EXPECT_EQ(ParseSaslMechanism("PLAIN"), SaslMechanismKind::kPlain);
  EXPECT_EQ(ParseSaslMechanism("plain"), SaslMechanismKind::kPlain);
  EXPECT_EQ(ParseSaslMechanism("Login"), SaslMechanismKind::kLogin);
  EXPECT_EQ(ParseSaslMechanism("scram-sha-256"), SaslMechanismKind::kScramSha256);
  EXPECT_EQ(ParseSaslMechanism("SCRAM-SHA-256-PLUS"), std::nullopt);
  EXPECT_EQ(ParseSaslMechanism("SCRAM-SHA-1"), std::nullopt);
  EXPECT_EQ(ParseSaslMechanism(""), std::nullopt);
  EXPECT_EQ(SaslMechanismName(SaslMechanismKind::kScramSha256), "SCRAM-SHA-256");
}

SaslStep Plain(std::string_view message) {
  SaslExchange exchange(SaslMechanismKind::kPlain);
  return exchange.Start(message);
}

TEST(SaslPlain, AcceptsAuthcidAndPassword) {
  SaslExchange exchange(SaslMechanismKind::kPlain);
  SaslStep step = exchange.Start("\0user\0pencil"s);
  ASSERT_EQ(step.kind, Kind::kCheckPassword) << step.failure.reason;
  EXPECT_EQ(exchange.authcid(), "user");
  EXPECT_EQ(exchange.password(), "pencil");
  EXPECT_EQ(exchange.authzid(), "");
}

TEST(SaslPlain, ReturnsAuthzidForTheCallerToDecide) {
  SaslExchange exchange(SaslMechanismKind::kPlain);
  ASSERT_EQ(exchange.Start("admin\0user\0pencil"s).kind, Kind::kCheckPassword);
  EXPECT_EQ(exchange.authzid(), "admin");
  EXPECT_EQ(exchange.authcid(), "user");
}

TEST(SaslPlain, WithoutInitialResponseSendsEmptyChallenge) {
  SaslExchange exchange(SaslMechanismKind::kPlain);
  SaslStep step = exchange.Start(std::nullopt);
  ASSERT_EQ(step.kind, Kind::kChallenge);
  EXPECT_EQ(step.data, "");
  EXPECT_EQ(exchange.Step("\0user\0pencil"s).kind, Kind::kCheckPassword);
}

TEST(SaslPlain, RejectsMalformedMessages) {
  for (const std::string& message :
       {""s, "userpencil"s, "user\0pencil"s, "\0user\0pen\0cil"s, "\0user\0"s, "\0\0pencil"s,
        "\0us\xffr\0pencil"s, "\0user\0p\xc3\x28"s, "\xc0\xaf\0user\0pencil"s,
        "\0"s + std::string(256, 'u') + "\0pencil"s, "\0user\0"s + std::string(256, 'p'),
        std::string(256, 'a') + "\0user\0pencil"s}) {
    SaslStep step = Plain(message);
    EXPECT_EQ(step.kind, Kind::kFailure) << message;
    EXPECT_EQ(step.failure.error, SaslError::kMalformed) << message;
    EXPECT_FALSE(step.failure.reason.empty());
  }
}

TEST(SaslPlain, AcceptsFieldsOfExactly255Bytes) {
  std::string field(255, 'x');
  EXPECT_EQ(Plain(field + "\0"s + field + "\0"s + field).kind, Kind::kCheckPassword);
}

TEST(SaslPlain, RejectsOverLongResponse) {
  std::string message = "\0user\0"s + std::string(kSaslResponseSizeMax, 'p');
  SaslStep step = Plain(message);
  EXPECT_EQ(step.kind, Kind::kFailure);
  EXPECT_EQ(step.failure.error, SaslError::kTooLong);
}

TEST(SaslLogin, AsksUsernameThenPassword) {
  SaslExchange exchange(SaslMechanismKind::kLogin);
  SaslStep step = exchange.Start(std::nullopt);
  ASSERT_EQ(step.kind, Kind::kChallenge);
  EXPECT_EQ(step.data, "Username:");
  step = exchange.Step("user");
  ASSERT_EQ(step.kind, Kind::kChallenge);
  EXPECT_EQ(step.data, "Password:");
  EXPECT_EQ(exchange.Step("pencil").kind, Kind::kCheckPassword);
  EXPECT_EQ(exchange.authcid(), "user");
  EXPECT_EQ(exchange.password(), "pencil");
  EXPECT_EQ(exchange.authzid(), "");
}

TEST(SaslLogin, InitialResponseIsTheUsername) {
  SaslExchange exchange(SaslMechanismKind::kLogin);
  SaslStep step = exchange.Start("user");
  ASSERT_EQ(step.kind, Kind::kChallenge);
  EXPECT_EQ(step.data, "Password:");
  EXPECT_EQ(exchange.Step("pencil").kind, Kind::kCheckPassword);
  EXPECT_EQ(exchange.authcid(), "user");
}

TEST(SaslLogin, RejectsBadFields) {
  for (const std::string& user : {""s, "us\0er"s, "\xff"s, std::string(256, 'u')}) {
    SaslExchange exchange(SaslMechanismKind::kLogin);
    SaslStep step = exchange.Start(user);
    EXPECT_EQ(step.kind, Kind::kFailure);
    EXPECT_EQ(step.failure.error, SaslError::kMalformed);
  }
  for (const std::string& password : {""s, "pen\0cil"s, "\xed\xa0\x80"s}) {
    SaslExchange exchange(SaslMechanismKind::kLogin);
    ASSERT_EQ(exchange.Start("user").kind, Kind::kChallenge);
    EXPECT_EQ(exchange.Step(password).failure.error, SaslError::kMalformed);
  }
  SaslExchange exchange(SaslMechanismKind::kLogin);
  ASSERT_EQ(exchange.Start("user").kind, Kind::kChallenge);
  EXPECT_EQ(exchange.Step(std::string(kSaslResponseSizeMax + 1, 'p')).failure.error,
            SaslError::kTooLong);
}

TEST(SaslScram, Rfc7677Exchange) {
  SaslExchange exchange(SaslMechanismKind::kScramSha256);
  exchange.SetServerNonceForTest(std::string(kRfcServerNonce));
  ASSERT_EQ(exchange.Start(kRfcClientFirst).kind, Kind::kNeedScramCredentials);
  EXPECT_EQ(exchange.authcid(), "user");
  EXPECT_EQ(exchange.authzid(), "");
  ScramCredentials credentials = RfcCredentials();
  SaslStep step = exchange.ProvideScramCredentials(&credentials);
  ASSERT_EQ(step.kind, Kind::kChallenge);
  EXPECT_EQ(step.data, kRfcServerFirst);
  step = exchange.Step(RfcClientFinal());
  ASSERT_EQ(step.kind, Kind::kChallenge) << step.failure.reason;
  EXPECT_EQ(step.data, kRfcServerFinal);
  step = exchange.Step("");
  EXPECT_EQ(step.kind, Kind::kSuccess);
  EXPECT_EQ(step.data, "");
}

TEST(SaslScram, ServerFinalWithSuccessWhenTheProtocolAllows) {
  SaslExchange exchange(SaslMechanismKind::kScramSha256, /*success_carries_data=*/true);
  exchange.SetServerNonceForTest(std::string(kRfcServerNonce));
  ASSERT_EQ(exchange.Start(std::nullopt).data, "");
  ASSERT_EQ(exchange.Step(kRfcClientFirst).kind, Kind::kNeedScramCredentials);
  ScramCredentials credentials = RfcCredentials();
  ASSERT_EQ(exchange.ProvideScramCredentials(&credentials).kind, Kind::kChallenge);
  SaslStep step = exchange.Step(RfcClientFinal());
  EXPECT_EQ(step.kind, Kind::kSuccess);
  EXPECT_EQ(step.data, kRfcServerFinal);
}

TEST(SaslScram, TestClientReproducesTheRfcProof) {
  EXPECT_EQ(ClientFinal("pencil", RfcCredentials(), kRfcClientFirst.substr(3), kRfcServerFirst,
                        kRfcWithoutProof),
            RfcClientFinal());
}

// A SCRAM exchange for user/pencil up to the point where client-final is due.
struct ScramAtFinal {
  SaslExchange exchange{SaslMechanismKind::kScramSha256};
  ScramCredentials credentials = RfcCredentials();
  std::string server_first;

  explicit ScramAtFinal(std::string_view client_first = kRfcClientFirst) {
    exchange.SetServerNonceForTest(std::string(kRfcServerNonce));
    EXPECT_EQ(exchange.Start(client_first).kind, Kind::kNeedScramCredentials);
    server_first = exchange.ProvideScramCredentials(&credentials).data;
  }
  SaslStep Final(std::string_view password, std::string_view without_proof,
                 std::string_view client_first_bare = kRfcClientFirst.substr(3)) {
    return exchange.Step(
        ClientFinal(password, credentials, client_first_bare, server_first, without_proof));
  }
};

TEST(SaslScram, WrongProofFails) {
  ScramAtFinal scram;
  SaslStep step = scram.Final("pencil2", kRfcWithoutProof);
  EXPECT_EQ(step.kind, Kind::kFailure);
  EXPECT_EQ(step.failure.error, SaslError::kAuthenticationFailed);
}

TEST(SaslScram, WrongChannelBindingFails) {
  std::string nonce = "r=rOprNGfwEbeRWgbNEkqO" + std::string(kRfcServerNonce);
  for (std::string_view binding : {"c=eSws", "c=cD10bHMtdW5pcXVlLCw=", "c=bixh", "c=biws=="}) {
    ScramAtFinal scram;
    SaslStep step = scram.Final("pencil", std::string(binding) + "," + nonce);
    EXPECT_EQ(step.kind, Kind::kFailure) << binding;
    EXPECT_EQ(step.failure.error, SaslError::kAuthenticationFailed) << binding;
  }
}

TEST(SaslScram, YFlagAndAuthzidMustBeBoundToo) {
  ScramAtFinal scram("y,a=admin,n=user,r=rOprNGfwEbeRWgbNEkqO");
  EXPECT_EQ(scram.exchange.authzid(), "admin");
  std::string without_proof =
      "c=" + Base64("y,a=admin,") + ",r=rOprNGfwEbeRWgbNEkqO" + std::string(kRfcServerNonce);
  EXPECT_EQ(scram.Final("pencil", without_proof).kind, Kind::kChallenge);
}

TEST(SaslScram, NonceMismatchFails) {
  for (std::string_view nonce : {"r=rOprNGfwEbeRWgbNEkqO", "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2Ra",
                                 "r=xOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"}) {
    ScramAtFinal scram;
    SaslStep step = scram.Final("pencil", "c=biws," + std::string(nonce));
    EXPECT_EQ(step.failure.error, SaslError::kAuthenticationFailed) << nonce;
  }
}

TEST(SaslScram, ExtensionsInClientFinalAreSigned) {
  ScramAtFinal scram;
  EXPECT_EQ(scram.Final("pencil", std::string(kRfcWithoutProof) + ",x=1").kind, Kind::kChallenge);
}

TEST(SaslScram, NonEmptyAnswerToServerFinalFails) {
  ScramAtFinal scram;
  ASSERT_EQ(scram.Final("pencil", kRfcWithoutProof).kind, Kind::kChallenge);
  EXPECT_EQ(scram.exchange.Step("v=").failure.error, SaslError::kMalformed);
}

TEST(SaslScram, MalformedClientFinal) {
  std::string proof = ",p=" + std::string(kRfcProof);
  std::string nonce = "r=rOprNGfwEbeRWgbNEkqO" + std::string(kRfcServerNonce);
  for (const std::string& message :
       {""s, std::string(kRfcWithoutProof), std::string(kRfcWithoutProof) + ",p=!!!!",
        std::string(kRfcWithoutProof) + ",p=" + Base64(std::string(31, 'x')),
        std::string(kRfcWithoutProof) + ",p=", nonce + ",c=biws" + proof, "c=biws" + proof,
        "c=biws," + nonce + ",x" + proof, "c=biws," + nonce + "," + proof,
        "c=biws,," + nonce + proof, std::string(kRfcWithoutProof) + "\0"s + proof,
        std::string(kRfcWithoutProof) + ",x=\xff" + proof}) {
    ScramAtFinal scram;
    SaslStep step = scram.exchange.Step(message);
    EXPECT_EQ(step.kind, Kind::kFailure) << message;
    EXPECT_EQ(step.failure.error, SaslError::kMalformed) << message;
  }
}

TEST(SaslScram, MalformedClientFirst) {
  struct Case {
    std::string message;
    SaslError error;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"", SaslError::kMalformed},
           {"n", SaslError::kMalformed},
           {"n,", SaslError::kMalformed},
           {"n,,", SaslError::kMalformed},
           {"x,,n=user,r=abc", SaslError::kMalformed},
           {"p=tls-unique,,n=user,r=abc", SaslError::kUnsupported},
           {"n,,m=ext,n=user,r=abc", SaslError::kUnsupported},
           {"n,,n=,r=abc", SaslError::kMalformed},
           {"n,,n=us=er,r=abc", SaslError::kMalformed},
           {"n,,n=us=2,r=abc", SaslError::kMalformed},
           {"n,,n=us=2c,r=abc", SaslError::kMalformed},
           {"n,,n=user", SaslError::kMalformed},
           {"n,,n=user,r=", SaslError::kMalformed},
           {"n,,n=user,r=a b", SaslError::kMalformed},
           {"n,,r=abc,n=user", SaslError::kMalformed},
           {"n,,n=user,r=abc,", SaslError::kMalformed},
           {"n,,n=user,r=abc,x", SaslError::kMalformed},
           {"n,b,n=user,r=abc", SaslError::kMalformed},
           {"n,a=,n=user,r=abc", SaslError::kMalformed},
           {"n,,n=user,r=abc\0"s, SaslError::kMalformed},
           {"n,,n=\xff,r=abc", SaslError::kMalformed},
           {"n,,n=us\x01er,r=abc", SaslError::kMalformed},
           {"n,,n=" + std::string(256, 'u') + ",r=abc", SaslError::kMalformed},
           {"n,,n=user,r=" + std::string(kSaslResponseSizeMax, 'x'), SaslError::kTooLong},
       }) {
    SaslExchange exchange(SaslMechanismKind::kScramSha256);
    SaslStep step = exchange.Start(c.message);
    EXPECT_EQ(step.kind, Kind::kFailure) << c.message;
    EXPECT_EQ(step.failure.error, c.error) << c.message;
  }
}

TEST(SaslScram, AcceptedClientFirstForms) {
  struct Case {
    std::string message;
    std::string authcid;
    std::string authzid;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"y,,n=user,r=abc", "user", ""},
           {"n,a=admin,n=user,r=abc", "user", "admin"},
           {"n,a=a=3Db,n=a=2Cb=3Dc,r=abc", "a,b=c", "a=b"},
           {"n,,n=user,r=abc,x=ext", "user", ""},
           {"n,,n=j\xc3\xbcrgen,r=abc", "j\xc3\xbcrgen", ""},
       }) {
    SaslExchange exchange(SaslMechanismKind::kScramSha256);
    SaslStep step = exchange.Start(c.message);
    EXPECT_EQ(step.kind, Kind::kNeedScramCredentials) << c.message << step.failure.reason;
    EXPECT_EQ(exchange.authcid(), c.authcid);
    EXPECT_EQ(exchange.authzid(), c.authzid);
  }
}

std::string ServerFirstFor(std::string_view client_first, const ScramCredentials* credentials) {
  SaslExchange exchange(SaslMechanismKind::kScramSha256);
  EXPECT_EQ(exchange.Start(client_first).kind, Kind::kNeedScramCredentials);
  return exchange.ProvideScramCredentials(credentials).data;
}

// "r=<nonce>,s=<salt>,i=<n>" without the nonce.
std::string WithoutNonce(std::string_view server_first) {
  return std::string(server_first.substr(server_first.find(",s=")));
}

TEST(SaslScram, UnknownUserContinuesThenFails) {
  std::string first = ServerFirstFor("n,,n=nobody,r=abc", nullptr);
  // A salt as long as a real one, the same on every attempt, different for another name.
  EXPECT_EQ(WithoutNonce(first).size(),
            std::string_view(",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096").size());
  EXPECT_EQ(WithoutNonce(first), WithoutNonce(ServerFirstFor("n,,n=nobody,r=xyz", nullptr)));
  EXPECT_NE(WithoutNonce(first), WithoutNonce(ServerFirstFor("n,,n=nobody2,r=abc", nullptr)));
  // Unusable credentials are treated alike.
  ScramCredentials broken = RfcCredentials();
  broken.stored_key.pop_back();
  EXPECT_EQ(WithoutNonce(first), WithoutNonce(ServerFirstFor("n,,n=nobody,r=abc", &broken)));

  SaslExchange exchange(SaslMechanismKind::kScramSha256);
  ASSERT_EQ(exchange.Start("n,,n=nobody,r=abc").kind, Kind::kNeedScramCredentials);
  std::string server_first = exchange.ProvideScramCredentials(nullptr).data;
  std::string nonce = server_first.substr(2, server_first.find(',') - 2);
  ScramCredentials guess{kScramFakeIterations,
                         *Base64Decode(server_first.substr(server_first.find(",s=") + 3, 24)), "",
                         ""};
  SaslStep step = exchange.Step(
      ClientFinal("pencil", guess, "n=nobody,r=abc", server_first, "c=biws,r=" + nonce));
  EXPECT_EQ(step.kind, Kind::kFailure);
  EXPECT_EQ(step.failure.error, SaslError::kAuthenticationFailed);
}

TEST(SaslScram, RandomServerNonceExtendsTheClientNonce) {
  ScramCredentials credentials = RfcCredentials();
  std::string first = ServerFirstFor("n,,n=user,r=abc", &credentials);
  std::string nonce = first.substr(2, first.find(',') - 2);
  EXPECT_TRUE(nonce.starts_with("abc"));
  EXPECT_EQ(nonce.size(), 3 + (kScramServerNonceSize + 2) / 3 * 4);
  EXPECT_NE(first, ServerFirstFor("n,,n=user,r=abc", &credentials));
}

// Runs Python's scramp client (when installed) against the exchange.
std::string RunScramp(const std::string& args) {
  static constexpr std::string_view kScript =
      "import sys\n"
      "from scramp import ScramClient\n"
      "c = ScramClient(['SCRAM-SHA-256'], sys.argv[1], sys.argv[2], c_nonce=sys.argv[3])\n"
      "print(c.get_client_first())\n"
      "if len(sys.argv) > 4:\n"
      "    c.set_server_first(sys.argv[4])\n"
      "    print(c.get_client_final())\n"
      "if len(sys.argv) > 5:\n"
      "    c.set_server_final(sys.argv[5])\n"
      "    print('verified')\n";
  std::string command = "/usr/bin/python3 -c \"" + std::string(kScript) + "\" " + args;
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[512];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  pclose(pipe);
  return output;
}

TEST(SaslScram, CrossCheckWithScramp) {
  if (std::system("/usr/bin/python3 -c 'import scramp' 2>/dev/null") != 0) {
    GTEST_SKIP() << "python3 scramp is not installed";
  }
  std::string args = "alice 'correct horse' fyko+d2lbbFgONRv9qkxdawL";
  std::string client_first = RunScramp(args);
  ASSERT_TRUE(client_first.ends_with("\n"));
  client_first.pop_back();
  SaslExchange exchange(SaslMechanismKind::kScramSha256);
  exchange.SetServerNonceForTest("3rfcNHYJY1ZVvWVs7j");
  ASSERT_EQ(exchange.Start(client_first).kind, Kind::kNeedScramCredentials);
  ScramCredentials credentials = MakeCredentials("correct horse", "0123456789abcdef", 4096);
  std::string server_first = exchange.ProvideScramCredentials(&credentials).data;
  std::string output = RunScramp(args + " '" + server_first + "'");
  std::string client_final = output.substr(client_first.size() + 1);
  ASSERT_TRUE(client_final.ends_with("\n"));
  client_final.pop_back();
  SaslStep step = exchange.Step(client_final);
  ASSERT_EQ(step.kind, Kind::kChallenge) << step.failure.reason;
  output = RunScramp(args + " '" + server_first + "' '" + step.data + "'");
  EXPECT_TRUE(output.ends_with("verified\n")) << output;
  EXPECT_EQ(exchange.Step("").kind, Kind::kSuccess);
}

TEST(SaslDecode, ConventionsAndStrictBase64) {
  EXPECT_EQ(DecodeSaslResponse("*").error().error, SaslError::kCancelled);
  EXPECT_EQ(DecodeSaslResponse("=").value(), "");
  EXPECT_EQ(DecodeSaslResponse("").value(), "");
  EXPECT_EQ(DecodeSaslResponse("AHVzZXIAcGVuY2ls").value(), "\0user\0pencil"s);
  for (std::string_view bad : {"AHVzZXIAcGVuY2ls=", "not base64!", "AHVz ZXIA", "QQ", "QR==", "**",
                               "==", "AHVzZXIAcGVuY2ls\r"}) {
    std::expected<std::string, SaslFailure> decoded = DecodeSaslResponse(bad);
    ASSERT_FALSE(decoded.has_value()) << bad;
    EXPECT_EQ(decoded.error().error, SaslError::kMalformed) << bad;
  }
}

TEST(SaslDecode, SizeLimits) {
  EXPECT_EQ(DecodeSaslResponse(Base64(std::string(kSaslResponseSizeMax, 'x')))->size(),
            kSaslResponseSizeMax);
  std::string just_over = Base64(std::string(kSaslResponseSizeMax + 1, 'x'));
  EXPECT_EQ(just_over.size(), kSaslEncodedResponseSizeMax);
  EXPECT_EQ(DecodeSaslResponse(just_over).error().error, SaslError::kTooLong);
  EXPECT_EQ(DecodeSaslResponse(std::string(kSaslEncodedResponseSizeMax + 4, 'A')).error().error,
            SaslError::kTooLong);
}

TEST(SaslDecode, DrivesAPlainExchange) {
  std::expected<std::string, SaslFailure> response =
      DecodeSaslResponse(Base64("admin\0user\0pencil"s));
  ASSERT_TRUE(response.has_value());
  SaslExchange exchange(SaslMechanismKind::kPlain);
  EXPECT_EQ(exchange.Start(*response).kind, Kind::kCheckPassword);
  EXPECT_EQ(exchange.authzid(), "admin");
  // "=" is an empty initial response, which PLAIN refuses.
  SaslExchange empty(SaslMechanismKind::kPlain);
  EXPECT_EQ(empty.Start(*DecodeSaslResponse("=")).failure.error, SaslError::kMalformed);
}

TEST(SaslUtf8, ValidAndInvalidSequences) {
  for (std::string_view good : {"", "user", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                                "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf"}) {
    EXPECT_TRUE(IsValidUtf8(good)) << good;
  }
  for (std::string_view bad :
       {"\x80", "\xc3", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
        "\xf5\x80\x80\x80", "\xe2\x82", "\xe2\x28\xac", "\xff"}) {
    EXPECT_FALSE(IsValidUtf8(bad)) << bad;
  }
}

TEST(SaslPrep, AsciiIsIdentityControlsAreRejected) {
  EXPECT_EQ(SaslPrep("user@example.com"), "user@example.com");
  EXPECT_EQ(SaslPrep("j\xc3\xbcrgen"), "j\xc3\xbcrgen");
  EXPECT_EQ(SaslPrep("us\x7f"), std::nullopt);
  EXPECT_EQ(SaslPrep("us\ter"), std::nullopt);
  EXPECT_EQ(SaslPrep("\xc2\x85"), std::nullopt);  // U+0085, a C1 control
  EXPECT_EQ(SaslPrep("\xff"), std::nullopt);
}

TEST(SaslExchangeDeathTest, StepAfterTheEndIsABug) {
  SaslExchange exchange(SaslMechanismKind::kPlain);
  ASSERT_EQ(exchange.Start("\0user\0pencil"s).kind, Kind::kCheckPassword);
  EXPECT_DEATH(exchange.Step("again"), "pending challenge");
}

}  // namespace
}  // namespace ringmail
