// The Range field (http/range.h): one range served, past the end refused, the rest ignored.
#include "http/range.h"

#include <gtest/gtest.h>

namespace ringmail::http {
namespace {

using Kind = ByteRange::Kind;

void ExpectPartial(std::string_view field, uint64_t size, uint64_t first, uint64_t length) {
  const ByteRange r = ParseByteRange(field, size);
  EXPECT_EQ(r.kind, Kind::kPartial) << field;
  EXPECT_EQ(r.first, first) << field;
  EXPECT_EQ(r.length, length) << field;
}

TEST(ByteRangeTest, OneRangeIsServed) {
  ExpectPartial("bytes=0-99", 1000, 0, 100);
  ExpectPartial("bytes=10-", 1000, 10, 990);
  ExpectPartial("bytes=-100", 1000, 900, 100);
  ExpectPartial("bytes=-5000", 1000, 0, 1000);  // a suffix longer than the body: all of it
  ExpectPartial("bytes=900-5000", 1000, 900, 100);
  ExpectPartial("bytes=999-999", 1000, 999, 1);
  ExpectPartial(" Bytes=1-2 ", 1000, 1, 2);  // the unit in any case; OWS around
  EXPECT_EQ(ContentRange(ParseByteRange("bytes=0-99", 1000), 1000), "bytes 0-99/1000");
}

TEST(ByteRangeTest, PastTheEndIsUnsatisfiable) {
  for (std::string_view f : {"bytes=1000-", "bytes=1000-1001", "bytes=-0", "bytes=5000-6000"}) {
    EXPECT_EQ(ParseByteRange(f, 1000).kind, Kind::kUnsatisfiable) << f;
  }
  EXPECT_EQ(ParseByteRange("bytes=0-", 0).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseByteRange("bytes=-1", 0).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ContentRange(ParseByteRange("bytes=1000-", 1000), 1000), "bytes */1000");
}

TEST(ByteRangeTest, AnythingElseIsTheWholeBody) {
  for (std::string_view f : {"", "bytes=0-1,5-9", "bytes=0-1, 2000-", "items=0-1", "bytes=",
                             "bytes=-", "bytes=5-1", "bytes=a-b", "bytes=1-2-3", "bytes=+1-2",
                             "bytes=99999999999999999999-", "bytes 0-1", "bytes=0x1-2"}) {
    const ByteRange r = ParseByteRange(f, 1000);
    EXPECT_EQ(r.kind, Kind::kWhole) << f;
  }
}

}  // namespace
}  // namespace ringmail::http
