#include "runtime/file_io.h"

#include <liburing.h>
#include <sys/stat.h>

#include <cerrno>

#include "runtime/awaitables.h"
#include "runtime/reactor.h"

namespace ringmail::file {
namespace {
// One submitted operation's result.
struct Op {
  ResumeCompletion completion;
  io_uring_sqe* sqe;
  Op() : sqe(Reactor::Current()->Prepare(&completion)) {}
};
}  // namespace

Task<Result<int>> OpenAt(int dir_fd, std::string path, int flags, mode_t mode) {
  Op op;
  io_uring_prep_openat(op.sqe, dir_fd, path.c_str(), flags | O_CLOEXEC, mode);
  int32_t res = co_await WaitFor(op.completion);
  if (res < 0) {
    if (res == -ENOENT) co_return MakeError(ErrorCode::kNotFound, "open " + path + ": not found");
    co_return SysError("open " + path, res);
  }
  co_return res;
}

Task<Result<void>> Close(int fd) {
  Op op;
  io_uring_prep_close(op.sqe, fd);
  int32_t res = co_await WaitFor(op.completion);
  if (res < 0) co_return SysError("close", res);
  co_return Result<void>{};
}

Task<Result<void>> WriteAll(int fd, std::string_view data, uint64_t offset) {
  while (!data.empty()) {
    Op op;
    io_uring_prep_write(op.sqe, fd, data.data(), static_cast<unsigned>(data.size()), offset);
    int32_t res = co_await WaitFor(op.completion);
    if (res < 0) co_return SysError("write", res);
    if (res == 0) co_return SysError("write made no progress", EIO);
    data.remove_prefix(static_cast<size_t>(res));
    offset += static_cast<uint64_t>(res);
  }
  co_return Result<void>{};
}

Task<Result<void>> ReadAt(int fd, uint64_t offset, size_t max_bytes, std::string* out) {
  const size_t start = out->size();
  out->resize(start + max_bytes);
  size_t got = 0;
  while (got < max_bytes) {
    Op op;
    io_uring_prep_read(op.sqe, fd, out->data() + start + got,
                       static_cast<unsigned>(max_bytes - got), offset + got);
    int32_t res = co_await WaitFor(op.completion);
    if (res < 0) {
      out->resize(start);
      co_return SysError("read", res);
    }
    if (res == 0) break;  // end of file
    got += static_cast<size_t>(res);
  }
  out->resize(start + got);
  co_return Result<void>{};
}

Task<Result<void>> Sync(int fd, bool data_only) {
  Op op;
  io_uring_prep_fsync(op.sqe, fd, data_only ? IORING_FSYNC_DATASYNC : 0);
  int32_t res = co_await WaitFor(op.completion);
  if (res < 0) co_return SysError("fsync", res);
  co_return Result<void>{};
}

Task<Result<void>> RenameAt(int old_dir_fd, std::string old_path, int new_dir_fd,
                            std::string new_path) {
  Op op;
  io_uring_prep_renameat(op.sqe, old_dir_fd, old_path.c_str(), new_dir_fd, new_path.c_str(), 0);
  int32_t res = co_await WaitFor(op.completion);
  if (res < 0) co_return SysError("rename " + old_path + " to " + new_path, res);
  co_return Result<void>{};
}

Task<Result<void>> UnlinkAt(int dir_fd, std::string path) {
  Op op;
  io_uring_prep_unlinkat(op.sqe, dir_fd, path.c_str(), 0);
  int32_t res = co_await WaitFor(op.completion);
  if (res == -ENOENT) co_return MakeError(ErrorCode::kNotFound, "unlink " + path + ": not found");
  if (res < 0) co_return SysError("unlink " + path, res);
  co_return Result<void>{};
}

Task<Result<void>> MkdirAt(int dir_fd, std::string path, mode_t mode) {
  Op op;
  io_uring_prep_mkdirat(op.sqe, dir_fd, path.c_str(), mode);
  int32_t res = co_await WaitFor(op.completion);
  if (res < 0 && res != -EEXIST) co_return SysError("mkdir " + path, res);
  co_return Result<void>{};
}

Task<Result<uint64_t>> FileSize(int dir_fd, std::string path) {
  struct statx stx {};
  Op op;
  io_uring_prep_statx(op.sqe, dir_fd, path.c_str(), 0, STATX_SIZE, &stx);
  int32_t res = co_await WaitFor(op.completion);
  if (res == -ENOENT) co_return MakeError(ErrorCode::kNotFound, path + ": not found");
  if (res < 0) co_return SysError("statx " + path, res);
  co_return static_cast<uint64_t>(stx.stx_size);
}

}  // namespace ringmail::file
