#include "jmap/email_ids.h"

#include <charconv>

namespace ringmail::jmap {
namespace {

std::optional<int64_t> ParsePrefixed(std::string_view id, char prefix) {
  if (id.size() < 2 || id.size() > 20 || id[0] != prefix || id[1] == '0') return std::nullopt;
  int64_t value = 0;
  const char* end = id.data() + id.size();
  auto [ptr, ec] = std::from_chars(id.data() + 1, end, value);
  if (ec != std::errc() || ptr != end || value <= 0) return std::nullopt;
  return value;
}

}  // namespace

std::string EmailIdString(int64_t email_id) { return "M" + std::to_string(email_id); }
std::string ThreadIdString(int64_t thread_id) { return "T" + std::to_string(thread_id); }
std::string MailboxIdString(int64_t mailbox_id) { return "F" + std::to_string(mailbox_id); }
std::string BlobIdString(const BlobKey& key) { return "B" + key.Hex(); }
std::string PartBlobIdString(const BlobKey& key, uint32_t part) {
  return BlobIdString(key) + "_" + std::to_string(part);
}

std::optional<int64_t> ParseEmailId(std::string_view id) { return ParsePrefixed(id, 'M'); }
std::optional<int64_t> ParseThreadId(std::string_view id) { return ParsePrefixed(id, 'T'); }
std::optional<int64_t> ParseMailboxId(std::string_view id) { return ParsePrefixed(id, 'F'); }

std::optional<BlobKey> ParseBlobId(std::string_view id) {
  if (id.size() != 65 || id[0] != 'B') return std::nullopt;
  for (char c : id.substr(1)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  Result<BlobKey> key = BlobKey::FromHex(id.substr(1));
  if (!key) return std::nullopt;
  return *key;
}

}  // namespace ringmail::jmap
