// The IMAP ceiling (bench/README.md, "Ceilings"): an IMAP server on our runtime that does
// only the protocol's framing for the benchmark's mix (bench/imap/imap_load.h) — split
// commands and literals, answer each with canned but correctly framed responses built from
// the corpus loaded in memory (imap_mailbox.h) — with no store, no index, no authentication
// and no parsing beyond what finding the next command needs. What no real IMAP server on this
// runtime can beat; a figure divided by it says how close a server comes to the runtime's
// limit.
//
// Per connection the mailbox is the shared corpus (UID n = message n) plus what the session
// APPENDed (new UIDs, bodies not kept; a FETCH of one sends a corpus message's bytes). STORE
// echoes the flags; \Deleted is remembered for appended messages only, which EXPUNGE then
// removes — the mix's own APPEND, STORE \Deleted, EXPUNGE. LOGIN accepts anything.
// Unknown commands get BAD. IDLE waits for DONE.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/metrics.h"
#include "ceiling/imap_mailbox.h"
#include "runtime/listener.h"
#include "runtime/stream.h"

namespace ringmail::bench {

class ImapCeilingSession {
 public:
  static constexpr std::string_view kGreeting =
      "* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE UIDPLUS] ringmail IMAP ceiling ready\r\n";
  static constexpr size_t kLineMax = 64 * 1024;

  explicit ImapCeilingSession(const CeilingMailbox* mailbox)
      : mailbox_(mailbox), uid_next_(mailbox->size() + 1) {}

  // Answers every complete command at the front of `input` onto `out` (queued, not flushed);
  // returns the bytes used. Literal bytes are skipped as they arrive, never buffered.
  size_t Feed(std::string_view input, Stream& out);

  bool closed() const { return closed_; }       // LOGOUT answered, or a line too long
  uint64_t count() const { return commands_; }  // commands answered

 private:
  // One command line (its first line when it had literals). `uid`: after the UID prefix.
  void Dispatch(std::string_view tag, std::string_view verb, std::string_view args, bool uid,
                Stream& out);
  void Select(std::string_view tag, std::string_view verb, Stream& out);
  void Fetch(std::string_view tag, std::string_view args, bool uid, Stream& out);
  void Store(std::string_view tag, std::string_view args, bool uid, Stream& out);
  void Append(std::string_view tag, Stream& out);
  void Expunge(std::string_view tag, Stream& out);
  // A complete logical line (literals skipped): dispatches it.
  void Line(std::string_view line, Stream& out);

  uint32_t exists() const { return mailbox_->size() + static_cast<uint32_t>(appended_.size()); }
  uint32_t UidOf(uint32_t msn) const;
  uint32_t MsnOf(uint32_t uid) const;  // 0 when no such message
  // Calls f(msn) for each message of a sequence set (`uid`: a UID set), in order.
  template <typename F>
  void ForEach(std::string_view set, bool uid, F f) const;

  const CeilingMailbox* mailbox_;
  std::vector<uint32_t> appended_;  // UIDs this session APPENDed, in order
  std::vector<uint32_t> deleted_;   // of those, flagged \Deleted
  uint32_t uid_next_;
  std::string pending_;        // the first line of a command whose literal is being skipped
  uint64_t literal_left_ = 0;  // bytes of that literal still to skip
  std::string idle_tag_;       // non-empty while in IDLE
  bool closed_ = false;
  uint64_t commands_ = 0;
};

// The handler: one ImapCeilingSession per connection; counts commands in `commands`.
class ImapCeilingHandler : public ProtocolHandler {
 public:
  ImapCeilingHandler(const CeilingMailbox* mailbox, MetricId commands)
      : mailbox_(mailbox), commands_(commands) {}
  Task<void> Serve(Connection& conn) override;

 private:
  const CeilingMailbox* mailbox_;
  MetricId commands_;
};

}  // namespace ringmail::bench
