// The smarthost client over TLS against ringmail's own TLS server code (TlsStream), in one
// process: the two sides joined by an in-memory pipe, a small SMTP server playing the
// smarthost. STARTTLS (EHLO again after) and implicit TLS with a verified certificate, SNI,
// AUTH only over TLS, REQUIRETLS, and the failures that are retries with their reason: a
// certificate from another CA, a name the certificate does not carry, STARTTLS not offered.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "queue/smtp_client.h"
#include "runtime/awaitables.h"
#include "testing/pipe_stream.h"
#include "testing/run_on_reactor.h"
#include "tls/client_context.h"
#include "tls/server_context.h"
#include "tls/test_certs.h"
#include "tls/tls_stream.h"

namespace ringmail::testing {
namespace {

// The smarthost: answers every command, STARTTLS included; records what it was told.
struct Smarthost {
  std::shared_ptr<const TlsServerContext> context;
  bool implicit = false;
  std::string extensions = "250-STARTTLS\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n";
  std::vector<std::string> commands;  // every command line, in order
  std::string data;
  std::string sni;  // the name the client asked for
  std::string tls;  // the session's summary
  bool done = false;
};

// The next line (without CRLF) from `stream`, or false when the input ends.
Task<bool> ReadLine(Stream* stream, std::string* line) {
  for (;;) {
    const std::string_view in = stream->buffered();
    if (const size_t end = in.find("\r\n"); end != std::string_view::npos) {
      line->assign(in.substr(0, end));
      stream->Consume(end + 2);
      co_return true;
    }
    Result<std::string_view> read = co_await stream->Read();
    if (!read) co_return false;
  }
}

Task<bool> Reply(Stream* stream, std::string text) {
  stream->Write(text);
  Result<void> flushed = co_await stream->Flush();
  co_return flushed.has_value();
}

Task<bool> Upgrade(Smarthost* h, PipeEnd* end, std::unique_ptr<TlsStream>* tls) {
  *tls = std::make_unique<TlsStream>(*end, h->context);
  Result<void> shaken = co_await (*tls)->Handshake(10000, 10000);
  h->sni = std::string((*tls)->server_name());
  h->tls = std::string((*tls)->tls_summary());
  co_return shaken.has_value();
}

// One command: its reply (and the data after DATA). False: the session ends.
Task<bool> Answer(Smarthost* h, Stream* stream, const std::string& line) {
  const std::string verb = line.substr(0, line.find(' '));
  if (verb == "EHLO") co_return co_await Reply(stream, "250-smarthost.test\r\n" + h->extensions);
  if (verb == "AUTH") co_return co_await Reply(stream, "235 2.7.0 ok\r\n");
  if (verb == "MAIL" || verb == "RCPT") co_return co_await Reply(stream, "250 ok\r\n");
  if (verb == "DATA") {
    if (!co_await Reply(stream, "354 go\r\n")) co_return false;
    std::string data_line;
    for (;;) {
      const bool got = co_await ReadLine(stream, &data_line);
      if (!got) co_return false;
      if (data_line == ".") break;
      h->data += data_line + "\n";
    }
    co_return co_await Reply(stream, "250 2.0.0 queued\r\n");
  }
  if (verb == "QUIT") {
    const bool said = co_await Reply(stream, "221 bye\r\n");
    (void)said;
    co_return false;
  }
  co_return co_await Reply(stream, "502 what\r\n");
}

Task<void> Serve(Smarthost* h, PipeEnd* end) {
  std::unique_ptr<TlsStream> tls;
  Stream* stream = end;
  bool ok = true;
  if (h->implicit) {
    ok = co_await Upgrade(h, end, &tls);
    if (ok) stream = tls.get();
  }
  if (ok) ok = co_await Reply(stream, "220 smarthost.test ESMTP\r\n");
  std::string line;
  while (ok) {
    const bool got = co_await ReadLine(stream, &line);
    if (!got) break;
    h->commands.push_back(line);
    if (line == "STARTTLS" && tls == nullptr) {
      ok = co_await Reply(stream, "220 2.0.0 go ahead\r\n");
      if (ok) ok = co_await Upgrade(h, end, &tls);
      if (ok) stream = tls.get();
      continue;
    }
    ok = co_await Answer(h, stream, line);
  }
  if (tls != nullptr && !tls->tls_summary().empty()) co_await tls->Close();
  end->Close();
  h->done = true;
}

struct Attempt {
  SmtpClientOptions options;
  SmtpEnvelope envelope;
  std::string message = "Subject: over TLS\r\n\r\nbody\r\n";
  std::vector<SmtpRecipientResult> results;
};

Task<void> Transaction(Smarthost* h, Attempt* r) {
  PipeStream pipe;
  Spawn(Serve(h, &pipe.server));
  r->results = co_await RunSmtpTransaction(&pipe.client, &r->options, &r->envelope, &r->message);
  pipe.client.Close();
  while (!h->done) co_await Sleep(1);
}

class SmtpTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_.Issue("mail", "mail.example.test");
    auto made = TlsServerContext::Create(
        {TlsCertificateSpec{"test", ca_.Path("mail.pem"), ca_.Path("mail.key"), {}}});
    ASSERT_TRUE(made.has_value()) << made.error().message;
    host_.context = *made;
    run_.options.host = "mail.example.test";
    run_.options.helo_name = "mx.test";
    run_.options.tls = SmarthostTls::kStartTls;
    run_.options.tls_context = Client(ca_.ca(), true);
    run_.envelope.sender = "alice@example.test";
    QueueRecipientRecord to;
    to.address = "bob@remote.test";
    run_.envelope.recipients.push_back(to);
  }
  static std::shared_ptr<const TlsClientContext> Client(std::string ca_file, bool verify) {
    TlsClientSpec spec;
    spec.ca_file = std::move(ca_file);
    spec.verify = verify;
    auto made = TlsClientContext::Create(std::move(spec));
    EXPECT_TRUE(made.has_value()) << made.error().message;
    return made ? *made : nullptr;
  }
  Smarthost Fresh() const {
    Smarthost h;
    h.context = host_.context;
    return h;
  }
  void Deliver() { RunOnReactor(Transaction(&host_, &run_)); }
  const SmtpRecipientResult& Outcome() {
    EXPECT_EQ(run_.results.size(), 1u);
    return run_.results.at(0);
  }

