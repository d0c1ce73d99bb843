// ChangeFeed: committed mailbox changes between the nodes that share one metadata store
// (docs/storage.md, "Change feed"). Each node publishes the changes it commits; every other
// node follows the feed and wakes its own sessions (IMAP IDLE and untagged updates, its
// per-core index caches, JMAP push) as if the change had been made locally. Like
// MailboxEvents, a note carries no data: a missed note delays an update, it never corrupts
// one. When notes may have been missed (the follower (re)connected) the follower says so, and
// the node treats every mailbox as changed.
//
// Only a store several nodes can share has a feed (PostgreSQL: LISTEN/NOTIFY); the embedded
// SQLite store has none (MetadataStore::change_feed() is null).
#pragma once

#include <cstdint>

#include "runtime/stop_signal.h"
#include "runtime/task.h"

namespace ringmail {

struct MailboxChangeNote {
  int64_t account_id = 0;
  int64_t mailbox_id = 0;
  uint64_t modseq = 0;  // the mailbox's highest modseq is now at least this
};

class ChangeFeedHandler {
 public:
  virtual ~ChangeFeedHandler() = default;
  // Another node committed `note`. Called on the follower's core, from its coroutine.
  virtual void ChangedElsewhere(const MailboxChangeNote& note) = 0;
  // The follower (re)connected: notes published meanwhile may be lost, so anything may have
  // changed.
  virtual void MissedChanges() = 0;
};

class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;
  // Tells the other nodes (never this one) about a change this node committed. On a reactor
  // core; never blocks: the note is queued and sent by this core shortly after, together with
  // the notes queued meanwhile. Best effort: a store outage drops notes (followers on the
  // other nodes see a gap when their own connection fails too).
  virtual void Publish(const MailboxChangeNote& note) = 0;
  // Follows the other nodes' notes on the calling core until `stop` is stopped, reconnecting
  // after a failure (MissedChanges() once connected again). Ends within about a second of
  // the stop.
  virtual Task<void> Follow(ChangeFeedHandler* handler, StopSignal* stop) = 0;
  // Waits until the notes this core queued are sent (or failed); later Publish calls on this
  // core drop their notes. Run on every core that may have published before the engine stops
  // (nothing of the feed is then in flight on that core).
  virtual Task<void> Close() = 0;
};

}  // namespace ringmail
