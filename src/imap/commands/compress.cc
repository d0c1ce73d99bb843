// COMPRESS DEFLATE (RFC 4978): after the tagged OK, sent and flushed uncompressed, both
// directions are raw deflate (DeflateStream over the current stream, so above TLS when there
// is TLS). Whatever the client sent behind the command is already compressed: it stays in the
// transport for the DeflateStream to read. A second COMPRESS is NO [COMPRESSIONACTIVE]; an
// unknown mechanism is BAD.
#include "base/log.h"
#include "imap/deflate_stream.h"
#include "imap/session.h"

namespace ringmail::imap {

Task<void> Session::Compress(Command c) {
  const CompressArgs& args = std::get<CompressArgs>(c.args);
  if (deflate_ != nullptr) {
    Tagged(c.tag, "NO", "[COMPRESSIONACTIVE] DEFLATE is already active");
    co_return;
  }
  if (args.mechanism != "DEFLATE") {
    Tagged(c.tag, "BAD", "Unknown compression mechanism");
    co_return;
  }
  Result<std::unique_ptr<DeflateStream>> made = DeflateStream::Create(*stream_);
  if (!made) {
    Tagged(c.tag, "NO", "[UNAVAILABLE] Compression is not available now");
    co_return;
  }
  Write(c.tag + " OK DEFLATE active\r\n");
  const bool flushed = co_await FlushOut();
  if (!flushed) {
    state_ = State::kLogout;
    co_return;
  }
  deflate_ = std::move(*made);
  stream_ = deflate_.get();
  Log(LogLevel::kDebug, "imap_compress", "user", user_);
}

}  // namespace ringmail::imap
