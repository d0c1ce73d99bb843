// A directory blob store and a SQLite metadata store in one temporary directory: the
// embedded default, for tests of code that uses both (delivery, collection).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "sqlite_test_util.h"
#include "store/fs_blob_store.h"
#include "store/sqlite/sqlite_store.h"

namespace ringmail::testing {

class StoresFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<FsBlobStore>> blobs =
        FsBlobStore::Open({blob_root(), blob_format::Compression::kNone});
    ASSERT_TRUE(blobs.has_value()) << blobs.error().ToString();
    blobs_ = std::move(*blobs);
    Result<std::unique_ptr<SqliteMetadataStore>> metadata = SqliteMetadataStore::Open(db_path());
    ASSERT_TRUE(metadata.has_value()) << metadata.error().ToString();
    metadata_ = std::move(*metadata);
  }
  void TearDown() override {
    metadata_.reset();
    blobs_.reset();
  }

  std::string blob_root() const { return dir_.path() + "/blobs"; }
  std::string db_path() const { return dir_.path() + "/meta.db"; }

  // Objects in the blob store (its tmp/ directory aside).
  size_t CountObjects() const {
    size_t n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(blob_root())) {
      if (e.is_regular_file() && e.path().parent_path().filename() != "tmp") ++n;
    }
    return n;
  }

  TempDir dir_;
  std::unique_ptr<FsBlobStore> blobs_;
  std::unique_ptr<SqliteMetadataStore> metadata_;
};

}  // namespace ringmail::testing
