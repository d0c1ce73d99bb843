// ImapReader: finds where an IMAP server's responses end, for the load generator
// (bench/README.md). It splits the input into lines, skips literals ({N} and {N+} at the end
// of a line: N bytes that belong to the same response, whatever they contain) without
// buffering them (a 5 MB BODY[] streams through), and stops at the tagged completion of a
// command, at a "+" continuation request, or at the greeting. On the way it notes what the
// mix needs: EXISTS and EXPUNGE counts and an APPENDUID.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "runtime/stream.h"
#include "runtime/task.h"

namespace ringmail::bench {

struct ImapReply {
  enum class Status : uint8_t { kOk, kNo, kBad, kBye, kContinue, kGreeting };
  Status status = Status::kOk;
  int64_t exists = -1;         // the last "* N EXISTS", -1 if none
  uint32_t expunged = 0;       // "* N EXPUNGE" lines
  uint32_t append_uid = 0;     // from [APPENDUID validity uid], 0 if none
  uint64_t literal_bytes = 0;  // bytes of literals skipped
  uint32_t untagged = 0;       // untagged responses
};

class ImapReader {
 public:
  // A response line (literals excluded) longer than this is an error: the server is not
  // speaking IMAP to us.
  static constexpr size_t kLineMax = 1 << 20;

  explicit ImapReader(Stream* stream) : stream_(stream) {}

  // Reads responses until the one that ends the wait: `tag`'s tagged completion; with
  // `continuation`, also a "+" request; with an empty `tag`, the first response (the
  // greeting: OK, PREAUTH or BYE). Errors: the stream's, or kInvalidArgument when a line
  // exceeds kLineMax or a literal's length does not parse.
  Task<Result<ImapReply>> ReadUntil(std::string tag, bool continuation);

 private:
  enum class Scan : uint8_t { kMore, kDone, kError };
  // Consumes complete lines and literal bytes of `data`; *used is how many.
  Scan ScanInput(std::string_view data, std::string_view tag, bool continuation, ImapReply* reply,
                 size_t* used);
  // One line that starts a response (not the rest of a line after a literal).
  bool HandleLine(std::string_view line, std::string_view tag, bool continuation, ImapReply* reply);

  Stream* stream_;
  uint64_t literal_left_ = 0;  // bytes of the current literal still to skip
  bool continues_ = false;     // the next line continues the response before a literal
};

}  // namespace ringmail::bench
