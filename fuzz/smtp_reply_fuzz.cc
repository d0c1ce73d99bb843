// libFuzzer target for what the queue's smarthost client parses and sends (queue/
// smtp_client.h): any line is a reply line or refused, never a crash, and an accepted one
// obeys its shape; dot-stuffing any message gives a DATA body that un-stuffs back to it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/check.h"
#include "queue/smtp_client.h"

namespace {

void CheckReplyLines(std::string_view text) {
  while (!text.empty()) {
    const size_t end = std::min(text.find("\r\n"), text.size());
    const std::string_view line = text.substr(0, end);
    std::optional<ringmail::SmtpReplyLine> r = ringmail::ParseSmtpReplyLine(line);
    if (r) {
      CHECK(r->code >= 200 && r->code <= 599);
      CHECK(std::to_string(r->code) == line.substr(0, 3));
      CHECK(r->last == (line.size() == 3 || line[3] == ' '));
      CHECK(r->text == (line.size() > 4 ? line.substr(4) : std::string_view()));
    }
    text.remove_prefix(std::min(end + 2, text.size()));
  }
}

// The body the server reads back: lines up to ".", a leading dot removed.
std::string Unstuff(std::string_view data) {
  std::string out;
  while (!data.empty()) {
    const size_t end = data.find("\r\n");
    CHECK(end != std::string_view::npos);
    std::string_view line = data.substr(0, end);
    data.remove_prefix(end + 2);
    if (line == ".") {
      CHECK(data.empty());
      return out;
    }
    if (line.starts_with(".")) line.remove_prefix(1);
    out.append(line);
    out.append("\r\n");
  }
  CHECK(false, "no end of data");
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  CheckReplyLines(input);
  // Messages have CRLF line ends (no bare CR or LF): the shape the queue stores.
  bool crlf_only = true;
  for (size_t i = 0; i < input.size(); ++i) {
    if (input[i] == '\n' && (i == 0 || input[i - 1] != '\r')) crlf_only = false;
    if (input[i] == '\r' && (i + 1 == input.size() || input[i + 1] != '\n')) crlf_only = false;
  }
  if (crlf_only) {
    const std::string expected = input.ends_with("\r\n") || input.empty() ? input : input + "\r\n";
    const std::string back = Unstuff(ringmail::DotStuff(input));
    CHECK(back == (input.empty() ? std::string("\r\n") : expected));
  }
  return 0;
}
