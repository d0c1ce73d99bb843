// The S3 client against OpenStack Swift's s3api (Debian's python3-swift), which recomputes
// every SigV4 signature: requests with keys that need URI-encoding, ranges, queries and
// bodies are accepted with the right secret and refused (403 SignatureDoesNotMatch) with a
// wrong one; a multipart upload (PutFile) too. Slow to start (several seconds), so one test
// covers it all.
#include <gtest/gtest.h>

#include <string>

#include "store/s3/s3_blob_store.h"
#include "store/s3_put_file_check.h"
#include "store/s3_test_server.h"
#include "testing/run_on_reactor.h"

namespace ringmail {
namespace {

using testing::S3Flavor;
using testing::S3TestServer;

std::unique_ptr<S3BlobStore> OpenStore(const S3TestServer& server, const std::string& secret) {
  Result<S3BlobStoreOptions> options =
      S3BlobStore::OptionsFromConfig(server.endpoint_url(), server.access_key(), secret, nullptr);
  EXPECT_TRUE(options.has_value()) << options.error().ToString();
  options->client.attempts_max = 2;
  options->client.backoff_base_ms = 20;
  Result<std::unique_ptr<S3BlobStore>> store = S3BlobStore::Open(std::move(*options));
  EXPECT_TRUE(store.has_value()) << store.error().ToString();
  return std::move(*store);
}

Task<void> Signed(S3BlobStore* store, bool* done) {
  Result<void> bucket = co_await store->CheckBucket();
  EXPECT_TRUE(bucket.has_value()) << bucket.error().ToString();

  const std::string message = "Subject: signed\r\n\r\n" + std::string(3 << 20, 's');
  const BlobKey key = BlobKey::Of(message);
  Result<StoredBlob> put = co_await store->Put(key, message);
  EXPECT_TRUE(put.has_value()) << put.error().ToString();
  Result<std::string> got = co_await store->Get(key);
  EXPECT_TRUE(got.has_value()) << got.error().ToString();
  if (got) {
    EXPECT_TRUE(*got == message);
  }

  // A key whose canonical URI differs from its raw form in every way S3 cares about.
  s3::S3Client& client = store->client();
  const std::string odd = "odd dir/a key+with=signs&$~!'()*,;:@é.txt";
  Result<void> odd_put = co_await client.Put(odd, "odd body");
  EXPECT_TRUE(odd_put.has_value()) << odd_put.error().ToString();
  Result<std::string> odd_range = co_await client.GetRange(odd, 4, 7);
  EXPECT_TRUE(odd_range.has_value()) << odd_range.error().ToString();
  if (odd_range) {
    EXPECT_EQ(*odd_range, "body");
  }
  Result<s3::ObjectInfo> head = co_await client.Head(odd);
  EXPECT_TRUE(head.has_value()) << head.error().ToString();
  Result<s3::ListPage> listed = co_await client.List("odd dir/", "", 10);
  EXPECT_TRUE(listed.has_value()) << listed.error().ToString();
  if (listed) {
    EXPECT_EQ(listed->entries.size(), 1u);
    if (!listed->entries.empty()) {
      EXPECT_EQ(listed->entries[0].key, odd);
    }
  }
  // The blob store's listing (the orphan sweep's) is signed too; it lists the blob only.
  Result<BlobPage> blobs = co_await store->List("", 10);
  EXPECT_TRUE(blobs.has_value()) << blobs.error().ToString();
  if (blobs) {
    EXPECT_EQ(blobs->entries.size(), 1u);
    if (!blobs->entries.empty()) {
      EXPECT_EQ(blobs->entries[0].key, key);
      EXPECT_EQ(blobs->entries[0].stored_size, put ? put->stored_size : 0);
      EXPECT_GT(blobs->entries[0].modified_at, 1700000000);
    }
    EXPECT_EQ(blobs->cursor, "");
  }
  Result<void> odd_delete = co_await client.Delete(odd);
  EXPECT_TRUE(odd_delete.has_value()) << odd_delete.error().ToString();
  Result<void> deleted = co_await store->Delete(key);
  EXPECT_TRUE(deleted.has_value()) << deleted.error().ToString();
  co_await store->CloseConnections();
  *done = true;
}

Task<void> WronglySigned(S3BlobStore* store, bool* done) {
  Result<void> bucket = co_await store->CheckBucket();
  EXPECT_FALSE(bucket.has_value());
  if (!bucket) {
    EXPECT_EQ(bucket.error().code, ErrorCode::kConfig);
    EXPECT_NE(bucket.error().message.find("access denied"), std::string::npos)
        << bucket.error().message;
  }
  Result<StoredBlob> put = co_await store->Put(BlobKey::Of("x"), "x");
  EXPECT_FALSE(put.has_value());
  if (!put) {
    EXPECT_EQ(put.error().code, ErrorCode::kIo);
    EXPECT_NE(put.error().message.find("SignatureDoesNotMatch"), std::string::npos)
        << put.error().message;
  }
  co_await store->CloseConnections();
  *done = true;
}

TEST(S3SwiftSigV4, SwiftS3ApiAcceptsOurSignaturesAndRefusesWrongOnes) {
  S3TestServer server(S3Flavor::kSwift);
  const std::string error = server.Start();
  if (server.skipped()) GTEST_SKIP() << "needs python3-swift: " << error;
  ASSERT_EQ(error, "") << "swift did not start";

  auto good = OpenStore(server, server.secret_key());
  bool done = false;
  testing::RunOnReactor(Signed(good.get(), &done));
  EXPECT_TRUE(done);

  // A multipart upload (PutFile of more than one part), every request of it signed.
  std::string large(2 * kS3PartSize + 777, '\0');
  for (size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>((i * 7919) >> 3);
  done = false;
  testing::RunOnReactor(testing::PutFileRoundTrip(good.get(), large, &done));
  EXPECT_TRUE(done);

  auto bad = OpenStore(server, "not-the-secret");
  done = false;
  testing::RunOnReactor(WronglySigned(bad.get(), &done));
  EXPECT_TRUE(done);
}

}  // namespace
}  // namespace ringmail
