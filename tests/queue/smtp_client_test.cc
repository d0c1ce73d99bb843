// The smarthost client's transaction, driven without a socket: the test plays the server on
// a ScriptStream and checks each command the client sends and each recipient's outcome.
#include "queue/smtp_client.h"

#include <gtest/gtest.h>

#include "mail/outbound.h"
#include "testing/run_on_reactor.h"
#include "testing/script_stream.h"

namespace ringmail::testing {
namespace {

struct Client {
  ScriptStream stream;
  SmtpClientOptions options;
  SmtpEnvelope envelope;
  std::string message = "Subject: x\r\n\r\n.dot\r\nend";
  std::vector<SmtpRecipientResult> results;
};

Task<void> RunClient(Client* c) {
  c->results = co_await RunSmtpTransaction(&c->stream, &c->options, &c->envelope, &c->message);
  c->stream.Ended();
}

SmtpEnvelope Envelope(std::vector<std::string> rcpts) {
  SmtpEnvelope e;
  e.sender = "alice@example.test";
  for (std::string& r : rcpts) {
    QueueRecipientRecord rec;
    rec.address = std::move(r);
    e.recipients.push_back(std::move(rec));
  }
  return e;
}

constexpr char kEhlo[] =
    "250-relay.test\r\n250-SIZE 1000\r\n250-DSN\r\n250-SMTPUTF8\r\n250 8BITMIME\r\n";

Task<void> FullTransaction(Client* c) {
  c->options.helo_name = "mx.test";
  c->envelope = Envelope({"bob@r.test", "rej@r.test"});
  c->envelope.envid = "E1";
  c->envelope.return_full = true;
  c->envelope.recipients[0].notify = kNotifyFailure | kNotifyDelay;
  c->envelope.recipients[0].orcpt = "rfc822;bob@r.test";
  Spawn(RunClient(c));
  EXPECT_EQ(co_await c->stream.Exchange("220 relay.test ESMTP\r\n"), "EHLO mx.test\r\n");
  EXPECT_EQ(co_await c->stream.Exchange(kEhlo),
            "MAIL FROM:<alice@example.test> SIZE=23 RET=FULL ENVID=E1\r\n");
  EXPECT_EQ(co_await c->stream.Exchange("250 ok\r\n"),
            "RCPT TO:<bob@r.test> NOTIFY=FAILURE,DELAY ORCPT=rfc822;bob@r.test\r\n");
  EXPECT_EQ(co_await c->stream.Exchange("250 ok\r\n"), "RCPT TO:<rej@r.test>\r\n");
  EXPECT_EQ(co_await c->stream.Exchange("550 5.1.1 no such user\r\n"), "DATA\r\n");
  EXPECT_EQ(co_await c->stream.Exchange("354 go\r\n"), "Subject: x\r\n\r\n..dot\r\nend\r\n.\r\n");
  EXPECT_EQ(co_await c->stream.Exchange("250 2.0.0 queued\r\n"), "QUIT\r\n");
  c->stream.Send("221 bye\r\n");
  co_await c->stream.Idle();
}

TEST(SmtpClientTest, DeliversWithDsnParametersAndPerRecipientOutcomes) {
  Client c;
  RunOnReactor(FullTransaction(&c));
  ASSERT_TRUE(c.stream.ended());
  ASSERT_EQ(c.results.size(), 2u);
  EXPECT_EQ(c.results[0].kind, QueueOutcomeKind::kDelivered);
  EXPECT_EQ(c.results[0].reply, "250 2.0.0 queued");
  EXPECT_EQ(c.results[1].kind, QueueOutcomeKind::kFailed);
  EXPECT_EQ(c.results[1].reply, "550 5.1.1 no such user");
}

Task<void> HeloAndMailRefused(Client* c) {
  c->envelope = Envelope({"bob@r.test"});
  Spawn(RunClient(c));
  EXPECT_EQ(co_await c->stream.Exchange("220 old\r\n"), "EHLO localhost\r\n");
  EXPECT_EQ(co_await c->stream.Exchange("502 what\r\n"), "HELO localhost\r\n");
  EXPECT_EQ(co_await c->stream.Exchange("250 hi\r\n"), "MAIL FROM:<alice@example.test>\r\n");
  co_await c->stream.Exchange("552 5.3.4 too big\r\n");
}

TEST(SmtpClientTest, FallsBackToHeloAndA5xxToMailFailsEveryone) {
  Client c;
  RunOnReactor(HeloAndMailRefused(&c));
  ASSERT_TRUE(c.stream.ended());
  ASSERT_EQ(c.results.size(), 1u);
  EXPECT_EQ(c.results[0].kind, QueueOutcomeKind::kFailed);
  EXPECT_EQ(c.results[0].reply, "552 5.3.4 too big");
}

Task<void> TemporaryAfterData(Client* c) {
  c->envelope = Envelope({"bob@r.test"});
  Spawn(RunClient(c));
  co_await c->stream.Exchange("220 x\r\n");
  co_await c->stream.Exchange("250 x\r\n");
  co_await c->stream.Exchange("250 ok\r\n");
  co_await c->stream.Exchange("250 ok\r\n");
  co_await c->stream.Exchange("354 go\r\n");
  co_await c->stream.Exchange("451-4.3.0 disk\r\n451 4.3.0 full\r\n");
  c->stream.CloseInput();
  co_await c->stream.Idle();
}

TEST(SmtpClientTest, A4xxAfterTheDataIsARetry) {
  Client c;
  RunOnReactor(TemporaryAfterData(&c));
  ASSERT_EQ(c.results.size(), 1u);
  EXPECT_EQ(c.results[0].kind, QueueOutcomeKind::kRetry);
  EXPECT_EQ(c.results[0].reply, "451 4.3.0 full");
}

Task<void> Malformed(Client* c, std::string greeting) {
  c->envelope = Envelope({"bob@r.test"});
  Spawn(RunClient(c));
  co_await c->stream.Exchange(std::move(greeting));
}

TEST(SmtpClientTest, AMalformedReplyOrAClosedConnectionIsARetry) {
  for (const char* bad : {"hello\r\n", "220-a\r\n250 b\r\n", "999 x\r\n"}) {
    Client c;
    RunOnReactor(Malformed(&c, bad));
    ASSERT_TRUE(c.stream.ended()) << bad;
    EXPECT_EQ(c.results[0].kind, QueueOutcomeKind::kRetry) << bad;
    EXPECT_EQ(c.results[0].reply, "smarthost: malformed reply from the smarthost") << bad;
  }
}

Task<void> NeedsUtf8(Client* c) {
  c->envelope = Envelope({"bob@r.test"});
  c->envelope.smtputf8 = true;
  Spawn(RunClient(c));
  co_await c->stream.Exchange("220 x\r\n");
  co_await c->stream.Exchange("250-x\r\n250 SIZE\r\n");
}

TEST(SmtpClientTest, SmtpUtf8MailFailsWhenTheSmarthostLacksIt) {
  Client c;
  RunOnReactor(NeedsUtf8(&c));
  ASSERT_TRUE(c.stream.ended());
  EXPECT_EQ(c.results[0].kind, QueueOutcomeKind::kFailed);
  EXPECT_NE(c.results[0].reply.find("5.6.7"), std::string::npos);
}

TEST(SmtpClientTest, DotStuffing) {
  EXPECT_EQ(DotStuff(".a\r\nb\r\n..c\r\n"), "..a\r\nb\r\n...c\r\n.\r\n");
  EXPECT_EQ(DotStuff("x"), "x\r\n.\r\n");
  EXPECT_EQ(DotStuff(""), "\r\n.\r\n");
}

}  // namespace
}  // namespace ringmail::testing
