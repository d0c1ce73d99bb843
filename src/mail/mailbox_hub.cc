#include "mail/mailbox_hub.h"

#include <liburing.h>

#include <algorithm>
#include <utility>

#include "base/check.h"
#include "runtime/message.h"
#include "runtime/reactor.h"

namespace ringmail {
namespace {

// Watchers of type W by the id they watch (a mailbox's or an account's), on one core.
template <typename W>
struct Registry {
  std::unordered_map<int64_t, std::vector<W*>> by_id;
  std::unordered_map<W*, int64_t> watching;

  void Add(W* w, int64_t id) {
    Remove(w);
    by_id[id].push_back(w);
    watching[w] = id;
  }
  void Remove(W* w) {
    auto it = watching.find(w);
    if (it == watching.end()) return;
    auto list = by_id.find(it->second);
    if (list != by_id.end()) {
      std::erase(list->second, w);
      if (list->second.empty()) by_id.erase(list);
    }
    watching.erase(it);
  }
  // Calls notify(w, id) for every watcher.
  template <typename Notify>
  void WakeAll(Notify notify) {
    std::vector<std::pair<W*, int64_t>> targets(watching.begin(), watching.end());
    for (const auto& [w, watched] : targets) {
      auto still = watching.find(w);
      if (still != watching.end() && still->second == watched) notify(w, watched);
    }
  }
  // Calls notify(w, id) for each watcher of `id` (every id with its low 32 bits when
  // `low_bits_only`).
  template <typename Notify>
  void Wake(int64_t id, bool low_bits_only, Notify notify) {
    // Copy first: a watcher may unwatch (or another watch) while being told.
    std::vector<std::pair<W*, int64_t>> targets;
    for (const auto& [watched, list] : by_id) {
      const bool match =
          low_bits_only ? (watched & 0xffffffff) == (id & 0xffffffff) : watched == id;
      if (!match) continue;
      for (W* w : list) targets.emplace_back(w, watched);
    }
    for (const auto& [w, watched] : targets) {
      auto still = watching.find(w);
      if (still != watching.end() && still->second == watched) notify(w, watched);
    }
  }
};

int32_t LowBits(int64_t id) { return static_cast<int32_t>(static_cast<uint32_t>(id & 0xffffffff)); }

}  // namespace

struct MailboxHub::Core {
  struct Event : Completion {
    Core* core = nullptr;
  };
  std::atomic<int> ring_fd{-1};  // set by the core itself on first use
  // Set by the core itself when it first registers an account watcher; never cleared.
  std::atomic<bool> account_watching{false};
  Event local;              // the queued no-op
  Event remote;             // what other cores post here (many may be in flight)
  Event remote_account;     // the same for account ids
  Event remote_everything;  // ChangedEverywhere() on another core
  bool local_armed = false;
  bool everything_dirty = false;  // ChangedEverywhere() on this core since `local` was queued
  // Mailboxes (and their accounts) changed on this core since `local` was queued.
  std::vector<int64_t> dirty, dirty_accounts;
  Registry<MailboxWatcher> mailboxes;
  Registry<AccountWatcher> accounts;

