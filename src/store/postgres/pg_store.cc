#include "store/postgres/pg_store.h"

#include <string_view>
#include <unordered_map>

#include "base/check.h"
#include "store/metadata_rules.h"
#include "store/postgres/pg_index.h"

namespace ringmail {

using postgres::PgBool;
using postgres::PgBytea;
using postgres::PgIntArray;
using postgres::PgParams;
using postgres::PgQuery;
using postgres::PgRows;
using postgres::PgStatementId;
using postgres::PgTextArray;

namespace {

std::string Int(int64_t v) { return std::to_string(v); }

int FlagBits(const MessageFlags& f) {
  return (f.seen ? postgres::kFlagSeen : 0) | (f.answered ? postgres::kFlagAnswered : 0) |
         (f.flagged ? postgres::kFlagFlagged : 0) | (f.deleted ? postgres::kFlagDeleted : 0) |
         (f.draft ? postgres::kFlagDraft : 0);
}

std::vector<std::string> SplitLines(std::string_view text);

AccountRecord AccountFromRow(const PgRows& r, int row) {
  AccountRecord a;
  a.id = r.Int(row, 0);
  a.name = r.Text(row, 1);
  a.type = r.Text(row, 2);
  a.secret = r.Text(row, 3);
  a.active = r.Bool(row, 4);
  a.quota_bytes = static_cast<uint64_t>(r.Int(row, 5));
  a.used_bytes = static_cast<uint64_t>(r.Int(row, 6));
  a.used_messages = static_cast<uint64_t>(r.Int(row, 7));
  a.highest_modseq = static_cast<uint64_t>(r.Int(row, 8));
  a.description = r.Text(row, 9);
  a.emails = SplitLines(r.Text(row, 10));
  a.member_of = SplitLines(r.Text(row, 11));
  a.role = r.Text(row, 12);
  a.quota_messages = static_cast<uint64_t>(r.Int(row, 13));
  return a;
}

// The text of one column as a list of names: each a line (RINGMAIL_PG_ACCOUNT_SELECT).
std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const size_t end = std::min(text.find('\n'), text.size());
    out.emplace_back(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return out;
}

std::vector<std::string> Column0(const PgRows& r) {
  std::vector<std::string> out;
  for (int i = 0; i < r.size(); ++i) out.emplace_back(r.Text(i, 0));
  return out;
}

std::optional<std::string> OptionalTextArray(const std::optional<std::vector<std::string>>& v) {
  if (!v) return std::nullopt;
  return PgTextArray(*v);
}

MailboxRecord MailboxFromRow(const PgRows& r, int row) {
  MailboxRecord m;
  m.id = r.Int(row, 0);
  m.account_id = r.Int(row, 1);
  m.name = r.Text(row, 2);
  m.special_use = r.Text(row, 3);
  m.subscribed = r.Bool(row, 4);
  m.uid_validity = static_cast<uint32_t>(r.Int(row, 5));
  m.uid_next = static_cast<uint32_t>(r.Int(row, 6));
  m.highest_modseq = static_cast<uint64_t>(r.Int(row, 7));
  m.message_count = static_cast<uint64_t>(r.Int(row, 8));
  m.unseen_count = static_cast<uint64_t>(r.Int(row, 9));
  m.total_bytes = static_cast<uint64_t>(r.Int(row, 10));
  return m;
}

// A message from the uid column and the columns after it in pg_statements.cc's
// RINGMAIL_PG_MESSAGE_COLUMNS (modseq … sha256), which start at `first`: right after the uid
// in LoadMailbox's rows, after `uid, conflict` in rm_update_flags's.
MessageRecord MessageFromRow(const PgRows& r, int row, int first) {
  MessageRecord m;
  m.uid = static_cast<uint32_t>(r.Int(row, 0));
  m.modseq = static_cast<uint64_t>(r.Int(row, first));
  m.email_id = r.Int(row, first + 1);
  m.thread_id = r.Int(row, first + 2);
  m.size = static_cast<uint64_t>(r.Int(row, first + 3));
  m.received_at = r.Int(row, first + 4);
  m.saved_at = r.Int(row, first + 5);
  const int64_t bits = r.Int(row, first + 6);
  m.flags.seen = (bits & postgres::kFlagSeen) != 0;
  m.flags.answered = (bits & postgres::kFlagAnswered) != 0;
  m.flags.flagged = (bits & postgres::kFlagFlagged) != 0;
  m.flags.deleted = (bits & postgres::kFlagDeleted) != 0;
  m.flags.draft = (bits & postgres::kFlagDraft) != 0;
  m.flags.keywords = SplitKeywords(r.Text(row, first + 7));
  m.blob = r.Key(row, first + 8);
  return m;
}

// LoadMailboxIndex's rows, both from one snapshot: `messages` is kLoadIndex's packed entries
// (binary format); `keywords` the uid and keywords of the messages with any, in UID order.
Result<void> IndexFromRows(const PgRows& messages, const PgRows& keywords, MailboxIndex* index) {
  if (messages.size() != 1) return MakeError(ErrorCode::kInternal, "kLoadIndex: not one row");
  if (!messages.IsNull(0, 0)) {
    index->messages = TRY(postgres::DecodeIndexEntries(messages.Text(0, 0)));
  }
  // Keyword lists as sent (space-joined; views into `keywords`) to their keyword_sets index.
  std::unordered_map<std::string_view, uint32_t> sets;
  size_t next = 0;  // merge position in index->messages
  for (int k = 0; k < keywords.size(); ++k) {
    const auto uid = static_cast<uint32_t>(keywords.Int(k, 0));
    while (next < index->messages.size() && index->messages[next].uid < uid) ++next;
    if (next == index->messages.size() || index->messages[next].uid != uid) continue;
    const auto [it, added] =
        sets.try_emplace(keywords.Text(k, 1), static_cast<uint32_t>(index->keyword_sets.size()));
    if (added) index->keyword_sets.push_back(SplitKeywords(it->first));
    index->messages[next].keyword_set = it->second;
  }
  return {};
}

std::vector<uint32_t> UidsFromRows(const PgRows& r) {
  std::vector<uint32_t> uids;
  uids.reserve(static_cast<size_t>(r.size()));
  for (int i = 0; i < r.size(); ++i) uids.push_back(static_cast<uint32_t>(r.Int(i, 0)));
  return uids;
}

std::string UidArray(const std::vector<uint32_t>& uids) {
  std::vector<int64_t> wide(uids.begin(), uids.end());
  return PgIntArray(wide);
}

// A NotFound for an id the caller passed, with the same wording as the SQLite backend.
Error NoMailbox(int64_t id) {
  return Error{ErrorCode::kNotFound, "no mailbox " + std::to_string(id), 0};
}

}  // namespace

PostgresMetadataStore::PostgresMetadataStore(postgres::PgPoolConfig config, uint32_t cores_max)
    : config_(std::move(config)), pools_(cores_max) {}

PostgresMetadataStore::~PostgresMetadataStore() = default;

postgres::PgCorePool& PostgresMetadataStore::Pool() {
  Reactor* reactor = Reactor::Current();
  CHECK(reactor != nullptr, "PostgreSQL calls run on a reactor core");
  const int core = reactor->core();
  CHECK(core >= 0 && static_cast<size_t>(core) < pools_.size(), "core index over cores_max");
  std::unique_ptr<postgres::PgCorePool>& pool = pools_[static_cast<size_t>(core)];
  // A new reactor on a core index seen before (tests run one reactor after another): the old
  // pool's connections are idle and go with it.
  if (pool != nullptr && pool->reactor() != reactor) pool.reset();
  if (pool == nullptr) pool = std::make_unique<postgres::PgCorePool>(&config_, reactor);
  return *pool;
}

Task<Result<PgRows>> PostgresMetadataStore::RunParams(PgStatementId statement, PgParams params) {
  std::vector<PgQuery> unit;
  unit.push_back(PgQuery{statement, std::move(params)});
  Result<std::vector<PgRows>> rows = co_await Pool().Execute(std::move(unit));
  if (!rows) co_return std::unexpected(rows.error());
  co_return std::move(rows->front());
}

Task<Result<int64_t>> PostgresMetadataStore::CreateDomain(std::string name) {
  Result<std::string> domain = NormalizeDomain(name);
  if (!domain) co_return std::unexpected(domain.error());
  Result<PgRows> rows = co_await Run(PgStatementId::kCreateDomain, *domain);
  if (!rows) {
    if (rows.error().code == ErrorCode::kAlreadyExists) {
      co_return MakeError(ErrorCode::kAlreadyExists, "domain '" + *domain + "' exists");
    }
    co_return std::unexpected(rows.error());
  }
  co_return rows->Int(0, 0);
}

Task<Result<std::vector<std::string>>> PostgresMetadataStore::ListDomains() {
  Result<PgRows> rows = co_await Run(PgStatementId::kListDomains);
  if (!rows) co_return std::unexpected(rows.error());
  co_return Column0(*rows);
}

Task<Result<bool>> PostgresMetadataStore::HasDomain(std::string name) {
  Result<PgRows> rows = co_await Run(PgStatementId::kHasDomain, name);
  if (!rows) co_return std::unexpected(rows.error());
  co_return rows->Bool(0, 0);
}

Task<Result<void>> PostgresMetadataStore::DeleteDomain(std::string name) {
  Result<PgRows> rows = co_await Run(PgStatementId::kDeleteDomain, name);
  if (!rows) co_return std::unexpected(rows.error());
  co_return Result<void>{};
}

Task<Result<AccountRecord>> PostgresMetadataStore::CreateAccount(AccountRecord account) {
  Result<void> valid = ValidateAccount(account);
  if (!valid) co_return std::unexpected(valid.error());
  Result<PgRows> rows =
      co_await Run(PgStatementId::kAddAccount, account.name, account.type, account.secret,
                   account.description, PgBool(account.active), std::to_string(account.quota_bytes),
                   PgTextArray(account.emails), PgTextArray(account.member_of));
  if (!rows) co_return std::unexpected(rows.error());
  if (account.role != "user") {
    Result<void> role = co_await SetAccountRole(account.name, account.role);
    if (!role) co_return std::unexpected(role.error());
  }
  if (account.quota_messages != 0) {
    Result<void> q = co_await SetAccountQuotaMessages(account.name, account.quota_messages);
    if (!q) co_return std::unexpected(q.error());
  }
  Result<AccountRecord> created = co_await GetAccount(account.name);
  co_return created;
}

Task<Result<AccountRecord>> PostgresMetadataStore::GetAccount(std::string name) {
  Result<PgRows> rows = co_await Run(PgStatementId::kGetAccount, name);
  if (!rows) co_return std::unexpected(rows.error());
  if (rows->size() == 0) co_return MakeError(ErrorCode::kNotFound, "no account '" + name + "'");
  co_return AccountFromRow(*rows, 0);
}

Task<Result<std::vector<AccountRecord>>> PostgresMetadataStore::ListAccounts() {
  Result<PgRows> rows = co_await Run(PgStatementId::kListAccounts);
  if (!rows) co_return std::unexpected(rows.error());
  std::vector<AccountRecord> accounts;
  for (int i = 0; i < rows->size(); ++i) accounts.push_back(AccountFromRow(*rows, i));
  co_return accounts;
}

Task<Result<AccountRecord>> PostgresMetadataStore::UpdateAccount(AccountUpdate u) {
  Result<void> valid = ValidateAccountLists(u.emails.value_or(std::vector<std::string>{}),
                                            u.member_of.value_or(std::vector<std::string>{}));
  if (valid && u.role) valid = ValidateRole(*u.role);
  if (!valid) co_return std::unexpected(valid.error());
  PgParams params;
  params.push_back(u.name);
  params.push_back(u.secret);
  params.push_back(u.description);
  params.push_back(u.active ? std::optional(PgBool(*u.active)) : std::nullopt);
  params.push_back(u.quota_bytes ? std::optional(std::to_string(*u.quota_bytes)) : std::nullopt);
  params.push_back(OptionalTextArray(u.emails));
  params.push_back(OptionalTextArray(u.member_of));
  Result<PgRows> rows = co_await RunParams(PgStatementId::kUpdateAccount, std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  if (u.role) {
    Result<void> role = co_await SetAccountRole(u.name, *u.role);
    if (!role) co_return std::unexpected(role.error());
  }
  if (u.quota_messages) {
    Result<void> q = co_await SetAccountQuotaMessages(u.name, *u.quota_messages);
    if (!q) co_return std::unexpected(q.error());
  }
  Result<AccountRecord> updated = co_await GetAccount(u.name);
  co_return updated;
}

Task<Result<void>> PostgresMetadataStore::DeleteAccount(std::string name) {
  Result<PgRows> rows = co_await Run(PgStatementId::kDeleteAccount, name);
  if (!rows) co_return std::unexpected(rows.error());
  co_return Result<void>{};
}

Task<Result<std::vector<std::string>>> PostgresMetadataStore::FindAddress(std::string address) {
  Result<std::pair<std::string, std::string>> parts = SplitStoredAddress(address);
  if (!parts) co_return std::unexpected(parts.error());
  Result<PgRows> rows = co_await Run(PgStatementId::kFindAddress, parts->second, parts->first);
  if (!rows) co_return std::unexpected(rows.error());
  co_return Column0(*rows);
}

Task<Result<std::vector<std::string>>> PostgresMetadataStore::ListMembers(std::string name) {
  Result<PgRows> rows = co_await Run(PgStatementId::kListMembers, name);
  if (!rows) co_return std::unexpected(rows.error());
  co_return Column0(*rows);
}

Task<Result<std::vector<MailboxRecord>>> PostgresMetadataStore::ListMailboxes(int64_t account_id) {
  Result<PgRows> rows = co_await Run(PgStatementId::kListMailboxes, Int(account_id));
  if (!rows) co_return std::unexpected(rows.error());
  std::vector<MailboxRecord> mailboxes;
  for (int i = 0; i < rows->size(); ++i) mailboxes.push_back(MailboxFromRow(*rows, i));
  co_return mailboxes;
}

Task<Result<std::optional<MailboxRecord>>> PostgresMetadataStore::FindMailbox(int64_t account_id,
                                                                              std::string name) {
  Result<PgRows> rows = co_await Run(PgStatementId::kFindMailbox, Int(account_id), name);
  if (!rows) co_return std::unexpected(rows.error());
  if (rows->size() == 0) co_return std::optional<MailboxRecord>();
  co_return std::optional<MailboxRecord>(MailboxFromRow(*rows, 0));
}

Task<Result<MailboxRecord>> PostgresMetadataStore::CreateMailbox(int64_t account_id,
                                                                 std::string name,
                                                                 std::string special_use) {
  Result<std::string> normal = NormalizeMailboxName(name);
  if (!normal) co_return std::unexpected(normal.error());
  Result<void> use = ValidateSpecialUse(special_use);
  if (!use) co_return std::unexpected(use.error());
  Result<PgRows> rows =
      co_await Run(PgStatementId::kCreateMailbox, Int(account_id), *normal, special_use);
  if (!rows) co_return std::unexpected(rows.error());
  co_return MailboxFromRow(*rows, 0);
}

Task<Result<void>> PostgresMetadataStore::RenameMailbox(int64_t account_id, int64_t mailbox_id,
                                                        std::string new_name) {
  Result<std::string> normal = NormalizeMailboxName(new_name);
  if (!normal) co_return std::unexpected(normal.error());
  Result<PgRows> rows =
      co_await Run(PgStatementId::kRenameMailbox, Int(account_id), Int(mailbox_id), *normal);
  if (!rows) co_return std::unexpected(rows.error());
  co_return Result<void>{};
}

Task<Result<void>> PostgresMetadataStore::SetSubscribed(int64_t account_id, int64_t mailbox_id,
                                                        bool subscribed) {
  std::string value = subscribed ? "true" : "false";
  Result<PgRows> rows =
      co_await Run(PgStatementId::kSetSubscribed, Int(account_id), Int(mailbox_id), value);
  if (!rows) co_return std::unexpected(rows.error());
  if (rows->size() == 0) {
    co_return MakeError(ErrorCode::kNotFound, "no mailbox " + std::to_string(mailbox_id));
  }
  co_return Result<void>{};
}

Task<Result<ChangesResult>> PostgresMetadataStore::LoadChanges(int64_t account_id,
                                                               std::string object_type,
                                                               uint64_t since, size_t max) {
  Result<void> valid = ValidateChangesRequest(object_type, max);
  if (!valid) co_return std::unexpected(valid.error());
  Result<PgRows> rows =
      co_await Run(PgStatementId::kLoadChanges, Int(account_id), std::to_string(since), object_type,
                   std::to_string(kChangeRowsMax));
  if (!rows) co_return std::unexpected(rows.error());
  if (rows->size() == 0) {
    co_return MakeError(ErrorCode::kNotFound, "no account " + std::to_string(account_id));
  }
  std::vector<ChangeRow> changes;
  for (int i = 0; i < rows->size(); ++i) {
    if (rows->IsNull(i, 1)) continue;
    changes.push_back(
        ChangeRow{static_cast<uint64_t>(rows->Int(i, 1)), rows->Int(i, 2), rows->Text(i, 3)[0]});
  }
  const bool complete = changes.size() < kChangeRowsMax;
  co_return FoldChanges(changes, complete, since, max, static_cast<uint64_t>(rows->Int(0, 0)));
}

Task<Result<void>> PostgresMetadataStore::DeleteMailbox(int64_t account_id, int64_t mailbox_id) {
  Result<PgRows> rows =
      co_await Run(PgStatementId::kDeleteMailbox, Int(account_id), Int(mailbox_id));
  if (!rows) co_return std::unexpected(rows.error());
  co_return Result<void>{};
}

Task<Result<std::vector<PlacedMessage>>> PostgresMetadataStore::Deliver(DeliveryRequest request) {
  Result<std::vector<DeliveryRequest::Target>> targets = DistinctTargets(request);
  if (!targets) co_return std::unexpected(targets.error());
  std::vector<int64_t> mailbox_ids;
  std::vector<int64_t> flag_bits;
  std::vector<std::string> keywords;
  for (const DeliveryRequest::Target& t : *targets) {
    mailbox_ids.push_back(t.mailbox_id);
    flag_bits.push_back(FlagBits(t.flags));
    keywords.push_back(JoinKeywords(t.flags.keywords));
  }
  const EmailSummary& s = request.summary;
  PgParams params = {
      PgBytea(request.blob.sha256),
      std::to_string(request.size),
      std::to_string(request.stored_size),
      request.compression == blob_format::Compression::kZstd ? "zstd" : "none",
      Int(request.received_at),
      s.message_id,
      s.subject,
      s.from_display,
      s.sent_at ? std::optional<std::string>(Int(*s.sent_at)) : std::nullopt,
      s.preview,
      s.envelope,
      s.bodystructure,
      PgBool(request.enforce_quota),
      PgIntArray(mailbox_ids),
      PgIntArray(flag_bits),
      PgTextArray(keywords),
  };
  // Checked as late as this core can: the unit is sent now. Units queued before it on the
  // connection can delay its transaction by their own run time, which the collector's
  // margin over the validity (blob_collector.h) covers.
  Result<void> valid = CheckBlobValidity(request);
  if (!valid) co_return std::unexpected(valid.error());
  Result<PgRows> rows = co_await RunParams(PgStatementId::kDeliver, std::move(params));
  if (!rows) co_return std::unexpected(rows.error());
  std::vector<PlacedMessage> placed;
  for (int i = 0; i < rows->size(); ++i) {
    placed.push_back({rows->Int(i, 1), rows->Int(i, 0), rows->Int(i, 2),
                      static_cast<uint32_t>(rows->Int(i, 3)),
                      static_cast<uint64_t>(rows->Int(i, 4))});
  }
  co_return placed;
}

Task<Result<MailboxSnapshot>> PostgresMetadataStore::LoadMailbox(int64_t mailbox_id) {
  // One snapshot for the mailbox row and its messages: uid_next and highest_modseq agree
  // with the list.
  std::vector<PgQuery> unit;
  unit.push_back({PgStatementId::kBeginSnapshot, {}});
  unit.push_back({PgStatementId::kReadMailbox, {Int(mailbox_id)}});
  unit.push_back({PgStatementId::kLoadMessages, {Int(mailbox_id)}});
  unit.push_back({PgStatementId::kCommit, {}});
  Result<std::vector<PgRows>> rows = co_await Pool().Execute(std::move(unit));
  if (!rows) co_return std::unexpected(rows.error());
  const PgRows& mailbox = (*rows)[1];
  const PgRows& messages = (*rows)[2];
  if (mailbox.size() == 0) co_return std::unexpected(NoMailbox(mailbox_id));
  MailboxSnapshot snapshot;
  snapshot.mailbox = MailboxFromRow(mailbox, 0);
  snapshot.messages.reserve(static_cast<size_t>(messages.size()));
  for (int i = 0; i < messages.size(); ++i) {
    snapshot.messages.push_back(MessageFromRow(messages, i, 1));
  }
  co_return snapshot;
}

Task<Result<MailboxIndex>> PostgresMetadataStore::LoadMailboxIndex(int64_t mailbox_id) {
  // One snapshot, as LoadMailbox's.
  std::vector<PgQuery> unit;
  unit.push_back({PgStatementId::kBeginSnapshot, {}});
  unit.push_back({PgStatementId::kReadMailbox, {Int(mailbox_id)}});
  unit.push_back({PgStatementId::kLoadIndex, {Int(mailbox_id)}, nullptr, /*binary=*/true});
  unit.push_back({PgStatementId::kLoadKeywords, {Int(mailbox_id)}});
  unit.push_back({PgStatementId::kCommit, {}});
  Result<std::vector<PgRows>> rows = co_await Pool().Execute(std::move(unit));
  if (!rows) co_return std::unexpected(rows.error());
  if ((*rows)[1].size() == 0) co_return std::unexpected(NoMailbox(mailbox_id));
  MailboxIndex index;
  index.mailbox = MailboxFromRow((*rows)[1], 0);
  Result<void> read = IndexFromRows((*rows)[2], (*rows)[3], &index);
  if (!read) co_return std::unexpected(read.error());
  co_return index;
}

Task<Result<MailboxIndexChanges>> PostgresMetadataStore::LoadMailboxIndexChanges(int64_t mailbox_id,
                                                                                 uint64_t since) {
  // One snapshot, as LoadMailboxIndex's.
  std::vector<PgQuery> unit;
  unit.push_back({PgStatementId::kBeginSnapshot, {}});
  unit.push_back({PgStatementId::kReadMailbox, {Int(mailbox_id)}});
  unit.push_back({PgStatementId::kLoadIndexSince, {Int(mailbox_id), std::to_string(since)}});
  unit.push_back({PgStatementId::kExpungedSince, {Int(mailbox_id), std::to_string(since)}});
  unit.push_back({PgStatementId::kCommit, {}});
  Result<std::vector<PgRows>> rows = co_await Pool().Execute(std::move(unit));
  if (!rows) co_return std::unexpected(rows.error());
  if ((*rows)[1].size() == 0) co_return std::unexpected(NoMailbox(mailbox_id));
  MailboxIndexChanges changes;
  changes.changed.mailbox = MailboxFromRow((*rows)[1], 0);
  const PgRows& entries = (*rows)[2];
  std::unordered_map<std::string_view, uint32_t> sets;  // as IndexFromRows'
  sets.emplace("", 0);
  for (int i = 0; i < entries.size(); ++i) {
    IndexEntry e;
    e.uid = static_cast<uint32_t>(entries.Int(i, 0));
    e.modseq = static_cast<uint64_t>(entries.Int(i, 1));
    e.flag_bits = static_cast<uint8_t>(entries.Int(i, 2));
    const auto [it, added] =
        sets.try_emplace(entries.Text(i, 3), static_cast<uint32_t>(sets.size()));
    if (added) changes.changed.keyword_sets.push_back(SplitKeywords(it->first));
    e.keyword_set = it->second;
    changes.changed.messages.push_back(e);
  }
  changes.expunged = UidsFromRows((*rows)[3]);
  co_return changes;
}

Task<Result<CopyResult>> PostgresMetadataStore::CopyMessages(CopyRequest request) {
  Result<std::vector<uint32_t>> sorted = SortedUids(request.uids);
  if (!sorted) co_return std::unexpected(sorted.error());
  Result<PgRows> rows = co_await Run(PgStatementId::kCopyMessages, Int(request.source_mailbox_id),
                                     UidArray(*sorted), Int(request.target_mailbox_id),
                                     PgBool(request.move), PgBool(request.enforce_quota));
  if (!rows) co_return std::unexpected(rows.error());
  CopyResult result;
  for (int i = 0; i < rows->size(); ++i) {
    result.source_uids.push_back(static_cast<uint32_t>(rows->Int(i, 0)));
    result.target_uids.push_back(static_cast<uint32_t>(rows->Int(i, 1)));
    result.modseq = static_cast<uint64_t>(rows->Int(i, 2));
  }
  co_return result;
}

Task<Result<std::vector<MessageRecord>>> PostgresMetadataStore::LoadMessages(
    int64_t mailbox_id, std::vector<uint32_t> uids) {
  Result<std::vector<uint32_t>> sorted = SortedUids(uids);
  if (!sorted) co_return std::unexpected(sorted.error());
  std::vector<PgQuery> unit;
  unit.push_back({PgStatementId::kReadMailbox, {Int(mailbox_id)}});
  unit.push_back({PgStatementId::kLoadSomeMessages, {Int(mailbox_id), UidArray(*sorted)}});
  Result<std::vector<PgRows>> rows = co_await Pool().Execute(std::move(unit));
  if (!rows) co_return std::unexpected(rows.error());
  if ((*rows)[0].size() == 0) co_return std::unexpected(NoMailbox(mailbox_id));
  const PgRows& found = (*rows)[1];
  std::vector<MessageRecord> messages;
  messages.reserve(static_cast<size_t>(found.size()));
  for (int i = 0; i < found.size(); ++i) messages.push_back(MessageFromRow(found, i, 1));
  co_return messages;
}

Task<Result<std::vector<CachedSummary>>> PostgresMetadataStore::LoadSummaries(
    int64_t mailbox_id, std::vector<uint32_t> uids) {
  Result<std::vector<uint32_t>> sorted = SortedUids(uids);
  if (!sorted) co_return std::unexpected(sorted.error());
  std::vector<PgQuery> unit;
  unit.push_back({PgStatementId::kReadMailbox, {Int(mailbox_id)}});
  unit.push_back({PgStatementId::kLoadSummaries, {Int(mailbox_id), UidArray(*sorted)}});
  Result<std::vector<PgRows>> rows = co_await Pool().Execute(std::move(unit));
  if (!rows) co_return std::unexpected(rows.error());
  if ((*rows)[0].size() == 0) co_return std::unexpected(NoMailbox(mailbox_id));
  const PgRows& found = (*rows)[1];
  std::vector<CachedSummary> summaries;
  summaries.reserve(static_cast<size_t>(found.size()));
  for (int i = 0; i < found.size(); ++i) {
    CachedSummary s;
    s.uid = static_cast<uint32_t>(found.Int(i, 0));
    s.envelope = found.Text(i, 1);
    s.bodystructure = found.Text(i, 2);
    s.preview = found.Text(i, 3);
    summaries.push_back(std::move(s));
  }
  co_return summaries;
}

Task<Result<FlagUpdateResult>> PostgresMetadataStore::UpdateFlags(FlagUpdate update) {
  Result<void> valid = ValidateFlags(update.flags);
  if (!valid) co_return std::unexpected(valid.error());
  Result<std::vector<uint32_t>> uids = SortedUids(update.uids);
  if (!uids) co_return std::unexpected(uids.error());
  const char* operation = update.operation == FlagOperation::kReplace ? "replace"
                          : update.operation == FlagOperation::kAdd   ? "add"
                                                                      : "remove";
  const std::vector<std::string> keywords = SplitKeywords(JoinKeywords(update.flags.keywords));
  const std::optional<std::string> unchanged_since =
      update.unchanged_since ? std::optional<std::string>(std::to_string(*update.unchanged_since))
                             : std::nullopt;
  Result<PgRows> rows =
      co_await Run(PgStatementId::kUpdateFlags, Int(update.mailbox_id), UidArray(*uids), operation,
                   std::to_string(FlagBits(update.flags)), PgTextArray(keywords), unchanged_since);
  if (!rows) co_return std::unexpected(rows.error());
  FlagUpdateResult result;
  for (int i = 0; i < rows->size(); ++i) {
    if (rows->Bool(i, 1)) {
      result.conflicts.push_back(static_cast<uint32_t>(rows->Int(i, 0)));
    } else {
      result.changed.push_back(MessageFromRow(*rows, i, 2));
    }
  }
  co_return result;
}

Task<Result<std::vector<uint32_t>>> PostgresMetadataStore::Expunge(int64_t mailbox_id,
                                                                   std::vector<uint32_t> uids) {
  Result<std::vector<uint32_t>> sorted = SortedUids(uids);
  if (!sorted) co_return std::unexpected(sorted.error());
  Result<PgRows> rows = co_await Run(PgStatementId::kExpunge, Int(mailbox_id), UidArray(*sorted));
  if (!rows) co_return std::unexpected(rows.error());
  co_return UidsFromRows(*rows);
}

Task<Result<std::vector<uint32_t>>> PostgresMetadataStore::ExpungedSince(int64_t mailbox_id,
                                                                         uint64_t modseq) {
  Result<PgRows> rows =
      co_await Run(PgStatementId::kExpungedSince, Int(mailbox_id), std::to_string(modseq));
  if (!rows) co_return std::unexpected(rows.error());
  co_return UidsFromRows(*rows);
}

Task<Result<std::vector<BlobKey>>> PostgresMetadataStore::MarkBlobsForDeletion(
    int64_t unreferenced_before, size_t max) {
  Result<PgRows> rows = co_await Run(PgStatementId::kMarkBlobsForDeletion, Int(unreferenced_before),
                                     std::to_string(max));
  if (!rows) co_return std::unexpected(rows.error());
  std::vector<BlobKey> keys;
  for (int i = 0; i < rows->size(); ++i) keys.push_back(rows->Key(i, 0));
  co_return keys;
}

Task<Result<void>> PostgresMetadataStore::ForgetBlobs(std::vector<BlobKey> keys) {
  std::vector<std::string> hex;
  for (const BlobKey& key : keys) hex.push_back(PgBytea(key.sha256));
  Result<PgRows> rows = co_await Run(PgStatementId::kForgetBlobs, PgTextArray(hex));
  if (!rows) co_return std::unexpected(rows.error());
  co_return Result<void>{};
}

Task<Result<bool>> PostgresMetadataStore::HasBlob(BlobKey key) {
  Result<PgRows> rows = co_await Run(PgStatementId::kHasBlob, PgBytea(key.sha256));
  if (!rows) co_return std::unexpected(rows.error());
  co_return rows->Bool(0, 0);
}

Task<Result<void>> PostgresMetadataStore::RecordUpload(BlobUploadRequest request) {
  Result<void> valid = CheckUpload(request);
  if (!valid) co_return std::unexpected(valid.error());
  Result<PgRows> rows = co_await Run(
      PgStatementId::kRecordUpload, Int(request.account_id), PgBytea(request.blob.sha256),
      std::to_string(request.size), std::to_string(request.stored_size),
      request.compression == blob_format::Compression::kZstd ? "zstd" : "none",
      std::move(request.type), Int(request.expires_at));
  if (!rows) co_return std::unexpected(rows.error());
  co_return Result<void>{};
}

Task<Result<bool>> PostgresMetadataStore::AccountHasBlob(int64_t account_id, BlobKey key) {
  Result<PgRows> rows =
      co_await Run(PgStatementId::kAccountHasBlob, Int(account_id), PgBytea(key.sha256));
  if (!rows) co_return std::unexpected(rows.error());
  co_return rows->Bool(0, 0);
}

Task<Result<size_t>> PostgresMetadataStore::AdoptOrphanBlobs(std::vector<OrphanBlob> blobs) {
  Result<void> valid = CheckOrphanBlobs(blobs);
  if (!valid) co_return std::unexpected(valid.error());
  if (blobs.empty()) co_return size_t{0};
  std::vector<std::string> keys;
  std::vector<int64_t> sizes, times;
  for (const OrphanBlob& blob : blobs) {
    keys.push_back(PgBytea(blob.key.sha256));
    sizes.push_back(static_cast<int64_t>(blob.stored_size));
    times.push_back(blob.written_at);
  }
  Result<PgRows> rows = co_await Run(PgStatementId::kAdoptOrphanBlobs, PgTextArray(keys),
                                     PgIntArray(sizes), PgIntArray(times));
  if (!rows) co_return std::unexpected(rows.error());
  co_return static_cast<size_t>(rows->Int(0, 0));
}

Task<Result<bool>> PostgresMetadataStore::ClaimCollectorLease(std::string holder, uint32_t ttl_s) {
  Result<void> valid = CheckLeaseHolder(holder);
  if (!valid) co_return std::unexpected(valid.error());
  Result<PgRows> rows =
      co_await Run(PgStatementId::kClaimCollectorLease, std::move(holder), std::to_string(ttl_s));
  if (!rows) co_return std::unexpected(rows.error());
  co_return rows->size() == 1;
}

Task<Result<void>> PostgresMetadataStore::ReleaseCollectorLease(std::string holder) {
  Result<void> valid = CheckLeaseHolder(holder);
  if (!valid) co_return std::unexpected(valid.error());
  Result<PgRows> rows = co_await Run(PgStatementId::kReleaseCollectorLease, std::move(holder));
  if (!rows) co_return std::unexpected(rows.error());
  co_return Result<void>{};
}

}  // namespace ringmail
