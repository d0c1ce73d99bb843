// IMAP string syntax (RFC 9051 §4.3) for the ENVELOPE and BODYSTRUCTURE this layer writes:
// a quoted string when the value is 7-bit, a literal otherwise. Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ringmail::mime {

// Quoted strings longer than this become literals (clients handle both; long quoted strings
// are where naive clients break).
inline constexpr size_t kQuotedSizeMax = 1024;

// Appends `value` as an IMAP string. NUL, CR and LF (never meaningful in header-derived
// metadata, and NUL is not allowed even in a literal) become spaces first. `utf8` (the client
// enabled UTF8=ACCEPT) lets 8-bit bytes go in a quoted string.
void AppendImapString(std::string& out, std::string_view value, bool utf8 = false);

// NIL for nullopt, else AppendImapString.
void AppendImapNString(std::string& out, std::optional<std::string_view> value, bool utf8 = false);

// Upper-cased ASCII copy, for the type, subtype, encoding and parameter names IMAP shows.
std::string AsciiUpper(std::string_view s);

}  // namespace ringmail::mime
