// libFuzzer target for the FETCH renderer and SEARCH matcher (imap/message_view.h): arbitrary
// message bytes rendered as every body item and matched against the text and date keys.
//
// Input: bytes 0-3 choose a section (up to three part numbers 0..7, the section text, a
// partial), byte 4 a search needle length; the rest is the message, whose first bytes after
// the needle length are also the needle.
//
// Invariants: nothing crashes or hangs; every item starts with its name; a literal's announced
// length is exactly the bytes that follow it; a partial never yields more than its count;
// SORT returns a permutation and THREAD a balanced list naming every message once.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "imap/message_view.h"

namespace ringmail::imap {
namespace {

// The data of one rendered item: after "NAME ", a quoted string, a literal or a number.
void CheckItem(std::string_view out, std::string_view name) {
  CHECK(out.starts_with(name));
  size_t space = out.find(' ', name.ends_with('[') ? out.find(']') : name.size() - 1);
  CHECK(space != out.npos);
  std::string_view value = out.substr(space + 1);
  if (value.starts_with("~")) value.remove_prefix(1);
  if (value.starts_with("{")) {
    size_t close = value.find("}\r\n");
    CHECK(close != value.npos);
    size_t n = std::stoul(std::string(value.substr(1, close - 1)));
    CHECK(value.size() - close - 3 == n);
  }
}

Section MakeSection(const uint8_t* selector) {
  Section s;
  for (int i = 0; i < (selector[0] & 3); ++i) s.part.push_back((selector[1] >> (3 * i)) & 7);
  s.part.erase(std::remove(s.part.begin(), s.part.end(), 0u), s.part.end());
  s.text = static_cast<SectionText>((selector[0] >> 2) % 6);
  if (s.text == SectionText::kMime && s.part.empty()) s.text = SectionText::kNone;
  if (s.text == SectionText::kHeaderFields || s.text == SectionText::kHeaderFieldsNot) {
    s.fields = {"SUBJECT", "CONTENT-TYPE", "X-\"ODD\""};
  }
  return s;
}

}  // namespace
}  // namespace ringmail::imap

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  using namespace ringmail::imap;
  if (size < 5) return 0;
  Section section = MakeSection(bytes);
  std::optional<Partial> partial;
  if (bytes[0] & 0x80) partial = Partial{bytes[2], static_cast<uint64_t>(bytes[3]) + 1};
  std::string_view data(reinterpret_cast<const char*>(bytes + 5), size - 5);
  std::string_view needle = data.substr(0, std::min<size_t>(bytes[4] & 15, data.size()));
  MessageView view{std::string(data)};
  RenderOptions options{.utf8 = (bytes[0] & 0x40) != 0};

  struct Item {
    FetchItem item;
    std::string_view name;
  };
  for (Item i :
       {Item{FetchItem::kEnvelope, "ENVELOPE"}, Item{FetchItem::kBody, "BODY"},
        Item{FetchItem::kBodyStructure, "BODYSTRUCTURE"}, Item{FetchItem::kRfc822, "RFC822"},
        Item{FetchItem::kRfc822Header, "RFC822"}, Item{FetchItem::kRfc822Text, "RFC822"},
        Item{FetchItem::kPreview, "PREVIEW"}, Item{FetchItem::kBodySection, "BODY["},
        Item{FetchItem::kBinary, "BINARY["}, Item{FetchItem::kBinarySize, "BINARY.SIZE["}}) {
    FetchAttr attr;
    attr.item = i.item;
    if (i.item == FetchItem::kBodySection) {
      attr.section = section;
      attr.partial = partial;
    } else if (i.item == FetchItem::kBinary || i.item == FetchItem::kBinarySize) {
      attr.section.part = section.part;
      if (i.item == FetchItem::kBinary) attr.partial = partial;
    }
    CHECK(NeedsBytes(attr));
    std::string out;
    if (AppendBodyItem(attr, view, options, &out) == RenderOutcome::kUnknownCte) {
      CHECK(out.empty() && i.item != FetchItem::kBodySection);
      continue;
    }
    CheckItem(out, i.name);
    if (partial && i.item == FetchItem::kBodySection) {
      size_t brace = out.find("}\r\n");
      size_t data_size = brace != out.npos ? out.size() - brace - 3 : 0;
      CHECK(data_size <= partial->count);
    }
  }

  ringmail::MessageRecord record;
  record.uid = 7;
  record.size = data.size();
  record.received_at = 1700000000;
  SearchScope scope{.message_count = 2, .uid_max = 8, .saved_uids = nullptr, .now = 1800000000};
  SearchMessage message{1, &record, &view};
  for (SearchKeyKind kind :
       {SearchKeyKind::kBody, SearchKeyKind::kText, SearchKeyKind::kFrom, SearchKeyKind::kSubject,
        SearchKeyKind::kHeader, SearchKeyKind::kSentOn, SearchKeyKind::kSentSince}) {
    SearchKey key;
    key.kind = kind;
    key.text = kind == SearchKeyKind::kHeader ? "Message-ID" : std::string(needle);
    key.value = std::string(needle);
    key.number = 19000;
    CHECK(NeedsBytes(key));
    Matches(key, message, scope);
  }
  if (!needle.empty()) {
    SearchKey key;
    key.kind = SearchKeyKind::kText;
    key.text = std::string(needle);
    CHECK(Matches(key, message, scope) == Matches(key, message, scope));
  }

  MessageView copy{std::string(data)};
  ringmail::MessageRecord record2 = record;
  record2.uid = 8;
  std::vector<SearchMessage> messages = {message, SearchMessage{2, &record2, &copy}};
  std::vector<size_t> order = SortMessages(
      {{SortKey::kSubject, false}, {SortKey::kDate, true}, {SortKey::kDisplayFrom, false}},
      messages);
  std::sort(order.begin(), order.end());
  CHECK(order == (std::vector<size_t>{0, 1}));
  for (std::string_view algorithm : {"REFERENCES", "ORDEREDSUBJECT"}) {
    std::string threads;
    AppendThreads(algorithm, messages, true, &threads);
    int depth = 0;
    for (char c : threads) {
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      CHECK(depth >= 0);
    }
    CHECK(depth == 0);
    CHECK(threads.find('7') != threads.npos && threads.find('8') != threads.npos);
  }
  return 0;
}
