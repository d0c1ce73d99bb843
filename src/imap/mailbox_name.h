// Mailbox names on the wire: modified UTF-7 (RFC 3501 §5.1.3, kept by RFC 9051 §5.1 for
// IMAP4rev1 clients) and UTF-8 (IMAP4rev2, RFC 6855 UTF8=ACCEPT). Inside ringmail a
// mailbox name is always UTF-8. Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/utf8.h"

namespace ringmail::imap {

// Decodes a modified UTF-7 name to UTF-8. Returns nullopt for what RFC 3501 forbids or what
// has two spellings: a byte outside printable ASCII, an "&" run not closed by "-", base64
// with nonzero padding bits or a partial UTF-16 unit, an unpaired surrogate, a printable
// ASCII character (or "&") encoded in base64, two adjacent runs ("&AGE-&AGE-"), and any
// control character (also when encoded). "&-" decodes to "&".
std::optional<std::string> DecodeMailboxUtf7(std::string_view utf7);

// Encodes UTF-8 to modified UTF-7: the inverse of DecodeMailboxUtf7.
// REQUIRES: IsValidUtf8(utf8), without control characters (DecodeMailboxName's output).
std::string EncodeMailboxUtf7(std::string_view utf8);

// A mailbox name or pattern as received, to UTF-8. With `utf8` (IMAP4rev2 or UTF8=ACCEPT
// enabled) the bytes are taken as they are and must be valid UTF-8 without control
// characters; otherwise they are decoded from modified UTF-7. nullopt: refuse with BAD.
std::optional<std::string> DecodeMailboxName(std::string_view raw, bool utf8);

}  // namespace ringmail::imap
