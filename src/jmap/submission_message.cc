#include "jmap/submission_message.h"

#include <strings.h>

#include <algorithm>

#include "mime/address_list.h"
#include "mime/header.h"

namespace ringmail::jmap {
namespace {

bool IsField(std::string_view line, std::string_view name) {
  return line.size() > name.size() && line[name.size()] == ':' &&
         strncasecmp(line.data(), name.data(), name.size()) == 0;
}

}  // namespace

std::vector<std::string> HeaderAddresses(std::string_view header_block, std::string_view name) {
  std::vector<std::string> out;
  mime::HeaderReader reader(header_block);
  while (std::optional<mime::HeaderField> f = reader.Next()) {
    if (f->name.size() != name.size() ||
        strncasecmp(f->name.data(), name.data(), name.size()) != 0) {
      continue;
    }
    for (const mime::Address& a : mime::ParseAddressList(f->value)) {
      if (a.kind != mime::Address::Kind::kMailbox || a.mailbox.empty() || a.host.empty()) {
        continue;
      }
      std::string address = a.mailbox + "@" + a.host;
      if (std::find(out.begin(), out.end(), address) == out.end()) out.push_back(address);
    }
  }
  return out;
}

std::string WithoutBcc(std::string_view message) {
  const size_t header_size = mime::HeaderBlockSize(message);
  std::string out;
  out.reserve(message.size());
  bool skipping = false;
  size_t pos = 0;
  while (pos < header_size) {
    size_t end = message.find('\n', pos);
    end = end == std::string_view::npos || end >= header_size ? header_size : end + 1;
    const std::string_view line = message.substr(pos, end - pos);
    const bool continuation = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    if (!continuation) skipping = IsField(line, "Bcc");
    if (!skipping) out.append(line);
    pos = end;
  }
  out.append(message.substr(header_size));
  return out;
}

DerivedEnvelope DeriveEnvelope(std::string_view header_block, std::string_view identity_email) {
  DerivedEnvelope e;
  if (!identity_email.starts_with("*@")) {
    e.mail_from = identity_email;
  } else {
    std::vector<std::string> sender = HeaderAddresses(header_block, "Sender");
    if (sender.empty()) sender = HeaderAddresses(header_block, "From");
    if (!sender.empty()) e.mail_from = sender.front();
  }
  for (std::string_view field : {"To", "Cc", "Bcc"}) {
    for (std::string& a : HeaderAddresses(header_block, field)) {
      if (std::find(e.rcpt_to.begin(), e.rcpt_to.end(), a) == e.rcpt_to.end()) {
        e.rcpt_to.push_back(std::move(a));
      }
    }
  }
  return e;
}

}  // namespace ringmail::jmap
