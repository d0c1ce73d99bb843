// JMAP objects beside mail (docs/storage.md, "Identities, submissions, vacation responses"):
// identities, sent submissions, the vacation response and its reply log. Every change bumps
// the object type's row in jmap_states, in the same transaction.
#include "store/sqlite/op_support.h"
#include "store/sqlite/ops.h"

namespace ringmail::sqlite {
namespace {

#define RINGMAIL_SQL_UNIX(col) "CAST(strftime('%s', " col ") AS INTEGER)"

#define RINGMAIL_SQL_SUBMISSION                                                \
  "SELECT id, identity_id, email_id, thread_id, envelope, " RINGMAIL_SQL_UNIX( \
      "send_at") ", queue_id, created_state, updated_state, account_id FROM email_submissions "

constexpr const char* kSubmissionSelect =
    RINGMAIL_SQL_SUBMISSION "WHERE account_id = ? ORDER BY id";
constexpr const char* kQueueSubmissionSelect =
    RINGMAIL_SQL_SUBMISSION "WHERE queue_id = ? AND queue_id <> 0 ORDER BY id";
constexpr const char* kVacationSelect =
    "SELECT is_enabled, " RINGMAIL_SQL_UNIX("from_date") ", " RINGMAIL_SQL_UNIX(
        "to_date") ", subject, text_body, html_body FROM vacation_responses WHERE account_id = ?";

Result<void> CheckAccount(SqliteDb& db, int64_t account_id) {
  const int64_t n = TRY(db.QueryInt("SELECT count(*) FROM accounts WHERE id = ?", account_id));
  if (n == 0) return MakeError(ErrorCode::kNotFound, "no account " + std::to_string(account_id));
  return {};
}

Result<uint64_t> ReadState(SqliteDb& db, int64_t account_id, std::string_view type) {
  const int64_t state = TRY(db.QueryInt(
      "SELECT coalesce((SELECT state FROM jmap_states WHERE account_id = ? AND object_type = ?), "
      "0)",
      account_id, type));
  return static_cast<uint64_t>(state);
}

Result<void> BumpState(SqliteDb& db, int64_t account_id, std::string_view type) {
  return db.Run(
      "INSERT INTO jmap_states (account_id, object_type, state) VALUES (?, ?, 1) "
      "ON CONFLICT (account_id, object_type) DO UPDATE SET state = state + 1",
      account_id, type);
}

// The state after a bump in this transaction.
Result<uint64_t> BumpedState(SqliteDb& db, int64_t account_id, std::string_view type) {
  TRY(BumpState(db, account_id, type));
  return ReadState(db, account_id, type);
}

SubmissionRecord SubmissionFromRow(const Statement& st) {
  return {st.Int(0),
          st.Int(1),
          st.Int(2),
          st.Int(3),
          st.Text(4),
          st.Int(5),
          st.Int(6),
          static_cast<uint64_t>(st.Int(7)),
          static_cast<uint64_t>(st.Int(8))};
}

std::optional<std::string> NullIfEmpty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

std::optional<std::string> OptionalText(const Statement& st, int column) {
  return st.IsNull(column) ? std::nullopt : std::optional<std::string>(st.Text(column));
}

std::optional<int64_t> OptionalInt(const Statement& st, int column) {
  return st.IsNull(column) ? std::nullopt : std::optional<int64_t>(st.Int(column));
}

}  // namespace

Result<IdentityList> ListIdentities(SqliteDb& db, int64_t account_id) {
  TRY(CheckAccount(db, account_id));
  IdentityList out;
  out.state = TRY(ReadState(db, account_id, "identity"));
  Statement st = TRY(
      db.Query("SELECT id, name, email, coalesce(reply_to, ''), coalesce(bcc, ''), text_signature, "
               "html_signature FROM identities WHERE account_id = ? ORDER BY id",
               account_id));
  for (;;) {
    const bool row = TRY(st.Step());
    if (!row) break;
    out.identities.push_back(
        {st.Int(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5), st.Text(6)});
  }
  return out;
}

Result<IdentityRecord> SaveIdentity(SqliteDb& db, int64_t account_id, const IdentityRecord& in) {
  TRY(CheckAccount(db, account_id));
  IdentityRecord out = in;
  if (in.id == 0) {
    const int64_t n =
        TRY(db.QueryInt("SELECT count(*) FROM identities WHERE account_id = ?", account_id));
    if (static_cast<size_t>(n) >= kIdentitiesMax) {
      return MakeError(ErrorCode::kLimitExceeded, "too many identities");
    }
    out.id = TRY(db.QueryInt(
        "INSERT INTO identities (account_id, name, email, reply_to, bcc, text_signature, "
        "html_signature) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        account_id, in.name, in.email, NullIfEmpty(in.reply_to), NullIfEmpty(in.bcc),
        in.text_signature, in.html_signature));
  } else {
    TRY(db.Run(
        "UPDATE identities SET name = ?, email = ?, reply_to = ?, bcc = ?, text_signature = ?, "
        "html_signature = ? WHERE account_id = ? AND id = ?",
        in.name, in.email, NullIfEmpty(in.reply_to), NullIfEmpty(in.bcc), in.text_signature,
        in.html_signature, account_id, in.id));
    if (db.changes() == 0) {
      return MakeError(ErrorCode::kNotFound, "no identity " + std::to_string(in.id));
    }
  }
  TRY(BumpState(db, account_id, "identity"));
  return out;
}

Result<void> DeleteIdentity(SqliteDb& db, int64_t account_id, int64_t id) {
  TRY(db.Run("DELETE FROM identities WHERE account_id = ? AND id = ?", account_id, id));
  if (db.changes() == 0)
    return MakeError(ErrorCode::kNotFound, "no identity " + std::to_string(id));
  return BumpState(db, account_id, "identity");
}

Result<int64_t> CreateSubmission(SqliteDb& db, int64_t account_id, const SubmissionRecord& s) {
  TRY(CheckAccount(db, account_id));
  const int64_t state = static_cast<int64_t>(TRY(BumpedState(db, account_id, "submission")));
  const int64_t id = TRY(db.QueryInt(
      "INSERT INTO email_submissions (account_id, identity_id, email_id, thread_id, envelope, "
      "send_at, queue_id, created_state, updated_state) VALUES (?, ?, ?, ?, "
      "?, " RINGMAIL_SQL_ISO_PARAM ", ?, ?, ?) RETURNING id",
      account_id, s.identity_id, s.email_id, s.thread_id, s.envelope, s.send_at, s.queue_id, state,
      state));
  TRY(
      db.Run("DELETE FROM email_submissions WHERE account_id = ? AND id <= (SELECT id FROM "
             "email_submissions WHERE account_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
             account_id, account_id, static_cast<int64_t>(kSubmissionsMax)));
  return id;  // what that forgot set destroyed_state (trigger email_submissions_destroyed)
}

Result<SubmissionList> ListSubmissions(SqliteDb& db, int64_t account_id) {
  TRY(CheckAccount(db, account_id));
  SubmissionList out;
  out.state = TRY(ReadState(db, account_id, "submission"));
  out.destroyed_state = static_cast<uint64_t>(TRY(db.QueryInt(
      "SELECT coalesce((SELECT destroyed_state FROM jmap_states WHERE account_id = ? AND "
      "object_type = 'submission'), 0)",
      account_id)));
  Statement st = TRY(db.Query(kSubmissionSelect, account_id));
  for (;;) {
    const bool row = TRY(st.Step());
    if (!row) break;
    out.submissions.push_back(SubmissionFromRow(st));
  }
  return out;
}

// The state is bumped first: the delete's trigger records it as destroyed_state.
Result<void> DeleteSubmission(SqliteDb& db, int64_t account_id, int64_t id) {
  TRY(BumpState(db, account_id, "submission"));
  TRY(db.Run("DELETE FROM email_submissions WHERE account_id = ? AND id = ?", account_id, id));
  if (db.changes() == 0) {
    return MakeError(ErrorCode::kNotFound, "no submission " + std::to_string(id));
  }
  return {};
}

Result<std::vector<QueueSubmission>> FindQueueSubmissions(SqliteDb& db, int64_t queue_id) {
  std::vector<QueueSubmission> out;
  Statement st = TRY(db.Query(kQueueSubmissionSelect, queue_id));
  for (;;) {
    const bool row = TRY(st.Step());
    if (!row) return out;
    out.push_back({st.Int(9), SubmissionFromRow(st)});
  }
}

Result<bool> UpdateSubmission(SqliteDb& db, int64_t account_id, int64_t id,
                              std::string_view expected, std::string_view envelope) {
  const int64_t holds = TRY(db.QueryInt(
      "SELECT count(*) FROM email_submissions WHERE account_id = ? AND id = ? AND envelope = ?",
      account_id, id, expected));
  if (holds == 0) return false;
  const int64_t state = static_cast<int64_t>(TRY(BumpedState(db, account_id, "submission")));
  TRY(db.Run("UPDATE email_submissions SET envelope = ?, updated_state = ? WHERE id = ?", envelope,
             state, id));
  return true;
}

Result<VacationRecord> LoadVacation(SqliteDb& db, int64_t account_id) {
  TRY(CheckAccount(db, account_id));
  VacationRecord v;
  v.state = TRY(ReadState(db, account_id, "vacation"));
  Statement st = TRY(db.Query(kVacationSelect, account_id));
  const bool row = TRY(st.Step());
  if (!row) return v;
  v.is_enabled = st.Int(0) != 0;
  v.from_date = OptionalInt(st, 1);
  v.to_date = OptionalInt(st, 2);
  v.subject = OptionalText(st, 3);
  v.text_body = OptionalText(st, 4);
  v.html_body = OptionalText(st, 5);
  return v;
}

Result<void> SaveVacation(SqliteDb& db, int64_t account_id, const VacationRecord& v) {
  TRY(CheckAccount(db, account_id));
  TRY(
      db.Run("INSERT INTO vacation_responses (account_id, is_enabled, from_date, to_date, "
             "subject, text_body, html_body) VALUES (?, ?, " RINGMAIL_SQL_ISO_PARAM
             ", " RINGMAIL_SQL_ISO_PARAM
             ", ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET is_enabled = "
             "excluded.is_enabled, from_date = excluded.from_date, to_date = excluded.to_date, "
             "subject = excluded.subject, text_body = excluded.text_body, html_body = "
             "excluded.html_body",
             account_id, int64_t{v.is_enabled}, v.from_date, v.to_date, v.subject, v.text_body,
             v.html_body));
  return BumpState(db, account_id, "vacation");
}

Result<bool> ClaimVacationReply(SqliteDb& db, int64_t account_id, std::string_view sender,
                                int64_t now, int64_t interval_s) {
  TRY(CheckAccount(db, account_id));
  const int64_t recent = TRY(
      db.QueryInt("SELECT count(*) FROM vacation_replies WHERE account_id = ? AND sender = ? AND "
                  "replied_at > " RINGMAIL_SQL_ISO_PARAM,
                  account_id, sender, now - interval_s));
  if (recent > 0) return false;
  TRY(
      db.Run("INSERT INTO vacation_replies (account_id, sender, replied_at) VALUES (?, "
             "?, " RINGMAIL_SQL_ISO_PARAM ") ON CONFLICT (account_id, sender) DO UPDATE SET "
             "replied_at = excluded.replied_at",
             account_id, sender, now));
  return true;
}

}  // namespace ringmail::sqlite
