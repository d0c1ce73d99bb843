// File operations on the current reactor's ring: opening, reading, writing, syncing and
// renaming files never block a reactor thread. Each call is one coroutine awaiting one or
// more io_uring operations; results are Result values (kIo with errno on failure).
//
// Descriptors returned are regular process descriptors owned by the caller (close them with
// Close). Paths are relative to `dir_fd` (AT_FDCWD for the working directory).
#pragma once

#include <fcntl.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "runtime/task.h"

namespace ringmail::file {

Task<Result<int>> OpenAt(int dir_fd, std::string path, int flags, mode_t mode = 0600);
Task<Result<void>> Close(int fd);
// Writes all of `data` at `offset`, in as many writes as it takes.
// REQUIRES: `data` stays valid until the task completes.
Task<Result<void>> WriteAll(int fd, std::string_view data, uint64_t offset);
// Reads up to `max_bytes` from `offset` (fewer at end of file) and appends them to `out`.
Task<Result<void>> ReadAt(int fd, uint64_t offset, size_t max_bytes, std::string* out);
// fsync (fdatasync when `data_only`).
Task<Result<void>> Sync(int fd, bool data_only = false);
Task<Result<void>> RenameAt(int old_dir_fd, std::string old_path, int new_dir_fd,
                            std::string new_path);
Task<Result<void>> UnlinkAt(int dir_fd, std::string path);
// Creates a directory; an existing one is not an error.
Task<Result<void>> MkdirAt(int dir_fd, std::string path, mode_t mode = 0700);
// Size in bytes of the file at `path`; kNotFound when it does not exist.
Task<Result<uint64_t>> FileSize(int dir_fd, std::string path);

}  // namespace ringmail::file
