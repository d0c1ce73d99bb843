// DecodeIndex (store/postgres/pg_index.h): the bytes migration 11's column holds, and what it
// answers to bytes no server should send — an error, never a crash or a bad entry.
#include "store/postgres/pg_index.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ringmail::postgres {
namespace {

void PutBigEndian(uint64_t v, int bytes, std::string* out) {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>(v >> shift));
  }
}

// One entry as PostgreSQL writes it: int8send(uid << 16 | count << 8 | bits) ||
// int8send(modseq) || int4send of each keyword number.
std::string Entry(uint64_t uid, uint64_t bits, uint64_t modseq, std::vector<uint32_t> ids = {}) {
  std::string out;
  PutBigEndian(uid << 16 | ids.size() << 8 | bits, 8, &out);
  PutBigEndian(modseq, 8, &out);
  for (uint32_t id : ids) PutBigEndian(id, 4, &out);
  return out;
}

const PgKeywordNames kNames = {{1, "$Junk"}, {2, "work"}, {7, "$Forwarded"}};

Result<MailboxIndex> Decode(const std::string& packed, const PgKeywordNames& names = kNames) {
  MailboxIndex index;
  TRY(DecodeIndex(packed, names, &index));
  return index;
}

TEST(PgIndexEntries, DecodesUidFlagBitsAndModseq) {
  const std::string packed =
      Entry(1, 0, 7) + Entry(2, kFlagBitSeen | kFlagBitDraft, 1) + Entry(UINT32_MAX, 31, INT64_MAX);
  Result<MailboxIndex> index = Decode(packed);
  ASSERT_TRUE(index.has_value()) << index.error().ToString();
  const std::vector<IndexEntry>& entries = index->messages;
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0], (IndexEntry{.modseq = 7, .uid = 1, .keyword_set = 0, .flag_bits = 0}));
  EXPECT_EQ(
      entries[1],
      (IndexEntry{
          .modseq = 1, .uid = 2, .keyword_set = 0, .flag_bits = kFlagBitSeen | kFlagBitDraft}));
  EXPECT_EQ(
      entries[2],
      (IndexEntry{.modseq = INT64_MAX, .uid = UINT32_MAX, .keyword_set = 0, .flag_bits = 31}));
  EXPECT_EQ(index->keyword_sets.size(), 1u);
}

TEST(PgIndexEntries, KeywordNumbersBecomeSharedKeywordSets) {
  const std::string packed = Entry(1, 0, 1, {7, 1, 2}) + Entry(2, 1, 2) + Entry(3, 0, 3, {1}) +
                             Entry(4, 4, 4, {7, 1, 2}) + Entry(5, 0, 5, {1});
  Result<MailboxIndex> index = Decode(packed);
  ASSERT_TRUE(index.has_value()) << index.error().ToString();
  ASSERT_EQ(index->messages.size(), 5u);
  ASSERT_EQ(index->keyword_sets.size(), 3u);
  EXPECT_TRUE(index->keyword_sets[0].empty());
  const std::vector<std::string> three = {"$Forwarded", "$Junk", "work"};
  EXPECT_EQ(index->Flags(index->messages[0]).keywords, three);
  EXPECT_EQ(index->messages[1].keyword_set, 0u);
  EXPECT_EQ(index->Flags(index->messages[2]).keywords, std::vector<std::string>{"$Junk"});
  EXPECT_EQ(index->messages[3].keyword_set, index->messages[0].keyword_set);
  EXPECT_EQ(index->messages[4].keyword_set, index->messages[2].keyword_set);
  EXPECT_EQ(index->messages[3].flag_bits, kFlagBitFlagged);
  EXPECT_EQ(index->messages[4].modseq, 5u);
}

TEST(PgIndexEntries, EmptyIsNoMessages) {
  Result<MailboxIndex> index = Decode("");
  ASSERT_TRUE(index.has_value());
  EXPECT_TRUE(index->messages.empty());
  EXPECT_EQ(index->keyword_sets.size(), 1u);
}

TEST(PgIndexEntries, OutOfOrderIsSorted) {
  Result<MailboxIndex> index = Decode(Entry(9, 0, 3) + Entry(4, 1, 2, {2}) + Entry(6, 2, 1));
  ASSERT_TRUE(index.has_value()) << index.error().ToString();
  const std::vector<IndexEntry>& entries = index->messages;
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].uid, 4u);
  EXPECT_EQ(entries[0].flag_bits, 1);
  EXPECT_EQ(index->Flags(entries[0]).keywords, std::vector<std::string>{"work"});
  EXPECT_EQ(entries[1].uid, 6u);
  EXPECT_EQ(entries[2].uid, 9u);
  EXPECT_EQ(entries[2].modseq, 3u);
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
      Entry(1, 0, 1, {1}).substr(0, 18),                 // keyword numbers cut short
      Entry(1, 0, 1, {3}),                               // a number not in the dictionary
      Entry(1, 0, 1, {2, 1}),                            // keywords out of order
      Entry(1, 0, 1, {1, 1}),                            // a keyword twice
  };
  for (const std::string& packed : cases) {
    Result<MailboxIndex> index = Decode(packed);
    ASSERT_FALSE(index.has_value()) << packed.size() << " bytes";
    EXPECT_EQ(index.error().code, ErrorCode::kInternal);
  }
}

}  // namespace
}  // namespace ringmail::postgres
