// The S3 backend against a real S3 server (s3rver from npm, started per test by
// tests/store/s3_server.sh): round trips, ranges, listing, a missing bucket, a server that
// dies, stalls and comes back, corrupted objects, a DNS-name endpoint, many requests at once.
#include "store/s3/s3_blob_store.h"

#include <gtest/gtest.h>

#include <coroutine>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "runtime/worker_pool.h"
#include "store/s3_put_file_check.h"
#include "store/s3_test_server.h"
#include "testing/latch.h"
#include "testing/run_on_reactor.h"

namespace ringmail {
namespace {

using testing::S3TestServer;

using testing::Latch;

class S3BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string error = server_.Start();
    if (server_.skipped()) GTEST_SKIP() << "the S3 tests need s3rver: " << error;
    ASSERT_EQ(error, "") << "s3rver did not start";
  }

  // A store on the test server; short timeouts and backoff keep failure tests quick.
  std::unique_ptr<S3BlobStore> OpenStore(
      std::string bucket = S3TestServer::kBucket,
      blob_format::Compression compression = blob_format::Compression::kNone) {
    Result<S3BlobStoreOptions> options = S3BlobStore::OptionsFromConfig(
        server_.endpoint_url(bucket), S3TestServer::kAccessKey, S3TestServer::kSecretKey, nullptr);
    EXPECT_TRUE(options.has_value()) << options.error().ToString();
    options->compression = compression;
    s3::S3ClientOptions& c = options->client;
    c.connect_timeout_ms = 2000;
    c.request_timeout_ms = 5000;
    c.attempts_max = 3;
    c.backoff_base_ms = 20;
    c.backoff_max_ms = 100;
    Tune(&c);
    Result<std::unique_ptr<S3BlobStore>> store = S3BlobStore::Open(std::move(*options));
    EXPECT_TRUE(store.has_value()) << store.error().ToString();
    return std::move(*store);
  }
  virtual void Tune(s3::S3ClientOptions*) {}

  S3TestServer server_;
};

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

Task<void> RoundTrip(S3BlobStore* store, std::string message, bool* done) {
  const BlobKey key = BlobKey::Of(message);
  Result<StoredBlob> put = co_await store->Put(key, message);
  EXPECT_TRUE(put.has_value()) << put.error().ToString();
  Result<StoredBlob> again = co_await store->Put(key, message);  // idempotent
  EXPECT_TRUE(again.has_value()) << again.error().ToString();
  Result<std::string> got = co_await store->Get(key);
  EXPECT_TRUE(got.has_value()) << got.error().ToString();
  if (got) {
    EXPECT_EQ(got->size(), message.size());
    EXPECT_TRUE(*got == message);
  }
  Result<s3::ObjectInfo> info = co_await store->client().Head(key.ObjectPath());
  EXPECT_TRUE(info.has_value()) << info.error().ToString();
  if (info && put) {
    EXPECT_EQ(info->size, put->stored_size);
  }
  Result<void> deleted = co_await store->Delete(key);
  EXPECT_TRUE(deleted.has_value()) << deleted.error().ToString();
  Result<std::string> gone = co_await store->Get(key);
  EXPECT_FALSE(gone.has_value());
  if (!gone) {
    EXPECT_EQ(gone.error().code, ErrorCode::kNotFound) << gone.error().ToString();
  }
  Result<void> deleted_again = co_await store->Delete(key);  // absent is fine
  EXPECT_TRUE(deleted_again.has_value());
  co_await store->CloseConnections();
  *done = true;
}

TEST_F(S3BlobStoreTest, PutGetDeleteSmallAndFiveMegabytes) {
  auto store = OpenStore();
  for (const std::string& message :
       {std::string("Subject: hi\r\n\r\nhello\r\n"), RandomBytes(5 << 20, 1)}) {
    bool done = false;
    testing::RunOnReactor(RoundTrip(store.get(), message, &done));
    EXPECT_TRUE(done);
  }
}

