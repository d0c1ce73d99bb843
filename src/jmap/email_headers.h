// Header fields as JMAP shows them (RFC 8621 §4.1.2-4.1.3): the parsed forms (Raw, Text,
// Addresses, GroupedAddresses, MessageIds, Date, URLs) and the "header:Name[:asForm][:all]"
// property names. Pure; any core.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/json_writer.h"

namespace ringmail::jmap {

enum class HeaderForm { kRaw, kText, kAddresses, kGroupedAddresses, kMessageIds, kDate, kUrls };

struct HeaderProperty {
  std::string name;  // as the client wrote it (matched case-insensitively)
  HeaderForm form = HeaderForm::kRaw;
  bool all = false;
};

// Parses "header:Name[:asForm][:all]"; nullopt when malformed or the form is unknown.
std::optional<HeaderProperty> ParseHeaderProperty(std::string_view property);

// Writes the value of header `p` of `header_block` (a message's or a part's header) to `w`:
// the last instance (or every one, as an array, with `all`), null when absent (`all`: []).
void WriteHeaderValue(JsonWriter& w, std::string_view header_block, const HeaderProperty& p);

// Writes one raw field value in `form` (null where the form cannot parse it).
void WriteHeaderForm(JsonWriter& w, std::string_view raw, HeaderForm form);

// Unix seconds as an RFC 3339 UTCDate ("2024-05-01T12:00:00Z").
std::string UtcDate(int64_t seconds);
// Parses an RFC 3339 date-time with "Z" or an offset; nullopt when malformed.
std::optional<int64_t> ParseUtcDate(std::string_view text);

}  // namespace ringmail::jmap
