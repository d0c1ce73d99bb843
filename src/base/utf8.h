// UTF-8 (RFC 3629) checks and encoding: well-formed means no overlong forms, no surrogates,
// nothing past U+10FFFF and no cut sequence. Pure; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ringmail {

// The size of the well-formed sequence at the start of `s` (1 for an ASCII byte); 0 when
// `s` is empty or starts with an ill-formed sequence.
size_t Utf8SequenceSize(std::string_view s);

bool IsValidUtf8(std::string_view s);
// The number of leading ASCII bytes of `s` (checked eight at a time: mail text is mostly
// ASCII, and the UTF-8 checks above are per byte).
size_t AsciiPrefixSize(std::string_view s);

// Appends the encoding of code point `cp`. REQUIRES: cp <= 0x10FFFF.
void AppendUtf8(std::string* out, uint32_t cp);

}  // namespace ringmail
