// The JMAP ids of the mail objects this family shows (RFC 8620 §1.2: opaque strings), the same
// as IMAP's RFC 8474 object ids: emails "M<n>", threads "T<n>", mailboxes "F<n>"; blobs of
// stored messages "B<sha256 hex>". Each format is written here once. Pure; any core.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/blob_key.h"

namespace ringmail::jmap {

std::string EmailIdString(int64_t email_id);
std::string ThreadIdString(int64_t thread_id);
std::string MailboxIdString(int64_t mailbox_id);
std::string BlobIdString(const BlobKey& key);
// A MIME part of a stored message (email_body.h): the message's blob id, "_", the part index.
std::string PartBlobIdString(const BlobKey& key, uint32_t part);

// The store id in an id string of that kind; nullopt for anything else (a client's garbage is
// then notFound, never an error that tells ids apart).
std::optional<int64_t> ParseEmailId(std::string_view id);
std::optional<int64_t> ParseThreadId(std::string_view id);
std::optional<int64_t> ParseMailboxId(std::string_view id);
std::optional<BlobKey> ParseBlobId(std::string_view id);

}  // namespace ringmail::jmap
