// libFuzzer target for src/imap: the command reader over a stream of client bytes, and the
// modified UTF-7 codec.
//
// Input: byte 0 is a selector, the rest is what a client sends. The selector's low bit picks
// the limits (the defaults, or small ones the fuzzer can exceed), bit 1 UTF-8 mode, and the
// whole selector seeds the chunk sizes the stream is cut into. Continuations are answered by
// feeding on, as a session does after sending "+".
//
// Invariants: consumed <= the bytes offered; a continuation is only asked for a literal within
// the limits; kDone has a tag; kError has a text; and the stream cut into random chunks gives
// the same outcomes, at the same offsets, as the stream fed whole. mUTF-7: what decodes
// re-encodes to the same bytes, and valid UTF-8 survives encode + decode.
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "base/check.h"
#include "exact_copy.h"
#include "imap/mailbox_name.h"
#include "imap/parser.h"

namespace ringmail::imap {
namespace {

using fuzzing::ExactCopy;

struct Event {
  ReadState state;
  size_t offset;  // where the stream stood after it
  uint64_t literal_size;
  Command command;
  std::string error_tag;
  std::string error_text;

  bool operator==(const Event&) const = default;
};

// Feeds `in` in chunks; chunk sizes come from `rng` (or the whole stream when null).
std::vector<Event> FeedStream(std::string_view in, const Limits& limits, bool utf8,
                              std::minstd_rand* rng) {
  CommandReader reader(limits);
  reader.set_utf8(utf8);
  std::vector<Event> events;
  size_t pos = 0;
  size_t received = 0;
  while (pos < in.size()) {
    if (received == pos || rng == nullptr) {
      size_t chunk = rng == nullptr ? in.size() : 1 + (*rng)() % 64;
      received = std::min(in.size(), std::max(received, pos) + chunk);
    }
    ExactCopy offered(in.substr(pos, received - pos));
    ReadResult r = reader.Feed(offered.view());
    CHECK(r.consumed <= offered.size);
    pos += r.consumed;
    if (r.state == ReadState::kNeedMore) {
      CHECK(pos == received);
      continue;
    }
    CHECK(r.consumed > 0);
    Event e{r.state, pos, r.literal_size, {}, {}, {}};
    if (r.state == ReadState::kNeedContinuation) {
      bool append_limit = r.literal_size <= limits.append_size_max;
      CHECK(r.literal_size <= limits.literal_size_max || append_limit);
    } else if (r.state == ReadState::kDone) {
      e.command = reader.TakeCommand();
      CHECK(!e.command.tag.empty());
    } else {
      e.error_tag = reader.error().tag;
      e.error_text = reader.error().text;
      CHECK(!e.error_text.empty());
    }
    events.push_back(std::move(e));
  }
  return events;
}

void FuzzUtf7(std::string_view in) {
  if (std::optional<std::string> decoded = DecodeMailboxUtf7(in)) {
    CHECK(IsValidUtf8(*decoded));
    CHECK(EncodeMailboxUtf7(*decoded) == in);
  }
  if (std::optional<std::string> name = DecodeMailboxName(in, /*utf8=*/true)) {
    CHECK(DecodeMailboxUtf7(EncodeMailboxUtf7(*name)) == *name);
  }
}

}  // namespace
}  // namespace ringmail::imap

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ringmail::imap;
  if (size == 0) return 0;
  uint8_t selector = data[0];
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  Limits limits;
  if (selector & 1) {
    limits = Limits{.line_size_max = 48,
                    .literal_size_max = 16,
                    .append_size_max = 64,
                    .non_sync_literal_size_max = 8,
                    .command_size_max = 100};
  }
  bool utf8 = selector & 2;
  std::vector<Event> whole = FeedStream(in, limits, utf8, nullptr);
  std::minstd_rand rng(selector + 1);
  std::vector<Event> chunked = FeedStream(in, limits, utf8, &rng);
  CHECK(whole == chunked);
  if (in.size() <= 256) FuzzUtf7(in);
  return 0;
}
