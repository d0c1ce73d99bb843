// PostgresMetadataStore: emails across mailboxes (JMAP Email). Reads are two statements in
// one snapshot; AddEmailPlacements is the schema function rm_add_email_placements
// (migrations_email.cc).
#include "store/metadata_rules.h"
#include "store/postgres/pg_store.h"

namespace ringmail {

using postgres::PgIntArray;
using postgres::PgQuery;
using postgres::PgRows;
using postgres::PgStatementId;

namespace {

// A row of RINGMAIL_PG_EMAIL_SELECT (pg_statements.cc).
EmailRecord EmailFromRow(const PgRows& r, int row) {
  EmailRecord e;
  e.id = r.Int(row, 0);
  e.thread_id = r.Int(row, 1);
  e.blob = r.Key(row, 2);
  e.size = static_cast<uint64_t>(r.Int(row, 3));
  e.received_at = r.Int(row, 4);
  const int64_t bits = r.Int(row, 5);
  e.flags.seen = (bits & postgres::kFlagSeen) != 0;
  e.flags.answered = (bits & postgres::kFlagAnswered) != 0;
  e.flags.flagged = (bits & postgres::kFlagFlagged) != 0;
  e.flags.deleted = (bits & postgres::kFlagDeleted) != 0;
  e.flags.draft = (bits & postgres::kFlagDraft) != 0;
  e.flags.keywords = SplitKeywords(r.Text(row, 6));
  e.message_id = r.Text(row, 7);
  e.subject = r.Text(row, 8);
  e.from_display = r.Text(row, 9);
  if (!r.IsNull(row, 10)) e.sent_at = r.Int(row, 10);
  e.preview = r.Text(row, 11);
  return e;
}

// Emails (ascending id) with their placements (rows email_id, mailbox_id, uid in that order).
std::vector<EmailRecord> EmailsFromRows(const PgRows& emails, const PgRows& placements) {
  std::vector<EmailRecord> out;
  out.reserve(static_cast<size_t>(emails.size()));
  for (int i = 0; i < emails.size(); ++i) out.push_back(EmailFromRow(emails, i));
  auto e = out.begin();
  for (int i = 0; i < placements.size(); ++i) {
    const int64_t email_id = placements.Int(i, 0);
    while (e != out.end() && e->id < email_id) ++e;
    if (e == out.end()) break;
    if (e->id == email_id) {
      e->placements.push_back({placements.Int(i, 1), static_cast<uint32_t>(placements.Int(i, 2))});
    }
  }
  return out;
}

}  // namespace

Task<Result<std::vector<EmailRecord>>> PostgresMetadataStore::LoadEmails(int64_t account_id,
                                                                         std::vector<int64_t> ids) {
  if (ids.size() > kEmailsPerCallMax) {
    co_return MakeError(ErrorCode::kInvalidArgument, "too many emails in one call");
  }
  const std::string account = std::to_string(account_id);
  const std::string array = PgIntArray(ids);
  std::vector<PgQuery> unit;
  unit.push_back({PgStatementId::kBeginSnapshot, {}});
  unit.push_back({PgStatementId::kLoadEmails, {account, array}});
  unit.push_back({PgStatementId::kLoadEmailPlacements, {account, array}});
  unit.push_back({PgStatementId::kCommit, {}});
  Result<std::vector<PgRows>> rows = co_await Pool().Execute(std::move(unit));
  if (!rows) co_return std::unexpected(rows.error());
  co_return EmailsFromRows((*rows)[1], (*rows)[2]);
}

Task<Result<std::vector<EmailRecord>>> PostgresMetadataStore::ListEmails(int64_t account_id) {
  const std::string account = std::to_string(account_id);
  std::vector<PgQuery> unit;
  unit.push_back({PgStatementId::kBeginSnapshot, {}});
  unit.push_back({PgStatementId::kListEmails, {account}});
  unit.push_back({PgStatementId::kListEmailPlacements, {account}});
  unit.push_back({PgStatementId::kCommit, {}});
  Result<std::vector<PgRows>> rows = co_await Pool().Execute(std::move(unit));
  if (!rows) co_return std::unexpected(rows.error());
  co_return EmailsFromRows((*rows)[1], (*rows)[2]);
}

Task<Result<std::vector<PlacedMessage>>> PostgresMetadataStore::AddEmailPlacements(
    int64_t account_id, int64_t email_id, std::vector<int64_t> mailbox_ids) {
  if (mailbox_ids.size() > kEmailsPerCallMax) {
    co_return MakeError(ErrorCode::kInvalidArgument, "too many mailboxes in one call");
  }
  Result<PgRows> rows = co_await Run(PgStatementId::kAddEmailPlacements, std::to_string(account_id),
                                     std::to_string(email_id), PgIntArray(mailbox_ids));
  if (!rows) co_return std::unexpected(rows.error());
  std::vector<PlacedMessage> placed;
  for (int i = 0; i < rows->size(); ++i) {
    placed.push_back({account_id, rows->Int(i, 0), email_id, static_cast<uint32_t>(rows->Int(i, 1)),
                      static_cast<uint64_t>(rows->Int(i, 2))});
  }
  co_return placed;
}

}  // namespace ringmail
