// EmailSubmission's deliveryStatus (RFC 8621 §7): per recipient, what became of the message.
// Local recipients get it at once (delivered "yes"); the others are "queued" in the outbound
// queue. Each delivery attempt is written into the submission (jmap/submission_tracker.h,
// ApplyOutcomes): a recipient the smarthost accepted is "yes", one that failed for good "no",
// each with the SMTP reply; a retry stays "queued" with the last reply. EmailSubmission/get
// also reads the queue's record of a message still queued (ApplyQueueState: the same
// mapping), and a message that left the queue while a recipient still reads "queued" (removed
// by `ringmail queue remove`, or an attempt whose write failed) shows "unknown" for it.
//
// Where it is kept: the submission row's `envelope` column holds
// {"envelope":Envelope,"deliveryStatus":{...},"queueId":N} (docs/storage.md); rows written
// before hold the Envelope alone and show deliveryStatus null. Pure; any core.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/json_writer.h"
#include "store/metadata_store.h"

namespace ringmail::jmap {

struct RecipientDelivery {
  std::string address;  // as in the envelope's rcptTo
  std::string smtp_reply;
  std::string delivered;  // "queued", "yes", "no" or "unknown"
};

struct SubmissionState {
  std::string envelope;                     // the Envelope object, JSON
  std::vector<RecipientDelivery> delivery;  // empty: deliveryStatus null
  int64_t queue_id = 0;                     // the outbound queue's message; 0: none
};

inline constexpr std::string_view kLocalDeliveredReply = "250 2.1.5 Delivered";
inline constexpr std::string_view kQueuedReply = "250 2.0.0 Queued";
// Queued messages one EmailSubmission/get reads from the queue (one ListQueue call).
inline constexpr size_t kSubmissionQueueLookupMax = 100;

// The column's text, and back (a bare Envelope: no delivery status, no queue id).
std::string EncodeSubmissionState(const SubmissionState& state);
SubmissionState DecodeSubmissionState(std::string_view stored);

// Whether some recipient is still "queued" (the queue may know more).
bool AwaitsQueue(const SubmissionState& state);

// Brings the queued recipients up to date from the queue's record of the message; `queued`
// null: the message left the queue, so its queued recipients' fate is "unknown".
void ApplyQueueState(const QueuedMessageRecord* queued, SubmissionState* state);

// Applies one attempt's outcomes to the recipients still "queued"; whether anything changed.
bool ApplyOutcomes(const std::vector<QueueOutcome>& outcomes, SubmissionState* state);

// deliveryStatus: an object keyed by address, or null.
void WriteDeliveryStatus(JsonWriter& w, const std::vector<RecipientDelivery>& delivery);

}  // namespace ringmail::jmap
