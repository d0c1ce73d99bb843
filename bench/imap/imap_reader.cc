#include "imap/imap_reader.h"

#include <algorithm>
#include <charconv>

namespace ringmail::bench {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

// The length of a literal announced at the end of `line` ("... {123}" or "{123+}"), or -1
// when the line does not end with one; -2 when it is malformed.
int64_t TrailingLiteral(std::string_view line) {
  if (line.empty() || line.back() != '}') return -1;
  size_t open = line.rfind('{');
  if (open == std::string_view::npos) return -1;
  std::string_view digits = line.substr(open + 1, line.size() - open - 2);
  if (!digits.empty() && digits.back() == '+') digits.remove_suffix(1);
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) return -2;
  return static_cast<int64_t>(n);
}

// "* 12 EXISTS" -> 12 with *word = "EXISTS"; false when the line is not "* <n> <word>...".
bool NumberedUntagged(std::string_view line, uint64_t* n, std::string_view* word) {
  std::string_view rest = line.substr(2);
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), *n);
  if (ec != std::errc() || end == rest.data() || end == rest.data() + rest.size()) return false;
  rest.remove_prefix(static_cast<size_t>(end - rest.data()) + 1);
  *word = rest.substr(0, rest.find(' '));
  return true;
}

}  // namespace

bool ImapReader::HandleLine(std::string_view line, std::string_view tag, bool continuation,
                            ImapReply* reply) {
  if (tag.empty()) {
    reply->status =
        StartsWith(line, "* BYE") ? ImapReply::Status::kBye : ImapReply::Status::kGreeting;
    return true;
  }
  if (StartsWith(line, "* ")) {
    ++reply->untagged;
    uint64_t n = 0;
    std::string_view word;
    if (NumberedUntagged(line, &n, &word)) {
      if (word == "EXISTS") reply->exists = static_cast<int64_t>(n);
      if (word == "EXPUNGE") ++reply->expunged;
    }
    return false;
  }
  if (StartsWith(line, "+")) {
    if (!continuation) return false;
    reply->status = ImapReply::Status::kContinue;
    return true;
  }
  if (!StartsWith(line, tag) || line.size() <= tag.size() || line[tag.size()] != ' ') {
    return false;  // another command's completion: not ours to wait for
  }
  std::string_view status = line.substr(tag.size() + 1);
  if (StartsWith(status, "OK")) {
    reply->status = ImapReply::Status::kOk;
  } else if (StartsWith(status, "NO")) {
    reply->status = ImapReply::Status::kNo;
  } else {
    reply->status = ImapReply::Status::kBad;
  }
  if (size_t at = status.find("[APPENDUID "); at != std::string_view::npos) {
    std::string_view rest = status.substr(at + 11);
    rest.remove_prefix(std::min(rest.size(), rest.find(' ') + 1));
    uint32_t uid = 0;
    std::from_chars(rest.data(), rest.data() + rest.size(), uid);
    reply->append_uid = uid;
  }
  return true;
}

ImapReader::Scan ImapReader::ScanInput(std::string_view data, std::string_view tag,
                                       bool continuation, ImapReply* reply, size_t* used) {
  size_t pos = 0;
  Scan result = Scan::kMore;
  while (pos < data.size() && result == Scan::kMore) {
    if (literal_left_ > 0) {
      size_t take = static_cast<size_t>(std::min<uint64_t>(literal_left_, data.size() - pos));
      pos += take;
      literal_left_ -= take;
      reply->literal_bytes += take;
      continue;
    }
    size_t crlf = data.find("\r\n", pos);
    if (crlf == std::string_view::npos) {
      if (data.size() - pos > kLineMax) result = Scan::kError;
      break;
    }
    std::string_view line = data.substr(pos, crlf - pos);
    pos = crlf + 2;
    const bool starts_response = !continues_;
    int64_t literal = TrailingLiteral(line);
    if (literal == -2) {
      result = Scan::kError;
      break;
    }
    continues_ = literal >= 0;
    literal_left_ = literal > 0 ? static_cast<uint64_t>(literal) : 0;
    if (starts_response && HandleLine(line, tag, continuation, reply)) result = Scan::kDone;
  }
  *used = pos;
  return result;
}

Task<Result<ImapReply>> ImapReader::ReadUntil(std::string tag, bool continuation) {
  ImapReply reply;
  while (true) {
    size_t used = 0;
    Scan scan = ScanInput(stream_->buffered(), tag, continuation, &reply, &used);
    stream_->Consume(used);
    if (scan == Scan::kDone) co_return reply;
    if (scan == Scan::kError) {
      co_return MakeError(ErrorCode::kInvalidArgument, "not an IMAP response");
    }
    Result<std::string_view> got = co_await stream_->Read();
    if (!got) co_return std::unexpected(got.error());
  }
}

}  // namespace ringmail::bench
