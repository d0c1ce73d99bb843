// PipeStream: two in-memory Streams joined back to back, so two sessions — a client and a
// server, each with its own protocol code and, over them, TLS on either side — talk to each
// other on one reactor without a socket.
//
//   PipeStream pipe;
//   Spawn(Server(&pipe.server));
//   co_await Client(&pipe.client);   // each side closes its end when done
//
// Flush hands the bytes to the other end at once and wakes its waiting reader there and
// then (the reader runs until it waits again, then the flush completes). Close makes the
// other end's reads return kClosed once its input is consumed. One core.
#pragma once

#include <coroutine>
#include <string>
#include <string_view>
#include <utility>

#include "base/check.h"
#include "runtime/stream.h"

namespace ringmail::testing {

class PipeEnd final : public Stream {
 public:
  explicit PipeEnd(std::string_view peer) : peer_(SocketAddress::Parse(peer).value()) {}

  void Join(PipeEnd* other) { other_ = other; }
  // No more bytes from this end.
  void Close() {
    if (std::exchange(closed_, true)) return;
    other_->peer_closed_ = true;
    other_->WakeReader();
  }

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
  void set_read_timeout_ms(uint32_t) override {}
  bool shutdown_requested() const override { return false; }
  void InterruptRead() override {}

 protected:
  bool ReadReady() const override { return input_.size() > returned_ || peer_closed_; }
  void WaitForRead(std::coroutine_handle<> h) override { reader_ = h; }
  Result<std::string_view> TakeRead() override {
    if (input_.size() > returned_) {
      returned_ = input_.size();
      return std::string_view(input_);
    }
    return MakeError(ErrorCode::kClosed, "peer closed the pipe");
  }
  void StartFlush(std::coroutine_handle<> h) override {
    if (!closed_) {
      other_->input_.append(std::exchange(pending_, {}));
      other_->WakeReader();
    }
    h.resume();
  }
  Result<void> TakeFlushResult() override {
    pending_.clear();
    if (closed_) return MakeError(ErrorCode::kClosed, "pipe closed");
    return {};
  }

 private:
  void WakeReader() {
    if (reader_ && ReadReady()) std::exchange(reader_, nullptr).resume();
  }

  SocketAddress peer_;
  PipeEnd* other_ = nullptr;
  std::string input_;
  size_t returned_ = 0;
  std::string pending_;
  bool closed_ = false;
  bool peer_closed_ = false;
  std::coroutine_handle<> reader_;
};

struct PipeStream {
  PipeStream() {
    client.Join(&server);
    server.Join(&client);
  }
  PipeEnd client{"127.0.0.1:40000"};
  PipeEnd server{"127.0.0.1:25"};
};

}  // namespace ringmail::testing
