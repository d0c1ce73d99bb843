// The pieces of the stored blob format (store/blob_format.h), for readers and writers that
// stream an object (store/blob_stream.h, store/blob_encoder.h) instead of holding it whole.
// Pure functions; any core.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/blob_format.h"

namespace ringmail::blob_format {

// The 32 header bytes of `header`.
std::string EncodeHeader(const Header& header);
// The checksum of one payload chunk, as the trailer stores it.
uint64_t ChunkChecksum(std::string_view chunk);
// Trailer entry `index` of the trailer bytes `entries` (8 bytes each, little-endian).
// REQUIRES: 8 * (index + 1) <= entries.size().
uint64_t TrailerEntry(std::string_view entries, uint64_t index);
// Appends one trailer entry.
void AppendTrailerEntry(std::string* trailer, uint64_t checksum);

}  // namespace ringmail::blob_format
