// [imap] (docs/config.md).
#include "server/config_reader.h"

namespace ringmail::config_internal {

Result<void> ReadImap(const Section& s, ImapConfig* /*imap*/) {
  TRY(s.AllowOnly({}));
  return {};
}

}  // namespace ringmail::config_internal
