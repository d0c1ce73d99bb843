// MetadataStore: the mail model's relational state (docs/storage.md) — domains, accounts,
// mailboxes, messages, flags, modification sequences, change history, blob references.
// Backends: SQLite (embedded default, store/sqlite/) and PostgreSQL (store/postgres/); one
// conformance suite (tests/store/metadata_conformance.h) runs against both.
//
// Every method is a coroutine called on a reactor core and completing there; each is one
// transaction. A database outage is kUnavailable (a temporary failure the protocol reports as
// such: SMTP 451, IMAP NO [UNAVAILABLE]); the store reconnects by itself. Times are Unix
// seconds (UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "runtime/task.h"
#include "store/blob_format.h"
#include "store/blob_key.h"

namespace ringmail {

struct AccountRecord {
  int64_t id = 0;
  std::string name;
  std::string type = "individual";  // individual | group | list
  std::string secret;
  std::string description;
  bool active = true;
  uint64_t quota_bytes = 0;  // 0: unlimited
  uint64_t used_bytes = 0;
  uint64_t used_messages = 0;
  uint64_t highest_modseq = 0;
  std::string role = "user";  // user | admin (the admin API; docs/directory.md, "Roles")
  // Addresses in normalized form ("local@domain", lower-case; "@domain" is the domain's
  // catch-all; ValidateStoredAddress): the primary first, then aliases in the order given.
  // Every domain must exist. A list's addresses are all stored as kind 'list'.
  std::vector<std::string> emails;
  std::vector<std::string> member_of;  // the groups and lists it belongs to, sorted by name
};

// Changes to an account: the fields that are set replace the stored ones.
struct AccountUpdate {
  std::string name;
  std::optional<std::string> secret;  // "" : cannot log in
  std::optional<std::string> description;
  std::optional<bool> active;
  std::optional<uint64_t> quota_bytes;
  std::optional<std::vector<std::string>> emails;  // as AccountRecord::emails
  std::optional<std::vector<std::string>> member_of;
  std::optional<std::string> role;  // as AccountRecord::role
};

// An API key of an account (docs/directory.md, "API keys"): what the store keeps of it. The
// key itself is shown once, at creation, and never stored: only the SHA-256 of its secret.
struct ApiKeyRecord {
  int64_t id = 0;
  std::string key_id;         // the key's public part, unique: what a presented key is looked up by
  std::string account;        // the owning account's name
  std::string name;           // unique per account (kApiKeyNameMax bytes, no control characters)
  std::string secret_sha256;  // lower-case hex SHA-256 of the key's secret part
  int64_t created_at = 0;     // Unix seconds; set by the store
  std::optional<int64_t> expires_at;
  std::optional<int64_t> last_used_at;
};
inline constexpr size_t kApiKeyNameMax = 64;
inline constexpr size_t kApiKeysPerAccountMax = 100;

struct MailboxRecord {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string name;         // full path, '/'-separated, UTF-8; "INBOX" exact
  std::string special_use;  // "" or "\\Sent", "\\Trash", ...
  bool subscribed = true;
  uint32_t uid_validity = 0;
  uint32_t uid_next = 1;
  uint64_t highest_modseq = 0;
  uint64_t message_count = 0;
  uint64_t unseen_count = 0;
  uint64_t total_bytes = 0;
};

struct MessageFlags {
  bool seen = false;
  bool answered = false;
  bool flagged = false;
  bool deleted = false;
  bool draft = false;
  std::vector<std::string> keywords;  // other keywords, sorted, no duplicates
  friend bool operator==(const MessageFlags&, const MessageFlags&) = default;
};

// A message in a mailbox: a mailbox_messages row with its email.
struct MessageRecord {
  uint32_t uid = 0;
  uint64_t modseq = 0;
  int64_t email_id = 0;
  int64_t thread_id = 0;
  uint64_t size = 0;
  int64_t received_at = 0;
  int64_t saved_at = 0;
  MessageFlags flags;
  BlobKey blob;
};

// What the delivering code parsed from the message, cached with the email.
struct EmailSummary {
  std::string message_id;
  std::string subject;
  std::string from_display;
  std::optional<int64_t> sent_at;
  std::string preview;
  std::string envelope;
  std::string bodystructure;
};

// An email's place in a mailbox (a mailbox_messages row).
struct EmailPlacement {
  int64_t mailbox_id = 0;
  uint32_t uid = 0;
  friend bool operator==(const EmailPlacement&, const EmailPlacement&) = default;
};

// An email of an account (a JMAP Email) as the store knows it without reading its blob: the
// emails row, its placements and the summary cached at delivery.
struct EmailRecord {
  int64_t id = 0;
  int64_t thread_id = 0;
  BlobKey blob;
  uint64_t size = 0;
  int64_t received_at = 0;
  MessageFlags flags;
  std::vector<EmailPlacement> placements;  // ascending mailbox id; never empty
  std::string message_id;
  std::string subject;
  std::string from_display;
  std::optional<int64_t> sent_at;
  std::string preview;
};

inline constexpr size_t kEmailsPerCallMax = 10000;  // ids per LoadEmails / placements call

// How long a blob Put vouches for its object: Deliver refuses (kTimeout) a request whose
// blob was stored longer ago than this when its transaction starts, and the collector waits
// longer than this between deleting objects and forgetting their rows. Together they
// guarantee that a reference committed after a row was forgotten points at an object written
// after the collector deleted the old one (docs/storage.md, "Collection").
inline constexpr uint64_t kBlobWriteValidityMs = 30000;

// "Deliver this message to these mailboxes": one transaction. REQUIRES: the blob is durably
// stored already.
struct DeliveryRequest {
  BlobKey blob;
  uint64_t size = 0;  // message bytes
  uint64_t stored_size = 0;
  blob_format::Compression compression = blob_format::Compression::kNone;
  int64_t received_at = 0;
  // When the blob's Put completed, in this node's CLOCK_MONOTONIC milliseconds
  // (MonotonicMs()); see kBlobWriteValidityMs. 0: not stored yet (always refused).
  uint64_t blob_stored_at_ms = 0;
  uint64_t blob_write_validity_ms = kBlobWriteValidityMs;
  EmailSummary summary;
  struct Target {
    int64_t mailbox_id = 0;
    MessageFlags flags;
  };
  std::vector<Target> targets;  // at least one; may span accounts
  bool enforce_quota = true;    // over quota: kLimitExceeded and nothing is delivered
};

// An upload (JMAP, RFC 8620 §6.1; docs/storage.md "Blob uploads"): the account may read the
// blob until expires_at, and the collector keeps it until then. REQUIRES: the blob is
// durably stored already (as Deliver's; the same write validity applies).
struct BlobUploadRequest {
  int64_t account_id = 0;
  BlobKey blob;
  uint64_t size = 0;  // the blob's bytes
  uint64_t stored_size = 0;
  blob_format::Compression compression = blob_format::Compression::kNone;
  std::string type;                // the media type the client sent (at most kUploadTypeMax bytes)
  int64_t expires_at = 0;          // Unix seconds
  uint64_t blob_stored_at_ms = 0;  // as DeliveryRequest's
  uint64_t blob_write_validity_ms = kBlobWriteValidityMs;
};
inline constexpr size_t kUploadTypeMax = 255;

struct PlacedMessage {
  int64_t account_id = 0;
  int64_t mailbox_id = 0;
  int64_t email_id = 0;
  uint32_t uid = 0;
  uint64_t modseq = 0;
};

// What FETCH ENVELOPE, BODYSTRUCTURE and PREVIEW can show without reading the message bytes:
// the EmailSummary fields cached at delivery ("" when nothing was cached).
struct CachedSummary {
  uint32_t uid = 0;
  std::string envelope;
  std::string bodystructure;
  std::string preview;
};

struct MailboxSnapshot {
  MailboxRecord mailbox;
  std::vector<MessageRecord> messages;  // ascending UID
};

// MessageFlags' system flags as bits (IndexEntry::flag_bits).
inline constexpr uint8_t kFlagBitSeen = 1, kFlagBitAnswered = 2, kFlagBitFlagged = 4,
                         kFlagBitDeleted = 8, kFlagBitDraft = 16;

inline uint8_t SystemFlagBits(const MessageFlags& f) {
  return static_cast<uint8_t>((f.seen ? kFlagBitSeen : 0) | (f.answered ? kFlagBitAnswered : 0) |
                              (f.flagged ? kFlagBitFlagged : 0) |
                              (f.deleted ? kFlagBitDeleted : 0) | (f.draft ? kFlagBitDraft : 0));
}

// One message of a MailboxIndex: 24 bytes.
struct IndexEntry {
  uint64_t modseq = 0;
  uint32_t uid = 0;
  uint32_t keyword_set = 0;  // index in MailboxIndex::keyword_sets; 0: no keywords
  uint8_t flag_bits = 0;     // kFlagBit*
  friend bool operator==(const IndexEntry&, const IndexEntry&) = default;
};

// What a session keeps of an open mailbox (an IMAP SELECT, a JMAP Email/query state): per
// message only its UID, modseq and flags — enough for EXISTS, UNSEEN, HIGHESTMODSEQ and
// FETCH FLAGS/UID/MODSEQ. The rest of a message is read on demand (LoadMessages).
struct MailboxIndex {
  MailboxRecord mailbox;
  std::vector<IndexEntry> messages;  // ascending UID
  // The distinct keyword lists of the messages, each sorted as MessageFlags::keywords;
  // [0] is the empty list. Most messages have none, and few lists are distinct.
  std::vector<std::vector<std::string>> keyword_sets{1};

