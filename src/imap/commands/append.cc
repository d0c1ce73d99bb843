// APPEND with MULTIAPPEND (RFC 9051 §6.3.12, RFC 3502) and APPENDUID (RFC 4315). The answer
// is OK only after DeliverMessage returned: the message is durable in both stores. With
// several messages each is its own delivery; a failure leaves the ones before it.
#include <algorithm>
#include <ctime>

#include "imap/client_flags.h"
#include "imap/session.h"
#include "mime/imap_forms.h"
#include "store/delivery.h"

namespace ringmail::imap {

Task<void> Session::Append(Command c) {
  AppendArgs& args = std::get<AppendArgs>(c.args);
  std::optional<MailboxRecord> found =
      co_await MailboxOrReply(c.tag, args.mailbox, "[TRYCREATE] No such mailbox");
  if (!found) co_return;
  const MailboxRecord target = std::move(*found);
  std::vector<uint32_t> uids;
  for (AppendMessage& m : args.messages) {
    DeliveryRequest request;
    MessageFlags flags;
    if (!ParseClientFlags(m.flags, /*ignore_recent=*/true, &flags)) {
      Tagged(c.tag, "BAD", "Invalid flag in APPEND");
      co_return;
    }
    if (m.data.empty()) {
      Tagged(c.tag, "NO", "Empty message");
      co_return;
    }
    request.received_at =
        m.internal_date ? m.internal_date->unix_seconds : static_cast<int64_t>(time(nullptr));
    request.targets.push_back({target.id, std::move(flags)});
    mime::ImapForms forms = mime::MakeImapForms(m.data);  // FETCH reads these, not the bytes
    request.summary.envelope = std::move(forms.envelope);
    request.summary.bodystructure = std::move(forms.bodystructure);
    Result<std::vector<PlacedMessage>> placed = co_await DeliverMessage(
        *services_->blobs, *services_->metadata, std::move(m.data), std::move(request));
    if (!placed) {
      if (placed.error().code == ErrorCode::kLimitExceeded) {
        Tagged(c.tag, "NO", "[OVERQUOTA] Quota exceeded");
      } else {
        StoreFailure(c.tag, placed.error());
      }
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
