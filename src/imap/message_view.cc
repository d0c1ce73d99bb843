#include "imap/message_view.h"

#include "imap/search_text.h"

namespace ringmail::imap {

const mime::ParsedMessage& MessageView::tree() {
  if (!tree_) tree_ = mime::ParseMessage(bytes_);
  return *tree_;
}

const std::string& MessageView::FoldedBody() {
  if (!folded_body_) folded_body_ = FoldedBodyText(bytes_, tree());
  return *folded_body_;
}

const std::string& MessageView::FoldedHeader() {
  if (!folded_header_) folded_header_ = FoldedHeaderText(tree().root().header.In(bytes_));
  return *folded_header_;
}

std::string EmailIdString(int64_t email_id) { return "M" + std::to_string(email_id); }
std::string ThreadIdString(int64_t thread_id) { return "T" + std::to_string(thread_id); }

}  // namespace ringmail::imap
