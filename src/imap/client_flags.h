// The flags a client sends (STORE, APPEND) as the store's MessageFlags. Pure; any thread.
#pragma once

#include <string>
#include <vector>

#include "store/metadata_store.h"

namespace ringmail::imap {

// Adds `flags` to `out`: the system flags by name (case-insensitive, RFC 9051 §2.3.2), every
// other flag as a keyword (sorted, without duplicates). \Recent is skipped when
// `ignore_recent` (APPEND, RFC 3501 §6.3.11), else refused like any other unknown system flag:
// false, and the command is answered BAD.
bool ParseClientFlags(const std::vector<std::string>& flags, bool ignore_recent, MessageFlags* out);

}  // namespace ringmail::imap
