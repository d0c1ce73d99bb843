// Who may send what where: the open-relay suite, submission (AUTH, sender checks, added
// headers, the outbound queue), the relay listener's networks, and LMTP's per-recipient
// replies.
#include <gtest/gtest.h>

#include "base/encoding.h"
#include "directory/memory_directory.h"
#include "session_test_util.h"

namespace ringmail::smtp::testing {
namespace {

const char kMessage[] = "From: x@remote.test\r\nSubject: hello\r\n\r\nbody line\r\n";

Task<void> NoOpenRelay(SmtpSessionTest* t) {
  const bool populated = co_await t->Populate();
  CO_ASSERT_TRUE(populated);
  for (ListenerKind kind : {ListenerKind::kMx, ListenerKind::kRelay}) {
    Client c(&t->services_, t->Config(kind));
    (void)co_await c.Start();
    co_await c.Expect("EHLO c\r\nMAIL FROM:<x@remote.test>\r\n", "250 2.1.0");
    co_await c.Expect("RCPT TO:<victim@foreign.test>\r\n", "550 5.7.1 Relaying denied");
    co_await c.Expect("RCPT TO:<victim%foreign.test@example.test>\r\n", "550 5.1.1");
    co_await c.Expect("RCPT TO:<@example.test:victim@foreign.test>\r\n", "550 5.7.1");
    co_await c.Expect("RCPT TO:<@example.test,@other.test:victim@foreign.test>\r\n", "550 5.7.1");
    co_await c.Expect("RCPT TO:<\"victim@foreign.test\"@example.test>\r\n", "550 5.1.1");
    co_await c.Expect("RCPT TO:<foreign.test!victim@example.test>\r\n", "550 5.1.1");
    co_await c.Expect("RCPT TO:<victim@foreign.test@example.test>\r\n", "553 5.1.3");
    co_await c.Expect("RCPT TO:<victim@[192.0.2.1]>\r\n", "553");
    co_await c.Expect("RCPT TO:<victim@example.test.>\r\n", "553");
    co_await c.Expect("DATA\r\n", "554 5.5.1 No valid recipients");
  }
  {  // Submission without AUTH: nothing at all.
    Client c(&t->services_, t->Config(ListenerKind::kSubmission));
    (void)co_await c.Start();
    co_await c.Expect("EHLO c\r\nMAIL FROM:<alice@example.test>\r\n", "530 5.7.0");
    co_await c.Expect("RCPT TO:<victim@foreign.test>\r\n", "503 5.5.1");
  }
  EXPECT_TRUE(t->outbound_.messages.empty());
}
TEST_F(SmtpSessionTest, NoOpenRelay) { RunOnReactor(NoOpenRelay(this)); }

Task<void> SubmissionAuth(SmtpSessionTest* t) {
  const bool populated = co_await t->Populate();
  CO_ASSERT_TRUE(populated);
  Client c(&t->services_, t->Config(ListenerKind::kSubmission));
  (void)co_await c.Start();
  co_await c.Expect("EHLO c\r\n", "250-AUTH SCRAM-SHA-256 PLAIN LOGIN");
  co_await c.ExpectEq("AUTH PLAIN " + Base64(std::string("\0alice\0wrong", 12)) + "\r\n",
                      "535 5.7.8 Authentication credentials invalid\r\n");
  co_await c.ExpectEq("AUTH CRAM-MD5\r\n", "504 5.5.4 Unrecognized authentication type\r\n");
  co_await c.ExpectEq("AUTH LOGIN\r\n", "334 VXNlcm5hbWU6\r\n");
  co_await c.ExpectEq("*\r\n", "501 5.0.0 Authentication cancelled\r\n");
  co_await c.ExpectEq("AUTH PLAIN\r\n", "334 \r\n");
  co_await c.ExpectEq(Base64(std::string("\0alice\0alice-pw", 15)) + "\r\n",
                      "235 2.7.0 Authentication successful\r\n");
  co_await c.Expect("AUTH PLAIN\r\n", "503 5.5.1 Already authenticated");
  co_await c.Expect("MAIL FROM:<bob@example.test>\r\n", "553 5.7.1");
  co_await c.Expect("MAIL FROM:<>\r\n", "553 5.7.1");
  co_await c.Expect("MAIL FROM:<alice+lists@example.test>\r\n", "250 2.1.0");
  co_await c.Expect("RSET\r\nMAIL FROM:<ali@example.test> RET=HDRS ENVID=e1\r\n", "250 2.1.0");
  co_await c.Expect("RCPT TO:<bob@example.test>\r\n", "250 2.1.5");
  co_await c.Expect("RCPT TO:<friend@remote.test> NOTIFY=SUCCESS,FAILURE\r\n", "250 2.1.5");
  co_await c.Expect("DATA\r\n", "354");
  // From: someone else's address.
  co_await c.Expect("From: bob@example.test\r\n\r\nhi\r\n.\r\n", "550 5.7.1");
  co_await c.Expect("MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\n",
                    "250 2.1.5");
  co_await c.Expect("RCPT TO:<friend@remote.test>\r\nDATA\r\n", "354");
  co_await c.ExpectEq("From: Alice <alice@example.test>\r\nSubject: s\r\n\r\nhi\r\n.\r\n",
                      "250 2.0.0 Message accepted for delivery\r\n");
  std::vector<std::string> inbox = co_await t->ExpectInbox("bob", 1);
  CO_ASSERT_TRUE(inbox.size() == 1);
  EXPECT_HAS(inbox[0], " with ESMTPA id ");
  EXPECT_HAS(inbox[0], "\r\nSubject: s\r\nDate: ");
  EXPECT_HAS(inbox[0], "\r\nMessage-ID: <");
  EXPECT_HAS(inbox[0], "@mx.example.test>\r\n\r\nhi\r\n");
  CO_ASSERT_TRUE(t->outbound_.messages.size() == 1);
  const OutboundMessage& queued = t->outbound_.messages[0];
  EXPECT_EQ(queued.sender, "alice@example.test");
  CO_ASSERT_TRUE(queued.recipients.size() == 1);
  EXPECT_EQ(queued.recipients[0].address, "friend@remote.test");
  EXPECT_EQ(queued.authenticated_as, "alice");
  EXPECT_TRUE(queued.message.starts_with("Received: from c")) << queued.message;
  EXPECT_LACKS(queued.message, "Return-Path");
  EXPECT_HAS(queued.message, "\r\nMessage-ID: <");
  // One transaction, one trace id in both copies.
  const size_t id_at = inbox[0].find(" id ");
  CO_ASSERT_TRUE(id_at != std::string::npos);
  EXPECT_HAS(queued.message, inbox[0].substr(id_at, 4 + 16));
  // DSN parameters reach the queue.
  co_await c.Expect("MAIL FROM:<alice@example.test> RET=FULL ENVID=abc+2B\r\n", "250");
  co_await c.Expect("RCPT TO:<x@remote.test> NOTIFY=DELAY ORCPT=rfc822;x+40remote.test\r\n", "250");
  co_await c.Expect("DATA\r\n", "354");
  co_await c.Expect(std::string("From: alice@example.test\r\n\r\n.\r\n"), "250 2.0.0");
  CO_ASSERT_TRUE(t->outbound_.messages.size() == 2);
  const OutboundMessage& dsn = t->outbound_.messages[1];
  EXPECT_EQ(dsn.envid, "abc+");
  EXPECT_TRUE(dsn.return_full);
  EXPECT_EQ(dsn.recipients[0].notify, ::ringmail::kNotifyDelay);
  EXPECT_EQ(dsn.recipients[0].orcpt, "rfc822;x+40remote.test");
}
TEST_F(SmtpSessionTest, SubmissionAuthSendersAndQueue) { RunOnReactor(SubmissionAuth(this)); }

Task<void> SubmissionWithoutQueue(SmtpSessionTest* t) {
  const bool populated = co_await t->Populate();
  CO_ASSERT_TRUE(populated);
  t->services_.outbound = nullptr;
  SessionConfig config = t->Config(ListenerKind::kSubmission);
  config.must_match_sender = false;
  Client c(&t->services_, config);
  (void)co_await c.Start();
  co_await c.Expect("EHLO c\r\nAUTH PLAIN " + Base64(std::string("\0bob\0bob-pw", 11)) + "\r\n",
                    "235");
  co_await c.Expect("MAIL FROM:<anyone@else.test>\r\n", "250 2.1.0");  // not checked
  co_await c.Expect("RCPT TO:<friend@remote.test>\r\n",
                    "451 4.3.0 Remote delivery is not configured");
  // A message that is all header (no empty line) gets Date and Message-ID at its end.
  co_await c.Expect("RCPT TO:<alice@example.test>\r\nDATA\r\n", "354");
  co_await c.Expect("Subject: no body\r\n.\r\n", "250 2.0.0");
  std::vector<std::string> inbox = co_await t->ExpectInbox("alice", 1);
  CO_ASSERT_TRUE(inbox.size() == 1);
  EXPECT_HAS(inbox[0], "\r\nSubject: no body\r\nDate: ");
  EXPECT_TRUE(inbox[0].ends_with("@mx.example.test>\r\n")) << inbox[0];
}
TEST_F(SmtpSessionTest, SubmissionWithoutQueue) { RunOnReactor(SubmissionWithoutQueue(this)); }

Task<void> RelayNetworks(SmtpSessionTest* t) {
  const bool populated = co_await t->Populate();
  CO_ASSERT_TRUE(populated);
  {
    Client c(&t->services_, t->Config(ListenerKind::kRelay), "192.0.2.7:1234");
    const std::string greeting = co_await c.Start();
    EXPECT_EQ(greeting, "554 5.7.1 Relay access from your network denied\r\n");
    EXPECT_TRUE(c.ended());
  }
  Client c(&t->services_, t->Config(ListenerKind::kRelay), "10.1.2.3:1234");
  const std::string greeting = co_await c.Start();
  EXPECT_HAS(greeting, "220 ");
  co_await c.Expect("EHLO frontend\r\nMAIL FROM:<x@remote.test>\r\nRCPT TO:<bob@example.test>\r\n",
                    "250 2.1.5");
  co_await c.Expect("DATA\r\n", "354");
  co_await c.Expect(std::string(kMessage) + ".\r\n", "250 2.0.0");
  std::vector<std::string> inbox = co_await t->ExpectInbox("bob", 1);
  CO_ASSERT_TRUE(inbox.size() == 1);
  EXPECT_HAS(inbox[0], "Received: from frontend ([10.1.2.3])");
}
TEST_F(SmtpSessionTest, RelayNetworks) { RunOnReactor(RelayNetworks(this)); }

Task<void> Lmtp(SmtpSessionTest* t) {
  const bool populated = co_await t->Populate();
  CO_ASSERT_TRUE(populated);
  Client c(&t->services_, t->Config(ListenerKind::kLmtp));
  const std::string greeting = co_await c.Start();
  EXPECT_EQ(greeting, "220 mx.example.test LMTP ringmail ready\r\n");
  co_await c.Expect("EHLO c\r\n", "500 5.5.1");
  co_await c.Expect("MAIL FROM:<x@remote.test>\r\n", "503 5.5.1 Send LHLO first");
  co_await c.Expect("LHLO frontend\r\n", "250 DSN");
  co_await c.Expect(
      "MAIL FROM:<x@remote.test>\r\nRCPT TO:<alice@example.test>\r\n"
      "RCPT TO:<nobody@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n",
      "354");
  co_await c.ExpectEq(std::string(kMessage) + ".\r\n",
                      "250 2.0.0 <alice@example.test> Message accepted for delivery\r\n"
                      "250 2.0.0 <bob@example.test> Message accepted for delivery\r\n");
  std::vector<std::string> inbox = co_await t->ExpectInbox("alice", 1);
  CO_ASSERT_TRUE(inbox.size() == 1);
  EXPECT_HAS(inbox[0], " with LMTP id ");
  (void)co_await t->ExpectInbox("bob", 1);
  // A store outage: every recipient gets its 451.
  t->blobs_switch_->down = true;
  co_await c.Expect(
      "MAIL FROM:<x@remote.test>\r\nRCPT TO:<alice@example.test>\r\n"
      "RCPT TO:<bob@example.test>\r\nBDAT 4 LAST\r\nHi\r\n",
      "451 4.3.0 <alice@example.test> Temporary failure, please try again later\r\n"
      "451 4.3.0 <bob@example.test> Temporary");
  (void)co_await t->ExpectInbox("alice", 1);
}
TEST_F(SmtpSessionTest, LmtpRepliesPerRecipient) { RunOnReactor(Lmtp(this)); }

Task<void> GroupsExpand(SmtpSessionTest* t) {
  const bool populated = co_await t->Populate();
  CO_ASSERT_TRUE(populated);
  AccountRecord team;
  team.name = "team";
  team.type = "group";
  team.emails.push_back("team@example.test");
  Result<AccountRecord> created = co_await t->services_.metadata->CreateAccount(std::move(team));
  CO_ASSERT_TRUE(created.has_value());
  for (const char* member : {"alice", "bob"}) {
    AccountUpdate update;
    update.name = member;
    update.member_of = std::vector<std::string>(1, "team");
    Result<AccountRecord> updated =
        co_await t->services_.metadata->UpdateAccount(std::move(update));
    CO_ASSERT_TRUE(updated.has_value());
  }
  Client c(&t->services_, t->Config(ListenerKind::kMx));
  (void)co_await c.Start();
  co_await c.Expect(
      "EHLO c\r\nMAIL FROM:<x@remote.test>\r\nRCPT TO:<team@example.test>\r\n"
      "RCPT TO:<alice@example.test>\r\nDATA\r\n",
      "354");
  co_await c.Expect(std::string(kMessage) + ".\r\n", "250 2.0.0");
  (void)co_await t->ExpectInbox("alice", 1);  // the group and herself: one copy
  (void)co_await t->ExpectInbox("bob", 1);
}
TEST_F(SmtpSessionTest, GroupsExpandToTheirMembers) { RunOnReactor(GroupsExpand(this)); }

// A directory that is not the metadata store's own (memory, sql): its principals get an
// account, with an INBOX, on their first delivery.
Task<void> AccountOnFirstDelivery(SmtpSessionTest* t, Directory* directory) {
  t->services_.directory = directory;
  Client c(&t->services_, t->Config(ListenerKind::kMx));
  (void)co_await c.Start();
  co_await c.Expect(
      "EHLO c\r\nMAIL FROM:<x@remote.test>\r\nRCPT TO:<dora@memory.test>\r\n"
      "DATA\r\n",
      "354");
  co_await c.Expect(std::string(kMessage) + ".\r\n", "250 2.0.0");
  (void)co_await t->ExpectInbox("dora", 1);
}
TEST_F(SmtpSessionTest, AccountOnFirstDelivery) {
  MemoryPrincipalConfig dora;
  dora.name = "dora";
  dora.type = "individual";
  dora.emails.push_back("dora@memory.test");
  Result<std::unique_ptr<MemoryDirectory>> directory =
      MemoryDirectory::Create(std::vector<MemoryPrincipalConfig>(1, dora), {});
  ASSERT_TRUE(directory.has_value()) << directory.error().ToString();
  RunOnReactor(AccountOnFirstDelivery(this, directory->get()));
}

}  // namespace
}  // namespace ringmail::smtp::testing
