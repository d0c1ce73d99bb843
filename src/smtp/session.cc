// The session loop: greeting, framing, dispatch, EHLO/HELO/LHLO, RSET, NOOP, QUIT, HELP, VRFY
// and the connection-level defences (early talkers, too many errors, timeouts).
#include "smtp/session.h"

#include <utility>

#include "base/log.h"
#include "runtime/awaitables.h"
#include "smtp/session_replies.h"

namespace ringmail::smtp {

SmtpSession::SmtpSession(const SmtpServices* services, const SessionConfig* config, Stream* stream,
                         StreamUpgrader* starttls)
    : services_(services),
      config_(config),
      stream_(stream),
      starttls_(starttls),
      line_reader_(config->bare_newlines, config->limits.lines),
      peer_host_(stream->peer().Host()) {}

SmtpSession::~SmtpSession() = default;

const char* SmtpSession::LogName() const {
  switch (config_->kind) {
    case ListenerKind::kMx: return "smtp";
    case ListenerKind::kSubmission: return "submission";
    case ListenerKind::kRelay: return "relay";
    case ListenerKind::kLmtp: return "lmtp";
  }
  return "smtp";
}

namespace {

// Holds one SourceLimit count for the session's lifetime.
class SourceSlot {
 public:
  SourceSlot(SourceLimit* limit, const SocketAddress& peer)
      : limit_(limit != nullptr && limit->Enter(peer) ? limit : nullptr), peer_(peer) {}
  ~SourceSlot() {
    if (limit_ != nullptr) limit_->Leave(peer_);
  }
  SourceSlot(const SourceSlot&) = delete;
  SourceSlot& operator=(const SourceSlot&) = delete;
  bool refused(const SourceLimit* limit) const { return limit != nullptr && limit_ == nullptr; }

