// Placeholder bodies: the FETCH renderer and SEARCH matcher replace them.
#include "imap/message_view.h"

namespace ringmail::imap {

const mime::ParsedMessage& MessageView::tree() {
  if (!tree_) tree_ = mime::ParseMessage(bytes_);
  return *tree_;
}

bool NeedsBytes(const FetchAttr&) { return true; }
RenderOutcome AppendBodyItem(const FetchAttr&, MessageView&, const RenderOptions&,
                             std::string* out) {
  out->append("NIL");
  return RenderOutcome::kOk;
}
bool NeedsBytes(const SearchKey&) { return false; }
bool Matches(const SearchKey&, const SearchMessage&, const SearchScope&) { return true; }
std::vector<size_t> SortMessages(const std::vector<SortCriterion>&,
                                 const std::vector<SearchMessage>& messages) {
  std::vector<size_t> order(messages.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  return order;
}
void AppendThreads(std::string_view, const std::vector<SearchMessage>&, bool, std::string*) {}

}  // namespace ringmail::imap
