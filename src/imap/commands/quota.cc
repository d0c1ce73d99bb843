// QUOTA (RFC 9208) with RES-STORAGE: GETQUOTAROOT, GETQUOTA, SETQUOTA, and the check APPEND,
// COPY and REPLACE make before storing anything.
//
// One quota root per account, named "": its STORAGE limit is the account's quota_bytes, read
// at each command (so an administrator's change applies at once; the store enforces the same
// value at delivery), or, when that is 0, the directory principal's quota seen at login (an
// external directory's); its usage is the account's used_bytes, which the store keeps in the
// delivery and expunge transactions. An account
// without a limit (0) has no quota root: GETQUOTAROOT lists none and GETQUOTA "" is NO.
// Limits are set by the administrator (`ringmail account ... --quota BYTES`), so SETQUOTA is
// NO [NOPERM] and QUOTASET is not advertised.
#include <algorithm>

#include "imap/session.h"
#include "imap/wire.h"

namespace ringmail::imap {
namespace {

constexpr uint64_t kStorageUnit = 1024;  // RFC 9208 §5.1: STORAGE counts KiB

std::string QuotaLine(const Session::QuotaUsage& q) {
  return "QUOTA \"\" (STORAGE " + std::to_string((q.used_bytes + kStorageUnit - 1) / kStorageUnit) +
         " " + std::to_string(q.limit_bytes / kStorageUnit) + ")";
}

}  // namespace

Task<Result<Session::QuotaUsage>> Session::LoadQuota() {
  Result<AccountRecord> account = co_await services_->metadata->GetAccount(user_);
  if (!account) co_return std::unexpected(account.error());
  QuotaUsage q;
  q.limit_bytes = account->quota_bytes != 0 ? account->quota_bytes : principal_quota_bytes_;
  q.used_bytes = account->used_bytes;
  q.used_messages = account->used_messages;
  co_return q;
}

Task<bool> Session::QuotaAllows(std::string tag, uint64_t adding, uint64_t removing) {
  Result<QuotaUsage> q = co_await LoadQuota();
  if (!q) {
    StoreFailure(tag, q.error());
    co_return false;
  }
  const uint64_t after = q->used_bytes - std::min(removing, q->used_bytes);
  if (q->limit_bytes != 0 && (adding > q->limit_bytes || after > q->limit_bytes - adding)) {
    Tagged(tag, "NO", "[OVERQUOTA] Quota exceeded");
    co_return false;
  }
  co_return true;
}

Task<void> Session::GetQuotaRoot(Command c) {
  MailboxArgs& args = std::get<MailboxArgs>(c.args);
  std::optional<MailboxRecord> found =
      co_await MailboxOrReply(c.tag, args.mailbox, "[NONEXISTENT] No such mailbox");
  if (!found) co_return;
  Result<QuotaUsage> q = co_await LoadQuota();
  if (!q) {
    StoreFailure(c.tag, q.error());
    co_return;
  }
  std::string line = "QUOTAROOT ";
  AppendMailboxName(&line, found->name);
  if (q->limit_bytes != 0) line += " \"\"";
  Untagged(line);
  if (q->limit_bytes != 0) Untagged(QuotaLine(*q));
  Tagged(c.tag, "OK", "GETQUOTAROOT completed");
}

Task<void> Session::GetQuota(Command c) {
  const QuotaRootArgs& args = std::get<QuotaRootArgs>(c.args);
  Result<QuotaUsage> q = co_await LoadQuota();
  if (!q) {
    StoreFailure(c.tag, q.error());
    co_return;
  }
  if (!args.root.empty() || q->limit_bytes == 0) {
    Tagged(c.tag, "NO", "[NONEXISTENT] No such quota root");
    co_return;
  }
  Untagged(QuotaLine(*q));
  Tagged(c.tag, "OK", "GETQUOTA completed");
}

Task<void> Session::SetQuota(Command c) {
  Tagged(c.tag, "NO", "[NOPERM] Quotas are set by the administrator");
  co_return;
}

}  // namespace ringmail::imap
