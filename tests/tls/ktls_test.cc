// Kernel TLS: the crypto_info built from wolfSSL's getters after real handshakes (runs on any
// kernel), and the kernel's acceptance of it (skipped where the kernel has no TLS: this
// development machine; tests/tls/run_ktls runs these under a kernel with tls.ko).
#include "tls/ktls.h"

#include <gtest/gtest.h>
#include <linux/tls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <string_view>

#include "memory_client.h"
#include "test_certs.h"
#include "testing/run_on_reactor.h"
#include "testing/script_stream.h"
#include "tls/ktls_records.h"
#include "tls/server_context.h"
#include "tls/tls_stream.h"

namespace ringmail {
namespace {

using testing::MemoryClient;
using testing::MemoryClientOptions;
using testing::RunOnReactor;
using testing::ScriptStream;
using testing::TestCa;

constexpr const char* kNoKernelTls =
    "the kernel has no TLS offload (CONFIG_TLS / tls.ko): run tests/tls/run_ktls on the "
    "appliance kernel";

struct Pair {
  Pair(std::shared_ptr<const TlsServerContext> context, const MemoryClientOptions& o)
      : tls(transport, std::move(context)), client(o) {}
  ScriptStream transport;
  TlsStream tls;
  MemoryClient client;
  Result<void> handshake;
};

Task<void> ServerHandshake(Pair* p) {
  p->handshake = co_await p->tls.Handshake(60000, 60000);
  p->transport.Ended();
}

Task<void> Connect(Pair* p) {
  Spawn(ServerHandshake(p));
  for (int step = 0; step < 8; ++step) {
    const int rc = p->client.Connect();
    std::string out = p->client.TakeOutput();
    if (!out.empty()) p->transport.Send(out);
    co_await p->transport.Idle();
    p->client.Feed(p->transport.TakeOutput());
    if (rc != 0) break;
  }
}

uint64_t RecordSequence(const uint8_t* rec_seq) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | rec_seq[i];
  return v;
}

class KernelTlsKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_.Issue("mail", "mail.example.test");
    auto made =
        TlsServerContext::Create({{"test", ca_.Path("mail.pem"), ca_.Path("mail.key"), {}}});
    ASSERT_TRUE(made.has_value()) << made.error().message;
    context_ = *made;
  }
  TestCa ca_;
  std::shared_ptr<const TlsServerContext> context_;
};

TEST_F(KernelTlsKeysTest, Tls13AesGcm128FromTheSessionsKeys) {
  MemoryClientOptions o;
  o.ciphers = "TLS13-AES128-GCM-SHA256";
  Pair p(context_, o);
  RunOnReactor(Connect(&p));
  ASSERT_TRUE(p.handshake.has_value());
  auto keys = ExtractKernelTlsKeys(p.tls.session());
  ASSERT_TRUE(keys.has_value()) << keys.error().message;
  ASSERT_EQ(keys->tx.size(), sizeof(tls12_crypto_info_aes_gcm_128));
  tls12_crypto_info_aes_gcm_128 tx;
  tls12_crypto_info_aes_gcm_128 rx;
  std::memcpy(&tx, keys->tx.data(), sizeof tx);
  std::memcpy(&rx, keys->rx.data(), sizeof rx);
  EXPECT_EQ(tx.info.version, TLS_1_3_VERSION);
  EXPECT_EQ(tx.info.cipher_type, TLS_CIPHER_AES_GCM_128);
  EXPECT_EQ(std::memcmp(tx.key, wolfSSL_GetServerWriteKey(p.tls.session()), 16), 0);
  EXPECT_EQ(std::memcmp(rx.key, wolfSSL_GetClientWriteKey(p.tls.session()), 16), 0);
  EXPECT_EQ(std::memcmp(tx.salt, wolfSSL_GetServerWriteIV(p.tls.session()), 4), 0);
  EXPECT_EQ(std::memcmp(tx.iv, wolfSSL_GetServerWriteIV(p.tls.session()) + 4, 8), 0);
  // The server sent its NewSessionTicket under the application keys: TX starts past it.
  EXPECT_GE(RecordSequence(tx.rec_seq), 1u);
  EXPECT_EQ(RecordSequence(rx.rec_seq), 0u);
}

