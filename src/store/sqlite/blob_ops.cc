// Blob collection (docs/storage.md, "Collection"): marking unreferenced blobs, forgetting
// them once their objects are gone.
#include "store/sqlite/op_support.h"
#include "store/sqlite/ops.h"

namespace ringmail::sqlite {

Result<std::vector<BlobKey>> MarkBlobsForDeletion(SqliteDb& db, int64_t unreferenced_before,
                                                  size_t max) {
  // Rows already 'deleting' are a collector pass that did not finish (a crash between
  // marking and forgetting): they are handed out again, or deliveries of that content would
  // be refused for ever.
  std::vector<std::pair<int64_t, BlobKey>> marked;
  {
    Statement st = TRY(db.Query(
        "SELECT id, sha256 FROM blobs WHERE refcount = 0 AND (state = 'deleting' OR "
        "unreferenced_since <= " RINGMAIL_SQL_ISO_PARAM ") ORDER BY unreferenced_since LIMIT ?",
        unreferenced_before, max));
    for (;;) {
      const bool row = TRY(st.Step());
      if (!row) break;
      marked.emplace_back(st.Int(0), st.Key(1));
    }
  }
  std::vector<BlobKey> keys;
  for (const auto& [id, key] : marked) {
    TRY(db.Run("UPDATE blobs SET state = 'deleting' WHERE id = ?", id));
    keys.push_back(key);
  }
  return keys;
}

Result<void> ForgetBlobs(SqliteDb& db, std::span<const BlobKey> keys) {
  for (const BlobKey& key : keys) {
    TRY(db.Run("DELETE FROM blobs WHERE sha256 = ? AND state = 'deleting'", key));
  }
  return {};
}

Result<bool> HasBlob(SqliteDb& db, const BlobKey& key) {
  const int64_t n = TRY(db.QueryInt("SELECT count(*) FROM blobs WHERE sha256 = ?", key));
  return n > 0;
}

}  // namespace ringmail::sqlite
