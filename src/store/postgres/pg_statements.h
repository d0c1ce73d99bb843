// Every statement the PostgreSQL backend sends, prepared once per connection
// (pg_connection.h). Writes are single calls of the schema's functions
// (store/postgres/migrations*.cc: one round trip and one transaction each); reads are plain
// SELECTs.
#pragma once

#include <cstdint>
#include <span>

namespace ringmail::postgres {

enum class PgStatementId : uint8_t {
  kBeginSnapshot,  // BEGIN REPEATABLE READ, READ ONLY: several reads, one snapshot
  kCommit,
  kCreateDomain,
  kListDomains,
  kCreateAccount,
  kGetAccount,
  kHasDomain,
  kDeleteDomain,
  kAddAccount,
  kListAccounts,
  kUpdateAccount,
  kDeleteAccount,
  kFindAddress,
  kListMembers,
  kListMailboxes,
  kReadMailbox,
  kCreateMailbox,
  kRenameMailbox,
  kDeleteMailbox,
  kDeliver,
  kLoadMessages,
  kLoadIndex,
  kLoadKeywords,
  kLoadSomeMessages,
  kUpdateFlags,
  kExpunge,
  kExpungedSince,
  kMarkBlobsForDeletion,
  kForgetBlobs,
  kHasBlob,
  kAdoptOrphanBlobs,
  kClaimCollectorLease,
  kReleaseCollectorLease,
  kSetSubscribed,
  kLoadChanges,
  kQueueEnqueue,
  kQueueClaim,
  kQueueRecord,
  kQueueList,
  kQueueRetry,
  kQueueRemove,
  kFindMailbox,
  kLoadSummaries,
  kLoadEmails,
  kLoadEmailPlacements,
  kListEmails,
  kListEmailPlacements,
  kAddEmailPlacements,
  kRecordUpload,
  kAccountHasBlob,
  kListIdentities,
  kSaveIdentity,
  kDeleteJmapObject,
  kCreateSubmission,
  kListSubmissions,
  kFindQueueSubmissions,
  kUpdateSubmission,
  kLoadVacation,
  kSaveVacation,
  kClaimVacationReply,
  kSetAccountRole,
  kCreateApiKey,
  kListApiKeys,
  kFindApiKey,
  kDeleteApiKey,
  kTouchApiKey,
  // Group commit (pg_connection.h): several write units in one transaction, each inside the
  // savepoint rm_unit so that one unit's failure rolls back that unit alone.
  kGroupBegin,
  kUnitRollback,
  kUnitRelease,
  kUnitSavepoint,
};

struct PgStatement {
  PgStatementId id;
  const char* name;  // the prepared statement's name
  const char* sql;
  int parameters;
};

// Indexed by PgStatementId.
std::span<const PgStatement> PgStatements();
const PgStatement& GetPgStatement(PgStatementId id);

// Whether a unit made of this statement may share a transaction with others (group commit,
// pg_connection.h): one call of a write function that locks its accounts first, whose effects
// are all in the database (so rolling it back to a savepoint undoes it entirely). The hot
// writes of mail delivery and IMAP/JMAP flag changes only.
bool PgGroupable(PgStatementId id);

// Flags travel as a bitmask (the schema's functions take and return it).
inline constexpr int kFlagSeen = 1, kFlagAnswered = 2, kFlagFlagged = 4, kFlagDeleted = 8,
                     kFlagDraft = 16;

}  // namespace ringmail::postgres
