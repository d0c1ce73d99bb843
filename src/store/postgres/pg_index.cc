#include "store/postgres/pg_index.h"

#include <algorithm>
#include <string>
#include <vector>

namespace ringmail::postgres {
namespace {

constexpr uint8_t kFlagBitsAll =
    kFlagBitSeen | kFlagBitAnswered | kFlagBitFlagged | kFlagBitDeleted | kFlagBitDraft;

uint64_t BigEndian(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = v << 8 | static_cast<uint8_t>(p[i]);
  return v;
}

Error Malformed(const std::string& why) {
  return Error{ErrorCode::kInternal, "PostgreSQL index entries: " + why, 0};
}

// The keyword list that `ids` (packed numbers) stand for, or an error.
Result<std::vector<std::string>> KeywordList(std::string_view ids, const PgKeywordNames& names) {
  std::vector<std::string> list;
  list.reserve(ids.size() / kKeywordIdBytes);
  for (size_t at = 0; at < ids.size(); at += kKeywordIdBytes) {
    const auto id = static_cast<uint32_t>(BigEndian(ids.data() + at, kKeywordIdBytes));
    const auto name = names.find(id);
    if (name == names.end())
      return std::unexpected(Malformed("unknown keyword " + std::to_string(id)));
    if (!list.empty() && list.back() >= name->second) {
      return std::unexpected(Malformed("keywords out of order"));
    }
    list.emplace_back(name->second);
  }
  return list;
}

// Sorts `entries` by UID; an error when a UID comes twice.
Result<void> SortByUid(std::vector<IndexEntry>* entries) {
  const auto by_uid = [](const IndexEntry& a, const IndexEntry& b) { return a.uid < b.uid; };
  std::sort(entries->begin(), entries->end(), by_uid);
  const auto same_uid = [](const IndexEntry& a, const IndexEntry& b) { return a.uid == b.uid; };
  if (std::adjacent_find(entries->begin(), entries->end(), same_uid) != entries->end()) {
    return std::unexpected(Malformed("a UID twice"));
  }
  return {};
}

}  // namespace

Result<void> DecodeIndex(std::string_view packed, const PgKeywordNames& names,
                         MailboxIndex* index) {
  std::vector<IndexEntry>& entries = index->messages;
  entries.clear();
  entries.reserve(packed.size() / kIndexEntryBytes);
  // Keyword lists seen, by their packed numbers (views into `packed`), to their set.
  std::unordered_map<std::string_view, uint32_t> sets;
  bool ascending = true;
  for (size_t at = 0; at < packed.size();) {
    if (packed.size() - at < kIndexEntryBytes) return std::unexpected(Malformed("entry cut short"));
    const char* p = packed.data() + at;
    const uint64_t head = BigEndian(p, 8);
    const uint64_t modseq = BigEndian(p + 8, 8);
    const uint64_t uid = head >> 16;
    const size_t ids_bytes = (head >> 8 & 0xff) * kKeywordIdBytes;
    const auto bits = static_cast<uint8_t>(head & 0xff);
    if (uid == 0 || uid > UINT32_MAX || (bits & ~kFlagBitsAll) != 0 || modseq > INT64_MAX) {
      return std::unexpected(
          Malformed("entry " + std::to_string(entries.size()) + " out of range"));
    }
    if (packed.size() - at - kIndexEntryBytes < ids_bytes) {
      return std::unexpected(Malformed("keywords cut short"));
    }
    IndexEntry& e = entries.emplace_back();
    e.uid = static_cast<uint32_t>(uid);
    e.modseq = modseq;
    e.flag_bits = bits;
    if (ids_bytes > 0) {
      const std::string_view ids(p + kIndexEntryBytes, ids_bytes);
      auto [set, added] = sets.try_emplace(ids, 0);
      if (added) {
        set->second = static_cast<uint32_t>(index->keyword_sets.size());
        index->keyword_sets.push_back(TRY(KeywordList(ids, names)));
      }
      e.keyword_set = set->second;
    }
    if (entries.size() > 1 && entries[entries.size() - 2].uid >= e.uid) ascending = false;
    at += kIndexEntryBytes + ids_bytes;
  }
  if (ascending) return {};
  return SortByUid(&entries);
}

}  // namespace ringmail::postgres