TEST_F(KernelTlsKeysTest, EachSuiteMapsToAKernelCipher) {
  struct Case {
    const char* suite;
    bool tls13;
    uint16_t cipher;
    size_t size;
  };
  for (const Case& c : {Case{"TLS13-AES256-GCM-SHA384", true, TLS_CIPHER_AES_GCM_256,
                             sizeof(tls12_crypto_info_aes_gcm_256)},
                        Case{"TLS13-CHACHA20-POLY1305-SHA256", true, TLS_CIPHER_CHACHA20_POLY1305,
                             sizeof(tls12_crypto_info_chacha20_poly1305)},
                        Case{"ECDHE-ECDSA-AES128-GCM-SHA256", false, TLS_CIPHER_AES_GCM_128,
                             sizeof(tls12_crypto_info_aes_gcm_128)},
                        Case{"ECDHE-ECDSA-AES256-GCM-SHA384", false, TLS_CIPHER_AES_GCM_256,
                             sizeof(tls12_crypto_info_aes_gcm_256)},
                        Case{"ECDHE-ECDSA-CHACHA20-POLY1305", false, TLS_CIPHER_CHACHA20_POLY1305,
                             sizeof(tls12_crypto_info_chacha20_poly1305)}}) {
    MemoryClientOptions o;
    o.ciphers = c.suite;
    o.tls13 = c.tls13;
    Pair p(context_, o);
    RunOnReactor(Connect(&p));
    ASSERT_TRUE(p.handshake.has_value()) << c.suite;
    auto keys = ExtractKernelTlsKeys(p.tls.session());
    ASSERT_TRUE(keys.has_value()) << c.suite << ": " << keys.error().message;
    ASSERT_EQ(keys->tx.size(), c.size) << c.suite;
    tls_crypto_info info;
    std::memcpy(&info, keys->tx.data(), sizeof info);
    EXPECT_EQ(info.cipher_type, c.cipher) << c.suite;
    EXPECT_EQ(info.version, c.tls13 ? TLS_1_3_VERSION : TLS_1_2_VERSION) << c.suite;
  }
}

// A connected loopback TCP pair: the kernel accepts TCP_ULP only on an established socket.
struct TcpPair {
  TcpPair() {
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    EXPECT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(listen(listener, 1), 0);
    EXPECT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len), 0);
    client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    EXPECT_EQ(connect(client, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    server = accept(listener, nullptr, nullptr);
    close(listener);
  }
  ~TcpPair() {
    close(client);
    close(server);
  }
  int client = -1;
  int server = -1;
};

TEST(KernelTlsTest, ProbeAgreesWithAnEstablishedSocket) {
  TcpPair pair;
  const bool accepted = setsockopt(pair.server, SOL_TCP, TCP_ULP, "tls", sizeof "tls") == 0;
  EXPECT_EQ(accepted, KernelTlsAvailable());
}

TEST_F(KernelTlsKeysTest, KernelAcceptsTheKeysOfEachVersion) {
  if (!KernelTlsAvailable()) GTEST_SKIP() << kNoKernelTls;
  for (bool tls13 : {true, false}) {
    MemoryClientOptions o;
    o.tls13 = tls13;
    Pair p(context_, o);
    RunOnReactor(Connect(&p));
    ASSERT_TRUE(p.handshake.has_value());
    auto keys = ExtractKernelTlsKeys(p.tls.session());
    ASSERT_TRUE(keys.has_value()) << keys.error().message;
    TcpPair pair;
    Result<void> installed = InstallKernelTls(pair.server, *keys);
    EXPECT_TRUE(installed.has_value()) << installed.error().message;
  }
}

// Control records after the handoff (tls/ktls_records.h): pure, so they run on any kernel.
KernelTlsRecordVerdict::Kind Kind(uint8_t type, std::string_view payload) {
  return ClassifyKernelTlsRecord(type, payload).kind;
}

