#include "smtp/line_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtp/smtp_test_util.h"

namespace ringmail::smtp {
namespace {

// One event per line or error, as a session would see them.
struct Event {
  LineStatus status;
  std::string line;  // kLine
  SmtpReply reply;   // kError
};

// Feeds `in` in pieces of `step` bytes, keeping unconsumed bytes at the front of the buffer
// like a connection does; stops after a closing error.
std::vector<Event> Frame(std::string_view in, size_t step, BareNewlinePolicy policy,
                         const LineLimits& limits = {}) {
  LineReader reader(policy, limits);
  std::vector<Event> events;
  std::string buffer;
  size_t next = 0;
  while (true) {
    size_t n = std::min(step, in.size() - next);
    buffer.append(in.substr(next, n));
    next += n;
    while (true) {
      LineResult r = reader.Next(buffer);
      EXPECT_LE(r.consumed, buffer.size());
      if (r.status == LineStatus::kLine) events.push_back({r.status, std::string(r.line), {}});
      if (r.status == LineStatus::kError) events.push_back({r.status, "", r.reply});
      buffer.erase(0, r.consumed);
      if (r.status == LineStatus::kError && r.reply.close) return events;
      if (r.status == LineStatus::kNeedMore) break;
    }
    if (next == in.size()) return events;
  }
}

std::vector<std::string> Lines(const std::vector<Event>& events) {
  std::vector<std::string> lines;
  for (const Event& e : events) {
    lines.push_back(e.status == LineStatus::kLine ? e.line : "error " + FormatReply(e.reply));
  }
  return lines;
}

using Strings = std::vector<std::string>;

TEST(SmtpLineReader, PipelinedLinesAtEveryChunking) {
  std::string in = "EHLO a.example\r\nMAIL FROM:<>\r\nRCPT TO:<b@c.example>\r\nDATA\r\n";
  for (size_t step = 1; step <= in.size(); ++step) {
    EXPECT_EQ(Lines(Frame(in, step, BareNewlinePolicy::kReject)),
              (Strings{"EHLO a.example", "MAIL FROM:<>", "RCPT TO:<b@c.example>", "DATA"}))
        << step;
  }
}

TEST(SmtpLineReader, IncompleteLineNeedsMore) {
  LineReader reader(BareNewlinePolicy::kReject);
  EXPECT_EQ(reader.Next("").status, LineStatus::kNeedMore);
  EXPECT_EQ(reader.Next("QUIT").status, LineStatus::kNeedMore);
  EXPECT_EQ(reader.Next("QUIT\r").status, LineStatus::kNeedMore);
  LineResult r = reader.Next("QUIT\r\nNOOP");
  EXPECT_EQ(r.status, LineStatus::kLine);
  EXPECT_EQ(r.line, "QUIT");
  EXPECT_EQ(r.consumed, 6u);
  EXPECT_EQ(reader.Next("\r\n").line, "");  // an empty line is a line (the parser's 500)
}

TEST(SmtpLineReader, RejectBareNewlines) {
  for (std::string in :
       {"MAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\r\n", "NOOP\r\nQUIT\n", "\nQUIT\r\n"}) {
    for (size_t step = 1; step <= in.size(); ++step) {
      std::vector<Event> events = Frame(in, step, BareNewlinePolicy::kReject);
      ASSERT_FALSE(events.empty());
      EXPECT_EQ(events.back().reply, replies::kBareLf) << in;
      EXPECT_TRUE(events.back().reply.close);
    }
  }
  std::vector<Event> cr =
      Frame("MAIL FROM:<a@b.example>\rRCPT TO:<x@y.example>\r\n", 5, BareNewlinePolicy::kReject);
  ASSERT_EQ(cr.size(), 1u);
  EXPECT_EQ(cr[0].reply, replies::kBareCr);
  // "\r\r\n": the first CR is bare.
  EXPECT_EQ(Frame("QUIT\r\r\n", 1, BareNewlinePolicy::kReject).back().reply, replies::kBareCr);
}

TEST(SmtpLineReader, NormalizeBareNewlines) {
  std::string in = "EHLO a\nMAIL FROM:<>\r\nNOOP x\ry\r\nQUIT\r\r\n";
  for (size_t step = 1; step <= in.size(); ++step) {
    EXPECT_EQ(Lines(Frame(in, step, BareNewlinePolicy::kNormalize)),
              (Strings{"EHLO a", "MAIL FROM:<>", "NOOP x\ry", "QUIT\r"}))
        << step;
  }
}

TEST(SmtpLineReader, OverLongLinesAreSkippedAndReportedAtTheirEnd) {
  LineLimits limits;
  limits.command_line_size_max = 16;  // 14 + CRLF
  std::string fits(14, 'a');
  std::string in =
      fits + "\r\n" + std::string(15, 'b') + "\r\n" + std::string(1000, 'c') + "\r\nQUIT\r\n";
  for (size_t step : {1, 2, 3, 7, 16, 17, 100, 2000}) {
    EXPECT_EQ(Lines(Frame(in, step, BareNewlinePolicy::kReject, limits)),
              (Strings{fits, "error " + FormatReply(replies::kLineTooLong),
                       "error " + FormatReply(replies::kLineTooLong), "QUIT"}))
        << step;
  }
  // Skipping does not buffer: the reader consumes the over-long bytes as they come.
  LineReader reader(BareNewlinePolicy::kReject, limits);
  LineResult r = reader.Next(std::string(100, 'x'));
  EXPECT_EQ(r.status, LineStatus::kNeedMore);
  EXPECT_EQ(r.consumed, 100u);
  r = reader.Next(std::string(50, 'x') + "\r");
  EXPECT_EQ(r.consumed, 50u);  // the CR waits for its LF
  r = reader.Next("\r\nNOOP\r\n");
  EXPECT_EQ(r.status, LineStatus::kError);
  EXPECT_EQ(r.consumed, 2u);
  EXPECT_EQ(reader.Next("NOOP\r\n").line, "NOOP");
}

TEST(SmtpLineReader, AuthLinesHaveTheirOwnLimit) {
  LineLimits limits;
  limits.command_line_size_max = 16;
  limits.auth_line_size_max = 64;
  std::string auth = "AUTH PLAIN " + std::string(40, 'A');
  EXPECT_EQ(Lines(Frame(auth + "\r\n", 5, BareNewlinePolicy::kReject, limits)), Strings{auth});
  std::string response(60, 'B');
  EXPECT_EQ(Lines(Frame(response + "\r\n", 5, BareNewlinePolicy::kReject, limits)),
            Strings{"error " + FormatReply(replies::kLineTooLong)});
  LineReader reader(BareNewlinePolicy::kReject, limits);
  reader.set_sasl_response(true);
  EXPECT_EQ(reader.Next(response + "\r\n").line, response);
}

TEST(SmtpLineReader, DefaultLimits) {
  std::string line(4094, 'n');
  EXPECT_EQ(Lines(Frame(line + "\r\n", 1000, BareNewlinePolicy::kReject)), Strings{line});
  EXPECT_EQ(Lines(Frame(line + "x\r\n", 1000, BareNewlinePolicy::kReject)),
            Strings{"error " + FormatReply(replies::kLineTooLong)});
}

}  // namespace
}  // namespace ringmail::smtp
