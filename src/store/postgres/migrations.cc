#include "store/postgres/migrations.h"

#include <string>

namespace ringmail::postgres {

std::span<const SchemaMigration> Migrations() {
  // Joined once, on first use (thread-safe static initialisation); never freed.
  static const std::string* const v1 =
      new std::string(std::string(kTablesV1) + kSupportFunctionsV1 + kMailboxFunctionsV1 +
                      kMessageFunctionsV1 + kFlagFunctionsV1);
  static const SchemaMigration migrations[] = {
      {1, "initial schema (docs/storage.md)", v1->c_str()},
      {2, "directory: addresses, memberships, account and domain removal", kDirectoryV2},
      {3, "blob collection: the collector lease", kCollectorLeaseV3},
      {4, "mailbox index: opening a mailbox reads indexes, not rows", kMailboxIndexV4},
      {5, "outbound queue: messages, recipients, leases", kQueueV5},
      {6, "jmap email placements", kEmailPlacementsV6},
      {7, "jmap blob uploads", kBlobUploadsV7},
      {8, "jmap identities, submissions, vacation responses", kSubmissionV8},
      {9, "auth: account roles, API keys", kAuthV9},
      {10, "mailbox index: one packed entry per message", kIndexEntryV10},
      // 11-13: numbers given to other branches (their SQL replaces these when merged).
      {11, "reserved", "SELECT 1"},
      {12, "reserved", "SELECT 1"},
      {13, "reserved", "SELECT 1"},
      {14, "jmap: submissions follow the queue; \\Deleted hides emails in changes",
       kSubmissionQueueV14},
  };
  return migrations;
}

}  // namespace ringmail::postgres
