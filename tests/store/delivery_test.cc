// DeliverMessage over the directory blob store and SQLite: the blob first, then the
// metadata; a delivery meeting a blob being collected waits and stores it again.
#include "store/delivery.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <functional>

#include "metadata_conformance_bodies.h"
#include "runtime/awaitables.h"
#include "stores_fixture.h"
#include "testing/run_on_reactor.h"

namespace ringmail::testing {
namespace {

using conformance::MakeAccount;

class StoreDelivery : public StoresFixture {};

DeliveryRequest To(int64_t mailbox) {
  DeliveryRequest r;
  r.received_at = kReceivedAt;
  r.targets.push_back({mailbox, {}});
  return r;
}

// Polls `done` every millisecond until it holds or `deadline_ms` passes.
Task<bool> WaitUntilTrue(std::function<bool()> done, int64_t deadline_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(deadline_ms);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) co_return false;
    co_await Sleep(1);
  }
  co_return true;
}

Task<void> StoresBlobThenMetadata(BlobStore* blobs, MetadataStore* metadata) {
  CO_ASSERT_OK(alice, MakeAccount(metadata, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  const std::string message = "From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n";
  CO_ASSERT_OK(placed, DeliverMessage(*blobs, *metadata, message, To(inbox)));
  CO_ASSERT_TRUE(placed->size() == 1);
  EXPECT_EQ((*placed)[0].uid, 1u);
  CO_ASSERT_OK(stored, blobs->Get(BlobKey::Of(message)));
  EXPECT_EQ(*stored, message);
  CO_ASSERT_OK(snap, metadata->LoadMailbox(inbox));
  CO_ASSERT_TRUE(snap->messages.size() == 1);
  EXPECT_EQ(snap->messages[0].blob, BlobKey::Of(message));
  EXPECT_EQ(snap->messages[0].size, message.size());
}

TEST_F(StoreDelivery, StoresTheBlobThenTheMetadata) {
  RunOnReactor(StoresBlobThenMetadata(blobs_.get(), metadata_.get()));
  EXPECT_EQ(CountObjects(), 1u);
}

struct Pending {
  bool done = false;
  Result<std::vector<PlacedMessage>> result = MakeError(ErrorCode::kInternal, "not run");
};

Task<void> DeliverInBackground(BlobStore* blobs, MetadataStore* metadata, std::string message,
                               int64_t mailbox, DeliveryRetry retry, Pending* pending) {
  pending->result = co_await DeliverMessage(*blobs, *metadata, message, To(mailbox), retry);
  pending->done = true;
}

// Delivers `message`, expunges it and has the collector mark it: the state in which the
// next delivery of the same bytes is refused with kBusy.
Task<Result<int64_t>> MarkedForCollection(MetadataStore* metadata, BlobStore* blobs,
                                          std::string message) {
  Result<conformance::Account> alice = co_await MakeAccount(metadata, "alice");
  if (!alice) co_return std::unexpected(alice.error());
  const int64_t inbox = alice->Mailbox("INBOX");
  Result<std::vector<PlacedMessage>> placed =
      co_await DeliverMessage(*blobs, *metadata, message, To(inbox));
  if (!placed) co_return std::unexpected(placed.error());
  Result<std::vector<uint32_t>> removed = co_await metadata->Expunge(inbox, UidList(1));
  if (!removed) co_return std::unexpected(removed.error());
  Result<std::vector<BlobKey>> marked =
      co_await metadata->MarkBlobsForDeletion(std::time(nullptr) + 3600, 10);
  if (!marked) co_return std::unexpected(marked.error());
  co_return inbox;
}

Task<void> RetriesWhileCollected(BlobStore* blobs, SqliteMetadataStore* metadata) {
  const std::string message = "Subject: again\r\n\r\nthe same bytes\r\n";
  const BlobKey key = BlobKey::Of(message);
  CO_ASSERT_OK(inbox, MarkedForCollection(metadata, blobs, message));
  const uint64_t ops_before = metadata->stats().operations;
  Pending pending;
  const DeliveryRetry retry{50, 2, 20};
  Spawn(DeliverInBackground(blobs, metadata, message, *inbox, retry, &pending));
  // Once its first Deliver has been refused, the collector finishes: object, then row.
  const bool refused =
      co_await WaitUntilTrue([&] { return metadata->stats().operations > ops_before; }, 10000);
  CO_ASSERT_TRUE(refused);
  EXPECT_FALSE(pending.done);
  CO_ASSERT_OK(deleted, blobs->Delete(key));
  CO_ASSERT_OK(forgotten, metadata->ForgetBlobs(std::vector<BlobKey>(1, key)));
  const bool finished = co_await WaitUntilTrue([&] { return pending.done; }, 10000);
  CO_ASSERT_TRUE(finished);
  CO_ASSERT_TRUE(pending.result.has_value());
  EXPECT_EQ((*pending.result)[0].uid, 2u);
  CO_ASSERT_OK(stored, blobs->Get(key));  // written again after the collector deleted it
  EXPECT_EQ(*stored, message);
}

TEST_F(StoreDelivery, RetriesWhileItsBlobIsCollectedAndStoresItAgain) {
  RunOnReactor(RetriesWhileCollected(blobs_.get(), metadata_.get()));
  EXPECT_EQ(CountObjects(), 1u);
  EXPECT_EQ(QueryInt(db_path(), "SELECT refcount FROM blobs"), 1);
}

Task<void> GivesUp(BlobStore* blobs, MetadataStore* metadata) {
  const std::string message = "Subject: stuck\r\n\r\nnobody collects me\r\n";
  CO_ASSERT_OK(inbox, MarkedForCollection(metadata, blobs, message));
  const DeliveryRetry retry{3, 1, 2};
  Result<std::vector<PlacedMessage>> r =
      co_await DeliverMessage(*blobs, *metadata, message, To(*inbox), retry);
  EXPECT_TRUE(!r && r.error().code == ErrorCode::kBusy);
}

TEST_F(StoreDelivery, RetriesAreBounded) { RunOnReactor(GivesUp(blobs_.get(), metadata_.get())); }

}  // namespace
}  // namespace ringmail::testing
