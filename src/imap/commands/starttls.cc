// STARTTLS (RFC 9051 §6.2.1, RFC 3501 §6.2.1; the StreamUpgrader contract in
// runtime/stream.h).
//
// Order matters: the tagged OK is flushed in clear, then every byte the client sent behind the
// command is discarded (RFC 9051 §6.2.1 option 2; CVE-2011-0411: a man in the middle appends
// commands that would otherwise run inside the TLS session), then the handshake. The OK
// carries no CAPABILITY code: it travels before the handshake and the client must discard
// what it learnt in clear. The client asks again (CAPABILITY), and the OK of LOGIN or
// AUTHENTICATE carries the list, as before.
#include "base/log.h"
#include "imap/session.h"

namespace ringmail::imap {

Task<void> Session::StartTls(Command c) {
  if (stream_->encrypted()) {
    // Implicit TLS, or a second STARTTLS: RFC 9051 §6.2.1 says BAD.
    Tagged(c.tag, "BAD", "TLS is already active");
    co_return;
  }
  if (starttls_ == nullptr) {
    Tagged(c.tag, "NO", "STARTTLS is not available on this port");
    co_return;
  }
  Write(c.tag + " OK Begin TLS negotiation now\r\n");
  const bool flushed = co_await FlushOut();
  if (!flushed) {
    state_ = State::kLogout;
    co_return;
  }
  const size_t injected = stream_->buffered().size();
  stream_->Consume(injected);
  if (injected > 0) {
    Log(LogLevel::kInfo, "imap_starttls_discarded", "peer", stream_->peer().Host(), "bytes",
        injected);
  }
  Result<Stream*> upgraded = co_await starttls_->Upgrade();
  if (!upgraded) {
    Log(LogLevel::kInfo, "imap_starttls_failed", "peer", stream_->peer().Host(), "error",
        upgraded.error().ToString());
    state_ = State::kLogout;  // the connection is unusable: no BYE can be sent
    co_return;
  }
  stream_ = *upgraded;
  stream_->set_read_timeout_ms(services_->limits.login_timeout_ms);
  bad_in_a_row_ = 0;
  Log(LogLevel::kInfo, "imap_starttls", "peer", stream_->peer().Host(), "tls",
      stream_->tls_summary());
}

}  // namespace ringmail::imap
