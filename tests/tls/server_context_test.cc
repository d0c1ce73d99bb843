// TlsServerContext: certificate checks at start (each a config error naming the file) and the
// SNI choice among certificates (exact, wildcard, default).
#include "tls/server_context.h"

// clang-format off
#include <wolfssl/options.h>
// clang-format on
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <wolfssl/ssl.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "test_certs.h"

namespace ringmail {
namespace {

using testing::TestCa;

TlsCertificateSpec Spec(const TestCa& ca, const std::string& name,
                        std::vector<std::string> domains = {}) {
  return TlsCertificateSpec{"ringmail.toml:7: [tls]", ca.Path(name + ".pem"),
                            ca.Path(name + ".key"), std::move(domains)};
}

// The error message of a context that must not build.
std::string Refusal(std::vector<TlsCertificateSpec> specs) {
  auto made = TlsServerContext::Create(std::move(specs));
  if (made.has_value()) return "built";
  EXPECT_EQ(made.error().code, ErrorCode::kConfig);
  return made.error().message;
}

TEST(TlsServerContextTest, RefusesUnusableCertificatesNamingTheFile) {
  TestCa ca;
  ca.Issue("good", "mail.example.test");
  ca.Issue("other", "other.example.test");
  ca.Issue("expired", "old.example.test", -1);

  std::string missing = Refusal(
      {TlsCertificateSpec{"ringmail.toml:7: [tls]", ca.Path("nope.pem"), ca.Path("good.key"), {}}});
  EXPECT_NE(missing.find("ringmail.toml:7: [tls]: " + ca.Path("nope.pem")), std::string::npos)
      << missing;

  std::string expired = Refusal({Spec(ca, "expired")});
  EXPECT_NE(expired.find(ca.Path("expired.pem") + ": certificate has expired"), std::string::npos)
      << expired;

  TlsCertificateSpec mismatched = Spec(ca, "good");
  mismatched.private_key = ca.Path("other.key");
  std::string mismatch = Refusal({mismatched});
  EXPECT_NE(mismatch.find(ca.Path("other.key") + ": key does not match"), std::string::npos)
      << mismatch;

  ASSERT_EQ(chmod(ca.Path("good.key").c_str(), 0644), 0);
  std::string readable = Refusal({Spec(ca, "good")});
  EXPECT_NE(readable.find(ca.Path("good.key") + ": private key is readable by others"),
            std::string::npos)
      << readable;
  ASSERT_EQ(chmod(ca.Path("good.key").c_str(), 0600), 0);

  TlsCertificateSpec garbage = Spec(ca, "good");
  garbage.certificate = ca.Path("good.csr");  // PEM, but not a certificate
  EXPECT_NE(Refusal({garbage}).find(ca.Path("good.csr")), std::string::npos);

  EXPECT_EQ(Refusal({Spec(ca, "good")}), "built");
}

TEST(TlsServerContextTest, ChoosesByServerName) {
  TestCa ca;
  ca.Issue("default", "default.example.test");
  ca.Issue("exact", "mail.a.test");
  ca.Issue("wild", "*.b.test");
  auto made = TlsServerContext::Create(
      {Spec(ca, "exact", {"mail.a.test"}), Spec(ca, "default"), Spec(ca, "wild", {"*.b.test"})});
  ASSERT_TRUE(made.has_value()) << made.error().message;
  const TlsServerContext& c = **made;
  WOLFSSL_CTX* fallback = c.ForServerName("");
  EXPECT_NE(c.ForServerName("mail.a.test"), fallback);
  EXPECT_EQ(c.ForServerName("MAIL.A.Test"), c.ForServerName("mail.a.test"));
  EXPECT_NE(c.ForServerName("x.b.test"), fallback);
  EXPECT_NE(c.ForServerName("x.b.test"), c.ForServerName("mail.a.test"));
  EXPECT_EQ(c.ForServerName("y.x.b.test"), fallback) << "a wildcard matches one label";
  EXPECT_EQ(c.ForServerName("b.test"), fallback);
  EXPECT_EQ(c.ForServerName("unknown.test"), fallback);
  // The default is the entry without domains, though it is not first.
  WOLFSSL* session = c.NewSession();
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(wolfSSL_get_SSL_CTX(session), fallback);
  wolfSSL_free(session);
}

}  // namespace
}  // namespace ringmail
