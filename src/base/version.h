// Build identity, printed by `ringmail --version` and exported as ringmail_build_info.
#pragma once

namespace ringmail {
inline constexpr const char* kVersion = RINGMAIL_VERSION;
inline constexpr const char* kGitCommit = RINGMAIL_GIT_COMMIT;
}  // namespace ringmail
