// STARTTLS (RFC 3207) through the listener's StreamUpgrader (runtime/stream.h).
//
// Order matters: the 220 is flushed in clear, then every byte the client sent behind the
// command is discarded (CVE-2011-0411: a man in the middle appends commands that would
// otherwise run inside the TLS session, with the client's credentials), then the handshake.
// Afterwards the session is back where the greeting left it (RFC 3207 §4.2): no HELO name, no
// transaction, no authentication; no second greeting is sent.
#include "base/log.h"
#include "smtp/session.h"
#include "smtp/session_replies.h"

namespace ringmail::smtp {

Task<bool> SmtpSession::StartTls() {
  if (stream_->encrypted()) {
    Reply(replies::kTlsAlreadyActive);
    co_return true;
  }
  if (starttls_ == nullptr) {
    Reply(replies::kStartTlsUnavailable);
    co_return true;
  }
  Reply(replies::kStartTlsReady);
  Result<void> flushed = co_await stream_->Flush();
  if (!flushed) co_return false;
  const size_t injected = stream_->buffered().size();
  stream_->Consume(injected);
  line_reader_ = LineReader(config_->bare_newlines, config_->limits.lines);
  if (injected > 0) {
    Log(LogLevel::kInfo, "smtp_starttls_discarded", "protocol", LogName(), "peer", peer_host_,
        "bytes", injected);
  }
  Result<Stream*> upgraded = co_await starttls_->Upgrade();
  if (!upgraded) {
    // The connection is unusable: nothing more can be said on it.
    Log(LogLevel::kInfo, "smtp_starttls_failed", "protocol", LogName(), "peer", peer_host_, "error",
        upgraded.error().ToString());
    co_return false;
  }
  stream_ = *upgraded;
  Reset();
  helo_.clear();
  esmtp_ = false;
  principal_.reset();
  Log(LogLevel::kInfo, "smtp_starttls", "protocol", LogName(), "peer", peer_host_, "tls",
      stream_->tls_summary());
  co_return true;
}

}  // namespace ringmail::smtp