  TestCa ca_;
  TestCa other_;  // another CA, which the client does not trust
  Smarthost host_;
  Attempt run_;
};

TEST_F(SmtpTlsTest, StartTlsThenEhloAgainAuthAndDeliver) {
  run_.options.user = "mx";
  run_.options.password = "pw";
  Deliver();
  EXPECT_EQ(Outcome().kind, QueueOutcomeKind::kDelivered) << Outcome().reply;
  EXPECT_EQ(Outcome().reply, "250 2.0.0 queued");
  EXPECT_TRUE(Outcome().tls.starts_with("TLS1.3 TLS_")) << Outcome().tls;
  EXPECT_EQ(Outcome().tls, host_.tls);
  EXPECT_EQ(host_.sni, "mail.example.test");
  const std::vector<std::string> expected = {"EHLO mx.test",
                                             "STARTTLS",
                                             "EHLO mx.test",
                                             "AUTH PLAIN AG14AHB3",
                                             "MAIL FROM:<alice@example.test>",
                                             "RCPT TO:<bob@remote.test>",
                                             "DATA",
                                             "QUIT"};
  EXPECT_EQ(host_.commands, expected);
  EXPECT_EQ(host_.data, "Subject: over TLS\n\nbody\n");
}

TEST_F(SmtpTlsTest, ImplicitTlsFromTheFirstByte) {
  host_.implicit = true;
  host_.extensions = "250 8BITMIME\r\n";
  run_.options.tls = SmarthostTls::kImplicit;
  Deliver();
  EXPECT_EQ(Outcome().kind, QueueOutcomeKind::kDelivered) << Outcome().reply;
  EXPECT_FALSE(Outcome().tls.empty());
  EXPECT_EQ(host_.commands.front(), "EHLO mx.test");
  EXPECT_EQ(host_.sni, "mail.example.test");
}

