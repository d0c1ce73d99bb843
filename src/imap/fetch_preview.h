// RFC 8970 PREVIEW text of a message, and the transfer-decoded content BINARY[part] names
// (RFC 3516). Pure; any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "mime/message_parser.h"

namespace ringmail::imap {

inline constexpr size_t kPreviewCharsMax = 256;  // RFC 8970 §3: at most 256 characters
// Bytes of the chosen part read to make a preview: previews never need a whole large part.
inline constexpr size_t kPreviewInputMax = 64 * 1024;

// The preview of a message: the text of its first text/plain part that is not an attachment
// and not inside an attached message (else the first such text/html, tags and the content of
// <style>/<script> dropped, a few entities decoded), transfer-decoded, converted to UTF-8,
// whitespace runs collapsed to one space, trimmed and cut to kPreviewCharsMax characters.
// Empty when the message has no such text.
// `chars_max` other than kPreviewCharsMax: a longer text (JMAP SearchSnippet looks in it).
std::string MakePreview(std::string_view data, const mime::ParsedMessage& message,
                        size_t chars_max = kPreviewCharsMax);

// The content of part `part` with its Content-Transfer-Encoding undone: base64 and
// quoted-printable decoded, 7bit/8bit/binary (or none) as is; multiparts and messages as
// is. nullopt for an unknown encoding (RFC 3516 UNKNOWN-CTE).
std::optional<std::string> DecodedPartContent(std::string_view data,
                                              const mime::ParsedMessage& message, uint32_t part);

}  // namespace ringmail::imap
