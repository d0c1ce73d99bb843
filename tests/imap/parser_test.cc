// CommandReader's framing: lines, literals, continuations, limits, errors and resync.
#include "imap/parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "imap/client_line.h"
#include "imap_test_util.h"

namespace ringmail::imap {
namespace {

// Feeds `in` in chunks of `chunk` bytes (re-feeding what a Feed did not consume), answering
// continuations; collects every outcome until the input is used up.
std::vector<Outcome> FeedChunked(std::string_view in, size_t chunk, const Limits& limits = {}) {
  CommandReader reader(limits);
  std::vector<Outcome> outcomes;
  size_t pos = 0;
  size_t end = 0;  // the bytes "received" so far
  while (pos < in.size()) {
    end = std::max(end, std::min(in.size(), pos + chunk));
    if (pos == end) end = std::min(in.size(), end + chunk);
    ReadResult r = reader.Feed(in.substr(pos, end - pos));
    EXPECT_LE(r.consumed, end - pos);
    pos += r.consumed;
    if (r.state == ReadState::kDone || r.state == ReadState::kError) {
      Outcome& o = outcomes.emplace_back();
      o.state = r.state;
      o.consumed = pos;
      if (r.state == ReadState::kDone) o.command = reader.TakeCommand();
      if (r.state == ReadState::kError) o.error = reader.error();
    }
  }
  return outcomes;
}

TEST(ImapReader, SimpleCommand) {
  Outcome out = RunCommand("a1 NOOP\r\n");
  ASSERT_EQ(out.state, ReadState::kDone);
  EXPECT_EQ(out.consumed, 9u);
  EXPECT_EQ(out.command.tag, "a1");
  EXPECT_EQ(out.command.name, CommandName::kNoop);
  EXPECT_FALSE(out.command.uid);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(out.command.args));
  EXPECT_EQ(RunCommand("A.b-c_d]x capability\n").command.name, CommandName::kCapability);
  EXPECT_EQ(RunCommand("t LoGoUt\r\n").command.name, CommandName::kLogout);
}

// An idle connection does not keep the buffer of the longest command it ever sent.
TEST(ImapReader, LongCommandBufferIsFreed) {
  CommandReader reader;
  const std::string long_line = "a1 LOGIN user \"" + std::string(8000, 'x') + "\"\r\n";
  ReadResult r = reader.Feed(long_line);
  ASSERT_EQ(r.state, ReadState::kDone);
  EXPECT_EQ(r.consumed, long_line.size());
  EXPECT_EQ(std::get<LoginArgs>(reader.TakeCommand().args).password.size(), 8000u);
  EXPECT_LE(reader.buffer_bytes(), 1024u);
  r = reader.Feed("a2 SELECT INBOX\r\n");
  ASSERT_EQ(r.state, ReadState::kDone);
  EXPECT_EQ(reader.TakeCommand().name, CommandName::kSelect);
}

TEST(ImapReader, EveryNameParses) {
  for (int i = 0; i <= static_cast<int>(CommandName::kUnsubscribe); ++i) {
    auto name = static_cast<CommandName>(i);
    EXPECT_EQ(LookupCommandName(CommandNameString(name)), name);
  }
  EXPECT_FALSE(LookupCommandName("XYZZY"));
}

TEST(ImapReader, NeedMoreConsumesEverything) {
  CommandReader reader;
  ReadResult r = reader.Feed("a NO");
  EXPECT_EQ(r.state, ReadState::kNeedMore);
  EXPECT_EQ(r.consumed, 4u);
  r = reader.Feed("OP\r\nb NOOP\r\n");
  EXPECT_EQ(r.state, ReadState::kDone);
  EXPECT_EQ(r.consumed, 4u);  // the next command stays with the caller
  EXPECT_EQ(reader.TakeCommand().tag, "a");
  r = reader.Feed("b NOOP\r\n");
  EXPECT_EQ(r.state, ReadState::kDone);
  EXPECT_EQ(reader.TakeCommand().tag, "b");
}

TEST(ImapReader, EmptyLinesAreSkipped) {
  Outcome out = RunCommand("\r\n\n\r\na NOOP\r\n");
  EXPECT_EQ(out.state, ReadState::kDone);
  EXPECT_EQ(out.consumed, 13u);
  EXPECT_EQ(RunCommand("\r\n").state, ReadState::kNeedMore);
}

TEST(ImapReader, SynchronizingLiterals) {
  CommandReader reader;
  std::string in = "a LOGIN {4}\r\n";
  ReadResult r = reader.Feed(in);
  ASSERT_EQ(r.state, ReadState::kNeedContinuation);
  EXPECT_EQ(r.consumed, in.size());
  EXPECT_EQ(r.literal_size, 4u);
  r = reader.Feed("us\"r {5}\r\n");
  ASSERT_EQ(r.state, ReadState::kNeedContinuation);
  EXPECT_EQ(r.literal_size, 5u);
  r = reader.Feed("p\r\nss\r\n");
  ASSERT_EQ(r.state, ReadState::kDone);
  Command c = reader.TakeCommand();
  EXPECT_EQ(std::get<LoginArgs>(c.args), (LoginArgs{"us\"r", "p\r\nss"}));
}

TEST(ImapReader, NonSynchronizingAndEmptyLiterals) {
  Outcome out = RunCommand("a LOGIN {4+}\r\nuser {0}\r\n\r\n");
  ASSERT_EQ(out.state, ReadState::kDone);
  EXPECT_EQ(out.continuations, 1);
  EXPECT_EQ(std::get<LoginArgs>(out.command.args), (LoginArgs{"user", ""}));
}

TEST(ImapReader, LiteralEightOnlyWhereAllowed) {
  std::string msg("a\0b", 3);
  std::string in = "a APPEND INBOX ~{3+}\r\n" + msg + "\r\n";
  auto args = ParseArgs<AppendArgs>(in);
  ASSERT_EQ(args.messages.size(), 1u);
  EXPECT_TRUE(args.messages[0].binary);
  EXPECT_EQ(args.messages[0].data, msg);
  ExpectBad("a APPEND INBOX {3+}\r\n" + msg + "\r\n");  // NUL needs literal8
  ExpectBad("a LOGIN ~{1+}\r\nx y\r\n");
}

TEST(ImapReader, LiteralMustEndItsLine) {
  ExpectBad("a LOGIN {3}abc x\r\n");
  // An unterminated quoted string that happens to end like a marker is not a literal.
  Outcome out = RunCommand("a LOGIN \"x {3}\r\n");
  EXPECT_EQ(out.state, ReadState::kError);
  EXPECT_EQ(out.continuations, 0);
  // A closed one before a marker is fine.
  EXPECT_EQ(ParseArgs<LoginArgs>("a LOGIN \"x\\\"{3}\" {1+}\r\ny\r\n"), (LoginArgs{"x\"{3}", "y"}));
}

// Every way of cutting these streams into two reads, and one byte at a time, gives the
// same commands as reading them whole.
TEST(ImapReader, SplitAtEveryBoundary) {
  std::string stream = "a LOGIN {4}\r\nuser {4+}\r\npass\r\n\r\nb NOOP\r\n" +
                       std::string(
                           "m APPEND Drafts (\\Seen $Junk) \" 5-Mar-2024 10:00:00 +0100\" "
                           "{11}\r\nHello\r\nBody ~{4+}\r\n") +
                       std::string("\0\1\2\3", 4) + "\r\nc FETCH 1:* (BODY.PEEK[])\r\n";
  std::vector<Outcome> whole = FeedChunked(stream, stream.size());
  ASSERT_EQ(whole.size(), 4u);
  for (const Outcome& o : whole) ASSERT_EQ(o.state, ReadState::kDone) << o.error.text;
  auto& append = std::get<AppendArgs>(whole[2].command.args);
  ASSERT_EQ(append.messages.size(), 2u);
  EXPECT_EQ(append.messages[0].data, "Hello\r\nBody");
  EXPECT_EQ(append.messages[1].data, std::string("\0\1\2\3", 4));
  for (size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    std::vector<Outcome> parts = FeedChunked(stream, chunk);
    ASSERT_EQ(parts.size(), whole.size()) << chunk;
    for (size_t i = 0; i < parts.size(); ++i) {
      EXPECT_EQ(parts[i].consumed, whole[i].consumed) << chunk;
      EXPECT_EQ(parts[i].command, whole[i].command) << chunk;
    }
  }
}

TEST(ImapReader, LineTooLong) {
  Limits limits{.line_size_max = 64};
  std::string in = "a LOGIN " + std::string(100, 'x') + " {3+}\r\nabc y\r\nb NOOP\r\n";
  for (size_t chunk : {size_t{1}, size_t{7}, in.size()}) {
    std::vector<Outcome> outcomes = FeedChunked(in, chunk, limits);
    ASSERT_EQ(outcomes.size(), 2u) << chunk;
    EXPECT_EQ(outcomes[0].state, ReadState::kError);
    EXPECT_EQ(outcomes[0].error.tag, "a");
    EXPECT_STREQ(outcomes[0].error.code, "TOOBIG");
    EXPECT_EQ(outcomes[1].state, ReadState::kDone);
    EXPECT_EQ(outcomes[1].command.tag, "b");
  }
  // Exactly at the limit is fine (the CR counts).
  std::string fits = "a NOOP" + std::string(0, ' ') + "\r\n";
  EXPECT_EQ(RunCommand(fits, Limits{.line_size_max = 7}).state, ReadState::kDone);
  EXPECT_EQ(RunCommand(fits, Limits{.line_size_max = 6}).state, ReadState::kError);
}

TEST(ImapReader, SyncLiteralOverLimitIsRefusedBeforeContinuation) {
  Outcome out = RunCommand("a LOGIN {65537}\r\n");
  EXPECT_EQ(out.state, ReadState::kError);
  EXPECT_EQ(out.continuations, 0);
  EXPECT_EQ(out.consumed, 17u);
  EXPECT_EQ(out.error.tag, "a");
  EXPECT_EQ(out.error.status, ErrorStatus::kBad);
  EXPECT_STREQ(out.error.code, "TOOBIG");

  Limits limits{.append_size_max = 1000};
  out = RunCommand("b APPEND INBOX {1001}\r\n", limits);
  EXPECT_EQ(out.state, ReadState::kError);
  EXPECT_EQ(out.error.status, ErrorStatus::kNo);
  EXPECT_EQ(out.error.tag, "b");
  EXPECT_STREQ(out.error.code, "TOOBIG");
  out = RunCommand("b APPEND INBOX {1000}\r\n", limits);
  EXPECT_EQ(out.state, ReadState::kNeedMore);
  EXPECT_EQ(out.continuations, 1);
  // A size that does not fit in 64 bits.
  out = RunCommand("c LOGIN {99999999999999999999999}\r\n");
  EXPECT_EQ(out.state, ReadState::kError);
}

TEST(ImapReader, NonSyncLiteralOverLimitIsSkipped) {
  std::string in = "a LOGIN {5000+}\r\n" + std::string(5000, 'z') + " {2+}\r\nxy\r\nb NOOP\r\n";
  for (size_t chunk : {size_t{1}, size_t{100}, size_t{4999}, in.size()}) {
    std::vector<Outcome> outcomes = FeedChunked(in, chunk);
    ASSERT_EQ(outcomes.size(), 2u) << chunk;
    EXPECT_EQ(outcomes[0].state, ReadState::kError);
    EXPECT_EQ(outcomes[0].error.tag, "a");
    EXPECT_STREQ(outcomes[0].error.code, "TOOBIG");
    if (chunk == in.size()) {
      EXPECT_EQ(outcomes[0].consumed, in.size() - 8);
    }
    EXPECT_EQ(outcomes[1].command.tag, "b");
  }
  // With LITERAL+ the per-command limits alone apply.
  Limits plus{.non_sync_literal_size_max = UINT64_MAX};
  EXPECT_EQ(RunCommand("a LOGIN {5000+}\r\n" + std::string(5000, 'z') + " x\r\n", plus).state,
            ReadState::kDone);
}

TEST(ImapReader, CommandSizeMax) {
  Limits limits{.command_size_max = 10};
  Outcome out = RunCommand("a APPEND INBOX {6+}\r\n123456 {6}\r\n", limits);
  EXPECT_EQ(out.state, ReadState::kError);
  EXPECT_EQ(out.error.status, ErrorStatus::kNo);
}

TEST(ImapReader, GarbageGetsBadWithTagWhenThereIsOne) {
  EXPECT_EQ(ExpectBad("a1 XYZZY\r\n", "a1"), "unknown command");
  ExpectBad("a1\r\n", "a1");
  ExpectBad("a1 LOGIN\r\n", "a1");
  ExpectBad("a1 NOOP extra\r\n", "a1");
  ExpectBad("a1 NO\rOP\r\n", "a1");
  ExpectBad("a1 UID NOOP\r\n", "a1");
  ExpectBad("* NOOP\r\n", "");
  ExpectBad("+ NOOP\r\n", "");
  ExpectBad(" NOOP\r\n", "");
  ExpectBad(std::string("a\0 NOOP\r\n", 9), "");
  // An unknown command is refused before its synchronizing literal is asked for; a
  // non-synchronizing one is skipped with the rest of the command.
  Outcome out = RunCommand("a FOO {3}\r\n");
  EXPECT_EQ(out.state, ReadState::kError);
  EXPECT_EQ(out.continuations, 0);
  EXPECT_EQ(out.error.tag, "a");
  std::string in = "a FOO {3+}\r\nabc {2+}\r\nxy z\r\nb NOOP\r\n";
  std::vector<Outcome> outcomes = FeedChunked(in, in.size());
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].consumed, in.size() - 8);
  EXPECT_EQ(outcomes[1].command.tag, "b");
}

