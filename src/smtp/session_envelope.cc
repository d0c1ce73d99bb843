// MAIL and RCPT: who may send, and who receives (docs/smtp.md, "Envelope").
//
// Relaying: only an authenticated submission session may name a recipient outside our
// domains. The parser already takes `user%other`, `a!b` and `"a@b"` as local parts of a
// mailbox at the path's domain and drops source routes, so none of them routes anywhere: they
// are looked up as local addresses (and are unknown unless someone owns them).
#include <algorithm>
#include <utility>

#include "base/log.h"
#include "smtp/session.h"
#include "smtp/session_replies.h"

namespace ringmail::smtp {
namespace {

std::string PathAddress(const MailAddress& address) {
  return FormatLocalPart(address.local) + "@" + address.domain;
}

// ResolveRecipient's errors: a malformed address, an expansion over its bounds, or an outage.
SmtpReply ResolveFailure(const Error& error, const std::string& peer) {
  if (error.code == ErrorCode::kInvalidArgument) return replies::kBadRecipient;
  if (error.code == ErrorCode::kLimitExceeded) return replies::kExpansionFailed;
  Log(LogLevel::kWarn, "smtp_directory_unavailable", "peer", peer, "error", error.ToString());
  return replies::kTemporaryFailure;
}

}  // namespace

bool SmtpSession::SenderAllowed(std::string_view normalized) const {
  if (!config_->must_match_sender) return true;
  if (!principal_) return false;
  const std::vector<std::string>& owned = principal_->principal.emails;
  auto owns = [&](std::string_view a) {
    return std::find(owned.begin(), owned.end(), a) != owned.end();
  };
  if (owns(normalized)) return true;
  Result<MailAddress> parsed = ParseMailAddress(normalized);
  if (!parsed) return false;
  if (owns(CatchAllAddress(parsed->domain))) return true;
  const std::string& separators = services_->recipient_rules
                                      ? services_->recipient_rules->subaddress_separators
                                      : std::string(kDefaultSubaddressSeparators);
  std::optional<MailAddress> base = WithoutSubaddress(*parsed, separators);
  return base && owns(NormalizedAddress(*base));
}

Task<void> SmtpSession::Mail(SmtpCommand command) {
  if (config_->kind == ListenerKind::kSubmission && !principal_) {
    Reply(TlsPending() ? replies::kStartTlsFirst : replies::kAuthRequired);
    co_return;
  }
  if (InTransaction()) {
    Reply(replies::kNestedMail);
    co_return;
  }
  if (config_->message_rate != nullptr && config_->kind == ListenerKind::kMx && !principal_ &&
      !config_->message_rate->Take(stream_->peer())) {
    Log(LogLevel::kInfo, "smtp_rate_limited", "protocol", LogName(), "peer", peer_host_, "limit",
        "messages-per-source-per-minute");
    Reply(replies::kTooManyMessages);
    co_return;
  }
  if (command.mail.size && *command.mail.size > config_->limits.message_size_max) {
    Log(LogLevel::kInfo, "smtp_size_refused", "protocol", LogName(), "peer", peer_host_, "size",
        *command.mail.size);
    Reply(replies::kSizeTooBig);
    co_return;
  }
  if (config_->kind == ListenerKind::kSubmission && config_->must_match_sender) {
    if (command.path.kind != SmtpPath::Kind::kMailbox) {
      Reply(replies::kNullSenderRefused);
      co_return;
    }
    if (!SenderAllowed(NormalizedAddress(command.path.address))) {
      Log(LogLevel::kInfo, "smtp_sender_refused", "peer", peer_host_, "user", principal_->name,
          "sender", PathAddress(command.path.address));
      Reply(replies::kSenderNotOwned);
      co_return;
    }
  }
  sender_ = command.path;
  mail_params_ = command.mail;
  ++transaction_id_;
  Reply(replies::kSenderOk);
}

Task<void> SmtpSession::Rcpt(SmtpCommand command) {
  if (!InTransaction()) {
    Reply(replies::kMailFirst);
    co_return;
  }
  if (recipients_.size() >= config_->limits.recipients_max) {
    if (recipients_.size() == config_->limits.recipients_max) {
      Log(LogLevel::kInfo, "smtp_too_many_recipients", "protocol", LogName(), "peer", peer_host_);
    }
    Reply(replies::kTooManyRecipients);
    co_return;
  }
  MailAddress address = command.path.address;
  if (command.path.kind == SmtpPath::Kind::kPostmaster) address = {"postmaster", config_->hostname};
  Recipient rcpt;
  rcpt.address = PathAddress(address);
  rcpt.params = command.rcpt;
  const bool lmtp = config_->kind == ListenerKind::kLmtp;
  for (const Recipient& r : recipients_) {
    // Collapsed: one recipient, one reply (LMTP needs a reply per RCPT, so it keeps both).
    if (!lmtp && r.address == rcpt.address) {
      Reply(replies::kRecipientOk);
      co_return;
    }
  }
  Result<ResolvedRecipient> resolved =
      co_await ResolveRecipient(services_->directory, rcpt.address, services_->recipient_rules);
  if (!resolved) {
    Reply(ResolveFailure(resolved.error(), peer_host_));
    co_return;
  }
  // <Postmaster> (RFC 5321 §4.1.1.3) is ours whatever the host name says.
  if (command.path.kind == SmtpPath::Kind::kPostmaster &&
      resolved->status == RecipientStatus::kNotLocal) {
    resolved->status = RecipientStatus::kUnknown;
  }
  switch (resolved->status) {
    case RecipientStatus::kUnknown: Reply(replies::kUnknownUser); co_return;
    case RecipientStatus::kDisabled: Reply(replies::kDisabledUser); co_return;
    case RecipientStatus::kNotLocal:
      if (config_->kind != ListenerKind::kSubmission || !principal_) {
        Log(LogLevel::kInfo, "smtp_relay_denied", "protocol", LogName(), "peer", peer_host_,
            "recipient", rcpt.address);
        Reply(replies::kRelayDenied);
        co_return;
      }
      if (services_->outbound == nullptr) {
        Log(LogLevel::kWarn, "smtp_remote_not_configured", "peer", peer_host_, "recipient",
            rcpt.address);
        Reply(replies::kRemoteNotConfigured);
        co_return;
      }
      recipients_.push_back(std::move(rcpt));
      Reply(replies::kRecipientOk);
      co_return;
    case RecipientStatus::kLocal: break;
  }
  std::optional<SmtpReply> refused = co_await AddLocal(std::move(resolved->principals), &rcpt);
  if (refused) {
    Reply(*refused);
    co_return;
  }
  recipients_.push_back(std::move(rcpt));
  Reply(replies::kRecipientOk);
}

// Quota is checked here, against the stored usage plus the declared SIZE; the delivery does
// not enforce it again, so that one member of a group near its quota cannot fail the
// message for every other recipient (an account may go over by one message).
Task<std::optional<SmtpReply>> SmtpSession::AddLocal(std::vector<Principal> principals,
                                                     Recipient* out) {
  out->local = true;
  bool over_quota = false;
  for (Principal& p : principals) {
    bool over = false;
    const std::string name = p.name;
    std::vector<std::string> emails = p.emails;
    Result<int64_t> inbox = co_await InboxOf(std::move(p), &over);
    if (!inbox) {
      Log(LogLevel::kWarn, "smtp_store_unavailable", "peer", peer_host_, "account", name, "error",
          inbox.error().ToString());
      co_return replies::kTemporaryFailure;
    }
    if (over) {
      Log(LogLevel::kInfo, "smtp_over_quota", "account", name);
      over_quota = true;
      continue;
    }
    if (std::find(out->mailboxes.begin(), out->mailboxes.end(), *inbox) == out->mailboxes.end()) {
      out->mailboxes.push_back(*inbox);
      out->mailbox_addresses.push_back(std::move(emails));
    }
  }
  if (!out->mailboxes.empty()) co_return std::nullopt;
  if (over_quota) co_return replies::kOverQuota;
  co_return replies::kUnknownUser;
}

// The account of a principal, created on first delivery when the directory is not the
// metadata store's own (sql, memory): their principals have no account row until then. The
// internal directory's principals carry their row, read a moment ago.
Task<Result<int64_t>> SmtpSession::InboxOf(Principal principal, bool* over_quota) {
  Principal::StoreAccount account;
  uint64_t quota = principal.quota_bytes;
  if (principal.account) {
    account = *principal.account;
  } else {
    Result<AccountRecord> record = co_await services_->metadata->GetAccount(principal.name);
    if (!record && record.error().code == ErrorCode::kNotFound) {
      AccountRecord fresh;
      fresh.name = principal.name;
      fresh.quota_bytes = principal.quota_bytes;
      record = co_await services_->metadata->CreateAccount(std::move(fresh));
      if (!record && record.error().code == ErrorCode::kAlreadyExists) {
        record = co_await services_->metadata->GetAccount(principal.name);
      }
    }
    if (!record) co_return std::unexpected(record.error());
    account = {record->id, record->used_bytes};
    if (quota == 0) quota = record->quota_bytes;
  }
  const uint64_t incoming = mail_params_.size.value_or(0);
  *over_quota =
      quota != 0 && (account.used_bytes >= quota || incoming > quota - account.used_bytes);
  if (services_->inboxes != nullptr) {
    if (std::optional<int64_t> inbox = services_->inboxes->Find(account.id)) co_return *inbox;
  }
  Result<std::vector<MailboxRecord>> mailboxes =
      co_await services_->metadata->ListMailboxes(account.id);
  if (!mailboxes) co_return std::unexpected(mailboxes.error());
  for (const MailboxRecord& m : *mailboxes) {
    if (m.name != "INBOX") continue;
    if (services_->inboxes != nullptr) services_->inboxes->Remember(account.id, m.id);
    co_return m.id;
  }
  co_return MakeError(ErrorCode::kNotFound, "account " + principal.name + " has no INBOX");
}

}  // namespace ringmail::smtp
