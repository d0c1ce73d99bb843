// InboxIds: the INBOX mailbox id of each account, remembered so that accepting a recipient
// need not list the account's mailboxes (smtp/session_envelope.cc).
//
// Kept without invalidation, safely: INBOX is never renamed or deleted (docs/storage.md,
// "Delivery, step by step"), and the store never hands an id out twice (AUTOINCREMENT,
// BIGSERIAL), so an account's INBOX id is the same for the account's whole life, on every
// node. An entry of a deleted account is never asked for again (a new account with its name
// has a new id) and is overwritten in time.
//
// Shared by every core without a lock: a fixed table of atomic words, direct-mapped by account
// id, each holding (account id, INBOX id) when both fit in 32 bits; others are not remembered.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>

namespace ringmail {

class InboxIds {
 public:
  // The INBOX id remembered for `account_id`, if any.
  std::optional<int64_t> Find(int64_t account_id) const;
  void Remember(int64_t account_id, int64_t inbox_id);

 private:
  static constexpr size_t kSlots = 4096;  // 32 KiB; a collision only costs a lookup
  std::array<std::atomic<uint64_t>, kSlots> slots_{};
};

}  // namespace ringmail
