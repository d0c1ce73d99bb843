#include "queue/smtp_client.h"

#include <algorithm>
#include <memory>

#include "mail/outbound.h"
#include "queue/smtp_hello.h"
#include "runtime/connect.h"

namespace ringmail {
namespace {

using smtp_internal::Command;
using smtp_internal::Extensions;
using smtp_internal::Hello;
using smtp_internal::ReadReply;
using smtp_internal::Reply;
using smtp_internal::SmarthostSession;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

QueueOutcomeKind KindOf(const Reply& r) {
  if (!r.ok()) return QueueOutcomeKind::kRetry;
  if (r.code < 400) return QueueOutcomeKind::kDelivered;
  return r.code < 500 ? QueueOutcomeKind::kRetry : QueueOutcomeKind::kFailed;
}

// Every recipient still undecided gets `kind` and `reply`.
void DecideRest(std::vector<SmtpRecipientResult>* results, const std::vector<bool>& decided,
                QueueOutcomeKind kind, const std::string& reply) {
  for (size_t i = 0; i < results->size(); ++i) {
    if (!decided[i]) {
      (*results)[i].kind = kind;
      (*results)[i].reply = reply;
    }
  }
}

std::string NotifyParam(uint8_t notify) {
  if (notify & kNotifyNever) return "NEVER";
  std::string out;
  if (notify & kNotifySuccess) out += "SUCCESS,";
  if (notify & kNotifyFailure) out += "FAILURE,";
  if (notify & kNotifyDelay) out += "DELAY,";
  if (!out.empty()) out.pop_back();
  return out;
}

bool Has8Bit(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) > 127; });
}

std::string MailCommand(const SmtpEnvelope& env, const Extensions& ext,
                        const std::string& message) {
  std::string cmd = "MAIL FROM:<" + env.sender + ">";
  if (ext.size) cmd += " SIZE=" + std::to_string(message.size());
  if (ext.eightbitmime && Has8Bit(message)) cmd += " BODY=8BITMIME";
  if (env.smtputf8) cmd += " SMTPUTF8";
  if (env.requiretls) cmd += " REQUIRETLS";
  if (ext.dsn) {
    cmd += env.return_full ? " RET=FULL" : " RET=HDRS";
    if (!env.envid.empty()) cmd += " ENVID=" + env.envid;
  }
  return cmd;
}

std::string RcptCommand(const QueueRecipientRecord& r, const Extensions& ext) {
  std::string cmd = "RCPT TO:<" + r.address + ">";
  if (ext.dsn && r.notify != 0) cmd += " NOTIFY=" + NotifyParam(r.notify);
  if (ext.dsn && !r.orcpt.empty()) cmd += " ORCPT=" + r.orcpt;
  return cmd;
}

// Why the message cannot go over this session (a 5xx reply), or nothing.
std::optional<std::string> Unsendable(const SmtpEnvelope& envelope, const Extensions& ext,
                                      const SmarthostSession* session) {
  if (envelope.smtputf8 && !ext.smtputf8) {
    return "550 5.6.7 the smarthost does not support SMTPUTF8";
  }
  if (envelope.requiretls) {  // RFC 8689 §4.2.1
    if (session->tls == nullptr || !session->tls->verified()) {
      return "550 5.7.10 REQUIRETLS: the smarthost's TLS certificate is not verified";
    }
    if (!ext.requiretls) return "550 5.7.10 REQUIRETLS: the smarthost does not offer REQUIRETLS";
  }
  return std::nullopt;
}

// The transaction on the session's stream (RunSmtpTransaction).
Task<std::vector<SmtpRecipientResult>> Transact(SmarthostSession* session,
                                                const SmtpClientOptions* options,
                                                const SmtpEnvelope* envelope,
                                                const std::string* message) {
  std::vector<SmtpRecipientResult> results(envelope->recipients.size());
  std::vector<bool> decided(results.size(), false);
  for (size_t i = 0; i < results.size(); ++i) results[i].address = envelope->recipients[i].address;
  session->stream->set_read_timeout_ms(static_cast<uint32_t>(options->command_timeout_ms));
  Reply failed;
  Result<Extensions> ext = co_await Hello(session, options, &failed);
  if (!ext) {
    DecideRest(
        &results, decided,
        failed.ok() && failed.code >= 500 ? QueueOutcomeKind::kFailed : QueueOutcomeKind::kRetry,
        "smarthost: " + failed.Text());
    co_return results;
  }
  Stream* stream = session->stream;
  for (SmtpRecipientResult& r : results) r.hop_dsn = ext->dsn;
  if (std::optional<std::string> refused = Unsendable(*envelope, *ext, session)) {
    DecideRest(&results, decided, QueueOutcomeKind::kFailed, *refused);
    co_return results;
  }
  Reply mail = co_await Command(stream, MailCommand(*envelope, *ext, *message));
  if (!mail.ok() || mail.code != 250) {
    DecideRest(&results, decided,
               mail.ok() && mail.code >= 500 ? QueueOutcomeKind::kFailed : QueueOutcomeKind::kRetry,
               mail.Text());
    co_return results;
  }
  size_t accepted = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    Reply rcpt = co_await Command(stream, RcptCommand(envelope->recipients[i], *ext));
    if (!rcpt.ok()) {
      DecideRest(&results, decided, QueueOutcomeKind::kRetry, rcpt.Text());
      co_return results;
    }
    if (rcpt.code == 250 || rcpt.code == 251) {
      ++accepted;
      continue;  // decided by the end of DATA
    }
    results[i].kind = KindOf(rcpt);
    results[i].reply = rcpt.Text();
    decided[i] = true;
  }
  if (accepted == 0) {
    Reply quit = co_await Command(stream, "QUIT");
    co_return results;
  }
  Reply data = co_await Command(stream, "DATA");
  if (!data.ok() || data.code != 354) {
    DecideRest(&results, decided,
               data.ok() && data.code >= 500 ? QueueOutcomeKind::kFailed : QueueOutcomeKind::kRetry,
               data.Text());
    co_return results;
  }
  stream->Write(DotStuff(*message));
  Result<void> sent = co_await stream->Flush();
  if (!sent) {
    DecideRest(&results, decided, QueueOutcomeKind::kRetry,
               "connection: " + sent.error().ToString());
    co_return results;
  }
  Reply done = co_await ReadReply(stream);
  DecideRest(&results, decided, KindOf(done), done.Text());
  if (done.ok()) Reply quit = co_await Command(stream, "QUIT");
  co_return results;
}

}  // namespace

