#include "mime/envelope.h"

#include "base/ascii.h"
#include "mime/header.h"
#include "mime/imap_string.h"

namespace ringmail::mime {
namespace {

void AppendAddresses(std::string& out, const std::vector<Address>& list, bool utf8) {
  if (list.empty()) {
    out += "NIL";
    return;
  }
  out += '(';
  for (const Address& a : list) {
    out += '(';
    switch (a.kind) {
      case Address::Kind::kGroupStart:
        out += "NIL NIL ";
        AppendImapString(out, a.name.value_or(""), utf8);
        out += " NIL";
        break;
      case Address::Kind::kGroupEnd: out += "NIL NIL NIL NIL"; break;
      case Address::Kind::kMailbox:
        AppendImapNString(out, a.name, utf8);
        out += ' ';
        AppendImapNString(out, a.adl, utf8);
        out += ' ';
        AppendImapString(out, a.mailbox.empty() ? "MISSING_MAILBOX" : a.mailbox, utf8);
        out += ' ';
        AppendImapString(out, a.host.empty() ? "MISSING_DOMAIN" : a.host, utf8);
        break;
    }
    out += ')';
  }
  out += ')';
}

}  // namespace

Envelope ParseEnvelope(std::string_view header_block) {
  Envelope e;
  bool seen_from = false, seen_sender = false, seen_reply_to = false, seen_to = false,
       seen_cc = false, seen_bcc = false;
  auto addresses = [](bool& seen, std::vector<Address>& list, std::string_view value) {
    if (seen) return;
    seen = true;
    list = ParseAddressList(value);
  };
  auto text = [](std::optional<std::string>& field, std::string_view value) {
    if (!field) field = Unfold(value);
  };
  HeaderReader reader(header_block);
  while (std::optional<HeaderField> f = reader.Next()) {
    std::string name = AsciiLowerString(f->name);
    if (name == "date") {
      text(e.date, f->value);
    } else if (name == "subject") {
      text(e.subject, f->value);
    } else if (name == "in-reply-to") {
      text(e.in_reply_to, f->value);
    } else if (name == "message-id") {
      text(e.message_id, f->value);
    } else if (name == "from") {
      addresses(seen_from, e.from, f->value);
    } else if (name == "sender") {
      addresses(seen_sender, e.sender, f->value);
    } else if (name == "reply-to") {
      addresses(seen_reply_to, e.reply_to, f->value);
    } else if (name == "to") {
      addresses(seen_to, e.to, f->value);
    } else if (name == "cc") {
      addresses(seen_cc, e.cc, f->value);
    } else if (name == "bcc") {
      addresses(seen_bcc, e.bcc, f->value);
    }
  }
  if (e.sender.empty()) e.sender = e.from;
  if (e.reply_to.empty()) e.reply_to = e.from;
  return e;
}

void AppendEnvelope(std::string& out, const Envelope& e, bool utf8) {
  out += '(';
  AppendImapNString(out, e.date, utf8);
  out += ' ';
  AppendImapNString(out, e.subject, utf8);
  for (const std::vector<Address>* list : {&e.from, &e.sender, &e.reply_to, &e.to, &e.cc, &e.bcc}) {
    out += ' ';
    AppendAddresses(out, *list, utf8);
  }
  out += ' ';
  AppendImapNString(out, e.in_reply_to, utf8);
  out += ' ';
  AppendImapNString(out, e.message_id, utf8);
  out += ')';
}

std::string WriteEnvelope(const Envelope& envelope, bool utf8) {
  std::string out;
  AppendEnvelope(out, envelope, utf8);
  return out;
}

}  // namespace ringmail::mime
