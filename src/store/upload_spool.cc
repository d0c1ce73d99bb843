#include "store/upload_spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>

#include "runtime/file_io.h"

namespace ringmail {
namespace {
std::atomic<uint64_t> g_spool_counter{0};
}  // namespace

// close(2) of a regular file's descriptor does not wait on the disk.
UploadSpool::~UploadSpool() {
  if (fd_ >= 0) ::close(fd_);
}

Task<Result<void>> UploadSpool::OpenFile() {
  Result<int> fd = co_await file::OpenAt(AT_FDCWD, dir_, O_TMPFILE | O_RDWR, 0600);
  if (!fd) {  // a file system without O_TMPFILE: a named file, removed at once
    const std::string name = dir_ + "/upload-" + std::to_string(::getpid()) + "-" +
                             std::to_string(g_spool_counter.fetch_add(1));
    fd = co_await file::OpenAt(AT_FDCWD, name, O_CREAT | O_EXCL | O_RDWR, 0600);
    if (!fd) co_return std::unexpected(fd.error());
    (void)co_await file::UnlinkAt(AT_FDCWD, name);
  }
  fd_ = *fd;
  co_return Result<void>{};
}

Task<Result<void>> UploadSpool::Append(std::string_view bytes) {
  hasher_.Update(bytes);
  if (fd_ < 0 && memory_.size() + bytes.size() <= memory_max_) {
    memory_.append(bytes);
    size_ += bytes.size();
    co_return Result<void>{};
  }
  if (fd_ < 0) {
    Result<void> opened = co_await OpenFile();
    if (!opened) co_return opened;
    Result<void> moved = co_await file::WriteAll(fd_, memory_, 0);
    if (!moved) co_return moved;
    std::string().swap(memory_);
  }
  Result<void> written = co_await file::WriteAll(fd_, bytes, size_);
  if (!written) co_return written;
  size_ += bytes.size();
  co_return Result<void>{};
}

}  // namespace ringmail
