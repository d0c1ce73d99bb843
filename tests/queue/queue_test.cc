// The outbound queue end to end below the daemon: OutboundQueue::Enqueue into a real SQLite
// store and blob directory, QueueRunner delivering through SmtpClient to a fake smarthost
// (tests/queue/fake_smarthost.py, a real TCP server), retries, bounces into the sender's
// INBOX, expiry, and two runners sharing the queue.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "directory/internal_directory.h"
#include "queue/outbound_queue.h"
#include "runtime/awaitables.h"
#include "store/metadata_conformance_bodies.h"
#include "store/stores_fixture.h"
#include "testing/launched_server.h"
#include "testing/run_on_reactor.h"

namespace ringmail::testing {
namespace {

using conformance::MakeAccount;

// The mailboxes the runner says changed (bounces placed in a local INBOX).
class RecordingEvents : public MailboxEvents {
 public:
  void Changed(int64_t account_id, int64_t mailbox_id, uint64_t) override {
    changes.push_back({account_id, mailbox_id});
  }
  std::vector<std::pair<int64_t, int64_t>> changes;
};

class QueueTest : public StoresFixture {
 protected:
  virtual std::vector<std::string> SmarthostArgs() const {
    return {"--user", "relay", "--password", "s3cret"};
  }
  void SetUp() override {
    StoresFixture::SetUp();
    outdir_ = dir_.path() + "/smarthost";
    std::filesystem::create_directories(outdir_);
    std::vector<std::string> argv = {"/usr/bin/python3",
                                     SourceDir() + "/tests/queue/fake_smarthost.py", outdir_};
    for (const std::string& a : SmarthostArgs()) argv.push_back(a);
    server_ = LaunchServer(argv, "smarthost port=", 10000, "fake smarthost");
    ASSERT_TRUE(server_.error.empty()) << server_.error;
    options_.hostname = "mx.ringmail.test";
    options_.smarthost.host = "127.0.0.1";
    options_.smarthost.port = server_.port;
    options_.smarthost.user = "relay";
    options_.smarthost.password = "s3cret";
    options_.smarthost.auth_without_tls = true;  // a plain loopback smarthost
    options_.smarthost.helo_name = "mx.ringmail.test";
    options_.clock = [this] { return now_; };
    options_.events = &events_;
    directory_ = std::make_unique<InternalDirectory>(metadata_.get());
    queue_ = std::make_unique<OutboundQueue>(metadata_.get(), blobs_.get(), &options_);
    runner_ = std::make_unique<QueueRunner>(metadata_.get(), blobs_.get(), queue_.get(),
                                            directory_.get(), &rules_, &options_, "node-a");
  }
  void TearDown() override {
    if (server_.pid > 0) {
      ::kill(-server_.pid, SIGKILL);
      ::waitpid(server_.pid, nullptr, 0);
    }
    StoresFixture::TearDown();
  }

 public:
  // The messages the smarthost accepted, in order.
  std::vector<std::string> Received() const {
    std::vector<std::string> out;
    for (int i = 1;; ++i) {
      std::ifstream f(outdir_ + "/" + std::to_string(i) + ".json");
      if (!f) break;
      std::stringstream s;
      s << f.rdbuf();
      out.push_back(s.str());
    }
    return out;
  }

