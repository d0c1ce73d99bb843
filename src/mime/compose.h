// Writing RFC 5322 / MIME text, the inverse of header.h and transfer_decoding.h: RFC 2047
// encoded words for non-ASCII text, phrases and addresses, header folding, RFC 2231
// parameters, quoted-printable and base64 bodies, and RFC 5322 dates. Everything written
// here parses back (header.h, address_list.h, content_type.h, transfer_decoding.h) to the
// value it was made from. Pure; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ringmail::mime {

inline constexpr size_t kFoldWidth = 78;     // RFC 5322 §2.1.1: lines SHOULD stay within it
inline constexpr size_t kLineSizeMax = 998;  // RFC 5322 §2.1.1: lines MUST stay within it

// Unstructured text (Subject, Comments, JMAP asText) as a field value: as given when it is
// printable ASCII that cannot be mistaken for an encoded word and has no word too long for a
// line, else UTF-8 "B" encoded words of at most 60 characters, split at character boundaries.
std::string EncodeUnstructured(std::string_view utf8);

// A display name as an RFC 5322 phrase: the atoms as given, else a quoted-string, else
// encoded words (non-ASCII).
std::string EncodePhrase(std::string_view utf8);

// An addr-spec with the local part quoted when it is not a dot-atom; nullopt when `email`
// has no '@' or holds CR, LF, NUL, '<' or '>' (it could not parse back).
std::optional<std::string> EncodeAddrSpec(std::string_view email);

// "Name: value" CRLF, folded (a CRLF inserted before a space) so that lines stay within
// kFoldWidth where a space allows it. `value` must not hold CR or LF.
std::string FoldField(std::string_view name, std::string_view value);

// `; attribute=value` for a Content-Type / Content-Disposition: a token as given, printable
// ASCII as a quoted-string, anything else as RFC 2231 `attribute*=utf-8''%XX`.
std::string ContentParameter(std::string_view attribute, std::string_view value);

// Text with its line breaks (LF, CRLF or a lone CR) made CRLF.
std::string ToCrlf(std::string_view text);

// Quoted-printable (RFC 2045 §6.7) of CRLF text: CRLF stays a hard line break, lines are
// soft-broken at 76 characters, trailing space and tab are encoded.
std::string EncodeQuotedPrintable(std::string_view text);

// Base64 in lines of 76 characters, each ended by CRLF.
std::string EncodeBase64Lines(std::string_view bytes);

// Whether `content` may be sent as 7bit: ASCII without NUL, every CR in a CRLF, every line
// at most kLineSizeMax bytes.
bool Is7bit(std::string_view content);

// An RFC 5322 date-time ("Tue, 01 Oct 2024 12:00:00 +0200") of `unix_seconds` as seen at
// `offset_minutes` east of UTC.
std::string FormatDate(int64_t unix_seconds, int offset_minutes = 0);

}  // namespace ringmail::mime
