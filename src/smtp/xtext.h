// xtext (RFC 3461 §4): the encoding of DSN and AUTH= parameter values in MAIL and RCPT, and
// the "utf-8" ORCPT encoding of RFC 6533 §3. Pure; any core.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ringmail::smtp {

// Decodes xtext: xchar ("!".."~" but "+" and "=") as is, "+HH" as the byte 0xHH. Upper-case
// hex is what the RFC requires; lower-case is accepted (some clients send it). nullopt for
// any other byte or a cut "+". The result may hold any byte: callers check it for what their
// field allows (control characters are how CR/LF would be injected).
std::optional<std::string> XtextDecode(std::string_view text);

// Encodes bytes as xtext: "+", "=", and bytes outside "!".."~" become "+HH".
std::string XtextEncode(std::string_view bytes);

// Decodes RFC 6533 utf-8-addr-xtext / utf-8-addr-unitext: "\x{HEX}" (1 to 6 hex digits, a
// Unicode scalar value) as its UTF-8 encoding, other bytes as is. nullopt for a malformed or
// out-of-range escape, or a "+" or "=" (which must be escaped there).
std::optional<std::string> Utf8AddrXtextDecode(std::string_view text);

}  // namespace ringmail::smtp
