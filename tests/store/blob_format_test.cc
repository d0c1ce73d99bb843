#include "store/blob_format.h"

#include <gtest/gtest.h>

#include <string>

#include "store/blob_key.h"

namespace ringmail {
namespace {

std::string Message(size_t size) {
  std::string m;
  for (size_t i = 0; m.size() < size; ++i) m += "Line " + std::to_string(i) + " of a message\r\n";
  m.resize(size);
  return m;
}

TEST(StoreBlobFormat, RoundTripsUncompressedAndCompressed) {
  for (size_t size :
       {size_t{0}, size_t{1}, size_t{4096}, size_t{65536}, size_t{65537}, size_t{300000}}) {
    for (auto c : {blob_format::Compression::kNone, blob_format::Compression::kZstd}) {
      std::string m = Message(size);
      std::string object = blob_format::Encode(m, c);
      Result<std::string> back = blob_format::Decode(object);
      ASSERT_TRUE(back.has_value()) << back.error().ToString() << " size=" << size;
      EXPECT_EQ(*back, m);
    }
  }
}

TEST(StoreBlobFormat, CompressionShrinksTextAndIsSkippedWhenUseless) {
  std::string text = Message(100000);
  std::string object = blob_format::Encode(text, blob_format::Compression::kZstd);
  EXPECT_LT(object.size(), text.size() / 4);
  EXPECT_EQ(blob_format::DecodeHeader(object)->compression, blob_format::Compression::kZstd);
  std::string noise;
  uint32_t x = 12345;
  for (int i = 0; i < 10000; ++i) {
    x = x * 1103515245 + 12345;
    noise += static_cast<char>(x >> 24);
  }
  object = blob_format::Encode(noise, blob_format::Compression::kZstd);
  EXPECT_EQ(blob_format::DecodeHeader(object)->compression, blob_format::Compression::kNone);
}

TEST(StoreBlobFormat, EveryFlippedByteIsDetected) {
  std::string object = blob_format::Encode(Message(70000), blob_format::Compression::kNone);
  // Header, first chunk, second chunk, trailer.
  for (size_t pos : {size_t{3}, size_t{9}, size_t{100}, size_t{66000}, object.size() - 3}) {
    std::string bad = object;
    bad[pos] ^= 0x20;
    EXPECT_FALSE(blob_format::Decode(bad).has_value()) << "flip at " << pos;
  }
  EXPECT_FALSE(blob_format::Decode(object.substr(0, object.size() - 1)).has_value());
  EXPECT_FALSE(blob_format::Decode(object + "x").has_value());
  EXPECT_FALSE(blob_format::Decode("RMB1").has_value());
}

TEST(StoreBlobKey, Sha256MatchesKnownVectorsAndHexRoundTrips) {
  EXPECT_EQ(BlobKey::Of("").Hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(BlobKey::Of("abc").Hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BlobKey k = BlobKey::Of("hello");
  EXPECT_EQ(*BlobKey::FromHex(k.Hex()), k);
  EXPECT_EQ(k.ObjectPath().substr(0, 6), k.Hex().substr(0, 2) + "/" + k.Hex().substr(2, 2) + "/");
  EXPECT_FALSE(BlobKey::FromHex("zz").has_value());
  EXPECT_FALSE(BlobKey::FromHex(std::string(64, 'g')).has_value());
}

}  // namespace
}  // namespace ringmail
