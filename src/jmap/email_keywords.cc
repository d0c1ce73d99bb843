#include "jmap/email_keywords.h"

#include <algorithm>

namespace ringmail::jmap {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The system flag a keyword names, or nullptr.
bool* SystemFlag(MessageFlags& flags, std::string_view lower) {
  if (lower == "$seen") return &flags.seen;
  if (lower == "$answered") return &flags.answered;
  if (lower == "$flagged") return &flags.flagged;
  if (lower == "$draft") return &flags.draft;
  return nullptr;
}

}  // namespace

std::vector<std::string> KeywordsOf(const MessageFlags& flags) {
  std::vector<std::string> out;
  if (flags.seen) out.push_back("$seen");
  if (flags.answered) out.push_back("$answered");
  if (flags.flagged) out.push_back("$flagged");
  if (flags.draft) out.push_back("$draft");
  for (const std::string& k : flags.keywords) out.push_back(Lower(k));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool HasKeyword(const MessageFlags& flags, std::string_view keyword) {
  const std::string lower = Lower(keyword);
  MessageFlags system = flags;  // SystemFlag points into its argument
  if (bool* flag = SystemFlag(system, lower)) return *flag;
  return std::any_of(flags.keywords.begin(), flags.keywords.end(),
                     [&](const std::string& k) { return Lower(k) == lower; });
}

bool ValidKeyword(std::string_view keyword) {
  if (keyword.empty() || keyword.size() > 255) return false;
  for (char c : keyword) {
    if (c < 0x21 || c > 0x7e) return false;
    if (std::string_view("(){]%*\"\\").find(c) != std::string_view::npos) return false;
  }
  return true;
}

bool SetKeyword(MessageFlags& flags, std::string_view keyword, bool on) {
  if (!ValidKeyword(keyword)) return false;
  const std::string lower = Lower(keyword);
  if (bool* flag = SystemFlag(flags, lower)) {
    *flag = on;
    return true;
  }
  std::erase_if(flags.keywords, [&](const std::string& k) { return Lower(k) == lower; });
  if (on) {
    flags.keywords.push_back(lower);
    std::sort(flags.keywords.begin(), flags.keywords.end());
  }
  return true;
}

}  // namespace ringmail::jmap
