// The end of a transaction: content checks, trace headers, one DeliverMessage for every local
// recipient, the outbound queue for remote ones, and the replies (one, or one per recipient
// on LMTP). docs/smtp.md, "Delivery".
#include <strings.h>
#include <sys/random.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <utility>

#include "base/log.h"
#include "mail/message_summary.h"
#include "mail/vacation.h"
#include "mime/address_list.h"
#include "mime/header.h"
#include "smtp/session.h"
#include "smtp/session_replies.h"
#include "store/delivery.h"

namespace ringmail::smtp {
namespace {

// RFC 5322 §3.3 date-time in UTC.
std::string MailDate(std::time_t now) {
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

// 16 hex digits, unique enough for a trace id and a Message-ID's left part.
std::string RandomId() {
  uint64_t v = 0;
  if (getrandom(&v, sizeof v, 0) != sizeof v) v = MonotonicMs() ^ reinterpret_cast<uintptr_t>(&v);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Text inside a Received header: printable ASCII without parentheses or backslashes (comment
// delimiters and quoting there), spaces only where `spaces` (a comment), anything else '?'.
std::string TraceText(std::string_view text, bool spaces) {
  std::string out(text);
  for (char& c : out) {
    if (c == ' ' && spaces) continue;
    if (c <= ' ' || c > '~' || c == '(' || c == ')' || c == '\\') c = '?';
  }
  return out;
}

// Where header fields are appended: before the empty line that ends the header block, or at
// the end of a message that is all header (CRLF added when missing).
size_t HeaderInsertPoint(std::string* body) {
  const size_t block = mime::HeaderBlockSize(*body);
  if (block >= 2 && body->compare(block - 2, 2, "\r\n") == 0 &&
      (block == 2 || (*body)[block - 3] == '\n')) {
    return block - 2;
  }
  if (!body->empty() && !body->ends_with("\r\n")) body->append("\r\n");
  return body->size();
}

uint8_t OutboundNotify(uint8_t notify) {
  uint8_t out = 0;
  if (notify & Notify::kNotifyNever) out |= ::ringmail::kNotifyNever;
  if (notify & Notify::kNotifySuccess) out |= ::ringmail::kNotifySuccess;
  if (notify & Notify::kNotifyFailure) out |= ::ringmail::kNotifyFailure;
  if (notify & Notify::kNotifyDelay) out |= ::ringmail::kNotifyDelay;
  return out;
}

}  // namespace

void SmtpSession::ReplyAll(const SmtpReply& reply) {
  if (config_->kind != ListenerKind::kLmtp) {
    Reply(reply);
    return;
  }
  // RFC 2033 §4.2: one reply per accepted RCPT, in order.
  for (const Recipient& r : recipients_) {
    ReplyText(reply.code, reply.enhanced, "<" + r.address + "> " + std::string(reply.text));
  }
  if (reply.code >= 400) ++errors_;
}

std::string SmtpSession::TraceHeaders(bool return_path, std::string_view id) const {
  std::string out;
  if (return_path) {
    out += "Return-Path: <";
    if (sender_ && sender_->kind == SmtpPath::Kind::kMailbox) {
      out += FormatLocalPart(sender_->address.local) + "@" + sender_->address.domain;
    }
    out += ">\r\n";
  }
  // RFC 5321 §4.4: from the HELO name (the address it came from) by us, with the protocol
  // (RFC 3848), an id, and the recipient when there is only one; over TLS a comment with the
  // protocol version and cipher.
  const std::string ip = stream_->peer().family() == AF_INET6 ? "IPv6:" + peer_host_ : peer_host_;
  out += "Received: from " + TraceText(helo_, false) + " ([" + ip + "])\r\n\t";
  if (stream_->encrypted()) {
    const std::string_view tls = stream_->tls_summary();
    out += "(using " + TraceText(tls.empty() ? "TLS" : tls, true) + ")\r\n\t";
  }
  out += "by " + config_->hostname + " (ringmail) with " + ProtocolWord() + " id " +
         std::string(id) + "\r\n\t";
  if (recipients_.size() == 1) out += "for <" + recipients_[0].address + ">; ";
  out += MailDate(std::time(nullptr)) + "\r\n";
  return out;
}

std::optional<SmtpReply> SmtpSession::CheckContent(std::string* body) const {
  const std::string_view block(body->data(), mime::HeaderBlockSize(*body));
  uint32_t hops = 0;
  mime::HeaderReader reader(block);
  while (std::optional<mime::HeaderField> field = reader.Next()) {
    if (field->name.size() == 8 && strncasecmp(field->name.data(), "Received", 8) == 0) ++hops;
  }
  if (hops > config_->limits.hops_max) {
    Log(LogLevel::kInfo, "smtp_too_many_hops", "protocol", LogName(), "peer", peer_host_, "hops",
        hops);
    return replies::kTooManyHops;
  }
  if (config_->kind != ListenerKind::kSubmission) return std::nullopt;
  if (config_->must_match_sender) {
    if (std::optional<std::string_view> from = mime::FindHeader(block, "From")) {
      for (const mime::Address& a : mime::ParseAddressList(*from)) {
        if (a.kind != mime::Address::Kind::kMailbox) continue;
        Result<MailAddress> parsed = ParseMailAddress(FormatLocalPart(a.mailbox) + "@" + a.host);
        if (!parsed || !SenderAllowed(NormalizedAddress(*parsed))) {
          Log(LogLevel::kInfo, "smtp_from_refused", "peer", peer_host_, "user", principal_->name);
          return replies::kFromNotOwned;
        }
      }
    }
  }
  // RFC 6409 §8: a submission server may add the fields a client left out.
  std::string added;
  if (!mime::FindHeader(block, "Date")) added += "Date: " + MailDate(std::time(nullptr)) + "\r\n";
  if (!mime::FindHeader(block, "Message-ID")) {
    added += "Message-ID: <" + RandomId() + RandomId() + "@" + config_->hostname + ">\r\n";
  }
  if (!added.empty()) body->insert(HeaderInsertPoint(body), added);
  return std::nullopt;
}

Task<void> SmtpSession::Deliver(std::string body) {
  if (std::optional<SmtpReply> refused = CheckContent(&body)) {
    ReplyAll(*refused);
    Reset();
    co_return;
  }
  const bool any_local = std::any_of(recipients_.begin(), recipients_.end(),
                                     [](const Recipient& r) { return r.local; });
  const bool any_remote = std::any_of(recipients_.begin(), recipients_.end(),
                                      [](const Recipient& r) { return !r.local; });
  const size_t size = body.size();
  const std::string trace_id = RandomId();
  // Local first: when the queue then fails, the client's retry may duplicate the local copy,
  // which beats losing the remote one.
  if (any_local) {
    std::string message = TraceHeaders(true, trace_id) + body;
    Result<void> delivered = co_await DeliverLocal(std::move(message));
    if (!delivered) {
      Log(LogLevel::kWarn, "smtp_store_unavailable", "protocol", LogName(), "peer", peer_host_,
          "error", delivered.error().ToString());
      ReplyAll(replies::kTemporaryFailure);
      Reset();
      co_return;
    }
  }
  if (any_remote) {
    std::string message = TraceHeaders(false, trace_id) + body;
    Result<void> queued = co_await Enqueue(std::move(message));
    if (!queued) {
      Log(LogLevel::kWarn, "smtp_queue_unavailable", "peer", peer_host_, "error",
          queued.error().ToString());
      Reply(queued.error().code == ErrorCode::kLimitExceeded ? replies::kQueueFull
                                                             : replies::kTemporaryFailure);
      Reset();
      co_return;
    }
  }
  Log(LogLevel::kInfo, "smtp_delivered", "protocol", LogName(), "peer", peer_host_, "id", trace_id,
      "size", size, "recipients", recipients_.size());
  ReplyAll(replies::kDelivered);
  Reset();
}

Task<Result<void>> SmtpSession::DeliverLocal(std::string message) {
  DeliveryRequest request;
  request.received_at = static_cast<int64_t>(std::time(nullptr));
  request.enforce_quota = false;  // checked at RCPT (session_envelope.cc)
  std::vector<int64_t> seen;
  for (const Recipient& r : recipients_) {
    for (int64_t mailbox : r.mailboxes) {
      if (std::find(seen.begin(), seen.end(), mailbox) != seen.end()) continue;
      seen.push_back(mailbox);
      request.targets.push_back({mailbox, {}});
    }
  }
  const std::string_view block(message.data(), mime::HeaderBlockSize(message));
  std::string vacation_header(block.substr(0, std::min(block.size(), kVacationHeaderMax)));
  // IMAP FETCH ENVELOPE/BODYSTRUCTURE read these instead of the bytes (docs/imap.md).
  request.summary = SummarizeMessage(message);
  Result<std::vector<PlacedMessage>> placed = co_await DeliverMessage(
      *services_->blobs, *services_->metadata, std::move(message), std::move(request));
  if (!placed) co_return std::unexpected(placed.error());
  if (services_->events != nullptr) {
    for (const PlacedMessage& p : *placed) {
      services_->events->Changed(p.account_id, p.mailbox_id, p.modseq);
    }
  }
  co_await VacationReplies(std::move(*placed), std::move(vacation_header));
  co_return Result<void>{};
}

Task<void> SmtpSession::VacationReplies(std::vector<PlacedMessage> placed,
                                        std::string header_block) {
  VacationIncoming incoming{"", std::move(header_block)};
  if (sender_ && sender_->kind == SmtpPath::Kind::kMailbox) {
    incoming.envelope_sender = NormalizedAddress(sender_->address);
  }
  for (const PlacedMessage& p : placed) {
    for (const Recipient& r : recipients_) {
      auto it = std::find(r.mailboxes.begin(), r.mailboxes.end(), p.mailbox_id);
      if (it == r.mailboxes.end()) continue;
      const size_t index = static_cast<size_t>(it - r.mailboxes.begin());
      Result<bool> sent = co_await SendVacationReply(
          services_->metadata, services_->outbound, p.account_id, r.mailbox_addresses[index],
          incoming, config_->hostname, static_cast<int64_t>(std::time(nullptr)));
      if (!sent) {
        Log(LogLevel::kWarn, "smtp_vacation_failed", "account", p.account_id, "error",
            sent.error().ToString());
      }
      break;
    }
  }
}

Task<Result<void>> SmtpSession::Enqueue(std::string message) {
  OutboundMessage out;
  if (sender_ && sender_->kind == SmtpPath::Kind::kMailbox) {
    out.sender = FormatLocalPart(sender_->address.local) + "@" + sender_->address.domain;
  }
  for (const Recipient& r : recipients_) {
    if (r.local) continue;
    if (std::any_of(out.recipients.begin(), out.recipients.end(),
                    [&](const OutboundRecipient& o) { return o.address == r.address; })) {
      continue;
    }
    std::string orcpt;
    if (r.params.orcpt_type) orcpt = *r.params.orcpt_type + ";" + r.params.orcpt_raw;
    out.recipients.push_back({r.address, OutboundNotify(r.params.notify), std::move(orcpt)});
  }
  out.envid = mail_params_.envid.value_or("");
  out.return_full = mail_params_.ret == DsnRet::kFull;
  out.smtputf8 = mail_params_.smtputf8;
  out.requiretls = mail_params_.requiretls;
  if (principal_) out.authenticated_as = principal_->name;
  out.message = std::move(message);
  Result<int64_t> queued = co_await services_->outbound->Enqueue(std::move(out));
  if (!queued) co_return std::unexpected(queued.error());
  co_return Result<void>{};
}

}  // namespace ringmail::smtp
