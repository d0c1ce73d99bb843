// FETCH, STORE, SEARCH, SORT and THREAD.
#include <gtest/gtest.h>

#include "imap_test_util.h"

namespace ringmail::imap {
namespace {

FetchAttr Attr(FetchItem item) {
  FetchAttr a;
  a.item = item;
  return a;
}

TEST(ImapFetch, MacrosAndSimpleItems) {
  auto args = ParseArgs<FetchArgs>("A654 FETCH 2:4 ALL\r\n");
  EXPECT_EQ(args.attrs,
            (std::vector<FetchAttr>{Attr(FetchItem::kFlags), Attr(FetchItem::kInternalDate),
                                    Attr(FetchItem::kRfc822Size), Attr(FetchItem::kEnvelope)}));
  EXPECT_EQ(ParseArgs<FetchArgs>("a FETCH 1 fast\r\n").attrs.size(), 3u);
  EXPECT_EQ(ParseArgs<FetchArgs>("a FETCH 1 FULL\r\n").attrs.back(), Attr(FetchItem::kBody));
  args = ParseArgs<FetchArgs>(
      "a FETCH 1:* (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY BODYSTRUCTURE UID MODSEQ "
      "EMAILID THREADID PREVIEW SAVEDATE RFC822 RFC822.HEADER RFC822.TEXT)\r\n");
  ASSERT_EQ(args.attrs.size(), 15u);
  EXPECT_EQ(args.attrs[4].item, FetchItem::kBody);
  EXPECT_EQ(args.attrs[14].item, FetchItem::kRfc822Text);
  EXPECT_EQ(args.set.ranges, (std::vector<SequenceRange>{{1, kSequenceStar}}));
  args = ParseArgs<FetchArgs>("a FETCH 1 (PREVIEW (LAZY) FLAGS)\r\n");
  EXPECT_TRUE(args.attrs[0].lazy);
  EXPECT_EQ(args.attrs[1].item, FetchItem::kFlags);
  ExpectBad("a FETCH 1 (ALL)\r\n");
  ExpectBad("a FETCH 1 ()\r\n");
  ExpectBad("a FETCH 1 BOGUS\r\n");
  ExpectBad("a FETCH 1 FLAGS FLAGS\r\n");
}

TEST(ImapFetch, Sections) {
  auto args = ParseArgs<FetchArgs>("A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n");
  ASSERT_EQ(args.attrs.size(), 2u);
  const FetchAttr& a = args.attrs[1];
  EXPECT_EQ(a.item, FetchItem::kBodySection);
  EXPECT_FALSE(a.peek);
  EXPECT_EQ(a.section.text, SectionText::kHeaderFields);
  EXPECT_EQ(a.section.fields, (std::vector<std::string>{"DATE", "FROM"}));
  args = ParseArgs<FetchArgs>(
      "a UID FETCH 1 (BODY.PEEK[] BODY[1.2.MIME] BODY[3.HEADER.FIELDS.NOT (x-spam)]<0.100> "
      "BODY[4.1] BODY[TEXT]<5.10> BINARY.PEEK[1.2]<0.8> BINARY[] BINARY.SIZE[2])\r\n");
  ASSERT_EQ(args.attrs.size(), 8u);
  EXPECT_TRUE(args.attrs[0].peek);
  EXPECT_TRUE(args.attrs[0].section.part.empty());
  EXPECT_EQ(args.attrs[1].section.part, (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(args.attrs[1].section.text, SectionText::kMime);
  EXPECT_EQ(args.attrs[2].section.text, SectionText::kHeaderFieldsNot);
  EXPECT_EQ(args.attrs[2].section.fields, (std::vector<std::string>{"X-SPAM"}));
  EXPECT_EQ(args.attrs[2].partial, (Partial{0, 100}));
  EXPECT_EQ(args.attrs[3].section.text, SectionText::kNone);
  EXPECT_EQ(args.attrs[4].partial, (Partial{5, 10}));
  EXPECT_EQ(args.attrs[5].item, FetchItem::kBinary);
  EXPECT_TRUE(args.attrs[5].peek);
  EXPECT_EQ(args.attrs[7].item, FetchItem::kBinarySize);
  EXPECT_EQ(args.attrs[7].section.part, (std::vector<uint32_t>{2}));
  ExpectBad("a FETCH 1 BODY[MIME]\r\n");
  ExpectBad("a FETCH 1 BODY[0]\r\n");
  ExpectBad("a FETCH 1 BODY[HEADER.FIELDS]\r\n");
  ExpectBad("a FETCH 1 BINARY[TEXT]\r\n");
  ExpectBad("a FETCH 1 BODY[]<1.0>\r\n");
  ExpectBad("a FETCH 1 BODY[]<1>\r\n");
  ExpectBad("a FETCH 1 BINARY.SIZE[1]<0.1>\r\n");
  ExpectBad("a FETCH 1 BODY.PEEK\r\n");
}

TEST(ImapFetch, Modifiers) {
  auto args = ParseArgs<FetchArgs>("s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n");
  EXPECT_EQ(args.changed_since, 12345u);
  EXPECT_TRUE(args.vanished);
  args = ParseArgs<FetchArgs>("s100 FETCH 1:* FLAGS (CHANGEDSINCE 0)\r\n");
  EXPECT_EQ(args.changed_since, 0u);
  ExpectBad("a FETCH 1:* FLAGS (CHANGEDSINCE 1 VANISHED)\r\n");  // not UID FETCH
  ExpectBad("a UID FETCH 1:* FLAGS (VANISHED)\r\n");             // no CHANGEDSINCE
  ExpectBad("a FETCH 1 FLAGS (FOO)\r\n");
  ExpectBad("a FETCH 1 FLAGS (CHANGEDSINCE 9223372036854775808)\r\n");
}

TEST(ImapStore, Forms) {
  auto args = ParseArgs<StoreArgs>("A003 STORE 2:4 +FLAGS (\\Deleted)\r\n");
  EXPECT_EQ(args.mode, StoreMode::kAdd);
  EXPECT_FALSE(args.silent);
  EXPECT_EQ(args.flags, (std::vector<std::string>{"\\Deleted"}));
  args = ParseArgs<StoreArgs>("a STORE 1 -flags.silent \\seen $Forwarded\r\n");
  EXPECT_EQ(args.mode, StoreMode::kRemove);
  EXPECT_TRUE(args.silent);
  EXPECT_EQ(args.flags, (std::vector<std::string>{"\\Seen", "$Forwarded"}));
  args = ParseArgs<StoreArgs>("d105 STORE 7,5,9 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT ()\r\n");
  EXPECT_EQ(args.unchanged_since, 320162338u);
  EXPECT_TRUE(args.flags.empty());
  EXPECT_EQ(ParseArgs<StoreArgs>("a STORE 1 FLAGS \\Answered\r\n").mode, StoreMode::kReplace);
  ExpectBad("a STORE 1 FLAGS\r\n");
  ExpectBad("a STORE 1 +LABELS (x)\r\n");
  ExpectBad("a STORE 1 FLAGS (\\Recent)\r\n");
  ExpectBad("a STORE 1 (FOO 1) FLAGS ()\r\n");
}

SearchKey Leaf(SearchKeyKind kind) {
  SearchKey k;
  k.kind = kind;
  return k;
}

TEST(ImapSearch, RfcExamples) {
  auto args = ParseArgs<SearchArgs>("A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n");
  EXPECT_FALSE(args.charset);
  EXPECT_FALSE(args.returns);
  ASSERT_EQ(args.key.kind, SearchKeyKind::kAnd);
  ASSERT_EQ(args.key.children.size(), 3u);
  EXPECT_EQ(args.key.children[0], Leaf(SearchKeyKind::kFlagged));
  EXPECT_EQ(args.key.children[1].kind, SearchKeyKind::kSince);
  EXPECT_EQ(args.key.children[1].number, 8797);  // 1994-02-01
  EXPECT_EQ(args.key.children[2].kind, SearchKeyKind::kNot);
  EXPECT_EQ(args.key.children[2].children[0].text, "Smith");

  args = ParseArgs<SearchArgs>("A285 SEARCH CHARSET UTF-8 TEXT {6+}\r\nмой\r\n");
  EXPECT_EQ(args.charset, "UTF-8");
  EXPECT_EQ(args.key.children[0].kind, SearchKeyKind::kText);
  args = ParseArgs<SearchArgs>(
      "A283 SEARCH RETURN () FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n");
  ASSERT_TRUE(args.returns);
  EXPECT_EQ(args.returns->options, kReturnAll);
  args = ParseArgs<SearchArgs>("A301 SEARCH RETURN (MIN MAX COUNT SAVE) 1:* OR (SEEN DRAFT) $\r\n");
  EXPECT_EQ(args.returns->options, kReturnMin | kReturnMax | kReturnCount | kReturnSave);
  EXPECT_EQ(args.key.children[0].kind, SearchKeyKind::kSequenceSet);
  const SearchKey& orkey = args.key.children[1];
  ASSERT_EQ(orkey.kind, SearchKeyKind::kOr);
  EXPECT_EQ(orkey.children[0].children.size(), 2u);
  EXPECT_TRUE(orkey.children[1].set.saved);
}

TEST(ImapSearch, EveryKey) {
  auto args = ParseArgs<SearchArgs>(
      "a UID SEARCH ALL ANSWERED BCC x BEFORE 1-Jan-1970 BODY y CC z DELETED DRAFT FLAGGED "
      "FROM f HEADER Message-ID \"<a@b>\" KEYWORD $Junk LARGER 100 NEW NOT OLD ON 31-Dec-1969 "
      "OR RECENT SEEN SENTBEFORE 1-Jan-2000 SENTON 2-Jan-2000 SENTSINCE 3-Jan-2000 SINCE "
      "\"4-Jan-2000\" SMALLER 5 SUBJECT s TEXT t TO u UID 1:5,7 UNANSWERED UNDELETED UNDRAFT "
      "UNFLAGGED UNKEYWORD k UNSEEN MODSEQ 5 MODSEQ \"/flags/\\\\draft\" all 620162338 OLDER "
      "3600 YOUNGER 60 SAVEDBEFORE 1-Jan-2020 SAVEDON 1-Jan-2020 SAVEDSINCE 1-Jan-2020 "
      "SAVEDATESUPPORTED EMAILID M6d99ac3275bb4e THREADID T64b478a75b7ea9 (2 3:4)\r\n");
  const auto& k = args.key.children;
  ASSERT_EQ(k.size(), 43u);
  auto find = [&](SearchKeyKind kind, int nth = 0) -> const SearchKey& {
    for (const SearchKey& key : k) {
      if (key.kind == kind && nth-- == 0) return key;
    }
    ADD_FAILURE() << "missing key " << static_cast<int>(kind);
    return k[0];
  };
  EXPECT_EQ(find(SearchKeyKind::kBefore).number, 0);  // 1-Jan-1970
  EXPECT_EQ(find(SearchKeyKind::kHeader).text, "Message-ID");
  EXPECT_EQ(find(SearchKeyKind::kHeader).value, "<a@b>");
  EXPECT_EQ(find(SearchKeyKind::kOn).number, -1);  // 31-Dec-1969
  EXPECT_EQ(find(SearchKeyKind::kNot).children[0].kind, SearchKeyKind::kOld);
  EXPECT_EQ(find(SearchKeyKind::kOr).children[1].kind, SearchKeyKind::kSeen);
  EXPECT_EQ(find(SearchKeyKind::kSince).number, 10960);  // 4-Jan-2000, quoted
  EXPECT_EQ(find(SearchKeyKind::kUid).set.ranges.size(), 2u);
  EXPECT_EQ(find(SearchKeyKind::kKeyword).text, "$Junk");
  EXPECT_EQ(find(SearchKeyKind::kModseq).number, 5);
  const SearchKey& modseq = find(SearchKeyKind::kModseq, 1);
  EXPECT_EQ(modseq.text, "/flags/\\draft");
  EXPECT_EQ(modseq.value, "ALL");
  EXPECT_EQ(modseq.number, 620162338);
  EXPECT_EQ(find(SearchKeyKind::kOlder).number, 3600);
  EXPECT_EQ(find(SearchKeyKind::kYounger).number, 60);
  EXPECT_EQ(find(SearchKeyKind::kEmailId).text, "M6d99ac3275bb4e");
  EXPECT_EQ(find(SearchKeyKind::kThreadId).text, "T64b478a75b7ea9");
  EXPECT_EQ(find(SearchKeyKind::kSaveDateSupported).kind, SearchKeyKind::kSaveDateSupported);
  EXPECT_EQ(k.back().kind, SearchKeyKind::kAnd);
  EXPECT_EQ(k.back().children[1].set.ranges[0], (SequenceRange{3, 4}));
}

TEST(ImapSearch, Refused) {
  ExpectBad("a SEARCH\r\n");
  ExpectBad("a SEARCH FOO\r\n");
  ExpectBad("a SEARCH OR SEEN\r\n");
  ExpectBad("a SEARCH (SEEN\r\n");
  ExpectBad("a SEARCH ()\r\n");
  ExpectBad("a SEARCH SINCE 1-Foo-2000\r\n");
  ExpectBad("a SEARCH SINCE 29-Feb-2001\r\n");
  ExpectBad("a SEARCH RETURN (FOO) ALL\r\n");
  ExpectBad("a SEARCH CHARSET ALL\r\n");
  ExpectBad("a SEARCH OLDER 0\r\n");
  ExpectBad("a SEARCH MODSEQ \"/flags/x\" bogus 5\r\n");
  ExpectBad("a SEARCH EMAILID ()\r\n");
  ExpectBad("a SEARCH SEEN  SEEN\r\n");
  ExpectBad("a SEARCH " + std::string(100, '(') + "ALL" + std::string(100, ')') + "\r\n");
  EXPECT_EQ(ParseArgs<SearchArgs>("a SEARCH " + std::string(31, '(') + "ALL" +
                                  std::string(31, ')') + "\r\n")
                .key.children.size(),
            1u);
}

TEST(ImapSort, Forms) {
  auto args = ParseArgs<SortArgs>("A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994\r\n");
  EXPECT_EQ(args.criteria, (std::vector<SortCriterion>{{SortKey::kSubject, false}}));
  EXPECT_EQ(args.charset, "UTF-8");
  args = ParseArgs<SortArgs>(
      "A283 UID SORT RETURN (MIN COUNT) (REVERSE DATE DISPLAYFROM displayto) us-ascii ALL\r\n");
  EXPECT_EQ(args.criteria.size(), 3u);
  EXPECT_TRUE(args.criteria[0].reverse);
  EXPECT_EQ(args.criteria[2].key, SortKey::kDisplayTo);
  EXPECT_EQ(args.charset, "US-ASCII");
  EXPECT_EQ(args.returns->options, kReturnMin | kReturnCount);
  ExpectBad("a SORT (SUBJECT) ALL\r\n");
  ExpectBad("a SORT () UTF-8 ALL\r\n");
  ExpectBad("a SORT (REVERSE) UTF-8 ALL\r\n");
  ExpectBad("a SORT (COLOR) UTF-8 ALL\r\n");
}

TEST(ImapThread, Forms) {
  auto args = ParseArgs<ThreadArgs>("A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000\r\n");
  EXPECT_EQ(args.algorithm, "ORDEREDSUBJECT");
  EXPECT_EQ(args.key.children[0].kind, SearchKeyKind::kSince);
  Outcome out = RunCommand("A284 UID THREAD references \"UTF-8\" ALL\r\n");
  ASSERT_EQ(out.state, ReadState::kDone);
  EXPECT_TRUE(out.command.uid);
  EXPECT_EQ(std::get<ThreadArgs>(out.command.args).algorithm, "REFERENCES");
  ExpectBad("a THREAD REFERENCES UTF-8\r\n");
}

}  // namespace
}  // namespace ringmail::imap
