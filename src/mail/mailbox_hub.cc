#include "mail/mailbox_hub.h"

#include <liburing.h>

#include <algorithm>

#include "base/check.h"
#include "runtime/message.h"
#include "runtime/reactor.h"

namespace ringmail {

struct MailboxHub::Core {
  struct Event : Completion {
    Core* core = nullptr;
  };
  std::atomic<int> ring_fd{-1};  // set by the core itself on first use
  Event local;                   // the queued no-op
  Event remote;                  // what other cores post here (many may be in flight)
  bool local_armed = false;
  std::vector<int64_t> dirty;  // mailboxes changed on this core since `local` was queued
  std::unordered_map<int64_t, std::vector<MailboxWatcher*>> watchers;
  std::unordered_map<MailboxWatcher*, int64_t> watching;
};

MailboxHub::MailboxHub(size_t cores_max) {
  CHECK(cores_max > 0);
  for (size_t i = 0; i < cores_max; ++i) {
    auto core = std::make_unique<Core>();
    core->local.callback = &OnLocal;
    core->local.core = core.get();
    core->remote.callback = &OnRemote;
    core->remote.core = core.get();
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

void MailboxHub::Changed(int64_t /*account_id*/, int64_t mailbox_id, uint64_t /*modseq*/) {
  Core* here = CurrentCore();
  Reactor& reactor = *Reactor::Current();
  if (std::find(here->dirty.begin(), here->dirty.end(), mailbox_id) == here->dirty.end()) {
    here->dirty.push_back(mailbox_id);
  }
  if (!here->local_armed) {
    here->local_armed = true;
    io_uring_prep_nop(reactor.Prepare(&here->local));
  }
  for (const std::unique_ptr<Core>& other : cores_) {
    if (other.get() == here) continue;
    const int fd = other->ring_fd.load(std::memory_order_acquire);
    if (fd < 0) continue;
    PostMessage(reactor, fd, &other->remote,
                static_cast<int32_t>(static_cast<uint32_t>(mailbox_id & 0xffffffff)));
  }
}

void MailboxHub::Watch(MailboxWatcher* watcher, int64_t mailbox_id) {
  Core* core = CurrentCore();
  Unwatch(watcher);
  core->watchers[mailbox_id].push_back(watcher);
  core->watching[watcher] = mailbox_id;
}

void MailboxHub::Unwatch(MailboxWatcher* watcher) {
  Core* core = CurrentCore();
  auto it = core->watching.find(watcher);
  if (it == core->watching.end()) return;
  auto list = core->watchers.find(it->second);
  if (list != core->watchers.end()) {
    std::erase(list->second, watcher);
    if (list->second.empty()) core->watchers.erase(list);
  }
  core->watching.erase(it);
}

void MailboxHub::Wake(Core& core, int64_t mailbox_id, bool low_bits_only) {
  // Copy first: a watcher may unwatch (or another watch) while being told.
  std::vector<std::pair<MailboxWatcher*, int64_t>> targets;
  for (const auto& [id, list] : core.watchers) {
    const bool match =
        low_bits_only ? (id & 0xffffffff) == (mailbox_id & 0xffffffff) : id == mailbox_id;
    if (!match) continue;
    for (MailboxWatcher* w : list) targets.emplace_back(w, id);
  }
  for (const auto& [w, id] : targets) {
    auto still = core.watching.find(w);
    if (still != core.watching.end() && still->second == id) w->MailboxChanged(id);
  }
}

void MailboxHub::OnLocal(Completion* c, int32_t, uint32_t) {
  Core& core = *static_cast<Core::Event*>(c)->core;
  core.local_armed = false;
  std::vector<int64_t> dirty = std::move(core.dirty);
  core.dirty.clear();
  for (int64_t id : dirty) Wake(core, id, false);
}

void MailboxHub::OnRemote(Completion* c, int32_t res, uint32_t) {
  Core& core = *static_cast<Core::Event*>(c)->core;
  Wake(core, static_cast<int64_t>(static_cast<uint32_t>(res)), true);
}

}  // namespace ringmail
