// The SQLite store's two paths (sqlite_store.h): concurrent deliveries commit in groups, each
// all-or-nothing (a failing one fails alone), and reads run beside the writes — a read does
// not wait while the store thread cannot commit.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "metadata_conformance_bodies.h"
#include "metadata_test_util.h"
#include "runtime/awaitables.h"
#include "sqlite_test_util.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/run_on_reactor.h"

namespace ringmail::testing {
namespace {

using conformance::MakeAccount;

constexpr int kDeliveries = 32;
constexpr int64_t kNoSuchMailbox = 1 << 30;

struct Outcome {
  Result<std::vector<PlacedMessage>> result = MakeError(ErrorCode::kInternal, "not run");
  bool done = false;
};

Task<void> DeliverOne(MetadataStore* store, DeliveryRequest request, Outcome* out, Latch* latch) {
  out->result = co_await store->Deliver(std::move(request));
  out->done = true;
  if (latch != nullptr) latch->Done();
}

// kDeliveries deliveries into INBOX and, in their midst, one to a mailbox that does not exist;
// all are queued before the store thread can have run more than the first.
Task<void> ConcurrentDeliveries(SqliteMetadataStore* store) {
  CO_ASSERT_OK(alice, MakeAccount(store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  const uint64_t transactions_before = store->stats().transactions;
  std::vector<Outcome> outcomes(kDeliveries + 1);
  Latch latch(kDeliveries + 1);
  for (int i = 0; i <= kDeliveries; ++i) {
    const std::string content = "Subject: " + std::to_string(i) + "\r\n\r\nbody\r\n";
    const int64_t target = i == kDeliveries / 2 ? kNoSuchMailbox : inbox;
    Spawn(DeliverOne(store, MakeRequest(content, target), &outcomes[i], &latch));
  }
  co_await latch.Wait();
  std::set<uint32_t> uids;
  for (int i = 0; i <= kDeliveries; ++i) {
    const Outcome& o = outcomes[i];
    if (i == kDeliveries / 2) {
      EXPECT_FALSE(o.result.has_value());
      if (!o.result) {
        EXPECT_EQ(o.result.error().code, ErrorCode::kNotFound);
      }
      continue;
    }
    EXPECT_TRUE(o.result.has_value()) << i << ": " << o.result.error().ToString();
    if (o.result && o.result->size() == 1) uids.insert((*o.result)[0].uid);
  }
  EXPECT_EQ(uids.size(), static_cast<size_t>(kDeliveries));
  EXPECT_EQ(*uids.begin(), 1u);
  EXPECT_EQ(*uids.rbegin(), static_cast<uint32_t>(kDeliveries));
  // Grouped: fewer transactions than operations (the first may run alone).
  EXPECT_LT(store->stats().transactions - transactions_before,
            static_cast<uint64_t>(kDeliveries / 2));
  CO_ASSERT_OK(snapshot, store->LoadMailbox(inbox));
  EXPECT_EQ(snapshot->mailbox.message_count, static_cast<uint64_t>(kDeliveries));
  EXPECT_EQ(snapshot->messages.size(), static_cast<size_t>(kDeliveries));
}

TEST(StoreSqliteGroupCommit, ConcurrentDeliveriesCommitTogetherAndAFailingOneFailsAlone) {
  TempDir dir;
  const std::string path = dir.path() + "/meta.db";
  Result<std::unique_ptr<SqliteMetadataStore>> store = SqliteMetadataStore::Open(path);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  RunOnReactor(ConcurrentDeliveries(store->get()));
  store->reset();
  EXPECT_EQ(QueryInt(path, "SELECT count(*) FROM mailbox_messages"), kDeliveries);
  EXPECT_EQ(QueryInt(path, "SELECT count(DISTINCT uid) FROM mailbox_messages"), kDeliveries);
  EXPECT_EQ(QueryInt(path, "SELECT used_messages FROM accounts WHERE name = 'alice'"), kDeliveries);
}

// Another connection holds the write lock, so the store thread cannot begin its transaction:
// the delivery waits, a read answers meanwhile, and the delivery commits once the lock goes.
Task<void> ReadWhileWritesWait(SqliteMetadataStore* store, std::string path) {
  CO_ASSERT_OK(alice, MakeAccount(store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  sqlite3* locker = nullptr;
  CO_ASSERT_TRUE(sqlite3_open(path.c_str(), &locker) == SQLITE_OK);
  CO_ASSERT_TRUE(sqlite3_exec(locker, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  Outcome delivery;
  Spawn(DeliverOne(store, MakeRequest("Subject: x\r\n\r\nwaits\r\n", inbox), &delivery, nullptr));
  Result<MailboxSnapshot> read = co_await store->LoadMailbox(inbox);
  EXPECT_TRUE(read.has_value());
  EXPECT_FALSE(delivery.done);  // the read did not wait behind it
  sqlite3_exec(locker, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(locker);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!delivery.done && std::chrono::steady_clock::now() < deadline) co_await Sleep(1);
  CO_ASSERT_TRUE(delivery.done);
  EXPECT_TRUE(delivery.result.has_value());
  CO_ASSERT_OK(after, store->LoadMailbox(inbox));
  EXPECT_EQ(after->messages.size(), 1u);  // a read sees what has committed
}

TEST(StoreSqliteGroupCommit, ReadsDoNotWaitForTheWriter) {
  TempDir dir;
  SqliteStoreOptions options;
  options.path = dir.path() + "/meta.db";
  options.busy_timeout_ms = 30000;
  Result<std::unique_ptr<SqliteMetadataStore>> store = SqliteMetadataStore::Open(options);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  RunOnReactor(ReadWhileWritesWait(store->get(), options.path));
}

}  // namespace
}  // namespace ringmail::testing