  MessageFlags Flags(const IndexEntry& e) const {
    MessageFlags f;
    f.seen = (e.flag_bits & kFlagBitSeen) != 0;
    f.answered = (e.flag_bits & kFlagBitAnswered) != 0;
    f.flagged = (e.flag_bits & kFlagBitFlagged) != 0;
    f.deleted = (e.flag_bits & kFlagBitDeleted) != 0;
    f.draft = (e.flag_bits & kFlagBitDraft) != 0;
    f.keywords = keyword_sets[e.keyword_set];
    return f;
  }
};

enum class FlagOperation { kReplace, kAdd, kRemove };

struct FlagUpdate {
  int64_t mailbox_id = 0;
  std::vector<uint32_t> uids;  // messages to change; UIDs not in the mailbox are ignored
  FlagOperation operation = FlagOperation::kAdd;
  MessageFlags flags;
  // CONDSTORE UNCHANGEDSINCE: messages whose modseq is greater are not changed and are
  // reported in `FlagUpdateResult::conflicts`.
  std::optional<uint64_t> unchanged_since;
};

struct FlagUpdateResult {
  std::vector<MessageRecord> changed;  // with their new flags and modseq
  std::vector<uint32_t> conflicts;
};

// An object the orphan sweep found in the blob store (store/orphan_sweep.h), to be given a
// row if it has none.
struct OrphanBlob {
  BlobKey key;
  uint64_t stored_size = 0;  // bytes in the blob store
  int64_t written_at = 0;    // Unix seconds: when the object was last written
};
inline constexpr size_t kAdoptBlobsMax = 1000;  // blobs per AdoptOrphanBlobs call

// --- The outbound queue (docs/storage.md "The outbound queue", docs/queue.md) ---

enum class QueueRecipientState : uint8_t { kPending, kDelivered, kFailed };

// One recipient of a queued message.
struct QueueRecipientRecord {
  std::string address;  // as given in RCPT TO, without brackets
  uint8_t notify = 0;   // mail/outbound.h kNotify* bits; 0: not given
  std::string orcpt;    // DSN ORCPT, as received, or ""
  QueueRecipientState state = QueueRecipientState::kPending;
  uint32_t attempts = 0;
  int64_t next_attempt_at = 0;  // Unix seconds
  std::string last_reply;       // the last attempt's outcome ("250 2.0.0 Ok", "connect: ...")
};

// A queued message with (some of) its recipients.
struct QueuedMessageRecord {
  int64_t id = 0;
  std::string sender;  // "" : the null reverse path (a bounce)
  std::string envid;
  bool return_full = false;  // DSN RET=FULL (else HDRS)
  bool smtputf8 = false;
  bool requiretls = false;
  std::string authenticated_as;
  BlobKey blob;
  uint64_t size = 0;
  int64_t created_at = 0;  // Unix seconds
  int64_t expires_at = 0;
  std::vector<QueueRecipientRecord> recipients;
};

// EnqueueOutbound's request. REQUIRES: the blob is durably stored already (as Deliver's).
struct QueueEnqueueRequest {
  // id, created_at and the recipients' states are ignored: a new message's recipients are
  // pending, with no attempt, due at `now`.
  QueuedMessageRecord message;
  int64_t now = 0;  // Unix seconds: created_at and every recipient's first next_attempt_at
  uint64_t stored_size = 0;
  blob_format::Compression compression = blob_format::Compression::kNone;
  uint64_t blob_stored_at_ms = 0;  // as DeliveryRequest's
  uint64_t blob_write_validity_ms = kBlobWriteValidityMs;
};

enum class QueueOutcomeKind : uint8_t { kDelivered, kRetry, kFailed };

// What one delivery attempt did for one recipient (RecordQueueAttempt).
struct QueueOutcome {
  std::string address;
  QueueOutcomeKind kind = QueueOutcomeKind::kRetry;
  std::string reply;            // stored as last_reply (truncated to kQueueReplyMax)
  int64_t next_attempt_at = 0;  // kRetry: when to try again (Unix seconds)
};

inline constexpr size_t kQueueRecipientsMax = 1000;  // recipients per queued message
inline constexpr size_t kQueueReplyMax = 512;        // bytes of last_reply kept
inline constexpr size_t kQueueClaimMax = 1000;       // recipients per ClaimQueueWork

// --- Change history (JMAP Foo/changes; docs/storage.md "Modification sequences") ---

// What changed in one object type of an account after a state (LoadChanges). Ids are the
// store's object ids (mailboxes.id, emails.id, threads' ids); a state is an account modseq.
struct ChangesResult {
  // The state the lists bring the caller to: the account's highest modseq, or, with
  // has_more_changes, the last modseq whose changes are all in the lists.
  uint64_t new_state = 0;
  bool has_more_changes = false;
  // The state cannot be brought forward: it is from before the retained history, or after
  // the account's highest modseq (not a state this account had), or one modseq alone changed
  // more than `max` objects. The lists are empty (JMAP cannotCalculateChanges).
  bool cannot_calculate = false;
  // Each object once, ascending id: created after the state (and still there), updated
  // (existed at the state, still exists), destroyed (existed at the state). An object created
  // and destroyed after the state is in none.
  std::vector<int64_t> created, updated, destroyed;
};
inline constexpr size_t kChangesMax = 10000;  // `max` of one LoadChanges
// Change rows one LoadChanges reads; past it, has_more_changes stops at an earlier modseq.
inline constexpr size_t kChangeRowsMax = 50000;

// --- JMAP objects beside mail (RFC 8621 §6-8; docs/storage.md "Identities, submissions,
// vacation responses") ---

// An Identity (RFC 8621 §6). reply_to and bcc are JSON EmailAddress arrays as the client gave
// them ("" for null); the JMAP layer validates them.
struct IdentityRecord {
  int64_t id = 0;
  std::string name;
  std::string email;
  std::string reply_to;
  std::string bcc;
  std::string text_signature;
  std::string html_signature;
  friend bool operator==(const IdentityRecord&, const IdentityRecord&) = default;
};

// The stored identities of an account and the state of that list (bumped by every change).
struct IdentityList {
  uint64_t state = 0;
  std::vector<IdentityRecord> identities;  // ascending id
};

// A sent EmailSubmission (RFC 8621 §7); envelope is its JSON Envelope object (with what the
// JMAP layer keeps beside it: jmap/submission_status.h).
struct SubmissionRecord {
  int64_t id = 0;
  int64_t identity_id = 0;
  int64_t email_id = 0;
  int64_t thread_id = 0;
  std::string envelope;
  int64_t send_at = 0;   // Unix seconds
  int64_t queue_id = 0;  // the outbound queue's message (queue_messages.id); 0: none
  // Read only: the submission state of its creation and of its last change (its creation,
  // or UpdateSubmission); 0 for submissions stored before migration 14.
  uint64_t created_state = 0;
  uint64_t updated_state = 0;
  friend bool operator==(const SubmissionRecord&, const SubmissionRecord&) = default;
};

struct SubmissionList {
  uint64_t state = 0;
  // The state of the last submission destroyed (DeleteSubmission, or forgotten past
  // kSubmissionsMax), or of migration 14: changes from an earlier state cannot be calculated.
  uint64_t destroyed_state = 0;
  std::vector<SubmissionRecord> submissions;  // ascending id
};

// A submission found by its queued message (FindQueueSubmissions).
struct QueueSubmission {
  int64_t account_id = 0;
  SubmissionRecord submission;
};

// The VacationResponse (RFC 8621 §8) of an account; disabled and empty until set.
struct VacationRecord {
  uint64_t state = 0;  // read only: bumped by every SaveVacation
  bool is_enabled = false;
  std::optional<int64_t> from_date;  // Unix seconds
  std::optional<int64_t> to_date;
  std::optional<std::string> subject;
  std::optional<std::string> text_body;
  std::optional<std::string> html_body;
};

inline constexpr size_t kIdentitiesMax = 100;     // stored identities per account
inline constexpr size_t kSubmissionsMax = 10000;  // kept submissions per account (oldest go)

// This node's CLOCK_MONOTONIC in milliseconds.
uint64_t MonotonicMs();

class MetadataStore {
 public:
  MetadataStore();
  virtual ~MetadataStore() = default;