TEST(ImapReader, Utf8Mode) {
  EXPECT_EQ(ParseArgs<MailboxArgs>("a DELETE \"&ZeVnLIqe-\"\r\n").mailbox, "日本語");
  EXPECT_EQ(ParseArgs<MailboxArgs>("a DELETE \"日本語\"\r\n", true).mailbox, "日本語");
  EXPECT_EQ(ParseArgs<MailboxArgs>("a DELETE \"&ZeVnLIqe-\"\r\n", true).mailbox, "&ZeVnLIqe-");
  ExpectBad("a DELETE \"日本語\"\r\n");
  ExpectBad("a DELETE \"&Jjo\"\r\n");
  EXPECT_EQ(ParseArgs<MailboxArgs>("a DELETE inbox\r\n").mailbox, "INBOX");
}

TEST(ImapClientLine, IdleDoneAndAuthenticateLines) {
  LineResult r = ReadClientLine("DON", 100);
  EXPECT_EQ(r.state, LineState::kNeedMore);
  r = ReadClientLine("done\r\na NOOP\r\n", 100);
  ASSERT_EQ(r.state, LineState::kDone);
  EXPECT_EQ(r.consumed, 6u);
  EXPECT_TRUE(IsIdleDone(r.line));
  EXPECT_FALSE(IsIdleDone("DONE "));
  r = ReadClientLine("dGVzdA==\n", 8);
  EXPECT_EQ(r.line, "dGVzdA==");
  EXPECT_EQ(ReadClientLine("dGVzdA==x\n", 8).state, LineState::kTooLong);
  EXPECT_EQ(ReadClientLine(std::string(20, 'x'), 8).state, LineState::kTooLong);
}

}  // namespace
}  // namespace ringmail::imap
