#include "mail/mailbox_index_cache.h"

#include <utility>

#include "base/check.h"
#include "mail/mailbox_index_merge.h"
#include "runtime/reactor.h"

namespace ringmail {
namespace {

// Parks the coroutine in `list` until the loader resumes it.
struct Park {
  std::vector<std::coroutine_handle<>>* list;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) { list->push_back(h); }
  void await_resume() const noexcept {}
};

}  // namespace

MailboxIndexCache::MailboxIndexCache(MetadataStore* store, size_t cores_max) : store_(store) {
  CHECK(cores_max > 0);
  for (size_t i = 0; i < cores_max; ++i) cores_.push_back(std::make_unique<Core>());
}

MailboxIndexCache::~MailboxIndexCache() = default;

MailboxIndexCache::Core& MailboxIndexCache::CurrentCore() const {
  Reactor* reactor = Reactor::Current();
  CHECK(reactor != nullptr, "MailboxIndexCache used off a reactor core");
  const size_t index = static_cast<size_t>(reactor->core());
  CHECK(index < cores_.size(), "reactor core beyond MailboxIndexCache's cores_max");
  return *cores_[index];
}

void MailboxIndexCache::Acquire(int64_t mailbox_id) { ++CurrentCore().entries[mailbox_id].users; }

void MailboxIndexCache::Release(int64_t mailbox_id) {
  Core& core = CurrentCore();
  auto it = core.entries.find(mailbox_id);
  if (it == core.entries.end()) return;
  // A loader or waiter is a user itself, so an entry with waiters never reaches zero here.
  if (--it->second.users == 0) core.entries.erase(it);
}

void MailboxIndexCache::Invalidate(int64_t mailbox_id) {
  Core& core = CurrentCore();
  auto it = core.entries.find(mailbox_id);
  if (it != core.entries.end()) ++it->second.generation;
}

uint64_t MailboxIndexCache::loads() const { return CurrentCore().loads; }

uint64_t MailboxIndexCache::incremental_loads() const { return CurrentCore().incremental_loads; }

Task<Result<MailboxIndexCache::Snapshot>> MailboxIndexCache::Load(Core* core, int64_t mailbox_id,
                                                                  Snapshot base) {
  ++core->loads;
  if (base) {
    Result<MailboxIndexChanges> changes =
        co_await store_->LoadMailboxIndexChanges(mailbox_id, base->mailbox.highest_modseq);
    // kInvalidArgument: a store that cannot tell (read it all); other errors pass through.
    if (!changes && changes.error().code != ErrorCode::kInvalidArgument) {
      co_return std::unexpected(changes.error());
    }
    const MailboxRecord* now = changes ? &changes->changed.mailbox : nullptr;
    if (now != nullptr && changes->changed.messages.empty() && changes->expunged.empty() &&
        now->highest_modseq == base->mailbox.highest_modseq &&
        now->uid_next == base->mailbox.uid_next && now->name == base->mailbox.name) {
      ++core->incremental_loads;
      co_return base;  // nothing changed: the same snapshot (sessions showing it write nothing)
    }
    if (changes) {
      std::optional<MailboxIndex> merged = ApplyIndexChanges(*base, *changes);
      if (merged) {
        ++core->incremental_loads;
        co_return std::make_shared<const MailboxIndex>(std::move(*merged));
      }
    }
  }
  Result<MailboxIndex> loaded = co_await store_->LoadMailboxIndex(mailbox_id);
  if (!loaded) co_return std::unexpected(loaded.error());
  co_return std::make_shared<const MailboxIndex>(std::move(*loaded));
}

Task<Result<MailboxIndexCache::Snapshot>> MailboxIndexCache::Get(int64_t mailbox_id) {
  Core& core = CurrentCore();
  while (true) {
    auto it = core.entries.find(mailbox_id);
    if (it == core.entries.end()) {
      Result<Snapshot> plain = co_await Load(&core, mailbox_id, nullptr);
      co_return plain;
    }
    // Node-based map: the entry stays put while this caller (a user) waits.
    Entry& entry = it->second;
    if (entry.index && entry.loaded_generation == entry.generation) co_return entry.index;
    if (entry.loading) {
      co_await Park{&entry.waiters};
      continue;  // look again: the load may have failed or been overtaken
    }
    entry.loading = true;
    const uint64_t generation = entry.generation;
    Result<Snapshot> loaded = co_await Load(&core, mailbox_id, entry.index);
    entry.loading = false;
    if (loaded) {
      entry.index = *loaded;
      entry.loaded_generation = generation;
    }
    std::vector<std::coroutine_handle<>> waiters = std::move(entry.waiters);
    entry.waiters.clear();
    for (std::coroutine_handle<> h : waiters) h.resume();  // `entry` may be gone after this
    co_return loaded;
  }
}

}  // namespace ringmail
