// The mailbox the IMAP ceiling serves (imap_ceiling.h): the benchmark's generated corpus
// (bench/imap/corpus.py), loaded once and shared read-only by every connection, with each
// message's ENVELOPE built at load time — so that answering a FETCH is framing and copying
// only, as fast as any server could possibly answer it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace ringmail::bench {

struct CeilingMessage {
  std::string bytes;     // the whole message, as APPENDed to the real servers
  std::string envelope;  // its ENVELOPE, a parenthesised list ready to send
  bool seen = false;     // \Seen, as corpus.py's fill sets it (two thirds of the messages)
};

class CeilingMailbox {
 public:
  // Loads every *.eml of `directory` in name order (message i has UID i + 1). Errors: kIo,
  // kInvalidArgument when there is none.
  static Result<CeilingMailbox> Load(const std::string& directory);

  uint32_t size() const { return static_cast<uint32_t>(messages_.size()); }
  uint32_t unseen() const { return unseen_; }
  // REQUIRES: index < size().
  const CeilingMessage& message(uint32_t index) const { return messages_[index]; }

 private:
  std::vector<CeilingMessage> messages_;
  uint32_t unseen_ = 0;
};

// The ENVELOPE (RFC 3501 section 7.4.2) of a message's header section: date, subject, from,
// sender and reply-to (both = from), to, cc, bcc (NIL), in-reply-to (NIL), message-id. Strings
// are quoted when they are plain ASCII, else sent as literals. Addresses are read in the
// simple forms the corpus writes: "Name <local@domain>" or "local@domain", comma-separated.
std::string BuildEnvelope(std::string_view message);

}  // namespace ringmail::bench
