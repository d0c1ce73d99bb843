#include "imap/sort_keys.h"

#include "base/ascii.h"
#include "imap/message_date.h"
#include "imap/search_text.h"
#include "mime/address_list.h"
#include "mime/header.h"

namespace ringmail::imap {
namespace {

bool IsWsp(char c) { return c == ' ' || c == '\t'; }

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

// subj-blob = "[" *BLOBCHAR "]" *WSP; returns the position after it, or npos.
size_t MatchBlob(std::string_view s, size_t i) {
  if (i >= s.size() || s[i] != '[') return std::string_view::npos;
  size_t j = i + 1;
  while (j < s.size() && s[j] != '[' && s[j] != ']') ++j;
  if (j >= s.size() || s[j] != ']') return std::string_view::npos;
  ++j;
  while (j < s.size() && IsWsp(s[j])) ++j;
  return j;
}

// subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
size_t MatchRefwd(std::string_view s, size_t i) {
  std::string_view rest = s.substr(i);
  size_t j;
  if (StartsWithIgnoreCase(rest, "re")) {
    j = i + 2;
  } else if (StartsWithIgnoreCase(rest, "fwd")) {
    j = i + 3;
  } else if (StartsWithIgnoreCase(rest, "fw")) {
    j = i + 2;
  } else {
    return std::string_view::npos;
  }
  while (j < s.size() && IsWsp(s[j])) ++j;
  if (size_t b = MatchBlob(s, j); b != std::string_view::npos) j = b;
  if (j >= s.size() || s[j] != ':') return std::string_view::npos;
  return j + 1;
}

// Step (1): decoded, every whitespace run one space.
std::string Normalize(std::string_view raw) {
  std::string decoded = mime::DecodeHeaderValue(raw);
  std::string out;
  for (char c : decoded) {
    bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
    if (space && !out.empty() && out.back() == ' ') continue;
    out.push_back(space ? ' ' : c);
  }
  return out;
}

// Steps (3) to (5) on `s`; true when a subj-refwd was removed.
bool RemoveLeaders(std::string& s) {
  bool reply = false;
  for (;;) {
    if (!s.empty() && IsWsp(s[0])) {
      s.erase(0, 1);
      continue;
    }
    size_t j = 0;
    for (size_t b; (b = MatchBlob(s, j)) != std::string::npos;) j = b;
    if (size_t r = MatchRefwd(s, j); r != std::string::npos) {
      s.erase(0, r);
      reply = true;
      continue;
    }
    size_t b = MatchBlob(s, 0);
    if (b != std::string::npos && s.find_first_not_of(" \t", b) != std::string::npos) {
      s.erase(0, b);
      continue;
    }
    return reply;
  }
}

}  // namespace

BaseSubject ExtractBaseSubject(std::string_view raw_subject) {
  std::string s = Normalize(raw_subject);
  if (s.size() > kBaseSubjectInputMax) s.resize(kBaseSubjectInputMax);
  bool reply = false;
  for (;;) {
    for (;;) {  // (2) trailers
      if (!s.empty() && IsWsp(s.back())) {
        s.pop_back();
      } else if (s.size() >= 5 &&
                 EqualsIgnoreCase(std::string_view(s).substr(s.size() - 5), "(fwd)")) {
        s.resize(s.size() - 5);
        reply = true;
      } else {
        break;
      }
    }
    reply = RemoveLeaders(s) || reply;
    if (s.size() >= 6 && StartsWithIgnoreCase(s, "[fwd:") && s.back() == ']') {  // (6)
      s = s.substr(5, s.size() - 6);
      reply = true;
      continue;
    }
    return BaseSubject{std::move(s), reply};
  }
}

int64_t SentSeconds(const SearchMessage& message) {
  if (message.view != nullptr) {
    std::string_view header = message.view->tree().root().header.In(message.view->bytes());
    if (std::optional<std::string_view> date = mime::FindHeader(header, "date")) {
      if (std::optional<MessageDate> d = ParseMessageDate(*date)) return d->utc_seconds;
    }
  }
  return message.record->received_at;
}

std::vector<std::string> MessageIds(std::string_view raw) {
  std::vector<std::string> ids;
  size_t pos = 0;
  while ((pos = raw.find('<', pos)) != raw.npos) {
    size_t end = raw.find('>', pos);
    if (end == raw.npos) break;
    std::string id;
    for (char c : raw.substr(pos + 1, end - pos - 1)) {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') id.push_back(c);
    }
    if (!id.empty()) ids.push_back(std::move(id));
    pos = end + 1;
  }
  return ids;
}

namespace {
const mime::Address* FirstMailbox(const std::vector<mime::Address>& list) {
  for (const mime::Address& a : list) {
    if (a.kind == mime::Address::Kind::kMailbox) return &a;
  }
  return nullptr;
}
}  // namespace

std::string AddressSortKey(std::string_view header_block, std::string_view field) {
  std::optional<std::string_view> raw = mime::FindHeader(header_block, field);
  if (!raw) return "";
  std::vector<mime::Address> list = mime::ParseAddressList(*raw);
  const mime::Address* a = FirstMailbox(list);
  return a ? FoldCase(a->mailbox) : "";
}

std::string DisplaySortKey(std::string_view header_block, std::string_view field) {
  std::optional<std::string_view> raw = mime::FindHeader(header_block, field);
  if (!raw) return "";
  std::vector<mime::Address> list = mime::ParseAddressList(*raw);
  const mime::Address* a = FirstMailbox(list);
  if (a == nullptr) return "";
  if (a->name && !a->name->empty()) return FoldCase(mime::DecodeEncodedWords(*a->name));
  return FoldCase(a->host.empty() ? a->mailbox : a->mailbox + "@" + a->host);
}

}  // namespace ringmail::imap
