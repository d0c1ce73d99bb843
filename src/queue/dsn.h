// Delivery status notifications (RFC 3464): the bounce a queued message's sender gets when
// recipients fail for good (a 5xx from the smarthost, or the queue lifetime running out), and
// the notices asked for with NOTIFY=DELAY (still being retried after [queue] delay-notice)
// and NOTIFY=SUCCESS (relayed to a smarthost that does not offer DSN, RFC 3461 §5.2.2).
// Pure; any core.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/metadata_store.h"

namespace ringmail {

// A report's kind: its recipients' Action (one kind per report).
enum class DsnAction : uint8_t { kFailed, kDelayed, kRelayed };

// One recipient of a report (every kind, despite the name).
struct FailedRecipient {
  std::string address;
  std::string orcpt;     // DSN ORCPT as received ("rfc822;a@b"), or ""
  std::string reply;     // the last reply ("550 5.1.1 unknown user") or why it failed
  bool expired = false;  // the lifetime ran out (Status 4.4.7 unless the reply has a code)
};

// Whether a recipient's failure is reported: never for the null sender (a bounce of a bounce),
// nor when the recipient asked for NOTIFY=NEVER or gave NOTIFY without FAILURE.
bool WantsFailureReport(std::string_view sender, uint8_t notify);
// Whether the recipient asked for this kind of notice (NOTIFY=DELAY / NOTIFY=SUCCESS); never
// for the null sender.
bool WantsNotice(std::string_view sender, uint8_t notify, DsnAction action);

// The bounce: a whole message (CRLF line ends) from MAILER-DAEMON@`reporting_mta` to
// `message.sender`, multipart/report; report-type=delivery-status with a human-readable part,
// the message/delivery-status part (Reporting-MTA, Original-Envelope-Id, Arrival-Date, and
// per recipient Final-Recipient, Original-Recipient, Action: failed, Status,
// Diagnostic-Code) and the original message (RET=FULL) or its header (RET=HDRS, the default).
// `original` is the queued message's bytes; `now` Unix seconds (Date:). `action`: a delay
// notice ("Action: delayed", Status 4.x.x, Will-Retry-Until) or a relay notice ("Action:
// relayed", Status 2.0.0) instead, each with the original's header only.
std::string BuildBounce(const QueuedMessageRecord& message,
                        const std::vector<FailedRecipient>& failed, std::string_view original,
                        std::string_view reporting_mta, int64_t now,
                        DsnAction action = DsnAction::kFailed);

// The report's Subject: "Undelivered Mail Returned to Sender", ...
std::string_view DsnSubject(DsnAction action);

// "Sun, 22 Nov 2026 15:30:00 +0000".
std::string Rfc5322Date(int64_t unix_seconds);

}  // namespace ringmail
