// The Email properties that a message's header and MIME structure decide once and for all
// (RFC 8621 §4.1.3's convenience headers, hasAttachment, preview), rendered as JSON once per
// message and kept per core, so that Email/get's list properties read no blob when the
// message was rendered before on this core (bench/http/run jmap-email-get measures it).
//
// Why a cache of rendered values and not the store's summary (EmailRecord, CachedSummary):
// the store keeps IMAP's ENVELOPE (raw header text; sender and reply-to filled in from From
// when absent; no References), one decoded Subject and no address lists, so JMAP's values
// (decoded names, groups, null for an absent header) cannot be rebuilt from it byte for byte.
// A message's bytes never change (its blob key is the SHA-256 of its bytes), so a value
// rendered from them is valid forever: the cache is keyed by blob key, needs no
// invalidation, and gives exactly what rendering from the bytes gives (the same code makes it).
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "store/blob_key.h"

namespace ringmail::jmap {

// The properties, in the order of EmailSummaryJson::values.
inline constexpr std::string_view kSummaryProperties[] = {
    "messageId", "inReplyTo", "references", "sender", "from",          "to",     "cc",
    "bcc",       "replyTo",   "subject",    "sentAt", "hasAttachment", "preview"};
inline constexpr size_t kSummaryPropertyCount = std::size(kSummaryProperties);

// One message's summary properties, each as one JSON value.
struct EmailSummaryJson {
  std::array<std::string, kSummaryPropertyCount> values;
  size_t bytes() const;
};

// The index of `property` in kSummaryProperties, or nullopt. (RenderEmailSummary, in
// email_render.h, makes an EmailSummaryJson from a message.)
std::optional<size_t> SummaryPropertyIndex(std::string_view property);

// This core's cached summary of the message with blob `blob`, or nullptr.
std::shared_ptr<const EmailSummaryJson> FindEmailSummary(const BlobKey& blob);
// Keeps `summary` for `blob` on this core, dropping the least recently kept ones beyond
// kCachedSummaryBytesMax.
void KeepEmailSummary(const BlobKey& blob, std::shared_ptr<const EmailSummaryJson> summary);

// Per core; the cache is two generations of at most half of this each.
inline constexpr size_t kCachedSummaryBytesMax = 64 << 20;

}  // namespace ringmail::jmap
