// Test helpers for tests/smtp: readable gtest output for replies, and parsing one command
// line that must succeed (Ok) or fail (Fails).
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string_view>

#include "smtp/command_parser.h"
#include "smtp/reply.h"

namespace ringmail::smtp {

inline void PrintTo(const SmtpReply& reply, std::ostream* out) {
  *out << reply.code << ' ' << reply.enhanced << ' ' << reply.text
       << (reply.close ? " (close)" : "");
}

inline SmtpCommand Ok(std::string_view line, const CommandContext& context = {}) {
  CommandResult r = ParseCommand(line, context);
  EXPECT_TRUE(r.has_value()) << line << " -> " << (r ? "" : FormatReply(r.error()));
  return r ? *r : SmtpCommand{};
}

inline SmtpReply Fails(std::string_view line, const CommandContext& context = {}) {
  CommandResult r = ParseCommand(line, context);
  EXPECT_FALSE(r.has_value()) << line;
  return r ? SmtpReply{} : r.error();
}

}  // namespace ringmail::smtp
