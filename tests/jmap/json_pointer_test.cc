#include "jmap/json_pointer.h"

#include <gtest/gtest.h>

namespace ringmail::jmap {
namespace {

class JsonPointerTest : public ::testing::Test {
 protected:
  std::string Eval(std::string_view json, std::string_view pointer) {
    simdjson::dom::element root;
    EXPECT_EQ(parser_.parse(json.data(), json.size()).get(root), simdjson::SUCCESS);
    Result<std::string> r = EvaluatePointer(root, pointer);
    return r ? *r : "error: " + r.error().message;
  }
  simdjson::dom::parser parser_;
};

TEST_F(JsonPointerTest, Rfc6901) {
  const std::string doc = R"({"foo":["bar","baz"],"":0,"a/b":1,"m~n":8,"k\"l":6})";
  EXPECT_EQ(Eval(doc, ""), doc);
  EXPECT_EQ(Eval(doc, "/foo"), R"(["bar","baz"])");
  EXPECT_EQ(Eval(doc, "/foo/0"), R"("bar")");
  EXPECT_EQ(Eval(doc, "/"), "0");
  EXPECT_EQ(Eval(doc, "/a~1b"), "1");
  EXPECT_EQ(Eval(doc, "/m~0n"), "8");
  EXPECT_EQ(Eval(doc, "/k\"l"), "6");
}

TEST_F(JsonPointerTest, NamesNothing) {
  const std::string doc = R"({"foo":["bar"],"n":1})";
  EXPECT_TRUE(Eval(doc, "foo").starts_with("error"));
  EXPECT_TRUE(Eval(doc, "/missing").starts_with("error"));
  EXPECT_TRUE(Eval(doc, "/foo/1").starts_with("error"));
  EXPECT_TRUE(Eval(doc, "/foo/01").starts_with("error"));
  EXPECT_TRUE(Eval(doc, "/foo/-").starts_with("error"));
  EXPECT_TRUE(Eval(doc, "/n/x").starts_with("error"));
  EXPECT_TRUE(Eval(doc, "/m~2n").starts_with("error"));
  std::string deep;
  for (size_t i = 0; i <= kPointerTokensMax; ++i) deep += "/a";
  EXPECT_TRUE(Eval(doc, deep).starts_with("error"));
}

TEST_F(JsonPointerTest, StarGathersAndFlattens) {
  // RFC 8620 §3.7: "/list/*/id" and, for arrays per item, their contents.
  const std::string doc =
      R"({"list":[{"id":"a","ids":["x","y"]},{"id":"b","ids":["z"]}],"empty":[]})";
  EXPECT_EQ(Eval(doc, "/list/*/id"), R"(["a","b"])");
  EXPECT_EQ(Eval(doc, "/list/*/ids"), R"(["x","y","z"])");
  EXPECT_EQ(Eval(doc, "/empty/*/id"), "[]");
  EXPECT_EQ(Eval(R"([[[1,2],[3]],[[4]]])", "/*/*"), "[1,2,3,4]");  // arrays at every level
  EXPECT_TRUE(Eval(doc, "/list/*/nope").starts_with("error"));
}

}  // namespace
}  // namespace ringmail::jmap
