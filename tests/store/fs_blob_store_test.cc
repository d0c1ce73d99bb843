#include "store/fs_blob_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "testing/run_on_reactor.h"

namespace ringmail {
namespace {

namespace fs = std::filesystem;

class StoreFsBlobStore : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ringmail-blobs-XXXXXX";
    root_ = mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::unique_ptr<FsBlobStore> Open(blob_format::Compression c) {
    Result<std::unique_ptr<FsBlobStore>> store = FsBlobStore::Open({root_ + "/blobs", c});
    EXPECT_TRUE(store.has_value());
    return std::move(*store);
  }
  std::string root_;
};

Task<void> PutGetDelete(BlobStore* store, std::string message, bool* done) {
  BlobKey key = BlobKey::Of(message);
  Result<StoredBlob> put = co_await store->Put(key, message);
  EXPECT_TRUE(put.has_value()) << put.error().ToString();
  Result<StoredBlob> again = co_await store->Put(key, message);  // idempotent
  EXPECT_TRUE(again.has_value());
  Result<std::string> got = co_await store->Get(key);
  EXPECT_TRUE(got.has_value()) << got.error().ToString();
  if (got) {
    EXPECT_EQ(*got, message);
  }
  Result<void> deleted = co_await store->Delete(key);
  EXPECT_TRUE(deleted.has_value());
  Result<std::string> gone = co_await store->Get(key);
  EXPECT_FALSE(gone.has_value());
  if (!gone) {
    EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
  }
  Result<void> deleted_again = co_await store->Delete(key);  // absent is fine
  EXPECT_TRUE(deleted_again.has_value());
  *done = true;
}

TEST_F(StoreFsBlobStore, PutGetDeleteWithAndWithoutCompression) {
  for (auto c : {blob_format::Compression::kNone, blob_format::Compression::kZstd}) {
    auto store = Open(c);
    bool done = false;
    std::string message = "Subject: hi\r\n\r\n" + std::string(200000, 'x');
    testing::RunOnReactor(PutGetDelete(store.get(), message, &done));
    EXPECT_TRUE(done);
  }
}

Task<void> PutOne(BlobStore* store, std::string message, BlobKey* key) {
  *key = BlobKey::Of(message);
  Result<StoredBlob> put = co_await store->Put(*key, message);
  EXPECT_TRUE(put.has_value());
}

Task<void> ExpectCorrupt(BlobStore* store, BlobKey key, bool* done) {
  Result<std::string> got = co_await store->Get(key);
  EXPECT_FALSE(got.has_value());
  if (!got) {
    EXPECT_EQ(got.error().code, ErrorCode::kIo);
    EXPECT_NE(got.error().message.find("corrupt"), std::string::npos) << got.error().message;
  }
  *done = true;
}

TEST_F(StoreFsBlobStore, CorruptedObjectIsAnErrorNeverServed) {
  auto store = Open(blob_format::Compression::kNone);
  BlobKey key;
  testing::RunOnReactor(PutOne(store.get(), "From: a@b\r\n\r\nbody\r\n", &key));
  const std::string path = root_ + "/blobs/" + key.ObjectPath();
  ASSERT_TRUE(fs::exists(path));
  EXPECT_FALSE(fs::exists(root_ + "/blobs/tmp/" + key.Hex() + ".0"));  // renamed into place
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40);
    f.put('X');
  }
  bool done = false;
  testing::RunOnReactor(ExpectCorrupt(store.get(), key, &done));
  EXPECT_TRUE(done);
}

// A message whose key lands in the same ab/cd directory as `other`'s.
std::string MessageBesides(const BlobKey& other, const std::string& tag) {
  const std::string dir = other.Hex().substr(0, 4);
  for (int i = 0;; ++i) {
    std::string message = "Subject: " + tag + std::to_string(i) + "\r\n\r\nbody\r\n";
    if (BlobKey::Of(message).Hex().starts_with(dir)) return message;
  }
}

// The fan-out: the first level exists from the start; a write into a directory this process
// does not know yet syncs its parent (its entry) and itself, one into a known directory syncs
// only that directory; a new process knows none again (fs_blob_fanout.h).
TEST_F(StoreFsBlobStore, KnownFanOutDirectoriesAreSyncedAlone) {
  auto store = Open(blob_format::Compression::kNone);
  EXPECT_TRUE(fs::is_directory(root_ + "/blobs/00"));
  EXPECT_TRUE(fs::is_directory(root_ + "/blobs/ff"));
  BlobKey first;
  testing::RunOnReactor(PutOne(store.get(), "Subject: first\r\n\r\nbody\r\n", &first));
  EXPECT_EQ(store->sync_stats().dir_syncs, 2u);  // ab (the new entry cd) and ab/cd
  BlobKey second;
  const std::string besides = MessageBesides(first, "a");
  testing::RunOnReactor(PutOne(store.get(), besides, &second));
  ASSERT_EQ(second.Hex().substr(0, 4), first.Hex().substr(0, 4));
  EXPECT_EQ(store->sync_stats().dir_syncs, 3u);  // ab/cd alone
  EXPECT_EQ(store->sync_stats().puts, 2u);
  store.reset();

  auto reopened = Open(blob_format::Compression::kNone);
  BlobKey third;
  testing::RunOnReactor(PutOne(reopened.get(), MessageBesides(first, "b"), &third));
  EXPECT_EQ(third.Hex().substr(0, 4), first.Hex().substr(0, 4));
  EXPECT_EQ(reopened->sync_stats().dir_syncs, 2u);  // unknown to this process: parent again
}

}  // namespace
}  // namespace ringmail
