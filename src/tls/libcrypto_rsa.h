// LibcryptoRsaKey: one RSA private key held by OpenSSL's libcrypto, which signs with it (the
// private-key operation only). Debian's wolfSSL lacks its fast RSA code (0.34x libcrypto's
// signs per CPU second), so rsa_signer.h hands wolfSSL's RSA signatures to this class while
// wolfSSL keeps doing the protocol. This file includes no wolfSSL or OpenSSL header: their
// compatibility names clash, so each side lives in its own translation unit.
//
// Immutable once built; Sign* may run on any thread at once (a fresh EVP_PKEY_CTX per call).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace ringmail {

class LibcryptoRsaKey {
 public:
  enum class Hash { kSha1, kSha256, kSha384, kSha512 };

  // The key of a PEM private key (PKCS#1 or PKCS#8), or null when it does not parse or is not
  // an RSA key (the caller then leaves signing to wolfSSL).
  static std::unique_ptr<LibcryptoRsaKey> FromPem(std::string_view pem);
  ~LibcryptoRsaKey();
  LibcryptoRsaKey(const LibcryptoRsaKey&) = delete;
  LibcryptoRsaKey& operator=(const LibcryptoRsaKey&) = delete;

  // The signature's size in bytes (the modulus's).
  size_t size() const { return size_; }

  // PKCS#1 v1.5 (RSASSA-PKCS1-v1_5, TLS 1.2's rsa_pkcs1_* sigalgs) over `digest_info`, the
  // already DER-encoded DigestInfo: padded and raised to the private exponent, as
  // RSA_private_encrypt does. Returns the signature's size, or -1 when `out` is smaller than
  // size(), the input is longer than the padding allows, or libcrypto fails.
  int SignPkcs1(std::span<const uint8_t> digest_info, std::span<uint8_t> out) const;

  // RSASSA-PSS over `digest` (a `hash` digest, checked by length), MGF1 with `mgf`, salt as
  // long as the digest (what TLS 1.3 and wolfSSL's verifier require). Returns the signature's
  // size or -1.
  int SignPss(Hash hash, Hash mgf, std::span<const uint8_t> digest, std::span<uint8_t> out) const;

 private:
  struct Key;  // the EVP_PKEY, kept out of this header
  LibcryptoRsaKey(Key* key, size_t size) : key_(key), size_(size) {}
  int Sign(int padding, const Hash* hash, const Hash* mgf, std::span<const uint8_t> in,
           std::span<uint8_t> out) const;

  Key* key_;
  size_t size_;
};

}  // namespace ringmail
