// Byte-to-text encodings: lower-case hex and base64 (RFC 4648 §4, standard alphabet, with
// padding). Pure functions; any core or thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ringmail {

std::string HexLower(std::span<const uint8_t> bytes);
std::string Base64(std::span<const uint8_t> bytes);
inline std::string Base64(std::string_view bytes) {
  return Base64(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

// The 6-bit value of a character of the standard base64 alphabet, or -1 (also for '=').
int Base64Value(char c);

// Strict decoding: the standard alphabet, padding to a multiple of four, no whitespace, and
// zero bits where the padding leaves some (so every input has one decoding). nullopt for
// anything else.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace ringmail
