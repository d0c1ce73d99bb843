#include "imap/deflate_stream.h"

#include <exception>
#include <utility>

#include "base/check.h"

namespace ringmail::imap {

struct DeflateStream::Pump::promise_type {
  Pump get_return_object() noexcept {
    return Pump{std::coroutine_handle<promise_type>::from_promise(*this)};
  }
  std::suspend_always initial_suspend() noexcept { return {}; }
  std::suspend_always final_suspend() noexcept { return {}; }
  void return_void() noexcept {}
  void unhandled_exception() noexcept { std::terminate(); }
};

namespace {

// Suspends the pump and resumes `next` (the reader) by symmetric transfer.
struct ResumeReader {
  std::coroutine_handle<> next;
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<>) const noexcept { return next; }
  void await_resume() const noexcept {}
};

constexpr size_t kScratchKeptMax = 16 * 1024;  // compressed_'s capacity kept between flushes

}  // namespace

Result<std::unique_ptr<DeflateStream>> DeflateStream::Create(Stream& transport) {
  auto stream = std::make_unique<DeflateStream>(transport);
  if (!stream->inflater_.ok() || !stream->deflater_.ok()) {
    return MakeError(ErrorCode::kUnavailable, "zlib could not allocate its state");
  }
  return stream;
}

DeflateStream::~DeflateStream() {
  if (pump_) pump_.destroy();
}

// ---- Reading ----

void DeflateStream::SetError(Error error) {
  if (has_error_) return;
  has_error_ = true;
  error_ = std::move(error);
}

void DeflateStream::Inflate() {
  if (has_error_ || inflater_.finished() || plain_.size() >= kPlaintextMax) return;
  Result<size_t> used = inflater_.Inflate(transport_.buffered(), &plain_, kPlaintextMax);
  if (!used) {
    SetError(std::move(used.error()));
    return;
  }
  transport_.Consume(*used);
  if (inflater_.finished()) {
    SetError(MakeError(ErrorCode::kClosed, "peer ended the compressed stream").error());
  }
}

DeflateStream::Pump DeflateStream::ReadPump() {
  for (;;) {
    // Resumed by WaitForRead: a reader waits and nothing is ready for it.
    Result<std::string_view> in = co_await transport_.Read();
    if (in) {
      Inflate();
    } else {
      SetError(in.error());
    }
    if (ReadReady()) co_await ResumeReader{std::exchange(reader_, nullptr)};
  }
}

void DeflateStream::WaitForRead(std::coroutine_handle<> h) {
  DCHECK(!reader_);
  Inflate();  // what is already there: input beyond kPlaintextMax, or held back by zlib
  if (ReadReady()) {
    h.resume();
    return;
  }
  reader_ = h;
  if (!pump_) pump_ = ReadPump().handle;
  pump_.resume();
}

Result<std::string_view> DeflateStream::TakeRead() {
  if (plain_.size() > returned_) {
    returned_ = plain_.size();
    return plain_.readable();
  }
  if (has_error_) {
    has_error_ = false;
    return std::unexpected(std::move(error_));
  }
  return MakeError(ErrorCode::kInternal, "deflate read woke without a reason");
}

std::string_view DeflateStream::buffered() {
  returned_ = plain_.size();
  return plain_.readable();
}

void DeflateStream::Consume(size_t n) {
  CHECK(n <= returned_ && n <= plain_.size());
  plain_.Consume(n);
  returned_ -= n;
}

// ---- Writing ----

void DeflateStream::Write(std::string_view bytes) {
  if (bytes.empty() || write_failed_) return;
  compressed_.clear();
  Result<void> r = deflater_.Deflate(bytes, /*sync=*/false, &compressed_);
  unflushed_ = true;  // a failure too: the next Flush reports it
  if (!r) {
    write_failed_ = true;
    return;
  }
  if (!compressed_.empty()) transport_.Write(compressed_);
}

void DeflateStream::StartFlush(std::coroutine_handle<> h) {
  if (unflushed_ && !write_failed_) {
    compressed_.clear();
    Result<void> r = deflater_.Deflate({}, /*sync=*/true, &compressed_);
    if (r) {
      transport_.Write(compressed_);
    } else {
      write_failed_ = true;
    }
    if (compressed_.capacity() > kScratchKeptMax) compressed_ = std::string();
  }
  unflushed_ = false;
  flush_ = transport_.Flush();
  flush_ready_ = flush_.await_ready();
  if (flush_ready_) {
    h.resume();
    return;
  }
  flush_.await_suspend(h);
}

Result<void> DeflateStream::TakeFlushResult() {
  Stream::FlushAwaiter flush = std::exchange(flush_, Stream::FlushAwaiter{nullptr});
  if (write_failed_) return MakeError(ErrorCode::kIo, "deflate failed");
  if (flush.s == nullptr || flush_ready_) return {};
  return flush.await_resume();
}

}  // namespace ringmail::imap
