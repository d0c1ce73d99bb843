#include "jmap/email_args.h"

#include "server/protocol_setup.h"

namespace ringmail::jmap {

Task<Result<std::string>> EmailState(const CallContext& context) {
  Result<AccountRecord> account =
      co_await context.services->stores->metadata->GetAccount(context.account_name);
  if (!account) co_return std::unexpected(account.error());
  co_return std::to_string(account->highest_modseq);
}

void NotifyMailboxes(const CallContext& context, const std::vector<int64_t>& mailbox_ids,
                     uint64_t modseq) {
  if (context.services->events == nullptr) return;
  for (int64_t id : mailbox_ids) context.services->events->Changed(context.account_id, id, modseq);
}

}  // namespace ringmail::jmap
