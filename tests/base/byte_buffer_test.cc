#include "base/byte_buffer.h"

#include <gtest/gtest.h>

#include <string>

namespace ringmail {
namespace {

TEST(BaseByteBuffer, AppendAndConsumeInOrder) {
  ByteBuffer b;
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.readable(), "");
  b.Append("hello ");
  b.Append("world");
  EXPECT_EQ(b.size(), 11u);
  EXPECT_EQ(b.readable(), "hello world");
  b.Consume(6);
  EXPECT_EQ(b.readable(), "world");
  b.Append("!");
  EXPECT_EQ(b.readable(), "world!");
  b.Consume(0);
  EXPECT_EQ(b.size(), 6u);
  b.Consume(6);
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.readable(), "");
}

TEST(BaseByteBuffer, DrainingReleasesLargeCapacity) {
  ByteBuffer b;
  b.Append(std::string(100000, 'x'));
  EXPECT_GE(b.capacity(), 100000u);
  b.Consume(99999);
  EXPECT_EQ(b.size(), 1u);
  b.Consume(1);
  EXPECT_LE(b.capacity(), 1024u);  // an idle buffer costs little
}

TEST(BaseByteBuffer, ReserveMakesRoomForTheAppendsAnnounced) {
  ByteBuffer b;
  b.Append("head");
  b.Reserve(40 * 16384);
  const size_t capacity = b.capacity();
  EXPECT_GE(capacity, 4u + 40 * 16384);
  const std::string record(16384, 'r');
  for (int i = 0; i < 40; ++i) b.Append(record);  // a large write's records, one by one
  EXPECT_EQ(b.capacity(), capacity);              // no regrowth
  EXPECT_EQ(b.size(), 4u + 40 * 16384);
  EXPECT_EQ(b.readable().substr(0, 5), "headr");
}

TEST(BaseByteBuffer, SmallCapacityIsKeptForReuse) {
  ByteBuffer b;
  b.Append("abc");
  b.Clear();
  EXPECT_TRUE(b.empty());
  b.Append("de");
  EXPECT_EQ(b.readable(), "de");
}

TEST(BaseByteBuffer, LongLivedBufferDoesNotCreep) {
  // A stream consumed a little behind what is appended: the dead prefix is compacted away,
  // so capacity stays near the live size instead of growing with the total ever appended.
  ByteBuffer b;
  std::string expected;
  size_t total = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string chunk(100, static_cast<char>('a' + i % 26));
    b.Append(chunk);
    total += chunk.size();
    if (b.size() > 3000) {
      ASSERT_EQ(b.readable().substr(0, 100), std::string(100, b.readable()[0]));
      b.Consume(b.size() - 1000);
    }
  }
  EXPECT_GE(total, 2000000u);
  EXPECT_LT(b.capacity(), 64u * 1024);
  EXPECT_LE(b.size(), 3000u);
}

TEST(BaseByteBuffer, ContentSurvivesCompaction) {
  ByteBuffer b;
  std::string all;
  for (int i = 0; i < 1000; ++i) all += std::to_string(i) + ",";
  b.Append(all);
  size_t consumed = 0;
  while (consumed + 7 <= all.size()) {
    ASSERT_EQ(b.readable(), std::string_view(all).substr(consumed));
    b.Consume(7);
    consumed += 7;
  }
}

TEST(BaseByteBufferDeathTest, ConsumingMoreThanBufferedCrashes) {
  ByteBuffer b;
  b.Append("ab");
  EXPECT_DEATH(b.Consume(3), "check_failed");
}

}  // namespace
}  // namespace ringmail
