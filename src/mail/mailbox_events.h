// MailboxEvents: how a change to a mailbox reaches the sessions that show it (IMAP IDLE and
// untagged updates, JMAP push). Whoever changes a mailbox (SMTP/LMTP delivery, IMAP APPEND,
// STORE, EXPUNGE, COPY/MOVE, JMAP) calls Changed() after the store committed; the
// implementation wakes the sessions on every core of this node that watch the mailbox (and,
// later, other nodes through PostgreSQL LISTEN/NOTIFY), which then read the change from the
// store. A notification carries no data: missing one delays an update, it never corrupts one.
//
// Called on a reactor core; never blocks.
#pragma once

#include <cstdint>

namespace ringmail {

class MailboxEvents {
 public:
  virtual ~MailboxEvents() = default;
  // `mailbox_id` of `account_id` changed; its highest modseq is now at least `modseq`.
  virtual void Changed(int64_t account_id, int64_t mailbox_id, uint64_t modseq) = 0;
};

}  // namespace ringmail
