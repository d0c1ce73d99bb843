#include "base/version.h"

namespace ringmail {
const char* const kVersion = RINGMAIL_VERSION;
const char* const kGitCommit = RINGMAIL_GIT_COMMIT;
}  // namespace ringmail
