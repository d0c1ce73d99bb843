// RFC 5256 SORT and THREAD, RFC 5957 DISPLAYFROM/DISPLAYTO.
#include <gtest/gtest.h>

#include <deque>

#include "fetch_test_util.h"
#include "imap/sort_keys.h"

namespace ringmail::imap {
namespace {

TEST(ImapBaseSubject, Rfc5256Extraction) {
  auto base = [](std::string_view s) { return ExtractBaseSubject(s).text; };
  EXPECT_EQ(base("Re: foo"), "foo");
  EXPECT_TRUE(ExtractBaseSubject("Re: foo").reply_or_forward);
  EXPECT_FALSE(ExtractBaseSubject("foo").reply_or_forward);
  EXPECT_EQ(base("Re: Re: [PATCH] Fwd: foo (fwd)"), "foo");
  EXPECT_EQ(base("RE [list]: FWD : foo"), "foo");
  EXPECT_EQ(base("[fwd: Re: foo]"), "foo");
  EXPECT_TRUE(ExtractBaseSubject("[fwd: foo]").reply_or_forward);
  EXPECT_TRUE(ExtractBaseSubject("foo (fwd)").reply_or_forward);
  EXPECT_EQ(base("[PATCH]"), "[PATCH]");  // removing the blob would leave nothing
  EXPECT_EQ(base("[a] [b] subject"), "subject");
  EXPECT_EQ(base("=?utf-8?q?Re=3A_caf=C3=A9?="), "caf\xC3\xA9");
  EXPECT_EQ(base("  Re:   lots \t  of\r\n space  "), "lots of space");
  EXPECT_EQ(base("Re"), "Re");
  EXPECT_EQ(base("Reply: x"), "Reply: x");
  EXPECT_EQ(base("subject (fwd) (FWD)"), "subject");
  EXPECT_EQ(base(""), "");
}

TEST(ImapBaseSubject, MessageIds) {
  EXPECT_EQ(MessageIds("<a@b> junk <c\r\n @d>"), (std::vector<std::string>{"a@b", "c@d"}));
  EXPECT_TRUE(MessageIds("no brackets").empty());
}

// A mailbox of messages built from a few header fields; sequence numbers from 1, UIDs 10×.
class ImapSortThread : public ::testing::Test {
 protected:
  void Add(std::string headers, uint64_t size = 100, int64_t received_at = 0) {
    MessageRecord& r = records_.emplace_back();
    r.uid = static_cast<uint32_t>(records_.size() * 10);
    r.size = size;
    r.received_at = received_at != 0 ? received_at : static_cast<int64_t>(records_.size());
    views_.emplace_back(Crlf(headers + "\n\nbody\n"));
    messages_.clear();
    for (size_t i = 0; i < records_.size(); ++i) {
      messages_.push_back(SearchMessage{static_cast<uint32_t>(i + 1), &records_[i], &views_[i]});
    }
  }

  // Sequence numbers in SORT order for "SORT (criteria) UTF-8 ALL".
  std::vector<uint32_t> Sort(std::string_view criteria) {
    SortArgs args = ParseArgs<SortArgs>("a SORT (" + std::string(criteria) + ") UTF-8 ALL\r\n");
    std::vector<uint32_t> out;
    for (size_t i : SortMessages(args.criteria, messages_)) out.push_back(messages_[i].sequence);
    return out;
  }

  std::string Thread(std::string_view algorithm, bool uids = false) {
    std::string out;
    AppendThreads(algorithm, messages_, uids, &out);
    return out;
  }

