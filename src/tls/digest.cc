#include "tls/digest.h"

// wolfSSL's headers must see its build options first.
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hmac.h>
#include <wolfssl/wolfcrypt/md5.h>
#include <wolfssl/wolfcrypt/pwdbased.h>
#include <wolfssl/wolfcrypt/sha.h>
#include <wolfssl/wolfcrypt/sha256.h>
#include <wolfssl/wolfcrypt/sha512.h>

#include <algorithm>

#include "base/check.h"
#include "base/encoding.h"

namespace ringmail {
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

Sha512Digest Sha512(std::string_view data) {
  Sha512Digest out;
  wc_Sha512 sha;
  CHECK(wc_InitSha512(&sha) == 0);
  FeedSlices(data, [&](const byte* p, word32 n) { return wc_Sha512Update(&sha, p, n); });
  CHECK(wc_Sha512Final(&sha, out.data()) == 0);
  wc_Sha512Free(&sha);
  return out;
}

Sha1Digest Sha1(std::string_view data) {
  Sha1Digest out;
  wc_Sha sha;
  CHECK(wc_InitSha(&sha) == 0);
  FeedSlices(data, [&](const byte* p, word32 n) { return wc_ShaUpdate(&sha, p, n); });
  CHECK(wc_ShaFinal(&sha, out.data()) == 0);
  wc_ShaFree(&sha);
  return out;
}

Sha256Digest Pbkdf2Sha256(std::string_view password, std::string_view salt, int iterations) {
  CHECK(iterations >= 1);
  CHECK(password.size() <= kSliceMax && salt.size() <= kSliceMax);
  Sha256Digest out;
  CHECK(wc_PBKDF2(out.data(), reinterpret_cast<const byte*>(password.data()),
                  static_cast<int>(password.size()), reinterpret_cast<const byte*>(salt.data()),
                  static_cast<int>(salt.size()), iterations, static_cast<int>(out.size()),
                  WC_SHA256) == 0);
  return out;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
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

}  // namespace ringmail
