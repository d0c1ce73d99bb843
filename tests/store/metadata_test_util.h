// Helpers for tests that drive a MetadataStore from coroutines: assertions that end the
// coroutine, request builders, and a latch for many concurrent coroutines on one reactor.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <coroutine>
#include <string>
#include <vector>

#include "runtime/task.h"
#include "store/metadata_store.h"
#include "testing/latch.h"

// `auto var = co_await call;` that fails the test and ends the coroutine on an error (ASSERT_*
// cannot be used in a coroutine: it expands to a plain `return`).
#define CO_ASSERT_OK(var, call)                                      \
  auto var = co_await call;                                          \
  if (!var) {                                                        \
    ADD_FAILURE() << #call << " failed: " << var.error().ToString(); \
    co_return;                                                       \
  }

#define CO_ASSERT_TRUE(cond)                \
  if (!(cond)) {                            \
    ADD_FAILURE() << "expected: " << #cond; \
    co_return;                              \
  }

namespace ringmail::testing {

inline constexpr int64_t kReceivedAt = 1700000000;

inline DeliveryRequest MakeRequest(std::string_view content, std::vector<int64_t> mailboxes,
                                   MessageFlags flags = {}) {
  DeliveryRequest r;
  r.blob = BlobKey::Of(content);
  r.size = content.size();
  r.stored_size = content.size() + 40;
  r.received_at = kReceivedAt;
  r.blob_stored_at_ms = MonotonicMs();  // as if stored just now
  r.summary.subject = "test";
  for (int64_t id : mailboxes) r.targets.push_back({id, flags});
  return r;
}

inline DeliveryRequest MakeRequest(std::string_view content, int64_t mailbox,
                                   MessageFlags flags = {}) {
  return MakeRequest(content, std::vector<int64_t>(1, mailbox), std::move(flags));
}

// Vectors built without a braced list: GCC 12 cannot compile an initializer_list (its
// backing array) inside a co_await expression ("array used as initializer"), so
// `co_await store->Expunge(id, {1, 2})` is written `co_await store->Expunge(id, UidList(1, 2))`.
template <typename... T>
std::vector<uint32_t> UidList(T... uids) {
  return std::vector<uint32_t>{static_cast<uint32_t>(uids)...};
}
template <typename... T>
std::vector<int64_t> Ids(T... ids) {
  return std::vector<int64_t>{static_cast<int64_t>(ids)...};
}

inline const MailboxRecord* FindMailbox(const std::vector<MailboxRecord>& all,
                                        std::string_view name) {
  auto it = std::find_if(all.begin(), all.end(), [&](const auto& m) { return m.name == name; });
  return it == all.end() ? nullptr : &*it;
}

inline std::vector<uint32_t> Uids(const MailboxSnapshot& s) {
  std::vector<uint32_t> uids;
  for (const MessageRecord& m : s.messages) uids.push_back(m.uid);
  return uids;
}

// Counters that the store maintains must match its rows.
inline void ExpectCountersMatchRows(const MailboxSnapshot& s) {
  uint64_t unseen = 0;
  uint64_t bytes = 0;
  for (const MessageRecord& m : s.messages) {
    unseen += m.flags.seen ? 0 : 1;
    bytes += m.size;
    EXPECT_LE(m.modseq, s.mailbox.highest_modseq);
    EXPECT_LT(m.uid, s.mailbox.uid_next);
  }
  EXPECT_EQ(s.mailbox.message_count, s.messages.size()) << s.mailbox.name;
  EXPECT_EQ(s.mailbox.unseen_count, unseen) << s.mailbox.name;
  EXPECT_EQ(s.mailbox.total_bytes, bytes) << s.mailbox.name;
}

}  // namespace ringmail::testing
