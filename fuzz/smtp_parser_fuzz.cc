// libFuzzer target for src/smtp: command-line framing and the command parser, the DATA body
// state machine and the BDAT chunk reader, each in both bare-newline policies.
//
// Input: byte 0 is a selector (bits: small line limits, small size limit, binary BDAT,
// SMTPUTF8 transaction, fewer extensions), byte 1 seeds the chunking (how the rest is cut
// into reads); the rest is the byte stream.
//
// Invariants:
//  - framing: consumed <= the input; lines never hold an LF, and in kReject no CR either;
//    lines fit the limit; errors are 500/521 with close set exactly for 521; the reader
//    makes progress on every complete input;
//  - commands: a parsed path's address is well-formed (its normalized form parses back the
//    same); decoded DSN/AUTH values hold no control characters; replies are 5xx with an
//    enhanced code and no CR/LF;
//  - DATA: it ends exactly where "\r\n.\r\n" first occurs (counting the DATA line's CRLF) and
//    nowhere else; any chunking gives the same result (and body, unless too big); an accepted body
//    has only CRLF line ends, ends in CRLF (or is empty), and dot-stuffing it again reads back to
//    itself;
//  - BDAT: every byte of every chunk is consumed and none after; binary bodies are the
//    bytes sent; text bodies accepted have only CRLF line ends.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "base/check.h"
#include "smtp/bdat_reader.h"
#include "smtp/command_parser.h"
#include "smtp/data_reader.h"
#include "smtp/line_reader.h"

namespace ringmail::smtp {
namespace {

// Chunk sizes from a tiny LCG: deterministic for an input, varied across inputs.
class Cutter {
 public:
  explicit Cutter(uint8_t seed) : state_(seed * 2654435761u + 1) {}
  size_t Next() {
    state_ = state_ * 1103515245u + 12345u;
    uint32_t r = (state_ >> 16) & 0x7fff;
    return r % 4 == 0 ? 1 + r % 3 : 1 + r % 64;
  }

 private:
  uint32_t state_;
};

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// Every CR is followed by LF and every LF preceded by CR.
bool OnlyCrLf(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] != '\n')) return false;
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) return false;
  }
  return true;
}

void CheckReply(const SmtpReply& reply) {
  CHECK(reply.code >= 500 && reply.code <= 555);
  CHECK(reply.enhanced.size() == 5 && reply.enhanced[0] == '5');
  CHECK(!HasControl(reply.text));
}

void CheckCommand(const SmtpCommand& c) {
  if (c.verb == SmtpVerb::kMail || c.verb == SmtpVerb::kRcpt) {
    if (c.path.kind == SmtpPath::Kind::kMailbox) {
      std::string normal = NormalizedAddress(c.path.address);
      Result<MailAddress> again = ParseMailAddress(normal);
      CHECK(again.has_value());
      CHECK(again->domain == c.path.address.domain);
      CHECK(!HasControl(c.path.address.local) && !HasControl(c.path.address.domain));
    }
    CHECK(c.verb == SmtpVerb::kMail || c.path.kind != SmtpPath::Kind::kNull);
  }
  if (c.mail.envid) CHECK(!HasControl(*c.mail.envid));
  if (c.mail.auth) CHECK(!HasControl(*c.mail.auth));
  CHECK(!HasControl(c.rcpt.orcpt_address));
  CHECK(!HasControl(c.helo) && c.helo.find(' ') == std::string::npos);
  CHECK(!HasControl(c.argument));
}

void FuzzCommands(std::string_view in, BareNewlinePolicy policy, const LineLimits& limits,
                  const CommandContext& context, uint8_t seed) {
  LineReader reader(policy, limits);
  Cutter cutter(seed);
  std::string buffer;
  size_t next = 0;
  while (true) {
    size_t n = std::min(cutter.Next(), in.size() - next);
    buffer.append(in.substr(next, n));
    next += n;
    while (true) {
      LineResult r = reader.Next(buffer);
      CHECK(r.consumed <= buffer.size());
      if (r.status == LineStatus::kLine) {
        CHECK(r.consumed > r.line.size() && r.line.data() == buffer.data());
        CHECK(r.line.find('\n') == r.line.npos);
        if (policy == BareNewlinePolicy::kReject) CHECK(r.line.find('\r') == r.line.npos);
        CHECK(r.line.size() + 2 <=
              std::max(limits.command_line_size_max, limits.auth_line_size_max));
        CommandResult command = ParseCommand(r.line, context);
        if (command) {
          CheckCommand(*command);
        } else {
          CheckReply(command.error());
        }
      } else if (r.status == LineStatus::kError) {
        CheckReply(r.reply);
        CHECK(r.reply.close == (r.reply.code == 521));
        CHECK(r.consumed > 0);
        if (r.reply.close) return;
      }
      buffer.erase(0, r.consumed);
      if (r.status == LineStatus::kNeedMore) break;
    }
    if (next == in.size()) return;
  }
}

