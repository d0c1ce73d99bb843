// The SMTP session's commands and extensions over a real store: greeting, EHLO, the simple
// commands, sequence errors, MX delivery with trace headers, pipelining, BDAT, SIZE, the RCPT
// outcomes, and the connection defences.
#include <gtest/gtest.h>

#include "session_test_util.h"

namespace ringmail::smtp::testing {
namespace {

const char kMessage[] = "From: x@remote.test\r\nSubject: hello\r\n\r\nbody line\r\n";

Task<void> Commands(SmtpSessionTest* t) {
  const bool populated = co_await t->Populate();
  CO_ASSERT_TRUE(populated);
  Client c(&t->services_, t->Config(ListenerKind::kMx));
  std::string out = co_await c.Start();
  EXPECT_EQ(out, "220 mx.example.test ESMTP ringmail ready\r\n");
  out = co_await c.Say("MAIL FROM:<x@remote.test>\r\n");
  EXPECT_EQ(out, "503 5.5.1 Send EHLO/HELO first\r\n");
  out = co_await c.Say("EHLO client.test\r\n");
  EXPECT_HAS(out, "250-mx.example.test Hello client.test\r\n");
  for (const char* ext : {"PIPELINING", "SIZE 52428800", "8BITMIME", "SMTPUTF8",
                          "ENHANCEDSTATUSCODES", "CHUNKING", "DSN"}) {
    EXPECT_HAS(out, ext);
  }
  EXPECT_LACKS(out, "AUTH");      // not on MX
  EXPECT_LACKS(out, "STARTTLS");  // not yet
  co_await c.ExpectEq("HELO client.test\r\n", "250 mx.example.test\r\n");
  co_await c.ExpectEq("NOOP\r\n", "250 2.0.0 OK\r\n");
  co_await c.ExpectEq("RSET\r\n", "250 2.0.0 Reset state\r\n");
  co_await c.Expect("HELP\r\n", "214 2.0.0");
  co_await c.Expect("VRFY alice\r\n", "252 2.5.0");
  co_await c.Expect("EXPN list\r\n", "502 5.5.1");
  co_await c.Expect("STARTTLS\r\n", "502 5.5.1");
  co_await c.Expect("AUTH PLAIN\r\n", "502 5.5.1");
  co_await c.Expect("LHLO x\r\n", "500 5.5.1");
  co_await c.Expect("FOO\r\n", "500 5.5.1");
  co_await c.Expect("RCPT TO:<alice@example.test>\r\n", "503 5.5.1 Need MAIL");
  co_await c.Expect("DATA\r\n", "503 5.5.1 Need MAIL");
  co_await c.Expect("MAIL FROM:<x@remote.test>\r\n", "250 2.1.0");
  co_await c.Expect("MAIL FROM:<x@remote.test>\r\n", "503 5.5.1 Nested MAIL");
  co_await c.Expect("DATA\r\n", "554 5.5.1 No valid recipients");
  co_await c.ExpectEq("QUIT\r\n", "221 2.0.0 Bye\r\n");
  EXPECT_TRUE(c.ended());
}
TEST_F(SmtpSessionTest, Commands) { RunOnReactor(Commands(this)); }

Task<void> DeliversWithTraceHeaders(SmtpSessionTest* t) {
  const bool populated = co_await t->Populate();
  CO_ASSERT_TRUE(populated);
  Client c(&t->services_, t->Config(ListenerKind::kMx));
  (void)co_await c.Start();
  (void)co_await c.Say("EHLO client.test\r\n");
  co_await c.Expect("MAIL FROM:<x@remote.test> SIZE=100\r\n", "250 2.1.0");
  co_await c.Expect("RCPT TO:<Alice@Example.Test>\r\n", "250 2.1.5");
  EXPECT_EQ(c.stream().read_timeout_ms(), 300000u);  // waiting for a command
  co_await c.ExpectEq("DATA\r\n", "354 End data with <CR><LF>.<CR><LF>\r\n");
  EXPECT_EQ(c.stream().read_timeout_ms(), 180000u);  // waiting for the body
  std::string body = kMessage;
  co_await c.ExpectEq(body + "..dot\r\n.\r\n", "250 2.0.0 Message accepted for delivery\r\n");
  std::vector<std::string> inbox = co_await t->Inbox("alice");
  CO_ASSERT_TRUE(inbox.size() == 1);
  EXPECT_TRUE(
      inbox[0].starts_with("Return-Path: <x@remote.test>\r\nReceived: from client.test "
                           "([127.0.0.1])\r\n\tby mx.example.test (ringmail) with ESMTP id "))
      << inbox[0];
  EXPECT_HAS(inbox[0], "\tfor <Alice@example.test>; ");
  EXPECT_TRUE(inbox[0].ends_with(body + ".dot\r\n")) << inbox[0];
  EXPECT_LACKS(inbox[0], "Message-ID");  // only submission adds it
  // HELO gives the protocol word SMTP.
  (void)co_await c.Say("HELO old.test\r\nMAIL FROM:<>\r\nRCPT TO:<ali@example.test>\r\n");
  co_await c.Expect("DATA\r\n", "354");
  co_await c.Expect("Subject: x\r\n\r\n.\r\n", "250 2.0.0");
  inbox = co_await t->Inbox("alice");
  CO_ASSERT_TRUE(inbox.size() == 2);
  EXPECT_TRUE(inbox[1].starts_with("Return-Path: <>\r\nReceived: from old.test")) << inbox[1];
  EXPECT_HAS(inbox[1], " with SMTP id ");
}
TEST_F(SmtpSessionTest, DeliversWithTraceHeaders) { RunOnReactor(DeliversWithTraceHeaders(this)); }

Task<void> PipelinesAndStoresOneBlob(SmtpSessionTest* t) {
  const bool populated = co_await t->Populate();
  CO_ASSERT_TRUE(populated);
  Client c(&t->services_, t->Config(ListenerKind::kMx));
  (void)co_await c.Start();
  // One batch, one answer (RFC 2920): every reply up to the 354.
  std::string out = co_await c.Say(
      "EHLO client.test\r\nMAIL FROM:<x@remote.test>\r\nRCPT TO:<alice@example.test>\r\n"
      "RCPT TO:<nobody@example.test>\r\nRCPT TO:<bob@example.test>\r\n"
      "RCPT TO:<ali@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n");
  EXPECT_HAS(out, "250 DSN\r\n250 2.1.0 Sender OK\r\n250 2.1.5 Recipient OK\r\n550 5.1.1 ");
  EXPECT_TRUE(
      out.ends_with("250 2.1.5 Recipient OK\r\n250 2.1.5 Recipient OK\r\n"
                    "250 2.1.5 Recipient OK\r\n354 End data with <CR><LF>.<CR><LF>\r\n"))
      << out;
  out = co_await c.Say(std::string(kMessage) + ".\r\nQUIT\r\n");
  EXPECT_EQ(out, "250 2.0.0 Message accepted for delivery\r\n221 2.0.0 Bye\r\n");
  co_await t->ExpectInbox("alice", 1);  // alice and her alias: one copy
  co_await t->ExpectInbox("bob", 1);
  // Both INBOXes are announced to the sessions watching them.
  EXPECT_EQ(t->events_.changes.size(), 2u);
  for (const RecordingEvents::Change& change : t->events_.changes) EXPECT_GT(change.modseq, 0u);
}
TEST_F(SmtpSessionTest, PipelinesAndStoresOneBlob) {
  RunOnReactor(PipelinesAndStoresOneBlob(this));
  EXPECT_EQ(CountObjects(), 2u);  // "full"'s old message and this one, stored once
}

Task<void> Chunking(SmtpSessionTest* t) {
  const bool populated = co_await t->Populate();
  CO_ASSERT_TRUE(populated);
  Client c(&t->services_, t->Config(ListenerKind::kMx));
  (void)co_await c.Start();
  // Without a transaction the chunk is read and dropped, so its bytes are not commands.
  co_await c.ExpectEq("BDAT 6\r\nQUIT\r\n", "503 5.5.1 Send EHLO/HELO first\r\n");
  (void)co_await c.Say("EHLO client.test\r\n");
  std::string out = co_await c.Say(
      "MAIL FROM:<x@remote.test>\r\nRCPT TO:<alice@example.test>\r\nBDAT 19\r\nSubject: chunk"
      "s\r\n\r\nBDAT 8\r\n.\r\nDATA\r");
  EXPECT_EQ(out,
            "250 2.1.0 Sender OK\r\n250 2.1.5 Recipient OK\r\n250 2.0.0 19 octets received\r\n"
            "250 2.0.0 8 octets received\r\n");
  // The CR that ended the last chunk meets its LF in this one.
  out = co_await c.Say("BDAT 1 LAST\r\n\n");
  EXPECT_EQ(out, "250 2.0.0 Message accepted for delivery\r\n");
  std::vector<std::string> inbox = co_await t->Inbox("alice");
  CO_ASSERT_TRUE(inbox.size() == 1);
  EXPECT_TRUE(inbox[0].ends_with("\r\nSubject: chunks\r\n\r\n.\r\nDATA\r\n")) << inbox[0];
  // DATA after BDAT in one transaction is refused.
  out = co_await c.Say(
      "MAIL FROM:<x@remote.test>\r\nRCPT TO:<alice@example.test>\r\nBDAT 3\r\nabcDATA\r\n");
  EXPECT_HAS(out, "503 5.5.1 DATA not allowed after BDAT");
}
TEST_F(SmtpSessionTest, Chunking) { RunOnReactor(Chunking(this)); }

Task<void> SizeLimits(SmtpSessionTest* t) {
  const bool populated = co_await t->Populate();
  CO_ASSERT_TRUE(populated);
  SessionConfig config = t->Config(ListenerKind::kMx);
  config.limits.message_size_max = 40;
  Client c(&t->services_, config);
  (void)co_await c.Start();
  co_await c.Expect("EHLO c\r\n", "250-SIZE 40\r\n");
  co_await c.Expect("MAIL FROM:<x@remote.test> SIZE=41\r\n", "552 5.3.4");
  (void)co_await c.Say("MAIL FROM:<x@remote.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n");
  co_await c.Expect(std::string(100, 'a') + "\r\n.\r\n", "552 5.3.4");
  (void)co_await c.Say("MAIL FROM:<x@remote.test>\r\nRCPT TO:<alice@example.test>\r\n");
  co_await c.Expect("BDAT 50 LAST\r\n" + std::string(50, 'b'), "552 5.3.4");
  co_await t->ExpectInbox("alice", 0);
}
TEST_F(SmtpSessionTest, SizeLimits) { RunOnReactor(SizeLimits(this)); }

Task<void> RecipientOutcomes(SmtpSessionTest* t) {
  const bool populated = co_await t->Populate();
  CO_ASSERT_TRUE(populated);
  SessionConfig config = t->Config(ListenerKind::kMx);
  config.limits.recipients_max = 2;
  Client c(&t->services_, config);
  (void)co_await c.Start();
  (void)co_await c.Say("EHLO c\r\nMAIL FROM:<x@remote.test>\r\n");
  co_await c.Expect("RCPT TO:<nobody@example.test>\r\n", "550 5.1.1");
  co_await c.Expect("RCPT TO:<carol@example.test>\r\n", "550 5.2.1");
  co_await c.Expect("RCPT TO:<full@example.test>\r\n", "452 4.2.2");
  co_await c.Expect("RCPT TO:<alice+tag@example.test>\r\n", "250 2.1.5");
  co_await c.Expect("RCPT TO:<Postmaster>\r\n", "550 5.1.1");  // nobody has it here
  co_await c.Expect("RCPT TO:<bob@example.test> NOTIFY=NEVER\r\n", "250 2.1.5");
  co_await c.Expect("RCPT TO:<ali@example.test>\r\n", "452 4.5.3");
  co_await c.Expect("RCPT TO:<a\"b@example.test>\r\n", "501 5.5.4");
}
TEST_F(SmtpSessionTest, RecipientOutcomes) { RunOnReactor(RecipientOutcomes(this)); }

Task<void> Defences(SmtpSessionTest* t) {
  const bool populated = co_await t->Populate();
  CO_ASSERT_TRUE(populated);
  {  // An early talker is refused before the banner.
    Client c(&t->services_, t->Config(ListenerKind::kMx));
    c.stream().Send("EHLO hasty\r\n");
    const std::string greeting = co_await c.Start();
    EXPECT_EQ(greeting, "554 5.5.0 Protocol error: data sent before the greeting\r\n");
    EXPECT_TRUE(c.ended());
  }
  {  // Connections per source.
    SourceLimit limit(1);
    SessionConfig config = t->Config(ListenerKind::kMx);
    config.source_limit = &limit;
    Client first(&t->services_, config);
    const std::string first_greeting = co_await first.Start();
    EXPECT_HAS(first_greeting, "220 ");
    Client second(&t->services_, config);
    const std::string refused = co_await second.Start();
    EXPECT_EQ(refused, "421 4.7.0 Too many connections from your address, try again later\r\n");
    EXPECT_TRUE(second.ended());
    co_await first.ExpectEq("QUIT\r\n", "221 2.0.0 Bye\r\n");
    Client third(&t->services_, config);  // the first one's slot is free again
    const std::string greeting = co_await third.Start();
    EXPECT_HAS(greeting, "220 ");
    co_await third.ExpectEq("QUIT\r\n", "221 2.0.0 Bye\r\n");
  }
  {  // Messages per source per minute (MX, unauthenticated): the third MAIL gets 450.
    SourceRate rate(2, [] { return int64_t{1800000000}; });
    SessionConfig config = t->Config(ListenerKind::kMx);
    config.message_rate = &rate;
    Client c(&t->services_, config);
    (void)co_await c.Start();
    (void)co_await c.Say("EHLO c\r\n");
    co_await c.Expect("MAIL FROM:<x@remote.test>\r\n", "250 ");
    co_await c.Expect("RSET\r\n", "250 ");
    co_await c.Expect("MAIL FROM:<x@remote.test>\r\n", "250 ");
    co_await c.Expect("RSET\r\n", "250 ");
    co_await c.ExpectEq("MAIL FROM:<x@remote.test>\r\n",
                        "450 4.7.1 Too many messages from your address, try again later\r\n");
  }
  {  // Too many errors.
    SessionConfig config = t->Config(ListenerKind::kMx);
    config.limits.errors_max = 2;
    Client c(&t->services_, config);
    (void)co_await c.Start();
    std::string out = co_await c.Say("X\r\nY\r\nZ\r\nNOOP\r\n");
    EXPECT_TRUE(
        out.ends_with("500 5.5.1 Command unrecognized\r\n421 4.7.0 Too many errors, "
                      "closing connection\r\n"))
        << out;
    EXPECT_TRUE(c.ended());
  }
  {  // A bare LF in a command line ends the session (smuggling defence).
    Client c(&t->services_, t->Config(ListenerKind::kMx));
    (void)co_await c.Start();
    co_await c.Expect("EHLO c\nMAIL FROM:<x@remote.test>\r\n", "521 5.5.2");
    EXPECT_TRUE(c.ended());
  }
  {  // "\n.\n" does not end DATA, and the bare LF refuses the message at the real end.
    Client c(&t->services_, t->Config(ListenerKind::kMx));
    (void)co_await c.Start();
    (void)co_await c.Say("EHLO c\r\nMAIL FROM:<x@remote.test>\r\nRCPT TO:<bob@example.test>\r\n");
    co_await c.Expect("DATA\r\n", "354");
    co_await c.ExpectEq("a\n.\nMAIL FROM:<evil@remote.test>\r\n", "");
    co_await c.Expect(".\r\n", "550 5.6.0");
    co_await t->ExpectInbox("bob", 0);
  }
  {  // Mail loops.
    Client c(&t->services_, t->Config(ListenerKind::kMx));
    (void)co_await c.Start();
    (void)co_await c.Say("EHLO c\r\nMAIL FROM:<x@remote.test>\r\nRCPT TO:<bob@example.test>\r\n");
    std::string hops;
    for (int i = 0; i < 51; ++i) hops += "Received: from a by b; date\r\n";
    (void)co_await c.Say("DATA\r\n");
    co_await c.Expect(hops + "\r\nloop\r\n.\r\n", "554 5.4.6");
  }
  {  // The client goes away in the middle of the body: nothing is stored.
    Client c(&t->services_, t->Config(ListenerKind::kMx));
    (void)co_await c.Start();
    (void)co_await c.Say("EHLO c\r\nMAIL FROM:<x@remote.test>\r\nRCPT TO:<bob@example.test>\r\n");
    co_await c.Expect("DATA\r\n", "354");
    (void)co_await c.Say("Subject: cut\r\n\r\nhalf a message");
    c.stream().CloseInput();
    co_await c.stream().Idle();
    EXPECT_TRUE(c.ended());
    co_await t->ExpectInbox("bob", 0);
  }
  {  // Server shutdown.
    Client c(&t->services_, t->Config(ListenerKind::kMx));
    (void)co_await c.Start();
    c.stream().RequestShutdown();
    co_await c.stream().Idle();
    EXPECT_HAS(c.stream().TakeOutput(), "421 4.3.2");
  }
}
TEST_F(SmtpSessionTest, Defences) { RunOnReactor(Defences(this)); }

Task<void> StoreOutage(SmtpSessionTest* t) {
  const bool populated = co_await t->Populate();
  CO_ASSERT_TRUE(populated);
  Client c(&t->services_, t->Config(ListenerKind::kMx));
  (void)co_await c.Start();
  (void)co_await c.Say("EHLO c\r\nMAIL FROM:<x@remote.test>\r\nRCPT TO:<bob@example.test>\r\n");
  t->blobs_switch_->down = true;
  (void)co_await c.Say("DATA\r\n");
  co_await c.ExpectEq(std::string(kMessage) + ".\r\n",
                      "451 4.3.0 Temporary failure, please try again later\r\n");
  co_await t->ExpectInbox("bob", 0);
  // The same session works again once the store is back.
  t->blobs_switch_->down = false;
  (void)co_await c.Say("MAIL FROM:<x@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n");
  co_await c.Expect(std::string(kMessage) + ".\r\n", "250 2.0.0");
  co_await t->ExpectInbox("bob", 1);
}
TEST_F(SmtpSessionTest, StoreOutageIsTemporaryAndDeliversNothing) {
  RunOnReactor(StoreOutage(this));
}

}  // namespace
}  // namespace ringmail::smtp::testing
