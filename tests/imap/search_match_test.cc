// SEARCH key matching (RFC 9051 §6.4.4 and the extensions' keys).
#include <gtest/gtest.h>

#include "fetch_test_util.h"
#include "imap/message_date.h"

namespace ringmail::imap {
namespace {

constexpr int64_t kDay = 86400;

class ImapSearchMatch : public ::testing::Test {
 protected:
  ImapSearchMatch() {
    record_.uid = 40;
    record_.modseq = 120;
    record_.email_id = 7;
    record_.thread_id = 3;
    record_.size = 2048;
    record_.received_at = CivilDays(2024, 2, 10) * kDay + 3600;  // 10-Feb-2024 01:00 UTC
    record_.saved_at = CivilDays(2024, 3, 1) * kDay;
    record_.flags.seen = true;
    record_.flags.flagged = true;
    record_.flags.keywords = {"$Forwarded", "Work"};
    scope_.message_count = 9;
    scope_.uid_max = 90;
    scope_.now = record_.received_at + 1000;
    SetMessage(
        Crlf("Date: Fri, 9 Feb 2024 23:30:00 -0800\n"
             "From: =?iso-8859-1?q?Andr=E9?= <andre@example.org>\n"
             "To: Bob <bob@example.net>, carol@example.net\n"
             "Cc: dave@example.com\n"
             "Bcc: eve@example.com\n"
             "Subject: =?utf-8?b?UMOkdHNjaGVu?= and MORE\n"
             "X-Tag: Blue\n"
             "Content-Type: multipart/mixed; boundary=b\n"
             "\n"
             "--b\n"
             "Content-Type: text/plain; charset=iso-8859-1\n"
             "Content-Transfer-Encoding: quoted-printable\n"
             "\n"
             "Gr=FC=DFe aus K=D6LN, soft=\n"
             "break joined\n"
             "--b\n"
             "Content-Type: text/html; charset=utf-8\n"
             "Content-Transfer-Encoding: base64\n"
             "\n"
             "PGI+0JzQntCh0JrQktCQPC9iPg==\n"
             "--b\n"
             "Content-Type: application/octet-stream\n"
             "\n"
             "binaryneedle\n"
             "--b--\n"));
  }

  void SetMessage(std::string bytes) { view_ = std::make_unique<MessageView>(std::move(bytes)); }

  bool Match(std::string_view program, uint32_t sequence = 4) {
    SearchKey key = Key(program);
    SearchMessage m{sequence, &record_, NeedsBytes(key) ? view_.get() : nullptr};
    return Matches(key, m, scope_);
  }