TEST_F(SmtpTlsTest, ACertificateFromAnotherCaIsARetryWithTheReason) {
  run_.options.tls_context = Client(other_.ca(), true);
  Deliver();
  EXPECT_EQ(Outcome().kind, QueueOutcomeKind::kRetry);
  EXPECT_TRUE(
      Outcome().reply.starts_with("smarthost: TLS handshake failed: certificate not "
                                  "verified"))
      << Outcome().reply;
  EXPECT_EQ(host_.commands, (std::vector<std::string>{"EHLO mx.test", "STARTTLS"}));
}

TEST_F(SmtpTlsTest, ANameTheCertificateDoesNotCarryIsARetry) {
  run_.options.host = "other.example.test";
  Deliver();
  EXPECT_EQ(Outcome().kind, QueueOutcomeKind::kRetry);
  EXPECT_NE(Outcome().reply.find("certificate not verified"), std::string::npos) << Outcome().reply;
}

TEST_F(SmtpTlsTest, WithoutVerificationAPrivateCertificateIsAccepted) {
  run_.options.tls_context = Client(other_.ca(), false);
  run_.options.host = "127.0.0.1";
  Deliver();
  EXPECT_EQ(Outcome().kind, QueueOutcomeKind::kDelivered) << Outcome().reply;
  EXPECT_EQ(host_.sni, "");  // no SNI for an address
}

TEST_F(SmtpTlsTest, StartTlsNotOfferedIsARetry) {
  host_.extensions = "250 8BITMIME\r\n";
  Deliver();
  EXPECT_EQ(Outcome().kind, QueueOutcomeKind::kRetry);
  EXPECT_EQ(Outcome().reply, "smarthost: STARTTLS not offered (smarthost-tls = starttls)");
  EXPECT_EQ(host_.commands, (std::vector<std::string>{"EHLO mx.test"}));
}

TEST_F(SmtpTlsTest, NoPasswordOverAPlainConnection) {
  run_.options.tls = SmarthostTls::kNone;
  run_.options.user = "mx";
  Deliver();
  EXPECT_EQ(Outcome().kind, QueueOutcomeKind::kRetry);
  EXPECT_NE(Outcome().reply.find("AUTH refused over a plain connection"), std::string::npos);
  EXPECT_EQ(host_.commands, (std::vector<std::string>{"EHLO mx.test"}));
}

TEST_F(SmtpTlsTest, RequireTlsGoesOnlyToAVerifiedSmarthostThatOffersIt) {
  run_.envelope.requiretls = true;
  Deliver();  // verified, but REQUIRETLS not offered
  EXPECT_EQ(Outcome().kind, QueueOutcomeKind::kFailed);
  EXPECT_EQ(Outcome().reply, "550 5.7.10 REQUIRETLS: the smarthost does not offer REQUIRETLS");
  EXPECT_EQ(host_.data, "");

  host_ = Fresh();
  host_.extensions = "250-STARTTLS\r\n250 REQUIRETLS\r\n";
  Deliver();
  EXPECT_EQ(Outcome().kind, QueueOutcomeKind::kDelivered) << Outcome().reply;
  EXPECT_EQ(host_.commands.at(3), "MAIL FROM:<alice@example.test> REQUIRETLS");

  host_ = Fresh();
  host_.extensions = "250-STARTTLS\r\n250 REQUIRETLS\r\n";
  run_.options.tls_context = Client(ca_.ca(), false);
  Deliver();  // TLS, but the certificate not verified
  EXPECT_EQ(Outcome().kind, QueueOutcomeKind::kFailed);
  EXPECT_NE(Outcome().reply.find("5.7.10"), std::string::npos);
}

TEST(TlsClientContextTest, AMissingOrEmptyCaFileIsAConfigError) {
  TlsClientSpec spec;
  spec.where = "ringmail.toml: [queue]";
  spec.ca_file = "/nonexistent/ca.pem";
  auto made = TlsClientContext::Create(spec);
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error().code, ErrorCode::kConfig);
  EXPECT_EQ(made.error().message,
            "ringmail.toml: [queue]: /nonexistent/ca.pem: No such file or directory");
  spec.ca_file = "/dev/null";
  EXPECT_FALSE(TlsClientContext::Create(spec).has_value());
  spec.ca_file = kSystemCaFile;  // the system's bundle loads
  auto system = TlsClientContext::Create(spec);
  EXPECT_TRUE(system.has_value()) << system.error().message;
}

}  // namespace
}  // namespace ringmail::testing
