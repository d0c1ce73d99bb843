#include "server/cli_args.h"

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace ringmail::cli {
namespace {
bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}
}  // namespace

bool Args::Flag(const std::string& name) const { return Contains(flags, name); }

std::optional<std::string> Args::One(const std::string& name) const {
  auto it = options.find(name);
  if (it == options.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

const std::vector<std::string>& Args::All(const std::string& name) const {
  static const std::vector<std::string> kNone;
  auto it = options.find(name);
  return it == options.end() ? kNone : it->second;
}

Result<Args> ParseArgs(const std::vector<std::string>& words,
                       const std::vector<std::string>& with_value,
                       const std::vector<std::string>& flags) {
  Args args;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (!w.starts_with("--")) {
      args.positional.push_back(w);
    } else if (Contains(flags, w)) {
      args.flags.push_back(w);
    } else if (Contains(with_value, w)) {
      if (i + 1 >= words.size())
        return MakeError(ErrorCode::kInvalidArgument, w + " needs a value");
      args.options[w].push_back(words[++i]);
    } else {
      return MakeError(ErrorCode::kInvalidArgument, "unknown option " + w);
    }
  }
  return args;
}

Result<std::string> ReadPasswordFromStdin() {
  std::string line;
  if (!std::getline(std::cin, line)) {
    return MakeError(ErrorCode::kInvalidArgument, "no password on stdin");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty password on stdin");
  return line;
}

}  // namespace ringmail::cli
