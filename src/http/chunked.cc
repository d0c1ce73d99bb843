#include "http/chunked.h"

#include <algorithm>
#include <charconv>
#include <expected>
#include <limits>

#include "base/check.h"

namespace ringmail::http {
namespace {

enum class LineStatus { kLine, kNeedMore, kBareCrLf, kTooLong };

// Finds the CRLF-terminated line at the front of `in`, at most size_max bytes with its CRLF,
// and sets *line_size to its size with the CRLF. Decides in byte order, looking only at the
// first size_max bytes, so a shorter `in` gives kNeedMore or the same answer as a longer one.
LineStatus FindLine(std::string_view in, size_t size_max, size_t* line_size) {
  size_t limit = std::min(in.size(), size_max);
  for (size_t i = 0; i < limit; ++i) {
    if (in[i] == '\n') {
      if (i == 0 || in[i - 1] != '\r') return LineStatus::kBareCrLf;
      *line_size = i + 1;
      return LineStatus::kLine;
    }
    // A CR must be followed by LF; one at limit - 1 is decided by the size bound instead.
    if (in[i] == '\r' && i + 1 < limit && in[i + 1] != '\n') return LineStatus::kBareCrLf;
  }
  return in.size() >= size_max ? LineStatus::kTooLong : LineStatus::kNeedMore;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsFieldValueChar(char c) {
  auto u = static_cast<unsigned char>(c);
  return u == '\t' || (u >= 0x20 && u != 0x7F);
}

// chunk-size [ chunk-ext ], the line without its CRLF, where
// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ). Extensions are
// dropped, so they are only checked to start with ';' and to hold no control bytes.
std::expected<uint64_t, const char*> ParseSizeLine(std::string_view line) {
  uint64_t size = 0;
  size_t i = 0;
  for (; i < line.size() && HexValue(line[i]) >= 0; ++i) {
    if (size > (std::numeric_limits<uint64_t>::max() >> 4)) {
      return std::unexpected("chunk size overflow");
    }
    size = size << 4 | static_cast<uint64_t>(HexValue(line[i]));
  }
  if (i == 0) return std::unexpected("invalid chunk size");
  std::string_view ext = line.substr(i);
  if (ext.empty()) return size;
  while (!ext.empty() && (ext.front() == ' ' || ext.front() == '\t')) ext.remove_prefix(1);
  if (ext.empty() || ext.front() != ';') return std::unexpected("invalid chunk extension");
  for (char c : ext) {
    if (!IsFieldValueChar(c)) return std::unexpected("invalid chunk extension");
  }
  return size;
}

// A trailer field line without its CRLF: field-name ":" field-value, checked and dropped.
bool IsFieldLine(std::string_view line) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || !IsToken(line.substr(0, colon))) return false;
  for (char c : line.substr(colon + 1)) {
    if (!IsFieldValueChar(c)) return false;
  }
  return true;
}

}  // namespace

ParseResult ChunkedDecoder::Feed(std::string_view data, std::string* body_out) {
  if (state_ == State::kDone) return ParseResult::Done(0);
  if (state_ == State::kError) return ParseResult::Fail(error_.status, error_.reason);
  size_t pos = 0;
  while (true) {
    std::optional<ParseResult> end;
    switch (state_) {
      case State::kSizeLine: end = ReadSizeLine(data, &pos); break;
      case State::kData: end = ReadData(data, &pos, body_out); break;
      case State::kDataCrlf: end = ReadDataCrlf(data, &pos); break;
      case State::kTrailer: end = ReadTrailerLine(data, &pos); break;
      case State::kDone:
      case State::kError: CHECK(false, "a finished decoder went on"); break;
    }
    if (end) {
      DCHECK(end->consumed <= data.size());
      return *end;
    }
  }
}

ParseResult ChunkedDecoder::Fail(int status, const char* reason, size_t pos) {
  state_ = State::kError;
  error_ = ParseResult::Fail(status, reason, pos);
  return error_;
}

std::optional<ParseResult> ChunkedDecoder::ReadSizeLine(std::string_view data, size_t* pos) {
  size_t line_size = 0;
  switch (FindLine(data.substr(*pos), limits_.line_size_max, &line_size)) {
    case LineStatus::kNeedMore: return ParseResult::NeedMore(*pos);
    case LineStatus::kBareCrLf: return Fail(400, "bare CR or LF in chunk line", *pos);
    case LineStatus::kTooLong: return Fail(400, "chunk line too long", *pos);
    case LineStatus::kLine: break;
  }
  auto size = ParseSizeLine(data.substr(*pos, line_size - 2));
  if (!size) return Fail(400, size.error(), *pos);
  // Refuse before the payload arrives, not after buffering it.
  if (*size > limits_.body_size_max - body_size_) return Fail(413, "body too large", *pos);
  *pos += line_size;
  chunk_left_ = *size;
  state_ = *size == 0 ? State::kTrailer : State::kData;
  return std::nullopt;
}

std::optional<ParseResult> ChunkedDecoder::ReadData(std::string_view data, size_t* pos,
                                                    std::string* body_out) {
  size_t n = static_cast<size_t>(std::min<uint64_t>(chunk_left_, data.size() - *pos));
  if (body_out != nullptr) body_out->append(data.substr(*pos, n));
  *pos += n;
  chunk_left_ -= n;
  body_size_ += n;
  if (chunk_left_ > 0) return ParseResult::NeedMore(*pos);
  state_ = State::kDataCrlf;
  return std::nullopt;
}

std::optional<ParseResult> ChunkedDecoder::ReadDataCrlf(std::string_view data, size_t* pos) {
  std::string_view rest = data.substr(*pos);
  if (!rest.empty() && rest[0] != '\r') return Fail(400, "missing CRLF after chunk data", *pos);
  if (rest.size() < 2) return ParseResult::NeedMore(*pos);
  if (rest[1] != '\n') return Fail(400, "missing CRLF after chunk data", *pos);
  *pos += 2;
  state_ = State::kSizeLine;
  return std::nullopt;
}

std::optional<ParseResult> ChunkedDecoder::ReadTrailerLine(std::string_view data, size_t* pos) {
  size_t line_size = 0;
  size_t budget = limits_.trailer_size_max - trailer_size_;
  switch (FindLine(data.substr(*pos), budget, &line_size)) {
    case LineStatus::kNeedMore: return ParseResult::NeedMore(*pos);
    case LineStatus::kBareCrLf: return Fail(400, "bare CR or LF in trailer", *pos);
    case LineStatus::kTooLong: return Fail(431, "trailer section too large", *pos);
    case LineStatus::kLine: break;
  }
  std::string_view line = data.substr(*pos, line_size - 2);
  if (!line.empty() && !IsFieldLine(line)) return Fail(400, "invalid trailer field", *pos);
  *pos += line_size;
  trailer_size_ += line_size;
  if (!line.empty()) return std::nullopt;
  state_ = State::kDone;
  return ParseResult::Done(*pos);
}

void AppendChunk(std::string* out, std::string_view data) {
  if (data.empty()) return;
  char hex[2 * sizeof(size_t)];
  auto [end, ec] = std::to_chars(hex, hex + sizeof(hex), data.size(), 16);
  CHECK(ec == std::errc());
  out->append(hex, end);
  out->append("\r\n");
  out->append(data);
  out->append("\r\n");
}

void AppendLastChunk(std::string* out) { out->append("0\r\n\r\n"); }

}  // namespace ringmail::http
