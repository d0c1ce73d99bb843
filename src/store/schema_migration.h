// Schema migrations (docs/storage.md, "Migrations"): numbered SQL scripts compiled into the
// binary, one list per backend (store/sqlite/migrations.h, store/postgres/ later). Version N
// means the same schema in every backend, so the lists share their numbering: version 1 is
// the schema of docs/storage.md, each later version one documented change to it.
#pragma once

#include <span>

#include "base/result.h"

namespace ringmail {

struct SchemaMigration {
  int version = 0;               // 1, 2, 3… without gaps
  const char* description = "";  // recorded in schema_migrations.description
  const char* sql = "";          // one or more statements, run in one transaction
};

// The newest version in `migrations`. REQUIRES: numbered 1..N in order (CHECKed: a list out
// of order is a programming error caught by the first start of any test).
int LatestSchemaVersion(std::span<const SchemaMigration> migrations);

// The refusal for a database written by a newer ringmail (kConfig): "metadata store schema
// version N is newer than this ringmail (knows up to M); upgrade ringmail".
Error NewerSchemaError(int found, int known);

}  // namespace ringmail
