// The S3 blob store's listing (ListObjectsV2 with continuation tokens, against s3rver) and
// the orphan sweep over it: blob keys in key order with their sizes and times, other keys of
// the bucket left out, and an object PUT without its transaction adopted and collected while
// a delivered one stays.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "metadata_conformance_bodies.h"
#include "sqlite_test_util.h"
#include "store/blob_collector.h"
#include "store/delivery.h"
#include "store/orphan_sweep.h"
#include "store/s3/s3_blob_store.h"
#include "store/s3_test_server.h"
#include "testing/run_on_reactor.h"

namespace ringmail::testing {
namespace {

class StoreS3OrphanSweep : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string error = server_.Start();
    if (server_.skipped()) GTEST_SKIP() << "the S3 tests need s3rver: " << error;
    ASSERT_EQ(error, "") << "s3rver did not start";
    Result<S3BlobStoreOptions> options = S3BlobStore::OptionsFromConfig(
        server_.endpoint_url(), S3TestServer::kAccessKey, S3TestServer::kSecretKey, nullptr);
    ASSERT_TRUE(options.has_value()) << options.error().ToString();
    options->client.attempts_max = 2;
    options->client.backoff_base_ms = 20;
    Result<std::unique_ptr<S3BlobStore>> store = S3BlobStore::Open(std::move(*options));
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    blobs_ = std::move(*store);
    Result<std::unique_ptr<SqliteMetadataStore>> metadata =
        SqliteMetadataStore::Open(dir_.path() + "/meta.db");
    ASSERT_TRUE(metadata.has_value()) << metadata.error().ToString();
    metadata_ = std::move(*metadata);
  }

  S3TestServer server_;
  TempDir dir_;
  std::unique_ptr<S3BlobStore> blobs_;
  std::unique_ptr<SqliteMetadataStore> metadata_;
};

std::vector<std::string> Messages(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("Subject: s3 " + std::to_string(i) + "\r\n\r\n.\r\n");
  return out;
}

Task<void> ListInPages(S3BlobStore* store) {
  std::vector<std::string> expected;
  for (const std::string& m : Messages(5)) {
    CO_ASSERT_OK(put, store->Put(BlobKey::Of(m), m));
    expected.push_back(BlobKey::Of(m).Hex());
  }
  std::sort(expected.begin(), expected.end());
  // Not blobs: another application's object, an upper-case key, a key in the wrong place.
  const std::string hex = BlobKey::Of("stranger").Hex();
  std::string upper = hex;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  std::vector<std::string> strangers;
  strangers.push_back("backups/2024.tar");
  strangers.push_back(upper.substr(0, 2) + "/" + upper.substr(2, 2) + "/" + upper);
  strangers.push_back("00/00/" + hex);
  for (const std::string& key : strangers) {
    CO_ASSERT_OK(other, store->client().Put(key, "x"));
  }
  std::vector<std::string> listed;
  std::string cursor;
  int pages = 0;
  const int64_t now = std::time(nullptr);
  do {
    CO_ASSERT_OK(page, store->List(cursor, 2));
    for (const BlobListing& e : page->entries) {
      listed.push_back(e.key.Hex());
      EXPECT_GT(e.stored_size, 32u);
      EXPECT_LE(std::abs(e.modified_at - now), 3600) << "the server's clock";
    }
    cursor = page->cursor;
    ++pages;
  } while (!cursor.empty() && pages < 20);
  EXPECT_EQ(listed, expected);
  EXPECT_GE(pages, 3);
  Result<BlobPage> refused = co_await store->List("", kBlobPageMax + 1);
  EXPECT_TRUE(!refused && refused.error().code == ErrorCode::kInvalidArgument);
  co_await store->CloseConnections();
}

TEST_F(StoreS3OrphanSweep, ListsBlobKeysInOrderAcrossPages) {
  RunOnReactor(ListInPages(blobs_.get()));
}

// With blob-grace 0 an object is old as soon as it is written (the server's clock may be a
// little ahead of ours: the sweep and the pass look a minute ahead).
Task<void> SweepAndCollect(S3BlobStore* blobs, MetadataStore* metadata) {
  CO_ASSERT_OK(alice, conformance::MakeAccount(metadata, "alice"));
  DeliveryRequest request;
  request.targets.push_back({alice->Mailbox("INBOX"), {}});
  const std::string delivered = "Subject: delivered\r\n\r\nkeep\r\n";
  CO_ASSERT_OK(placed, DeliverMessage(*blobs, *metadata, delivered, request));
  const std::string orphan = "Subject: crashed\r\n\r\nno row\r\n";
  CO_ASSERT_OK(put, blobs->Put(BlobKey::Of(orphan), orphan));

  const int64_t later = std::time(nullptr) + 60;
  OrphanSweepOptions sweep;
  sweep.grace_s = 0;
  CO_ASSERT_OK(swept, SweepOrphanBlobs(*blobs, *metadata, later, "", sweep));
  EXPECT_EQ(swept->listed, 2u);
  EXPECT_EQ(swept->adopted, 1u);
  BlobCollectorOptions collect;
  collect.grace_s = 0;
  collect.forget_delay_ms = 0;  // no delivery runs concurrently here
  collect.lease_holder = "s3-test";
  CO_ASSERT_OK(pass, CollectBlobsOnce(*blobs, *metadata, later, collect));
  EXPECT_EQ(pass->deleted, 1u);
  Result<std::string> gone = co_await blobs->Get(BlobKey::Of(orphan));
  EXPECT_TRUE(!gone && gone.error().code == ErrorCode::kNotFound);
  CO_ASSERT_OK(kept, blobs->Get(BlobKey::Of(delivered)));
  EXPECT_EQ(*kept, delivered);
  co_await blobs->CloseConnections();
}

TEST_F(StoreS3OrphanSweep, OrphanObjectIsAdoptedAndCollected) {
  RunOnReactor(SweepAndCollect(blobs_.get(), metadata_.get()));
}

}  // namespace
}  // namespace ringmail::testing
