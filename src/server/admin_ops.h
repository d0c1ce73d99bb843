// The administration operations, one implementation shared by the CLI (cli*.cc) and the
// admin API (http_admin*.cc): each normalizes its input, applies the rules and calls the
// metadata store. They print nothing and log nothing; callers report the outcome their way
// (exit code and stderr, or HTTP status and JSON). Errors are the store's codes
// (kNotFound, kAlreadyExists, kInvalidArgument, kUnavailable...) with a message for people.
// Run on a reactor core (CLI: its own reactor); password hashing goes to the worker pool.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "directory/dns_records.h"
#include "runtime/task.h"
#include "runtime/worker_pool.h"
#include "server/config.h"
#include "store/metadata_store.h"

namespace ringmail::admin {

// --- Domains ---
// The domain in the stored form (lower-case A-label); kInvalidArgument when not a domain.
Result<std::string> DomainName(std::string_view given);
// Adds or removes a local domain; returns its stored form.
Task<Result<std::string>> AddDomain(MetadataStore* store, std::string domain);
Task<Result<std::string>> RemoveDomain(MetadataStore* store, std::string domain);

// --- Accounts ---
// The normalized form of each address (directory/address.h); the first failure.
Result<std::vector<std::string>> NormalizedEmails(const std::vector<std::string>& given);
// "10485760", "10M", "2G" (powers of 1024) or "0" (unlimited) as bytes.
Result<uint64_t> ParseBytes(const std::string& text);
// A message count: decimal digits, "0" unlimited (at most 12 digits).
Result<uint64_t> ParseCount(const std::string& text);
// Hashes a password in `[authentication] password-scheme` on a worker (slow on purpose).
// kInvalidArgument for an empty password.
Task<Result<std::string>> HashPassword(WorkerPool* workers, const Config* config,
                                       std::string password);

struct NewAccount {
  std::string name;
  std::string type = "individual";  // individual | group | list
  std::string role = "user";        // user | admin (docs/directory.md, "Roles")
  std::string description;
  bool active = true;
  uint64_t quota_bytes = 0;
  uint64_t quota_messages = 0;      // 0: unlimited
  std::vector<std::string> emails;  // as given; the first is the primary address
  std::vector<std::string> member_of;
  std::optional<std::string> password;  // plain text, hashed here; none: cannot log in
};
Task<Result<AccountRecord>> CreateAccount(MetadataStore* store, WorkerPool* workers,
                                          const Config* config, NewAccount account);

// Changes to an existing account; unset fields stay as they are. Lists are edited: `add_*`
// appends what is not there yet, `remove_*` takes out; `emails` (if set) replaces all first.
struct AccountChanges {
  std::string name;
  std::optional<std::string> password;  // plain text, hashed here
  std::optional<std::vector<std::string>> emails;
  std::vector<std::string> add_emails, remove_emails;
  std::vector<std::string> add_member_of, remove_member_of;
  std::optional<uint64_t> quota_bytes;
  std::optional<uint64_t> quota_messages;
  std::optional<std::string> description;
  std::optional<bool> active;
  std::optional<std::string> role;  // user | admin
};
Task<Result<AccountRecord>> UpdateAccount(MetadataStore* store, WorkerPool* workers,
                                          const Config* config, AccountChanges changes);

// --- API keys (admin_ops_keys.cc; docs/directory.md, "API keys") ---
// When a key expires: "" never; "30d" that many days from `now`; "2027-01-31" (midnight UTC
// starting that day) or "2027-01-31T12:00:00Z". kInvalidArgument for anything else or a time
// not after `now`.
Result<std::optional<int64_t>> ParseExpiry(const std::string& text, int64_t now);
// "2027-01-31T12:00:00Z" (what listings show).
std::string FormatTime(int64_t unix_seconds);

struct ApiKeyRequest {
  std::string account;  // an individual account
  std::string name;
  std::optional<int64_t> expires_at;  // Unix seconds; none: never
};
struct CreatedApiKey {
  ApiKeyRecord record;
  std::string key;  // the only time it exists outside the client: show it once, log it never
};
// A fresh random key for the account, stored as its hash. kInvalidArgument for a group or a
// list (they cannot log in), and the store's errors.
Task<Result<CreatedApiKey>> CreateApiKey(MetadataStore* store, ApiKeyRequest key);
Task<Result<std::vector<ApiKeyRecord>>> ListApiKeys(MetadataStore* store, std::string account);
Task<Result<void>> RevokeApiKey(MetadataStore* store, std::string account, std::string name);

// --- DNS records ---
// What `dns-records DOMAIN` prints: the services the configured listeners offer (the first
// bind address of each) for `domain`.
DnsRecordsInput DnsRecordsFor(const Config& config, std::string domain);

// --- Outbound queue ---
// Every queued message, oldest first, read in pages.
Task<Result<std::vector<QueuedMessageRecord>>> ListQueue(MetadataStore* store);
// A queued message id ("123"); kInvalidArgument otherwise.
Result<int64_t> ParseQueueId(const std::string& text);
// Makes the pending recipients of message `id` (0: of every message) due now; how many.
Task<Result<size_t>> RetryQueue(MetadataStore* store, int64_t id);
const char* QueueStateName(QueueRecipientState state);

}  // namespace ringmail::admin
