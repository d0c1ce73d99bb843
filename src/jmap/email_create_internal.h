// The pieces of ReadEmailDraft (jmap/email_create.h) its files share. Pure; any core.
#pragma once

#include <simdjson.h>

#include <expected>
#include <map>
#include <string>
#include <vector>

#include "jmap/email_args.h"
#include "jmap/email_create.h"
#include "jmap/email_headers.h"

namespace ringmail::jmap {

using CreateRead = std::expected<void, CreateError>;

inline CreateError Invalid(std::string property, std::string description) {
  return CreateError{"invalidProperties", std::move(description), {std::move(property)}, {}};
}

// The header fields of one Email or EmailBodyPart, and which property gave each field name
// (lower-case), so a field given twice is refused with both property names.
struct HeaderScope {
  std::map<std::string, std::string> given;
  std::vector<DraftField> fields;
};

// Adds the fields of header property `property` (parsed as `p`) of the object at `path`
// ("" or "textBody/0/") to `scope`; invalidProperties when it repeats a field or its value
// is not of its form.
CreateRead AddHeader(HeaderScope& scope, std::string_view property, const HeaderProperty& p,
                     simdjson::dom::element value, std::string_view path);

// Counts the body parts of one Email (kCreatePartsMax).
struct PartReader {
  size_t parts = 0;
};

// Reads the EmailBodyPart at `path` ("bodyStructure/", "attachments/0/", ...; ends in '/').
std::expected<DraftPart, CreateError> ReadBodyPart(PartReader& r, simdjson::dom::element e,
                                                   const std::string& path, size_t depth);

// The header fields a header property (`header:Name[:asForm][:all]`) with `value` stands for:
// none for null, one per value with `all`. The description of the problem when the value is
// not of its form, or the form is one RFC 8621 §4.1.2 does not allow for the field.
std::expected<std::vector<DraftField>, std::string> EncodeHeaderProperty(
    const HeaderProperty& p, simdjson::dom::element value);

}  // namespace ringmail::jmap