TEST(KernelTlsRecordTest, CloseNotifyEndsCleanlyOtherAlertsAreErrors) {
  using V = KernelTlsRecordVerdict;
  EXPECT_EQ(Kind(kTlsRecordAlert, std::string_view(kTlsCloseNotify, 2)), V::kCloseNotify);
  EXPECT_EQ(Kind(kTlsRecordAlert, std::string_view("\x02\x00", 2)), V::kCloseNotify);
  EXPECT_EQ(Kind(kTlsRecordAlert, std::string_view("\x01\x5a", 2)), V::kIgnore);  // user_canceled
  // user_canceled then close_notify in one record.
  EXPECT_EQ(Kind(kTlsRecordAlert, std::string_view("\x01\x5a\x01\x00", 4)), V::kCloseNotify);
  KernelTlsRecordVerdict bad = ClassifyKernelTlsRecord(kTlsRecordAlert, "\x02\x28");
  EXPECT_EQ(bad.kind, V::kAlert);
  EXPECT_EQ(bad.code, 40);  // handshake_failure
  EXPECT_EQ(Kind(kTlsRecordAlert, ""), V::kUnexpected);
  EXPECT_EQ(Kind(kTlsRecordAlert, std::string_view("\x01", 1)), V::kUnexpected);
}

TEST(KernelTlsRecordTest, KeyUpdateIsRecognisedAndOtherHandshakeMessagesAreNot) {
  using V = KernelTlsRecordVerdict;
  for (uint8_t request : {0, 1}) {
    const char message[] = {24, 0, 0, 1, static_cast<char>(request)};
    KernelTlsRecordVerdict v = ClassifyKernelTlsRecord(kTlsRecordHandshake, {message, 5});
    EXPECT_EQ(v.kind, V::kKeyUpdate);
    EXPECT_EQ(v.code, request);
  }
  EXPECT_EQ(Kind(kTlsRecordHandshake, std::string_view("\x18\x00\x00\x01\x02", 5)),
            V::kUnexpected);  // request_update out of range
  EXPECT_EQ(Kind(kTlsRecordHandshake, std::string_view("\x18\x00\x00\x02\x00\x00", 6)),
            V::kUnexpected);  // wrong length
  EXPECT_EQ(Kind(kTlsRecordHandshake, std::string_view("\x18\x00\x00\x01", 4)),
            V::kUnexpected);  // truncated
  EXPECT_EQ(Kind(kTlsRecordHandshake, std::string_view("\x04\x00\x00\x00", 4)),
            V::kUnexpected);  // NewSessionTicket from a client
  EXPECT_EQ(Kind(20, std::string_view("\x01", 1)), V::kUnexpected);  // change_cipher_spec
  EXPECT_EQ(Kind(99, "x"), V::kUnexpected);
}

TEST(KernelTlsRecordTest, TheHandlersErrorsAreWhatTheConnectionActsOn) {
  const SocketAddress peer;
  Result<void> closed = HandleKernelTlsRecord(peer, kTlsRecordAlert, {kTlsCloseNotify, 2});
  ASSERT_FALSE(closed.has_value());
  EXPECT_EQ(closed.error().code, ErrorCode::kClosed);
  EXPECT_TRUE(HandleKernelTlsRecord(peer, kTlsRecordAlert, "\x01\x5a").has_value());
  Result<void> update =
      HandleKernelTlsRecord(peer, kTlsRecordHandshake, std::string_view("\x18\0\0\x01\x01", 5));
  ASSERT_FALSE(update.has_value());
  EXPECT_EQ(update.error().code, ErrorCode::kIo);
  EXPECT_NE(update.error().message.find("KeyUpdate"), std::string::npos);
}

TEST(KernelTlsTest, WithoutKernelTlsInstallIsUnavailable) {
  if (KernelTlsAvailable()) GTEST_SKIP() << "the kernel has TLS offload";
  TcpPair pair;
  Result<void> installed = InstallKernelTls(pair.server, KernelTlsKeys{});
  ASSERT_FALSE(installed.has_value());
  EXPECT_EQ(installed.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace ringmail
