// IMAP sequence sets (RFC 9051 §9 sequence-set, RFC 5182 "$").
// Pure data; any thread.
#pragma once

#include <cstdint>
#include <vector>

namespace ringmail::imap {

// "*": the largest number in use. Message numbers and UIDs are never 0, so 0 is free.
inline constexpr uint32_t kSequenceStar = 0;

// One element: "5" is {5, 5}, "3:*" is {3, kSequenceStar}. Bounds are kept in the order sent
// ("9:2" means 2..9): a range with "*" can only be ordered once the mailbox is known.
struct SequenceRange {
  uint32_t first = 0;
  uint32_t last = 0;

  bool operator==(const SequenceRange&) const = default;
};

// A sequence set as sent. `saved` stands for "$", the result of the last SEARCH ... RETURN
// (SAVE) (RFC 5182); then `ranges` is empty.
struct SequenceSet {
  std::vector<SequenceRange> ranges;
  bool saved = false;

  bool operator==(const SequenceSet&) const = default;
};

}  // namespace ringmail::imap
