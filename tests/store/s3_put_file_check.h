// A check shared by the S3 tests (s3rver, Swift s3api): PutFile of a spooled file stores what
// Put would — read back whole and streamed, with the size the store reported — whether it went
// as one PUT or as a multipart upload.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>

#include "store/s3/s3_blob_store.h"

namespace ringmail::testing {

inline Task<void> PutFileRoundTrip(S3BlobStore* store, std::string message, bool* done) {
  char path[] = "/tmp/ringmail-s3-putfile-XXXXXX";
  const int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  if (fd < 0) co_return;
  unlink(path);
  EXPECT_EQ(write(fd, message.data(), message.size()), static_cast<ssize_t>(message.size()));
  const BlobKey key = BlobKey::Of(message);
  Result<StoredBlob> put = co_await store->PutFile(key, fd, message.size());
  close(fd);
  EXPECT_TRUE(put.has_value()) << put.error().ToString();
  Result<std::string> got = co_await store->Get(key);
  EXPECT_TRUE(got.has_value()) << got.error().ToString();
  if (got) {
    EXPECT_TRUE(*got == message);
  }
  Result<s3::ObjectInfo> info = co_await store->client().Head(key.ObjectPath());
  EXPECT_TRUE(info.has_value()) << info.error().ToString();
  if (info && put) {
    EXPECT_EQ(info->size, put->stored_size);
  }
  Result<std::unique_ptr<BlobReader>> reader = co_await store->OpenReader(key);
  EXPECT_TRUE(reader.has_value()) << reader.error().ToString();
  std::string streamed;
  for (bool more = reader.has_value(); more;) {
    Result<bool> next = co_await (*reader)->Next(&streamed);
    EXPECT_TRUE(next.has_value()) << next.error().ToString();
    more = next.has_value() && *next;
  }
  EXPECT_TRUE(streamed == message);
  Result<void> deleted = co_await store->Delete(key);
  EXPECT_TRUE(deleted.has_value());
  co_await store->CloseConnections();
  *done = true;
}

}  // namespace ringmail::testing
