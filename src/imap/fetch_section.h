// Which bytes of a message FETCH BODY[section] and BINARY[section] name (RFC 9051 §6.4.5):
// part numbering through multiparts and encapsulated messages, HEADER, HEADER.FIELDS (NOT),
// TEXT and MIME. Pure; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imap/fetch_attr.h"
#include "mime/message_parser.h"

namespace ringmail::imap {

// The part that `path` ("1.2.3" as {1, 2, 3}) names in `message`, or nullopt if there is none.
// An empty path is the message itself (index 0). Each number indexes the children of a
// multipart; part 1 of anything else is that thing's body (so "1" of a single-part message is
// its body, and "2.1" descends into the message a message/rfc822 part 2 encapsulates).
std::optional<uint32_t> FindPart(const mime::ParsedMessage& message,
                                 const std::vector<uint32_t>& path);

// The message whose HEADER and TEXT a section with this part names: the whole message for an
// empty path, else the message encapsulated by a message/rfc822 (or message/global) part;
// nullopt when the part is not such a message.
std::optional<uint32_t> FindMessage(const mime::ParsedMessage& message,
                                    const std::vector<uint32_t>& path);

// A section's bytes: a view into the message, or built (HEADER.FIELDS).
struct SectionContent {
  std::string_view view;
  std::string built;
  bool is_built = false;
  std::string_view bytes() const { return is_built ? std::string_view(built) : view; }
};

// The bytes of BODY[section] (before any partial). A section that does not exist is empty.
SectionContent ReadSection(const Section& section, std::string_view data,
                           const mime::ParsedMessage& message);

// The fields of the header block `block` whose names are (`keep`) or are not (!`keep`) in
// `names` (ASCII case-insensitive), as written (folding and line ends kept), followed by the
// empty line that ends the header when `block` has one (RFC 9051 §6.4.5: the blank line is
// included in all header fetches, except for a message that has no body and no blank line).
std::string FilterHeaderFields(std::string_view block, const std::vector<std::string>& names,
                               bool keep);

}  // namespace ringmail::imap