  std::string outdir_;
  LaunchedServer server_;
  QueueOptions options_;
  RecipientRules rules_;
  RecordingEvents events_;
  int64_t now_ = 1800000000;
  std::unique_ptr<InternalDirectory> directory_;
  std::unique_ptr<OutboundQueue> queue_;
  std::unique_ptr<QueueRunner> runner_;
};

OutboundMessage Message(std::string sender, std::vector<std::string> rcpts) {
  OutboundMessage m;
  m.sender = std::move(sender);
  for (std::string& r : rcpts) m.recipients.push_back({std::move(r), 0, ""});
  m.message =
      "From: alice@ringmail.test\r\nTo: bob@remote.test\r\nSubject: queued\r\n\r\nhello\r\n"
      ".leading dot\r\n";
  return m;
}

std::vector<std::string> List(std::string a, std::string b = "") {
  std::vector<std::string> v{std::move(a)};
  if (!b.empty()) v.push_back(std::move(b));
  return v;
}

Task<void> DeliversAndRetries(QueueTest* t, MetadataStore* metadata) {
  CO_ASSERT_OK(queued, t->queue_->Enqueue(Message("alice@ringmail.test",
                                                  List("bob@remote.test", "once@remote.test"))));
  const size_t handled = co_await t->runner_->RunOnce();
  EXPECT_EQ(handled, 2u);
  CO_ASSERT_OK(list, metadata->ListQueue(0, 10));
  CO_ASSERT_TRUE(list->size() == 1 && (*list)[0].recipients.size() == 2);
  const QueueRecipientRecord& bob = (*list)[0].recipients[0];
  const QueueRecipientRecord& once = (*list)[0].recipients[1];
  EXPECT_EQ(bob.state, QueueRecipientState::kDelivered);
  EXPECT_EQ(once.state, QueueRecipientState::kPending);
  EXPECT_EQ(once.attempts, 1u);
  EXPECT_EQ(once.next_attempt_at, t->now_ + 60);
  EXPECT_NE(once.last_reply.find("451 4.2.0"), std::string::npos) << once.last_reply;
  // Not due yet; then due, delivered, and the message leaves the queue.
  const size_t none = co_await t->runner_->RunOnce();
  EXPECT_EQ(none, 0u);
  t->now_ += 60;
  const size_t again = co_await t->runner_->RunOnce();
  EXPECT_EQ(again, 1u);
  CO_ASSERT_OK(empty, metadata->ListQueue(0, 10));
  EXPECT_TRUE(empty->empty());
}

TEST_F(QueueTest, DeliversThroughTheSmarthostAndRetriesA4xx) {
  RunOnReactor(DeliversAndRetries(this, metadata_.get()));
  const std::vector<std::string> got = Received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_NE(got[0].find("\"auth\": \"relay\""), std::string::npos) << got[0];
  EXPECT_NE(got[0].find("<alice@ringmail.test> SIZE="), std::string::npos) << got[0];
  EXPECT_NE(got[0].find("EHLO mx.ringmail.test"), std::string::npos) << got[0];
  EXPECT_NE(got[0].find("\\r\\n.leading dot\\r\\n"), std::string::npos) << got[0];  // unstuffed
  EXPECT_NE(got[0].find("<bob@remote.test>"), std::string::npos);
  EXPECT_NE(got[1].find("<once@remote.test>"), std::string::npos);
}

// Records each attempt the runner reports, and whether its message was still queued then.
class RecordingObserver : public OutboundObserver {
 public:
  explicit RecordingObserver(MetadataStore* metadata) : metadata_(metadata) {}
  Task<void> Attempted(int64_t queue_id, std::vector<QueueOutcome> outcomes) override {
    Result<std::vector<QueuedMessageRecord>> queued = co_await metadata_->ListQueue(0, 10);
    const bool still = queued && std::any_of(queued->begin(), queued->end(),
                                             [&](const auto& m) { return m.id == queue_id; });
    attempts.push_back({queue_id, std::move(outcomes), still});
  }
  struct Attempt {
    int64_t queue_id;
    std::vector<QueueOutcome> outcomes;
    bool still_queued;
  };
  std::vector<Attempt> attempts;

