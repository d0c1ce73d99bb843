#include "store/fs_blob_fanout.h"

#include <fcntl.h>
#include <liburing.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

namespace ringmail {
namespace {

constexpr int kLevel1Count = 256;
constexpr unsigned kSyncsInFlight = 64;  // also bounds the descriptors held open at once

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int HexByte(std::string_view two) {
  const int high = HexDigit(two[0]);
  const int low = HexDigit(two[1]);
  return high < 0 || low < 0 ? -1 : high * 16 + low;
}

std::string Level1Name(int i) {
  static constexpr char kHex[] = "0123456789abcdef";
  return {kHex[(i >> 4) & 0xf], kHex[i & 0xf]};
}

// fsyncs `fds` together on `ring`; the first error, if any.
Result<void> SyncAll(io_uring* ring, const std::vector<int>& fds) {
  for (int fd : fds) io_uring_prep_fsync(io_uring_get_sqe(ring), fd, 0);
  const int submitted = io_uring_submit_and_wait(ring, static_cast<unsigned>(fds.size()));
  if (submitted < 0) return SysError("io_uring_submit", -submitted);
  Result<void> result;
  for (size_t done = 0; done < fds.size(); ++done) {
    io_uring_cqe* cqe = nullptr;
    const int waited = io_uring_wait_cqe(ring, &cqe);
    if (waited < 0) return SysError("io_uring_wait_cqe", -waited);
    if (cqe->res < 0 && result) result = SysError("fsync of a blob directory", -cqe->res);
    io_uring_cqe_seen(ring, cqe);
  }
  return result;
}

// Opens and fsyncs the first-level directories in [first, last) and, when `with_root`, the
// root: all in flight at once.
Result<void> SyncLevel1(io_uring* ring, int root_fd, int first, int last, bool with_root) {
  std::vector<int> fds;
  Result<void> result;
  for (int i = first; i < last; ++i) {
    const std::string name = Level1Name(i);
    const int fd = ::openat(root_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      result = SysError("open blob directory " + name, errno);
      break;
    }
    fds.push_back(fd);
  }
  if (result) {
    if (with_root) fds.push_back(root_fd);
    result = SyncAll(ring, fds);
    if (with_root) fds.pop_back();
  }
  for (int fd : fds) ::close(fd);
  return result;
}

}  // namespace

Result<void> FsFanout::PrepareLevel1(int root_fd) {
  for (int i = 0; i < kLevel1Count; ++i) {
    const std::string name = Level1Name(i);
    if (::mkdirat(root_fd, name.c_str(), 0700) != 0 && errno != EEXIST) {
      return SysError("mkdir blob directory " + name, errno);
    }
  }
  // Synced even when they existed: a process killed before syncing may have left them in the
  // page cache only. Each fsync flushes the disk's cache; in flight together they share it.
  io_uring ring;
  const int init = io_uring_queue_init(kSyncsInFlight + 1, &ring, 0);
  if (init < 0) return SysError("io_uring_queue_init", -init);
  Result<void> result;
  for (int first = 0; first < kLevel1Count && result; first += kSyncsInFlight) {
    const int last = std::min(kLevel1Count, first + static_cast<int>(kSyncsInFlight));
    result = SyncLevel1(&ring, root_fd, first, last, last == kLevel1Count);
  }
  io_uring_queue_exit(&ring);
  if (!result) return result;
  for (std::atomic<uint64_t>& word : level1_) word.store(~uint64_t{0}, std::memory_order_release);
  return {};
}

int FsFanout::Index(std::string_view dir) {
  if (dir.size() == 2) return HexByte(dir);
  if (dir.size() != 5 || dir[2] != '/') return -1;
  const int high = HexByte(dir.substr(0, 2));
  const int low = HexByte(dir.substr(3, 2));
  return high < 0 || low < 0 ? -1 : high * 256 + low;
}

bool FsFanout::Known(std::string_view dir) const {
  const int index = Index(dir);
  if (index < 0) return false;
  const std::atomic<uint64_t>& word = dir.size() == 2 ? level1_[index / 64] : level2_[index / 64];
  return ((word.load(std::memory_order_acquire) >> (index % 64)) & 1) != 0;
}

void FsFanout::MarkKnown(std::string_view dir) {
  const int index = Index(dir);
  if (index < 0) return;
  std::atomic<uint64_t>& word = dir.size() == 2 ? level1_[index / 64] : level2_[index / 64];
  word.fetch_or(uint64_t{1} << (index % 64), std::memory_order_release);
}

}  // namespace ringmail
