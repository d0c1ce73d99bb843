// FsFanout: which fan-out directories of a directory blob store (ROOT/ab/cd/<key>) this
// process knows to be durable — created, and their entries in their parents fsynced — so
// that a write into one of them needs to sync only its file and that directory
// (fs_blob_sync.h). A directory that merely exists is not known: another core may have just
// created it with its parent's fsync still in flight, or a process killed before that fsync
// may have left it only in the page cache. The first group that writes into such a directory
// fsyncs its parent too, and marks it here once that and the directory's own fsync succeeded.
//
// The first level (256 directories) is made at start (`PrepareLevel1`), so no delivery ever
// syncs the root. The second level (65,536 directories) is made on demand: a directory costs
// a 4 KiB block on ext4, and creating all of them at once would spend 256 MiB on a new store.
//
// Shared by every core (atomic bits, no lock); bits are only ever set.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

#include "base/result.h"

namespace ringmail {

class FsFanout {
 public:
  // Blocking, at start-up: creates the missing first-level directories under `root_fd` and
  // fsyncs each of them and the root (all at once, through a private io_uring), then marks
  // them known. Also syncs ROOT/tmp's entry (it is in the root).
  Result<void> PrepareLevel1(int root_fd);

  // `dir` is "ab" or "ab/cd" (lower-case hex).
  bool Known(std::string_view dir) const;
  void MarkKnown(std::string_view dir);

 private:
  // Bit index of "ab" (0..255) or "ab/cd" (0..65535); -1 for anything else.
  static int Index(std::string_view dir);

  std::array<std::atomic<uint64_t>, 256 / 64> level1_{};
  std::array<std::atomic<uint64_t>, 65536 / 64> level2_{};
};

}  // namespace ringmail