 private:
  SourceLimit* limit_;
  SocketAddress peer_;
};

}  // namespace

Task<void> SmtpSession::Run() {
  const SourceSlot slot(config_->source_limit, stream_->peer());
  if (slot.refused(config_->source_limit)) {
    Log(LogLevel::kInfo, "smtp_too_many_connections", "protocol", LogName(), "peer", peer_host_);
    Reply(replies::kTooManyConnections);
    Result<void> flushed = co_await stream_->Flush();
    (void)flushed;
    co_return;
  }
  const bool greeted = co_await Greet();
  if (!greeted) co_return;
  while (!closing_) {
    if (stream_->shutdown_requested()) {
      Reply(replies::kShuttingDown);
      break;
    }
    stream_->set_read_timeout_ms(config_->limits.command_timeout_ms);
    Line line = co_await NextLine();
    if (line.kind == Line::Kind::kEnd) co_return;
    if (line.kind == Line::Kind::kError) {
      if (line.reply.close) {
        Log(LogLevel::kInfo, "smtp_framing_refused", "protocol", LogName(), "peer", peer_host_,
            "code", line.reply.code);
      }
      Reply(line.reply);
      continue;
    }
    CommandContext context;
    context.extensions = Extensions();
    context.smtputf8 = mail_params_.smtputf8;
    CommandResult command = ParseCommand(line.text, context);
    if (!command) {
      Reply(command.error());
      continue;
    }
    const bool go_on = co_await Dispatch(&*command);
    if (!go_on) co_return;
  }
  Result<void> flushed = co_await stream_->Flush();
  (void)flushed;  // the peer may be gone already; nothing more to tell it
}

Task<bool> SmtpSession::Greet() {
  if (config_->kind == ListenerKind::kRelay &&
      (config_->relay_networks == nullptr || !config_->relay_networks->Contains(stream_->peer()))) {
    Log(LogLevel::kInfo, "smtp_relay_refused", "peer", peer_host_);
    Reply(replies::kRelayNotAllowed);
    Result<void> flushed = co_await stream_->Flush();
    (void)flushed;
    co_return false;
  }
  if (config_->limits.greeting_delay_ms > 0) co_await Sleep(config_->limits.greeting_delay_ms);
  if (!stream_->buffered().empty()) {
    Log(LogLevel::kInfo, "smtp_early_talker", "protocol", LogName(), "peer", peer_host_);
    Reply(replies::kEarlyTalker);
    Result<void> flushed = co_await stream_->Flush();
    (void)flushed;
    co_return false;
  }
  const char* word = config_->kind == ListenerKind::kLmtp ? "LMTP" : "ESMTP";
  stream_->Write("220 " + config_->hostname + " " + word + " ringmail ready\r\n");
  co_return true;
}

Task<SmtpSession::Line> SmtpSession::NextLine() {
  while (true) {
    LineResult r = line_reader_.Next(stream_->buffered());
    if (r.status == LineStatus::kLine) {
      Line line{Line::Kind::kLine, std::string(r.line), {}};
      stream_->Consume(r.consumed);
      co_return line;
    }
    stream_->Consume(r.consumed);
    if (r.status == LineStatus::kError) co_return Line{Line::Kind::kError, {}, r.reply};
    const bool more = co_await WaitForInput();
    if (!more) co_return Line{};
  }
}

Task<bool> SmtpSession::WaitForInput() {
  Result<void> flushed = co_await stream_->Flush();
  if (!flushed) co_return false;
  Result<std::string_view> read = co_await stream_->Read();
  if (read) co_return true;
  if (HandleEnd(read.error())) {
    Result<void> last = co_await stream_->Flush();
    (void)last;
  }
  co_return false;
}

bool SmtpSession::HandleEnd(const Error& error) {
  switch (error.code) {
    case ErrorCode::kTimeout:
      Log(LogLevel::kInfo, "smtp_timeout", "protocol", LogName(), "peer", peer_host_);
      Reply(replies::kTimeout);
      return true;
    case ErrorCode::kShutdown: Reply(replies::kShuttingDown); return true;
    default: return false;  // closed or broken: nobody to answer
  }
}

bool SmtpSession::Reply(const SmtpReply& reply) {
  stream_->Write(FormatReply(reply));
  if (reply.close) closing_ = true;
  if (reply.code < 400 || reply.close) return true;
  if (++errors_ <= config_->limits.errors_max) return true;
  Log(LogLevel::kInfo, "smtp_too_many_errors", "protocol", LogName(), "peer", peer_host_, "errors",
      errors_);
  stream_->Write(FormatReply(replies::kTooManyErrors));
  closing_ = true;
  return false;
}

void SmtpSession::ReplyText(int code, std::string_view enhanced, std::string_view text) {
  std::string out = std::to_string(code);
  out += ' ';
  if (!enhanced.empty()) {
    out += enhanced;
    out += ' ';
  }
  out += text;
  out += "\r\n";
  stream_->Write(out);
}

uint32_t SmtpSession::Extensions() const {
  uint32_t e = kExtSize | kExt8BitMime | kExtSmtpUtf8 | kExtDsn;
  if (AuthOffered() && !TlsPending()) e |= kExtAuth;
  if (stream_->encrypted()) e |= kExtRequireTls;  // RFC 8689 §4.1: only over TLS
  return e;
}

const char* SmtpSession::ProtocolWord() const {
  // RFC 3848: with-protocol types.
  const bool tls = stream_->encrypted();
  if (config_->kind == ListenerKind::kLmtp) return tls ? "LMTPS" : "LMTP";
  if (!esmtp_) return "SMTP";
  if (principal_) return tls ? "ESMTPSA" : "ESMTPA";
  return tls ? "ESMTPS" : "ESMTP";
}

void SmtpSession::Reset() {
  sender_.reset();
  mail_params_ = {};
  recipients_.clear();
  bdat_.reset();
  bdat_body_.clear();
}

void SmtpSession::Hello(const SmtpCommand& command) {
  Reset();
  helo_ = command.helo;
  esmtp_ = command.verb != SmtpVerb::kHelo;
  if (!esmtp_) {
    ReplyText(250, "", config_->hostname);
    return;
  }
  std::string out = "250-" + config_->hostname + " Hello " + helo_ + "\r\n";
  out += "250-PIPELINING\r\n";
  out += "250-SIZE " + std::to_string(config_->limits.message_size_max) + "\r\n";
  out += "250-8BITMIME\r\n250-SMTPUTF8\r\n250-ENHANCEDSTATUSCODES\r\n250-CHUNKING\r\n";
  if (TlsPending()) out += "250-STARTTLS\r\n";
  if (stream_->encrypted()) out += "250-REQUIRETLS\r\n";
  if (AuthOffered() && !TlsPending()) {
    const std::string mechanisms = AuthMechanisms();
    if (!mechanisms.empty()) out += "250-AUTH " + mechanisms + "\r\n";
  }
  out += "250 DSN\r\n";
  stream_->Write(out);
}

namespace {
// The outcome of a command answered without waiting, as the task Dispatch returns.
Task<bool> Done(bool go_on) { co_return go_on; }
// A MAIL or RCPT handler (they never end the session) as that task.
Task<bool> GoOnAfter(Task<void> handler) {
  co_await handler;
  co_return true;
}
}  // namespace

// Not a coroutine: GCC 12 gives every co_await of a switch its own slot in the frame (and each
// argument temporary, here a command), so a coroutine dispatching with co_await in every case
// had a 2,376-byte frame, alive while any command ran — through a slow client's DATA. The
// handler's own frame holds only what it needs; Run awaits it once.
Task<bool> SmtpSession::Dispatch(SmtpCommand* command) {
  const bool lmtp = config_->kind == ListenerKind::kLmtp;
  switch (command->verb) {
    case SmtpVerb::kHelo:
    case SmtpVerb::kEhlo:
      if (lmtp) {
        Reply(replies::kWrongHello);
      } else {
        Hello(*command);
      }
      return Done(true);
    case SmtpVerb::kLhlo:
      if (!lmtp) {
        Reply(replies::kWrongHello);
      } else {
        Hello(*command);
      }
      return Done(true);
    case SmtpVerb::kRset:
      Reset();
      Reply(replies::kResetOk);
      return Done(true);
    case SmtpVerb::kNoop: Reply(replies::kOk); return Done(true);
    case SmtpVerb::kQuit: Reply(replies::kBye); return Done(true);
    case SmtpVerb::kHelp: Reply(replies::kHelp); return Done(true);
    case SmtpVerb::kVrfy: Reply(replies::kVrfy); return Done(true);
    case SmtpVerb::kExpn: Reply(replies::kNotImplemented); return Done(true);
    case SmtpVerb::kStarttls: return StartTls();
    default: break;
  }
  // BDAT's chunk must be read before it is refused, so Bdat() answers for itself.
  if (helo_.empty() && command->verb != SmtpVerb::kBdat) {
    Reply(lmtp ? replies::kLhloFirst : replies::kHelloFirst);
    return Done(true);
  }
  switch (command->verb) {
    case SmtpVerb::kMail: return GoOnAfter(Mail(std::move(*command)));
    case SmtpVerb::kRcpt: return GoOnAfter(Rcpt(std::move(*command)));
    case SmtpVerb::kData: return Data();
    case SmtpVerb::kBdat: return Bdat(std::move(*command));
    case SmtpVerb::kAuth: return Auth(std::move(*command));
    default: Reply(replies::kNotImplemented); return Done(true);
  }
}

}  // namespace ringmail::smtp
