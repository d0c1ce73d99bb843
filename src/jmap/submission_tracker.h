// SubmissionTracker: the outbound queue's observer (mail/outbound.h) that keeps EmailSubmission
// deliveryStatus true. Each attempt's outcomes are written into the submissions whose message it
// was (found by the queue id kept with them: MetadataStore::FindQueueSubmissions): delivered
// "yes" or failed "no" with the SMTP reply, a retry stays "queued" with the last reply. Each
// write moves the account's EmailSubmission state and marks the submission updated, so
// EmailSubmission/changes lists it.
//
// Runs on the queue runner's core. The store writes are compare-and-set on the stored text
// (UpdateSubmission), so two nodes recording different recipients of one message at once
// both land.
#pragma once

#include <cstdint>
#include <vector>

#include "mail/outbound.h"
#include "store/metadata_store.h"

namespace ringmail::jmap {

class SubmissionTracker final : public OutboundObserver {
 public:
  // `metadata` must outlive the tracker.
  explicit SubmissionTracker(MetadataStore* metadata) : metadata_(metadata) {}

  Task<void> Attempted(int64_t queue_id, std::vector<QueueOutcome> outcomes) override;

 private:
  MetadataStore* metadata_;
};

// Compare-and-set rounds before an update is given up (logged): each lost round means another
// writer changed the submission meanwhile.
inline constexpr int kSubmissionUpdateRoundsMax = 8;

}  // namespace ringmail::jmap
