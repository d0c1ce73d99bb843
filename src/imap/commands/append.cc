// APPEND with MULTIAPPEND (RFC 9051 §6.3.12, RFC 3502) and APPENDUID (RFC 4315). The answer
// is OK only after DeliverMessage returned: the message is durable in both stores. With
// several messages each is its own delivery; a failure leaves the ones before it. Over the
// quota (commands/quota.cc) nothing is stored: NO [OVERQUOTA].
#include <algorithm>
#include <ctime>

#include "imap/client_flags.h"
#include "imap/session.h"
#include "mime/imap_forms.h"
#include "store/delivery.h"

namespace ringmail::imap {

bool Session::AppendRequest(const std::string& tag, const AppendMessage& m, int64_t mailbox_id,
                            DeliveryRequest* request) {
  MessageFlags flags;
  if (!ParseClientFlags(m.flags, /*ignore_recent=*/true, &flags)) {
    Tagged(tag, "BAD", "Invalid flag in APPEND");
    return false;
  }
  if (m.data.empty()) {
    Tagged(tag, "NO", "Empty message");
    return false;
  }
  request->received_at =
      m.internal_date ? m.internal_date->unix_seconds : static_cast<int64_t>(time(nullptr));
  request->targets.push_back({mailbox_id, std::move(flags)});
  mime::ImapForms forms = mime::MakeImapForms(m.data);  // FETCH reads these, not the bytes
  request->summary.envelope = std::move(forms.envelope);
  request->summary.bodystructure = std::move(forms.bodystructure);
  return true;
}

Task<void> Session::Append(Command c) {
  AppendArgs& args = std::get<AppendArgs>(c.args);
  std::optional<MailboxRecord> found =
      co_await MailboxOrReply(c.tag, args.mailbox, "[TRYCREATE] No such mailbox");
  if (!found) co_return;
  const MailboxRecord target = std::move(*found);
  uint64_t total = 0;
  for (const AppendMessage& m : args.messages) total += m.data.size();
  const bool fits = co_await QuotaAllows(c.tag, total, 0, args.messages.size(), 0);
  if (!fits) co_return;
  std::vector<uint32_t> uids;
  for (AppendMessage& m : args.messages) {
    DeliveryRequest request;
    if (!AppendRequest(c.tag, m, target.id, &request)) co_return;
    Result<std::vector<PlacedMessage>> placed = co_await DeliverMessage(
        *services_->blobs, *services_->metadata, std::move(m.data), std::move(request));
    if (!placed) {
      StoreFailure(c.tag, placed.error());  // kLimitExceeded: [OVERQUOTA]
      if (!uids.empty()) Notify(target.id);
      co_return;
    }
    uids.push_back(placed->front().uid);
  }
  Notify(target.id);
  std::string set;
  for (uint32_t u : uids) set += (set.empty() ? "" : ",") + std::to_string(u);
  Tagged(c.tag, "OK",
         "[APPENDUID " + std::to_string(target.uid_validity) + " " + set + "] APPEND completed");
}

}  // namespace ringmail::imap
