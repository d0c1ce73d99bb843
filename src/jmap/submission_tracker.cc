#include "jmap/submission_tracker.h"

#include <string>

#include "base/log.h"
#include "jmap/submission_status.h"

namespace ringmail::jmap {
namespace {

// One round: every submission of the message brought up to date; false when a write lost
// its compare-and-set (read again).
Task<Result<bool>> UpdateAll(MetadataStore* metadata, int64_t queue_id,
                             const std::vector<QueueOutcome>* outcomes) {
  Result<std::vector<QueueSubmission>> found = co_await metadata->FindQueueSubmissions(queue_id);
  if (!found) co_return std::unexpected(found.error());
  bool all = true;
  for (QueueSubmission& q : *found) {
    SubmissionState state = DecodeSubmissionState(q.submission.envelope);
    if (!ApplyOutcomes(*outcomes, &state)) continue;
    Result<bool> written = co_await metadata->UpdateSubmission(
        q.account_id, q.submission.id, q.submission.envelope, EncodeSubmissionState(state));
    if (!written) co_return std::unexpected(written.error());
    all = all && *written;
  }
  co_return all;
}

}  // namespace

Task<void> SubmissionTracker::Attempted(int64_t queue_id, std::vector<QueueOutcome> outcomes) {
  for (int round = 0; round < kSubmissionUpdateRoundsMax; ++round) {
    Result<bool> done = co_await UpdateAll(metadata_, queue_id, &outcomes);
    if (!done) {
      Log(LogLevel::kWarn, "jmap_submission_status_failed", "queue_id", queue_id, "error",
          done.error().ToString());
      co_return;
    }
    if (*done) co_return;
  }
  Log(LogLevel::kWarn, "jmap_submission_status_failed", "queue_id", queue_id, "error",
      "too many concurrent updates");
}

}  // namespace ringmail::jmap
