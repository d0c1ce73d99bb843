#include "store/postgres/pg_index.h"

#include <algorithm>
#include <cstdint>

namespace ringmail::postgres {
namespace {

constexpr uint8_t kFlagBitsAll =
    kFlagBitSeen | kFlagBitAnswered | kFlagBitFlagged | kFlagBitDeleted | kFlagBitDraft;

uint64_t BigEndian64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<uint8_t>(p[i]);
  return v;
}

Error Malformed(const std::string& why) {
  return Error{ErrorCode::kInternal, "PostgreSQL index entries: " + why, 0};
}

}  // namespace

Result<std::vector<IndexEntry>> DecodeIndexEntries(std::string_view packed) {
  if (packed.size() % kIndexEntryBytes != 0) {
    return std::unexpected(Malformed(std::to_string(packed.size()) + " bytes"));
  }
  std::vector<IndexEntry> entries(packed.size() / kIndexEntryBytes);
  bool ascending = true;
  for (size_t i = 0; i < entries.size(); ++i) {
    const char* p = packed.data() + i * kIndexEntryBytes;
    const uint64_t uid_bits = BigEndian64(p);
    const uint64_t modseq = BigEndian64(p + 8);
    const uint64_t uid = uid_bits >> 8;
    const auto bits = static_cast<uint8_t>(uid_bits & 0xff);
    if (uid == 0 || uid > UINT32_MAX || (bits & ~kFlagBitsAll) != 0 || modseq > INT64_MAX) {
      return std::unexpected(Malformed("entry " + std::to_string(i) + " out of range"));
    }
    IndexEntry& e = entries[i];
    e.uid = static_cast<uint32_t>(uid);
    e.modseq = modseq;
    e.flag_bits = bits;
    if (i > 0 && entries[i - 1].uid >= e.uid) ascending = false;
  }
  if (ascending) return entries;
  const auto by_uid = [](const IndexEntry& a, const IndexEntry& b) { return a.uid < b.uid; };
  std::sort(entries.begin(), entries.end(), by_uid);
  const auto same_uid = [](const IndexEntry& a, const IndexEntry& b) { return a.uid == b.uid; };
  if (std::adjacent_find(entries.begin(), entries.end(), same_uid) != entries.end()) {
    return std::unexpected(Malformed("a UID twice"));
  }
  return entries;
}

}  // namespace ringmail::postgres
