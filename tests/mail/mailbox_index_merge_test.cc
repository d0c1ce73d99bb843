// ApplyIndexChanges: an index brought up to date from the changes since it was read.
#include "mail/mailbox_index_merge.h"

#include <gtest/gtest.h>

namespace ringmail {
namespace {

IndexEntry Entry(uint32_t uid, uint64_t modseq, uint8_t bits = 0, uint32_t keywords = 0) {
  IndexEntry e;
  e.uid = uid;
  e.modseq = modseq;
  e.flag_bits = bits;
  e.keyword_set = keywords;
  return e;
}

MailboxIndex Base() {
  MailboxIndex base;
  base.mailbox.highest_modseq = 10;
  base.mailbox.message_count = 4;
  base.keyword_sets.push_back({"$Junk"});
  base.messages = {Entry(1, 1), Entry(2, 2, kFlagBitSeen, 1), Entry(4, 4), Entry(7, 10)};
  return base;
}

TEST(MailboxIndexMerge, AppliesFlagChangesExpungesAndNewMessages) {
  MailboxIndexChanges changes;
  changes.changed.mailbox.highest_modseq = 13;
  changes.changed.mailbox.message_count = 4;
  changes.changed.keyword_sets.push_back({"work"});
  changes.changed.keyword_sets.push_back({"$Junk"});
  changes.changed.messages = {Entry(2, 11, kFlagBitFlagged, 1), Entry(7, 12, 0, 2),
                              Entry(9, 13, kFlagBitSeen)};
  changes.expunged = {4, 5};  // 5: never seen by this index
  std::optional<MailboxIndex> merged = ApplyIndexChanges(Base(), changes);
  ASSERT_TRUE(merged.has_value());
  EXPECT_EQ(merged->mailbox.highest_modseq, 13u);
  ASSERT_EQ(merged->messages.size(), 4u);
  EXPECT_EQ(merged->messages[0], Entry(1, 1));
  EXPECT_EQ(merged->messages[1].uid, 2u);
  EXPECT_EQ(merged->messages[1].flag_bits, kFlagBitFlagged);
  EXPECT_EQ(merged->Flags(merged->messages[1]).keywords, std::vector<std::string>{"work"});
  EXPECT_EQ(merged->Flags(merged->messages[2]).keywords, std::vector<std::string>{"$Junk"});
  EXPECT_EQ(merged->messages[2].keyword_set, 1u);  // the list the base had already
  EXPECT_EQ(merged->messages[3], Entry(9, 13, kFlagBitSeen));
  EXPECT_EQ(merged->keyword_sets.size(), 3u);
}

TEST(MailboxIndexMerge, CountThatDisagreesAsksForAFullLoad) {
  MailboxIndexChanges changes;
  changes.changed.mailbox.message_count = 5;  // one message the changes do not show
  EXPECT_FALSE(ApplyIndexChanges(Base(), changes).has_value());
  changes.changed.mailbox.message_count = 4;
  EXPECT_TRUE(ApplyIndexChanges(Base(), changes).has_value());
}

TEST(MailboxIndexMerge, KeywordListsAreBounded) {
  MailboxIndex base = Base();
  while (base.keyword_sets.size() < kMergedKeywordSetsMax) {
    base.keyword_sets.push_back({"k" + std::to_string(base.keyword_sets.size())});
  }
  MailboxIndexChanges changes;
  changes.changed.mailbox.message_count = 4;
  changes.changed.keyword_sets.push_back({"brand-new"});
  changes.changed.messages = {Entry(1, 11, 0, 1)};
  EXPECT_FALSE(ApplyIndexChanges(base, changes).has_value());
}

}  // namespace
}  // namespace ringmail
