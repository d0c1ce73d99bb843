// STARTTLS in the SMTP session (RFC 3207) over a FakeUpgrader: EHLO before and after,
// pipelined commands behind STARTTLS discarded (never run), the state reset (EHLO required
// again, no transaction kept), submission's AUTH only over TLS, the Received header's TLS
// words and comment, REQUIRETLS only over TLS, and the refusals (parameters, not offered,
// already encrypted, failed handshake).
#include <gtest/gtest.h>

#include "base/encoding.h"
#include "session_test_util.h"

namespace ringmail::smtp::testing {
namespace {

const char kReady[] = "220 2.0.0 Ready to start TLS\r\n";
const char kMessage[] = "From: Alice <alice@example.test>\r\nSubject: s\r\n\r\nhi\r\n.\r\n";

std::string AlicePlain() {
  return "AUTH PLAIN " + Base64(std::string("\0alice\0alice-pw", 15)) + "\r\n";
}

Task<void> EhloBeforeAndAfter(SmtpSessionTest* t) {
  const bool populated = co_await t->Populate();
  CO_ASSERT_TRUE(populated);
  Client c(&t->services_, t->Config(ListenerKind::kMx), "127.0.0.1:40000", /*starttls=*/true);
  (void)co_await c.Start();
  std::string out = co_await c.Say("EHLO client.test\r\n");
  EXPECT_HAS(out, "250-STARTTLS\r\n");
  EXPECT_LACKS(out, "REQUIRETLS");
  // REQUIRETLS is not offered in clear, so its parameter is unknown (RFC 8689 §4.1).
  co_await c.Expect("MAIL FROM:<x@remote.test> REQUIRETLS\r\n", "555 5.5.4");
  co_await c.Expect("MAIL FROM:<x@remote.test>\r\n", "250 2.1.0");
  co_await c.Expect("STARTTLS now\r\n", "501 5.5.4");  // no parameters
  co_await c.ExpectEq("STARTTLS\r\n", kReady);
  ScriptStream& tls = c.upgrader()->tls();
  EXPECT_EQ(c.upgrader()->unflushed_at_upgrade(), 0u);
  EXPECT_EQ(tls.TakeOutput(), "");  // no second greeting (RFC 3207 §4.2)
  // Everything before the handshake is forgotten: the EHLO name and the transaction.
  EXPECT_EQ(co_await tls.Exchange("MAIL FROM:<x@remote.test>\r\n"),
            "503 5.5.1 Send EHLO/HELO first\r\n");
  out = co_await tls.Exchange("EHLO client.test\r\n");
  EXPECT_LACKS(out, "STARTTLS");
  EXPECT_HAS(out, "250-REQUIRETLS\r\n");
  EXPECT_EQ(co_await tls.Exchange("RCPT TO:<alice@example.test>\r\n"),
            "503 5.5.1 Need MAIL command\r\n");
  EXPECT_EQ(co_await tls.Exchange("STARTTLS\r\n"), "503 5.5.1 TLS already active\r\n");
  EXPECT_EQ(c.upgrader()->upgrades(), 1);
  EXPECT_EQ(co_await tls.Exchange("MAIL FROM:<x@remote.test> REQUIRETLS\r\n"),
            "250 2.1.0 Sender OK\r\n");
  (void)co_await tls.Exchange("RCPT TO:<alice@example.test>\r\nDATA\r\n");
  EXPECT_EQ(co_await tls.Exchange("Subject: x\r\n\r\nbody\r\n.\r\n"),
            "250 2.0.0 Message accepted for delivery\r\n");
  std::vector<std::string> inbox = co_await t->ExpectInbox("alice", 1);
  CO_ASSERT_TRUE(inbox.size() == 1);
  EXPECT_HAS(inbox[0],
             "Received: from client.test ([127.0.0.1])\r\n\t(using TLS1.3 "
             "TLS_AES_128_GCM_SHA256)\r\n\tby mx.example.test (ringmail) with ESMTPS id ");
}
TEST_F(SmtpSessionTest, StartTlsEhloBeforeAndAfter) { RunOnReactor(EhloBeforeAndAfter(this)); }

Task<void> DiscardsPipelinedCommands(SmtpSessionTest* t) {
  const bool populated = co_await t->Populate();
  CO_ASSERT_TRUE(populated);
  Client c(&t->services_, t->Config(ListenerKind::kMx), "127.0.0.1:40000", /*starttls=*/true);
  (void)co_await c.Start();
  // A man in the middle appends commands behind the client's STARTTLS (CVE-2011-0411).
  std::string out = co_await c.Say(
      "EHLO client.test\r\nSTARTTLS\r\nNOOP\r\nEHLO evil.test\r\nMAIL FROM:<x@remote.test>\r\n");
  EXPECT_TRUE(out.ends_with(std::string("250 DSN\r\n") + kReady)) << out;
  EXPECT_EQ(c.upgrader()->unconsumed_at_upgrade(), 0u);
  ScriptStream& tls = c.upgrader()->tls();
  EXPECT_EQ(tls.TakeOutput(), "");  // nothing answered: none of them ran
  EXPECT_EQ(co_await tls.Exchange("RCPT TO:<alice@example.test>\r\n"),
            "503 5.5.1 Send EHLO/HELO first\r\n");
  co_await tls.Exchange("EHLO client.test\r\n");
  EXPECT_EQ(co_await tls.Exchange("RCPT TO:<alice@example.test>\r\n"),
            "503 5.5.1 Need MAIL command\r\n");
}
TEST_F(SmtpSessionTest, StartTlsDiscardsPipelinedCommands) {
  RunOnReactor(DiscardsPipelinedCommands(this));
}

Task<void> SubmissionAuthOnlyOverTls(SmtpSessionTest* t) {
  const bool populated = co_await t->Populate();
  CO_ASSERT_TRUE(populated);
  Client c(&t->services_, t->Config(ListenerKind::kSubmission), "127.0.0.1:40000",
           /*starttls=*/true);
  (void)co_await c.Start();
  std::string out = co_await c.Say("EHLO client.test\r\n");
  EXPECT_HAS(out, "250-STARTTLS\r\n");
  EXPECT_LACKS(out, "AUTH");  // loopback, yet no mechanism before TLS
  co_await c.ExpectEq(AlicePlain(),
                      "538 5.7.11 Encryption required for requested authentication mechanism\r\n");
  co_await c.ExpectEq("MAIL FROM:<alice@example.test>\r\n",
                      "530 5.7.0 Must issue a STARTTLS command first\r\n");
  co_await c.Expect("MAIL FROM:<alice@example.test> AUTH=<>\r\n", "555 5.5.4");
  co_await c.ExpectEq("STARTTLS\r\n", kReady);
  ScriptStream& tls = c.upgrader()->tls();
  out = co_await tls.Exchange("EHLO client.test\r\n");
  EXPECT_HAS(out, "250-AUTH SCRAM-SHA-256 PLAIN LOGIN\r\n");
  EXPECT_EQ(co_await tls.Exchange(AlicePlain()), "235 2.7.0 Authentication successful\r\n");
  (void)co_await tls.Exchange("MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\n");
  EXPECT_EQ(co_await tls.Exchange("DATA\r\n"), "354 End data with <CR><LF>.<CR><LF>\r\n");
  EXPECT_EQ(co_await tls.Exchange(kMessage), "250 2.0.0 Message accepted for delivery\r\n");
  std::vector<std::string> inbox = co_await t->ExpectInbox("bob", 1);
  CO_ASSERT_TRUE(inbox.size() == 1);
  EXPECT_HAS(inbox[0], "\t(using TLS1.3 TLS_AES_128_GCM_SHA256)\r\n");
  EXPECT_HAS(inbox[0], " with ESMTPSA id ");
}
TEST_F(SmtpSessionTest, StartTlsSubmissionAuthOnlyOverTls) {
  RunOnReactor(SubmissionAuthOnlyOverTls(this));
}

Task<void> FailedHandshakeEndsSession(SmtpSessionTest* t) {
  Client c(&t->services_, t->Config(ListenerKind::kMx), "127.0.0.1:40000", /*starttls=*/true);
  (void)co_await c.Start();
  c.upgrader()->fail();
  std::string out = co_await c.Say("EHLO client.test\r\nSTARTTLS\r\n");
  EXPECT_TRUE(out.ends_with(kReady)) << out;
  EXPECT_TRUE(c.ended());
  EXPECT_EQ(c.upgrader()->tls().TakeOutput(), "");
}
TEST_F(SmtpSessionTest, StartTlsFailedHandshakeEndsSession) {
  RunOnReactor(FailedHandshakeEndsSession(this));
}

Task<void> NotOfferedOrImplicit(SmtpSessionTest* t) {
  {  // No TLS on the listener: as before.
    Client c(&t->services_, t->Config(ListenerKind::kSubmission));
    (void)co_await c.Start();
    std::string out = co_await c.Say("EHLO client.test\r\n");
    EXPECT_LACKS(out, "STARTTLS");
    EXPECT_HAS(out, "250-AUTH ");
    co_await c.ExpectEq("STARTTLS\r\n", "502 5.5.1 STARTTLS not available\r\n");
  }
  {  // Implicit TLS: encrypted from the start.
    Client c(&t->services_, t->Config(ListenerKind::kSubmission));
    c.stream().set_encrypted(true);
    (void)co_await c.Start();
    std::string out = co_await c.Say("EHLO client.test\r\n");
    EXPECT_LACKS(out, "STARTTLS");
    EXPECT_HAS(out, "250-REQUIRETLS\r\n");
    co_await c.ExpectEq("STARTTLS\r\n", "503 5.5.1 TLS already active\r\n");
  }
}
TEST_F(SmtpSessionTest, StartTlsNotOfferedOrImplicit) { RunOnReactor(NotOfferedOrImplicit(this)); }

}  // namespace
}  // namespace ringmail::smtp::testing
