#include "mail/vacation.h"

#include <strings.h>
#include <sys/random.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "base/encoding.h"
#include "mime/address_list.h"
#include "mime/header.h"

namespace ringmail {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string Trimmed(std::string_view raw) {
  std::string v = mime::Unfold(raw);
  const size_t first = v.find_first_not_of(" \t");
  const size_t last = v.find_last_not_of(" \t");
  return first == std::string::npos ? std::string() : v.substr(first, last - first + 1);
}

// RFC 5230 §4.5: senders that are lists or daemons, by their local part.
bool AutomatedSender(std::string_view sender) {
  const std::string local = Lower(sender.substr(0, sender.rfind('@')));
  return local == "mailer-daemon" || local == "postmaster" || local == "listserv" ||
         local == "majordomo" || local.starts_with("owner-") || local.ends_with("-request") ||
         local.starts_with("bounce") || local == "noreply" || local == "no-reply";
}

// Header fields that mark mail not to answer: Auto-Submitted other than "no" (RFC 3834
// §2), Precedence bulk/list/junk, any List-* field (RFC 2369, 2919).
std::optional<std::string_view> AutomatedHeader(std::string_view block) {
  mime::HeaderReader reader(block.substr(0, std::min(block.size(), kVacationHeaderMax)));
  while (std::optional<mime::HeaderField> f = reader.Next()) {
    if (IEquals(f->name, "Auto-Submitted")) {
      const std::string v = Lower(Trimmed(f->value));
      if (Trimmed(v.substr(0, v.find(';'))) != "no") return "auto-submitted";
    } else if (IEquals(f->name, "Precedence")) {
      const std::string p = Lower(Trimmed(f->value));
      if (p == "bulk" || p == "list" || p == "junk") return "precedence";
    } else if (f->name.size() > 5 && strncasecmp(f->name.data(), "List-", 5) == 0) {
      return "mailing list";
    }
  }
  return std::nullopt;
}

// Whether one of the account's own addresses is in To or Cc.
bool AddressedToAccount(std::string_view block, const std::vector<std::string>& addresses) {
  mime::HeaderReader reader(block.substr(0, std::min(block.size(), kVacationHeaderMax)));
  while (std::optional<mime::HeaderField> f = reader.Next()) {
    if (!IEquals(f->name, "To") && !IEquals(f->name, "Cc")) continue;
    for (const mime::Address& a : mime::ParseAddressList(f->value)) {
      if (a.kind != mime::Address::Kind::kMailbox || a.host.empty()) continue;
      const std::string address = Lower(a.mailbox + "@" + a.host);
      if (std::find(addresses.begin(), addresses.end(), address) != addresses.end()) return true;
    }
  }
  return false;
}

std::string MailDate(int64_t now) {
  const std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

std::string RandomHex() {
  uint64_t v[2] = {0, 0};
  if (getrandom(v, sizeof v, 0) != sizeof v) v[0] = MonotonicMs();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(v[0]),
                static_cast<unsigned long long>(v[1]));
  return buf;
}

// A header value: as is when printable ASCII, else one RFC 2047 B-word per 45 bytes.
std::string EncodeHeaderText(std::string_view text) {
  const bool plain =
      std::all_of(text.begin(), text.end(), [](char c) { return c >= ' ' && c <= '~'; });
  if (plain) return std::string(text);
  std::string out;
  for (size_t i = 0; i < text.size(); i += 45) {
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(i, 45)) + "?=";
  }
  return out;
}

std::string TextPart(std::string_view type, std::string_view body) {
  std::string out = "Content-Type: text/" + std::string(type) + "; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n\r\n";
  const std::string encoded = Base64(body);
  for (size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
  return out;
}

}  // namespace

