// The PostgreSQL backend when its server crashes under load: deliveries in flight fail with
// kUnavailable (never a hang, never a crash), the store recovers by itself once the server
// is back, and every delivery it acknowledged is there after crash recovery.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "metadata_conformance.h"
#include "metadata_test_util.h"
#include "postgres_test_server.h"
#include "runtime/awaitables.h"
#include "store/postgres/pg_store.h"
#include "testing/latch.h"
#include "testing/run_on_reactor.h"

namespace ringmail::testing {
namespace {

constexpr int kWriters = 8;

struct Load {
  MetadataStore* store = nullptr;
  PostgresTestServer* server = nullptr;
  int64_t mailbox = 0;
  int next = 0;
  bool stop = false;
  std::map<uint32_t, BlobKey> acknowledged;  // UID → the content's key
  int failures = 0;
  std::vector<ErrorCode> failure_codes;
  Latch writers{kWriters};
};

Task<void> Writer(Load* load) {
  while (!load->stop) {
    const std::string content = "message " + std::to_string(load->next++);
    Result<std::vector<PlacedMessage>> placed =
        co_await load->store->Deliver(MakeRequest(content, load->mailbox));
    if (placed) {
      EXPECT_TRUE(load->acknowledged.emplace(placed->front().uid, BlobKey::Of(content)).second)
          << "UID " << placed->front().uid << " acknowledged twice";
    } else {
      ++load->failures;
      load->failure_codes.push_back(placed.error().code);
      co_await Sleep(20);
    }
  }
  load->writers.Done();
}

// Waits (polling) until `done` or `deadline_ms` passes; false on the deadline.
template <typename Done>
Task<bool> WaitFor(Done done, uint64_t deadline_ms) {
  while (!done()) {
    if (MonotonicMs() > deadline_ms) co_return false;
    co_await Sleep(10);
  }
  co_return true;
}

Task<void> CrashUnderLoad(Load* load) {
  CO_ASSERT_OK(alice, conformance::MakeAccount(load->store, "alice"));
  load->mailbox = alice->Mailbox("INBOX");
  for (int i = 0; i < kWriters; ++i) Spawn(Writer(load));

  const bool loaded =
      co_await WaitFor([&] { return load->acknowledged.size() >= 100; }, MonotonicMs() + 30000);
  EXPECT_TRUE(loaded) << "no load before the crash";
  load->server->Kill();
  const bool failing =
      co_await WaitFor([&] { return load->failures >= kWriters; }, MonotonicMs() + 30000);
  EXPECT_TRUE(failing) << "deliveries did not fail while the server was down";
  // Blocking, briefly, on the reactor: the test's own server.
  EXPECT_EQ(load->server->Start(load->server->port()), "");
  const size_t before = load->acknowledged.size();
  const uint64_t restarted = MonotonicMs();
  const bool recovered = co_await WaitFor([&] { return load->acknowledged.size() >= before + 100; },
                                          restarted + 30000);
  EXPECT_TRUE(recovered) << "the store did not recover after the server came back";
  std::printf("recovered: 100 deliveries within %llu ms of the restart\n",
              static_cast<unsigned long long>(MonotonicMs() - restarted));
  load->stop = true;
  co_await load->writers.Wait();

  for (ErrorCode code : load->failure_codes) {
    EXPECT_TRUE(code == ErrorCode::kUnavailable) << "a failure other than kUnavailable";
  }
  Result<MailboxSnapshot> snapshot = co_await load->store->LoadMailbox(load->mailbox);
  EXPECT_TRUE(snapshot.has_value());
  if (!snapshot) co_return;
  std::map<uint32_t, BlobKey> present;
  for (const MessageRecord& m : snapshot->messages) present.emplace(m.uid, m.blob);
  // Acknowledged means stored; a delivery that failed may or may not have committed.
  for (const auto& [uid, key] : load->acknowledged) {
    auto it = present.find(uid);
    EXPECT_TRUE(it != present.end()) << "acknowledged UID " << uid << " lost";
    if (it != present.end()) {
      EXPECT_EQ(it->second, key) << "UID " << uid;
    }
  }
  EXPECT_EQ(snapshot->mailbox.message_count, snapshot->messages.size());
}

TEST(StorePostgresFaults, CrashUnderLoadLosesNothingAcknowledged) {
  PostgresTestServer server;
  ASSERT_EQ(server.Start(), "");
  PostgresStoreOptions options;
  options.uri = server.uri();
  options.connect_timeout_ms = 2000;
  Result<std::unique_ptr<PostgresMetadataStore>> store = PostgresMetadataStore::Open(options);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  Load load;
  load.store = store->get();
  load.server = &server;
  RunOnReactor(CrashUnderLoad(&load));
  EXPECT_GT(load.failures, 0);
}

}  // namespace
}  // namespace ringmail::testing
