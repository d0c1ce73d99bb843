#include "store/fs_blob_sync.h"

#include <fcntl.h>
#include <liburing.h>
#include <sys/stat.h>

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

Task<void> FsSyncGroups::MakeParents(std::vector<Entry*> group,
                                     std::vector<std::string>* dirs_to_sync) {
  // Each fan-out level is created once and then exists for good; a level created here is
  // made durable by syncing its parent (step 2).
  const std::vector<std::string> level2 = DistinctPrefixes(group, kLevel2Length);
  std::vector<struct statx> stx(level2.size());
  IoBatch stat(level2.size());
  for (size_t i = 0; i < level2.size(); ++i) {
    io_uring_prep_statx(stat.Prepare(i), root_fd_, level2[i].c_str(), 0, STATX_TYPE, &stx[i]);
  }
  co_await stat.Wait();
  std::vector<std::string> missing;
  for (size_t i = 0; i < level2.size(); ++i) {
    if (stat.result(i) < 0) missing.push_back(level2[i]);
  }
  if (missing.empty()) co_return;
  std::vector<std::string> level1;
  for (const std::string& dir : missing) {
    std::string parent = dir.substr(0, kLevel1Length);
    if (std::find(level1.begin(), level1.end(), parent) == level1.end()) {
      level1.push_back(std::move(parent));
    }
  }
  IoBatch mkdir1(level1.size());
  for (size_t i = 0; i < level1.size(); ++i) {
    io_uring_prep_mkdirat(mkdir1.Prepare(i), root_fd_, level1[i].c_str(), 0700);
  }
  co_await mkdir1.Wait();
  IoBatch mkdir2(missing.size());
  for (size_t i = 0; i < missing.size(); ++i) {
    io_uring_prep_mkdirat(mkdir2.Prepare(i), root_fd_, missing[i].c_str(), 0700);
  }
  co_await mkdir2.Wait();
  for (size_t i = 0; i < level1.size(); ++i) {
    const int32_t res = mkdir1.result(i);
    if (res < 0 && res != -EEXIST) FailUnder(group, level1[i] + "/", res, "mkdir " + level1[i]);
  }
  for (size_t i = 0; i < missing.size(); ++i) {
    const int32_t res = mkdir2.result(i);
    if (res < 0 && res != -EEXIST) FailUnder(group, missing[i] + "/", res, "mkdir " + missing[i]);
  }
  dirs_to_sync->push_back(".");
  for (std::string& dir : level1) dirs_to_sync->push_back(std::move(dir));
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
  if (!targets_synced) {
    for (Entry* e : group) {
      if (e->result) e->result = std::unexpected(targets_synced.error());
    }
  }
}

}  // namespace ringmail
