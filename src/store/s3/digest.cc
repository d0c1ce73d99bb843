#include "store/s3/digest.h"

// wolfSSL's headers must see its build options first.
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hmac.h>
#include <wolfssl/wolfcrypt/md5.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include <algorithm>

#include "base/check.h"

namespace ringmail::s3 {
namespace {
// wolfCrypt takes 32-bit lengths: large inputs go in slices.
constexpr size_t kSliceMax = size_t{1} << 30;

template <typename Update>
void FeedSlices(std::string_view data, Update update) {
  while (!data.empty()) {
    const size_t n = std::min(data.size(), kSliceMax);
    CHECK(update(reinterpret_cast<const byte*>(data.data()), static_cast<word32>(n)) == 0);
    data.remove_prefix(n);
  }
}
}  // namespace

Sha256Digest Sha256(std::string_view data) {
  Sha256Digest out;
  wc_Sha256 sha;
  CHECK(wc_InitSha256(&sha) == 0);
  FeedSlices(data, [&](const byte* p, word32 n) { return wc_Sha256Update(&sha, p, n); });
  CHECK(wc_Sha256Final(&sha, out.data()) == 0);
  wc_Sha256Free(&sha);
  return out;
}

std::string Sha256Hex(std::string_view data) { return HexLower(Sha256(data)); }

Sha256Digest HmacSha256(std::span<const uint8_t> key, std::string_view data) {
  Sha256Digest out;
  Hmac hmac;
  CHECK(wc_HmacInit(&hmac, nullptr, INVALID_DEVID) == 0);
  CHECK(wc_HmacSetKey(&hmac, WC_SHA256, key.data(), static_cast<word32>(key.size())) == 0);
  FeedSlices(data, [&](const byte* p, word32 n) { return wc_HmacUpdate(&hmac, p, n); });
  CHECK(wc_HmacFinal(&hmac, out.data()) == 0);
  wc_HmacFree(&hmac);
  return out;
}

std::string Md5Base64(std::string_view data) {
  std::array<uint8_t, WC_MD5_DIGEST_SIZE> digest;
  wc_Md5 md5;
  CHECK(wc_InitMd5(&md5) == 0);
  FeedSlices(data, [&](const byte* p, word32 n) { return wc_Md5Update(&md5, p, n); });
  CHECK(wc_Md5Final(&md5, digest.data()) == 0);
  wc_Md5Free(&md5);
  return Base64(digest);
}

std::string HexLower(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

std::string Base64(std::span<const uint8_t> bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = uint32_t{bytes[i]} << 16 | uint32_t{bytes[i + 1]} << 8 | bytes[i + 2];
    out.push_back(kAlphabet[v >> 18]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (const size_t left = bytes.size() - i; left > 0) {
    const uint32_t v = uint32_t{bytes[i]} << 16 | (left == 2 ? uint32_t{bytes[i + 1]} << 8 : 0);
    out.push_back(kAlphabet[v >> 18]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(left == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

}  // namespace ringmail::s3
