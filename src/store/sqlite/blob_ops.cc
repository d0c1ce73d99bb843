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
  // A live upload is a reference (docs/storage.md "Blob uploads"); expired ones go first.
  TRY(db.Run("DELETE FROM blob_uploads WHERE expires_at <= " RINGMAIL_SQL_NOW));
  std::vector<std::pair<int64_t, BlobKey>> marked;
  {
    Statement st = TRY(
        db.Query("SELECT id, sha256 FROM blobs b WHERE refcount = 0 AND (state = 'deleting' OR "
                 "(unreferenced_since <= " RINGMAIL_SQL_ISO_PARAM " AND NOT EXISTS (SELECT 1 FROM "
                 "blob_uploads u WHERE u.blob_id = b.id))) ORDER BY unreferenced_since LIMIT ?",
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

Result<size_t> AdoptOrphanBlobs(SqliteDb& db, std::span<const OrphanBlob> blobs) {
  TRY(CheckOrphanBlobs(blobs));
  size_t adopted = 0;
  for (const OrphanBlob& blob : blobs) {
    // A row that exists, in whatever state, belongs to a delivery or a collector pass.
    TRY(
        db.Run("INSERT INTO blobs (sha256, size, stored_size, refcount, unreferenced_since) "
               "VALUES (?, 0, ?, 0, " RINGMAIL_SQL_ISO_PARAM ") ON CONFLICT (sha256) DO NOTHING",
               blob.key, blob.stored_size, blob.written_at));
    adopted += static_cast<size_t>(db.changes());
  }
  return adopted;
}

Result<bool> ClaimCollectorLease(SqliteDb& db, std::string_view holder, uint32_t ttl_s) {
  TRY(CheckLeaseHolder(holder));
  TRY(
      db.Run("UPDATE collector_lease SET holder = ?, expires_at = strftime('%Y-%m-%dT%H:%M:%SZ', "
             "'now', '+' || ? || ' seconds') WHERE name = 'blobs' AND (holder = ? OR "
             "expires_at < " RINGMAIL_SQL_NOW ")",
             holder, ttl_s, holder));
  return db.changes() == 1;
}

Result<void> ReleaseCollectorLease(SqliteDb& db, std::string_view holder) {
  TRY(CheckLeaseHolder(holder));
  return db.Run(
      "UPDATE collector_lease SET holder = '', expires_at = '1970-01-01T00:00:00Z' "
      "WHERE name = 'blobs' AND holder = ?",
      holder);
}

}  // namespace ringmail::sqlite
