// TlsStream over an in-memory transport (ScriptStream) on a reactor, against a wolfSSL client
// that plays the other side through strings: handshakes in TLS 1.3 and 1.2 with each AEAD
// suite, data both ways, close_notify, SNI, ALPN, and handshakes that fail.
#include "tls/tls_stream.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "memory_client.h"
#include "test_certs.h"
#include "testing/run_on_reactor.h"
#include "testing/script_stream.h"
#include "tls/server_context.h"
#include "tls/tls_policy.h"

namespace ringmail {
namespace {

using testing::MemoryClient;
using testing::MemoryClientOptions;
using testing::RunOnReactor;
using testing::ScriptStream;
using testing::TestCa;

TlsCertificateSpec Spec(const TestCa& ca, const std::string& name,
                        std::vector<std::string> domains = {}) {
  return TlsCertificateSpec{"test", ca.Path(name + ".pem"), ca.Path(name + ".key"),
                            std::move(domains)};
}

// The server's side and the client's, joined by the in-memory transport.
struct Pipe {
  Pipe(std::shared_ptr<const TlsServerContext> context, const MemoryClientOptions& client_options)
      : tls(transport, std::move(context)), client(client_options) {}
  ScriptStream transport;
  TlsStream tls;
  MemoryClient client;
  Result<void> handshake;
  ErrorCode read_error = ErrorCode::kInternal;
};

// The server: handshake, then echo each read upper-cased until the input ends.
Task<void> EchoServer(Pipe* p) {
  p->handshake = co_await p->tls.Handshake(60000, 60000);
  if (p->handshake) {
    for (;;) {
      Result<std::string_view> in = co_await p->tls.Read();
      if (!in) {
        p->read_error = in.error().code;
        break;
      }
      std::string upper(*in);
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      p->tls.Consume(in->size());
      p->tls.Write(upper);
      Result<void> flushed = co_await p->tls.Flush();
      if (!flushed) break;
    }
    co_await p->tls.Close();
  }
  p->transport.Ended();
}

// Sends what the client wrote, lets the server run, hands the client the reply.
Task<void> Exchange(Pipe* p) {
  std::string out = p->client.TakeOutput();
  if (!out.empty()) p->transport.Send(out);
  co_await p->transport.Idle();
  p->client.Feed(p->transport.TakeOutput());
}

// The client's handshake against the server: 1 done, -1 failed.
Task<int> DriveHandshake(Pipe* p) {
  for (int step = 0; step < 8; ++step) {
    const int rc = p->client.Connect();
    co_await Exchange(p);
    if (rc != 0) co_return rc;
  }
  co_return -1;
}

class TlsStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_.Issue("mail", "mail.example.test");
    auto made = TlsServerContext::Create({Spec(ca_, "mail")});
    ASSERT_TRUE(made.has_value()) << made.error().message;
    context_ = *made;
  }
  MemoryClientOptions Verified() {
    MemoryClientOptions o;
    o.ca_file = ca_.ca();
    o.server_name = "mail.example.test";
    return o;
  }
  TestCa ca_;
  std::shared_ptr<const TlsServerContext> context_;
};

Task<void> DataBothWays(Pipe* p) {
  Spawn(EchoServer(p));
  const int connected = co_await DriveHandshake(p);
  EXPECT_EQ(connected, 1);
  EXPECT_TRUE(p->handshake.has_value());
  p->client.Write("hello\r\n");
  co_await Exchange(p);
  EXPECT_EQ(p->client.Read(), "HELLO\r\n");
  // More than the plaintext buffer holds, in one go each way.
  const std::string big(3 * TlsStream::kPlaintextMax + 123, 'x');
  p->client.Write(big);
  std::string back;
  for (int i = 0; i < 50 && back.size() < big.size(); ++i) {
    co_await Exchange(p);
    back += p->client.Read();
  }
  EXPECT_EQ(back, std::string(big.size(), 'X'));
  p->client.Shutdown();  // close_notify
  co_await Exchange(p);
  EXPECT_TRUE(p->transport.ended());
  EXPECT_EQ(p->read_error, ErrorCode::kClosed);
  bool closed = false;
  p->client.Read(&closed);
  EXPECT_TRUE(closed) << "the server answers close_notify";
}

TEST_F(TlsStreamTest, Tls13HandshakeDataBothWaysAndCloseNotify) {
  Pipe p(context_, Verified());
  RunOnReactor(DataBothWays(&p));
  // The server's first suite (tls_policy.h): ChaCha20 where wolfSSL encrypts without AES-NI.
  EXPECT_EQ(p.tls.tls_summary(), std::string_view(ServerCipherList()) == kTlsCipherListAesFirst
                                     ? "TLS1.3 TLS_AES_128_GCM_SHA256"
                                     : "TLS1.3 TLS_CHACHA20_POLY1305_SHA256");
  EXPECT_TRUE(p.tls.encrypted());
  EXPECT_EQ(p.tls.server_name(), "mail.example.test");
}