std::optional<std::string_view> VacationSkipReason(const VacationRecord& vacation, int64_t now,
                                                   const VacationIncoming& incoming,
                                                   const std::vector<std::string>& addresses) {
  if (!vacation.is_enabled) return "disabled";
  if (vacation.from_date && now < *vacation.from_date) return "not started";
  if (vacation.to_date && now >= *vacation.to_date) return "ended";
  if (incoming.envelope_sender.empty()) return "null sender";
  const std::string sender = Lower(incoming.envelope_sender);
  if (std::find(addresses.begin(), addresses.end(), sender) != addresses.end()) return "self";
  if (AutomatedSender(sender)) return "automated sender";
  if (std::optional<std::string_view> why = AutomatedHeader(incoming.header_block)) return why;
  if (!AddressedToAccount(incoming.header_block, addresses)) return "not in To or Cc";
  return std::nullopt;
}

std::string BuildVacationReply(const VacationRecord& vacation, const VacationIncoming& incoming,
                               std::string_view from, std::string_view hostname, int64_t now) {
  const std::string_view block = incoming.header_block;
  std::string subject;
  if (vacation.subject && !vacation.subject->empty()) {
    subject = *vacation.subject;
  } else {
    const std::optional<std::string_view> original = mime::FindHeader(block, "Subject");
    subject = "Auto: " + (original ? mime::DecodeHeaderValue(*original) : std::string());
  }
  std::string out = "From: <" + std::string(from) + ">\r\n";
  out += "To: <" + incoming.envelope_sender + ">\r\n";
  out += "Subject: " + EncodeHeaderText(subject) + "\r\n";
  out += "Date: " + MailDate(now) + "\r\n";
  out += "Message-ID: <" + RandomHex() + "@" + std::string(hostname) + ">\r\n";
  if (std::optional<std::string_view> id = mime::FindHeader(block, "Message-ID")) {
    const std::string original_id = Trimmed(*id);
    std::optional<std::string_view> refs = mime::FindHeader(block, "References");
    out += "In-Reply-To: " + original_id + "\r\n";
    out += "References: " + (refs ? Trimmed(*refs) + " " : std::string()) + original_id + "\r\n";
  }
  out += "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n";
  const bool text = vacation.text_body.has_value();
  const bool html = vacation.html_body.has_value();
  if (text && html) {
    const std::string boundary = "=_vacation_" + RandomHex();
    out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
    out += "--" + boundary + "\r\n" + TextPart("plain", *vacation.text_body);
    out += "--" + boundary + "\r\n" + TextPart("html", *vacation.html_body);
    out += "--" + boundary + "--\r\n";
  } else if (html) {
    out += TextPart("html", *vacation.html_body);
  } else {
    out += TextPart(
        "plain", text ? *vacation.text_body : std::string_view("This is an automatic reply.\r\n"));
  }
  return out;
}

Task<Result<bool>> SendVacationReply(MetadataStore* store, Outbound* outbound, int64_t account_id,
                                     std::vector<std::string> addresses, VacationIncoming incoming,
                                     std::string hostname, int64_t now) {
  auto own = std::find_if(addresses.begin(), addresses.end(),
                          [](const std::string& a) { return !a.starts_with('@'); });
  if (outbound == nullptr || own == addresses.end()) co_return false;
  const std::string from = *own;
  Result<VacationRecord> vacation = co_await store->LoadVacation(account_id);
  if (!vacation) co_return std::unexpected(vacation.error());
  if (VacationSkipReason(*vacation, now, incoming, addresses)) co_return false;
  Result<bool> claimed = co_await store->ClaimVacationReply(
      account_id, Lower(incoming.envelope_sender), now, kVacationReplyIntervalS);
  if (!claimed) co_return std::unexpected(claimed.error());
  if (!*claimed) co_return false;
  // RFC 3834 §3.3: from the null reverse path, so that nothing answers the answer.
  OutboundMessage reply;
  reply.recipients.push_back({incoming.envelope_sender, kNotifyNever, ""});
  reply.message = BuildVacationReply(*vacation, incoming, from, hostname, now);
  Result<int64_t> queued = co_await outbound->Enqueue(std::move(reply));
  if (!queued) co_return std::unexpected(queued.error());
  co_return true;
}

}  // namespace ringmail