  // Distinct for every store object the process makes, never reused: what caches of store
  // contents (jmap/account_emails.h) key on, where a freed object's address could repeat.
  uint64_t instance() const { return instance_; }

 private:
  const uint64_t instance_;

 public:
  // --- Domains and accounts (the internal directory, directory/internal_directory.h) ---
  // Domain names are stored lower-case; kAlreadyExists for a duplicate.
  virtual Task<Result<int64_t>> CreateDomain(std::string name) = 0;
  virtual Task<Result<std::vector<std::string>>> ListDomains() = 0;
  virtual Task<Result<bool>> HasDomain(std::string name) = 0;
  // kNotFound; kInvalidArgument while an address still uses the domain.
  virtual Task<Result<void>> DeleteDomain(std::string name) = 0;
  // Creates the account with its addresses and memberships, INBOX and the special-use set
  // (Drafts, Sent, Junk, Trash, Archive). kAlreadyExists for a taken name or an address
  // another account owns; kNotFound for an address in an unknown domain or an unknown group.
  virtual Task<Result<AccountRecord>> CreateAccount(AccountRecord account) = 0;
  // kNotFound when there is no such account.
  virtual Task<Result<AccountRecord>> GetAccount(std::string name) = 0;
  // Every account, sorted by name.
  virtual Task<Result<std::vector<AccountRecord>>> ListAccounts() = 0;
  // Errors as CreateAccount; kNotFound for an unknown account.
  virtual Task<Result<AccountRecord>> UpdateAccount(AccountUpdate update) = 0;
  // Deletes the account, its mailboxes and messages (their blobs lose a reference), its
  // addresses and memberships. kNotFound.
  virtual Task<Result<void>> DeleteAccount(std::string name) = 0;
  // Names of the accounts that own `address` (normalized; "@domain" for the catch-all).
  virtual Task<Result<std::vector<std::string>>> FindAddress(std::string address) = 0;
  // Names of the members of the group or list `name`, sorted; empty when none (or no such).
  virtual Task<Result<std::vector<std::string>>> ListMembers(std::string name) = 0;

