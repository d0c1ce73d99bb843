// IMAP BODYSTRUCTURE and BODY (RFC 9051 §7.5.2) of a parsed message, in IMAP syntax.
// Pure; any thread.
//
// Choices where the RFC leaves room (docs/mime.md): type, subtype, encoding, disposition
// type and parameter names are upper-cased; an RFC 2231 parameter whose value is not ASCII
// is sent as "NAME*" with its joined extended value (7-bit, as Dovecot does), otherwise its
// decoded value under its plain name; a multipart with no parts shows one empty text/plain
// part (the grammar needs one); a message/rfc822 not descended into (depth limit) shows as
// application/octet-stream.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mime/message_parser.h"

namespace ringmail::mime {

// The structure of part `part` of `message` (0: the whole message), parsed from `data`.
// `extended`: BODYSTRUCTURE (extension data included); false: BODY. `utf8`: see
// AppendImapString.
void AppendBodyStructure(std::string& out, std::string_view data, const ParsedMessage& message,
                         uint32_t part, bool extended, bool utf8 = false);

inline std::string WriteBodyStructure(std::string_view data, const ParsedMessage& message,
                                      bool extended = true, bool utf8 = false) {
  std::string out;
  AppendBodyStructure(out, data, message, 0, extended, utf8);
  return out;
}

}  // namespace ringmail::mime