struct DataOutput {
  BodyResult last;
  size_t consumed = 0;
  std::string body;
  BodyOutcome outcome = BodyOutcome::kOk;
};

DataOutput ReadData(std::string_view in, const BodyOptions& options, Cutter* cutter) {
  DataReader reader(options);
  DataOutput out;
  size_t pos = 0;
  while (pos < in.size()) {
    size_t n = cutter ? std::min(cutter->Next(), in.size() - pos) : in.size();
    BodyResult r = reader.Feed(in.substr(pos, n), &out.body);
    CHECK(r.consumed <= n);
    CHECK(r.done || r.consumed == n);
    out.consumed += r.consumed;
    out.last = r;
    pos += r.consumed;
    if (r.done) break;
  }
  CHECK(reader.body_size() >= out.body.size());
  CHECK(out.body.size() <= options.message_size_max);
  out.outcome = reader.outcome();
  return out;
}

std::string DotStuff(std::string_view body) {
  std::string out;
  bool line_start = true;
  for (size_t i = 0; i < body.size(); ++i) {
    if (line_start && body[i] == '.') out += '.';
    out += body[i];
    line_start = body[i] == '\n';
  }
  return out + ".\r\n";
}

void FuzzData(std::string_view in, BareNewlinePolicy policy, uint64_t size_max, uint8_t seed) {
  BodyOptions options{policy, size_max};
  Cutter cutter(seed);
  DataOutput whole = ReadData(in, options, nullptr);
  DataOutput cut = ReadData(in, options, &cutter);
  CHECK(whole.last.done == cut.last.done && whole.consumed == cut.consumed);
  CHECK(whole.outcome == cut.outcome);
  // Once over the size limit, what was kept depends on the chunking (and is discarded).
  if (whole.outcome != BodyOutcome::kTooBig) CHECK(whole.body == cut.body);
  // The end is the first CRLF.CRLF, the DATA line's CRLF counting as the first CRLF.
  std::string framed = "\r\n" + std::string(in);
  size_t marker = framed.find("\r\n.\r\n");
  CHECK(whole.last.done == (marker != framed.npos));
  if (marker != framed.npos) CHECK(whole.consumed == marker + 5 - 2);
  if (!whole.last.done || whole.outcome != BodyOutcome::kOk) return;
  CHECK(OnlyCrLf(whole.body));
  CHECK(whole.body.empty() || whole.body.ends_with("\r\n"));
  std::string again = DotStuff(whole.body);
  DataOutput reread = ReadData(again, options, nullptr);
  CHECK(reread.last.done && reread.consumed == again.size() && reread.body == whole.body);
}

void FuzzBdat(std::string_view in, BareNewlinePolicy policy, bool binary, uint8_t seed) {
  BdatReader reader({policy, 1 << 20});
  reader.set_binary(binary);
  Cutter cutter(seed);
  std::string body;
  size_t pos = 0;
  do {
    size_t chunk = std::min(cutter.Next() - 1, in.size() - pos);  // 0-size chunks too
    bool last = pos + chunk == in.size();
    reader.StartChunk(chunk, last, &body);
    std::string with_next = std::string(in.substr(pos, chunk)) + "QUIT\r\n";
    BodyResult r = reader.Feed(with_next, &body);
    CHECK(r.done && r.consumed == chunk);
    pos += chunk;
  } while (!reader.message_done());
  CHECK(pos == in.size());
  if (binary) CHECK(body == in);
  if (!binary && reader.outcome() == BodyOutcome::kOk) CHECK(OnlyCrLf(body));
}

}  // namespace
}  // namespace ringmail::smtp

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ringmail::smtp;
  if (size < 2) return 0;
  uint8_t selector = data[0];
  uint8_t seed = data[1];
  std::string_view in(reinterpret_cast<const char*>(data + 2), size - 2);
  LineLimits limits;
  if (selector & 1) limits = {32, 64};  // small, so that over-long lines are common
  uint64_t size_max = (selector & 2) ? 16 : 1 << 20;
  CommandContext context;
  context.smtputf8 = (selector & 8) != 0;
  if (selector & 16) context.extensions = kExtSize | kExt8BitMime;
  for (BareNewlinePolicy policy : {BareNewlinePolicy::kReject, BareNewlinePolicy::kNormalize}) {
    FuzzCommands(in, policy, limits, context, seed);
    FuzzData(in, policy, size_max, seed);
    FuzzBdat(in, policy, (selector & 4) != 0, seed);
  }
  return 0;
}
