// IMAP strings on the wire, for both directions: the response writer (quoted or literal,
// NIL) and tests or tools that build commands. Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ringmail::imap {

// Literals sent by a client may be non-synchronizing (RFC 7888); a server's never are.
enum class LiteralForm { kSync, kNonSync };

// True if `s` can be sent as a quoted string: no NUL, CR or LF, at most 1024 bytes (longer
// strings read better as literals), and 8-bit bytes only when `utf8` (IMAP4rev2 / UTF8=ACCEPT,
// which allow UTF-8 in quoted strings; RFC 3501 does not).
bool CanQuote(std::string_view s, bool utf8);

// Appends `s` quoted, escaping '"' and '\'. REQUIRES: CanQuote(s, true).
void AppendQuoted(std::string* out, std::string_view s);

// Appends "{N}\r\n" (or "{N+}\r\n") and the bytes; "~{N}..." (literal8) when `binary`.
void AppendLiteral(std::string* out, std::string_view s, bool binary = false,
                   LiteralForm form = LiteralForm::kSync);

// Appends `s` as a string: quoted when CanQuote(s, utf8), else a literal (literal8 if it
// holds NUL).
void AppendString(std::string* out, std::string_view s, bool utf8,
                  LiteralForm form = LiteralForm::kSync);

// Appends an nstring: NIL for nullopt, else as AppendString.
void AppendNString(std::string* out, std::optional<std::string_view> s, bool utf8);

// Appends an astring: an atom when `s` is a non-empty run of ASTRING-CHARs other than "NIL",
// else as AppendString.
void AppendAString(std::string* out, std::string_view s, bool utf8,
                   LiteralForm form = LiteralForm::kSync);

}  // namespace ringmail::imap
