// Content-Transfer-Encoding decoding (RFC 2045 §6): base64 and quoted-printable to bytes,
// leniently, the way mail readers decode what mailers really send. Also the text of a part
// as UTF-8 (for SEARCH and JMAP). Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

namespace ringmail::mime {

// Base64 ignoring every byte outside the alphabet (line breaks, spaces, garbage) and '='
// padding; a final group of 2 or 3 characters yields 1 or 2 bytes, a lone one is dropped.
std::string DecodeBase64Lenient(std::string_view text);

// Quoted-printable (RFC 2045 §6.7): "=XX" (either case) is a byte, '=' before a line break
// is a soft break, trailing whitespace of a line is dropped; any other '=' is kept as is.
// Line breaks are kept as written.
std::string DecodeQuotedPrintable(std::string_view text);

// `body` decoded per `encoding` (a Content-Transfer-Encoding value, any case). 7bit, 8bit,
// binary and unknown encodings are returned unchanged.
std::string DecodeTransferEncoding(std::string_view body, std::string_view encoding);

// A text part's content as UTF-8: transfer-decoded, then converted from `charset` (empty:
// us-ascii). An unknown charset is treated as UTF-8, invalid sequences become U+FFFD.
std::string DecodeText(std::string_view body, std::string_view encoding, std::string_view charset);

}  // namespace ringmail::mime
