// Crash under load: writer coroutines keep delivering into one mailbox while a test kills a
// real server (PostgreSQL, S3) and starts it again. Every failure must be temporary, the
// store must recover by itself, and every acknowledged delivery must be there afterwards.
// Shared by tests/store/postgres_fault_test.cc and s3_fault_test.cc.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "metadata_test_util.h"
#include "runtime/awaitables.h"
#include "store/metadata_store.h"
#include "testing/latch.h"

namespace ringmail::testing {

inline constexpr int kCrashWriters = 8;

struct CrashLoad {
  // Delivers `content` into `mailbox`; the test's store path (metadata only, or both stores).
  std::function<Task<Result<std::vector<PlacedMessage>>>(std::string content, int64_t mailbox)>
      deliver;
  std::function<void()> kill;
  std::function<std::string()> restart;  // "" when the server runs again
  MetadataStore* metadata = nullptr;
  int64_t mailbox = 0;

  int next = 0;
  bool stop = false;
  std::map<uint32_t, std::string> acknowledged;  // UID → content
  std::vector<Error> failures;
  Latch writers{kCrashWriters};
};

inline Task<void> CrashWriter(CrashLoad* load) {
  while (!load->stop) {
    const std::string content = "message " + std::to_string(load->next++);
    Result<std::vector<PlacedMessage>> placed = co_await load->deliver(content, load->mailbox);
    if (placed) {
      EXPECT_TRUE(load->acknowledged.emplace(placed->front().uid, content).second)
          << "UID " << placed->front().uid << " acknowledged twice";
    } else {
      load->failures.push_back(placed.error());
      co_await Sleep(20);
    }
  }
  load->writers.Done();
}

// Polls `done` every 10 ms; false when `deadline_ms` (MonotonicMs) passes first.
template <typename Done>
Task<bool> PollUntil(Done done, uint64_t deadline_ms) {
  while (!done()) {
    if (MonotonicMs() > deadline_ms) co_return false;
    co_await Sleep(10);
  }
  co_return true;
}

// Runs the load, the crash and the recovery; leaves the writers stopped. The caller then
// checks what was acknowledged (ExpectAcknowledgedPresent).
inline Task<void> CrashUnderLoad(CrashLoad* load) {
  for (int i = 0; i < kCrashWriters; ++i) Spawn(CrashWriter(load));
  const bool loaded =
      co_await PollUntil([&] { return load->acknowledged.size() >= 50; }, MonotonicMs() + 60000);
  EXPECT_TRUE(loaded) << "no load before the crash";
  load->kill();
  const bool failing = co_await PollUntil(
      [&] { return load->failures.size() >= static_cast<size_t>(kCrashWriters); },
      MonotonicMs() + 60000);
  EXPECT_TRUE(failing) << "deliveries did not fail while the server was down";
  EXPECT_EQ(load->restart(), "");  // blocking, briefly, on the reactor: the test's server
  const size_t before = load->acknowledged.size();
  const uint64_t restarted = MonotonicMs();
  const bool recovered = co_await PollUntil(
      [&] { return load->acknowledged.size() >= before + 50; }, restarted + 60000);
  EXPECT_TRUE(recovered) << "the store did not recover after the server came back";
  std::printf("recovered: 50 deliveries within %llu ms of the restart\n",
              static_cast<unsigned long long>(MonotonicMs() - restarted));
  load->stop = true;
  co_await load->writers.Wait();
  for (const Error& e : load->failures) {
    EXPECT_TRUE(e.code == ErrorCode::kUnavailable || e.code == ErrorCode::kTimeout)
        << "not a temporary failure: " << e.ToString();
  }
}

// Every acknowledged delivery is in the mailbox with its content's key. (A delivery that
// failed may or may not have committed: it is not checked.)
inline Task<void> ExpectAcknowledgedPresent(CrashLoad* load) {
  Result<MailboxSnapshot> snapshot = co_await load->metadata->LoadMailbox(load->mailbox);
  EXPECT_TRUE(snapshot.has_value());
  if (!snapshot) co_return;
  std::map<uint32_t, BlobKey> present;
  for (const MessageRecord& m : snapshot->messages) present.emplace(m.uid, m.blob);
  for (const auto& [uid, content] : load->acknowledged) {
    auto it = present.find(uid);
    EXPECT_TRUE(it != present.end()) << "acknowledged UID " << uid << " lost";
    if (it != present.end()) {
      EXPECT_EQ(it->second, BlobKey::Of(content)) << "UID " << uid;
    }
  }
  EXPECT_EQ(snapshot->mailbox.message_count, snapshot->messages.size());
}

}  // namespace ringmail::testing
