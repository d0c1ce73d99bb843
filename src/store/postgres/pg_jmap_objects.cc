// PostgresMetadataStore: JMAP objects beside mail (docs/storage.md, "Identities, submissions,
// vacation responses"). Writes are the schema functions of migrations_submission.cc, reads one
// SELECT each (pg_statements.cc).
#include "store/postgres/pg_store.h"

namespace ringmail {

using postgres::PgBool;
using postgres::PgParams;
using postgres::PgRows;
using postgres::PgStatementId;

namespace {

std::optional<std::string> Text(const std::string& s) { return s; }
std::optional<std::string> NullIfEmpty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}
std::optional<std::string> OptionalInt(const std::optional<int64_t>& v) {
  return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
}
std::optional<std::string> OptionalText(const PgRows& r, int row, int column) {
  return r.IsNull(row, column) ? std::nullopt : std::optional<std::string>(r.Text(row, column));
}
std::optional<int64_t> OptionalInt(const PgRows& r, int row, int column) {
  return r.IsNull(row, column) ? std::nullopt : std::optional<int64_t>(r.Int(row, column));
}

// Columns 1-9 of the submission statements: id ... updated_state.
SubmissionRecord SubmissionFromRow(const PgRows& r, int i) {
  return {r.Int(i, 1),
          r.Int(i, 2),
          r.Int(i, 3),
          r.Int(i, 4),
          std::string(r.Text(i, 5)),
          r.Int(i, 6),
          r.Int(i, 7),
          static_cast<uint64_t>(r.Int(i, 8)),
          static_cast<uint64_t>(r.Int(i, 9))};
}

Error NoAccount(int64_t account_id) {
  return Error{ErrorCode::kNotFound, "no account " + std::to_string(account_id)};
}

}  // namespace

Task<Result<IdentityList>> PostgresMetadataStore::ListIdentities(int64_t account_id) {
  Result<PgRows> rows = co_await Run(PgStatementId::kListIdentities, std::to_string(account_id));
  if (!rows) co_return std::unexpected(rows.error());
  if (rows->size() == 0) co_return std::unexpected(NoAccount(account_id));
  IdentityList out;
  out.state = static_cast<uint64_t>(rows->Int(0, 0));
  for (int i = 0; i < rows->size(); ++i) {
    if (rows->IsNull(i, 1)) continue;
    out.identities.push_back({rows->Int(i, 1), std::string(rows->Text(i, 2)),
                              std::string(rows->Text(i, 3)), std::string(rows->Text(i, 4)),
                              std::string(rows->Text(i, 5)), std::string(rows->Text(i, 6)),
                              std::string(rows->Text(i, 7))});
  }
  co_return out;
}

