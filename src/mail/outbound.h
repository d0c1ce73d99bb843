// Outbound: where a protocol hands mail for remote recipients (SMTP submission, JMAP
// EmailSubmission). The implementation (queue/) stores it durably in the metadata store's
// outbound queue and delivers it later through the smarthost (and, in a later issue, directly
// to the recipients' MX); a message that cannot be delivered before it expires is bounced to
// the sender with an RFC 3464 DSN.
//
// Called on a reactor core.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "runtime/task.h"
#include "store/metadata_store.h"

namespace ringmail {

// RFC 3461 DSN parameters of one recipient.
struct OutboundRecipient {
  std::string address;  // as given in RCPT TO, without the angle brackets
  uint8_t notify = 0;   // kNotify* bits; 0: not given (the default: failure only)
  std::string orcpt;    // ORCPT=, as received (type;xtext), or ""
};
inline constexpr uint8_t kNotifyNever = 1, kNotifySuccess = 2, kNotifyFailure = 4, kNotifyDelay = 8;

struct OutboundMessage {
  std::string sender;  // MAIL FROM without brackets; "" for the null reverse path
  std::vector<OutboundRecipient> recipients;  // at least one
  std::string envid;                          // DSN ENVID=, or ""
  bool return_full = false;                   // DSN RET=FULL (else HDRS)
  bool smtputf8 = false;                      // needs an SMTPUTF8 peer
  bool requiretls = false;                    // RFC 8689: never send it in the clear
  std::string authenticated_as;               // the submitting principal, or ""
  std::string message;  // the whole message as it will be sent, CRLF line ends
  // false: Enqueue does not wake the delivery at once; the caller calls Outbound::Wake once
  // it has recorded the id (JMAP EmailSubmission: so that the first attempt finds the
  // submission to report to). The queue's poll finds the message anyway.
  bool wake = true;
};

class Outbound {
 public:
  virtual ~Outbound() = default;
  // Queues the message durably: success only once it is committed (the caller may answer
  // 250 then); returns the queue's id of the message (`ringmail queue list`,
  // QueuedMessageRecord::id). A store outage is kUnavailable (451 4.3.0); kLimitExceeded when
  // the queue is full.
  virtual Task<Result<int64_t>> Enqueue(OutboundMessage message) = 0;
  // Wakes this node's delivery (after an Enqueue with `wake` false).
  virtual void Wake() {}
};

// Told of each delivery attempt of a queued message, just before its outcome is recorded in
// the queue (which may then drop the message: the observer is told first so that nothing is
// lost in between). JMAP follows its submissions' messages this way
// (jmap/submission_tracker.h). Called on the queue runner's core; best effort: a failure is
// the observer's to log, the queue goes on.
class OutboundObserver {
 public:
  virtual ~OutboundObserver() = default;
  // `outcomes`: one per recipient attempted (kRetry: still queued, with the attempt's reply).
  virtual Task<void> Attempted(int64_t queue_id, std::vector<QueueOutcome> outcomes) = 0;
};

}  // namespace ringmail
