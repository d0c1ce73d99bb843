// [imap] (docs/config.md).
#include "server/config_reader.h"

namespace ringmail::config_internal {

Result<void> ReadImap(const Section& s, ImapConfig* imap) {
  TRY(s.AllowOnly({"line-size-max", "literal-size-max", "append-size-max", "login-timeout-ms",
                   "idle-timeout-ms", "idle-duration-max-ms", "bad-commands-max"}));
  TRY(s.Uint32("line-size-max", 8192, 16u << 20, &imap->line_size_max));
  TRY(s.Uint64("literal-size-max", 1024, 16u << 20, &imap->literal_size_max));
  TRY(s.Uint64("append-size-max", 1024, 2ull << 30, &imap->append_size_max));
  TRY(s.Uint32("login-timeout-ms", 1000, 3600000, &imap->login_timeout_ms));
  TRY(s.Uint32("idle-timeout-ms", 60000, 86400000, &imap->idle_timeout_ms));
  TRY(s.Uint32("idle-duration-max-ms", 1000, 86400000, &imap->idle_duration_max_ms));
  TRY(s.Uint32("bad-commands-max", 1, 1000, &imap->bad_commands_max));
  return {};
}

}  // namespace ringmail::config_internal
