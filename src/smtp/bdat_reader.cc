#include "smtp/bdat_reader.h"

#include <algorithm>

#include "base/check.h"

namespace ringmail::smtp {

void BdatReader::StartChunk(uint64_t size, bool last, std::string* body) {
  CHECK(chunk_left_ == 0 && !last_);
  chunk_left_ = size;
  last_ = last;
  if (size > options_.message_size_max - std::min(body_size_, options_.message_size_max)) {
    too_big_ = true;  // known now; the bytes are still read and dropped
  }
  if (message_done() && pending_cr_) {  // "BDAT 0 LAST" after a chunk ending in CR
    pending_cr_ = false;
    BareNewline('\r', body);
  }
}

BodyOutcome BdatReader::outcome() const {
  if (too_big_) return BodyOutcome::kTooBig;
  if (bare_newlines_ > 0 && options_.bare_newlines == BareNewlinePolicy::kReject) {
    return BodyOutcome::kBareNewline;
  }
  return BodyOutcome::kOk;
}

SmtpReply BdatReader::ErrorReply() const {
  return outcome() == BodyOutcome::kTooBig ? replies::kMessageTooBig
                                           : replies::kBareNewlineInMessage;
}

void BdatReader::Emit(std::string_view bytes, std::string* body) {
  if (bytes.empty()) return;
  body_size_ += bytes.size();
  if (body_size_ > options_.message_size_max) too_big_ = true;
  if (body != nullptr && !too_big_) body->append(bytes);
}

void BdatReader::BareNewline(char c, std::string* body) {
  ++bare_newlines_;
  if (options_.bare_newlines == BareNewlinePolicy::kNormalize) {
    Emit("\r\n", body);
  } else {
    Emit(std::string_view(&c, 1), body);
  }
}

// Text mode: copies runs without CR/LF, checks each CR/LF pair; a CR at the end of `data`
// waits in pending_cr_.
void BdatReader::FeedText(std::string_view data, std::string* body) {
  size_t pos = 0;
  if (pending_cr_ && !data.empty()) {
    pending_cr_ = false;
    if (data[0] == '\n') {
      Emit("\r\n", body);
      pos = 1;
    } else {
      BareNewline('\r', body);
    }
  }
  while (pos < data.size()) {
    size_t end = pos;
    while (end < data.size() && data[end] != '\r' && data[end] != '\n') ++end;
    Emit(data.substr(pos, end - pos), body);
    if (end == data.size()) break;
    if (data[end] == '\n') {
      BareNewline('\n', body);
      pos = end + 1;
    } else if (end + 1 == data.size()) {
      pending_cr_ = true;
      pos = end + 1;
    } else if (data[end + 1] == '\n') {
      Emit("\r\n", body);
      pos = end + 2;
    } else {
      BareNewline('\r', body);
      pos = end + 1;
    }
  }
}

BodyResult BdatReader::Feed(std::string_view input, std::string* body) {
  size_t n = static_cast<size_t>(std::min<uint64_t>(chunk_left_, input.size()));
  std::string_view data = input.substr(0, n);
  chunk_left_ -= n;
  if (binary_) {
    Emit(data, body);
  } else {
    FeedText(data, body);
    if (message_done() && pending_cr_) {  // the message ends in a CR
      pending_cr_ = false;
      BareNewline('\r', body);
    }
  }
  return {chunk_left_ == 0, n};
}

}  // namespace ringmail::smtp
