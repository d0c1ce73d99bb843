// UploadSpool: a streamed upload's bytes as they arrive, in memory up to `memory_max` and in
// an anonymous temporary file beyond (O_TMPFILE in `dir`: gone with its descriptor, so a
// crash leaves nothing behind), hashed on the way (BlobKeyHasher). A large upload then costs
// disk, not memory: the spool holds at most memory_max bytes itself.
// Runs on the calling reactor core (file I/O through the ring); one spool per upload.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "runtime/task.h"
#include "store/blob_key_hasher.h"

namespace ringmail {

class UploadSpool {
 public:
  // `dir`: where the temporary file goes; best on the blob store's file system.
  UploadSpool(std::string dir, size_t memory_max) : dir_(std::move(dir)), memory_max_(memory_max) {}
  ~UploadSpool();  // closes the file (which removes it)
  UploadSpool(const UploadSpool&) = delete;
  UploadSpool& operator=(const UploadSpool&) = delete;

  // Appends `bytes` (valid until the task completes); the first append past memory_max moves
  // what is held to the file. kIo when the file cannot be created or written.
  Task<Result<void>> Append(std::string_view bytes);
  // The key of everything appended. REQUIRES: called once, after the last Append.
  BlobKey Finish() { return hasher_.Finish(); }

  uint64_t size() const { return size_; }
  // -1 while the bytes are in memory(); else the file holding the first size() bytes.
  int fd() const { return fd_; }
  std::string& memory() { return memory_; }

 private:
  Task<Result<void>> OpenFile();

  std::string dir_;
  size_t memory_max_;
  BlobKeyHasher hasher_;
  std::string memory_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

}  // namespace ringmail
