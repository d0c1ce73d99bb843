// Streaming blob reads and writes on the directory store: OpenReader returns the message in
// bounded pieces (stored as it is and zstd-compressed, put whole or from a file), stops with
// kIo at a corrupt chunk before handing out its bytes, and PutFile stores what Put would
// (the same object bytes when uncompressed). UploadSpool and BlobKeyHasher too.
#include "store/blob_stream.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "store/blob_encoder.h"
#include "store/blob_format_parts.h"
#include "store/blob_key_hasher.h"
#include "store/fs_blob_store.h"
#include "store/upload_spool.h"
#include "testing/run_on_reactor.h"

namespace ringmail {
namespace {

namespace fs = std::filesystem;
using ::ringmail::testing::RunOnReactor;

std::string Message(size_t size, bool compressible) {
  std::string m;
  m.reserve(size);
  std::mt19937 random(7);
  while (m.size() < size) {
    m.push_back(compressible ? static_cast<char>('a' + m.size() % 7 + (m.size() / 5000) % 3)
                             : static_cast<char>(random()));
  }
  return m;
}

Task<Result<std::string>> ReadAll(BlobStore* store, BlobKey key, size_t* largest) {
  Result<std::unique_ptr<BlobReader>> reader = co_await store->OpenReader(key);
  if (!reader) co_return std::unexpected(reader.error());
  std::string all;
  for (;;) {
    std::string piece;
    Result<bool> more = co_await (*reader)->Next(&piece);
    if (!more) co_return std::unexpected(more.error());
    if (!*more) break;
    EXPECT_FALSE(piece.empty());
    *largest = std::max(*largest, piece.size());
    all += piece;
  }
  EXPECT_EQ(all.size(), (*reader)->size());
  co_return all;
}

class BlobStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ringmail-blobstream-XXXXXX";
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

Task<void> PutFileThenRead(FsBlobStore* store, std::string spool_dir, std::string message) {
  UploadSpool spool(spool_dir, 1000);
  for (size_t at = 0; at < message.size(); at += 70000) {
    Result<void> kept = co_await spool.Append(std::string_view(message).substr(at, 70000));
    EXPECT_TRUE(kept.has_value());
  }
  EXPECT_EQ(spool.size(), message.size());
  const BlobKey key = spool.Finish();
  EXPECT_EQ(key, BlobKey::Of(message));
  EXPECT_GE(spool.fd(), 0);
  Result<StoredBlob> stored = co_await store->PutFile(key, spool.fd(), spool.size());
  EXPECT_TRUE(stored.has_value()) << stored.error().ToString();
  Result<StoredBlob> again = co_await store->PutFile(key, spool.fd(), spool.size());
  EXPECT_TRUE(again.has_value());
  if (stored && again) {
    EXPECT_EQ(again->stored_size, stored->stored_size);
  }
  Result<std::string> whole = co_await store->Get(key);  // the non-streaming reader agrees
  EXPECT_TRUE(whole.has_value() && *whole == message);
  size_t largest = 0;
  Result<std::string> read = co_await ReadAll(store, key, &largest);
  EXPECT_TRUE(read.has_value() && *read == message);
  EXPECT_LE(largest, kBlobPieceMax);
}

TEST_F(BlobStreamTest, PutFileAndOpenReaderRoundTrip) {
  for (auto c : {blob_format::Compression::kNone, blob_format::Compression::kZstd}) {
    for (bool compressible : {true, false}) {
      auto store = Open(c);
      for (size_t size : {size_t{1001}, size_t{65536}, size_t{1234567}}) {
        RunOnReactor(PutFileThenRead(store.get(), root_, Message(size, compressible)));
      }
    }
  }
}

Task<void> PutThenRead(FsBlobStore* store, std::string message, bool* compressed) {
  const BlobKey key = BlobKey::Of(message);
  Result<StoredBlob> stored = co_await store->Put(key, message);
  EXPECT_TRUE(stored.has_value());
  *compressed = stored && stored->compression == blob_format::Compression::kZstd;
  size_t largest = 0;
  Result<std::string> read = co_await ReadAll(store, key, &largest);
  EXPECT_TRUE(read.has_value()) << read.error().ToString();
  EXPECT_TRUE(read && *read == message);
  EXPECT_LE(largest, kBlobPieceMax);
  Result<std::unique_ptr<BlobReader>> absent = co_await store->OpenReader(BlobKey::Of("nope"));
  EXPECT_FALSE(absent.has_value());
  if (!absent) {
    EXPECT_EQ(absent.error().code, ErrorCode::kNotFound);
  }
}

TEST_F(BlobStreamTest, ReadsWhatPutStored) {
  for (auto c : {blob_format::Compression::kNone, blob_format::Compression::kZstd}) {
    auto store = Open(c);
    for (size_t size : {size_t{0}, size_t{10}, size_t{262144}, size_t{3000000}}) {
      bool compressed = false;
      RunOnReactor(PutThenRead(store.get(), Message(size, true), &compressed));
      if (c == blob_format::Compression::kZstd && size > 1000) {
        EXPECT_TRUE(compressed);
      }
    }
  }
}

// Flips one byte of the object file at `offset` from its end (or start, when positive).
void Corrupt(const std::string& path, int64_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(0, std::ios::end);
  const int64_t size = f.tellg();
  const int64_t at = offset >= 0 ? offset : size + offset;
  f.seekg(at);
  char c = 0;
  f.read(&c, 1);
  c ^= 0x5a;
  f.seekp(at);
  f.write(&c, 1);
}

Task<void> CorruptChunkStops(FsBlobStore* store, std::string root, std::string message,
                             bool compressed) {
  const BlobKey key = BlobKey::Of(message);
  Result<StoredBlob> stored = co_await store->Put(key, message);
  EXPECT_TRUE(stored.has_value());
  // Uncompressed: a byte in the second 256 KiB window (the first comes out whole). Compressed:
  // a byte of the first chunk (nothing comes out).
  Corrupt(root + "/blobs/" + key.ObjectPath(), compressed ? 40 : 300000);
  Result<std::unique_ptr<BlobReader>> reader = co_await store->OpenReader(key);
  EXPECT_TRUE(reader.has_value());
  if (!reader) co_return;
  std::string good;
  Result<bool> more = true;
  while (more && *more) {
    std::string piece;
    more = co_await (*reader)->Next(&piece);
    if (more) good += piece;
  }
  EXPECT_FALSE(more.has_value());
  if (!more) {
    EXPECT_EQ(more.error().code, ErrorCode::kIo);
  }
  EXPECT_EQ(good, message.substr(0, good.size()));  // only verified bytes came out
  EXPECT_LT(good.size(), message.size());
}

TEST_F(BlobStreamTest, CorruptChunkStopsTheRead) {
  auto plain = Open(blob_format::Compression::kNone);
  RunOnReactor(CorruptChunkStops(plain.get(), root_, Message(1 << 20, false), false));
  fs::remove_all(root_ + "/blobs");
  auto packed = Open(blob_format::Compression::kZstd);
  RunOnReactor(CorruptChunkStops(packed.get(), root_, Message(1 << 20, true), true));
}

Task<Result<std::string>> ReadRange(BlobStore* store, BlobKey key, uint64_t first,
                                    uint64_t length) {
  Result<std::unique_ptr<BlobReader>> opened = co_await store->OpenReader(key);
  if (!opened) co_return std::unexpected(opened.error());
  std::unique_ptr<BlobReader> reader = RangeBlobReader(std::move(*opened), first, length);
  EXPECT_EQ(reader->size(), length);
  std::string all;
  for (;;) {
    Result<bool> more = co_await reader->Next(&all);
    if (!more) co_return std::unexpected(more.error());
    if (!*more) co_return all;
  }
}

Task<void> RangesRead(FsBlobStore* store, std::string root, std::string message, bool plain) {
  const BlobKey key = BlobKey::Of(message);
  Result<StoredBlob> stored = co_await store->Put(key, message);
  EXPECT_TRUE(stored.has_value());
  const uint64_t size = message.size();
  for (auto [first, length] : {std::pair<uint64_t, uint64_t>{0, 1},
                               {65535, 2},
                               {65536, 65536},
                               {300000, 100000},
                               {size - 1, 1},
                               {0, size},
                               {size - 70000, 70000}}) {
    Result<std::string> got = co_await ReadRange(store, key, first, length);
    EXPECT_TRUE(got.has_value()) << first << "+" << length;
    if (got) {
      EXPECT_TRUE(*got == message.substr(first, length)) << first << "+" << length;
    }
  }
  // A byte of the first chunk spoiled: a range past it, stored as it is, never reads it; one
  // over it stops with kIo before handing out any of its bytes.
  Corrupt(root + "/blobs/" + key.ObjectPath(), static_cast<int64_t>(blob_format::kHeaderSize) + 5);
  Result<std::string> past = co_await ReadRange(store, key, 300000, 1000);
  EXPECT_EQ(past.has_value(), plain);
  if (past) {
    EXPECT_TRUE(*past == message.substr(300000, 1000));
  }
  Result<std::string> over = co_await ReadRange(store, key, 3, 10);
  EXPECT_FALSE(over.has_value());
  if (!over) {
    EXPECT_EQ(over.error().code, ErrorCode::kIo);
  }
}

TEST_F(BlobStreamTest, RangeReadsOnlyTheChunksItNeeds) {
  auto plain = Open(blob_format::Compression::kNone);
  RunOnReactor(RangesRead(plain.get(), root_, Message(1234567, false), true));
  fs::remove_all(root_ + "/blobs");
  auto packed = Open(blob_format::Compression::kZstd);
  RunOnReactor(RangesRead(packed.get(), root_, Message(1234567, true), false));
}

TEST(BlobStreamRangeTest, MemoryReaderSkips) {
  std::string message = Message(700000, false);
  RunOnReactor([](std::string message) -> Task<void> {
    std::unique_ptr<BlobReader> reader = RangeBlobReader(MemoryBlobReader(message), 500000, 5);
    std::string out;
    Result<bool> more = co_await reader->Next(&out);
    EXPECT_TRUE(more.has_value() && *more);
    EXPECT_EQ(out, message.substr(500000, 5));
    more = co_await reader->Next(&out);
    EXPECT_TRUE(more.has_value() && !*more);
  }(message));
}

TEST(BlobEncoderTest, MatchesEncodeWhenStoredAsItIs) {
  const std::string message = Message(200000, false);
  BlobEncoder encoder(blob_format::Compression::kNone, message.size());
  std::string payload;
  for (size_t at = 0; at < message.size(); at += 777) {
    encoder.Add(std::string_view(message).substr(at, 777), &payload);
  }
  encoder.Finish(&payload);
  const std::string object =
      blob_format::EncodeHeader(encoder.header()) + payload + encoder.trailer();
  EXPECT_EQ(object, blob_format::Encode(message, blob_format::Compression::kNone));
  BlobEncoder packed(blob_format::Compression::kZstd, 300000);
  payload.clear();
  packed.Add(Message(300000, true), &payload);
  packed.Finish(&payload);
  Result<std::string> decoded =
      blob_format::Decode(blob_format::EncodeHeader(packed.header()) + payload + packed.trailer());
  EXPECT_TRUE(decoded.has_value() && *decoded == Message(300000, true));
}

TEST(BlobKeyHasherTest, PiecesGiveTheKeyOfTheWhole) {
  const std::string message = Message(100000, false);
  BlobKeyHasher hasher;
  hasher.Update(message.substr(0, 3));
  hasher.Update(message.substr(3));
  EXPECT_EQ(hasher.Finish(), BlobKey::Of(message));
}

}  // namespace
}  // namespace ringmail
