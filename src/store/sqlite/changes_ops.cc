// The change history: LoadChanges over the `changes` table (docs/storage.md).
#include "store/metadata_rules.h"
#include "store/sqlite/op_support.h"
#include "store/sqlite/ops.h"

namespace ringmail::sqlite {

Result<ChangesResult> LoadChanges(SqliteDb& db, int64_t account_id, std::string_view object_type,
                                  uint64_t since, size_t max) {
  TRY(ValidateChangesRequest(object_type, max));
  Result<int64_t> highest =
      db.QueryInt("SELECT highest_modseq FROM accounts WHERE id = ?", account_id);
  if (!highest) {
    if (highest.error().code != ErrorCode::kNotFound) return std::unexpected(highest.error());
    return MakeError(ErrorCode::kNotFound, "no account " + std::to_string(account_id));
  }
  Statement st = TRY(
      db.Query("SELECT modseq, object_id, change FROM changes WHERE account_id = ? AND modseq > ? "
               "AND object_type = ? ORDER BY modseq, object_id LIMIT ?",
               account_id, since, object_type, kChangeRowsMax));
  std::vector<ChangeRow> rows;
  for (;;) {
    const bool row = TRY(st.Step());
    if (!row) break;
    rows.push_back(ChangeRow{static_cast<uint64_t>(st.Int(0)), st.Int(1), st.Text(2)[0]});
  }
  const bool complete = rows.size() < kChangeRowsMax;
  return FoldChanges(rows, complete, since, max, static_cast<uint64_t>(*highest));
}

}  // namespace ringmail::sqlite
