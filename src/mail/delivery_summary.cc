#include "mail/delivery_summary.h"

#include "mime/header.h"
#include "mime/imap_forms.h"

namespace ringmail {

EmailSummary DeliverySummary(std::string_view message) {
  EmailSummary summary;
  const std::string_view block = message.substr(0, mime::HeaderBlockSize(message));
  if (std::optional<std::string_view> id = mime::FindHeader(block, "Message-ID")) {
    summary.message_id = mime::Unfold(*id);
  }
  if (std::optional<std::string_view> subject = mime::FindHeader(block, "Subject")) {
    summary.subject = mime::DecodeHeaderValue(*subject);
  }
  mime::ImapForms forms = mime::MakeImapForms(message);
  summary.envelope = std::move(forms.envelope);
  summary.bodystructure = std::move(forms.bodystructure);
  return summary;
}

}  // namespace ringmail