  MessageRecord record_;
  SearchScope scope_;
  std::unique_ptr<MessageView> view_;
};

TEST_F(ImapSearchMatch, Flags) {
  EXPECT_TRUE(Match("ALL"));
  EXPECT_TRUE(Match("SEEN FLAGGED UNANSWERED UNDELETED UNDRAFT"));
  EXPECT_FALSE(Match("UNSEEN"));
  EXPECT_FALSE(Match("ANSWERED"));
  EXPECT_FALSE(Match("DELETED"));
  EXPECT_FALSE(Match("DRAFT"));
  EXPECT_FALSE(Match("UNFLAGGED"));
  EXPECT_TRUE(Match("KEYWORD work KEYWORD $Forwarded"));
  EXPECT_FALSE(Match("KEYWORD $Junk"));
  EXPECT_TRUE(Match("UNKEYWORD $Junk"));
  EXPECT_FALSE(Match("UNKEYWORD Work"));
  // No \Recent here: RECENT and NEW match nothing, OLD everything.
  EXPECT_FALSE(Match("RECENT"));
  EXPECT_FALSE(Match("NEW"));
  EXPECT_TRUE(Match("OLD"));
  EXPECT_TRUE(Match("SAVEDATESUPPORTED"));
}

TEST_F(ImapSearchMatch, Combinators) {
  EXPECT_TRUE(Match("OR DELETED SEEN"));
  EXPECT_FALSE(Match("OR DELETED DRAFT"));
  EXPECT_TRUE(Match("NOT DELETED"));
  EXPECT_FALSE(Match("(SEEN DELETED)"));
  EXPECT_TRUE(Match("(SEEN (OR DRAFT NOT ANSWERED)) FLAGGED"));
}

TEST_F(ImapSearchMatch, Sizes) {
  EXPECT_TRUE(Match("LARGER 2047"));
  EXPECT_FALSE(Match("LARGER 2048"));
  EXPECT_TRUE(Match("SMALLER 2049"));
  EXPECT_FALSE(Match("SMALLER 2048"));
  EXPECT_TRUE(Match("MODSEQ 120"));
  EXPECT_FALSE(Match("MODSEQ 121"));
  EXPECT_TRUE(Match("MODSEQ \"/flags/\\\\draft\" all 100"));
}

TEST_F(ImapSearchMatch, Dates) {
  // Internal date 10-Feb-2024 (UTC).
  EXPECT_TRUE(Match("ON 10-Feb-2024"));
  EXPECT_TRUE(Match("SINCE 10-Feb-2024"));
  EXPECT_FALSE(Match("SINCE 11-Feb-2024"));
  EXPECT_TRUE(Match("BEFORE 11-Feb-2024"));
  EXPECT_FALSE(Match("BEFORE 10-Feb-2024"));
  // Sent 9-Feb-2024 in its own zone (-0800), though that is 10-Feb in UTC.
  EXPECT_TRUE(Match("SENTON 9-Feb-2024"));
  EXPECT_FALSE(Match("SENTON 10-Feb-2024"));
  EXPECT_TRUE(Match("SENTBEFORE 10-Feb-2024"));
  EXPECT_TRUE(Match("SENTSINCE 9-Feb-2024"));
  EXPECT_FALSE(Match("SENTSINCE 10-Feb-2024"));
  // Saved 1-Mar-2024.
  EXPECT_TRUE(Match("SAVEDON 1-Mar-2024"));
  EXPECT_TRUE(Match("SAVEDBEFORE 2-Mar-2024 SAVEDSINCE 1-Mar-2024"));
  EXPECT_FALSE(Match("SAVEDBEFORE 1-Mar-2024"));
  // 1000 seconds old.
  EXPECT_TRUE(Match("YOUNGER 1000"));
  EXPECT_FALSE(Match("YOUNGER 999"));
  EXPECT_TRUE(Match("OLDER 999"));
  EXPECT_FALSE(Match("OLDER 1000"));
  // Without a usable Date field, SENT* use the internal date.
  SetMessage("Date: garbage\r\n\r\nx\r\n");
  EXPECT_TRUE(Match("SENTON 10-Feb-2024"));
}

TEST_F(ImapSearchMatch, SequenceSetsAndUids) {
  EXPECT_TRUE(Match("4"));
  EXPECT_TRUE(Match("1:3,4"));
  EXPECT_FALSE(Match("1:3,5:*"));
  EXPECT_TRUE(Match("*:4"));
  EXPECT_TRUE(Match("*", 9));
  EXPECT_TRUE(Match("UID 40"));
  EXPECT_TRUE(Match("UID 90:30"));
  EXPECT_FALSE(Match("UID 41:*"));
  EXPECT_TRUE(Match("UID 30:*"));
  // UID 100:* is 90:100: "*" is the highest UID.
  EXPECT_FALSE(Match("UID 100:*"));
  EXPECT_FALSE(Match("UID $"));  // no saved result
  std::vector<uint32_t> saved = {12, 40};
  scope_.saved_uids = &saved;
  EXPECT_TRUE(Match("UID $"));
  EXPECT_TRUE(Match("$"));
  saved = {12};
  EXPECT_FALSE(Match("$"));
}

TEST_F(ImapSearchMatch, ObjectIds) {
  EXPECT_EQ(EmailIdString(7), "M7");
  EXPECT_EQ(ThreadIdString(3), "T3");
  EXPECT_TRUE(Match("EMAILID M7"));
  EXPECT_FALSE(Match("EMAILID M8"));
  EXPECT_TRUE(Match("THREADID T3"));
  EXPECT_FALSE(Match("THREADID M7"));
}

TEST_F(ImapSearchMatch, HeaderText) {
  EXPECT_TRUE(Match("FROM \"andré\""));  // RFC 2047 decoded from ISO-8859-1
  EXPECT_TRUE(Match("FROM \"ANDRÉ\""));  // Unicode case-insensitive
  EXPECT_TRUE(Match("FROM andre@EXAMPLE.org"));
  EXPECT_FALSE(Match("FROM bob"));
  EXPECT_TRUE(Match("TO bob"));
  EXPECT_TRUE(Match("TO carol@"));
  EXPECT_TRUE(Match("CC dave"));
  EXPECT_TRUE(Match("BCC eve"));
  EXPECT_FALSE(Match("CC eve"));
  EXPECT_TRUE(Match("SUBJECT \"pätschen\""));
  EXPECT_TRUE(Match("SUBJECT \"and more\""));
  EXPECT_TRUE(Match("HEADER X-Tag blue"));
  EXPECT_TRUE(Match("HEADER x-tag \"\""));  // empty: the field exists
  EXPECT_FALSE(Match("HEADER X-Other \"\""));
  EXPECT_FALSE(Match("HEADER X-Tag red"));
}

TEST_F(ImapSearchMatch, BodyText) {
  EXPECT_TRUE(Match("BODY \"grüße\""));  // quoted-printable, ISO-8859-1
  EXPECT_TRUE(Match("BODY \"KÖLN\""));   // case-insensitive beyond ASCII
  EXPECT_TRUE(Match("BODY \"köln\""));
  EXPECT_TRUE(Match("BODY softbreak"));      // soft line break joined
  EXPECT_TRUE(Match("BODY \"москва\""));     // base64, UTF-8 Cyrillic, lower-cased
  EXPECT_FALSE(Match("BODY binaryneedle"));  // not a text part
  EXPECT_FALSE(Match("BODY \"Pätschen\""));  // a header, not the body
  EXPECT_TRUE(Match("TEXT \"Pätschen\""));
  EXPECT_TRUE(Match("TEXT x-tag"));
  EXPECT_TRUE(Match("TEXT \"köln\""));
  EXPECT_FALSE(Match("TEXT nowhere"));
  EXPECT_TRUE(Match("BODY \"\""));
  EXPECT_TRUE(Match("BODY \"aus k\u00f6ln, softbreak\""));  // a long needle
  EXPECT_FALSE(Match("BODY \"aus k\u00f6ln, softbreaks\""));
  // A charset parameter iconv does not know is read as UTF-8.
  SetMessage(Crlf("Content-Type: text/plain; charset=x-unknown\n\nna\xC3\xAFve\n"));
  EXPECT_TRUE(Match("BODY \"NAÏVE\""));
}

TEST_F(ImapSearchMatch, NeedsBytes) {
  EXPECT_FALSE(NeedsBytes(Key("SEEN UID 1:* OR LARGER 5 NOT SINCE 1-Jan-2020")));
  EXPECT_TRUE(NeedsBytes(Key("SEEN OR LARGER 5 NOT SUBJECT x")));
  EXPECT_TRUE(NeedsBytes(Key("SENTON 1-Jan-2020")));
  EXPECT_TRUE(NeedsBytes(Key("HEADER a b")));
  EXPECT_TRUE(NeedsBytes(Key("(TEXT a)")));
}

TEST(ImapMessageDate, Forms) {
  std::optional<MessageDate> d = ParseMessageDate("Fri, 9 Feb 2024 23:30:00 -0800");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->local_days, CivilDays(2024, 2, 9));
  EXPECT_EQ(d->utc_seconds, CivilDays(2024, 2, 10) * kDay + 7 * 3600 + 1800);
  d = ParseMessageDate(" 1 Jan 70 00:00 GMT (comment)");  // two-digit year, no seconds
  ASSERT_TRUE(d);
  EXPECT_EQ(d->utc_seconds, 0);
  d = ParseMessageDate("Thu, 01 Jan 2015 10:00:00 EDT");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->utc_seconds, CivilDays(2015, 1, 1) * kDay + 14 * 3600);
  d = ParseMessageDate("2 Mar 49 1:2:3");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->local_days, CivilDays(2049, 3, 2));
  EXPECT_FALSE(ParseMessageDate(""));
  EXPECT_FALSE(ParseMessageDate("yesterday"));
  EXPECT_FALSE(ParseMessageDate("32 Jan 2020 10:00"));
  EXPECT_EQ(UtcDays(-1), -1);
  EXPECT_EQ(UtcDays(86399), 0);
}

}  // namespace
}  // namespace ringmail::imap
