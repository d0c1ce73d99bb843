#include "store/fs_blob_sync.h"

#include <fcntl.h>
#include <liburing.h>

#include <algorithm>
#include <cerrno>

#include "runtime/awaitables.h"
#include "runtime/io_batch.h"

namespace ringmail {
namespace {

constexpr size_t kLevel2Length = 5;  // "ab/cd"
constexpr size_t kLevel1Length = 2;  // "ab"

// The distinct prefixes of length `length` of the paths of the entries still without error.
template <typename Entry>
std::vector<std::string> DistinctPrefixes(const std::vector<Entry*>& group, size_t length) {
  std::vector<std::string> out;
  for (const Entry* e : group) {
    if (!e->result) continue;
    std::string prefix = e->path.substr(0, length);
    if (std::find(out.begin(), out.end(), prefix) == out.end()) out.push_back(std::move(prefix));
  }
  return out;
}

void AddUnique(std::vector<std::string>* list, std::string value) {
  if (std::find(list->begin(), list->end(), value) == list->end())
    list->push_back(std::move(value));
}

// Fails every entry (still without error) whose path starts with `prefix` ("" for all).
template <typename Entry>
void FailUnder(const std::vector<Entry*>& group, const std::string& prefix, int32_t res,
               const std::string& what) {
  for (Entry* e : group) {
    if (e->result && e->path.starts_with(prefix)) e->result = SysError(what, -res);
  }
}

}  // namespace

FsSyncGroups::~FsSyncGroups() = default;

FsSyncGroups::Core& FsSyncGroups::CurrentCore() {
  Reactor* reactor = Reactor::Current();
  std::lock_guard lock(mu_);
  for (auto& [r, core] : cores_) {
    if (r == reactor) return *core;
  }
  cores_.emplace_back(reactor, std::make_unique<Core>());
  return *cores_.back().second;
}

FsSyncGroups::Stats FsSyncGroups::stats() const {
  std::lock_guard lock(mu_);
  Stats s;
  for (const auto& [r, core] : cores_) {
    s.groups += core->groups;
    s.puts += core->puts;
  }
  s.dir_syncs = dir_syncs_.load(std::memory_order_relaxed);
  return s;
}

Task<Result<void>> FsSyncGroups::Commit(int fd, std::string temp, std::string path) {
  Core* core = &CurrentCore();
  Entry entry;
  entry.fd = fd;
  entry.temp = std::move(temp);
  entry.path = std::move(path);
  core->waiting.push_back(&entry);
  if (core->leading) {
    co_await WaitUntil{&entry.waiter};  // with its result, or to lead the next group
  } else {
    core->leading = true;
    entry.lead = true;
  }
  if (entry.lead) co_await Lead(core, &entry);
  co_return std::move(entry.result);
}

Task<void> FsSyncGroups::Lead(Core* core, Entry* self) {
  std::vector<Entry*> group;
  group.swap(core->waiting);
  co_await SyncGroup(group);
  ++core->groups;
  core->puts += group.size();
  // The first Put that queued meanwhile leads the next group (its fsyncs start now); then
  // the members of this one go on with their results. Nothing here touches an entry after
  // resuming it: its frame may be gone.
  Entry* next = core->waiting.empty() ? nullptr : core->waiting.front();
  if (next != nullptr) {
    next->lead = true;
    next->waiter.resume();
  } else {
    core->leading = false;
  }
  for (Entry* e : group) {
    if (e != self) e->waiter.resume();
  }
}

Task<std::vector<std::string>> FsSyncGroups::MakeDirs(std::vector<Entry*> group,
                                                      std::vector<std::string> dirs) {
  IoBatch made(dirs.size());
  for (size_t i = 0; i < dirs.size(); ++i) {
    io_uring_prep_mkdirat(made.Prepare(i), root_fd_, dirs[i].c_str(), 0700);
  }
  co_await made.Wait();
  std::vector<std::string> orphans;
  for (size_t i = 0; i < dirs.size(); ++i) {
    const int32_t res = made.result(i);
    if (res == -ENOENT && dirs[i].size() == kLevel2Length) {
      orphans.push_back(std::move(dirs[i]));
    } else if (res < 0 && res != -EEXIST) {
      FailUnder(group, dirs[i] + "/", res, "mkdir " + dirs[i]);
    }
  }
  co_return orphans;
}

Task<void> FsSyncGroups::MakeParents(std::vector<Entry*> group,
                                     std::vector<std::string>* dirs_to_sync) {
  std::vector<std::string> unknown;
  for (std::string& dir : DistinctPrefixes(group, kLevel2Length)) {
    if (!fanout_.Known(dir)) unknown.push_back(std::move(dir));
  }
  if (unknown.empty()) co_return;  // the usual case once the store has been written a while
  // Made where missing (one mkdir each: EEXIST is the answer for an existing one). The first
  // level was made at start; only a directory removed since is made again here.
  std::vector<std::string> orphans = co_await MakeDirs(group, std::move(unknown));
  bool made_level1 = false;
  if (!orphans.empty()) {
    std::vector<std::string> level1;
    for (const std::string& dir : orphans) AddUnique(&level1, dir.substr(0, kLevel1Length));
    co_await MakeDirs(group, std::move(level1));
    co_await MakeDirs(group, std::move(orphans));
    made_level1 = true;
  }
  // Each directory not yet known durable gets its parent synced, new or found; the parent's
  // parent (the root) too when the parent is not known either.
  for (const std::string& dir : DistinctPrefixes(group, kLevel2Length)) {
    if (fanout_.Known(dir)) continue;
    std::string parent = dir.substr(0, kLevel1Length);
    if (made_level1 || !fanout_.Known(parent)) AddUnique(dirs_to_sync, ".");
    AddUnique(dirs_to_sync, std::move(parent));
  }
}

namespace {
// Opens the directories `dirs` ("." is the root, already open), fsyncs them with `fds`
// (fdatasync each: the files), and closes what it opened. Returns the first directory error.
Task<Result<void>> SyncFilesAndDirs(int root_fd, std::vector<std::string> dirs,
                                    std::vector<int> file_fds, std::vector<int32_t>* file_results) {
  IoBatch open(dirs.size());
  for (size_t i = 0; i < dirs.size(); ++i) {
    if (dirs[i] != ".") {
      io_uring_prep_openat(open.Prepare(i), root_fd, dirs[i].c_str(),
                           O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    }
  }
  co_await open.Wait();
  Result<void> dirs_synced;
  std::vector<int> dir_fds(dirs.size(), -1);
  for (size_t i = 0; i < dirs.size(); ++i) {
    dir_fds[i] = dirs[i] == "." ? root_fd : open.result(i);
    if (dir_fds[i] < 0 && dirs_synced) dirs_synced = SysError("open " + dirs[i], -dir_fds[i]);
  }
  IoBatch sync(file_fds.size() + dirs.size());
  for (size_t i = 0; i < file_fds.size(); ++i) {
    if (file_fds[i] >= 0) {
      io_uring_prep_fsync(sync.Prepare(i), file_fds[i], IORING_FSYNC_DATASYNC);
    }
  }
  for (size_t i = 0; i < dirs.size(); ++i) {
    if (dir_fds[i] >= 0) io_uring_prep_fsync(sync.Prepare(file_fds.size() + i), dir_fds[i], 0);
  }
  co_await sync.Wait();
  file_results->assign(file_fds.size(), 0);
  for (size_t i = 0; i < file_fds.size(); ++i) (*file_results)[i] = sync.result(i);
  IoBatch close(dirs.size());
  for (size_t i = 0; i < dirs.size(); ++i) {
    const int32_t res = sync.result(file_fds.size() + i);
    if (dir_fds[i] >= 0 && res < 0 && dirs_synced) dirs_synced = SysError("fsync " + dirs[i], -res);
    if (dir_fds[i] >= 0 && dirs[i] != ".") io_uring_prep_close(close.Prepare(i), dir_fds[i]);
  }
  co_await close.Wait();
  co_return dirs_synced;
}
}  // namespace

Task<void> FsSyncGroups::SyncGroup(std::vector<Entry*> group) {
  std::vector<std::string> parents;
  co_await MakeParents(group, &parents);
  // Step 2: the files' data and the new directories' entries, all at once.
  std::vector<int> fds(group.size(), -1);
  for (size_t i = 0; i < group.size(); ++i) {
    if (group[i]->result) fds[i] = group[i]->fd;
  }
  std::vector<int32_t> synced;
  Result<void> parents_synced = co_await SyncFilesAndDirs(root_fd_, parents, fds, &synced);
  dir_syncs_.fetch_add(parents.size(), std::memory_order_relaxed);
  if (parents_synced) {
    // A first-level directory listed here had the root synced with it when it needed that.
    for (const std::string& dir : parents) {
      if (dir != ".") fanout_.MarkKnown(dir);
    }
  }
  // Step 3: close every file, rename the synced ones into place.
  IoBatch moves(2 * group.size());
  for (size_t i = 0; i < group.size(); ++i) {
    Entry* e = group[i];
    if (e->result && synced[i] < 0) e->result = SysError("fdatasync " + e->temp, -synced[i]);
    if (e->result && !parents_synced) e->result = std::unexpected(parents_synced.error());
    io_uring_prep_close(moves.Prepare(2 * i), e->fd);
    if (e->result) {
      io_uring_prep_renameat(moves.Prepare(2 * i + 1), root_fd_, e->temp.c_str(), root_fd_,
                             e->path.c_str(), 0);
    }
  }
  co_await moves.Wait();
  for (size_t i = 0; i < group.size(); ++i) {
    Entry* e = group[i];
    if (!e->result) continue;
    const int32_t closed = moves.result(2 * i);
    const int32_t renamed = moves.result(2 * i + 1);
    if (renamed < 0) {
      e->result = SysError("rename " + e->temp + " to " + e->path, -renamed);
    } else if (closed < 0) {
      e->result = SysError("close " + e->temp, -closed);
    }
  }
  // Step 4: each directory that received a file, once.
  const std::vector<std::string> targets = DistinctPrefixes(group, kLevel2Length);
  std::vector<int32_t> unused;
  Result<void> targets_synced =
      co_await SyncFilesAndDirs(root_fd_, targets, std::vector<int>(), &unused);
  dir_syncs_.fetch_add(targets.size(), std::memory_order_relaxed);
  if (!targets_synced) {
    for (Entry* e : group) {
      if (e->result) e->result = std::unexpected(targets_synced.error());
    }
    co_return;
  }
  // Each target's entry in its parent was synced in step 2 unless it was known already, and
  // its own inode just now.
  for (const std::string& dir : targets) fanout_.MarkKnown(dir);
}

}  // namespace ringmail
