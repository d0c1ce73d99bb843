// ScriptStream: an in-memory Stream for protocol tests that drive a session without a socket
// (STYLE.md: `Run("a1 SELECT INBOX")`). The test plays the client: Send() hands the session
// bytes, `co_await Idle()` waits until the session has handled them (it waits for more input,
// or it ended), TakeOutput() returns what it wrote. Store calls inside the session complete on
// the reactor as usual, so run the test under testing::RunOnReactor.
//
//   ScriptStream stream;
//   Spawn(RunSession(session, stream));            // the test's wrapper calls stream.Ended()
//   co_await stream.Idle();                        // greeting written
//   EXPECT_EQ(co_await stream.Exchange("a1 NOOP\r\n"), "a1 OK NOOP completed\r\n");
//
// Flush completes at once. One session, one core.
#pragma once

#include <coroutine>
#include <string>
#include <string_view>
#include <utility>

#include "base/check.h"
#include "runtime/awaitables.h"
#include "runtime/stream.h"
#include "runtime/task.h"

namespace ringmail::testing {

class ScriptStream final : public Stream {
 public:
  explicit ScriptStream(SocketAddress peer = SocketAddress::Parse("127.0.0.1:40000").value())
      : peer_(peer) {}

  // Client side.
  // Appends client bytes and lets a waiting session run with them.
  void Send(std::string_view bytes) {
    input_.append(bytes);
    WakeReader();
  }
  // The client closes its side: Read returns kClosed once the input is consumed.
  void CloseInput() {
    closed_ = true;
    WakeReader();
    if (next_ != nullptr) next_->CloseInput();
  }
  // What the session wrote (and flushed) since the last call.
  std::string TakeOutput() { return std::exchange(output_, {}); }
  // The session coroutine has returned (the test's wrapper calls Ended()).
  void Ended() {
    ended_ = true;
    if (next_ != nullptr) next_->Ended();
  }
  bool ended() const { return ended_; }

  // STARTTLS (fake_upgrader.h): the session went on over `next`. From now on Idle() also
  // completes when the session waits on `next`, and Ended() and CloseInput() reach it, so a
  // test's wrapper around this stream keeps working.
  void ContinuedBy(ScriptStream* next) { next_ = next; }

  // Completes when the session waits for input it has not got, or has ended. It looks from
  // the reactor's loop (a 1 ms timer), never from inside the session's own suspension: resumed
  // there, a test could end and destroy what the session is still standing on.
  Task<void> Idle() {
    while (!IdleNow()) co_await Sleep(1);
  }

  // Send, wait until handled, and return the output.
  Task<std::string> Exchange(std::string bytes) {
    Send(bytes);
    co_await Idle();
    co_return TakeOutput();
  }

  void set_encrypted(bool encrypted) { encrypted_ = encrypted; }
  void set_tls_summary(std::string summary) { tls_summary_ = std::move(summary); }
  void RequestShutdown() {
    shutdown_ = true;
    WakeReader();
  }
  uint32_t read_timeout_ms() const { return read_timeout_ms_; }

  // Stream.
  std::string_view buffered() override {
    returned_ = input_.size();
    return input_;
  }
  void Consume(size_t n) override {
    CHECK(n <= input_.size());
    input_.erase(0, n);
    returned_ = returned_ > n ? returned_ - n : 0;
  }
  void Write(std::string_view bytes) override { pending_.append(bytes); }
  size_t pending_output() const override { return pending_.size(); }
  const SocketAddress& peer() const override { return peer_; }
  bool encrypted() const override { return encrypted_; }
  std::string_view tls_summary() const override { return tls_summary_; }
  void set_read_timeout_ms(uint32_t ms) override { read_timeout_ms_ = ms; }
  bool shutdown_requested() const override { return shutdown_; }
  void InterruptRead() override {
    if (!reader_) return;
    interrupted_ = !ReadReady();
    std::exchange(reader_, nullptr).resume();
  }

 protected:
  bool ReadReady() const override {
    return input_.size() > returned_ || closed_ || (shutdown_ && input_.empty());
  }
  void WaitForRead(std::coroutine_handle<> h) override { reader_ = h; }
  Result<std::string_view> TakeRead() override {
    if (std::exchange(interrupted_, false)) {
      return MakeError(ErrorCode::kCancelled, "read interrupted");
    }
    if (input_.size() > returned_) {
      returned_ = input_.size();
      return std::string_view(input_);
    }
    if (closed_) return MakeError(ErrorCode::kClosed, "peer closed the connection");
    return MakeError(ErrorCode::kShutdown, "server shutting down");
  }
  void StartFlush(std::coroutine_handle<> h) override {
    output_.append(std::exchange(pending_, {}));
    h.resume();
  }
  Result<void> TakeFlushResult() override {
    output_.append(std::exchange(pending_, {}));
    return {};
  }

 private:
  bool IdleNow() const {
    return ended_ || (reader_ && !ReadReady()) || (next_ != nullptr && next_->IdleNow());
  }
  void WakeReader() {
    if (reader_ && ReadReady()) std::exchange(reader_, nullptr).resume();
  }

  SocketAddress peer_;
  std::string input_;
  size_t returned_ = 0;
  std::string pending_;
  std::string output_;
  bool closed_ = false;
  bool shutdown_ = false;
  bool ended_ = false;
  bool encrypted_ = false;
  std::string tls_summary_;
  ScriptStream* next_ = nullptr;  // ContinuedBy
  bool interrupted_ = false;
  uint32_t read_timeout_ms_ = 0;
  std::coroutine_handle<> reader_;
};

}  // namespace ringmail::testing
