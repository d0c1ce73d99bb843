#include "smtp/data_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtp/smtp_test_util.h"

namespace ringmail::smtp {
namespace {

struct Decoded {
  bool done = false;
  size_t consumed = 0;  // over all feeds
  std::string body;
  BodyOutcome outcome = BodyOutcome::kOk;
};

// Feeds `in` cut at the given offsets (ascending), as a connection would.
Decoded DecodeCuts(std::string_view in, const std::vector<size_t>& cuts,
                   const BodyOptions& options) {
  DataReader reader(options);
  Decoded out;
  size_t start = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(in.size());
  for (size_t end : ends) {
    BodyResult r = reader.Feed(in.substr(start, end - start), &out.body);
    EXPECT_LE(r.consumed, end - start);
    out.consumed += r.consumed;
    if (r.done) {
      out.done = true;
      break;
    }
    EXPECT_EQ(r.consumed, end - start);  // not done: everything is consumed
    start = end;
  }
  out.outcome = reader.outcome();
  return out;
}

Decoded Decode(std::string_view in, BareNewlinePolicy policy = BareNewlinePolicy::kReject) {
  return DecodeCuts(in, {}, BodyOptions{policy, 1 << 20});
}

// Every way of cutting `in` in two, and byte by byte, gives the same result as one feed.
void ExpectChunkingInvariant(std::string_view in, BareNewlinePolicy policy) {
  BodyOptions options{policy, 1 << 20};
  Decoded whole = DecodeCuts(in, {}, options);
  for (size_t cut = 0; cut <= in.size(); ++cut) {
    Decoded split = DecodeCuts(in, {cut}, options);
    EXPECT_EQ(split.done, whole.done) << cut;
    EXPECT_EQ(split.consumed, whole.consumed) << cut;
    EXPECT_EQ(split.body, whole.body) << cut;
    EXPECT_EQ(split.outcome, whole.outcome) << cut;
  }
  std::vector<size_t> every;
  for (size_t i = 1; i < in.size(); ++i) every.push_back(i);
  Decoded bytes = DecodeCuts(in, every, options);
  EXPECT_EQ(bytes.body, whole.body);
  EXPECT_EQ(bytes.consumed, whole.consumed);
}

TEST(SmtpDataReader, PlainMessage) {
  std::string in = "Subject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n";
  Decoded d = Decode(in);
  EXPECT_TRUE(d.done);
  EXPECT_EQ(d.body, "Subject: hi\r\n\r\nbody\r\n");
  EXPECT_EQ(d.consumed, in.size() - 6);  // QUIT is the next command
  EXPECT_EQ(d.outcome, BodyOutcome::kOk);
}

TEST(SmtpDataReader, EmptyMessageAndEmptyLines) {
  EXPECT_EQ(Decode(".\r\n").body, "");
  EXPECT_TRUE(Decode(".\r\n").done);
  EXPECT_EQ(Decode("\r\n.\r\n").body, "\r\n");
  EXPECT_EQ(Decode("\r\n\r\n.\r\n").body, "\r\n\r\n");
}

TEST(SmtpDataReader, DotUnstuffing) {
  EXPECT_EQ(Decode("..\r\n.\r\n").body, ".\r\n");
  EXPECT_EQ(Decode("...\r\n.\r\n").body, "..\r\n");
  EXPECT_EQ(Decode("..hidden\r\na.b\r\n.\r\n").body, ".hidden\r\na.b\r\n");
  // RFC 5321 §4.5.2: a leading dot on a longer line is dropped even when not doubled.
  EXPECT_EQ(Decode(".x\r\n.\r\n").body, "x\r\n");
  EXPECT_EQ(Decode("a\r\n. \r\n.\r\n").body, "a\r\n \r\n");
}

TEST(SmtpDataReader, OnlyCrLfDotCrLfEndsData) {
  for (BareNewlinePolicy policy : {BareNewlinePolicy::kReject, BareNewlinePolicy::kNormalize}) {
    for (std::string_view fake : {"a\n.\nb", "a\r.\rb", "a\r\n.\nb", "a\n.\r\nb", "a\r.\r\nb",
                                  "a\r\n.\rb", "a\r\n. \r\nb", "a\r\n.x\r\nb"}) {
      std::string in = std::string(fake) + "\r\n.\r\n";
      Decoded d = Decode(in, policy);
      EXPECT_TRUE(d.done) << fake;
      EXPECT_EQ(d.consumed, in.size()) << fake;  // ended at the real marker only
    }
    EXPECT_FALSE(Decode("a\n.\n", policy).done);
    EXPECT_FALSE(Decode("a\r.\r", policy).done);
    EXPECT_FALSE(Decode("a\r\n.\n", policy).done);
    EXPECT_FALSE(Decode("a\n.\r\n", policy).done);
  }
}

TEST(SmtpDataReader, SmugglingAttemptIsOneMessage) {
  // The classic: a second transaction hidden behind "\n.\n" (or "\r\n.\n").
  std::string in =
      "From: a@x.example\r\n\r\nhello\n.\nMAIL FROM:<ceo@x.example>\nRCPT TO:<v@y.example>\n"
      "DATA\nFrom: ceo@x.example\n\nsmuggled\n.\n\r\n.\r\nQUIT\r\n";
  Decoded reject = Decode(in, BareNewlinePolicy::kReject);
  EXPECT_TRUE(reject.done);
  EXPECT_EQ(reject.consumed, in.size() - 6);
  EXPECT_EQ(reject.outcome, BodyOutcome::kBareNewline);
  Decoded normalize = Decode(in, BareNewlinePolicy::kNormalize);
  EXPECT_TRUE(normalize.done);
  EXPECT_EQ(normalize.consumed, in.size() - 6);
  EXPECT_EQ(normalize.outcome, BodyOutcome::kOk);
  EXPECT_EQ(normalize.body,
            "From: a@x.example\r\n\r\nhello\r\n.\r\nMAIL FROM:<ceo@x.example>\r\n"
            "RCPT TO:<v@y.example>\r\nDATA\r\nFrom: ceo@x.example\r\n\r\nsmuggled\r\n.\r\n\r\n");
}

TEST(SmtpDataReader, RejectModeKeepsBytesAndRefusesAtTheEnd) {
  DataReader reader({BareNewlinePolicy::kReject, 1 << 20});
  std::string body;
  BodyResult r = reader.Feed("a\nb\rc\r\n.\r\n", &body);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(body, "a\nb\rc\r\n");
  EXPECT_EQ(reader.bare_newline_count(), 2u);
  EXPECT_EQ(reader.outcome(), BodyOutcome::kBareNewline);
  EXPECT_EQ(reader.ErrorReply(), replies::kBareNewlineInMessage);
  EXPECT_EQ(reader.ErrorReply().code, 550);
  EXPECT_FALSE(reader.ErrorReply().close);
}

TEST(SmtpDataReader, NormalizeModeMakesCrLf) {
  Decoded d = Decode("a\nb\rc\r\r\nd\n..e\r.\r\n.\r\n", BareNewlinePolicy::kNormalize);
  EXPECT_TRUE(d.done);
  EXPECT_EQ(d.outcome, BodyOutcome::kOk);
  // "\r\r\n" is a bare CR then CRLF; after a normalized line end "..e" is unstuffed and a
  // lone "." is kept as a line (it could not end the data).
  EXPECT_EQ(d.body, "a\r\nb\r\nc\r\n\r\nd\r\n.e\r\n.\r\n");
}

TEST(SmtpDataReader, SplitAtEveryByte) {
  std::string tricky =
      "X: 1\r\n..a\r\n.\n.\r.\r\r\n.b\r\n\r\n\n.\r\n\r\r\n.\rz\r\n...\r\n.\r\nNEXT";
  ExpectChunkingInvariant(tricky, BareNewlinePolicy::kReject);
  ExpectChunkingInvariant(tricky, BareNewlinePolicy::kNormalize);
  ExpectChunkingInvariant("no end\r\n.\n", BareNewlinePolicy::kReject);
  ExpectChunkingInvariant(".\r\n", BareNewlinePolicy::kNormalize);
}

TEST(SmtpDataReader, SizeLimit) {
  BodyOptions options{BareNewlinePolicy::kReject, 10};
  std::string in = "0123456\r\n.\r\n";  // 9 bytes of body
  EXPECT_EQ(DecodeCuts(in, {}, options).outcome, BodyOutcome::kOk);
  Decoded big =
      DecodeCuts("01234567\r\n" + std::string(1000, 'x') + "\n\r\n.\r\nQUIT", {3, 50}, options);
  EXPECT_TRUE(big.done);  // read to the end
  EXPECT_EQ(big.consumed, 10u + 1000 + 1 + 5);
  EXPECT_EQ(big.outcome, BodyOutcome::kTooBig);  // over the bare LF
  EXPECT_LE(big.body.size(), 10u);               // nothing kept past the limit
  DataReader reader(options);
  reader.Feed("0123456789a\r\n.\r\n", nullptr);
  EXPECT_EQ(reader.ErrorReply(), replies::kMessageTooBig);
  EXPECT_EQ(reader.body_size(), 13u);
}

TEST(SmtpDataReader, LongLinesAreAcceptedAndMeasured) {
  DataReader reader({BareNewlinePolicy::kReject, 1 << 20});
  std::string body;
  std::string line(5000, 'l');
  reader.Feed("short\r\n" + line + "\r\n.\r\n", &body);
  EXPECT_TRUE(reader.done());
  EXPECT_EQ(reader.outcome(), BodyOutcome::kOk);
  EXPECT_EQ(reader.longest_line_size(), 5000u);
}

TEST(SmtpDataReader, AfterDoneNothingMoreIsConsumed) {
  DataReader reader({BareNewlinePolicy::kReject, 1 << 20});
  std::string body;
  EXPECT_TRUE(reader.Feed(".\r\n", &body).done);
  BodyResult again = reader.Feed("MAIL FROM:<>\r\n", &body);
  EXPECT_TRUE(again.done);
  EXPECT_EQ(again.consumed, 0u);
  EXPECT_EQ(body, "");
}

}  // namespace
}  // namespace ringmail::smtp
