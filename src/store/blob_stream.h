// Reading a blob piece by piece (a download of any size in bounded memory): BlobReader, and
// the verified reader every backend builds from its own ObjectSource.
//
// The stored form (store/blob_format.h) keeps one XXH3 checksum per 64 KiB chunk of payload,
// so a reader verifies each chunk before it hands out any byte decoded from it: a corrupt
// object ends the read with kIo at the first bad chunk, never with bad bytes. A zstd payload
// is decompressed as it goes; a frame that ends early, late, or at another size than the
// header says is corrupt too, found at the end (the caller has sent the earlier pieces by then
// and must abort whatever carries them, as the HTTP download does).
//
// Runs on the calling reactor core; one reader per download, not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/result.h"
#include "runtime/task.h"
#include "store/blob_format.h"

namespace ringmail {

// The most message bytes one BlobReader::Next appends, and about the most payload it reads:
// a reader holds a few times this much, whatever the blob's size.
inline constexpr size_t kBlobPieceMax = 256 * 1024;

class BlobReader {
 public:
  virtual ~BlobReader() = default;
  // The message's size, from the object's header.
  virtual uint64_t size() const = 0;
  // Appends the next 1..kBlobPieceMax message bytes to *out; false once all were returned
  // (nothing appended). kIo on corruption, the backend's error on a failed read; after an
  // error the reader must not be used again.
  virtual Task<Result<bool>> Next(std::string* out) = 0;
  // Before the first Next: moves the reader to a message offset at or before `offset`
  // (<= size()) from which it can start without reading what comes before, and returns it;
  // the next Next returns bytes from there. Default: 0 (it cannot skip). A verified reader of
  // an object stored as it is starts at the 64 KiB chunk holding `offset`; a zstd payload
  // can only be decoded from its start.
  virtual uint64_t SeekNear(uint64_t /*offset*/) { return 0; }
};

// The bytes of one stored object, read at offsets: what a backend provides to
// OpenVerifiedReader (a file, ranged GETs of an S3 object).
class ObjectSource {
 public:
  virtual ~ObjectSource() = default;
  // Appends exactly `size` bytes from `offset` to *out; kIo when the object ends first.
  virtual Task<Result<void>> ReadAt(uint64_t offset, size_t size, std::string* out) = 0;
};

// Reads and verifies the object's header, then returns a reader of its message.
// `object_size`, when the backend knows it, must match the header (kIo otherwise).
Task<Result<std::unique_ptr<BlobReader>>> OpenVerifiedReader(std::unique_ptr<ObjectSource> source,
                                                             std::optional<uint64_t> object_size);

// The bytes [first, first + length) of what `reader` reads (first + length <= its size):
// skips what it can (SeekNear), drops the rest of what comes before, and stops reading once
// the range is out, so only the chunks holding the range (and, for a zstd payload, those
// before it) are read and verified. kIo when the reader ends before the range does.
std::unique_ptr<BlobReader> RangeBlobReader(std::unique_ptr<BlobReader> reader, uint64_t first,
                                            uint64_t length);

// A reader over a message already in memory (BlobStore's default OpenReader).
std::unique_ptr<BlobReader> MemoryBlobReader(std::string message);

}  // namespace ringmail
