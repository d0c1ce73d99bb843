// STARTTLS in the IMAP session (RFC 9051 §6.2.1) over a FakeUpgrader: capabilities before and
// after, no password before TLS, pipelined commands behind STARTTLS discarded (never run),
// STARTTLS refused when not offered or already encrypted, a failed handshake ends the session,
// and a listener without TLS keeps plaintext LOGIN on loopback.
#include "imap/session_test_util.h"

namespace ringmail::testing {
namespace {

constexpr const char* kOkTls = "OK Begin TLS negotiation now\r\n";

TEST_F(ImapSessionTest, StartTlsCapabilitiesBeforeAndAfter) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    ImapClient c(&t->services_, /*starttls=*/true);
    std::string greeting = co_await c.Start();
    EXPECT_TRUE(Has(greeting, " STARTTLS LOGINDISABLED]")) << greeting;
    EXPECT_FALSE(Has(greeting, "AUTH=")) << greeting;  // loopback, yet nothing before TLS
    std::string out = co_await c.Run("a1 CAPABILITY");
    EXPECT_TRUE(Has(out, "* CAPABILITY IMAP4rev1 IMAP4rev2 ")) << out;
    EXPECT_TRUE(Has(out, " STARTTLS LOGINDISABLED\r\n")) << out;
    EXPECT_FALSE(Has(out, "AUTH=")) << out;
    // The go-ahead carries no CAPABILITY code: it travels in clear, before the handshake.
    EXPECT_EQ(co_await c.Run("a2 STARTTLS"), std::string("a2 ") + kOkTls);
    FakeUpgrader& up = *c.upgrader();
    EXPECT_EQ(up.upgrades(), 1);
    EXPECT_EQ(up.unflushed_at_upgrade(), 0u);  // the OK went out before the handshake
    EXPECT_EQ(up.tls().TakeOutput(), "");      // nothing unsolicited: the client asks again
    out = co_await up.tls().Exchange("a3 CAPABILITY\r\n");
    EXPECT_TRUE(Has(out, " AUTH=PLAIN")) << out;
    EXPECT_FALSE(Has(out, "STARTTLS")) << out;
    EXPECT_FALSE(Has(out, "LOGINDISABLED")) << out;
    EXPECT_TRUE(Has(out, "a3 OK CAPABILITY completed\r\n")) << out;
    co_await c.Close();
  }(this));
}

TEST_F(ImapSessionTest, StartTlsNoPasswordBeforeTls) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    ImapClient c(&t->services_, /*starttls=*/true);
    co_await c.Start();
    EXPECT_EQ(co_await c.Run("a1 LOGIN alice alice-pw"),
              "a1 NO [PRIVACYREQUIRED] Use STARTTLS before logging in\r\n");
    EXPECT_EQ(co_await c.Run("a2 AUTHENTICATE PLAIN AGFsaWNlAGFsaWNlLXB3"),
              "a2 NO [PRIVACYREQUIRED] Use STARTTLS before authenticating\r\n");
    EXPECT_EQ(co_await c.Run("a3 AUTHENTICATE PLAIN"),  // refused before any challenge
              "a3 NO [PRIVACYREQUIRED] Use STARTTLS before authenticating\r\n");
    EXPECT_EQ(co_await c.Run("a4 SELECT INBOX"), "a4 BAD Log in first\r\n");
    (void)co_await c.Run("a5 STARTTLS");
    ScriptStream& tls = c.upgrader()->tls();
    std::string out = co_await tls.Exchange("b1 AUTHENTICATE PLAIN AGFsaWNlAGFsaWNlLXB3\r\n");
    EXPECT_TRUE(out.starts_with("b1 OK [CAPABILITY IMAP4rev1 ")) << out;
    out = co_await tls.Exchange("b2 SELECT INBOX\r\n");
    EXPECT_TRUE(Has(out, "b2 OK [READ-WRITE]")) << out;
    EXPECT_EQ(co_await tls.Exchange("b3 STARTTLS\r\n"), "b3 BAD Already authenticated\r\n");
    EXPECT_EQ(co_await tls.Exchange("b4 LOGOUT\r\n"),
              "* BYE Logging out\r\nb4 OK LOGOUT completed\r\n");
    EXPECT_TRUE(c.stream().ended());
  }(this));
}

