// The cluster's change feed in the daemon (docs/storage.md, "Change feed"): when the metadata
// store is shared by several nodes (PostgreSQL), changes committed here are published to the
// other nodes and theirs wake this node's sessions; a follower runs on core 0 while serving.
// With a store of one node (SQLite) there is nothing to run and events() is the hub itself.
//
// Lifecycle (server.cc): construct after the hub and before anything that takes events(),
// Start once the stores are ready, Stop before Engine::Stop (changes committed after that
// are not published: the other nodes see them at their sessions' next reload). Start and
// Stop run on the controlling thread.
#pragma once

#include <memory>
#include <optional>

#include "mail/cluster_events.h"
#include "mail/mailbox_hub.h"
#include "runtime/engine.h"
#include "runtime/stop_signal.h"
#include "server/main_thread.h"
#include "store/change_feed.h"

namespace ringmail {

class ChangeFeedService {
 public:
  // `feed` may be null (a store of one node). Both outlive the service.
  ChangeFeedService(MailboxHub* hub, ChangeFeed* feed);

  // What protocols call when they commit a change.
  MailboxEvents* events() { return cluster_ ? static_cast<MailboxEvents*>(&*cluster_) : hub_; }
  // Starts following the other nodes' changes on core 0.
  void Start(Engine& engine);
  // Stops the follower and waits until no core has a note in flight.
  void Stop(Engine& engine);

 private:
  Task<void> FollowOnCore0();
  Task<void> StopOnCore0(ThreadLatch* done);
  Task<void> CloseOnCore(ThreadLatch* done);

  MailboxHub* hub_;
  ChangeFeed* feed_;
  std::optional<ClusterEvents> cluster_;
  StopSignal stop_;  // used on core 0 only
  std::unique_ptr<ThreadLatch> follower_done_;
};

}  // namespace ringmail
