#include "base/json_writer.h"

#include <gtest/gtest.h>

namespace ringmail {
namespace {

TEST(JsonWriterTest, NestingAndEscapes) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("a").Int(-1).Key("b").BeginArray().Uint(2).Bool(true).Null().EndArray();
  w.Key("c").String("q\"\\\n\x01").Key("d").Strings({"x", "y"}).Key("e").BeginObject();
  w.EndObject().EndObject();
  EXPECT_EQ(out, R"({"a":-1,"b":[2,true,null],"c":"q\"\\\n\u0001","d":["x","y"],"e":{}})");
}

TEST(JsonWriterTest, InvalidUtf8IsReplaced) {
  std::string out;
  JsonWriter(&out).String(
      "a\xff"
      "b\xc3\xa9");
  EXPECT_EQ(out,
            "\"a\xef\xbf\xbd"
            "b\xc3\xa9\"");
}

}  // namespace
}  // namespace ringmail
