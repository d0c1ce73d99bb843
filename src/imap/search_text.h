// The decoded text SEARCH's text keys look in (RFC 9051 §6.4.4), and the case folding that
// makes them case-insensitive. Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mime/message_parser.h"

namespace ringmail::imap {

// Bytes of decoded body text kept per message for BODY/TEXT: text beyond it is not searched
// (a 100 MB attachment is not text to look through on every SEARCH).
inline constexpr size_t kSearchBodyTextMax = 4 << 20;

// `utf8` case-folded for comparison: ASCII letters, Latin-1, Latin Extended-A, Greek and
// Cyrillic capitals lowered (simple one-to-one mappings); everything else, ill-formed bytes
// included, copied.
std::string FoldCase(std::string_view utf8);

// Whether `haystack` contains `needle`, both already FoldCase'd. An empty needle is found.
// Long needles use Boyer-Moore-Horspool (a search string is as long as the client's literal).
bool ContainsFolded(std::string_view haystack, std::string_view needle);

// The values of every field named `name` in `header_block`, unfolded, RFC 2047 words
// decoded, folded, joined by '\n'; nullopt when there is no such field.
std::optional<std::string> FoldedHeaderValues(std::string_view header_block, std::string_view name);

// The whole header block unfolded and decoded, folded (TEXT searches it).
std::string FoldedHeaderText(std::string_view header_block);

// The text of every text/* part of the message (encapsulated messages included: their
// headers too), transfer-decoded and converted to UTF-8, folded, joined by '\n', at most
// kSearchBodyTextMax bytes.
std::string FoldedBodyText(std::string_view data, const mime::ParsedMessage& message);

}  // namespace ringmail::imap
