// The benchmark's line protocol, shared by both servers and the load generator:
//
//   client: "PING <n>\n"      server: "PONG <n>\n"
//
// One answer per line, in order. A line not starting with "PING " is answered "ERR\n". A
// line longer than kLineMax bytes ends the connection after "ERR line too long\n". Both
// servers answer every complete line they have buffered and then write the batch once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ringmail::bench {

inline constexpr size_t kLineMax = 1024;
inline constexpr std::string_view kLineTooLong = "ERR line too long\n";

struct AnswerResult {
  size_t consumed = 0;    // bytes of complete lines at the front of the input
  uint64_t answered = 0;  // lines answered
  bool overlong = false;  // the incomplete rest is already over kLineMax: close
};

// Appends the answer of every complete line at the front of `input` to *out.
inline AnswerResult AnswerLines(std::string_view input, std::string* out) {
  AnswerResult r;
  for (;;) {
    size_t nl = input.find('\n', r.consumed);
    if (nl == std::string_view::npos) break;
    std::string_view line = input.substr(r.consumed, nl - r.consumed);
    if (line.starts_with("PING ")) {
      out->append("PONG ");
      out->append(line.substr(5));
      out->push_back('\n');
    } else {
      out->append("ERR\n");
    }
    r.consumed = nl + 1;
    ++r.answered;
  }
  r.overlong = input.size() - r.consumed > kLineMax;
  return r;
}

}  // namespace ringmail::bench
