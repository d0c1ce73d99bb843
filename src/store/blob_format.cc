#include "store/blob_format.h"

#include <xxhash.h>
#include <zstd.h>

#include <cstring>

#include "store/blob_format_parts.h"

namespace ringmail::blob_format {
namespace {
constexpr char kMagic[4] = {'R', 'M', 'B', '1'};

void PutU64(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(v >> (8 * i));
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return v;
}
std::unexpected<Error> Corrupt(const char* what) {
  return MakeError(ErrorCode::kIo, std::string("corrupt blob: ") + what);
}
}  // namespace

std::string Encode(std::string_view message, Compression compression, int zstd_level) {
  std::string payload_storage;
  std::string_view payload = message;
  if (compression == Compression::kZstd) {
    payload_storage.resize(ZSTD_compressBound(message.size()));
    size_t n = ZSTD_compress(payload_storage.data(), payload_storage.size(), message.data(),
                             message.size(), zstd_level);
    if (!ZSTD_isError(n) && n < message.size()) {
      payload_storage.resize(n);
      payload = payload_storage;
    } else {
      compression = Compression::kNone;
    }
  }
  Header h;
  h.compression = compression;
  h.message_size = message.size();
  h.payload_size = payload.size();
  std::string out(h.object_size(), '\0');
  char* p = out.data();
  const std::string head = EncodeHeader(h);
  std::memcpy(p, head.data(), kHeaderSize);
  std::memcpy(p + kHeaderSize, payload.data(), payload.size());
  char* trailer = p + kHeaderSize + payload.size();
  const size_t chunk = size_t{1} << h.chunk_log2;
  for (uint64_t i = 0; i < h.chunk_count(); ++i) {
    size_t off = i * chunk;
    size_t len = std::min(chunk, payload.size() - off);
    PutU64(trailer + 8 * i, ChunkChecksum(payload.substr(off, len)));
  }
  return out;
}

Result<Header> DecodeHeader(std::string_view object_prefix) {
  if (object_prefix.size() < kHeaderSize) return Corrupt("shorter than its header");
  const char* p = object_prefix.data();
  if (std::memcmp(p, kMagic, 4) != 0) return Corrupt("bad magic");
  if (GetU64(p + 24) != XXH3_64bits(p, 24)) return Corrupt("header checksum mismatch");
  Header h;
  uint8_t compression = static_cast<uint8_t>(p[4]);
  if (compression > 1) return Corrupt("unknown compression");
  h.compression = static_cast<Compression>(compression);
  h.chunk_log2 = static_cast<uint8_t>(p[5]);
  if (h.chunk_log2 < 10 || h.chunk_log2 > 30) return Corrupt("bad chunk size");
  h.message_size = GetU64(p + 8);
  h.payload_size = GetU64(p + 16);
  if (h.message_size > kMessageSizeMax || h.payload_size > kMessageSizeMax) {
    return Corrupt("size out of range");
  }
  if (h.compression == Compression::kNone && h.payload_size != h.message_size) {
    return Corrupt("size mismatch");
  }
  return h;
}

Result<std::string> Decode(std::string_view object) {
  Header h = TRY(DecodeHeader(object));
  if (object.size() != h.object_size()) return Corrupt("object size does not match its header");
  std::string_view payload = object.substr(kHeaderSize, h.payload_size);
  const char* trailer = object.data() + kHeaderSize + h.payload_size;
  const size_t chunk = size_t{1} << h.chunk_log2;
  for (uint64_t i = 0; i < h.chunk_count(); ++i) {
    size_t off = i * chunk;
    size_t len = std::min(chunk, payload.size() - off);
    if (GetU64(trailer + 8 * i) != ChunkChecksum(payload.substr(off, len))) {
      return Corrupt("chunk checksum mismatch");
    }
  }
  if (h.compression == Compression::kNone) return std::string(payload);
  std::string message(h.message_size, '\0');
  size_t n = ZSTD_decompress(message.data(), message.size(), payload.data(), payload.size());
  if (ZSTD_isError(n) || n != h.message_size) return Corrupt("zstd payload does not decode");
  return message;
}

std::string EncodeHeader(const Header& header) {
  std::string out(kHeaderSize, '\0');
  char* p = out.data();
  std::memcpy(p, kMagic, 4);
  p[4] = static_cast<char>(header.compression);
  p[5] = static_cast<char>(header.chunk_log2);
  PutU64(p + 8, header.message_size);
  PutU64(p + 16, header.payload_size);
  PutU64(p + 24, XXH3_64bits(p, 24));
  return out;
}

uint64_t ChunkChecksum(std::string_view chunk) { return XXH3_64bits(chunk.data(), chunk.size()); }

uint64_t TrailerEntry(std::string_view entries, uint64_t index) {
  return GetU64(entries.data() + 8 * index);
}

void AppendTrailerEntry(std::string* trailer, uint64_t checksum) {
  char bytes[8];
  PutU64(bytes, checksum);
  trailer->append(bytes, 8);
}

}  // namespace ringmail::blob_format
