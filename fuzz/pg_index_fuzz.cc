// libFuzzer target for store/postgres/pg_index.h: the packed index entries a hostile or broken
// PostgreSQL server may send for LoadMailboxIndex.
//
// Input: the bytea's bytes, as they arrive; the keyword dictionary is fixed (numbers 1 to 4
// and 300), so that inputs name known and unknown numbers alike.
//
// Invariants: an error is kInternal; decoded entries are strictly ascending by UID, with UIDs
// above 0 and known flag bits only; keyword sets are distinct, each strictly ascending, the
// first empty, and every entry names one of them.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/check.h"
#include "store/postgres/pg_index.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ringmail;
  static const postgres::PgKeywordNames kNames = {
      {1, "$Junk"}, {2, "$Forwarded"}, {3, "work"}, {4, "a"}, {300, "\xc3\xa9t\xc3\xa9"}};
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  MailboxIndex index;
  Result<void> decoded = postgres::DecodeIndex(input, kNames, &index);
  if (!decoded) {
    CHECK(decoded.error().code == ErrorCode::kInternal, "unexpected error code");
    return 0;
  }
  CHECK(index.messages.size() * postgres::kIndexEntryBytes <= size, "more entries than bytes");
  CHECK(!index.keyword_sets.empty() && index.keyword_sets[0].empty(), "set 0 is not empty");
  const std::set<std::vector<std::string>> distinct(index.keyword_sets.begin(),
                                                    index.keyword_sets.end());
  CHECK(distinct.size() == index.keyword_sets.size(), "keyword sets repeat");
  for (const std::vector<std::string>& set : index.keyword_sets) {
    for (size_t k = 1; k < set.size(); ++k) CHECK(set[k - 1] < set[k], "keywords not ascending");
  }
  for (size_t i = 0; i < index.messages.size(); ++i) {
    const IndexEntry& e = index.messages[i];
    CHECK(e.uid > 0 && e.flag_bits < 32, "entry out of range");
    CHECK(e.keyword_set < index.keyword_sets.size(), "no such keyword set");
    CHECK(i == 0 || index.messages[i - 1].uid < e.uid, "entries not ascending");
  }
  return 0;
}
