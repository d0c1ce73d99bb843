// The opening of a smarthost session (smtp_client.h): replies, commands, the greeting, EHLO,
// TLS (implicit or STARTTLS) and AUTH. Internal to queue/.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "queue/smtp_client.h"
#include "runtime/stream.h"
#include "runtime/task.h"
#include "tls/tls_stream.h"

namespace ringmail::smtp_internal {

// One reply: its code and lines (without the code), or a failure to get one (`error`).
struct Reply {
  int code = 0;
  std::vector<std::string> lines;
  std::string error;  // "" when a reply was read

  bool ok() const { return error.empty(); }
  // "250 2.0.0 Ok" (the last line), or the error.
  std::string Text() const {
    if (!ok()) return error;
    return std::to_string(code) + (lines.empty() ? "" : " " + lines.back());
  }
};

// Reads one (multi-line) reply within the limits of smtp_client.h.
Task<Reply> ReadReply(Stream* stream);
// Sends `line` and CRLF, then reads the reply.
Task<Reply> Command(Stream* stream, std::string line);

// What the smarthost's EHLO reply offers.
struct Extensions {
  bool size = false, smtputf8 = false, dsn = false, eightbitmime = false, auth_plain = false;
  bool starttls = false, requiretls = false;
};
Extensions ParseEhlo(const Reply& r);

// The session's stream: the transport, or the TLS session over it once started (owned here,
// so it lives as long as the transaction).
struct SmarthostSession {
  Stream* stream = nullptr;
  std::unique_ptr<TlsStream> tls;
};

// The TLS handshake (implicit TLS) or greeting first, EHLO (HELO when EHLO is refused),
// STARTTLS and EHLO again when asked for, AUTH. Returns the extensions of the last EHLO, or
// fills `failed` with the reply (or the reason, as an error) that ended it.
Task<Result<Extensions>> Hello(SmarthostSession* session, const SmtpClientOptions* options,
                               Reply* failed);

}  // namespace ringmail::smtp_internal