Task<Result<IdentityRecord>> PostgresMetadataStore::SaveIdentity(int64_t account_id,
                                                                 IdentityRecord identity) {
  PgParams params{std::to_string(account_id),
                  std::to_string(identity.id),
                  Text(identity.name),
                  Text(identity.email),
                  NullIfEmpty(identity.reply_to),
                  NullIfEmpty(identity.bcc),
                  Text(identity.text_signature),
                  Text(identity.html_signature),
                  std::to_string(kIdentitiesMax)};
  Result<PgRows> rows = co_await RunParams(PgStatementId::kSaveIdentity, std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  identity.id = rows->Int(0, 0);
  co_return identity;
}

Task<Result<void>> PostgresMetadataStore::DeleteIdentity(int64_t account_id, int64_t id) {
  Result<PgRows> rows = co_await Run(PgStatementId::kDeleteJmapObject, std::to_string(account_id),
                                     std::string("identity"), std::to_string(id));
  if (!rows) co_return std::unexpected(rows.error());
  co_return Result<void>{};
}

Task<Result<int64_t>> PostgresMetadataStore::CreateSubmission(int64_t account_id,
                                                              SubmissionRecord s) {
  Result<PgRows> rows = co_await Run(
      PgStatementId::kCreateSubmission, std::to_string(account_id), std::to_string(s.identity_id),
      std::to_string(s.email_id), std::to_string(s.thread_id), s.envelope,
      std::to_string(s.send_at), std::to_string(kSubmissionsMax), std::to_string(s.queue_id));
  if (!rows) co_return std::unexpected(rows.error());
  co_return rows->Int(0, 0);
}

Task<Result<SubmissionList>> PostgresMetadataStore::ListSubmissions(int64_t account_id) {
  Result<PgRows> rows = co_await Run(PgStatementId::kListSubmissions, std::to_string(account_id));
  if (!rows) co_return std::unexpected(rows.error());
  if (rows->size() == 0) co_return std::unexpected(NoAccount(account_id));
  SubmissionList out;
  out.state = static_cast<uint64_t>(rows->Int(0, 0));
  out.destroyed_state = static_cast<uint64_t>(rows->Int(0, 10));
  for (int i = 0; i < rows->size(); ++i) {
    if (rows->IsNull(i, 1)) continue;
    out.submissions.push_back(SubmissionFromRow(*rows, i));
  }
  co_return out;
}

Task<Result<std::vector<QueueSubmission>>> PostgresMetadataStore::FindQueueSubmissions(
    int64_t queue_id) {
  Result<PgRows> rows =
      co_await Run(PgStatementId::kFindQueueSubmissions, std::to_string(queue_id));
  if (!rows) co_return std::unexpected(rows.error());
  std::vector<QueueSubmission> out;
  for (int i = 0; i < rows->size(); ++i)
    out.push_back({rows->Int(i, 0), SubmissionFromRow(*rows, i)});
  co_return out;
}

Task<Result<bool>> PostgresMetadataStore::UpdateSubmission(int64_t account_id, int64_t id,
                                                           std::string expected,
                                                           std::string envelope) {
  Result<PgRows> rows = co_await Run(PgStatementId::kUpdateSubmission, std::to_string(account_id),
                                     std::to_string(id), std::move(expected), std::move(envelope));
  if (!rows) co_return std::unexpected(rows.error());
  co_return rows->Bool(0, 0);
}

Task<Result<void>> PostgresMetadataStore::DeleteSubmission(int64_t account_id, int64_t id) {
  Result<PgRows> rows = co_await Run(PgStatementId::kDeleteJmapObject, std::to_string(account_id),
                                     std::string("submission"), std::to_string(id));
  if (!rows) co_return std::unexpected(rows.error());
  co_return Result<void>{};
}

Task<Result<VacationRecord>> PostgresMetadataStore::LoadVacation(int64_t account_id) {
  Result<PgRows> rows = co_await Run(PgStatementId::kLoadVacation, std::to_string(account_id));
  if (!rows) co_return std::unexpected(rows.error());
  if (rows->size() == 0) co_return std::unexpected(NoAccount(account_id));
  VacationRecord v;
  v.state = static_cast<uint64_t>(rows->Int(0, 0));
  v.is_enabled = rows->Bool(0, 1);
  v.from_date = OptionalInt(*rows, 0, 2);
  v.to_date = OptionalInt(*rows, 0, 3);
  v.subject = OptionalText(*rows, 0, 4);
  v.text_body = OptionalText(*rows, 0, 5);
  v.html_body = OptionalText(*rows, 0, 6);
  co_return v;
}

Task<Result<void>> PostgresMetadataStore::SaveVacation(int64_t account_id, VacationRecord v) {
  PgParams params{std::to_string(account_id),
                  PgBool(v.is_enabled),
                  OptionalInt(v.from_date),
                  OptionalInt(v.to_date),
                  v.subject,
                  v.text_body,
                  v.html_body};
  Result<PgRows> rows = co_await RunParams(PgStatementId::kSaveVacation, std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  co_return Result<void>{};
}

Task<Result<bool>> PostgresMetadataStore::ClaimVacationReply(int64_t account_id, std::string sender,
                                                             int64_t now, int64_t interval_s) {
  Result<PgRows> rows =
      co_await Run(PgStatementId::kClaimVacationReply, std::to_string(account_id),
                   std::move(sender), std::to_string(now), std::to_string(interval_s));
  if (!rows) co_return std::unexpected(rows.error());
  co_return rows->Bool(0, 0);
}

}  // namespace ringmail
