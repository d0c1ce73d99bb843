// EmailSubmission's local recipients: delivered into their INBOX at once, as SMTP submission
// does (smtp/session_delivery.cc), instead of a round trip through the smarthost.
#include "jmap/submission_local.h"

#include <algorithm>
#include <ctime>

#include "directory/recipients.h"
#include "mail/message_summary.h"
#include "server/protocol_setup.h"
#include "store/delivery.h"

namespace ringmail::jmap {

Task<Result<RecipientSplit>> SplitRecipients(const MailServices* services,
                                             std::vector<std::string> rcpt_to) {
  RecipientSplit split;
  MetadataStore* store = services->stores->metadata.get();
  for (std::string& address : rcpt_to) {
    Result<ResolvedRecipient> resolved = co_await ResolveRecipient(
        services->directory->directory.get(), address, &services->directory->recipient_rules);
    if (!resolved) co_return std::unexpected(resolved.error());
    if (resolved->status == RecipientStatus::kNotLocal) {
      split.remote.push_back(std::move(address));
      continue;
    }
    if (resolved->status != RecipientStatus::kLocal) {
      split.unknown.push_back(std::move(address));
      continue;
    }
    split.local.push_back(address);
    for (const Principal& p : resolved->principals) {
      Result<AccountRecord> account = co_await store->GetAccount(p.name);
      if (!account) co_return std::unexpected(account.error());
      Result<std::optional<MailboxRecord>> inbox =
          co_await store->FindMailbox(account->id, "INBOX");
      if (!inbox) co_return std::unexpected(inbox.error());
      if (*inbox && std::find(split.inboxes.begin(), split.inboxes.end(), (*inbox)->id) ==
                        split.inboxes.end()) {
        split.inboxes.push_back((*inbox)->id);
      }
    }
  }
  co_return split;
}

Task<Result<void>> DeliverToInboxes(const MailServices* services, std::string message,
                                    std::vector<int64_t> inboxes) {
  DeliveryRequest request;
  request.received_at = static_cast<int64_t>(std::time(nullptr));
  request.enforce_quota = false;  // the sender is not to blame for a full mailbox
  for (int64_t inbox : inboxes) request.targets.push_back({inbox, {}});
  request.summary = SummarizeMessage(message);
  Result<std::vector<PlacedMessage>> placed =
      co_await DeliverMessage(*services->stores->blobs, *services->stores->metadata,
                              std::move(message), std::move(request));
  if (!placed) co_return std::unexpected(placed.error());
  if (services->events != nullptr) {
    for (const PlacedMessage& p : *placed) {
      services->events->Changed(p.account_id, p.mailbox_id, p.modseq);
    }
  }
  co_return Result<void>{};
}

}  // namespace ringmail::jmap
