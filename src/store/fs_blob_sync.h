// FsSyncGroups: group commit for the directory blob store's writes. A Put writes its object to
// a temporary of ROOT/tmp, then hands it here; what makes it durable — fdatasync of the file,
// the fan-out directories created and fsynced when missing, the rename into place, fsync of
// the directory it landed in — is done for every Put of the same reactor core waiting at that
// moment together, by one of them (the leader):
//
//   1. statx each distinct target directory ab/cd; create the missing ones (ab, then ab/cd);
//   2. at once: fdatasync every file, fsync ROOT and each ab whose ab/cd was just created;
//   3. close the files, rename each synced one into place;
//   4. at once: fsync each distinct ab/cd that received a file.
//
// Why this and not one Put at a time: each fsync on ext4/xfs waits for a journal commit. One
// Put alone pays two commits in a row (file, then directory) and four when it creates its
// fan-out directories; Puts made side by side each asked for their own. Submitted together
// (io_uring), the fsyncs of step 2 are served by one commit and those of step 4 by another,
// whatever the group's size: about two commits per group instead of two to four per message,
// and a Put still returns only once its blob is durable. Why not syncfs(2): it writes back
// every dirty page of the filesystem, other programs' included — right only when the blob
// directory has a filesystem of its own, which we cannot know.
//
// While a group syncs, the next Puts queue; when it is done the leader hands the lead to the
// first of them (so no Put waits behind more than the group in flight) and resumes the rest.
// Groups are per core (no locks on the path; one core's Puts never wait for another's).
#pragma once

#include <coroutine>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "runtime/reactor.h"
#include "runtime/task.h"

namespace ringmail {

class FsSyncGroups {
 public:
  explicit FsSyncGroups(int root_fd) : root_fd_(root_fd) {}
  FsSyncGroups(const FsSyncGroups&) = delete;
  FsSyncGroups& operator=(const FsSyncGroups&) = delete;
  ~FsSyncGroups();

  // Makes the written temporary `temp` (open as `fd`, which this closes) durable as `path`
  // (both relative to the root, `path` = ab/cd/abcd…). On failure the temporary may remain
  // (the caller unlinks it). Runs on the calling core.
  Task<Result<void>> Commit(int fd, std::string temp, std::string path);

  struct Stats {
    uint64_t groups = 0;  // what the leaders synced, on every core
    uint64_t puts = 0;
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
  // Step 1 above; fills `dirs_to_sync` with the directories whose new entries need an fsync.
  Task<void> MakeParents(std::vector<Entry*> group, std::vector<std::string>* dirs_to_sync);

  const int root_fd_;
  mutable std::mutex mu_;  // guards cores_ (looked up once per Put)
  std::vector<std::pair<Reactor*, std::unique_ptr<Core>>> cores_;
};

}  // namespace ringmail
