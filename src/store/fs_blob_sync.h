// FsSyncGroups: group commit for the directory blob store's writes. A Put writes its object to
// a temporary of ROOT/tmp, then hands it here; what makes it durable — fdatasync of the file,
// its fan-out directory made and its entry synced when not known durable yet
// (fs_blob_fanout.h), the rename into place, fsync of the directory it landed in — is done
// for every Put of the same reactor core waiting at that moment together, by one of them (the
// leader):
//
//   1. for each distinct target directory ab/cd not known durable: mkdir it (EEXIST is fine);
//   2. at once: fdatasync every file, fsync each ab holding such a directory (and the root
//      when an ab is not known durable either — only if one was removed since start);
//   3. close the files, rename each synced one into place;
//   4. at once: fsync each distinct ab/cd that received a file; mark them known durable.
//
// So a Put into a known directory (every one, once the store has been written a while) costs
// its file's fdatasync and a share of its directory's fsync, and no lookup of the directory;
// one into a directory new to this process adds its parent's fsync, once.
//
// Why groups and not one Put at a time: each fsync on ext4/xfs waits for a journal commit (on
// ext4 without a journal, it writes the inode and flushes the disk's cache). One Put alone
// pays two in a row (file, then directory); Puts made side by side each asked for their own.
// Submitted together (io_uring), the fsyncs of step 2 are served by one commit (or merged
// flush) and those of step 4 by another, whatever the group's size, and a Put still returns
// only once its blob is durable. Why not syncfs(2): it writes back every dirty page of the
// filesystem, other programs' included — right only when the blob directory has a filesystem
// of its own, which we cannot know.
//
// While a group syncs, the next Puts queue; when it is done the leader hands the lead to the
// first of them (so no Put waits behind more than the group in flight) and resumes the rest.
// Groups are per core (no locks on the path; one core's Puts never wait for another's).
#pragma once

#include <atomic>
#include <coroutine>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "runtime/reactor.h"
#include "runtime/task.h"
#include "store/fs_blob_fanout.h"

namespace ringmail {

class FsSyncGroups {
 public:
  explicit FsSyncGroups(int root_fd) : root_fd_(root_fd) {}
  FsSyncGroups(const FsSyncGroups&) = delete;
  FsSyncGroups& operator=(const FsSyncGroups&) = delete;
  ~FsSyncGroups();

  // Blocking, at start-up: the first fan-out level made and synced (FsFanout::PrepareLevel1).
  Result<void> Prepare() { return fanout_.PrepareLevel1(root_fd_); }

  // Makes the written temporary `temp` (open as `fd`, which this closes) durable as `path`
  // (both relative to the root, `path` = ab/cd/abcd…). On failure the temporary may remain
  // (the caller unlinks it). Runs on the calling core.
  Task<Result<void>> Commit(int fd, std::string temp, std::string path);

  struct Stats {
    uint64_t groups = 0;  // what the leaders synced, on every core
    uint64_t puts = 0;
    uint64_t dir_syncs = 0;  // fsyncs of directories (the root and fan-out levels)
  };
  Stats stats() const;

 private:
  struct Entry {
    int fd = -1;
    std::string temp;
    std::string path;
    Result<void> result;
    bool lead = false;  // resumed to lead the next group, not with its result
    std::coroutine_handle<> waiter;
  };
  struct Core {
    std::vector<Entry*> waiting;
    bool leading = false;  // a group is syncing
    uint64_t groups = 0;
    uint64_t puts = 0;
  };

  Core& CurrentCore();
  // Syncs the group waiting now (`self` among it), then passes the lead on and resumes the
  // others.
  Task<void> Lead(Core* core, Entry* self);
  Task<void> SyncGroup(std::vector<Entry*> group);
  // Step 1 above; fills `dirs_to_sync` with the directories whose entries need an fsync.
  Task<void> MakeParents(std::vector<Entry*> group, std::vector<std::string>* dirs_to_sync);
  // mkdir of each of `dirs` (relative to the root); fails the entries under one that could
  // not be made, and returns the second-level ones whose parent is missing.
  Task<std::vector<std::string>> MakeDirs(std::vector<Entry*> group, std::vector<std::string> dirs);

  const int root_fd_;
  FsFanout fanout_;
  std::atomic<uint64_t> dir_syncs_{0};
  mutable std::mutex mu_;  // guards cores_ (looked up once per Put)
  std::vector<std::pair<Reactor*, std::unique_ptr<Core>>> cores_;
};

}  // namespace ringmail
