// The metadata model's rules that do not depend on a backend: limits, name and flag
// validation, and the small computations both backends (store/sqlite/, store/postgres/) make
// before touching their database. A backend calls these first, so that invalid input gets the
// same kInvalidArgument from both and never reaches SQL.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "store/metadata_store.h"

namespace ringmail {

inline constexpr size_t kDomainNameMax = 253;
inline constexpr size_t kAccountNameMax = 256;
inline constexpr size_t kAddressLocalMax = 64;        // RFC 5321 §4.5.3.1.1
inline constexpr size_t kAccountAddressesMax = 1000;  // emails of one account
inline constexpr size_t kAccountGroupsMax = 1000;     // member_of of one account
inline constexpr size_t kMailboxNameMax = 1024;       // bytes of the full path
inline constexpr size_t kKeywordMax = 256;            // bytes of one keyword
inline constexpr size_t kKeywordsMax = 128;           // keywords on one message
inline constexpr size_t kDeliveryTargetsMax = 1000;
inline constexpr size_t kUidsPerCallMax = 1000000;
inline constexpr uint64_t kUidMax = 0xffffffff;
inline constexpr size_t kLeaseHolderMax = 256;  // bytes of a collector lease holder's id

struct DefaultMailbox {
  const char* name;
  const char* special_use;
};
// What every new account starts with (MetadataStore::CreateAccount).
inline constexpr std::array<DefaultMailbox, 6> kDefaultMailboxes = {{
    {"INBOX", ""},
    {"Drafts", "\\Drafts"},
    {"Sent", "\\Sent"},
    {"Junk", "\\Junk"},
    {"Trash", "\\Trash"},
    {"Archive", "\\Archive"},
}};

// Lower-cases an A-label (punycode) domain name and checks its form.
Result<std::string> NormalizeDomain(std::string_view name);

// A name without control characters, at most kAccountNameMax bytes; a known type.
Result<void> ValidateAccount(const AccountRecord& account);

// "user" or "admin" (AccountRecord::role).
Result<void> ValidateRole(std::string_view role);

// A key to store (ApiKeyRecord): a name of 1..kApiKeyNameMax bytes without control
// characters, a key_id of 1..64 bytes of [0-9a-z], a 64-hex-digit hash, expiry not negative.
Result<void> ValidateApiKey(const ApiKeyRecord& key);

// An address as AccountRecord::emails holds it: "local@domain" with a lower-case local part
// of at most kAddressLocalMax bytes (empty: the catch-all; quoted, it may hold '@': the
// split is at the last one) without control characters, and a domain NormalizeDomain leaves
// unchanged. Returns {local part, domain}.
Result<std::pair<std::string, std::string>> SplitStoredAddress(std::string_view address);

// The emails and member_of lists of `account` are valid and without duplicates.
Result<void> ValidateAccountLists(const std::vector<std::string>& emails,
                                  const std::vector<std::string>& member_of);

// A full mailbox path, validated: not empty, at most kMailboxNameMax bytes, no empty level
// ('/' at either end or twice in a row), no control characters. A first level that is
// "INBOX" in any case becomes "INBOX". kInvalidArgument otherwise.
Result<std::string> NormalizeMailboxName(std::string_view name);

// "" or one of RFC 6154's attributes this store keeps (\Drafts, \Sent, \Junk, \Trash,
// \Archive, \All, \Flagged).
Result<void> ValidateSpecialUse(std::string_view special_use);

// kInvalidArgument for an empty keyword, one with whitespace or control characters, or over
// the limits.
Result<void> ValidateFlags(const MessageFlags& flags);

// Keywords are stored space-separated, sorted, without duplicates.
std::string JoinKeywords(std::vector<std::string> keywords);
std::vector<std::string> SplitKeywords(std::string_view stored);

// Sorted, duplicates removed; kInvalidArgument over kUidsPerCallMax.
Result<std::vector<uint32_t>> SortedUids(std::span<const uint32_t> uids);

// The flags a message has after `operation` with `change`; keywords sorted, distinct.
MessageFlags ApplyFlagOperation(FlagOperation operation, const MessageFlags& current,
                                const MessageFlags& change);

// Both flag sets' flags and keywords (flags belong to the email, so an email delivered to
// several mailboxes of an account gets the union of their targets' flags).
MessageFlags UnionFlags(const MessageFlags& a, const MessageFlags& b);

// The request's targets checked (count, size, flags) with one target per mailbox: a
// repeated mailbox merges its flags into the first.
Result<std::vector<DeliveryRequest::Target>> DistinctTargets(const DeliveryRequest& request);

// kTimeout when the request's blob was stored longer ago than its validity
// (kBlobWriteValidityMs): the caller stores the blob again. Checked as the transaction starts.
Result<void> CheckBlobValidity(const DeliveryRequest& request);

// A RecordUpload request: a type of at most kUploadTypeMax bytes without control characters
// (kInvalidArgument), a blob stored within its validity (kTimeout as CheckBlobValidity).
Result<void> CheckUpload(const BlobUploadRequest& request);

// At most kAdoptBlobsMax blobs (MetadataStore::AdoptOrphanBlobs), written at non-negative
// times.
Result<void> CheckOrphanBlobs(std::span<const OrphanBlob> blobs);

// A collector lease holder: 1..kLeaseHolderMax bytes without control characters.
Result<void> CheckLeaseHolder(std::string_view holder);

// An EnqueueOutbound request: 1..kQueueRecipientsMax distinct recipients, valid lengths,
// expires_at after now, and a blob stored within its validity (kTimeout as
// CheckBlobValidity). Checked as the transaction starts.
Result<void> CheckQueueEnqueue(const QueueEnqueueRequest& request);
// ClaimQueueWork's arguments: a lease holder as CheckLeaseHolder, 1..kQueueClaimMax.
Result<void> CheckQueueClaim(std::string_view holder, size_t max);
// An outcome's reply as stored: at most kQueueReplyMax bytes, control characters as spaces.
std::string QueueReply(std::string_view reply);

// One `changes` row, as LoadChanges reads them: ascending modseq, then object id.
struct ChangeRow {
  uint64_t modseq = 0;
  int64_t object_id = 0;
  char kind = 'u';  // 'c' created, 'u' updated, 'd' destroyed
};
// kInvalidArgument unless object_type is one of the `changes` table's and 1 <= max <=
// kChangesMax.
Result<void> ValidateChangesRequest(std::string_view object_type, size_t max);
// LoadChanges' answer from the rows after `since` (at most kChangeRowsMax; `complete`: they
// are all there are) and the account's highest modseq. Whole modseqs only: a modseq whose
// objects would pass `max` (or whose rows may go on past the rows read) is left for the next
// call.
ChangesResult FoldChanges(std::span<const ChangeRow> rows, bool complete, uint64_t since,
                          size_t max, uint64_t highest_modseq);

}  // namespace ringmail
