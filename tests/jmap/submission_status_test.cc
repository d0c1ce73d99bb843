// EmailSubmission's deliveryStatus (jmap/submission_status.h): what is kept with a submission,
// rows from before it, and following the outbound queue's record of the message.
#include "jmap/submission_status.h"

#include <gtest/gtest.h>

namespace ringmail::jmap {
namespace {

const char kEnvelope[] =
    R"({"mailFrom":{"email":"a@x.test","parameters":null},"rcptTo":[{"email":"b@y.test",)"
    R"("parameters":null},{"email":"c@y.test","parameters":null},{"email":"l@x.test",)"
    R"("parameters":null}]})";

SubmissionState Sent() {
  SubmissionState state;
  state.envelope = kEnvelope;
  state.delivery = {{"b@y.test", std::string(kQueuedReply), "queued"},
                    {"c@y.test", std::string(kQueuedReply), "queued"},
                    {"l@x.test", std::string(kLocalDeliveredReply), "yes"}};
  state.queue_id = 7;
  return state;
}

std::string Status(const SubmissionState& state) {
  std::string out;
  JsonWriter w(&out);
  WriteDeliveryStatus(w, state.delivery);
  return out;
}

TEST(SubmissionStatus, RoundTripsThroughTheStoredText) {
  const SubmissionState sent = Sent();
  const SubmissionState back = DecodeSubmissionState(EncodeSubmissionState(sent));
  EXPECT_EQ(back.envelope, kEnvelope);
  EXPECT_EQ(back.queue_id, 7);
  EXPECT_EQ(Status(back), Status(sent));
  EXPECT_TRUE(AwaitsQueue(back));
  EXPECT_EQ(Status(back).substr(0, 80),
            R"({"b@y.test":{"smtpReply":"250 2.0.0 Queued","delivered":"queued","displayed":"un)");
}

TEST(SubmissionStatus, RowsFromBeforeHoldTheEnvelopeAlone) {
  const SubmissionState old = DecodeSubmissionState(kEnvelope);
  EXPECT_EQ(old.envelope, kEnvelope);
  EXPECT_EQ(Status(old), "null");
  EXPECT_FALSE(AwaitsQueue(old));
}

TEST(SubmissionStatus, FollowsTheQueue) {
  SubmissionState state = Sent();
  QueuedMessageRecord queued;
  queued.id = 7;
  QueueRecipientRecord b, c;
  b.address = "b@y.test";
  b.state = QueueRecipientState::kDelivered;
  b.last_reply = "250 2.0.0 Ok: queued as 1";
  c.address = "c@y.test";
  c.last_reply = "connect: refused";  // not an SMTP reply: the last one stays
  queued.recipients = {b, c};
  ApplyQueueState(&queued, &state);
  EXPECT_EQ(state.delivery[0].delivered, "yes");  // accepted by the smarthost
  EXPECT_EQ(state.delivery[0].smtp_reply, "250 2.0.0 Ok: queued as 1");
  EXPECT_EQ(state.delivery[1].delivered, "queued");
  EXPECT_EQ(state.delivery[1].smtp_reply, kQueuedReply);
  EXPECT_EQ(state.delivery[2].delivered, "yes");

  queued.recipients[1].state = QueueRecipientState::kFailed;
  queued.recipients[1].last_reply = "550 5.1.1 No such user";
  ApplyQueueState(&queued, &state);
  EXPECT_EQ(state.delivery[1].delivered, "no");
  EXPECT_EQ(state.delivery[1].smtp_reply, "550 5.1.1 No such user");
  EXPECT_FALSE(AwaitsQueue(state));

  SubmissionState gone = Sent();
  ApplyQueueState(nullptr, &gone);  // the message left the queue
  EXPECT_EQ(gone.delivery[0].delivered, "unknown");
  EXPECT_EQ(gone.delivery[2].delivered, "yes");
}

// What the queue's observer writes (submission_tracker.h): one attempt's outcomes.
TEST(SubmissionStatus, AppliesAnAttemptsOutcomes) {
  SubmissionState state = Sent();
  std::vector<QueueOutcome> greylisted = {
      {"b@y.test", QueueOutcomeKind::kRetry, "451 4.2.0 greylisted", 0},
      {"c@y.test", QueueOutcomeKind::kRetry, "connect: refused", 0}};
  EXPECT_TRUE(ApplyOutcomes(greylisted, &state));
  EXPECT_EQ(state.delivery[0].delivered, "queued");
  EXPECT_EQ(state.delivery[0].smtp_reply, "451 4.2.0 greylisted");
  EXPECT_EQ(state.delivery[1].smtp_reply, kQueuedReply);  // not an SMTP reply
  EXPECT_FALSE(ApplyOutcomes(greylisted, &state));        // nothing new
  std::vector<QueueOutcome> settled = {
      {"b@y.test", QueueOutcomeKind::kDelivered, "250 2.0.0 Ok: queued as 9", 0},
      {"c@y.test", QueueOutcomeKind::kFailed, "550 5.1.1 No such user", 0},
      {"l@x.test", QueueOutcomeKind::kFailed, "550 5.1.1 not ours", 0}};
  EXPECT_TRUE(ApplyOutcomes(settled, &state));
  EXPECT_EQ(state.delivery[0].delivered, "yes");
  EXPECT_EQ(state.delivery[0].smtp_reply, "250 2.0.0 Ok: queued as 9");
  EXPECT_EQ(state.delivery[1].delivered, "no");
  EXPECT_EQ(state.delivery[1].smtp_reply, "550 5.1.1 No such user");
  EXPECT_EQ(state.delivery[2].delivered, "yes");  // settled already: left alone
  EXPECT_EQ(state.delivery[2].smtp_reply, kLocalDeliveredReply);
  EXPECT_FALSE(AwaitsQueue(state));
  const SubmissionState back = DecodeSubmissionState(EncodeSubmissionState(state));
  EXPECT_EQ(Status(back), Status(state));
}

}  // namespace
}  // namespace ringmail::jmap
