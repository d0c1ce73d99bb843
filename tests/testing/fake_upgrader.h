// FakeUpgrader: a StreamUpgrader for STARTTLS tests of the IMAP and SMTP sessions over
// ScriptStreams. Upgrade() returns a second ScriptStream, tls(), that reports encrypted() and
// a tls_summary, and records what the plain stream held at that moment, so that a test can
// prove the order the StreamUpgrader contract requires: the go-ahead reply flushed, and the
// input the client pipelined behind the command discarded, before the handshake.
//
//   ScriptStream plain;
//   FakeUpgrader upgrader(&plain);
//   Session session(&services, &plain, &upgrader);
//   ... "a STARTTLS" on plain, then co_await upgrader.tls().Exchange("b CAPABILITY\r\n")
//
// After a successful upgrade the plain stream's Idle, Ended and CloseInput follow tls()
// (ScriptStream::ContinuedBy), so a client wrapper written for one stream keeps working.
// fail(): the next Upgrade fails like a broken handshake. One session, one core.
#pragma once

#include <cstddef>
#include <string>

#include "runtime/stream.h"
#include "runtime/task.h"
#include "testing/script_stream.h"

namespace ringmail::testing {

class FakeUpgrader final : public StreamUpgrader {
 public:
  static constexpr const char* kSummary = "TLS1.3 TLS_AES_128_GCM_SHA256";

  explicit FakeUpgrader(ScriptStream* plain) : plain_(plain), tls_(plain->peer()) {
    tls_.set_encrypted(true);
    tls_.set_tls_summary(kSummary);
  }

  Task<Result<Stream*>> Upgrade() override {
    ++upgrades_;
    unflushed_at_upgrade_ = plain_->pending_output();
    unconsumed_at_upgrade_ = plain_->buffered().size();
    if (fail_) co_return MakeError(ErrorCode::kIo, "TLS handshake failed (test)");
    plain_->ContinuedBy(&tls_);
    co_return &tls_;
  }

  void fail() { fail_ = true; }
  ScriptStream& tls() { return tls_; }
  int upgrades() const { return upgrades_; }
  // At the last Upgrade: reply bytes not flushed yet, and client bytes not consumed.
  size_t unflushed_at_upgrade() const { return unflushed_at_upgrade_; }
  size_t unconsumed_at_upgrade() const { return unconsumed_at_upgrade_; }

 private:
  ScriptStream* plain_;
  ScriptStream tls_;
  bool fail_ = false;
  int upgrades_ = 0;
  size_t unflushed_at_upgrade_ = 0;
  size_t unconsumed_at_upgrade_ = 0;
};

}  // namespace ringmail::testing
