#include "ceiling/smtp_sink.h"

#include <algorithm>
#include <cctype>

#include "ceiling/serve_session.h"

namespace ringmail::bench {
namespace {

// The command verb of `line`, upper-cased (the first four letters are all SMTP needs).
std::string Verb(std::string_view line) {
  std::string verb(line.substr(0, std::min<size_t>(4, line.find(' '))));
  for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return verb;
}

}  // namespace

void SmtpSinkSession::Command(std::string_view line, Stream& out) {
  const std::string verb = Verb(line);
  if (verb == "EHLO") {
    out.Write(
        "250-ceiling.bench.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE 104857600\r\n"
        "250 ENHANCEDSTATUSCODES\r\n");
  } else if (verb == "HELO") {
    out.Write("250 ceiling.bench.test\r\n");
  } else if (verb == "MAIL") {
    out.Write("250 2.1.0 Ok\r\n");
  } else if (verb == "RCPT") {
    out.Write("250 2.1.5 Ok\r\n");
  } else if (verb == "DATA") {
    out.Write("354 End data with <CR><LF>.<CR><LF>\r\n");
    in_data_ = true;
    data_line_start_ = true;
  } else if (verb == "RSET" || verb == "NOOP") {
    out.Write("250 2.0.0 Ok\r\n");
  } else if (verb == "QUIT") {
    out.Write("221 2.0.0 Bye\r\n");
    closed_ = true;
  } else {
    out.Write("502 5.5.2 Error: command not recognized\r\n");
  }
}

size_t SmtpSinkSession::Data(std::string_view input, bool* ended) {
  *ended = false;
  if (data_line_start_ && input.starts_with(".\r\n")) {
    *ended = true;
    return 3;
  }
  if (size_t end = input.find("\r\n.\r\n"); end != std::string_view::npos) {
    *ended = true;
    return end + 5;
  }
  // Not found: keep the last 4 bytes, which may be the start of a split "\r\n.\r\n".
  if (input.size() <= 4) return 0;
  data_line_start_ = false;
  return input.size() - 4;
}

size_t SmtpSinkSession::Feed(std::string_view input, Stream& out) {
  size_t used = 0;
  while (!closed_ && used < input.size()) {
    std::string_view rest = input.substr(used);
    if (in_data_) {
      bool ended = false;
      const size_t n = Data(rest, &ended);
      used += n;
      if (!ended) break;
      in_data_ = false;
      ++messages_;
      out.Write("250 2.0.0 Ok: queued\r\n");
      continue;
    }
    const size_t crlf = rest.find("\r\n");
    if (crlf == std::string_view::npos) {
      if (rest.size() > kLineMax) {
        out.Write("500 5.5.0 Line too long\r\n");
        closed_ = true;
      }
      break;
    }
    Command(rest.substr(0, crlf), out);
    used += crlf + 2;
  }
  return used;
}

Task<void> SmtpSinkHandler::Serve(Connection& conn) {
  SmtpSinkSession session;
  co_await ServeSession(conn, session, messages_);
}

}  // namespace ringmail::bench
