#include "base/utf8.h"

#include <gtest/gtest.h>

#include <string>

#include "mime/charset.h"

namespace ringmail {
namespace {

TEST(Utf8, AsciiPrefixSizeStopsAtTheFirstHighByteWhereverItIs) {
  EXPECT_EQ(AsciiPrefixSize(""), 0u);
  EXPECT_EQ(AsciiPrefixSize("abc"), 3u);
  const std::string ascii(37, 'x');
  for (size_t at = 0; at <= ascii.size(); ++at) {
    std::string s = ascii;
    s.insert(at, "\xC3\xA9");  // é
    EXPECT_EQ(AsciiPrefixSize(s), at) << at;
  }
  EXPECT_EQ(AsciiPrefixSize(ascii), ascii.size());
}

TEST(Utf8, ValidityAndSanitizingAcrossAsciiRuns) {
  const std::string text = "long ascii run before " + std::string(20, 'a') +
                           "\xC3\xA9 then \xFF bad, then \xF0\x9F\x98\x80 and a cut \xE2\x82";
  EXPECT_FALSE(IsValidUtf8(text));
  EXPECT_TRUE(IsValidUtf8("long ascii run before " + std::string(20, 'a') + "\xC3\xA9 end"));
  EXPECT_EQ(mime::SanitizeUtf8(text),
            "long ascii run before " + std::string(20, 'a') +
                "\xC3\xA9 then \xEF\xBF\xBD bad, then \xF0\x9F\x98\x80 and a cut "
                "\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace ringmail
