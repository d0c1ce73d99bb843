// Build identity, printed by `ringmail --version` and exported as ringmail_build_info.
// Defined in version.cc, the one file compiled with the version and commit: a new commit
// recompiles that file only.
#pragma once

namespace ringmail {
extern const char* const kVersion;
extern const char* const kGitCommit;
}  // namespace ringmail
