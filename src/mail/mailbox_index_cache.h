// MailboxIndexCache: the index (UIDs, modseqs, flags) of each mailbox that sessions on a core
// have open, shared between those sessions instead of copied into each (docs/imap.md,
// "Selected state and live updates"). A snapshot is immutable: a session keeps the one it
// last showed its client, diffs it against the current one, and holds its own copy only
// while it differs (unannounced expunges, its own STORE until the reload).
//
// Freshness: Invalidate() (a hub wake-up, or this core's own change) makes the next Get()
// refresh from the store; concurrent Get()s of one mailbox share one load. A refresh reads
// only what changed since the snapshot's highest modseq (LoadMailboxIndexChanges) and
// applies it to a copy of the snapshot (mailbox_index_merge.h); the whole index is read when
// there is no snapshot yet, or the store cannot tell the changes. A snapshot loaded while an
// Invalidate() arrived is handed to the caller that started the load but is not kept as
// fresh.
//
// Per-core state, touched only on its core; the store outlives the cache.
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "runtime/task.h"
#include "store/metadata_store.h"

namespace ringmail {

class MailboxIndexCache {
 public:
  using Snapshot = std::shared_ptr<const MailboxIndex>;

  // `cores_max`: one more than the highest reactor core index that will call in.
  MailboxIndexCache(MetadataStore* store, size_t cores_max);
  ~MailboxIndexCache();
  MailboxIndexCache(const MailboxIndexCache&) = delete;
  MailboxIndexCache& operator=(const MailboxIndexCache&) = delete;

  // A session on this core opens / closes `mailbox_id`: the entry lives while it has users.
  void Acquire(int64_t mailbox_id);
  void Release(int64_t mailbox_id);
  // The index as loaded no earlier than the last Invalidate() of it on this core. Without
  // an entry (no Acquire), a plain load. Store errors pass through (kNotFound: deleted).
  Task<Result<Snapshot>> Get(int64_t mailbox_id);
  // The mailbox changed: the next Get() reloads.
  void Invalidate(int64_t mailbox_id);

  // This core's store loads so far (tests, metrics): all of them, and those that read only
  // the changes since the previous snapshot.
  uint64_t loads() const;
  uint64_t incremental_loads() const;

 private:
  struct Entry {
    Snapshot index;
    uint64_t generation = 0;         // Invalidate()s so far
    uint64_t loaded_generation = 0;  // generation when `index` was loaded
    size_t users = 0;
    bool loading = false;
    std::vector<std::coroutine_handle<>> waiters;  // Get()s waiting for `loading`
  };
  struct Core {
    std::unordered_map<int64_t, Entry> entries;
    uint64_t loads = 0;
    uint64_t incremental_loads = 0;
  };
  Core& CurrentCore() const;
  // The current index: `base` brought up to date, or (no base, or that failed) read whole.
  Task<Result<Snapshot>> Load(Core* core, int64_t mailbox_id, Snapshot base);

  MetadataStore* store_;
  std::vector<std::unique_ptr<Core>> cores_;
};

}  // namespace ringmail
