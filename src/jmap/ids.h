// The opaque ids and state strings JMAP hands out (docs/jmap.md, "Ids"). They are the ones
// IMAP shows too: a mailbox "F<n>" is IMAP's MAILBOXID (RFC 8474), an email "M<n>" and a
// thread "T<n>" its EMAILID and THREADID (imap/message_view.cc), so a client using both
// protocols sees one object under one id. A blob is "B" + the 64 hex digits of its SHA-256
// (store/blob_key.h); the account "A<n>"; an identity "I<n>", a submission "S<n>". A state string
// is the account's modseq in decimal (docs/storage.md, "Modification sequences").
//
// Parsing accepts exactly what formatting produces ("F012" and "F" are not ids), so an id
// names one object. Pure code; any core.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/blob_key.h"

namespace ringmail::jmap {

std::string AccountId(int64_t account_id);
std::string MailboxId(int64_t mailbox_id);
std::string EmailId(int64_t email_id);
std::string ThreadId(int64_t thread_id);
std::string BlobId(const BlobKey& key);
std::string StateString(uint64_t modseq);
std::string IdentityId(int64_t identity_id);
std::string SubmissionId(int64_t submission_id);

// nullopt when `id` is not one this server formats (of that kind).
std::optional<int64_t> ParseAccountId(std::string_view id);
std::optional<int64_t> ParseMailboxId(std::string_view id);
std::optional<int64_t> ParseEmailId(std::string_view id);
std::optional<int64_t> ParseThreadId(std::string_view id);
std::optional<BlobKey> ParseBlobId(std::string_view id);
std::optional<int64_t> ParseIdentityId(std::string_view id);
std::optional<int64_t> ParseSubmissionId(std::string_view id);
std::optional<uint64_t> ParseState(std::string_view state);

}  // namespace ringmail::jmap
