#include "ceiling/imap_mailbox.h"

#include <dirent.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "ceiling/parts.h"

namespace ringmail::bench {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The unfolded value of the first header field `name` in `head`, or empty.
std::string Field(std::string_view head, std::string_view name) {
  size_t pos = 0;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string_view::npos) end = head.size();
    std::string_view line = head.substr(pos, end - pos);
    pos = end + 2;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || !SameName(line.substr(0, colon), name)) continue;
    std::string value(Trim(line.substr(colon + 1)));
    while (pos < head.size() && (head[pos] == ' ' || head[pos] == '\t')) {  // folded
      end = head.find("\r\n", pos);
      if (end == std::string_view::npos) end = head.size();
      value += " ";
      value += Trim(head.substr(pos, end - pos));
      pos = end + 2;
    }
    return value;
  }
  return {};
}

// An nstring: NIL when empty, quoted when plain ASCII, else a literal.
std::string NString(std::string_view s) {
  if (s.empty()) return "NIL";
  const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7f;
  });
  if (!plain) return "{" + std::to_string(s.size()) + "}\r\n" + std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// One address: ("Name" NIL "local" "domain").
std::string Address(std::string_view text) {
  text = Trim(text);
  std::string_view name, addr = text;
  if (size_t lt = text.find('<'); lt != std::string_view::npos) {
    name = Trim(text.substr(0, lt));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
    }
    addr = text.substr(lt + 1, text.find('>', lt) - lt - 1);
  }
  const size_t at = addr.find('@');
  std::string_view local = addr.substr(0, at);
  std::string_view domain = at == std::string_view::npos ? std::string_view() : addr.substr(at + 1);
  return "(" + NString(name) + " NIL " + NString(local) + " " + NString(domain) + ")";
}

// An address list: NIL when the field is absent.
std::string AddressList(std::string_view field) {
  if (Trim(field).empty()) return "NIL";
  std::string out = "(";
  ForEachPart(field, ',', [&](std::string_view part) {
    if (!Trim(part).empty()) out += Address(part);
  });
  return out + ")";
}

}  // namespace

std::string BuildEnvelope(std::string_view message) {
  const std::string_view head = message.substr(0, message.find("\r\n\r\n"));
  const std::string from = AddressList(Field(head, "From"));
  return "(" + NString(Field(head, "Date")) + " " + NString(Field(head, "Subject")) + " " + from +
         " " + from + " " + from + " " + AddressList(Field(head, "To")) + " " +
         AddressList(Field(head, "Cc")) + " NIL NIL " + NString(Field(head, "Message-ID")) + ")";
}

Result<CeilingMailbox> CeilingMailbox::Load(const std::string& directory) {
  std::vector<std::string> names;
  DIR* dir = opendir(directory.c_str());
  if (dir == nullptr) return MakeError(ErrorCode::kIo, "cannot open " + directory);
  while (dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name.size() > 4 && name.ends_with(".eml")) names.push_back(name);
  }
  closedir(dir);
  if (names.empty()) return MakeError(ErrorCode::kInvalidArgument, "no *.eml in " + directory);
  std::sort(names.begin(), names.end());
  CeilingMailbox mailbox;
  for (size_t i = 0; i < names.size(); ++i) {
    std::ifstream file(directory + "/" + names[i], std::ios::binary);
    std::ostringstream bytes;
    bytes << file.rdbuf();
    if (!file) return MakeError(ErrorCode::kIo, "cannot read " + names[i]);
    CeilingMessage m;
    m.bytes = bytes.str();
    m.envelope = BuildEnvelope(m.bytes);
    m.seen = i % 3 != 0;  // corpus.py append: every message but each third one is \Seen
    if (!m.seen) ++mailbox.unseen_;
    mailbox.messages_.push_back(std::move(m));
  }
  return mailbox;
}

}  // namespace ringmail::bench
