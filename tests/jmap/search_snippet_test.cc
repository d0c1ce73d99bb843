// jmap/search_snippet.h: terms of a filter and the highlighted, escaped, bounded snippets.
#include "jmap/search_snippet.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "imap/search_text.h"

namespace ringmail::jmap {
namespace {

std::vector<std::string> Terms(std::initializer_list<std::string_view> words) {
  std::vector<std::string> out;
  for (std::string_view w : words) out.push_back(imap::FoldCase(w));
  return out;
}

TEST(SearchSnippetTest, MarksEveryMatchCaseInsensitivelyAndEscapes) {
  EXPECT_EQ(Highlight("Lunch <b> & lunch", Terms({"LUNCH"}), false),
            "<mark>Lunch</mark> &lt;b&gt; &amp; <mark>lunch</mark>");
  EXPECT_EQ(Highlight("nothing", Terms({"x"}), false), std::nullopt);
  EXPECT_EQ(Highlight("anything", {}, false), std::nullopt);
  // Overlapping and adjacent matches of two terms merge into one mark.
  EXPECT_EQ(Highlight("abcdef", Terms({"abc", "cde"}), false), "<mark>abcde</mark>f");
  EXPECT_EQ(Highlight("abcdef", Terms({"ab", "cd"}), false), "<mark>abcd</mark>ef");
  // Folding beyond ASCII, and the marks land on character boundaries of the original.
  EXPECT_EQ(Highlight("Grüße aus KÖLN", Terms({"köln"}), false), "Grüße aus <mark>KÖLN</mark>");
  EXPECT_EQ(Highlight("ПРИВЕТ мир", Terms({"привет"}), false), "<mark>ПРИВЕТ</mark> мир");
  EXPECT_EQ(Highlight("a<b", Terms({"<"}), false), "a<mark>&lt;</mark>b");
}

TEST(SearchSnippetTest, PreviewWindowIsBounded) {
  const std::string before(300, 'a');
  const std::string text =
      before + " some words before the match here is NEEDLE and " + std::string(600, 'z');
  std::optional<std::string> s = Highlight(text, Terms({"needle"}), true, 255);
  ASSERT_TRUE(s.has_value());
  EXPECT_LE(s->size(), 255u);
  EXPECT_NE(s->find("<mark>NEEDLE</mark>"), std::string::npos);
  EXPECT_TRUE(s->starts_with("some words")) << *s;  // up to 40 bytes before, after a space
  // Many matches: cut before the limit, never inside a mark.
  std::string many;
  for (int i = 0; i < 100; ++i) many += "é x ";
  s = Highlight(many, Terms({"é"}), true, 255);
  ASSERT_TRUE(s.has_value());
  EXPECT_LE(s->size(), 255u);
  EXPECT_TRUE(s->ends_with("</mark>") || s->ends_with(" ") || s->ends_with("x")) << *s;
  size_t opens = 0, closes = 0;
  for (size_t p = 0; (p = s->find("<mark>", p)) != std::string::npos; ++p) ++opens;
  for (size_t p = 0; (p = s->find("</mark>", p)) != std::string::npos; ++p) ++closes;
  EXPECT_EQ(opens, closes);
  // A multi-byte character is never split at the window's start.
  const std::string utf8 = std::string(45, 'x') + "ééééééééééééééééééééééééé NEEDLE";
  s = Highlight(utf8, Terms({"needle"}), true, 255);
  ASSERT_TRUE(s.has_value());
  EXPECT_NE(static_cast<unsigned char>(s->front()) & 0xc0, 0x80);
}

TEST(SearchSnippetTest, TermsOfAFilter) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  ASSERT_EQ(parser
                .parse(std::string(
                    "{\"operator\":\"OR\",\"conditions\":[{\"text\":\"Alpha\"},{\"subject\":"
                    "\"beta\",\"body\":\"gamma\"},{\"operator\":\"NOT\",\"conditions\":[{\"text\":"
                    "\"delta\"}]},{\"from\":\"epsilon\"}]}"))
                .get(e),
            simdjson::SUCCESS);
  FilterParse parsed = ParseEmailFilter(e);
  ASSERT_TRUE(parsed.filter.has_value());
  SnippetTerms t = TermsOf(*parsed.filter);
  EXPECT_EQ(t.subject, (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_EQ(t.body, (std::vector<std::string>{"alpha", "gamma"}));
}

}  // namespace
}  // namespace ringmail::jmap