Task<std::vector<SmtpRecipientResult>> RunSmtpTransaction(Stream* stream,
                                                          const SmtpClientOptions* options,
                                                          const SmtpEnvelope* envelope,
                                                          const std::string* message) {
  SmarthostSession session;
  session.stream = stream;
  std::vector<SmtpRecipientResult> results =
      co_await Transact(&session, options, envelope, message);
  if (session.tls != nullptr) {
    const std::string summary(session.tls->tls_summary());
    for (SmtpRecipientResult& r : results) r.tls = summary;
    co_await session.tls->Close();
  }
  co_return results;
}

std::optional<SmtpReplyLine> ParseSmtpReplyLine(std::string_view line) {
  if (line.size() < 3 || !IsDigit(line[0]) || !IsDigit(line[1]) || !IsDigit(line[2])) {
    return std::nullopt;
  }
  if (line.size() > 3 && line[3] != ' ' && line[3] != '-') return std::nullopt;
  SmtpReplyLine r;
  r.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (r.code < 200 || r.code > 599) return std::nullopt;
  r.last = line.size() == 3 || line[3] == ' ';
  r.text = line.size() > 4 ? line.substr(4) : std::string_view();
  return r;
}

std::string DotStuff(std::string_view message) {
  std::string out;
  out.reserve(message.size() + message.size() / 64 + 8);
  bool line_start = true;
  for (char c : message) {
    if (line_start && c == '.') out.push_back('.');
    out.push_back(c);
    line_start = c == '\n';
  }
  if (!out.ends_with("\r\n")) out += "\r\n";
  out += ".\r\n";
  return out;
}

Task<std::vector<SmtpRecipientResult>> SendViaSmarthost(const SmtpClientOptions* options,
                                                        SmtpEnvelope envelope, std::string message,
                                                        SmtpAbort* abort) {
  std::vector<SmtpRecipientResult> failed(envelope.recipients.size());
  for (size_t i = 0; i < failed.size(); ++i) failed[i].address = envelope.recipients[i].address;
  if (envelope.requiretls &&
      (options->tls == SmarthostTls::kNone || !options->tls_context->verifies())) {
    for (SmtpRecipientResult& r : failed) {
      r.kind = QueueOutcomeKind::kFailed;
      r.reply = options->tls == SmarthostTls::kNone
                    ? "550 5.7.10 REQUIRETLS: no TLS to the smarthost (smarthost-tls = none)"
                    : "550 5.7.10 REQUIRETLS: the smarthost's certificate is not verified "
                      "(smarthost-tls-verify = false)";
    }
    co_return failed;
  }
  std::vector<SocketAddress> addresses;
  Result<SocketAddress> numeric = NumericAddress(options->host, options->port);
  if (numeric) {
    addresses.push_back(*numeric);
  } else if (options->workers != nullptr) {
    const std::string host = options->host;
    const uint16_t port = options->port;
    Result<Result<std::vector<SocketAddress>>> resolved =
        co_await options->workers->Run([&host, port] { return ResolveBlocking(host, port); });
    if (resolved && *resolved) addresses = std::move(**resolved);
  }
  std::string error = "resolve " + options->host + ": no address";
  static const ConnectionOptions kConnection;
  for (const SocketAddress& address : addresses) {
    if (abort != nullptr && abort->aborted) {
      error = "stopped before connecting";
      break;
    }
    Result<std::unique_ptr<Connection>> conn =
        co_await Connect(address, &kConnection, options->connect_timeout_ms);
    if (!conn) {
      error = "connect " + address.ToString() + ": " + conn.error().ToString();
      continue;
    }
    if (abort != nullptr) abort->active = conn->get();
    std::vector<SmtpRecipientResult> results =
        co_await RunSmtpTransaction(conn->get(), options, &envelope, &message);
    if (abort != nullptr) abort->active = nullptr;
    co_await (*conn)->Close();
    co_return results;
  }
  for (SmtpRecipientResult& r : failed) r.reply = error;
  co_return failed;
}

}  // namespace ringmail
