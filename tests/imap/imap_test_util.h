// Helpers for the imap/ parser tests: feed a whole command, answering continuations.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <variant>

#include "imap/parser.h"

namespace ringmail::imap {

struct Outcome {
  ReadState state = ReadState::kNeedMore;
  size_t consumed = 0;  // over all Feeds
  int continuations = 0;
  Command command;
  CommandError error;
};

// Feeds `in` (in one piece, then what is left after each continuation) until a command is
// done, refused, or the input runs out.
inline Outcome RunCommand(std::string_view in, const Limits& limits = {}, bool utf8 = false) {
  CommandReader reader(limits);
  reader.set_utf8(utf8);
  Outcome out;
  while (true) {
    ReadResult r = reader.Feed(in.substr(out.consumed));
    EXPECT_LE(r.consumed, in.size() - out.consumed);
    out.consumed += r.consumed;
    out.state = r.state;
    if (r.state == ReadState::kNeedContinuation) {
      ++out.continuations;
      continue;
    }
    if (r.state == ReadState::kDone) out.command = reader.TakeCommand();
    if (r.state == ReadState::kError) out.error = reader.error();
    return out;
  }
}

// The arguments of a command that must parse.
template <typename Args>
Args ParseArgs(std::string_view in, bool utf8 = false) {
  Outcome out = RunCommand(in, {}, utf8);
  EXPECT_EQ(out.state, ReadState::kDone) << in << " -> " << out.error.text;
  EXPECT_EQ(out.consumed, in.size()) << in;
  const Args* args = std::get_if<Args>(&out.command.args);
  EXPECT_NE(args, nullptr) << in;
  return args != nullptr ? *args : Args{};
}

// The error text of a command that must be refused with BAD.
inline std::string ExpectBad(std::string_view in, std::string_view tag = "a") {
  Outcome out = RunCommand(in);
  EXPECT_EQ(out.state, ReadState::kError) << in;
  EXPECT_EQ(out.error.status, ErrorStatus::kBad) << in;
  EXPECT_EQ(out.error.tag, tag) << in;
  EXPECT_EQ(out.consumed, in.size()) << in;
  return out.error.text;
}

}  // namespace ringmail::imap