  // --- API keys (docs/directory.md, "API keys"). Not pure: stores and fakes written before
  // them answer kInvalidArgument. ---
  // Stores a key for `key.account` (id, created_at and last_used_at are set here). kNotFound
  // for an unknown account, kAlreadyExists for a name the account uses or a key_id taken,
  // kLimitExceeded past kApiKeysPerAccountMax keys, kInvalidArgument for a bad name or hash.
  virtual Task<Result<ApiKeyRecord>> CreateApiKey(ApiKeyRecord /*key*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "API keys are not supported");
  }
  // The account's keys, sorted by name. kNotFound for an unknown account.
  virtual Task<Result<std::vector<ApiKeyRecord>>> ListApiKeys(std::string /*account*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "API keys are not supported");
  }
  // The key whose key_id is `key_id`, with its account's name. kNotFound.
  virtual Task<Result<ApiKeyRecord>> FindApiKey(std::string /*key_id*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "API keys are not supported");
  }
  // Deletes the account's key called `name`. kNotFound (account or key).
  virtual Task<Result<void>> DeleteApiKey(std::string /*account*/, std::string /*name*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "API keys are not supported");
  }
  // Sets the key's last_used_at (a key deleted meanwhile is no error).
  virtual Task<Result<void>> TouchApiKey(int64_t /*id*/, int64_t /*used_at*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "API keys are not supported");
  }

  // --- Mailboxes ---
  virtual Task<Result<std::vector<MailboxRecord>>> ListMailboxes(int64_t account_id) = 0;
  // The account's mailbox called exactly `name` (as stored: "INBOX" exact), or nullopt. The
  // default lists every mailbox; the stores read the one row.
  virtual Task<Result<std::optional<MailboxRecord>>> FindMailbox(int64_t account_id,
                                                                 std::string name) {
    Result<std::vector<MailboxRecord>> all = co_await ListMailboxes(account_id);
    if (!all) co_return std::unexpected(all.error());
    for (MailboxRecord& m : *all) {
      if (m.name == name) co_return std::optional<MailboxRecord>(std::move(m));
    }
    co_return std::optional<MailboxRecord>();
  }
  // kAlreadyExists when the name is taken. A new uid_validity is never one the account used
  // for a mailbox of the same name before.
  virtual Task<Result<MailboxRecord>> CreateMailbox(int64_t account_id, std::string name,
                                                    std::string special_use) = 0;
  // Renames one mailbox (and its children: "a/b" follows "a"). kNotFound, kAlreadyExists.
  virtual Task<Result<void>> RenameMailbox(int64_t account_id, int64_t mailbox_id,
                                           std::string new_name) = 0;
  // Deletes the mailbox and its messages (their blobs lose a reference).
  virtual Task<Result<void>> DeleteMailbox(int64_t account_id, int64_t mailbox_id) = 0;
  // Sets MailboxRecord::subscribed (IMAP SUBSCRIBE/UNSUBSCRIBE, JMAP isSubscribed). kNotFound
  // when the account has no such mailbox. Not pure: stores and fakes written before it
  // answer kInvalidArgument.
  virtual Task<Result<void>> SetSubscribed(int64_t /*account_id*/, int64_t /*mailbox_id*/,
                                           bool /*subscribed*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "subscriptions are not supported");
  }

  // --- Change history ---
  // The objects of `object_type` ("mailbox", "email", "thread") of the account that changed
  // after modseq `since`, at most `max` (1..kChangesMax) of them in all (ChangesResult).
  // kInvalidArgument for another type or `max`; kNotFound for an unknown account. Not pure:
  // stores and fakes written before it answer kInvalidArgument.
  virtual Task<Result<ChangesResult>> LoadChanges(int64_t /*account_id*/,
                                                  std::string /*object_type*/, uint64_t /*since*/,
                                                  size_t /*max*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "change history is not supported");
  }

  // --- Messages ---
  virtual Task<Result<std::vector<PlacedMessage>>> Deliver(DeliveryRequest request) = 0;
  // The mailbox and every message in full, in one snapshot. kNotFound.
  virtual Task<Result<MailboxSnapshot>> LoadMailbox(int64_t mailbox_id) = 0;
  // The mailbox and its messages' UIDs, modseqs and flags, in one snapshot: what opening a
  // mailbox reads (docs/storage.md, "Reading a mailbox"). kNotFound.
  virtual Task<Result<MailboxIndex>> LoadMailboxIndex(int64_t mailbox_id) = 0;
  // The messages with these UIDs, in full and ascending; UIDs not in the mailbox are
  // skipped. kNotFound for an unknown mailbox; kInvalidArgument over kUidsPerCallMax UIDs.
  virtual Task<Result<std::vector<MessageRecord>>> LoadMessages(int64_t mailbox_id,
                                                                std::vector<uint32_t> uids) = 0;
  // The cached summaries of the messages with these UIDs, ascending; UIDs not in the mailbox
  // are skipped. Errors as LoadMessages. The default caches nothing (an empty list).
  virtual Task<Result<std::vector<CachedSummary>>> LoadSummaries(int64_t /*mailbox_id*/,
                                                                 std::vector<uint32_t> /*uids*/) {
    co_return std::vector<CachedSummary>();
  }
  virtual Task<Result<FlagUpdateResult>> UpdateFlags(FlagUpdate update) = 0;
  // Removes the messages with these UIDs; returns the UIDs removed (ascending). Their emails
  // are deleted when no mailbox holds them any more, and their blobs lose a reference.
  virtual Task<Result<std::vector<uint32_t>>> Expunge(int64_t mailbox_id,
                                                      std::vector<uint32_t> uids) = 0;
  // UIDs expunged from the mailbox with a modseq greater than `modseq` (QRESYNC).
  virtual Task<Result<std::vector<uint32_t>>> ExpungedSince(int64_t mailbox_id,
                                                            uint64_t modseq) = 0;

