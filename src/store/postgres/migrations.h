// The PostgreSQL backend's schema migrations (docs/storage.md, "Migrations"). Version N here
// is the same schema as version N of every other backend's list (store/sqlite/migrations.h).
//
// Migration 1 is docs/storage.md's tables plus the PL/pgSQL functions that implement every
// write of the MetadataStore, one call (one round trip, one transaction) each. Their names,
// parameters and result columns are the contract with store/postgres/pg_statements.cc; the
// contract and the concurrency rule are written at the top of migrations_functions.cc.
//
// Applying them (pg_advisory_lock, max(version), one transaction per migration, the
// schema_migrations row) is the caller's job: the SQL here neither locks nor records itself.
// Nothing in it is schema-qualified, so it lands in the first schema of the search_path.
#pragma once

#include <span>

#include "store/schema_migration.h"

namespace ringmail::postgres {

// The compiled-in list, numbered from 1 without gaps. Each `sql` is several statements for
// one simple-query (multi-statement) exec; the strings live for the whole program.
std::span<const SchemaMigration> Migrations();

// The pieces of migration 1, in the order Migrations() joins them (tables first: the SQL
// functions are checked against them when created).
extern const char kTablesV1[];            // migrations_tables.cc
extern const char kSupportFunctionsV1[];  // migrations_functions.cc
extern const char kMailboxFunctionsV1[];  // migrations_functions.cc
extern const char kMessageFunctionsV1[];  // migrations_messages.cc: removal, delivery
extern const char kFlagFunctionsV1[];     // migrations_flags.cc: flags, expunge
// Migration 2 (migrations_directory.cc).
extern const char kDirectoryV2[];
// Migration 3 (migrations_collector.cc).
extern const char kCollectorLeaseV3[];
// Migration 4 (migrations_index.cc).
extern const char kMailboxIndexV4[];
// Migration 5 (migrations_queue.cc).
extern const char kQueueV5[];
// Migration 6 (migrations_email.cc).
extern const char kEmailPlacementsV6[];
// Migration 7 (migrations_uploads.cc).
extern const char kBlobUploadsV7[];
// Migration 8 (migrations_submission.cc).
extern const char kSubmissionV8[];
// Migration 9 (migrations_auth.cc).
extern const char kAuthV9[];
// Migration 10 (migrations_index.cc).
extern const char kIndexEntryV10[];

// Migration 14 (migrations_submission_queue.cc).
extern const char kSubmissionQueueV14[];

}  // namespace ringmail::postgres