TEST_F(S3BlobStoreTest, PutGetDeleteCompressed) {
  auto store = OpenStore(S3TestServer::kBucket, blob_format::Compression::kZstd);
  bool done = false;
  testing::RunOnReactor(
      RoundTrip(store.get(), "Subject: big\r\n\r\n" + std::string(5 << 20, 'x'), &done));
  EXPECT_TRUE(done);
}

// PutFile: one PUT up to a part's size; beyond it a multipart upload whose part 1 (with the
// header) goes last; zstd that does not make it smaller stores it as it is.
TEST_F(S3BlobStoreTest, PutFileStreamsLargeFilesInParts) {
  for (auto compression : {blob_format::Compression::kNone, blob_format::Compression::kZstd}) {
    auto store = OpenStore(S3TestServer::kBucket, compression);
    for (const std::string& message :
         {RandomBytes(100000, 5), RandomBytes(2 * kS3PartSize + 12345, 6),
          "Subject: big\r\n\r\n" + std::string(3 * kS3PartSize, 'q')}) {
      bool done = false;
      testing::RunOnReactor(testing::PutFileRoundTrip(store.get(), message, &done));
      EXPECT_TRUE(done);
    }
  }
}

// OpenReader: ranged GETs, each piece verified, the whole equal to what was put.
Task<void> StreamedRead(S3BlobStore* store, std::string message, bool* done) {
  const BlobKey key = BlobKey::Of(message);
  Result<StoredBlob> put = co_await store->Put(key, message);
  EXPECT_TRUE(put.has_value()) << put.error().ToString();
  Result<std::unique_ptr<BlobReader>> reader = co_await store->OpenReader(key);
  EXPECT_TRUE(reader.has_value()) << reader.error().ToString();
  std::string all;
  for (bool more = reader.has_value(); more;) {
    std::string piece;
    Result<bool> next = co_await (*reader)->Next(&piece);
    EXPECT_TRUE(next.has_value()) << next.error().ToString();
    more = next.has_value() && *next;
    EXPECT_LE(piece.size(), kBlobPieceMax);
    all += piece;
  }
  EXPECT_TRUE(all == message);
  Result<std::unique_ptr<BlobReader>> absent = co_await store->OpenReader(BlobKey::Of("absent"));
  EXPECT_FALSE(absent.has_value());
  if (!absent) {
    EXPECT_EQ(absent.error().code, ErrorCode::kNotFound);
  }
  co_await store->CloseConnections();
  *done = true;
}

TEST_F(S3BlobStoreTest, OpenReaderStreamsVerifiedPieces) {
  for (auto compression : {blob_format::Compression::kNone, blob_format::Compression::kZstd}) {
    auto store = OpenStore(S3TestServer::kBucket, compression);
    bool done = false;
    testing::RunOnReactor(
        StreamedRead(store.get(), RandomBytes(700000, 3) + std::string(900000, 'z'), &done));
    EXPECT_TRUE(done);
  }
}

Task<void> Ranges(s3::S3Client* client, bool* done) {
  std::string body;
  for (int i = 0; i < 100000; ++i) body += static_cast<char>('a' + i % 26);
  Result<void> put = co_await client->Put("raw/ranged", body);
  EXPECT_TRUE(put.has_value()) << put.error().ToString();
  Result<std::string> part = co_await client->GetRange("raw/ranged", 3, 7);
  EXPECT_TRUE(part.has_value()) << part.error().ToString();
  if (part) {
    EXPECT_EQ(*part, "defgh");
  }
  Result<std::string> middle = co_await client->GetRange("raw/ranged", 65530, 65545);
  if (middle) {
    EXPECT_EQ(*middle, body.substr(65530, 16));
  }
  Result<std::string> tail = co_await client->GetRange("raw/ranged", 99990, 200000);
  EXPECT_TRUE(tail.has_value()) << tail.error().ToString();
  if (tail) {
    EXPECT_EQ(*tail, body.substr(99990));
  }
  Result<std::string> missing = co_await client->GetRange("raw/absent", 0, 10);
  EXPECT_FALSE(missing.has_value());
  if (!missing) {
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  }
  co_await client->CloseIdleConnections();
  *done = true;
}

