// DecodeIndexEntries (store/postgres/pg_index.h): the bytes migration 10's column holds, and
// what it answers to bytes no server should send — an error, never a crash or a bad entry.
#include "store/postgres/pg_index.h"

#include <gtest/gtest.h>

#include <string>

namespace ringmail::postgres {
namespace {

void PutBigEndian64(uint64_t v, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

// One entry as PostgreSQL writes it: int8send(uid << 8 | bits) || int8send(modseq).
std::string Entry(uint64_t uid, uint64_t bits, uint64_t modseq) {
  std::string out;
  PutBigEndian64(uid << 8 | bits, &out);
  PutBigEndian64(modseq, &out);
  return out;
}

TEST(PgIndexEntries, DecodesUidFlagBitsAndModseq) {
  const std::string packed =
      Entry(1, 0, 7) + Entry(2, kFlagBitSeen | kFlagBitDraft, 1) + Entry(UINT32_MAX, 31, INT64_MAX);
  Result<std::vector<IndexEntry>> entries = DecodeIndexEntries(packed);
  ASSERT_TRUE(entries.has_value()) << entries.error().ToString();
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0], (IndexEntry{.modseq = 7, .uid = 1, .keyword_set = 0, .flag_bits = 0}));
  EXPECT_EQ(
      (*entries)[1],
      (IndexEntry{
          .modseq = 1, .uid = 2, .keyword_set = 0, .flag_bits = kFlagBitSeen | kFlagBitDraft}));
  EXPECT_EQ(
      (*entries)[2],
      (IndexEntry{.modseq = INT64_MAX, .uid = UINT32_MAX, .keyword_set = 0, .flag_bits = 31}));
}

TEST(PgIndexEntries, EmptyIsNoMessages) {
  Result<std::vector<IndexEntry>> entries = DecodeIndexEntries("");
  ASSERT_TRUE(entries.has_value());
  EXPECT_TRUE(entries->empty());
}

TEST(PgIndexEntries, OutOfOrderIsSorted) {
  Result<std::vector<IndexEntry>> entries =
      DecodeIndexEntries(Entry(9, 0, 3) + Entry(4, 1, 2) + Entry(6, 2, 1));
  ASSERT_TRUE(entries.has_value()) << entries.error().ToString();
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].uid, 4u);
  EXPECT_EQ((*entries)[0].flag_bits, 1);
  EXPECT_EQ((*entries)[1].uid, 6u);
  EXPECT_EQ((*entries)[2].uid, 9u);
  EXPECT_EQ((*entries)[2].modseq, 3u);
}

TEST(PgIndexEntries, MalformedIsAnError) {
  const std::string good = Entry(1, 0, 1);
  const std::string cases[] = {
      good.substr(0, 15),                                // short
      good + "x",                                        // a trailing byte
      std::string(1, '\0'),                              // one byte
      Entry(0, 0, 1),                                    // UID 0
      Entry(uint64_t{1} << 32, 0, 1),                    // UID over 32 bits
      Entry(1, 32, 1),                                   // an unknown flag bit
      Entry(1, 0, uint64_t{1} << 63),                    // modseq over 63 bits
      Entry(3, 0, 1) + Entry(3, 1, 2),                   // a UID twice
      Entry(5, 0, 1) + Entry(2, 0, 1) + Entry(5, 1, 1),  // twice, out of order
  };
  for (const std::string& packed : cases) {
    Result<std::vector<IndexEntry>> entries = DecodeIndexEntries(packed);
    ASSERT_FALSE(entries.has_value()) << packed.size() << " bytes";
    EXPECT_EQ(entries.error().code, ErrorCode::kInternal);
  }
}

}  // namespace
}  // namespace ringmail::postgres
