#include "jmap/ids.h"

#include <charconv>

namespace ringmail::jmap {
namespace {

std::string Prefixed(char prefix, int64_t n) { return prefix + std::to_string(n); }

// Decimal without sign or leading zero ("0" alone is fine).
std::optional<uint64_t> ParseDecimal(std::string_view s) {
  if (s.empty() || s.size() > 19 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return n;
}

std::optional<int64_t> ParsePrefixed(char prefix, std::string_view id) {
  if (id.empty() || id[0] != prefix) return std::nullopt;
  std::optional<uint64_t> n = ParseDecimal(id.substr(1));
  if (!n || *n == 0 || *n > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(*n);
}

}  // namespace

std::string AccountId(int64_t account_id) { return Prefixed('A', account_id); }
std::string MailboxId(int64_t mailbox_id) { return Prefixed('F', mailbox_id); }
std::string EmailId(int64_t email_id) { return Prefixed('M', email_id); }
std::string ThreadId(int64_t thread_id) { return Prefixed('T', thread_id); }
std::string BlobId(const BlobKey& key) { return "B" + key.Hex(); }
std::string StateString(uint64_t modseq) { return std::to_string(modseq); }
std::string IdentityId(int64_t identity_id) { return Prefixed('I', identity_id); }
std::string SubmissionId(int64_t submission_id) { return Prefixed('S', submission_id); }

std::optional<int64_t> ParseAccountId(std::string_view id) { return ParsePrefixed('A', id); }
std::optional<int64_t> ParseMailboxId(std::string_view id) { return ParsePrefixed('F', id); }
std::optional<int64_t> ParseEmailId(std::string_view id) { return ParsePrefixed('M', id); }
std::optional<int64_t> ParseThreadId(std::string_view id) { return ParsePrefixed('T', id); }
std::optional<int64_t> ParseIdentityId(std::string_view id) { return ParsePrefixed('I', id); }
std::optional<int64_t> ParseSubmissionId(std::string_view id) { return ParsePrefixed('S', id); }

std::optional<BlobKey> ParseBlobId(std::string_view id) {
  if (id.size() != 65 || id[0] != 'B') return std::nullopt;
  for (char c : id.substr(1)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;  // as Hex()
  }
  Result<BlobKey> key = BlobKey::FromHex(id.substr(1));
  if (!key) return std::nullopt;
  return *key;
}

std::optional<uint64_t> ParseState(std::string_view state) { return ParseDecimal(state); }

}  // namespace ringmail::jmap