TEST_F(S3BlobStoreTest, RangedGet) {
  auto store = OpenStore();
  bool done = false;
  testing::RunOnReactor(Ranges(&store->client(), &done));
  EXPECT_TRUE(done);
}

Task<void> ListAll(s3::S3Client* client, bool* done) {
  std::vector<std::string> keys;
  for (int i = 0; i < 5; ++i) {
    keys.push_back("list/ab/cd/key" + std::to_string(i));
    Result<void> put = co_await client->Put(keys.back(), "x");
    EXPECT_TRUE(put.has_value()) << put.error().ToString();
  }
  Result<void> other = co_await client->Put("elsewhere/key", "y");
  EXPECT_TRUE(other.has_value());
  std::vector<std::string> listed;
  std::string token;
  int pages = 0;
  do {
    Result<s3::ListPage> page = co_await client->List("list/", token, 2);
    EXPECT_TRUE(page.has_value()) << page.error().ToString();
    if (!page) break;
    ++pages;
    for (const s3::ListEntry& e : page->entries) {
      listed.push_back(e.key);
      EXPECT_EQ(e.size, 1u);
      EXPECT_FALSE(e.last_modified.empty());
    }
    token = page->truncated ? page->next_continuation_token : "";
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(listed, keys);
  EXPECT_EQ(pages, 3);
  co_await client->CloseIdleConnections();
  *done = true;
}

TEST_F(S3BlobStoreTest, ListObjectsV2WithContinuation) {
  auto store = OpenStore();
  bool done = false;
  testing::RunOnReactor(ListAll(&store->client(), &done));
  EXPECT_TRUE(done);
}

Task<void> CheckBuckets(S3BlobStore* good, S3BlobStore* missing, bool* done) {
  Result<void> ok = co_await good->CheckBucket();
  EXPECT_TRUE(ok.has_value()) << ok.error().ToString();
  Result<void> absent = co_await missing->CheckBucket();
  EXPECT_FALSE(absent.has_value());
  if (!absent) {
    EXPECT_EQ(absent.error().code, ErrorCode::kConfig);
    EXPECT_NE(absent.error().message.find("'no-such-bucket'"), std::string::npos);
    EXPECT_NE(absent.error().message.find("does not exist"), std::string::npos)
        << absent.error().message;
  }
  co_await good->CloseConnections();
  co_await missing->CloseConnections();
  *done = true;
}

TEST_F(S3BlobStoreTest, MissingBucketIsAClearStartupError) {
  auto good = OpenStore();
  auto missing = OpenStore("no-such-bucket");
  bool done = false;
  testing::RunOnReactor(CheckBuckets(good.get(), missing.get(), &done));
  EXPECT_TRUE(done);
}

Task<void> SurviveRestart(S3BlobStore* store, S3TestServer* server, bool* done) {
  const std::string message = "Subject: outage\r\n\r\nstill here\r\n";
  const BlobKey key = BlobKey::Of(message);
  Result<StoredBlob> put = co_await store->Put(key, message);
  EXPECT_TRUE(put.has_value()) << put.error().ToString();
  Result<std::string> before = co_await store->Get(key);  // leaves a pooled connection
  EXPECT_TRUE(before.has_value());

  const uint16_t port = server->port();
  server->Kill();
  Result<std::string> during = co_await store->Get(key);
  EXPECT_FALSE(during.has_value());
  if (!during) {
    EXPECT_EQ(during.error().code, ErrorCode::kUnavailable) << during.error().ToString();
  }
  Result<StoredBlob> put_during = co_await store->Put(BlobKey::Of("other"), "other");
  EXPECT_FALSE(put_during.has_value());
  if (!put_during) {
    EXPECT_EQ(put_during.error().code, ErrorCode::kUnavailable);
  }

  EXPECT_EQ(server->Start(port), "");  // blocks this reactor briefly: fine in a test
  Result<std::string> after = co_await store->Get(key);
  EXPECT_TRUE(after.has_value()) << after.error().ToString();
  if (after) {
    EXPECT_EQ(*after, message);
  }
  co_await store->CloseConnections();
  *done = true;
}

TEST_F(S3BlobStoreTest, ServerKilledIsUnavailableThenRecoversAfterRestart) {
  auto store = OpenStore();
  bool done = false;
  testing::RunOnReactor(SurviveRestart(store.get(), &server_, &done));
  EXPECT_TRUE(done);
}

class S3BlobStoreStallTest : public S3BlobStoreTest {
  void Tune(s3::S3ClientOptions* c) override {
    c->request_timeout_ms = 300;
    c->attempts_max = 2;
  }
};

Task<void> SurviveStall(S3BlobStore* store, S3TestServer* server, bool* done) {
  const std::string message = "Subject: stall\r\n\r\n";
  const BlobKey key = BlobKey::Of(message);
  Result<StoredBlob> put = co_await store->Put(key, message);
  EXPECT_TRUE(put.has_value()) << put.error().ToString();
  server->Pause();  // the kernel still accepts connections; nobody answers
  Result<std::string> stalled = co_await store->Get(key);
  EXPECT_FALSE(stalled.has_value());
  if (!stalled) {
    EXPECT_EQ(stalled.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(stalled.error().message.find("timed out"), std::string::npos)
        << stalled.error().message;
  }
  server->Resume();
  Result<std::string> after = co_await store->Get(key);
  EXPECT_TRUE(after.has_value()) << after.error().ToString();
  co_await store->CloseConnections();
  *done = true;
}

TEST_F(S3BlobStoreStallTest, StalledServerTimesOutThenRecovers) {
  auto store = OpenStore();
  bool done = false;
  testing::RunOnReactor(SurviveStall(store.get(), &server_, &done));
  EXPECT_TRUE(done);
}

Task<void> Corrupt(S3BlobStore* store, bool* done) {
  const std::string message = "Subject: corrupt me\r\n\r\n" + std::string(1000, 'z');
  const BlobKey key = BlobKey::Of(message);
  Result<StoredBlob> put = co_await store->Put(key, message);
  EXPECT_TRUE(put.has_value());
  std::string object = blob_format::Encode(message, blob_format::Compression::kNone);
  object[500] ^= 1;  // one bit of the payload
  Result<void> overwrite = co_await store->client().Put(key.ObjectPath(), object);
  EXPECT_TRUE(overwrite.has_value());
  Result<std::string> got = co_await store->Get(key);
  EXPECT_FALSE(got.has_value());
  if (!got) {
    EXPECT_EQ(got.error().code, ErrorCode::kIo);
    EXPECT_NE(got.error().message.find("corrupt"), std::string::npos) << got.error().message;
  }
  // Truncated, and not a blob at all.
  Result<void> truncated = co_await store->client().Put(key.ObjectPath(), object.substr(0, 40));
  EXPECT_TRUE(truncated.has_value());
  Result<std::string> got_truncated = co_await store->Get(key);
  EXPECT_FALSE(got_truncated.has_value());
  if (!got_truncated) {
    EXPECT_EQ(got_truncated.error().code, ErrorCode::kIo);
  }
  Result<void> junk = co_await store->client().Put(key.ObjectPath(), "not a blob");
  EXPECT_TRUE(junk.has_value());
  Result<std::string> got_junk = co_await store->Get(key);
  EXPECT_FALSE(got_junk.has_value());
  if (!got_junk) {
    EXPECT_EQ(got_junk.error().code, ErrorCode::kIo);
  }
  co_await store->CloseConnections();
  *done = true;
}

TEST_F(S3BlobStoreTest, CorruptedObjectIsIoError) {
  auto store = OpenStore();
  bool done = false;
  testing::RunOnReactor(Corrupt(store.get(), &done));
  EXPECT_TRUE(done);
}

Task<void> ByName(S3BlobStore* store, bool* done) {
  Result<void> ok = co_await store->CheckBucket();
  EXPECT_TRUE(ok.has_value()) << ok.error().ToString();
  const BlobKey key = BlobKey::Of("by name");
  Result<StoredBlob> put = co_await store->Put(key, "by name");
  EXPECT_TRUE(put.has_value()) << put.error().ToString();
  Result<std::string> got = co_await store->Get(key);
  EXPECT_TRUE(got.has_value());
  co_await store->CloseConnections();
  *done = true;
}

TEST_F(S3BlobStoreTest, DnsNameEndpointResolvesOnTheWorkerPool) {
  Result<std::unique_ptr<WorkerPool>> workers = WorkerPool::Create(1, 8);
  ASSERT_TRUE(workers.has_value());
  Result<S3BlobStoreOptions> options = S3BlobStore::OptionsFromConfig(
      "s3://" + std::string(S3TestServer::kBucket) +
          "?endpoint=http://localhost:" + std::to_string(server_.port()),
      S3TestServer::kAccessKey, S3TestServer::kSecretKey, workers->get());
  ASSERT_TRUE(options.has_value()) << options.error().ToString();
  EXPECT_EQ(options->client.endpoint.style, s3::AddressingStyle::kPath);
  Result<std::unique_ptr<S3BlobStore>> store = S3BlobStore::Open(std::move(*options));
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  bool done = false;
  testing::RunOnReactor(ByName(store->get(), &done));
  EXPECT_TRUE(done);
}

class S3BlobStoreBusyTest : public S3BlobStoreTest {
  void Tune(s3::S3ClientOptions* c) override {
    c->inflight_max = 3;
    c->idle_connections_max = 2;
  }
};

Task<void> PutAndGetOne(S3BlobStore* store, int i, int* ok, Latch* latch) {
  const std::string message = "Subject: " + std::to_string(i) + "\r\n\r\n" + RandomBytes(20000, i);
  const BlobKey key = BlobKey::Of(message);
  Result<StoredBlob> put = co_await store->Put(key, message);
  Result<std::string> got = co_await store->Get(key);
  if (put && got && *got == message) ++*ok;
  latch->Done();
}

Task<void> ManyAtOnce(S3BlobStore* store, int n, int* ok, bool* done) {
  Latch latch(n);
  for (int i = 0; i < n; ++i) Spawn(PutAndGetOne(store, i, ok, &latch));
  co_await latch.Wait();
  co_await store->CloseConnections();
  *done = true;
}

TEST_F(S3BlobStoreBusyTest, ManyRequestsShareABoundedPool) {
  auto store = OpenStore();
  bool done = false;
  int ok = 0;
  testing::RunOnReactor(ManyAtOnce(store.get(), 24, &ok, &done));
  EXPECT_TRUE(done);
  EXPECT_EQ(ok, 24);
}

TEST(S3BlobStoreConfig, HttpsAndUnresolvableNamesAreRefused) {
  Result<S3BlobStoreOptions> https =
      S3BlobStore::OptionsFromConfig("s3://b?endpoint=https://s3.example.test", "k", "s", nullptr);
  ASSERT_TRUE(https.has_value());
  Result<std::unique_ptr<S3BlobStore>> store = S3BlobStore::Open(std::move(*https));
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, ErrorCode::kConfig);
  EXPECT_EQ(store.error().message, "https endpoints need the TLS layer (not built yet)");

  Result<S3BlobStoreOptions> named =
      S3BlobStore::OptionsFromConfig("s3://b?endpoint=http://s3.example.test", "k", "s", nullptr);
  ASSERT_TRUE(named.has_value());
  Result<std::unique_ptr<S3BlobStore>> no_workers = S3BlobStore::Open(std::move(*named));
  ASSERT_FALSE(no_workers.has_value());
  EXPECT_EQ(no_workers.error().code, ErrorCode::kConfig);
}

}  // namespace
}  // namespace ringmail