  std::deque<MessageRecord> records_;
  std::deque<MessageView> views_;
  std::vector<SearchMessage> messages_;
};

using V = std::vector<uint32_t>;

TEST_F(ImapSortThread, SortKeys) {
  Add("From: Zed <zed@x>\nTo: b@x\nCc: c@x\nSubject: Re: beta\n"
      "Date: Mon, 1 Jan 2024 10:00:00 +0000",
      300, 50);
  Add("From: =?utf-8?q?=C3=A4rger?= <Yann@x>\nTo: \"Al\" <z@x>\nSubject: alpha\n"
      "Date: Mon, 1 Jan 2024 09:00:00 -0200",
      100, 40);
  Add("From: adam@x\nTo: a@x\nSubject: [list] Beta\nDate: nonsense", 200, 30);
  Add("From: Bob <bob@x>\nSubject: Fwd: ALPHA\nDate: Sun, 31 Dec 2023 23:00:00 +0000", 100, 20);
  EXPECT_EQ(Sort("ARRIVAL"), (V{4, 3, 2, 1}));
  EXPECT_EQ(Sort("REVERSE ARRIVAL"), (V{1, 2, 3, 4}));
  EXPECT_EQ(Sort("SIZE"), (V{2, 4, 3, 1}));  // ties by sequence number
  EXPECT_EQ(Sort("REVERSE SIZE"), (V{1, 3, 2, 4}));
  // Sent dates in UTC: 1: 10:00, 2: 11:00, 4: 31 Dec; 3 has none: its internal date (1970).
  EXPECT_EQ(Sort("DATE"), (V{3, 4, 1, 2}));
  EXPECT_EQ(Sort("SUBJECT"), (V{2, 4, 1, 3}));
  EXPECT_EQ(Sort("REVERSE SUBJECT"), (V{1, 3, 2, 4}));
  EXPECT_EQ(Sort("SUBJECT REVERSE ARRIVAL"), (V{2, 4, 1, 3}));
  EXPECT_EQ(Sort("SUBJECT ARRIVAL"), (V{4, 2, 3, 1}));
  EXPECT_EQ(Sort("FROM"), (V{3, 4, 2, 1}));         // adam, bob, yann, zed
  EXPECT_EQ(Sort("DISPLAYFROM"), (V{3, 4, 1, 2}));  // adam@x, bob, zed, ärger
  EXPECT_EQ(Sort("TO"), (V{4, 3, 1, 2}));           // (none), a, b, z
  EXPECT_EQ(Sort("DISPLAYTO"), (V{4, 3, 2, 1}));    // (none), a@x, al, b@x
  EXPECT_EQ(Sort("CC"), (V{2, 3, 4, 1}));
  EXPECT_EQ(Sort("REVERSE CC"), (V{1, 2, 3, 4}));
}

TEST_F(ImapSortThread, OrderedSubject) {
  Add("Subject: A\nDate: 2 Jan 2024 10:00 +0000");
  Add("Subject: Re: a\nDate: 3 Jan 2024 10:00 +0000");
  Add("Subject: B\nDate: 1 Jan 2024 10:00 +0000");
  Add("Subject: [x] A\nDate: 4 Jan 2024 10:00 +0000");
  Add("Subject: C\nDate: 5 Jan 2024 10:00 +0000");
  Add("Subject: c (fwd)\nDate: 6 Jan 2024 10:00 +0000");
  EXPECT_EQ(Thread("ORDEREDSUBJECT"), "(3)(1 (2)(4))(5 6)");
  EXPECT_EQ(Thread("ORDEREDSUBJECT", true), "(30)(10 (20)(40))(50 60)");
}

TEST_F(ImapSortThread, References) {
  Add("Message-ID: <1@x>\nSubject: A\nDate: 1 Jan 2024 01:00 +0000");
  Add("Message-ID: <2@x>\nReferences: <1@x>\nSubject: Re: A\nDate: 1 Jan 2024 02:00 +0000");
  Add("Message-ID: <3@x>\nSubject: B\nDate: 1 Jan 2024 03:00 +0000");
  Add("Message-ID: <4@x>\nReferences: <1@x> <2@x>\nSubject: Re: A\n"
      "Date: 1 Jan 2024 04:00 +0000");
  Add("Message-ID: <5@x>\nIn-Reply-To: <gone@x>\nSubject: C\nDate: 1 Jan 2024 05:00 +0000");
  Add("Message-ID: <6@x>\nReferences: <gone@x>\nSubject: Re: C\n"
      "Date: 1 Jan 2024 06:00 +0000");
  Add("Subject: Re: B\nDate: 1 Jan 2024 07:00 +0000");  // no id, no references: by subject
  Add("Message-ID: <8@x>\nSubject: D\nDate: 1 Jan 2024 08:00 +0000");
  Add("Message-ID: <9@x>\nSubject: D\nDate: 1 Jan 2024 09:00 +0000");  // siblings under a dummy
  Add("Message-ID: <10@x>\nReferences: <11@x>\nSubject: E\nDate: 1 Jan 2024 11:00 +0000");
  Add("Message-ID: <11@x>\nReferences: <10@x>\nSubject: F\nDate: 1 Jan 2024 10:00 +0000");
  Add("Message-ID: <1@x>\nSubject: G\nDate: 1 Jan 2024 12:00 +0000");  // a duplicate id
  // 4 sent before 2 among siblings: sorted by date.
  Add("Message-ID: <13@x>\nReferences: <1@x>\nSubject: Re: A\nDate: 1 Jan 2024 01:30 +0000");
  EXPECT_EQ(Thread("REFERENCES"), "(1 (13)(2 4))(3 7)((5)(6))((8)(9))(11 10)(12)");
}

TEST_F(ImapSortThread, ReferencesLoopsAndGaps) {
  // 2 claims 1 > 3 > 2; then 3 claims 2 as its parent, which would be a loop: 3 loses its
  // presumed parent 1 and stays a root.
  Add("Message-ID: <1@x>\nSubject: one\nDate: 1 Jan 2024 01:00 +0000");
  Add("Message-ID: <2@x>\nReferences: <1@x> <3@x>\nSubject: two\nDate: 1 Jan 2024 02:00 +0000");
  Add("Message-ID: <3@x>\nReferences: <2@x>\nSubject: three\nDate: 1 Jan 2024 03:00 +0000");
  EXPECT_EQ(Thread("REFERENCES"), "(1)(3 2)");
  // A message referring to itself.
  Add("Message-ID: <4@x>\nReferences: <4@x>\nSubject: four\nDate: 1 Jan 2024 04:00 +0000");
  EXPECT_EQ(Thread("REFERENCES"), "(1)(3 2)(4)");
}

TEST_F(ImapSortThread, LongReplyChain) {
  // 600 messages, each replying to the one before: deeper than the chain kept, so the thread
  // is cut into several, and every message still appears once.
  for (int i = 0; i < 600; ++i) {
    std::string refs = i == 0 ? "" : "In-Reply-To: <" + std::to_string(i - 1) + "@x>\n";
    Add("Message-ID: <" + std::to_string(i) + "@x>\n" + refs + "Subject: s" + std::to_string(i) +
        "\nDate: 1 Jan 2024 00:00 +0000");
  }
  std::string t = Thread("REFERENCES");
  EXPECT_TRUE(t.starts_with("(1 2 3 ")) << t.substr(0, 40);
  EXPECT_GT(std::count(t.begin(), t.end(), '('), 1);
  EXPECT_EQ(std::count(t.begin(), t.end(), ' ') + std::count(t.begin(), t.end(), '('), 600);
}

TEST_F(ImapSortThread, Empty) {
  EXPECT_EQ(Thread("REFERENCES"), "");
  EXPECT_EQ(Thread("ORDEREDSUBJECT"), "");
  EXPECT_TRUE(Sort("DATE").empty());
}

}  // namespace
}  // namespace ringmail::imap
