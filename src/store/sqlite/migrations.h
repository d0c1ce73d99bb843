// The SQLite backend's schema migrations (docs/storage.md, "Migrations"), and applying them.
// Version N here is the same schema as version N of every other backend's list.
#pragma once

#include <span>

#include "base/result.h"
#include "store/schema_migration.h"
#include "store/sqlite/sqlite_db.h"

namespace ringmail::sqlite {

// The compiled-in list: migration 1 is docs/storage.md's schema in SQLite's types.
std::span<const SchemaMigration> Migrations();

// max(version) of schema_migrations; 0 when the table does not exist. Reads only.
Result<int> SchemaVersion(SqliteDb& db);

// Brings the database to the newest version of `migrations`: each missing migration runs in
// its own BEGIN IMMEDIATE transaction (the lock that serialises processes migrating the same
// file) together with its schema_migrations row. A database newer than the list is refused
// with NewerSchemaError and is not written. Returns the version the database is at.
// REQUIRES: no transaction open on `db`.
Result<int> Migrate(SqliteDb& db, std::span<const SchemaMigration> migrations);

}  // namespace ringmail::sqlite
