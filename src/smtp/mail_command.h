// MAIL and RCPT: paths and ESMTP parameters. Internal to command_parser.cc (split out to keep
// files small); the contract is ParseCommand's in command_parser.h. Pure; any core.
#pragma once

#include <string_view>

#include "smtp/command_parser.h"

namespace ringmail::smtp::internal {

// `args` is what follows "MAIL " / "RCPT " on the line: "FROM:<path> params" / "TO:...".
CommandResult ParseMail(std::string_view args, const CommandContext& context);
CommandResult ParseRcpt(std::string_view args, const CommandContext& context);

}  // namespace ringmail::smtp::internal
