// QUOTA (RFC 9208) with RES-STORAGE and RES-MESSAGE: GETQUOTAROOT, GETQUOTA, SETQUOTA, and
// the check APPEND, COPY and REPLACE make before storing anything.
//
// One quota root per account, named "", over two resources: STORAGE, whose limit is the
// account's quota_bytes or, when that is 0, the directory principal's quota seen at login (an
// external directory's); and MESSAGE, the account's quota_messages. Both are read at each
// command (so an administrator's change applies at once; the store enforces the account's
// limits at delivery and copy), and the usage is the account's used_bytes and used_messages,
// which the store keeps in the delivery, copy and expunge transactions. An account without
// any limit has no quota root: GETQUOTAROOT lists none and GETQUOTA "" is NO; a QUOTA
// response lists only the resources that have a limit (RFC 9208 §5.1).
// Limits are set by the administrator (`ringmail account ... --quota BYTES
// --quota-messages N`), so SETQUOTA is NO [NOPERM] and QUOTASET is not advertised.
#include <algorithm>

#include "imap/session.h"
#include "imap/wire.h"

namespace ringmail::imap {
namespace {

constexpr uint64_t kStorageUnit = 1024;  // RFC 9208 §5.1: STORAGE counts KiB

std::string QuotaLine(const Session::QuotaUsage& q) {
  std::string list;
  if (q.limit_bytes != 0) {
    list += "STORAGE " + std::to_string((q.used_bytes + kStorageUnit - 1) / kStorageUnit) + " " +
            std::to_string(q.limit_bytes / kStorageUnit);
  }
  if (q.limit_messages != 0) {
    if (!list.empty()) list += ' ';
    list += "MESSAGE " + std::to_string(q.used_messages) + " " + std::to_string(q.limit_messages);
  }
  return "QUOTA \"\" (" + list + ")";
}

// Whether `used` - `removing` + `adding` stays within `limit` (0: none), without overflow.
bool Fits(uint64_t limit, uint64_t used, uint64_t adding, uint64_t removing) {
  const uint64_t after = used - std::min(removing, used);
  return limit == 0 || (adding <= limit && after <= limit - adding);
}

}  // namespace

Task<Result<Session::QuotaUsage>> Session::LoadQuota() {
  Result<AccountRecord> account = co_await services_->metadata->GetAccount(user_);
  if (!account) co_return std::unexpected(account.error());
  QuotaUsage q;
  q.limit_bytes = account->quota_bytes != 0 ? account->quota_bytes : principal_quota_bytes_;
  q.limit_messages = account->quota_messages;
  q.used_bytes = account->used_bytes;
  q.used_messages = account->used_messages;
  co_return q;
}

Task<bool> Session::QuotaAllows(std::string tag, uint64_t adding_bytes, uint64_t removing_bytes,
                                uint64_t adding_messages, uint64_t removing_messages) {
  Result<QuotaUsage> q = co_await LoadQuota();
  if (!q) {
    StoreFailure(tag, q.error());
    co_return false;
  }
  if (!Fits(q->limit_bytes, q->used_bytes, adding_bytes, removing_bytes) ||
      !Fits(q->limit_messages, q->used_messages, adding_messages, removing_messages)) {
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
  if (q->limited()) line += " \"\"";
  Untagged(line);
  if (q->limited()) Untagged(QuotaLine(*q));
  Tagged(c.tag, "OK", "GETQUOTAROOT completed");
}

Task<void> Session::GetQuota(Command c) {
  const QuotaRootArgs& args = std::get<QuotaRootArgs>(c.args);
  Result<QuotaUsage> q = co_await LoadQuota();
  if (!q) {
    StoreFailure(c.tag, q.error());
    co_return;
  }
  if (!args.root.empty() || !q->limited()) {
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
