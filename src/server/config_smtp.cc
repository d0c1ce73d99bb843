// [smtp] (docs/config.md).
#include "server/config_reader.h"

namespace ringmail::config_internal {

Result<void> ReadSmtp(const Section& s, SmtpConfig* /*smtp*/) {
  TRY(s.AllowOnly({}));
  return {};
}

}  // namespace ringmail::config_internal
