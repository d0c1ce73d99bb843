// JMAP keywords (RFC 8621 §4.1.1) over the store's MessageFlags: the IMAP system flags are
// $seen, $answered, $flagged, $draft; other keywords are shown lower-case (JMAP keywords are
// case-insensitive). \Deleted is not a keyword: an email marked so is not visible to JMAP.
// Pure; any core.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/metadata_store.h"

namespace ringmail::jmap {

// The keywords of `flags`, sorted, lower-case.
std::vector<std::string> KeywordsOf(const MessageFlags& flags);

// Whether `flags` has `keyword` (any case).
bool HasKeyword(const MessageFlags& flags, std::string_view keyword);

// Sets or clears `keyword` (any case) in `flags`. false when it is not a valid keyword
// (RFC 8621 §4.1.1: 1..255 of %x21-7E except ( ) { ] % * " \).
bool SetKeyword(MessageFlags& flags, std::string_view keyword, bool on);

// Whether `keyword` may be set.
bool ValidKeyword(std::string_view keyword);

}  // namespace ringmail::jmap
