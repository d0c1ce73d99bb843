#include "store/schema_migration.h"

#include <string>

#include "base/check.h"

namespace ringmail {

int LatestSchemaVersion(std::span<const SchemaMigration> migrations) {
  for (size_t i = 0; i < migrations.size(); ++i) {
    CHECK(migrations[i].version == static_cast<int>(i) + 1, "migrations must be numbered 1..N");
  }
  return static_cast<int>(migrations.size());
}

Error NewerSchemaError(int found, int known) {
  return Error{ErrorCode::kConfig, "metadata store schema version " + std::to_string(found) +
                                       " is newer than this ringmail (knows up to " +
                                       std::to_string(known) + "); upgrade ringmail"};
}

}  // namespace ringmail
