#include "queue/smtp_hello.h"

#include "base/ascii.h"
#include "base/encoding.h"

namespace ringmail::smtp_internal {
namespace {

// The next complete line in `stream`'s buffer ("" and false when none yet).
bool TakeLine(Stream* stream, std::string* line) {
  const std::string_view in = stream->buffered();
  const size_t end = in.find("\r\n");
  if (end == std::string_view::npos) return false;
  line->assign(in.substr(0, end));
  stream->Consume(end + 2);
  return true;
}

// Records why the opening ended (a retry: no reply code) and returns the error that ends it.
std::unexpected<Error> Failed(Reply* failed, std::string reason) {
  failed->error = std::move(reason);
  return std::unexpected(Error{ErrorCode::kIo, "hello", 0});
}

// The TLS handshake over the session's stream; the session goes on over TLS.
Task<Result<void>> StartTls(SmarthostSession* s, const SmtpClientOptions* options, Reply* failed) {
  s->tls = std::make_unique<TlsStream>(*s->stream, options->tls_context, options->host);
  Result<void> shaken = co_await s->tls->Handshake(
      options->handshake_timeout_ms, static_cast<uint32_t>(options->command_timeout_ms));
  if (!shaken) {
    co_return Failed(failed, "TLS handshake failed: " + shaken.error().message);
  }
  s->stream = s->tls.get();
  co_return Result<void>{};
}

// EHLO, or HELO when EHLO is refused (no extensions then).
Task<Result<Extensions>> Greet(Stream* stream, const SmtpClientOptions* options, Reply* failed) {
  Reply ehlo = co_await Command(stream, "EHLO " + options->helo_name);
  Extensions ext;
  if (ehlo.ok() && ehlo.code >= 500) {
    ehlo = co_await Command(stream, "HELO " + options->helo_name);
  } else if (ehlo.ok()) {
    ext = ParseEhlo(ehlo);
  }
  if (!ehlo.ok() || ehlo.code != 250) {
    *failed = std::move(ehlo);
    co_return MakeError(ErrorCode::kIo, "ehlo");
  }
  co_return ext;
}

Task<Result<void>> Authenticate(Stream* stream, const SmtpClientOptions* options, Reply* failed) {
  if (!stream->encrypted() && !options->auth_without_tls) {
    co_return Failed(failed,
                     "AUTH refused over a plain connection (smarthost-auth-without-tls = false)");
  }
  std::string plain;
  plain.push_back('\0');
  plain += options->user;
  plain.push_back('\0');
  plain += options->password;
  Reply auth = co_await Command(stream, "AUTH PLAIN " + Base64(plain));
  if (!auth.ok() || auth.code / 100 != 2) {  // 235; smtp-sink says 250
    // Refused credentials are the operator's to fix: retry rather than bounce.
    if (auth.ok()) auth.code = 400 + auth.code % 100;
    *failed = std::move(auth);
    co_return MakeError(ErrorCode::kIo, "auth");
  }
  co_return Result<void>{};
}

}  // namespace

Task<Reply> ReadReply(Stream* stream) {
  Reply reply;
  for (;;) {
    std::string line;
    if (!TakeLine(stream, &line)) {
      if (stream->buffered().size() > kSmtpReplyLineSizeMax) {
        reply.error = "reply line too long";
        co_return reply;
      }
      Result<std::string_view> read = co_await stream->Read();
      if (!read) {
        reply.error = "connection: " + read.error().ToString();
        co_return reply;
      }
      continue;
    }
    const std::optional<SmtpReplyLine> parsed = ParseSmtpReplyLine(line);
    if (!parsed || (reply.code != 0 && parsed->code != reply.code) ||
        reply.lines.size() >= kSmtpReplyLinesMax) {
      reply.error = "malformed reply from the smarthost";
      co_return reply;
    }
    reply.code = parsed->code;
    reply.lines.emplace_back(parsed->text);
    if (parsed->last) co_return reply;
  }
}

Task<Reply> Command(Stream* stream, std::string line) {
  stream->Write(line);
  stream->Write("\r\n");
  Result<void> flushed = co_await stream->Flush();
  if (!flushed) {
    Reply r;
    r.error = "connection: " + flushed.error().ToString();
    co_return r;
  }
  Reply reply = co_await ReadReply(stream);
  co_return reply;
}

Extensions ParseEhlo(const Reply& r) {
  Extensions e;
  for (size_t i = 1; i < r.lines.size(); ++i) {
    const std::string lower = AsciiLowerString(r.lines[i]);
    const std::string_view word = std::string_view(lower).substr(0, lower.find(' '));
    e.size |= word == "size";
    e.smtputf8 |= word == "smtputf8";
    e.dsn |= word == "dsn";
    e.eightbitmime |= word == "8bitmime";
    e.starttls |= word == "starttls";
    e.requiretls |= word == "requiretls";
    if (word == "auth") e.auth_plain |= (" " + lower + " ").find(" plain ") != std::string::npos;
  }
  return e;
}

Task<Result<Extensions>> Hello(SmarthostSession* s, const SmtpClientOptions* options,
                               Reply* failed) {
  if (options->tls == SmarthostTls::kImplicit) {
    Result<void> started = co_await StartTls(s, options, failed);
    if (!started) co_return std::unexpected(started.error());
  }
  Reply greeting = co_await ReadReply(s->stream);
  if (!greeting.ok() || greeting.code != 220) {
    *failed = std::move(greeting);
    co_return MakeError(ErrorCode::kIo, "greeting");
  }
  Result<Extensions> ext = co_await Greet(s->stream, options, failed);
  if (!ext) co_return ext;
  if (options->tls == SmarthostTls::kStartTls) {
    if (!ext->starttls) {
      co_return Failed(failed, "STARTTLS not offered (smarthost-tls = starttls)");
    }
    Reply go = co_await Command(s->stream, "STARTTLS");
    if (!go.ok() || go.code != 220) {
      if (go.ok()) go.code = 400 + go.code % 100;  // a retry: TLS is required
      *failed = std::move(go);
      co_return MakeError(ErrorCode::kIo, "starttls");
    }
    Result<void> started = co_await StartTls(s, options, failed);
    if (!started) co_return std::unexpected(started.error());
    ext = co_await Greet(s->stream, options, failed);  // RFC 3207 §4.2: forget what was said
    if (!ext) co_return ext;
  }
  if (!options->user.empty()) {
    Result<void> authed = co_await Authenticate(s->stream, options, failed);
    if (!authed) co_return std::unexpected(authed.error());
  }
  co_return ext;
}

}  // namespace ringmail::smtp_internal
