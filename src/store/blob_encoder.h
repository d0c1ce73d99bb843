// BlobEncoder: the stored form of a message (store/blob_format.h) produced from the message
// fed in pieces, so a large upload is written to the blob store without ever being whole in
// memory. It holds at most one 64 KiB payload chunk, the trailer (8 bytes per chunk) and a
// zstd stream's state. The bytes it produces equal a valid object: header() at offset 0, the
// payload from kHeaderSize on, then trailer().
//
// With kZstd the payload is a zstd frame; unlike blob_format::Encode, the encoder cannot
// fall back to storing the message as it is once the frame turns out larger: the caller
// checks payload_size() against the message size and encodes again with kNone then.
// Pure code, any core; one encoder per object.
#pragma once

#include <zstd.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "store/blob_format.h"

namespace ringmail {

class BlobEncoder {
 public:
  // REQUIRES: message_size is the exact total of what Add will be given.
  BlobEncoder(blob_format::Compression compression, uint64_t message_size, int zstd_level = 3);

  // Appends to *payload the payload bytes that `piece` of the message makes (with kZstd,
  // possibly none yet).
  void Add(std::string_view piece, std::string* payload);
  // Appends the last payload bytes. After it, header() and trailer() are final.
  void Finish(std::string* payload);

  uint64_t payload_size() const { return payload_size_; }  // produced so far
  blob_format::Header header() const;
  const std::string& trailer() const { return trailer_; }

 private:
  struct CctxFree {
    void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
  };
  // Checksums the payload bytes, chunk by chunk, and appends them to *payload.
  void Emit(std::string_view bytes, std::string* payload);
  void Compress(std::string_view piece, ZSTD_EndDirective mode, std::string* payload);

  blob_format::Compression compression_;
  uint64_t message_size_;
  std::unique_ptr<ZSTD_CCtx, CctxFree> cctx_;
  std::string chunk_;    // payload of the current, unfinished chunk
  std::string trailer_;  // one entry per finished chunk
  uint64_t payload_size_ = 0;
};

}  // namespace ringmail
