// The stored form of a message in the blob store (docs/storage.md, "Blob objects"): a
// 32-byte header, the payload (the message, or its zstd frame), and a trailer with one
// XXH3-64 checksum per 64 KiB chunk of payload, so that every read — whole or ranged — is
// verified. Pure functions; any core.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace ringmail::blob_format {

inline constexpr size_t kHeaderSize = 32;
inline constexpr uint32_t kChunkLog2 = 16;                      // 64 KiB
inline constexpr uint64_t kMessageSizeMax = uint64_t{1} << 32;  // 4 GiB: far above any limit

enum class Compression : uint8_t { kNone = 0, kZstd = 1 };

struct Header {
  Compression compression = Compression::kNone;
  uint32_t chunk_log2 = kChunkLog2;
  uint64_t message_size = 0;
  uint64_t payload_size = 0;
  uint64_t chunk_count() const {
    return (payload_size + (uint64_t{1} << chunk_log2) - 1) >> chunk_log2;
  }
  uint64_t object_size() const { return kHeaderSize + payload_size + 8 * chunk_count(); }
};

// Encodes `message`; with kZstd the payload is compressed (level `zstd_level`) unless that
// does not make it smaller, in which case it is stored uncompressed.
std::string Encode(std::string_view message, Compression compression, int zstd_level = 3);

// Parses and verifies a header. kIo ("corrupt blob header") on any mismatch.
Result<Header> DecodeHeader(std::string_view object_prefix);

// Verifies every checksum of a whole object and returns the message. kIo on corruption.
Result<std::string> Decode(std::string_view object);

}  // namespace ringmail::blob_format