 private:
  MetadataStore* metadata_;
};

Task<void> ObserverSeesEachAttempt(QueueTest* t, MetadataStore* metadata,
                                   RecordingObserver* observer) {
  CO_ASSERT_OK(id, t->queue_->Enqueue(Message("alice@ringmail.test",
                                              List("bob@remote.test", "once@remote.test"))));
  CO_ASSERT_OK(list, metadata->ListQueue(0, 10));
  CO_ASSERT_TRUE(list->size() == 1);
  EXPECT_EQ((*list)[0].id, *id);  // Enqueue tells the queue's id
  (void)co_await t->runner_->RunOnce();
  t->now_ += 60;
  (void)co_await t->runner_->RunOnce();
  CO_ASSERT_TRUE(observer->attempts.size() == 2);
  const auto& first = observer->attempts[0];
  EXPECT_EQ(first.queue_id, *id);
  EXPECT_TRUE(first.still_queued);
  CO_ASSERT_TRUE(first.outcomes.size() == 2);
  EXPECT_EQ(first.outcomes[0].kind, QueueOutcomeKind::kDelivered);
  EXPECT_EQ(first.outcomes[1].kind, QueueOutcomeKind::kRetry);
  EXPECT_NE(first.outcomes[1].reply.find("451 4.2.0"), std::string::npos);
  const auto& second = observer->attempts[1];
  // Told before the outcome is recorded: the message (leaving the queue now) is still there.
  EXPECT_TRUE(second.still_queued);
  CO_ASSERT_TRUE(second.outcomes.size() == 1);
  EXPECT_EQ(second.outcomes[0].address, "once@remote.test");
  EXPECT_EQ(second.outcomes[0].kind, QueueOutcomeKind::kDelivered);
  CO_ASSERT_OK(empty, metadata->ListQueue(0, 10));
  EXPECT_TRUE(empty->empty());
}

TEST_F(QueueTest, TheObserverIsToldEachAttemptBeforeItIsRecorded) {
  RecordingObserver observer(metadata_.get());
  options_.observer = &observer;
  RunOnReactor(ObserverSeesEachAttempt(this, metadata_.get(), &observer));
}

Task<void> RejectedBouncesToInbox(QueueTest* t, MetadataStore* metadata, BlobStore* blobs) {
  CO_ASSERT_OK(domain, metadata->CreateDomain("ringmail.test"));
  AccountRecord a;
  a.name = "alice";
  a.emails = {"alice@ringmail.test"};
  CO_ASSERT_OK(alice, metadata->CreateAccount(a));
  OutboundMessage m = Message("alice@ringmail.test", List("reject@remote.test", "bob@remote.test"));
  m.envid = "ENV42";
  m.recipients[0].orcpt = "rfc822;reject@remote.test";
  CO_ASSERT_OK(queued, t->queue_->Enqueue(std::move(m)));
  const size_t handled = co_await t->runner_->RunOnce();
  EXPECT_EQ(handled, 2u);
  CO_ASSERT_OK(empty, metadata->ListQueue(0, 10));
  EXPECT_TRUE(empty->empty());  // one delivered, one failed and bounced
  CO_ASSERT_OK(boxes, metadata->ListMailboxes(alice->id));
  const MailboxRecord* inbox = FindMailbox(*boxes, "INBOX");
  CO_ASSERT_TRUE(inbox != nullptr);
  CO_ASSERT_OK(snap, metadata->LoadMailbox(inbox->id));
  CO_ASSERT_TRUE(snap->messages.size() == 1);
  const std::vector<std::pair<int64_t, int64_t>> told = {{alice->id, inbox->id}};
  EXPECT_EQ(t->events_.changes, told);  // IMAP IDLE in that INBOX sees the bounce
  CO_ASSERT_OK(bounce, blobs->Get(snap->messages[0].blob));
  const std::string& b = *bounce;
  EXPECT_NE(b.find("Content-Type: multipart/report; report-type=delivery-status"),
            std::string::npos);
  EXPECT_NE(b.find("To: <alice@ringmail.test>"), std::string::npos);
  EXPECT_NE(b.find("Reporting-MTA: dns; mx.ringmail.test"), std::string::npos);
  EXPECT_NE(b.find("Original-Envelope-Id: ENV42"), std::string::npos);
  EXPECT_NE(b.find("Final-Recipient: rfc822; reject@remote.test"), std::string::npos);
  EXPECT_NE(b.find("Original-Recipient: rfc822;reject@remote.test"), std::string::npos);
  EXPECT_NE(b.find("Action: failed\r\nStatus: 5.1.1\r\n"), std::string::npos) << b;
  EXPECT_NE(b.find("Diagnostic-Code: smtp; 550 5.1.1"), std::string::npos);
  EXPECT_EQ(b.find("bob@remote.test>:"), std::string::npos);  // delivered: not reported
  EXPECT_NE(b.find("Content-Type: text/rfc822-headers\r\n\r\nFrom: alice@ringmail.test"),
            std::string::npos);  // RET=HDRS: the header only
  EXPECT_EQ(b.find("leading dot"), std::string::npos);
}

TEST_F(QueueTest, A5xxBouncesIntoTheLocalSendersInbox) {
  RunOnReactor(RejectedBouncesToInbox(this, metadata_.get(), blobs_.get()));
  // The bounce to the python parser: a valid multipart/report.
  EXPECT_EQ(Received().size(), 1u);
}

Task<void> ExpiryBouncesRemote(QueueTest* t, MetadataStore* metadata) {
  OutboundMessage m = Message("carol@elsewhere.test", List("temp@remote.test"));
  m.return_full = true;
  CO_ASSERT_OK(queued, t->queue_->Enqueue(std::move(m)));
  const size_t first = co_await t->runner_->RunOnce();
  EXPECT_EQ(first, 1u);
  // Retries until the lifetime is over; then the bounce is queued with the null sender to
  // the remote sender, and delivered through the smarthost.
  t->now_ += t->options_.lifetime_s;
  const size_t expired = co_await t->runner_->RunOnce();
  EXPECT_EQ(expired, 2u);  // the recipient, expired; then the bounce, delivered
  CO_ASSERT_OK(list, metadata->ListQueue(0, 10));
  EXPECT_TRUE(list->empty());
}

TEST_F(QueueTest, ExpiryBouncesToARemoteSenderWithTheNullSender) {
  options_.lifetime_s = 3600;
  RunOnReactor(ExpiryBouncesRemote(this, metadata_.get()));
  const std::vector<std::string> got = Received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NE(got[0].find("\"mail_from\": \"<>"), std::string::npos) << got[0];
  EXPECT_NE(got[0].find("<carol@elsewhere.test>"), std::string::npos);
  EXPECT_NE(got[0].find("Status: 4.2.0"), std::string::npos);
  EXPECT_NE(got[0].find("Content-Type: message/rfc822"), std::string::npos);
  EXPECT_NE(got[0].find("leading dot"), std::string::npos);  // RET=FULL
}

Task<void> NullSenderNeverBounced(QueueTest* t, MetadataStore* metadata) {
  CO_ASSERT_OK(queued, t->queue_->Enqueue(Message("", List("reject@remote.test"))));
  const size_t handled = co_await t->runner_->RunOnce();
  EXPECT_EQ(handled, 1u);
  CO_ASSERT_OK(list, metadata->ListQueue(0, 10));
  EXPECT_TRUE(list->empty());  // failed, no bounce queued
}

TEST_F(QueueTest, ANullSenderMessageIsNeverBounced) {
  RunOnReactor(NullSenderNeverBounced(this, metadata_.get()));
  EXPECT_TRUE(Received().empty());
}

// ---- Delay and success notices (docs/queue.md) ----

// Alice (local) sends to `to` asking `notify`; returns her INBOX's messages' bytes.
Task<void> NoticesFor(QueueTest* t, MetadataStore* metadata, BlobStore* blobs, std::string to,
                      uint8_t notify, int attempts, std::vector<std::string>* inbox) {
  CO_ASSERT_OK(domain, metadata->CreateDomain("ringmail.test"));
  AccountRecord a;
  a.name = "alice";
  a.emails = {"alice@ringmail.test"};
  CO_ASSERT_OK(alice, metadata->CreateAccount(a));
  OutboundMessage m = Message("alice@ringmail.test", List(to, "quiet@remote.test"));
  m.recipients[0].notify = notify;
  CO_ASSERT_OK(queued, t->queue_->Enqueue(std::move(m)));
  for (int i = 0; i < attempts; ++i) {
    const size_t handled = co_await t->runner_->RunOnce();
    EXPECT_GT(handled, 0u);
    CO_ASSERT_OK(list, metadata->ListQueue(0, 10));
    if (list->empty()) break;
    for (const QueueRecipientRecord& r : (*list)[0].recipients) {
      if (r.state == QueueRecipientState::kPending) t->now_ = r.next_attempt_at;
    }
  }
  CO_ASSERT_OK(boxes, metadata->ListMailboxes(alice->id));
  const MailboxRecord* box = FindMailbox(*boxes, "INBOX");
  CO_ASSERT_TRUE(box != nullptr);
  CO_ASSERT_OK(snap, metadata->LoadMailbox(box->id));
  for (const auto& message : snap->messages) {
    CO_ASSERT_OK(bytes, blobs->Get(message.blob));
    inbox->push_back(*bytes);
  }
}

TEST_F(QueueTest, ADelayNoticeGoesOnceAfterTheDelay) {
  options_.delay_notice_s = 600;  // attempts at +0, +60, +360, +1260, +3060: crossed at +1260
  std::vector<std::string> inbox;
  RunOnReactor(NoticesFor(this, metadata_.get(), blobs_.get(), "temp@remote.test",
                          kNotifyDelay | kNotifyFailure, 5, &inbox));
  ASSERT_EQ(inbox.size(), 1u);
  const std::string& n = inbox[0];
  EXPECT_NE(n.find("Subject: Delayed Mail (still being retried)"), std::string::npos) << n;
  EXPECT_NE(n.find("Final-Recipient: rfc822; temp@remote.test\r\nAction: delayed\r\n"
                   "Status: 4.2.0\r\n"),
            std::string::npos)
      << n;
  EXPECT_NE(n.find("Will-Retry-Until: "), std::string::npos);
  EXPECT_EQ(n.find("quiet@remote.test"), std::string::npos);  // did not ask
}

TEST_F(QueueTest, NoRelayNoticeWhenTheSmarthostOffersDsn) {
  std::vector<std::string> inbox;
  RunOnReactor(NoticesFor(this, metadata_.get(), blobs_.get(), "bob@remote.test",
                          kNotifySuccess | kNotifyFailure, 1, &inbox));
  EXPECT_TRUE(inbox.empty());
  EXPECT_NE(Received().at(0).find("NOTIFY=SUCCESS,FAILURE"), std::string::npos);
}

class QueueNoDsnTest : public QueueTest {
 protected:
  std::vector<std::string> SmarthostArgs() const override {
    return {"--user", "relay", "--password", "s3cret", "--no-dsn"};
  }
};

TEST_F(QueueNoDsnTest, NotifySuccessThroughANonDsnSmarthostIsARelayedNotice) {
  std::vector<std::string> inbox;
  RunOnReactor(NoticesFor(this, metadata_.get(), blobs_.get(), "bob@remote.test",
                          kNotifySuccess | kNotifyFailure, 1, &inbox));
  ASSERT_EQ(inbox.size(), 1u);
  const std::string& n = inbox[0];
  EXPECT_NE(n.find("Subject: Successful Mail Delivery Report"), std::string::npos) << n;
  EXPECT_NE(n.find("Final-Recipient: rfc822; bob@remote.test\r\nAction: relayed\r\n"
                   "Status: 2.0.0\r\n"),
            std::string::npos)
      << n;
  EXPECT_EQ(n.find("quiet@remote.test"), std::string::npos);
}

Task<void> RunCounting(QueueRunner* runner, size_t* handled, int* done) {
  *handled = co_await runner->RunOnce();
  ++*done;
}

// Two runners (two nodes) claiming from one queue at once, two recipients a claim: every
// message goes out exactly once.
Task<void> TwoRunners(QueueTest* t, QueueRunner* other, MetadataStore* metadata) {
  for (int i = 0; i < 6; ++i) {
    CO_ASSERT_OK(queued,
                 t->queue_->Enqueue(Message("alice@ringmail.test",
                                            List("r" + std::to_string(i) + "@remote.test"))));
  }
  size_t a = 0, b = 0;
  int done = 0;
  Spawn(RunCounting(t->runner_.get(), &a, &done));
  Spawn(RunCounting(other, &b, &done));
  const int64_t deadline = TestNowMs() + 15000;
  while (done < 2 && TestNowMs() < deadline) co_await Sleep(5);
  CO_ASSERT_TRUE(done == 2);
  EXPECT_EQ(a + b, 6u);
  EXPECT_GT(a, 0u);
  EXPECT_GT(b, 0u);
  CO_ASSERT_OK(list, metadata->ListQueue(0, 10));
  EXPECT_TRUE(list->empty());
}

TEST_F(QueueTest, TwoRunnersNeverDeliverTwice) {
  options_.claim_batch = 2;
  options_.concurrency = 1;
  QueueRunner other(metadata_.get(), blobs_.get(), queue_.get(), directory_.get(), &rules_,
                    &options_, "node-b");
  RunOnReactor(TwoRunners(this, &other, metadata_.get()));
  const std::vector<std::string> got = Received();
  ASSERT_EQ(got.size(), 6u);
  for (int i = 0; i < 6; ++i) {
    const std::string rcpt = "<r" + std::to_string(i) + "@remote.test>";
    int n = 0;
    for (const std::string& g : got) n += g.find(rcpt) != std::string::npos ? 1 : 0;
    EXPECT_EQ(n, 1) << rcpt;
  }
}

class QueueStopTest : public QueueTest {
 protected:
  std::vector<std::string> SmarthostArgs() const override { return {"--hang"}; }
};

// Stop() ends a transaction to a smarthost that never answers (the command timeout is 5
// minutes): the runner returns, and the recipient stays pending for the next start.
Task<void> StopsAHungTransaction(QueueTest* t, MetadataStore* metadata, std::string connected) {
  CO_ASSERT_OK(queued, t->queue_->Enqueue(Message("alice@ringmail.test", List("bob@remote.test"))));
  size_t handled = 0;
  int done = 0;
  Spawn(RunCounting(t->runner_.get(), &handled, &done));
  const int64_t deadline = TestNowMs() + 10000;
  while (!std::filesystem::exists(connected) && TestNowMs() < deadline) co_await Sleep(5);
  CO_ASSERT_TRUE(std::filesystem::exists(connected));
  t->runner_->Stop();
  while (done < 1 && TestNowMs() < deadline) co_await Sleep(5);
  CO_ASSERT_TRUE(done == 1);
  EXPECT_EQ(handled, 1u);
  CO_ASSERT_OK(list, metadata->ListQueue(0, 10));
  CO_ASSERT_TRUE(list->size() == 1);
  EXPECT_EQ((*list)[0].recipients[0].state, QueueRecipientState::kPending);
  EXPECT_EQ((*list)[0].recipients[0].attempts, 1u);
}

TEST_F(QueueStopTest, StopEndsAHungSmarthostTransaction) {
  RunOnReactor(StopsAHungTransaction(this, metadata_.get(), outdir_ + "/connected"));
}

}  // namespace
}  // namespace ringmail::testing
