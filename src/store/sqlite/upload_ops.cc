// Blob uploads and ownership (docs/storage.md, "Blob uploads"): recording a JMAP upload, and
// whether an account may read a blob.
#include "store/metadata_rules.h"
#include "store/sqlite/op_support.h"
#include "store/sqlite/ops.h"

namespace ringmail::sqlite {
namespace {

// The blobs row of an upload: unreferenced since now when it has no reference (the collector
// keeps it while an upload is live, as PostgreSQL's rm_record_upload); a row being collected
// refuses (kBusy), as for a delivery.
Result<int64_t> UploadBlobRow(SqliteDb& db, const BlobUploadRequest& r) {
  int64_t id = 0;
  {
    Statement st = TRY(db.Query("SELECT id, state FROM blobs WHERE sha256 = ?", r.blob));
    const bool row = TRY(st.Step());
    if (row) {
      if (st.Text(1) != "live") {
        return MakeError(ErrorCode::kBusy, "blob " + r.blob.Hex() + " is being collected");
      }
      id = st.Int(0);
    }
  }
  if (id != 0) {
    TRY(db.Run("UPDATE blobs SET unreferenced_since = " RINGMAIL_SQL_NOW
               " WHERE id = ? AND refcount = 0",
               id));
    return id;
  }
  const char* compression = r.compression == blob_format::Compression::kZstd ? "zstd" : "none";
  return db.QueryInt(
      "INSERT INTO blobs (sha256, size, stored_size, compression, refcount, unreferenced_since) "
      "VALUES (?, ?, ?, ?, 0, " RINGMAIL_SQL_NOW ") RETURNING id",
      r.blob, r.size, r.stored_size, compression);
}

}  // namespace

Result<void> RecordUpload(SqliteDb& db, const BlobUploadRequest& r) {
  TRY(CheckUpload(r));
  const int64_t accounts =
      TRY(db.QueryInt("SELECT count(*) FROM accounts WHERE id = ?", r.account_id));
  if (accounts == 0) return MakeError(ErrorCode::kNotFound, "no such account");
  const int64_t blob_id = TRY(UploadBlobRow(db, r));
  return db.Run(
      "INSERT INTO blob_uploads (account_id, blob_id, type, size, expires_at) "
      "VALUES (?, ?, ?, ?, " RINGMAIL_SQL_ISO_PARAM
      ") ON CONFLICT (account_id, blob_id) "
      "DO UPDATE SET type = excluded.type, expires_at = max(expires_at, excluded.expires_at)",
      r.account_id, blob_id, r.type, r.size, r.expires_at);
}

Result<bool> AccountHasBlob(SqliteDb& db, int64_t account_id, const BlobKey& key) {
  const int64_t n = TRY(db.QueryInt(
      "SELECT EXISTS (SELECT 1 FROM blobs b JOIN emails e ON e.blob_id = b.id "
      "WHERE b.sha256 = ?1 AND e.account_id = ?2) OR EXISTS (SELECT 1 FROM blobs b "
      "JOIN blob_uploads u ON u.blob_id = b.id WHERE b.sha256 = ?1 AND u.account_id = ?2 "
      "AND u.expires_at > " RINGMAIL_SQL_NOW ")",
      key, account_id));
  return n != 0;
}

}  // namespace ringmail::sqlite
