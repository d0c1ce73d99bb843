// The directory walks of the local-directory blob store (store/fs_blob_store.h): listing its
// objects in key order, and removing the temporaries of writes that never finished. They call
// readdir and fstatat, which may block on the disk, so FsBlobStore runs them on its worker
// pool. Any thread; the root descriptor is only read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/result.h"
#include "store/blob_store.h"

namespace ringmail::fs_blobs {

// Names read from one directory at most: a fan-out directory of a sound store holds a few
// thousand objects even with a billion of them.
inline constexpr size_t kDirectoryEntriesMax = size_t{1} << 20;

// Up to `max` (1..kBlobPageMax) objects ROOT/ab/cd/<64 lower-case hex digits, starting abcd>
// whose key sorts after `after` (a key's hex, or "" for the first page), ascending. Anything
// else under ROOT (tmp/, stray files) is skipped. The page's cursor is its last key when the
// page is full, "" otherwise. kInvalidArgument for a malformed `after` or `max`; kIo when a
// directory cannot be read or holds more than kDirectoryEntriesMax names.
Result<BlobPage> ListObjects(int root_fd, std::string_view after, size_t max);

// Unlinks the regular files in ROOT/tmp last modified before `before` (Unix seconds); returns
// how many. A file that vanishes meanwhile is skipped.
Result<size_t> RemoveTemporaries(int root_fd, int64_t before);

}  // namespace ringmail::fs_blobs
