// Command-line options of the CLI's commands: `--name VALUE` (repeatable where the command
// says so), `--flag`, and positional words. Internal to server/cli*.cc.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace ringmail::cli {

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> options;  // "--email" -> values
  std::vector<std::string> flags;                           // "--password-stdin"

  bool Flag(const std::string& name) const;
  std::optional<std::string> One(const std::string& name) const;  // the last value
  const std::vector<std::string>& All(const std::string& name) const;
};

// `with_value` lists the options that take a value, `flags` those that do not; anything
// else starting with "--" is kInvalidArgument ("unknown option --x").
Result<Args> ParseArgs(const std::vector<std::string>& words,
                       const std::vector<std::string>& with_value,
                       const std::vector<std::string>& flags);

// One line from stdin without its line end; kInvalidArgument when stdin is empty or the
// line is empty. A secret never comes from argv, where every user of the machine sees it.
Result<std::string> ReadPasswordFromStdin();

}  // namespace ringmail::cli