TEST_F(TlsStreamTest, Tls12WithEachAeadSuite) {
  for (const char* suite : {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
                            "ECDHE-ECDSA-CHACHA20-POLY1305"}) {
    MemoryClientOptions o = Verified();
    o.tls13 = false;
    o.ciphers = suite;
    Pipe p(context_, o);
    RunOnReactor(DataBothWays(&p));
    EXPECT_TRUE(p.tls.tls_summary().starts_with("TLS1.2 TLS_ECDHE_ECDSA_WITH_")) << suite;
  }
}

TEST_F(TlsStreamTest, Tls13EachSuite) {
  for (const char* suite :
       {"TLS13-AES128-GCM-SHA256", "TLS13-AES256-GCM-SHA384", "TLS13-CHACHA20-POLY1305-SHA256"}) {
    MemoryClientOptions o = Verified();
    o.ciphers = suite;
    Pipe p(context_, o);
    RunOnReactor(DataBothWays(&p));
    EXPECT_TRUE(p.tls.tls_summary().starts_with("TLS1.3 TLS_")) << suite;
  }
}

Task<void> HandshakeFails(Pipe* p) {
  Spawn(EchoServer(p));
  const int connected = co_await DriveHandshake(p);
  EXPECT_EQ(connected, -1);
}

TEST_F(TlsStreamTest, RefusesNonAeadSuites) {
  MemoryClientOptions o = Verified();
  o.tls13 = false;
  o.ciphers = "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA";
  Pipe p(context_, o);
  RunOnReactor(HandshakeFails(&p));
  ASSERT_FALSE(p.handshake.has_value());
  EXPECT_TRUE(p.handshake.error().message.starts_with("cipher:")) << p.handshake.error().message;
}

TEST_F(TlsStreamTest, AlpnAcceptsImap) {
  MemoryClientOptions o = Verified();
  o.alpn = "imap";
  Pipe p(context_, o);
  RunOnReactor(DataBothWays(&p));
  EXPECT_EQ(p.tls.alpn(), "imap");
}

Task<void> SendThenEnd(Pipe* p, std::string bytes) {
  Spawn(EchoServer(p));
  p->transport.Send(bytes);
  co_await p->transport.Idle();
  p->transport.CloseInput();
  co_await p->transport.Idle();
  EXPECT_TRUE(p->transport.ended());
}

TEST_F(TlsStreamTest, GarbageInsteadOfClientHelloFails) {
  Pipe p(context_, Verified());
  RunOnReactor(SendThenEnd(&p, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_FALSE(p.handshake.has_value());
  EXPECT_EQ(p.handshake.error().code, ErrorCode::kIo);
}

TEST_F(TlsStreamTest, ClientLeavingMidHandshakeEndsIt) {
  Pipe p(context_, Verified());
  // The first bytes of a ClientHello record, then the client goes.
  RunOnReactor(SendThenEnd(&p, std::string("\x16\x03\x01\x00\x80\x01\x00", 7)));
  ASSERT_FALSE(p.handshake.has_value());
  EXPECT_EQ(p.handshake.error().code, ErrorCode::kClosed);
}

}  // namespace
}  // namespace ringmail

namespace ringmail {
namespace {

// The client checks the served certificate against the name it asked for: the handshake
// succeeds only with the right certificate.
TEST(TlsStreamSniTest, ServesTheCertificateOfTheName) {
  TestCa ca;
  ca.Issue("default", "default.example.test");
  ca.Issue("exact", "mail.a.test");
  ca.Issue("wild", "*.b.test");
  auto made = TlsServerContext::Create(
      {Spec(ca, "default"), Spec(ca, "exact", {"mail.a.test"}), Spec(ca, "wild", {"*.b.test"})});
  ASSERT_TRUE(made.has_value()) << made.error().message;
  for (const char* name : {"mail.a.test", "x.b.test", "default.example.test"}) {
    MemoryClientOptions o;
    o.ca_file = ca.ca();
    o.server_name = name;
    Pipe p(*made, o);
    RunOnReactor(DataBothWays(&p));
    EXPECT_TRUE(p.handshake.has_value()) << name;
    EXPECT_EQ(p.tls.server_name(), name);
  }
  // An unknown name gets the default certificate (which the client then refuses).
  MemoryClientOptions o;
  o.ca_file = ca.ca();
  o.server_name = "unknown.c.test";
  Pipe p(*made, o);
  RunOnReactor(HandshakeFails(&p));
}

}  // namespace
}  // namespace ringmail
