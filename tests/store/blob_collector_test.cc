// The collector frees the space of expunged messages: objects gone from disk, rows gone from
// the database; referenced blobs and blobs still in their grace period stay; a stopped pass
// leaves its rows to the next.
#include "store/blob_collector.h"

#include <gtest/gtest.h>

#include <ctime>

#include "metadata_conformance_bodies.h"
#include "runtime/awaitables.h"
#include "runtime/stop_signal.h"
#include "store/delivery.h"
#include "stores_fixture.h"
#include "testing/latch.h"
#include "testing/run_on_reactor.h"

namespace ringmail::testing {
namespace {

class StoreBlobCollector : public StoresFixture {};

constexpr int kMessages = 10;

Task<void> DeliverThenExpunge(BlobStore* blobs, MetadataStore* metadata) {
  CO_ASSERT_OK(alice, conformance::MakeAccount(metadata, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  DeliveryRequest request;
  request.targets.push_back({inbox, {}});
  std::vector<uint32_t> uids;
  for (int i = 0; i < kMessages; ++i) {
    const std::string message = "Subject: " + std::to_string(i) + "\r\n\r\n" +
                                std::string(1000 + static_cast<size_t>(i), 'x');
    CO_ASSERT_OK(placed, DeliverMessage(*blobs, *metadata, message, request));
    uids.push_back((*placed)[0].uid);
  }
  DeliveryRequest keep = request;
  keep.targets[0].mailbox_id = alice->Mailbox("Archive");
  CO_ASSERT_OK(kept, DeliverMessage(*blobs, *metadata, "Subject: keep\r\n\r\nme\r\n", keep));
  CO_ASSERT_OK(removed, metadata->Expunge(inbox, uids));
  EXPECT_EQ(removed->size(), static_cast<size_t>(kMessages));
}

Task<void> Collect(BlobStore* blobs, MetadataStore* metadata, int64_t grace_s,
                   BlobCollectorPass* pass) {
  BlobCollectorOptions options;
  options.grace_s = grace_s;
  options.forget_delay_ms = 0;  // no delivery runs concurrently here
  CO_ASSERT_OK(r, CollectBlobsOnce(*blobs, *metadata, std::time(nullptr), options));
  *pass = *r;
}

TEST_F(StoreBlobCollector, ExpungedMessagesFreeTheirSpace) {
  RunOnReactor(DeliverThenExpunge(blobs_.get(), metadata_.get()));
  EXPECT_EQ(CountObjects(), kMessages + 1u);
  EXPECT_EQ(QueryInt(db_path(), "SELECT count(*) FROM blobs WHERE refcount = 0"), kMessages);

  BlobCollectorPass in_grace;
  RunOnReactor(Collect(blobs_.get(), metadata_.get(), 3600, &in_grace));
  EXPECT_EQ(in_grace.marked, 0u);
  EXPECT_EQ(CountObjects(), kMessages + 1u);

  BlobCollectorPass pass;
  RunOnReactor(Collect(blobs_.get(), metadata_.get(), 0, &pass));
  EXPECT_EQ(pass.marked, static_cast<size_t>(kMessages));
  EXPECT_EQ(pass.deleted, static_cast<size_t>(kMessages));
  EXPECT_EQ(pass.failed, 0u);
  EXPECT_EQ(CountObjects(), 1u);  // the message still in Archive
  EXPECT_EQ(QueryInt(db_path(), "SELECT count(*) FROM blobs"), 1);
  EXPECT_EQ(QueryInt(db_path(), "SELECT refcount FROM blobs"), 1);
}

Task<void> StopAfter(StopSignal* signal, uint64_t ms, Latch* done) {
  co_await Sleep(ms);
  signal->Stop();
  done->Done();
}

Task<void> CollectUntilStopped(BlobStore* blobs, MetadataStore* metadata, StopSignal* signal,
                               BlobCollectorPass* pass, Latch* done) {
  BlobCollectorOptions options;
  options.grace_s = 0;
  options.forget_delay_ms = 60000;  // the stop must cut this short
  options.stop = signal;
  Result<BlobCollectorPass> r =
      co_await CollectBlobsOnce(*blobs, *metadata, std::time(nullptr), options);
  EXPECT_TRUE(r.has_value()) << r.error().ToString();
  if (r) *pass = *r;
  done->Done();
}

Task<void> CollectAndStop(BlobStore* blobs, MetadataStore* metadata, BlobCollectorPass* pass) {
  StopSignal signal;
  Latch done(2);
  Spawn(CollectUntilStopped(blobs, metadata, &signal, pass, &done));
  Spawn(StopAfter(&signal, 200, &done));
  co_await done.Wait();
}

// A server shutting down stops a pass in its forget delay: nothing is forgotten, and the next
// pass takes the rows (still 'deleting') again and finishes them.
TEST_F(StoreBlobCollector, StoppedPassLeavesItsRowsToTheNext) {
  RunOnReactor(DeliverThenExpunge(blobs_.get(), metadata_.get()));
  BlobCollectorPass stopped;
  RunOnReactor(CollectAndStop(blobs_.get(), metadata_.get(), &stopped));
  EXPECT_TRUE(stopped.stopped);
  EXPECT_EQ(stopped.marked, static_cast<size_t>(kMessages));
  EXPECT_EQ(stopped.deleted, 0u);
  EXPECT_EQ(QueryInt(db_path(), "SELECT count(*) FROM blobs WHERE state = 'deleting'"), kMessages);

  BlobCollectorPass next;
  RunOnReactor(Collect(blobs_.get(), metadata_.get(), 0, &next));
  EXPECT_FALSE(next.stopped);
  EXPECT_EQ(next.marked, static_cast<size_t>(kMessages));
  EXPECT_EQ(next.deleted, static_cast<size_t>(kMessages));
  EXPECT_EQ(CountObjects(), 1u);
  EXPECT_EQ(QueryInt(db_path(), "SELECT count(*) FROM blobs"), 1);
}

}  // namespace
}  // namespace ringmail::testing
