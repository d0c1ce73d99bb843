#include "store/blob_key.h"

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "base/check.h"
#include "store/blob_key_hasher.h"

namespace ringmail {
namespace {
wc_Sha256* Sha(unsigned char* state) { return reinterpret_cast<wc_Sha256*>(state); }
}  // namespace

BlobKey BlobKey::Of(std::string_view bytes) {
  BlobKeyHasher hasher;
  hasher.Update(bytes);
  return hasher.Finish();
}

BlobKeyHasher::BlobKeyHasher() {
  static_assert(sizeof(wc_Sha256) <= sizeof(state_) && alignof(wc_Sha256) <= 64);
  CHECK(wc_InitSha256(Sha(state_)) == 0);
}

BlobKeyHasher::~BlobKeyHasher() { wc_Sha256Free(Sha(state_)); }

void BlobKeyHasher::Update(std::string_view bytes) {
  while (!bytes.empty()) {  // wolfCrypt takes 32-bit lengths: large messages in slices
    const size_t n = std::min<size_t>(bytes.size(), 1u << 30);
    CHECK(wc_Sha256Update(Sha(state_), reinterpret_cast<const byte*>(bytes.data()),
                          static_cast<word32>(n)) == 0);
    bytes.remove_prefix(n);
  }
}

BlobKey BlobKeyHasher::Finish() {
  BlobKey key;
  CHECK(wc_Sha256Final(Sha(state_), key.sha256.data()) == 0);
  return key;
}

Result<BlobKey> BlobKey::FromHex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() != 64)
    return MakeError(ErrorCode::kInvalidArgument, "blob key: not 64 hex digits");
  BlobKey key;
  for (size_t i = 0; i < 32; ++i) {
    int hi = nibble(hex[2 * i]);
    int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return MakeError(ErrorCode::kInvalidArgument, "blob key: not hex");
    key.sha256[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return key;
}

std::string BlobKey::Hex() const {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(64, '0');
  for (size_t i = 0; i < 32; ++i) {
    out[2 * i] = kDigits[sha256[i] >> 4];
    out[2 * i + 1] = kDigits[sha256[i] & 15];
  }
  return out;
}

std::string BlobKey::ObjectPath() const {
  std::string hex = Hex();
  return hex.substr(0, 2) + "/" + hex.substr(2, 2) + "/" + hex;
}

}  // namespace ringmail
