// Listing the directory blob store (BlobStore::List) and removing stale temporaries: key
// order across pages and fan-out directories, strangers skipped, sizes and times, malformed
// cursors, and the walks running on a worker pool.
#include "store/fs_blob_listing.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "runtime/worker_pool.h"
#include "sqlite_test_util.h"
#include "store/fs_blob_store.h"
#include "testing/run_on_reactor.h"

namespace ringmail {
namespace {

namespace fs = std::filesystem;

void WriteFile(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

// Sets a file's modification time to `t` (Unix seconds).
void SetMtime(const std::string& path, int64_t t) {
  const timeval times[2] = {{static_cast<time_t>(t), 0}, {static_cast<time_t>(t), 0}};
  ASSERT_EQ(::utimes(path.c_str(), times), 0) << path;
}

class StoreFsBlobListing : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<FsBlobStore>> store = FsBlobStore::Open({root(), {}, workers_.get()});
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
  }
  std::string root() const { return dir_.path() + "/blobs"; }

  testing::TempDir dir_;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<FsBlobStore> store_;
};

Task<void> PutAll(BlobStore* store, std::vector<std::string> messages) {
  for (const std::string& m : messages) {
    Result<StoredBlob> put = co_await store->Put(BlobKey::Of(m), m);
    EXPECT_TRUE(put.has_value()) << put.error().ToString();
  }
}

Task<void> ListAll(BlobStore* store, size_t max, std::vector<BlobListing>* out, int* pages) {
  std::string cursor;
  do {
    Result<BlobPage> page = co_await store->List(cursor, max);
    EXPECT_TRUE(page.has_value()) << page.error().ToString();
    if (!page) co_return;
    EXPECT_LE(page->entries.size(), max);
    out->insert(out->end(), page->entries.begin(), page->entries.end());
    cursor = page->cursor;
    ++*pages;
  } while (!cursor.empty() && *pages < 100);
}

std::vector<std::string> Messages(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("Subject: " + std::to_string(i) + "\r\n\r\nx\r\n");
  return out;
}

TEST_F(StoreFsBlobListing, ListsEveryObjectInKeyOrderAcrossPages) {
  const std::vector<std::string> messages = Messages(25);
  testing::RunOnReactor(PutAll(store_.get(), messages));
  // Strangers: a file at the top, a directory that is not a fan-out level, a misplaced key,
  // a name that is not a key, and a temporary.
  const std::string misplaced = BlobKey::Of("misplaced").Hex();
  WriteFile(root() + "/README", "x");
  WriteFile(root() + "/zz/00/" + std::string(64, 'f'), "x");
  WriteFile(root() + "/00/00/" + misplaced, "x");
  WriteFile(root() + "/" + BlobKey::Of(messages[0]).ObjectPath() + ".old", "x");
  WriteFile(root() + "/tmp/" + misplaced + ".7", "x");

  std::vector<BlobListing> listed;
  int pages = 0;
  testing::RunOnReactor(ListAll(store_.get(), 7, &listed, &pages));
  std::vector<std::string> expected;
  for (const std::string& m : messages) expected.push_back(BlobKey::Of(m).Hex());
  std::sort(expected.begin(), expected.end());
  std::vector<std::string> got;
  const int64_t now = std::time(nullptr);
  for (const BlobListing& e : listed) {
    got.push_back(e.key.Hex());
    EXPECT_EQ(e.stored_size, fs::file_size(root() + "/" + e.key.ObjectPath()));
    EXPECT_LE(std::abs(e.modified_at - now), 60);
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(pages, 4);  // 7 + 7 + 7 + 4

  std::vector<BlobListing> one_page;
  int single = 0;
  testing::RunOnReactor(ListAll(store_.get(), kBlobPageMax, &one_page, &single));
  EXPECT_EQ(one_page.size(), messages.size());
  EXPECT_EQ(single, 1);
}

TEST(StoreFsBlobListingWalk, RefusesMalformedCursorsAndSizes) {
  testing::TempDir dir;
  const int root_fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(root_fd, 0);
  for (std::string bad : {std::string("abc"), std::string(64, 'A'), std::string(64, 'g')}) {
    Result<BlobPage> page = fs_blobs::ListObjects(root_fd, bad, 10);
    EXPECT_TRUE(!page && page.error().code == ErrorCode::kInvalidArgument) << bad;
  }
  for (size_t max : {size_t{0}, kBlobPageMax + 1}) {
    Result<BlobPage> page = fs_blobs::ListObjects(root_fd, "", max);
    EXPECT_TRUE(!page && page.error().code == ErrorCode::kInvalidArgument) << max;
  }
  Result<BlobPage> empty = fs_blobs::ListObjects(root_fd, std::string(64, 'f'), 10);
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->entries.empty());
  EXPECT_EQ(empty->cursor, "");
  ::close(root_fd);
}

Task<void> RemoveStale(BlobStore* store, int64_t before, size_t* removed) {
  Result<size_t> r = co_await store->RemoveStaleTemporaries(before);
  EXPECT_TRUE(r.has_value()) << r.error().ToString();
  if (r) *removed = *r;
}

TEST_F(StoreFsBlobListing, RemovesOnlyStaleTemporaries) {
  const int64_t now = std::time(nullptr);
  const std::string stale = root() + "/tmp/" + std::string(64, 'a') + ".1";
  const std::string fresh = root() + "/tmp/" + std::string(64, 'b') + ".2";
  WriteFile(stale, "crashed mid-write");
  WriteFile(fresh, "being written");
  SetMtime(stale, now - 7200);
  size_t removed = 0;
  testing::RunOnReactor(RemoveStale(store_.get(), now - 3600, &removed));
  EXPECT_EQ(removed, 1u);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(fresh));
}

// The server's configuration: the walks run on a worker, not on the reactor.
class StoreFsBlobListingOnWorkers : public StoreFsBlobListing {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<WorkerPool>> workers = WorkerPool::Create(1, 16);
    ASSERT_TRUE(workers.has_value());
    workers_ = std::move(*workers);
    StoreFsBlobListing::SetUp();
  }
  void TearDown() override {
    store_.reset();
    workers_.reset();
  }
};

TEST_F(StoreFsBlobListingOnWorkers, ListsAndRemoves) {
  testing::RunOnReactor(PutAll(store_.get(), Messages(3)));
  std::vector<BlobListing> listed;
  int pages = 0;
  testing::RunOnReactor(ListAll(store_.get(), 2, &listed, &pages));
  EXPECT_EQ(listed.size(), 3u);
  EXPECT_EQ(pages, 2);
  WriteFile(root() + "/tmp/x.1", "x");
  size_t removed = 0;
  testing::RunOnReactor(RemoveStale(store_.get(), std::time(nullptr) + 60, &removed));
  EXPECT_EQ(removed, 1u);
}

}  // namespace
}  // namespace ringmail
