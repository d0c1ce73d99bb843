// ClusterEvents: MailboxEvents for a node that shares its metadata store with other nodes.
// A change committed here wakes this node's sessions (the MailboxHub) and is published on the
// store's change feed (store/change_feed.h); a change another node published wakes this
// node's sessions the same way, and a gap in the feed wakes all of them (they reload and
// diff, so a wake with nothing new costs a reload, never a wrong update).
//
// Called on reactor cores; the hub and the feed outlive it.
#pragma once

#include <cstdint>

#include "mail/mailbox_hub.h"
#include "store/change_feed.h"

namespace ringmail {

class ClusterEvents final : public MailboxEvents, public ChangeFeedHandler {
 public:
  ClusterEvents(MailboxHub* hub, ChangeFeed* feed) : hub_(hub), feed_(feed) {}

  // MailboxEvents: a change of this node.
  void Changed(int64_t account_id, int64_t mailbox_id, uint64_t modseq) override {
    hub_->Changed(account_id, mailbox_id, modseq);
    feed_->Publish(MailboxChangeNote{account_id, mailbox_id, modseq});
  }

  // ChangeFeedHandler: changes of the other nodes.
  void ChangedElsewhere(const MailboxChangeNote& note) override {
    hub_->Changed(note.account_id, note.mailbox_id, note.modseq);
  }
  void MissedChanges() override { hub_->ChangedEverywhere(); }

 private:
  MailboxHub* hub_;
  ChangeFeed* feed_;
};

}  // namespace ringmail
