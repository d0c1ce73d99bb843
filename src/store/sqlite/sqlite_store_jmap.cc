// SqliteMetadataStore: JMAP objects beside mail, each one call on the store thread
// (jmap_object_ops.cc).
#include "store/sqlite/ops.h"
#include "store/sqlite/sqlite_store.h"

namespace ringmail {

Task<Result<IdentityList>> SqliteMetadataStore::ListIdentities(int64_t account_id) {
  Result<IdentityList> r = co_await reader_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::ListIdentities(db, account_id); });
  co_return r;
}

Task<Result<IdentityRecord>> SqliteMetadataStore::SaveIdentity(int64_t account_id,
                                                               IdentityRecord identity) {
  Result<IdentityRecord> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::SaveIdentity(db, account_id, identity); });
  co_return r;
}

Task<Result<void>> SqliteMetadataStore::DeleteIdentity(int64_t account_id, int64_t id) {
  Result<void> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::DeleteIdentity(db, account_id, id); });
  co_return r;
}

Task<Result<int64_t>> SqliteMetadataStore::CreateSubmission(int64_t account_id,
                                                            SubmissionRecord submission) {
  Result<int64_t> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::CreateSubmission(db, account_id, submission); });
  co_return r;
}

Task<Result<SubmissionList>> SqliteMetadataStore::ListSubmissions(int64_t account_id) {
  Result<SubmissionList> r = co_await reader_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::ListSubmissions(db, account_id); });
  co_return r;
}

Task<Result<void>> SqliteMetadataStore::DeleteSubmission(int64_t account_id, int64_t id) {
  Result<void> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::DeleteSubmission(db, account_id, id); });
  co_return r;
}

Task<Result<std::vector<QueueSubmission>>> SqliteMetadataStore::FindQueueSubmissions(
    int64_t queue_id) {
  Result<std::vector<QueueSubmission>> r = co_await reader_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::FindQueueSubmissions(db, queue_id); });
  co_return r;
}

Task<Result<bool>> SqliteMetadataStore::UpdateSubmission(int64_t account_id, int64_t id,
                                                         std::string expected,
                                                         std::string envelope) {
  Result<bool> r = co_await executor_->Call([&](sqlite::SqliteDb& db) {
    return sqlite::UpdateSubmission(db, account_id, id, expected, envelope);
  });
  co_return r;
}

Task<Result<VacationRecord>> SqliteMetadataStore::LoadVacation(int64_t account_id) {
  Result<VacationRecord> r = co_await reader_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::LoadVacation(db, account_id); });
  co_return r;
}

Task<Result<void>> SqliteMetadataStore::SaveVacation(int64_t account_id, VacationRecord vacation) {
  Result<void> r = co_await executor_->Call(
      [&](sqlite::SqliteDb& db) { return sqlite::SaveVacation(db, account_id, vacation); });
  co_return r;
}

Task<Result<bool>> SqliteMetadataStore::ClaimVacationReply(int64_t account_id, std::string sender,
                                                           int64_t now, int64_t interval_s) {
  Result<bool> r = co_await executor_->Call([&](sqlite::SqliteDb& db) {
    return sqlite::ClaimVacationReply(db, account_id, sender, now, interval_s);
  });
  co_return r;
}

}  // namespace ringmail
