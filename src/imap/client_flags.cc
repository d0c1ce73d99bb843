#include "imap/client_flags.h"

#include <algorithm>

#include "base/ascii.h"

namespace ringmail::imap {

bool ParseClientFlags(const std::vector<std::string>& flags, bool ignore_recent,
                      MessageFlags* out) {
  for (const std::string& f : flags) {
    if (f.empty() || f[0] != '\\') {
      out->keywords.push_back(f);
    } else if (EqualsIgnoreCase(f, "\\Seen")) {
      out->seen = true;
    } else if (EqualsIgnoreCase(f, "\\Answered")) {
      out->answered = true;
    } else if (EqualsIgnoreCase(f, "\\Flagged")) {
      out->flagged = true;
    } else if (EqualsIgnoreCase(f, "\\Deleted")) {
      out->deleted = true;
    } else if (EqualsIgnoreCase(f, "\\Draft")) {
      out->draft = true;
    } else if (!(ignore_recent && EqualsIgnoreCase(f, "\\Recent"))) {
      return false;
    }
  }
  std::sort(out->keywords.begin(), out->keywords.end());
  out->keywords.erase(std::unique(out->keywords.begin(), out->keywords.end()), out->keywords.end());
  return true;
}

}  // namespace ringmail::imap
