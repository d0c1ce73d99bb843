// IDLE (RFC 2177, RFC 9051 §6.3.13): "+ idling", then every change the hub announces is
// written as it happens (MailboxChanged interrupts the waiting Read), until the client sends
// DONE or the IDLE lasted idle_duration_max_ms (then BYE).
#include "imap/client_line.h"
#include "imap/session.h"

namespace ringmail::imap {

Task<void> Session::Idle(std::string tag) {
  Write("+ idling\r\n");
  bool ok = co_await FlushOut();
  if (!ok) {
    state_ = State::kLogout;
    co_return;
  }
  idling_ = true;
  const uint64_t deadline = MonotonicMs() + services_->limits.idle_duration_max_ms;
  while (true) {
    if (selected_ && change_pending_) {
      Result<void> synced = co_await Sync(true, false);
      (void)synced;  // retried at the next wake-up or after DONE
      ok = co_await FlushOut();
      if (!ok) break;
    }
    LineResult line = ReadClientLine(stream_->buffered(), services_->limits.reader.line_size_max);
    if (line.state == LineState::kDone) {
      const bool done = IsIdleDone(line.line);
      stream_->Consume(line.consumed);
      idling_ = false;
      stream_->set_read_timeout_ms(services_->limits.idle_timeout_ms);
      if (done) {
        Tagged(tag, "OK", "IDLE terminated");
      } else {
        Tagged(tag, "BAD", "Expected DONE");
      }
      co_return;
    }
    if (line.state == LineState::kTooLong) {
      Untagged("BYE Line too long");
      break;
    }
    const uint64_t now = MonotonicMs();
    if (now >= deadline) {
      Untagged("BYE IDLE for too long");
      break;
    }
    stream_->set_read_timeout_ms(static_cast<uint32_t>(deadline - now));
    Result<std::string_view> got = co_await stream_->Read();
    if (!got && got.error().code != ErrorCode::kCancelled &&
        got.error().code != ErrorCode::kTimeout) {
      if (got.error().code == ErrorCode::kShutdown) Untagged("BYE Server shutting down");
      break;
    }
  }
  idling_ = false;
  state_ = State::kLogout;
}

}  // namespace ringmail::imap
