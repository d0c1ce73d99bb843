#include "tls/rsa_signer.h"

// wolfSSL's headers must see its build options first.
// clang-format off
#include <wolfssl/options.h>
// clang-format on
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/asn.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/rsa.h>

#include <optional>

namespace ringmail {
namespace {

// The context's ex_data slot holding its LibcryptoRsaKey (ringmail uses no other slot).
constexpr int kKeySlot = 0;

const LibcryptoRsaKey* KeyOf(WOLFSSL* ssl) {
  WOLFSSL_CTX* ctx = ssl != nullptr ? wolfSSL_get_SSL_CTX(ssl) : nullptr;
  if (ctx == nullptr) return nullptr;
  return static_cast<const LibcryptoRsaKey*>(wolfSSL_CTX_get_ex_data(ctx, kKeySlot));
}

// wolfSSL passes the hash as its OID sum (TypeHash) and the MGF as WC_MGF1*.
std::optional<LibcryptoRsaKey::Hash> HashOf(int hash) {
  switch (hash) {
    case SHAh: return LibcryptoRsaKey::Hash::kSha1;
    case SHA256h: return LibcryptoRsaKey::Hash::kSha256;
    case SHA384h: return LibcryptoRsaKey::Hash::kSha384;
    case SHA512h: return LibcryptoRsaKey::Hash::kSha512;
  }
  return std::nullopt;
}

std::optional<LibcryptoRsaKey::Hash> MgfOf(int mgf) {
  switch (mgf) {
    case WC_MGF1SHA1: return LibcryptoRsaKey::Hash::kSha1;
    case WC_MGF1SHA256: return LibcryptoRsaKey::Hash::kSha256;
    case WC_MGF1SHA384: return LibcryptoRsaKey::Hash::kSha384;
    case WC_MGF1SHA512: return LibcryptoRsaKey::Hash::kSha512;
  }
  return std::nullopt;
}

// Maps a Sign* result to wolfSSL's callback contract.
int Finish(int signed_size, unsigned int* out_size) {
  if (signed_size <= 0) return RSA_BUFFER_E;
  *out_size = static_cast<unsigned int>(signed_size);
  return 0;
}

}  // namespace

bool LibcryptoRsaSignerBuiltIn() { return RINGMAIL_RSA_LIBCRYPTO != 0; }

std::unique_ptr<LibcryptoRsaKey> InstallLibcryptoRsaSigner(WOLFSSL_CTX* ctx,
                                                           std::string_view key_pem) {
#if RINGMAIL_RSA_LIBCRYPTO
  std::unique_ptr<LibcryptoRsaKey> key = LibcryptoRsaKey::FromPem(key_pem);
  if (key == nullptr) return nullptr;  // not RSA: wolfSSL signs
  if (wolfSSL_CTX_set_ex_data(ctx, kKeySlot, key.get()) != WOLFSSL_SUCCESS) return nullptr;
  wolfSSL_CTX_SetRsaSignCb(ctx, &LibcryptoRsaSign);
  wolfSSL_CTX_SetRsaPssSignCb(ctx, &LibcryptoRsaPssSign);
  // No SignCheck callbacks: wolfSSL then checks each signature with its own copy of the public
  // key (wc_RsaSSL_VerifyInline / wc_RsaPSS_VerifyInline), a cheap public-exponent operation.
  return key;
#else
  (void)ctx;
  (void)key_pem;
  return nullptr;
#endif
}

int LibcryptoRsaSign(WOLFSSL* ssl, const unsigned char* in, unsigned int in_size,
                     unsigned char* out, unsigned int* out_size, const unsigned char*, unsigned int,
                     void*) {
  const LibcryptoRsaKey* key = KeyOf(ssl);
  if (key == nullptr || in == nullptr || out == nullptr || out_size == nullptr) {
    return BAD_FUNC_ARG;
  }
  return Finish(key->SignPkcs1({in, in_size}, {out, *out_size}), out_size);
}

int LibcryptoRsaPssSign(WOLFSSL* ssl, const unsigned char* in, unsigned int in_size,
                        unsigned char* out, unsigned int* out_size, int hash, int mgf,
                        const unsigned char*, unsigned int, void*) {
  const LibcryptoRsaKey* key = KeyOf(ssl);
  const std::optional<LibcryptoRsaKey::Hash> h = HashOf(hash);
  const std::optional<LibcryptoRsaKey::Hash> m = MgfOf(mgf);
  if (key == nullptr || !h || !m || in == nullptr || out == nullptr || out_size == nullptr) {
    return BAD_FUNC_ARG;
  }
  return Finish(key->SignPss(*h, *m, {in, in_size}, {out, *out_size}), out_size);
}

}  // namespace ringmail