  // --- Emails across mailboxes (JMAP Email, RFC 8621; docs/storage.md "Emails") ---
  // Flags change through UpdateFlags on any placement (flags live on the email) and
  // placements go through Expunge; these read emails whole and add placements.
  // Not pure: stores and fakes written before them answer kInvalidArgument.
  //
  // The account's emails with these ids, ascending id, in one snapshot; ids that are not the
  // account's emails are skipped. kInvalidArgument over kEmailsPerCallMax ids.
  virtual Task<Result<std::vector<EmailRecord>>> LoadEmails(int64_t /*account_id*/,
                                                            std::vector<int64_t> /*ids*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "emails are not supported");
  }
  // Every email of the account, ascending id, in one snapshot (JMAP Email/query).
  virtual Task<Result<std::vector<EmailRecord>>> ListEmails(int64_t /*account_id*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "emails are not supported");
  }
  // Places the account's email `email_id` in each of `mailbox_ids` that does not hold it yet:
  // a new UID there, the same email (flags, thread, blob: no new reference, no usage), one new
  // modseq for the operation; records 'mailbox' and 'email' updated changes. Returns the new
  // placements (mailboxes that held it already are skipped). kNotFound when the email or a
  // mailbox is not the account's (then nothing changes); kInvalidArgument over
  // kEmailsPerCallMax mailboxes.
  virtual Task<Result<std::vector<PlacedMessage>>> AddEmailPlacements(
      int64_t /*account_id*/, int64_t /*email_id*/, std::vector<int64_t> /*mailbox_ids*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "emails are not supported");
  }

  // --- Blob uploads and ownership (docs/storage.md, "Blob uploads") ---
  // Records an upload: a blobs row for the blob if it has none (unreferenced since now), and
  // the account's blob_uploads row (an upload of the same blob again moves expires_at to the
  // later of the two and takes the new type). kBusy when the blob's row is being collected
  // (store the object again once the row is gone, as DeliverMessage does), kTimeout when the
  // blob was stored longer ago than its validity, kNotFound when there is no such account,
  // kInvalidArgument for a type over kUploadTypeMax. Not pure, as the email ops.
  virtual Task<Result<void>> RecordUpload(BlobUploadRequest /*request*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "uploads are not supported");
  }
  // Whether the account may read blob `key`: one of its emails is stored under it, or it has
  // an upload of it that has not expired. Indexed (blobs.sha256, then the blob's emails and
  // uploads), never a scan of the account's messages.
  virtual Task<Result<bool>> AccountHasBlob(int64_t /*account_id*/, BlobKey /*key*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "uploads are not supported");
  }

  // --- Blob collection (docs/storage.md, "Collection") ---
  // Marks up to `max` unreferenced blobs older than `unreferenced_before` as deleting and
  // returns their keys. A live upload is a reference: its blob is not marked; expired
  // uploads' rows are deleted first, in the same transaction.
  virtual Task<Result<std::vector<BlobKey>>> MarkBlobsForDeletion(int64_t unreferenced_before,
                                                                  size_t max) = 0;
  // Deletes the rows of blobs marked deleting whose objects are gone.
  virtual Task<Result<void>> ForgetBlobs(std::vector<BlobKey> keys) = 0;
  // Whether a blobs row exists for `key` (a delivery waiting for the collector).
  virtual Task<Result<bool>> HasBlob(BlobKey key) = 0;
  // Gives each of `blobs` (at most kAdoptBlobsMax) that has no row an unreferenced one:
  // refcount 0, unreferenced_since its written_at, size 0 (unknown), its stored_size,
  // compression 'none' — so the collector deletes its object like any other unreferenced
  // blob's. A blob with a row, in whatever state, is left alone. Returns how many rows it
  // created. kInvalidArgument over the limit or for a negative time.
  virtual Task<Result<size_t>> AdoptOrphanBlobs(std::vector<OrphanBlob> blobs) = 0;
  // The cluster's collector lease (docs/storage.md, "Collection"): takes it for `holder` (a
  // node's id, 1..kLeaseHolderMax bytes) when it is free or expired, or renews it when
  // `holder` has it, until `ttl_s` seconds from now by the database's clock. false when
  // another holder has it.
  virtual Task<Result<bool>> ClaimCollectorLease(std::string holder, uint32_t ttl_s) = 0;
  // Frees the lease if `holder` has it (at the end of a pass: the next may run anywhere).
  virtual Task<Result<void>> ReleaseCollectorLease(std::string holder) = 0;

  // --- The outbound queue (docs/storage.md, "The outbound queue") ---
  // Queues a message: references its blob (like an email: the blob is collected only after
  // the message leaves the queue) and inserts its recipients as pending, due at `now`.
  // Returns the message's id. kBusy / kTimeout for the blob as Deliver; kInvalidArgument for
  // no recipients, over kQueueRecipientsMax, or a recipient given twice.
  virtual Task<Result<int64_t>> EnqueueOutbound(QueueEnqueueRequest request) = 0;
  // Leases up to `max` (1..kQueueClaimMax) pending recipients that are due (next_attempt_at
  // <= now, or their message expired: expires_at <= now) and whose lease is free or over,
  // to `holder` until now + lease_s; returns them grouped by message (ascending id), each
  // message with only the recipients claimed. Several nodes may claim at once: a recipient
  // goes to one of them (PostgreSQL: FOR UPDATE SKIP LOCKED). Times are the callers' clocks
  // (nodes keep theirs in step, NTP).
  virtual Task<Result<std::vector<QueuedMessageRecord>>> ClaimQueueWork(std::string holder,
                                                                        int64_t now,
                                                                        uint32_t lease_s,
                                                                        size_t max) = 0;
  // Records an attempt's outcomes for recipients of message `id` that `holder` leases
  // (others are left alone: the lease was lost), adds one to their attempts and frees their
  // lease. When no recipient is pending any more, the message leaves the queue (its blob
  // loses the reference). Returns whether it left.
  virtual Task<Result<bool>> RecordQueueAttempt(std::string holder, int64_t id,
                                                std::vector<QueueOutcome> outcomes) = 0;
  // Up to `max` queued messages (ascending id) with all their recipients; after_id: paging.
  virtual Task<Result<std::vector<QueuedMessageRecord>>> ListQueue(int64_t after_id,
                                                                   size_t max) = 0;
  // Makes the pending recipients of message `id` (0: of every message) due at `now`; returns
  // how many. kNotFound for an unknown id.
  virtual Task<Result<size_t>> RetryQueue(int64_t id, int64_t now) = 0;
  // Removes message `id` from the queue whatever its state (no bounce); its blob loses the
  // reference. kNotFound.
  virtual Task<Result<void>> RemoveQueued(int64_t id) = 0;

  // --- JMAP objects beside mail (not pure: older stores and fakes answer kInvalidArgument) ---
  // The account's stored identities. kNotFound for an unknown account.
  virtual Task<Result<IdentityList>> ListIdentities(int64_t /*account_id*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "identities are not supported");
  }
  // Inserts (id 0) or replaces the identity; returns it with its id. kNotFound for an id that
  // is not the account's; kLimitExceeded for a new one over kIdentitiesMax.
  virtual Task<Result<IdentityRecord>> SaveIdentity(int64_t /*account_id*/,
                                                    IdentityRecord /*identity*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "identities are not supported");
  }
  // kNotFound when the account has no such identity.
  virtual Task<Result<void>> DeleteIdentity(int64_t /*account_id*/, int64_t /*id*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "identities are not supported");
  }
  // Records a sent submission; returns its id. Past kSubmissionsMax the oldest are forgotten.
  virtual Task<Result<int64_t>> CreateSubmission(int64_t /*account_id*/,
                                                 SubmissionRecord /*submission*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "submissions are not supported");
  }
  virtual Task<Result<SubmissionList>> ListSubmissions(int64_t /*account_id*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "submissions are not supported");
  }
  // kNotFound when the account has no such submission.
  virtual Task<Result<void>> DeleteSubmission(int64_t /*account_id*/, int64_t /*id*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "submissions are not supported");
  }
  // The submissions (of any account) whose message is queue message `queue_id` (> 0).
  virtual Task<Result<std::vector<QueueSubmission>>> FindQueueSubmissions(int64_t /*queue_id*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "submissions are not supported");
  }
  // Replaces the submission's envelope column with `envelope` if it still holds `expected`
  // (true), bumping the submission state and the row's updated_state; false when it holds
  // something else (another writer was first: read again) or is gone.
  virtual Task<Result<bool>> UpdateSubmission(int64_t /*account_id*/, int64_t /*id*/,
                                              std::string /*expected*/, std::string /*envelope*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "submissions are not supported");
  }
  // The account's vacation response (disabled, state 0, when never set).
  virtual Task<Result<VacationRecord>> LoadVacation(int64_t /*account_id*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "vacation responses are not supported");
  }
  // Replaces it (`state` is ignored) and bumps its state.
  virtual Task<Result<void>> SaveVacation(int64_t /*account_id*/, VacationRecord /*vacation*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "vacation responses are not supported");
  }
  // Whether an auto-reply to `sender` (normalized) may go now: true, and `now` recorded, when
  // none was recorded for it after now - interval_s; false otherwise (RFC 5230 :days).
  virtual Task<Result<bool>> ClaimVacationReply(int64_t /*account_id*/, std::string /*sender*/,
                                                int64_t /*now*/, int64_t /*interval_s*/) {
    co_return MakeError(ErrorCode::kInvalidArgument, "vacation responses are not supported");
  }
};

}  // namespace ringmail
