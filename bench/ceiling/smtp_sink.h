// The SMTP ceiling (bench/README.md, "Ceilings"): an SMTP server on our runtime that does
// only the protocol's framing — reply to each command line, find the end of each message's
// DATA ("<CRLF>.<CRLF>") and discard it, reply 250 — and stores nothing. What no real SMTP
// server on this runtime can beat; the counterpart of Postfix's smtp-sink on ours.
//
// SmtpSinkSession is the protocol alone (no I/O), so the handler's loop is the shape of every
// ringmail session: read, answer what is complete, write, flush.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/metrics.h"
#include "runtime/listener.h"
#include "runtime/stream.h"

namespace ringmail::bench {

class SmtpSinkSession {
 public:
  // The 220 greeting a new connection gets.
  static constexpr std::string_view kGreeting = "220 ceiling.bench.test ESMTP ringmail ceiling\r\n";
  // A command line longer than this (RFC 5321's 512, with room for extensions) gets 500.
  static constexpr size_t kLineMax = 4096;

  // Answers every complete command line and DATA section at the front of `input` onto `out`
  // (queued, not flushed); returns the bytes used (the caller consumes them). Keeps at most 4 bytes
  // of an unfinished DATA section unused, so an end marker split over two reads is found.
  size_t Feed(std::string_view input, Stream& out);

  bool closed() const { return closed_; }       // QUIT answered, or a line too long
  uint64_t count() const { return messages_; }  // messages received

 private:
  void Command(std::string_view line, Stream& out);
  // The DATA section: bytes used, and whether its end was found.
  size_t Data(std::string_view input, bool* ended);

  bool in_data_ = false;
  bool data_line_start_ = true;  // the next data byte starts a line (the end may be ".\r\n")
  bool closed_ = false;
  uint64_t messages_ = 0;
};

// The handler: one SmtpSinkSession per connection; counts messages in `messages`.
class SmtpSinkHandler : public ProtocolHandler {
 public:
  explicit SmtpSinkHandler(MetricId messages) : messages_(messages) {}
  Task<void> Serve(Connection& conn) override;

 private:
  MetricId messages_;
};

}  // namespace ringmail::bench
