// The RSA signer (rsa_signer.h): wolfSSL's sign callbacks make PKCS#1 v1.5 and RSA-PSS
// signatures with libcrypto that wolfCrypt verifies with the public key, refuse malformed
// input with wolfCrypt error codes, and full TLS 1.2 and 1.3 handshakes on an RSA certificate
// (which wolfSSL checks before sending, and the client verifies) succeed through them.
#include "tls/rsa_signer.h"

// clang-format off
#include <wolfssl/options.h>
// clang-format on
#include <gtest/gtest.h>
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/rsa.h>
#include <wolfssl/wolfcrypt/signature.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "memory_client.h"
#include "test_certs.h"
#include "tls/server_context.h"

namespace ringmail {
namespace {

using testing::MemoryClient;
using testing::MemoryClientOptions;
using testing::TestCa;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class RsaSignerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_.Issue("rsa", "rsa.example.test", 2, /*rsa=*/true);
    pem_ = ReadFile(ca_.Path("rsa.key"));
    ctx_ = wolfSSL_CTX_new(wolfTLS_server_method());
    key_ = InstallLibcryptoRsaSigner(ctx_, pem_);
    ssl_ = wolfSSL_new(ctx_);
    // wolfCrypt's own copy of the key, whose public half checks the signatures.
    std::vector<unsigned char> der(pem_.size());
    const int der_size = wc_KeyPemToDer(reinterpret_cast<const unsigned char*>(pem_.data()),
                                        static_cast<int>(pem_.size()), der.data(),
                                        static_cast<int>(der.size()), nullptr);
    ASSERT_GT(der_size, 0);
    ASSERT_EQ(wc_InitRsaKey(&rsa_, nullptr), 0);
    word32 index = 0;
    ASSERT_EQ(wc_RsaPrivateKeyDecode(der.data(), &index, &rsa_, static_cast<word32>(der_size)), 0);
  }
  void TearDown() override {
    wc_FreeRsaKey(&rsa_);
    wolfSSL_free(ssl_);
    wolfSSL_CTX_free(ctx_);
  }

  TestCa ca_;
  std::string pem_;
  WOLFSSL_CTX* ctx_ = nullptr;
  WOLFSSL* ssl_ = nullptr;
  std::unique_ptr<LibcryptoRsaKey> key_;
  RsaKey rsa_{};
};

TEST_F(RsaSignerTest, Pkcs1SignatureOfADigestInfoVerifies) {
  if (!LibcryptoRsaSignerBuiltIn()) GTEST_SKIP() << "built with RINGMAIL_RSA_LIBCRYPTO=OFF";
  ASSERT_NE(key_, nullptr);
  EXPECT_EQ(key_->size(), 256u);
  unsigned char digest[32] = {1, 2, 3};
  unsigned char info[64];
  const word32 info_size = wc_EncodeSignature(info, digest, sizeof digest, SHA256h);
  unsigned char sig[512];
  unsigned int sig_size = sizeof sig;
  ASSERT_EQ(LibcryptoRsaSign(ssl_, info, info_size, sig, &sig_size, nullptr, 0, nullptr), 0);
  ASSERT_EQ(sig_size, 256u);
  unsigned char plain[256];
  const int n = wc_RsaSSL_Verify(sig, sig_size, plain, sizeof plain, &rsa_);
  ASSERT_EQ(n, static_cast<int>(info_size));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(plain), n),
            std::string(reinterpret_cast<char*>(info), info_size));
}

TEST_F(RsaSignerTest, PssSignatureWithDigestLongSaltVerifies) {
  if (!LibcryptoRsaSignerBuiltIn()) GTEST_SKIP() << "built with RINGMAIL_RSA_LIBCRYPTO=OFF";
  struct Case {
    int hash;
    int mgf;
    enum wc_HashType type;
    size_t size;
  };
  for (const Case& c : {Case{SHA256h, WC_MGF1SHA256, WC_HASH_TYPE_SHA256, 32},
                        Case{SHA384h, WC_MGF1SHA384, WC_HASH_TYPE_SHA384, 48},
                        Case{SHA512h, WC_MGF1SHA512, WC_HASH_TYPE_SHA512, 64}}) {
    std::vector<unsigned char> digest(c.size, 0x5a);
    unsigned char sig[256];
    unsigned int sig_size = sizeof sig;
    ASSERT_EQ(LibcryptoRsaPssSign(ssl_, digest.data(), static_cast<unsigned>(digest.size()), sig,
                                  &sig_size, c.hash, c.mgf, nullptr, 0, nullptr),
              0);
    ASSERT_EQ(sig_size, 256u);
    unsigned char out[256];
    // Checks the salt is the digest's length (wolfCrypt's default, as wolfSSL checks it).
    EXPECT_GT(wc_RsaPSS_VerifyCheck(sig, sig_size, out, sizeof out, digest.data(),
                                    static_cast<word32>(digest.size()), c.type, c.mgf, &rsa_),
              0)
        << c.size;
  }
}

