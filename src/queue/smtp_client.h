// SmtpClient: one SMTP transaction to the smarthost (RFC 5321) with per-recipient outcomes,
// on the runtime (no blocking call; a DNS name is resolved on the worker pool).
//
// EHLO (HELO when EHLO is refused), AUTH PLAIN when credentials are configured, MAIL FROM with
// SIZE / SMTPUTF8 / BODY=8BITMIME / RET and ENVID when the server offers them, one RCPT per
// recipient (with NOTIFY and ORCPT under DSN), DATA with dot-stuffing, QUIT. Outcomes are
// values: 2xx delivered, 4xx retry, 5xx failed (bounce); a connection that fails or breaks
// before the final reply is a retry for every recipient not yet decided.
//
// TLS (`tls`): STARTTLS after EHLO (and EHLO again over TLS), or TLS from the first byte
// (implicit, RFC 8314), or none. A handshake that fails, a certificate that is not verified,
// or STARTTLS not offered is a retry with the reason as the reply. AUTH is sent only over TLS
// unless `auth_without_tls`. A message that requires TLS (RFC 8689 REQUIRETLS) is sent only
// over TLS whose certificate was verified to a smarthost that offers REQUIRETLS (MAIL FROM
// carries it on); otherwise it fails (5.7.10) without being sent.
//
// Runs on the calling reactor core; the options must outlive the call.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/socket_address.h"
#include "runtime/connection.h"
#include "runtime/stream.h"
#include "runtime/task.h"
#include "runtime/worker_pool.h"
#include "store/metadata_store.h"
#include "tls/client_context.h"

namespace ringmail {

enum class SmarthostTls : uint8_t { kNone, kStartTls, kImplicit };

struct SmtpClientOptions {
  std::string host;  // a DNS name or a numeric address (no brackets)
  uint16_t port = 25;
  std::string user;  // "" : no AUTH
  std::string password;
  std::string helo_name = "localhost";  // our host name, in EHLO
  SmarthostTls tls = SmarthostTls::kNone;
  // The client's TLS policy (CA, verification). REQUIRES: set unless tls is kNone.
  std::shared_ptr<const TlsClientContext> tls_context;
  bool auth_without_tls = false;  // send AUTH PLAIN over a plain connection too
  uint32_t handshake_timeout_ms = 30000;
  WorkerPool* workers = nullptr;  // resolves `host` when it is a name
  uint64_t connect_timeout_ms = 30000;
  uint64_t command_timeout_ms = 300000;  // RFC 5321 §4.5.3.2: at least 5 minutes
};

// What one transaction sends: a queued message's envelope and bytes.
struct SmtpEnvelope {
  std::string sender;  // "" : <>
  std::vector<QueueRecipientRecord> recipients;
  std::string envid;
  bool return_full = false;
  bool smtputf8 = false;
  bool requiretls = false;
};

struct SmtpRecipientResult {
  std::string address;
  QueueOutcomeKind kind = QueueOutcomeKind::kRetry;  // kRetry: 4xx or no answer
  std::string reply;                                 // "550 5.1.1 unknown", "connect: ..."
  std::string tls;       // the hop's "TLS1.3 TLS_AES_128_GCM_SHA256"; "" when plain or not reached
  bool hop_dsn = false;  // the hop offers DSN (took NOTIFY/ORCPT): success notices are its job
};

inline constexpr size_t kSmtpReplyLinesMax = 100;      // lines of one (multi-line) reply
inline constexpr size_t kSmtpReplyLineSizeMax = 4096;  // bytes of one reply line

// Ends a SendViaSmarthost at once from outside (shutdown): the connection in use is closed
// under it, and every undecided recipient is a retry. Lives on the sender's core.
struct SmtpAbort {
  Connection* active = nullptr;  // set by SendViaSmarthost while connected
  bool aborted = false;
  void Abort() {
    aborted = true;
    if (active != nullptr) active->ForceClose();
  }
};

// Connects to the smarthost (every address of its name in turn), runs the transaction and
// closes. One result per recipient, in the envelope's order. `abort` (may be null) must
// outlive the call.
Task<std::vector<SmtpRecipientResult>> SendViaSmarthost(const SmtpClientOptions* options,
                                                        SmtpEnvelope envelope, std::string message,
                                                        SmtpAbort* abort = nullptr);

// The transaction on a connected stream (the TLS handshake first when implicit, else the
// greeting), without closing it; a TLS session it started is ended (close_notify) and gone
// when it returns. For tests and for SendViaSmarthost.
Task<std::vector<SmtpRecipientResult>> RunSmtpTransaction(Stream* stream,
                                                          const SmtpClientOptions* options,
                                                          const SmtpEnvelope* envelope,
                                                          const std::string* message);

// One line of a server reply (without its CRLF): "250-text" / "250 text" / "250". nullopt for
// anything else, including codes outside 200..599. Pure.
struct SmtpReplyLine {
  int code = 0;
  bool last = false;      // "250 " or "250": the reply's final line
  std::string_view text;  // after the separator; a view into the line
};
std::optional<SmtpReplyLine> ParseSmtpReplyLine(std::string_view line);

// `message` (CRLF line ends) dot-stuffed and ended with "\r\n.\r\n" (RFC 5321 §4.5.2); a
// message that does not end in CRLF gets one.
std::string DotStuff(std::string_view message);

}  // namespace ringmail
