// An Email's body as JMAP shows it (RFC 8621 §4.1.4): the EmailBodyPart tree (bodyStructure),
// the textBody / htmlBody / attachments lists the RFC's parseStructure algorithm picks, and
// bodyValues. partIds are the indexes of mime::ParsedMessage::parts; a part's blobId is the
// message's (jmap/ids.h) with "_<partId>" (PartBlobId). Pure; any core.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/json_writer.h"
#include "mime/message_parser.h"
#include "store/blob_key.h"

namespace ringmail::jmap {

struct BodyLists {
  std::vector<uint32_t> text, html, attachments;  // leaf parts, in order
};

// The blob id of part `part` of the message stored as `blob`.
std::string PartBlobId(const BlobKey& blob, uint32_t part);

// RFC 8621 §4.1.4's parseStructure over the message's tree.
BodyLists PickBodyParts(const mime::ParsedMessage& message);

// Whether the message has an attachment (hasAttachment: a part in `attachments` that is not
// an inline image referenced by the HTML... simplified: any part in `attachments`).
bool HasAttachment(const BodyLists& lists);

// The EmailBodyPart properties a client may ask for (bodyProperties).
bool ValidBodyProperty(std::string_view property);

// Writes part `part` as an EmailBodyPart with `properties` ("subParts" recurses).
void WriteBodyPart(JsonWriter& w, std::string_view data, const mime::ParsedMessage& message,
                   uint32_t part, const BlobKey& blob, const std::vector<std::string>& properties);

// A text part's content decoded to UTF-8 and cut to `max_bytes` (0: no limit) at a character
// boundary: writes {"value", "isEncodingProblem", "isTruncated"}.
void WriteBodyValue(JsonWriter& w, std::string_view data, const mime::ParsedMessage& message,
                    uint32_t part, size_t max_bytes);

}  // namespace ringmail::jmap
