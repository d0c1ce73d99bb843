// MailboxHub: the node's MailboxEvents. Sessions register, on their own core, for the mailbox
// they show (IMAP) or for a whole account (JMAP push); Changed() on any core wakes every
// registered session of that mailbox, and every one registered for its account, on every
// core of this node.
//
// How a change travels: on the calling core the mailbox is marked and one no-op completion is
// queued in that core's ring, so the watchers run from the event loop right after the caller
// suspends (never inside the caller's stack, and never while a watcher list is being walked).
// Every other core that has ever registered a watcher gets a cross-core message
// (IORING_OP_MSG_RING, runtime/message.h) carrying the low 32 bits of the mailbox id; there
// the watchers of every mailbox with those bits wake (a false wake only costs a reload).
// A core that has ever registered an account watcher also gets one carrying the low 32 bits
// of the account id (the only cost of account watching for cores that never use it: none).
// Notifications carry no data: a woken session reads the change from the store.
//
// Per-core state is touched only by its core; the only shared field is each core's ring
// descriptor (atomic, set once). The hub outlives the engine.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "mail/mailbox_events.h"
#include "runtime/completion.h"

namespace ringmail {

class MailboxWatcher {
 public:
  virtual ~MailboxWatcher() = default;
  // Called on the watcher's core, from the event loop, after `mailbox_id` (or, from another
  // core, a mailbox whose id has the same low 32 bits) changed. Must not block; may call
  // Unwatch.
  virtual void MailboxChanged(int64_t mailbox_id) = 0;
};

class AccountWatcher {
 public:
  virtual ~AccountWatcher() = default;
  // Called on the watcher's core, from the event loop, after a mailbox of `account_id` (or,
  // from another core, of an account whose id has the same low 32 bits) changed. Must not
  // block; may call UnwatchAccount.
  virtual void AccountChanged(int64_t account_id) = 0;
};

class MailboxHub final : public MailboxEvents {
 public:
  // `cores_max`: one more than the highest reactor core index that will call in.
  explicit MailboxHub(size_t cores_max);
  ~MailboxHub() override;
  MailboxHub(const MailboxHub&) = delete;
  MailboxHub& operator=(const MailboxHub&) = delete;

  // The `cores_max` it was made with.
  size_t cores_max() const { return cores_.size(); }

  // MailboxEvents. Called on a reactor core.
  void Changed(int64_t account_id, int64_t mailbox_id, uint64_t modseq) override;
  // Every mailbox and account may have changed (changes made elsewhere were missed: the
  // cluster's change feed reconnected): wakes every watcher on every core, as Changed does.
  void ChangedEverywhere();

  // Registers `watcher` for `mailbox_id` on the calling core (one mailbox per watcher at a
  // time). REQUIRES: on a reactor core; the watcher stays valid until Unwatch.
  void Watch(MailboxWatcher* watcher, int64_t mailbox_id);
  // No-op when not registered.
  void Unwatch(MailboxWatcher* watcher);
  // The same for every mailbox of one account (a watcher watches one account at a time).
  void WatchAccount(AccountWatcher* watcher, int64_t account_id);
  void UnwatchAccount(AccountWatcher* watcher);

 private:
  struct Core;
  Core* CurrentCore();
  static void OnLocal(Completion* c, int32_t res, uint32_t flags);
  static void OnRemote(Completion* c, int32_t res, uint32_t flags);
  static void OnRemoteAccount(Completion* c, int32_t res, uint32_t flags);
  static void OnRemoteEverything(Completion* c, int32_t res, uint32_t flags);
  static void WakeEverything(Core& core);

  std::vector<std::unique_ptr<Core>> cores_;
};

}  // namespace ringmail
