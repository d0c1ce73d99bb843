// Charset conversion to UTF-8 for decoded header words, RFC 2231 parameters and text bodies
// (SEARCH, JMAP previews). Conversions go through glibc's iconv; us-ascii, utf-8 and
// iso-8859-1 take a fast path. Pure functions; any thread (each thread keeps its own iconv
// descriptor cache).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/utf8.h"

namespace ringmail::mime {

inline constexpr size_t kCharsetNameMax = 40;  // longer names are refused as unknown

// `bytes` in `charset` (an IANA name or common alias, any case) as UTF-8. Byte sequences
// invalid in the charset become U+FFFD. nullopt for an unknown or malformed charset name.
std::optional<std::string> ToUtf8(std::string_view bytes, std::string_view charset);

// `text` with every ill-formed UTF-8 sequence replaced by U+FFFD.
std::string SanitizeUtf8(std::string_view text);

}  // namespace ringmail::mime
