// The orphan sweep end to end on the embedded stores: an object written without its
// transaction (a crash between the two steps of a delivery) is adopted and then collected;
// objects with rows, and orphans still in their grace period, are never touched; a delivery
// racing the adoption keeps its blob; the listing continues across calls; stale temporaries
// go; and the collector lease makes a second collector skip.
#include "store/orphan_sweep.h"

#include <gtest/gtest.h>
#include <sys/time.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "metadata_conformance_bodies.h"
#include "store/blob_collector.h"
#include "store/delivery.h"
#include "stores_fixture.h"
#include "testing/run_on_reactor.h"

namespace ringmail::testing {
namespace {

void SetMtime(const std::string& path, int64_t t) {
  const timeval times[2] = {{static_cast<time_t>(t), 0}, {static_cast<time_t>(t), 0}};
  ASSERT_EQ(::utimes(path.c_str(), times), 0) << path;
}

class StoreOrphanSweep : public StoresFixture {
 protected:
  std::string ObjectPath(std::string_view message) const {
    return blob_root() + "/" + BlobKey::Of(message).ObjectPath();
  }
  // Stores `message` as a delivery's step 1 does, and never commits a row for it.
  void PutOrphan(std::string message, int64_t written_at) {
    RunOnReactor(PutOnly(blobs_.get(), message));
    SetMtime(ObjectPath(message), written_at);
  }
  static Task<void> PutOnly(BlobStore* blobs, std::string message) {
    Result<StoredBlob> put = co_await blobs->Put(BlobKey::Of(message), message);
    EXPECT_TRUE(put.has_value()) << put.error().ToString();
  }
  OrphanSweepPass Sweep(std::string cursor = "", OrphanSweepOptions options = {}) {
    OrphanSweepPass pass;
    RunOnReactor(SweepTask(this, std::move(cursor), options, &pass));
    return pass;
  }
  static Task<void> SweepTask(StoreOrphanSweep* self, std::string cursor,
                              OrphanSweepOptions options, OrphanSweepPass* out) {
    CO_ASSERT_OK(pass, SweepOrphanBlobs(*self->blobs_, *self->metadata_, std::time(nullptr),
                                        std::move(cursor), options));
    *out = *pass;
  }
  BlobCollectorPass Collect(std::string lease_holder = "") {
    BlobCollectorPass pass;
    RunOnReactor(CollectTask(this, std::move(lease_holder), &pass));
    return pass;
  }
  static Task<void> CollectTask(StoreOrphanSweep* self, std::string lease_holder,
                                BlobCollectorPass* out) {
    BlobCollectorOptions options;
    options.forget_delay_ms = 0;  // no delivery runs concurrently here
    options.lease_holder = std::move(lease_holder);
    CO_ASSERT_OK(pass,
                 CollectBlobsOnce(*self->blobs_, *self->metadata_, std::time(nullptr), options));
    *out = *pass;
  }
  int64_t BlobRows() const { return QueryInt(db_path(), "SELECT count(*) FROM blobs"); }
};

Task<void> MakeInbox(MetadataStore* metadata, int64_t* inbox) {
  CO_ASSERT_OK(alice, conformance::MakeAccount(metadata, "alice"));
  *inbox = alice->Mailbox("INBOX");
}

Task<void> Deliver(BlobStore* blobs, MetadataStore* metadata, int64_t inbox, std::string message) {
  DeliveryRequest request;
  request.targets.push_back({inbox, {}});
  CO_ASSERT_OK(placed, DeliverMessage(*blobs, *metadata, message, request));
}

Task<void> ExpectContent(BlobStore* blobs, std::string message) {
  CO_ASSERT_OK(got, blobs->Get(BlobKey::Of(message)));
  EXPECT_EQ(*got, message);
}

Task<void> ClaimLease(MetadataStore* metadata, std::string holder) {
  CO_ASSERT_OK(claimed, metadata->ClaimCollectorLease(holder, 600));
  EXPECT_TRUE(*claimed);
}

Task<void> ReleaseLease(MetadataStore* metadata, std::string holder) {
  CO_ASSERT_OK(released, metadata->ReleaseCollectorLease(holder));
}

constexpr int64_t kHour = 3600;

TEST_F(StoreOrphanSweep, OrphanIsAdoptedThenCollectedAndNothingElseIsTouched) {
  const int64_t now = std::time(nullptr);
  int64_t inbox = 0;
  RunOnReactor(MakeInbox(metadata_.get(), &inbox));
  const std::string delivered = "Subject: delivered\r\n\r\nkeep me\r\n";
  RunOnReactor(Deliver(blobs_.get(), metadata_.get(), inbox, delivered));
  SetMtime(ObjectPath(delivered), now - 2 * kHour);  // old, but it has a row
  const std::string orphan = "Subject: crashed\r\n\r\nno row\r\n";
  PutOrphan(orphan, now - 2 * kHour);
  const std::string young = "Subject: crashed just now\r\n\r\nmaybe a delivery's\r\n";
  PutOrphan(young, now - 60);
  ASSERT_EQ(CountObjects(), 3u);

  const OrphanSweepPass sweep = Sweep();
  EXPECT_EQ(sweep.listed, 3u);
  EXPECT_EQ(sweep.adopted, 1u);
  EXPECT_EQ(sweep.cursor, "");
  EXPECT_EQ(BlobRows(), 2);
  EXPECT_EQ(QueryInt(db_path(), "SELECT count(*) FROM blobs WHERE refcount = 0"), 1);

  const BlobCollectorPass pass = Collect();
  EXPECT_EQ(pass.marked, 1u);
  EXPECT_EQ(pass.deleted, 1u);
  EXPECT_FALSE(std::filesystem::exists(ObjectPath(orphan)));
  EXPECT_TRUE(std::filesystem::exists(ObjectPath(young)));
  EXPECT_EQ(CountObjects(), 2u);
  EXPECT_EQ(BlobRows(), 1);
  RunOnReactor(ExpectContent(blobs_.get(), delivered));

  // A second sweep finds nothing new: the delivered blob has its row, the young one is young.
  EXPECT_EQ(Sweep().adopted, 0u);
}

// The race the adoption is built for: a delivery that found the object present commits its
// row after the sweep adopted the object. It references the adopted row, which the collector
// then leaves alone.
TEST_F(StoreOrphanSweep, DeliveryAfterAdoptionKeepsTheBlob) {
  const std::string message = "Subject: retried after a crash\r\n\r\nsame bytes\r\n";
  PutOrphan(message, std::time(nullptr) - 2 * kHour);
  EXPECT_EQ(Sweep().adopted, 1u);
  int64_t inbox = 0;
  RunOnReactor(MakeInbox(metadata_.get(), &inbox));
  RunOnReactor(Deliver(blobs_.get(), metadata_.get(), inbox, message));
  EXPECT_EQ(QueryInt(db_path(), "SELECT refcount FROM blobs"), 1);
  EXPECT_EQ(Collect().marked, 0u);
  RunOnReactor(ExpectContent(blobs_.get(), message));
}

TEST_F(StoreOrphanSweep, ListingContinuesAcrossCalls) {
  for (int i = 0; i < 5; ++i) PutOrphan("orphan " + std::to_string(i), std::time(nullptr) - kHour);
  OrphanSweepOptions options;
  options.grace_s = 60;
  options.page_max = 2;
  options.pages_max = 1;
  OrphanSweepPass pass = Sweep("", options);
  size_t adopted = pass.adopted;
  int calls = 1;
  while (!pass.cursor.empty() && calls < 10) {
    pass = Sweep(pass.cursor, options);
    adopted += pass.adopted;
    ++calls;
  }
  EXPECT_EQ(calls, 3);  // 2 + 2 + 1
  EXPECT_EQ(adopted, 5u);
  EXPECT_EQ(Collect().deleted, 5u);
  EXPECT_EQ(CountObjects(), 0u);
}

TEST_F(StoreOrphanSweep, FullSweepRemovesStaleTemporaries) {
  const std::string stale = blob_root() + "/tmp/" + std::string(64, 'c') + ".3";
  std::ofstream(stale) << "half a message";
  SetMtime(stale, std::time(nullptr) - 2 * kHour);
  EXPECT_EQ(Sweep().temporaries_removed, 1u);
  EXPECT_FALSE(std::filesystem::exists(stale));
}

// Two collectors at once are refused: the second finds the lease taken and does nothing.
TEST_F(StoreOrphanSweep, SecondCollectorSkipsWhileTheLeaseIsHeld) {
  PutOrphan("Subject: x\r\n\r\n", std::time(nullptr) - 2 * kHour);
  EXPECT_EQ(Sweep().adopted, 1u);
  RunOnReactor(ClaimLease(metadata_.get(), "other-node"));
  const BlobCollectorPass skipped = Collect("this-node");
  EXPECT_TRUE(skipped.skipped);
  EXPECT_EQ(skipped.marked, 0u);
  EXPECT_EQ(CountObjects(), 1u);
  RunOnReactor(ReleaseLease(metadata_.get(), "other-node"));
  const BlobCollectorPass ran = Collect("this-node");
  EXPECT_FALSE(ran.skipped);
  EXPECT_EQ(ran.deleted, 1u);
  EXPECT_EQ(CountObjects(), 0u);
  // The pass freed the lease at its end: another node may run the next one at once.
  EXPECT_EQ(QueryInt(db_path(), "SELECT count(*) FROM collector_lease WHERE holder = ''"), 1);
}

}  // namespace
}  // namespace ringmail::testing
