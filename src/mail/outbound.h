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
};

class Outbound {
 public:
  virtual ~Outbound() = default;
  // Queues the message durably: success only once it is committed (the caller may answer
  // 250 then). A store outage is kUnavailable (451 4.3.0); kLimitExceeded when the queue is
  // full.
  virtual Task<Result<void>> Enqueue(OutboundMessage message) = 0;
};

}  // namespace ringmail
