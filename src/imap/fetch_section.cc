#include "imap/fetch_section.h"

#include "base/ascii.h"

namespace ringmail::imap {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

size_t LineEnd(std::string_view s, size_t pos) {
  size_t lf = s.find('\n', pos);
  return lf == s.npos ? s.size() : lf + 1;
}

bool IsEmptyLine(std::string_view line) { return line == "\n" || line == "\r\n"; }

bool Listed(std::string_view name, const std::vector<std::string>& names) {
  for (const std::string& n : names) {
    if (EqualsIgnoreCase(n, name)) return true;
  }
  return false;
}

}  // namespace

std::optional<uint32_t> FindPart(const mime::ParsedMessage& message,
                                 const std::vector<uint32_t>& path) {
  uint32_t current = 0;
  bool at_message = true;  // `current` is a message whose body part numbers index
  for (uint32_t n : path) {
    const mime::MimePart* p = &message[current];
    if (!at_message) {
      // Descending below a part: only multiparts and encapsulated messages have parts.
      if (p->IsMessage() && p->message) {
        current = *p->message;
        p = &message[current];
      } else if (!p->IsMultipart()) {
        return std::nullopt;
      }
    }
    if (p->IsMultipart()) {
      if (n == 0 || n > p->children.size()) return std::nullopt;
      current = p->children[n - 1];
    } else if (n != 1) {
      return std::nullopt;
    }
    at_message = false;
  }
  return current;
}

std::optional<uint32_t> FindMessage(const mime::ParsedMessage& message,
                                    const std::vector<uint32_t>& path) {
  if (path.empty()) return 0;
  std::optional<uint32_t> part = FindPart(message, path);
  if (!part) return std::nullopt;
  const mime::MimePart& p = message[*part];
  if (!p.IsMessage() || !p.message) return std::nullopt;
  return *p.message;
}

std::string FilterHeaderFields(std::string_view block, const std::vector<std::string>& names,
                               bool keep) {
  std::string out;
  std::string_view blank;  // the empty line ending the header, as written
  size_t pos = 0;
  while (pos < block.size()) {
    size_t end = LineEnd(block, pos);
    std::string_view line = block.substr(pos, end - pos);
    if (IsEmptyLine(line)) {
      blank = line;
      break;
    }
    while (end < block.size() && IsBlank(block[end])) end = LineEnd(block, end);  // folding
    size_t colon = line.find(':');
    if (!IsBlank(line[0]) && colon != line.npos) {
      std::string_view name = line.substr(0, colon);
      while (!name.empty() && IsBlank(name.back())) name.remove_suffix(1);
      if (Listed(name, names) == keep) out.append(block.substr(pos, end - pos));
    }
    pos = end;
  }
  if (!blank.empty()) {
    if (!out.empty() && out.back() != '\n') out += "\r\n";
    out.append(blank);
  }
  return out;
}

SectionContent ReadSection(const Section& section, std::string_view data,
                           const mime::ParsedMessage& message) {
  SectionContent c;
  if (section.text == SectionText::kNone || section.text == SectionText::kMime) {
    if (section.part.empty()) {
      c.view = data;
      return c;
    }
    std::optional<uint32_t> part = FindPart(message, section.part);
    if (!part) return c;
    const mime::MimePart& p = message[*part];
    c.view = section.text == SectionText::kMime ? p.header.In(data) : p.body.In(data);
    // "1" of a single-part message is its body; its "1.MIME" is the message's header.
    return c;
  }
  std::optional<uint32_t> index = FindMessage(message, section.part);
  if (!index) return c;
  const mime::MimePart& m = message[*index];
  switch (section.text) {
    case SectionText::kHeader: c.view = m.header.In(data); break;
    case SectionText::kText: c.view = m.body.In(data); break;
    case SectionText::kHeaderFields:
    case SectionText::kHeaderFieldsNot:
      c.built = FilterHeaderFields(m.header.In(data), section.fields,
                                   section.text == SectionText::kHeaderFields);
      c.is_built = true;
      break;
    default: break;
  }
  return c;
}

}  // namespace ringmail::imap
