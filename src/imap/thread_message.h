// What RFC 5256 THREAD reads of each message, and the two algorithms over it. Internal to the
// THREAD implementation behind message_view.h's AppendThreads. Pure; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "imap/message_view.h"
#include "imap/sort_keys.h"

namespace ringmail::imap {

struct ThreadMessage {
  uint32_t number = 0;  // UID or sequence number, as shown
  uint32_t sequence = 0;
  int64_t date = 0;  // SentSeconds
  BaseSubject subject;
  std::string subject_key;  // folded base subject
  std::string id;           // Message-ID without "<>", empty if none
  // References, or else the first id of In-Reply-To (RFC 5256 §2.2 step 1).
  std::vector<std::string> references;
};

ThreadMessage ReadThreadMessage(const SearchMessage& message, bool uids);

// Sent earlier, or at the same time with a lower sequence number (RFC 5256's tie-break).
inline bool SentEarlier(const ThreadMessage& a, const ThreadMessage& b) {
  return a.date != b.date ? a.date < b.date : a.sequence < b.sequence;
}

// RFC 5256 §2.1 and §2.2: appends the thread list.
void AppendOrderedSubjectThreads(const std::vector<ThreadMessage>& messages, std::string* out);
void AppendReferencesThreads(std::vector<ThreadMessage> messages, std::string* out);

}  // namespace ringmail::imap