  // Queues the no-op whose completion runs OnLocal from the event loop (once until it ran).
  void ArmLocal(Reactor& reactor) {
    if (local_armed) return;
    local_armed = true;
    io_uring_prep_nop(reactor.Prepare(&local));
  }
};

MailboxHub::MailboxHub(size_t cores_max) {
  CHECK(cores_max > 0);
  for (size_t i = 0; i < cores_max; ++i) {
    auto core = std::make_unique<Core>();
    core->local.callback = &OnLocal;
    core->local.core = core.get();
    core->remote.callback = &OnRemote;
    core->remote.core = core.get();
    core->remote_account.callback = &OnRemoteAccount;
    core->remote_account.core = core.get();
    core->remote_everything.callback = &OnRemoteEverything;
    core->remote_everything.core = core.get();
    cores_.push_back(std::move(core));
  }
}

MailboxHub::~MailboxHub() = default;

MailboxHub::Core* MailboxHub::CurrentCore() {
  Reactor* reactor = Reactor::Current();
  CHECK(reactor != nullptr, "MailboxHub used off a reactor core");
  const size_t index = static_cast<size_t>(reactor->core());
  CHECK(index < cores_.size(), "reactor core beyond MailboxHub's cores_max");
  Core* core = cores_[index].get();
  if (core->ring_fd.load(std::memory_order_relaxed) < 0) {
    core->ring_fd.store(reactor->ring_fd(), std::memory_order_release);
  }
  return core;
}

void MailboxHub::Changed(int64_t account_id, int64_t mailbox_id, uint64_t /*modseq*/) {
  Core* here = CurrentCore();
  Reactor& reactor = *Reactor::Current();
  if (std::find(here->dirty.begin(), here->dirty.end(), mailbox_id) == here->dirty.end()) {
    here->dirty.push_back(mailbox_id);
  }
  if (!here->accounts.by_id.empty() &&
      std::find(here->dirty_accounts.begin(), here->dirty_accounts.end(), account_id) ==
          here->dirty_accounts.end()) {
    here->dirty_accounts.push_back(account_id);
  }
  here->ArmLocal(reactor);
  for (const std::unique_ptr<Core>& other : cores_) {
    if (other.get() == here) continue;
    const int fd = other->ring_fd.load(std::memory_order_acquire);
    if (fd < 0) continue;
    PostMessage(reactor, fd, &other->remote, LowBits(mailbox_id));
    if (other->account_watching.load(std::memory_order_acquire)) {
      PostMessage(reactor, fd, &other->remote_account, LowBits(account_id));
    }
  }
}

void MailboxHub::ChangedEverywhere() {
  Core* here = CurrentCore();
  Reactor& reactor = *Reactor::Current();
  here->everything_dirty = true;
  here->ArmLocal(reactor);
  for (const std::unique_ptr<Core>& other : cores_) {
    if (other.get() == here) continue;
    const int fd = other->ring_fd.load(std::memory_order_acquire);
    if (fd >= 0) PostMessage(reactor, fd, &other->remote_everything, 0);
  }
}

void MailboxHub::Watch(MailboxWatcher* watcher, int64_t mailbox_id) {
  CurrentCore()->mailboxes.Add(watcher, mailbox_id);
}

void MailboxHub::Unwatch(MailboxWatcher* watcher) { CurrentCore()->mailboxes.Remove(watcher); }

void MailboxHub::WatchAccount(AccountWatcher* watcher, int64_t account_id) {
  Core* core = CurrentCore();
  core->account_watching.store(true, std::memory_order_release);
  core->accounts.Add(watcher, account_id);
}

void MailboxHub::UnwatchAccount(AccountWatcher* watcher) {
  CurrentCore()->accounts.Remove(watcher);
}

void MailboxHub::OnLocal(Completion* c, int32_t, uint32_t) {
  Core& core = *static_cast<Core::Event*>(c)->core;
  core.local_armed = false;
  if (std::exchange(core.everything_dirty, false)) {
    core.dirty.clear();
    core.dirty_accounts.clear();
    WakeEverything(core);
    return;
  }
  std::vector<int64_t> dirty = std::move(core.dirty);
  std::vector<int64_t> accounts = std::move(core.dirty_accounts);
  core.dirty.clear();
  core.dirty_accounts.clear();
  for (int64_t id : dirty) {
    core.mailboxes.Wake(id, false, [](MailboxWatcher* w, int64_t m) { w->MailboxChanged(m); });
  }
  for (int64_t id : accounts) {
    core.accounts.Wake(id, false, [](AccountWatcher* w, int64_t a) { w->AccountChanged(a); });
  }
}

void MailboxHub::OnRemote(Completion* c, int32_t res, uint32_t) {
  Core& core = *static_cast<Core::Event*>(c)->core;
  core.mailboxes.Wake(static_cast<int64_t>(static_cast<uint32_t>(res)), true,
                      [](MailboxWatcher* w, int64_t m) { w->MailboxChanged(m); });
}

void MailboxHub::OnRemoteAccount(Completion* c, int32_t res, uint32_t) {
  Core& core = *static_cast<Core::Event*>(c)->core;
  core.accounts.Wake(static_cast<int64_t>(static_cast<uint32_t>(res)), true,
                     [](AccountWatcher* w, int64_t a) { w->AccountChanged(a); });
}

void MailboxHub::OnRemoteEverything(Completion* c, int32_t, uint32_t) {
  WakeEverything(*static_cast<Core::Event*>(c)->core);
}

void MailboxHub::WakeEverything(Core& core) {
  core.mailboxes.WakeAll([](MailboxWatcher* w, int64_t m) { w->MailboxChanged(m); });
  core.accounts.WakeAll([](AccountWatcher* w, int64_t a) { w->AccountChanged(a); });
}

}  // namespace ringmail
