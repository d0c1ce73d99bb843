// SearchSnippet/get (RFC 8621 §5.1), and the highlighting behind it.
#include "jmap/search_snippet.h"

#include <algorithm>

#include "base/utf8.h"
#include "imap/fetch_preview.h"
#include "imap/search_text.h"
#include "jmap/email_args.h"
#include "jmap/email_methods.h"
#include "jmap/ids.h"
#include "mime/header.h"
#include "server/protocol_setup.h"

namespace ringmail::jmap {
namespace {

void CollectTerms(const EmailFilter& f, SnippetTerms& out) {
  if (f.kind == EmailFilter::Kind::kNot) return;
  if (f.kind != EmailFilter::Kind::kCondition) {
    for (const EmailFilter& child : f.children) CollectTerms(child, out);
    return;
  }
  const EmailCondition& c = f.condition;
  for (const auto* term : {&c.text, &c.subject}) {
    if (*term && !(*term)->empty()) out.subject.push_back(**term);
  }
  for (const auto* term : {&c.text, &c.body}) {
    if (*term && !(*term)->empty()) out.body.push_back(**term);
  }
}

// The folded text with, for each folded byte, the original character it came from.
struct FoldedText {
  std::string folded;
  std::vector<size_t> begin, end;  // per folded byte: its character's original span
};

FoldedText Fold(std::string_view text) {
  FoldedText out;
  for (size_t i = 0; i < text.size();) {
    size_t n = Utf8SequenceSize(text.substr(i));
    if (n == 0) n = 1;
    const std::string f = imap::FoldCase(text.substr(i, n));
    out.folded += f;
    out.begin.insert(out.begin.end(), f.size(), i);
    out.end.insert(out.end.end(), f.size(), i + n);
    i += n;
  }
  return out;
}

// The original spans the terms match, sorted and merged.
std::vector<std::pair<size_t, size_t>> Matches(std::string_view text,
                                               const std::vector<std::string>& terms) {
  const FoldedText f = Fold(text);
  std::vector<std::pair<size_t, size_t>> spans;
  for (const std::string& term : terms) {
    for (size_t pos = f.folded.find(term); pos != std::string::npos;
         pos = f.folded.find(term, pos + 1)) {
      spans.emplace_back(f.begin[pos], f.end[pos + term.size() - 1]);
    }
  }
  std::sort(spans.begin(), spans.end());
  std::vector<std::pair<size_t, size_t>> merged;
  for (const auto& s : spans) {
    if (!merged.empty() && s.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, s.second);
    } else {
      merged.push_back(s);
    }
  }
  return merged;
}

// Where a windowed snippet starts: up to kSnippetContextBytes before the first match, after a
// space when there is one in that stretch, never inside a character.
size_t WindowStart(std::string_view text, size_t first) {
  if (first <= kSnippetContextBytes) return 0;
  size_t start = first - kSnippetContextBytes;
  const size_t space = text.find(' ', start);
  if (space != std::string_view::npos && space < first) return space + 1;
  while (start < first && (static_cast<unsigned char>(text[start]) & 0xc0) == 0x80) ++start;
  return start;
}

std::string_view Escaped(char c) {
  switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    default: return {};
  }
}

}  // namespace

SnippetTerms TermsOf(const EmailFilter& filter) {
  SnippetTerms out;
  CollectTerms(filter, out);
  return out;
}

std::optional<std::string> Highlight(std::string_view text, const std::vector<std::string>& terms,
                                     bool window, size_t bytes_max) {
  const std::vector<std::pair<size_t, size_t>> spans = Matches(text, terms);
  if (spans.empty()) return std::nullopt;
  constexpr std::string_view kOpen = "<mark>", kClose = "</mark>";
  std::string out;
  size_t next = 0;  // the next span
  bool open = false;
  for (size_t i = window ? WindowStart(text, spans.front().first) : 0; i < text.size();) {
    size_t n = Utf8SequenceSize(text.substr(i));
    if (n == 0) n = 1;
    // The character with the marks before it; the state moves only once it fits.
    std::string piece;
    bool piece_open = open;
    size_t piece_next = next;
    if (piece_open && i == spans[piece_next].second) {
      piece += kClose;
      piece_open = false;
      ++piece_next;
    }
    if (!piece_open && piece_next < spans.size() && i == spans[piece_next].first) {
      piece += kOpen;
      piece_open = true;
    }
    const std::string_view escaped = Escaped(text[i]);
    piece += escaped.empty() ? text.substr(i, n) : escaped;
    const size_t closing = piece_open ? kClose.size() : 0;
    if (out.size() + piece.size() + closing > bytes_max) break;
    out += piece;
    open = piece_open;
    next = piece_next;
    i += n;
  }
  if (open) out += kClose;
  return out;
}

Task<MethodResponse> SearchSnippetGet(CallContext& context, simdjson::dom::object arguments) {
  Args args(arguments);
  args.Only({"accountId", "filter", "emailIds"});
  std::optional<std::vector<std::string>> ids = args.Strings("emailIds");
  if (args.ok() && !ids) args.Fail("'emailIds' is required");
  std::optional<simdjson::dom::element> filter_json = args.Get("filter");
  if (!args.ok()) co_return InvalidArguments(args.error());
  SnippetTerms terms;
  if (filter_json) {
    FilterParse parsed = ParseEmailFilter(*filter_json);
    if (!parsed.filter) co_return MethodError(parsed.error_type, parsed.description);
    terms = TermsOf(*parsed.filter);
  }
  if (ids->size() > context.limits->max_objects_in_get) co_return MethodError("requestTooLarge");
  std::vector<int64_t> store_ids;
  for (const std::string& id : *ids) {
    if (std::optional<int64_t> n = ParseEmailId(id)) store_ids.push_back(*n);
  }
  Result<std::vector<EmailRecord>> emails =
      co_await context.services->stores->metadata->LoadEmails(context.account_id, store_ids);
  if (!emails) co_return StoreFailure(emails.error());
  std::erase_if(*emails, [](const EmailRecord& e) { return e.flags.deleted; });
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(context.jmap_account_id).Key("list").BeginArray();
  std::vector<std::string> found;
  for (const EmailRecord& e : *emails) {
    found.push_back(EmailId(e.id));
    std::optional<std::string> subject, preview;
    if (!terms.subject.empty() || !terms.body.empty()) {
      Result<std::string> bytes = co_await context.services->stores->blobs->Get(e.blob);
      if (!bytes) co_return StoreFailure(bytes.error());
      const mime::ParsedMessage tree = mime::ParseMessage(*bytes);
      const std::string_view block(*bytes);
      if (std::optional<std::string_view> s =
              mime::FindHeader(block.substr(0, mime::HeaderBlockSize(block)), "Subject")) {
        subject = Highlight(mime::DecodeHeaderValue(*s), terms.subject, false);
      }
      preview = Highlight(imap::MakePreview(*bytes, tree, kSnippetSourceCharsMax), terms.body, true,
                          kSnippetPreviewBytesMax);
    }
    w.BeginObject().Key("emailId").String(EmailId(e.id)).Key("subject");
    subject ? w.String(*subject) : w.Null();
    w.Key("preview");
    preview ? w.String(*preview) : w.Null();
    w.EndObject();
  }
  w.EndArray().Key("notFound").BeginArray();
  for (const std::string& id : *ids) {
    if (std::find(found.begin(), found.end(), id) == found.end()) w.String(id);
  }
  w.EndArray().EndObject();
  co_return MethodResponse{"SearchSnippet/get", std::move(out)};
}

}  // namespace ringmail::jmap
