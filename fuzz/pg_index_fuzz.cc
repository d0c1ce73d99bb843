// libFuzzer target for store/postgres/pg_index.h: the packed index entries a hostile or broken
// PostgreSQL server may send for LoadMailboxIndex.
//
// Input: the bytea's bytes, as they arrive.
//
// Invariants: an error is kInternal; decoded entries are strictly ascending by UID, one per
// 16 input bytes, with UIDs above 0, known flag bits only and keyword set 0.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "store/postgres/pg_index.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ringmail;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Result<std::vector<IndexEntry>> entries = postgres::DecodeIndexEntries(input);
  if (!entries) {
    CHECK(entries.error().code == ErrorCode::kInternal, "unexpected error code");
    return 0;
  }
  CHECK(entries->size() * postgres::kIndexEntryBytes == size, "an entry per 16 bytes");
  for (size_t i = 0; i < entries->size(); ++i) {
    const IndexEntry& e = (*entries)[i];
    CHECK(e.uid > 0 && e.keyword_set == 0 && e.flag_bits < 32, "entry out of range");
    CHECK(i == 0 || (*entries)[i - 1].uid < e.uid, "entries not ascending");
  }
  return 0;
}
