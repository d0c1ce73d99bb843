#include "smtp/bdat_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtp/smtp_test_util.h"

namespace ringmail::smtp {
namespace {

struct Chunk {
  std::string data;
  bool last = false;
};

// Sends each chunk as BDAT would, in pieces of `step` bytes, with the next command behind the
// last piece of every chunk (which must not be consumed).
std::string Receive(BdatReader* reader, const std::vector<Chunk>& chunks, size_t step) {
  std::string body;
  for (const Chunk& chunk : chunks) {
    reader->StartChunk(chunk.data.size(), chunk.last, &body);
    std::string in = chunk.data + "BDAT 1\r\n";
    size_t pos = 0;
    while (!reader->chunk_done()) {
      size_t n = std::min(step, in.size() - pos);
      BodyResult r = reader->Feed(std::string_view(in).substr(pos, n), &body);
      EXPECT_LE(r.consumed, n);
      pos += r.consumed;
      if (r.done) break;
    }
    EXPECT_EQ(pos, chunk.data.size());
  }
  EXPECT_TRUE(reader->message_done());
  return body;
}

TEST(SmtpBdatReader, ExactCountsNoDotStuffing) {
  for (size_t step : {1, 2, 5, 1000}) {
    BdatReader reader({BareNewlinePolicy::kReject, 1 << 20});
    std::string body = Receive(&reader, {{"Subject: x\r\n\r\n.\r\n"}, {"..b\r\n", true}}, step);
    EXPECT_EQ(body, "Subject: x\r\n\r\n.\r\n..b\r\n");  // "." lines are content here
    EXPECT_EQ(reader.outcome(), BodyOutcome::kOk);
  }
}

TEST(SmtpBdatReader, LastWithZeroSize) {
  BdatReader reader({BareNewlinePolicy::kReject, 1 << 20});
  std::string body = Receive(&reader, {{"abc\r\n"}, {"", true}}, 3);
  EXPECT_EQ(body, "abc\r\n");
  BdatReader empty({BareNewlinePolicy::kReject, 1 << 20});
  empty.StartChunk(0, true, &body);
  EXPECT_TRUE(empty.message_done());
  BodyResult r = empty.Feed("QUIT\r\n", &body);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.consumed, 0u);
}

TEST(SmtpBdatReader, CrLfAcrossChunks) {
  BdatReader reader({BareNewlinePolicy::kReject, 1 << 20});
  EXPECT_EQ(Receive(&reader, {{"a\r"}, {"\nb\r\n", true}}, 1), "a\r\nb\r\n");
  EXPECT_EQ(reader.outcome(), BodyOutcome::kOk);
}

TEST(SmtpBdatReader, BareNewlines) {
  BdatReader reject({BareNewlinePolicy::kReject, 1 << 20});
  EXPECT_EQ(Receive(&reject, {{"a\nb\r"}, {"c\r", true}}, 2), "a\nb\rc\r");
  EXPECT_EQ(reject.bare_newline_count(), 3u);
  EXPECT_EQ(reject.outcome(), BodyOutcome::kBareNewline);
  EXPECT_EQ(reject.ErrorReply(), replies::kBareNewlineInMessage);

  BdatReader normalize({BareNewlinePolicy::kNormalize, 1 << 20});
  EXPECT_EQ(Receive(&normalize, {{"a\nb\r"}, {"c\r", true}}, 2), "a\r\nb\r\nc\r\n");
  EXPECT_EQ(normalize.outcome(), BodyOutcome::kOk);

  BdatReader tail({BareNewlinePolicy::kNormalize, 1 << 20});
  EXPECT_EQ(Receive(&tail, {{"x\r"}, {"", true}}, 1), "x\r\n");

  BdatReader binary({BareNewlinePolicy::kReject, 1 << 20});
  binary.set_binary(true);
  EXPECT_EQ(Receive(&binary, {{std::string("\0\n\r\xff", 4), true}}, 1),
            std::string("\0\n\r\xff", 4));
  EXPECT_EQ(binary.outcome(), BodyOutcome::kOk);
}

TEST(SmtpBdatReader, SizeLimit) {
  BdatReader reader({BareNewlinePolicy::kReject, 8});
  std::string body;
  reader.StartChunk(6, false, &body);
  EXPECT_EQ(reader.Feed("123456", &body).consumed, 6u);
  EXPECT_EQ(reader.outcome(), BodyOutcome::kOk);
  reader.StartChunk(1000, true, &body);  // known too big now; its bytes are still read
  EXPECT_EQ(reader.outcome(), BodyOutcome::kTooBig);
  BodyResult r = reader.Feed(std::string(1000, 'x') + "QUIT\r\n", &body);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.consumed, 1000u);
  EXPECT_EQ(body, "123456");
  EXPECT_TRUE(reader.message_done());
  EXPECT_EQ(reader.ErrorReply(), replies::kMessageTooBig);
}

}  // namespace
}  // namespace ringmail::smtp
