// The vacation auto-reply (JMAP VacationResponse, RFC 8621 §8) sent when a message is
// delivered locally: when to answer (RFC 3834 §2, RFC 5230 §4.5), what the answer is (RFC
// 3834 §3), and the delivery path's hook that sends it through the outbound queue
// (docs/jmap_email.md, "Vacation responses"). The rules and the builder are pure; the hook
// runs on a reactor core and suspends on the store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mail/outbound.h"
#include "runtime/task.h"
#include "store/metadata_store.h"

namespace ringmail {

// One auto-reply per sender per this long (RFC 5230's default :days 7).
inline constexpr int64_t kVacationReplyIntervalS = 7 * 86400;
inline constexpr size_t kVacationHeaderMax = 64 * 1024;  // header bytes the rules read

// What one delivered message looks like to the rules.
struct VacationIncoming {
  std::string envelope_sender;  // MAIL FROM without brackets; "" for the null reverse path
  std::string header_block;     // the message's header (mime::HeaderBlockSize), CRLF ends
};

// Why no reply goes (a value for logs and tests); nullopt: reply.
// REQUIRES: `addresses` are the account's normalized addresses (lower case; "@domain" for a
// catch-all, which never counts as the account's own in To/Cc).
std::optional<std::string_view> VacationSkipReason(const VacationRecord& vacation, int64_t now,
                                                   const VacationIncoming& incoming,
                                                   const std::vector<std::string>& addresses);

// The reply (CRLF line ends): From the account's `from` address to the sender, with
// In-Reply-To/References to the original, Auto-Submitted: auto-replied, the vacation's
// subject (or "Auto: " and the original's) and its text and/or HTML body.
std::string BuildVacationReply(const VacationRecord& vacation, const VacationIncoming& incoming,
                               std::string_view from, std::string_view hostname, int64_t now);

// The delivery path's hook: after a message was placed in account `account_id` (which owns
// `addresses`), queues the auto-reply when the account's vacation response is on and the
// rules allow it, at most once per sender per kVacationReplyIntervalS (the store remembers).
// Returns whether a reply was queued; a failure is the caller's to log (the delivery stands).
Task<Result<bool>> SendVacationReply(MetadataStore* store, Outbound* outbound, int64_t account_id,
                                     std::vector<std::string> addresses, VacationIncoming incoming,
                                     std::string hostname, int64_t now);

}  // namespace ringmail