TEST_F(ImapSessionTest, StartTlsDiscardsPipelinedCommands) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    ImapClient c(&t->services_, /*starttls=*/true);
    co_await c.Start();
    // A man in the middle appends a command behind the client's STARTTLS (CVE-2011-0411).
    std::string out = co_await c.Send("a1 STARTTLS\r\nb1 LOGIN alice alice-pw\r\nb2 NOOP\r\n");
    EXPECT_EQ(out, std::string("a1 ") + kOkTls);
    FakeUpgrader& up = *c.upgrader();
    EXPECT_EQ(up.unconsumed_at_upgrade(), 0u);  // gone before the handshake
    ScriptStream& tls = up.tls();
    EXPECT_EQ(tls.TakeOutput(), "");
    EXPECT_EQ(co_await tls.Exchange("a2 NOOP\r\n"), "a2 OK NOOP completed\r\n");
    EXPECT_EQ(co_await tls.Exchange("a3 SELECT INBOX\r\n"), "a3 BAD Log in first\r\n");
    co_await c.Close();
  }(this));
}

TEST_F(ImapSessionTest, StartTlsTwiceIsBad) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    ImapClient c(&t->services_, /*starttls=*/true);
    co_await c.Start();
    (void)co_await c.Run("a1 STARTTLS");
    EXPECT_EQ(co_await c.upgrader()->tls().Exchange("a2 STARTTLS\r\n"),
              "a2 BAD TLS is already active\r\n");
    EXPECT_EQ(c.upgrader()->upgrades(), 1);
    co_await c.Close();
  }(this));
}

TEST_F(ImapSessionTest, StartTlsFailedHandshakeEndsSession) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    ImapClient c(&t->services_, /*starttls=*/true);
    co_await c.Start();
    c.upgrader()->fail();
    EXPECT_EQ(co_await c.Run("a1 STARTTLS"), std::string("a1 ") + kOkTls);
    EXPECT_TRUE(c.stream().ended());
    EXPECT_EQ(c.upgrader()->tls().TakeOutput(), "");
  }(this));
}

TEST_F(ImapSessionTest, StartTlsNotOffered) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    // No TLS on the listener (the loopback embedded default): plaintext LOGIN as before.
    ImapClient plain(&t->services_);
    std::string greeting = co_await plain.Start();
    EXPECT_FALSE(Has(greeting, "STARTTLS")) << greeting;
    EXPECT_FALSE(Has(greeting, "LOGINDISABLED")) << greeting;
    EXPECT_EQ(co_await plain.Run("a1 STARTTLS"),
              "a1 NO STARTTLS is not available on this port\r\n");
    std::string out = co_await plain.Run("a2 LOGIN alice alice-pw");
    EXPECT_TRUE(out.starts_with("a2 OK ")) << out;
    co_await plain.Close();
    // Implicit TLS: encrypted from the start, nothing to upgrade (RFC 9051 §6.2.1: BAD).
    ImapClient implicit(&t->services_);
    implicit.stream().set_encrypted(true);
    greeting = co_await implicit.Start();
    EXPECT_FALSE(Has(greeting, "STARTTLS")) << greeting;
    EXPECT_TRUE(Has(greeting, "AUTH=PLAIN")) << greeting;
    EXPECT_EQ(co_await implicit.Run("b1 STARTTLS"), "b1 BAD TLS is already active\r\n");
    co_await implicit.Close();
  }(this));
}

}  // namespace
}  // namespace ringmail::testing
