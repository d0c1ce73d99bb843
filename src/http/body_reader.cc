#include "http/body_reader.h"

#include <algorithm>

#include "base/check.h"

namespace ringmail::http {
namespace {

// A chunked body is fed to the decoder at most this much (or piece_max, if larger) at a time,
// so that one Read decodes a bounded amount. It exceeds the longest chunk-size line and
// trailer line (ChunkedLimits), so a whole line always fits and every Feed makes progress.
constexpr size_t kChunkedSliceMin = 16 * 1024;

ChunkedLimits DecoderLimits(uint64_t size_max) {
  ChunkedLimits limits;
  limits.body_size_max = size_max;
  return limits;
}

}  // namespace

BodyReader::BodyReader(Stream* stream, const Framing& framing)
    : stream_(stream), framing_(framing), decoder_(DecoderLimits(framing.size_max)) {
  static_assert(kChunkedSliceMin >
                ChunkedLimits{}.line_size_max + ChunkedLimits{}.trailer_size_max);
  done_ = !framing_.chunked && framing_.content_length == 0;
}

void BodyReader::set_size_max(uint64_t size_max) {
  CHECK(!started_, "BodyReader::set_size_max after the first Read");
  framing_.size_max = size_max;
  decoder_ = ChunkedDecoder(DecoderLimits(size_max));
}

std::unexpected<Error> BodyReader::Fail(int status, const char* reason) {
  failed_status_ = status;
  failed_reason_ = reason;
  return MakeError(status == 0 ? ErrorCode::kClosed : ErrorCode::kInvalidArgument, reason);
}

Task<Result<bool>> BodyReader::Read(std::string* out, size_t piece_max) {
  DCHECK(piece_max > 0);
  if (*failed_reason_ != '\0') co_return MakeError(ErrorCode::kInvalidArgument, failed_reason_);
  if (done_) co_return false;
  if (!started_) {
    started_ = true;
    if (!framing_.chunked && framing_.content_length > framing_.size_max) {
      co_return Fail(413, "request body too large");
    }
    // Only now does the client learn it may send: a handler that refused from the head
    // answered its final status instead (RFC 9110 §10.1.1).
    if (framing_.expect_continue && stream_->buffered().empty()) {
      stream_->Write("HTTP/1.1 100 Continue\r\n\r\n");
    }
  }
  for (;;) {
    const size_t before = out->size();
    Result<void> took = TakeBuffered(out, piece_max);
    if (!took) co_return std::unexpected(took.error());
    if (out->size() > before) co_return true;
    if (done_) co_return false;
    Result<void> more = co_await WaitForInput();
    if (!more) co_return std::unexpected(more.error());
  }
}

Result<void> BodyReader::TakeBuffered(std::string* out, size_t piece_max) {
  const std::string_view data = stream_->buffered();
  if (!framing_.chunked) {
    const size_t take =
        std::min<uint64_t>({data.size(), framing_.content_length - bytes_read_, piece_max});
    out->append(data.substr(0, take));
    stream_->Consume(take);
    bytes_read_ += take;
    done_ = bytes_read_ == framing_.content_length;
    return {};
  }
  const ParseResult r = decoder_.Feed(data.substr(0, std::max(piece_max, kChunkedSliceMin)), out);
  if (r.state == ParseState::kError) return Fail(r.status, r.reason);
  stream_->Consume(r.consumed);
  bytes_read_ = decoder_.body_size();
  done_ = r.state == ParseState::kDone;
  return {};
}

Task<Result<void>> BodyReader::WaitForInput() {
  if (stream_->pending_output() > 0) {
    Result<void> flushed = co_await stream_->Flush();
    if (!flushed) co_return Fail(0, "the client left");
  }
  stream_->set_read_timeout_ms(framing_.progress_timeout_ms);
  Result<std::string_view> input = co_await stream_->Read();
  if (input) co_return Result<void>{};
  if (input.error().code == ErrorCode::kTimeout) co_return Fail(408, "request body stalled");
  co_return Fail(0, "the client left");
}

}  // namespace ringmail::http