TEST_F(RsaSignerTest, MalformedInputIsAWolfCryptError) {
  if (!LibcryptoRsaSignerBuiltIn()) GTEST_SKIP() << "built with RINGMAIL_RSA_LIBCRYPTO=OFF";
  unsigned char digest[32] = {};
  unsigned char sig[256];
  unsigned int sig_size = sizeof sig;
  // A digest whose length is not the hash's, an unknown hash, an unknown MGF.
  EXPECT_LT(LibcryptoRsaPssSign(ssl_, digest, 20, sig, &sig_size, SHA256h, WC_MGF1SHA256, nullptr,
                                0, nullptr),
            0);
  EXPECT_EQ(LibcryptoRsaPssSign(ssl_, digest, 32, sig, &sig_size, 12345, WC_MGF1SHA256, nullptr, 0,
                                nullptr),
            BAD_FUNC_ARG);
  EXPECT_EQ(LibcryptoRsaPssSign(ssl_, digest, 32, sig, &sig_size, SHA256h, 99, nullptr, 0, nullptr),
            BAD_FUNC_ARG);
  // Output smaller than the modulus; input longer than PKCS#1 padding allows; no input.
  unsigned int small = 100;
  EXPECT_EQ(LibcryptoRsaSign(ssl_, digest, 32, sig, &small, nullptr, 0, nullptr), RSA_BUFFER_E);
  unsigned char long_input[250] = {};
  sig_size = sizeof sig;
  EXPECT_EQ(
      LibcryptoRsaSign(ssl_, long_input, sizeof long_input, sig, &sig_size, nullptr, 0, nullptr),
      RSA_BUFFER_E);
  EXPECT_EQ(LibcryptoRsaSign(ssl_, nullptr, 0, sig, &sig_size, nullptr, 0, nullptr), BAD_FUNC_ARG);
  // A session whose context has no libcrypto key.
  WOLFSSL_CTX* bare = wolfSSL_CTX_new(wolfTLS_server_method());
  WOLFSSL* other = wolfSSL_new(bare);
  EXPECT_EQ(LibcryptoRsaSign(other, digest, 32, sig, &sig_size, nullptr, 0, nullptr), BAD_FUNC_ARG);
  wolfSSL_free(other);
  wolfSSL_CTX_free(bare);
}

TEST_F(RsaSignerTest, NotInstalledForAnEcdsaKeyOrGarbage) {
  ca_.Issue("ec", "ec.example.test");
  WOLFSSL_CTX* ctx = wolfSSL_CTX_new(wolfTLS_server_method());
  EXPECT_EQ(InstallLibcryptoRsaSigner(ctx, ReadFile(ca_.Path("ec.key"))), nullptr);
  EXPECT_EQ(InstallLibcryptoRsaSigner(ctx, "-----BEGIN PRIVATE KEY-----\nAAAA\n"), nullptr);
  EXPECT_EQ(wolfSSL_CTX_get_ex_data(ctx, 0), nullptr);
  wolfSSL_CTX_free(ctx);
}

// A server session of `context` whose records go to and come from strings.
struct MemoryServer {
  static int Receive(WOLFSSL*, char* buf, int size, void* ctx) {
    auto* in = static_cast<std::string*>(ctx);
    if (in->empty()) return WOLFSSL_CBIO_ERR_WANT_READ;
    const size_t n = std::min(in->size(), static_cast<size_t>(size));
    in->copy(buf, n);
    in->erase(0, n);
    return static_cast<int>(n);
  }
  static int Send(WOLFSSL*, char* buf, int size, void* ctx) {
    static_cast<std::string*>(ctx)->append(buf, static_cast<size_t>(size));
    return size;
  }
};

// Whether a verifying client and the server complete a handshake.
bool Handshake(const TlsServerContext& context, MemoryClientOptions options) {
  MemoryClient client(options);
  WOLFSSL* server = context.NewSession();
  std::string to_server, to_client;
  wolfSSL_SSLSetIORecv(server, &MemoryServer::Receive);
  wolfSSL_SSLSetIOSend(server, &MemoryServer::Send);
  wolfSSL_SetIOReadCtx(server, &to_server);
  wolfSSL_SetIOWriteCtx(server, &to_client);
  bool client_done = false, server_done = false, failed = false;
  for (int step = 0; step < 10 && !(client_done && server_done) && !failed; ++step) {
    if (!client_done) {
      const int rc = client.Connect();
      client_done = rc == 1;
      failed = rc < 0;
    }
    to_server += client.TakeOutput();
    if (!server_done && !failed) {
      const int rc = wolfSSL_accept(server);
      server_done = rc == WOLFSSL_SUCCESS;
      failed = !server_done && wolfSSL_get_error(server, rc) != WOLFSSL_ERROR_WANT_READ;
    }
    client.Feed(std::exchange(to_client, {}));
  }
  wolfSSL_free(server);
  return client_done && server_done;
}

TEST(RsaSignerHandshakeTest, Tls12Pkcs1AndPssAndTls13OnAnRsaCertificate) {
  TestCa ca;
  ca.Issue("rsa", "rsa.example.test", 2, /*rsa=*/true);
  auto made = TlsServerContext::Create(
      {TlsCertificateSpec{"", ca.Path("rsa.pem"), ca.Path("rsa.key"), {}}});
  ASSERT_TRUE(made.has_value()) << made.error().message;
  MemoryClientOptions o;
  o.ca_file = ca.ca();
  o.server_name = "rsa.example.test";
  EXPECT_TRUE(Handshake(**made, o)) << "TLS 1.3, RSA-PSS";
  o.tls13 = false;
  o.ciphers = "ECDHE-RSA-AES128-GCM-SHA256";
  EXPECT_TRUE(Handshake(**made, o)) << "TLS 1.2, ECDHE-RSA";
}

}  // namespace
}  // namespace ringmail
