// DATA and BDAT: reading the message (docs/smtp.md, "Data"). The readers (data_reader.h,
// bdat_reader.h) do the framing, the bare-newline policy and the size count; this file feeds
// them from the stream and hands a complete body to Deliver().
#include <memory>
#include <utility>

#include "base/log.h"
#include "smtp/session.h"
#include "smtp/session_replies.h"

namespace ringmail::smtp {

std::optional<SmtpReply> SmtpSession::TransactionReady() const {
  if (helo_.empty()) {
    return config_->kind == ListenerKind::kLmtp ? replies::kLhloFirst : replies::kHelloFirst;
  }
  if (!InTransaction()) return replies::kMailFirst;
  if (recipients_.empty()) return replies::kNoValidRecipients;
  return std::nullopt;
}

Task<bool> SmtpSession::Data() {
  if (std::optional<SmtpReply> refused = TransactionReady()) {
    Reply(*refused);
    co_return true;
  }
  if (bdat_) {
    Reply(replies::kDataAfterBdat);
    co_return true;
  }
  Reply(replies::kStartData);
  stream_->set_read_timeout_ms(config_->limits.data_timeout_ms);
  DataReader reader(BodyOptions{config_->bare_newlines, config_->limits.message_size_max});
  std::string body;
  while (true) {
    const std::string_view input = stream_->buffered();
    if (!input.empty()) {
      const BodyResult r = reader.Feed(input, &body);
      stream_->Consume(r.consumed);
      if (r.done) break;
      continue;
    }
    const bool more = co_await WaitForInput();
    if (!more) co_return false;
  }
  if (reader.outcome() != BodyOutcome::kOk) {
    Log(LogLevel::kInfo, "smtp_message_refused", "protocol", LogName(), "peer", peer_host_, "size",
        reader.body_size(), "bare_newlines", reader.bare_newline_count());
    ReplyAll(reader.ErrorReply());
    Reset();
    co_return true;
  }
  co_await Deliver(std::move(body));
  co_return true;
}

Task<bool> SmtpSession::ReadChunk(BdatReader* reader, std::string* body) {
  stream_->set_read_timeout_ms(config_->limits.data_timeout_ms);
  while (!reader->chunk_done()) {
    const std::string_view input = stream_->buffered();
    if (!input.empty()) {
      const BodyResult r = reader->Feed(input, body);
      stream_->Consume(r.consumed);
      continue;
    }
    const bool more = co_await WaitForInput();
    if (!more) co_return false;
  }
  co_return true;
}

Task<bool> SmtpSession::Bdat(SmtpCommand command) {
  const BodyOptions options{config_->bare_newlines, config_->limits.message_size_max};
  if (std::optional<SmtpReply> refused = TransactionReady()) {
    // RFC 3030 §2: the chunk is read (and dropped) even when the command is refused.
    BdatReader sink(options);
    sink.StartChunk(command.bdat_size, true, nullptr);
    const bool read = co_await ReadChunk(&sink, nullptr);
    if (!read) co_return false;
    Reply(*refused);
    co_return true;
  }
  if (!bdat_) {
    bdat_ = std::make_unique<BdatReader>(options);
    bdat_body_.clear();
  }
  bdat_->StartChunk(command.bdat_size, command.bdat_last, &bdat_body_);
  const bool read = co_await ReadChunk(bdat_.get(), &bdat_body_);
  if (!read) co_return false;
  if (!command.bdat_last) {
    ReplyText(250, "2.0.0", std::to_string(command.bdat_size) + " octets received");
    co_return true;
  }
  if (bdat_->outcome() != BodyOutcome::kOk) {
    Log(LogLevel::kInfo, "smtp_message_refused", "protocol", LogName(), "peer", peer_host_, "size",
        bdat_->body_size(), "bare_newlines", bdat_->bare_newline_count());
    ReplyAll(bdat_->ErrorReply());
    Reset();
    co_return true;
  }
  std::string body = std::move(bdat_body_);
  co_await Deliver(std::move(body));
  co_return true;
}

}  // namespace ringmail::smtp
