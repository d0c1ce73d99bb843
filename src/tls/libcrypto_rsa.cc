#include "tls/libcrypto_rsa.h"

// OpenSSL's headers only: wolfSSL's compatibility layer defines the same names.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace ringmail {
namespace {

const EVP_MD* MdOf(LibcryptoRsaKey::Hash hash) {
  switch (hash) {
    case LibcryptoRsaKey::Hash::kSha1: return EVP_sha1();
    case LibcryptoRsaKey::Hash::kSha256: return EVP_sha256();
    case LibcryptoRsaKey::Hash::kSha384: return EVP_sha384();
    case LibcryptoRsaKey::Hash::kSha512: return EVP_sha512();
  }
  return nullptr;
}

}  // namespace

struct LibcryptoRsaKey::Key {
  EVP_PKEY* pkey;
};

std::unique_ptr<LibcryptoRsaKey> LibcryptoRsaKey::FromPem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return nullptr;
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (pkey == nullptr) return nullptr;
  if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA || EVP_PKEY_get_size(pkey) <= 0) {
    EVP_PKEY_free(pkey);
    return nullptr;
  }
  const auto size = static_cast<size_t>(EVP_PKEY_get_size(pkey));
  return std::unique_ptr<LibcryptoRsaKey>(new LibcryptoRsaKey(new Key{pkey}, size));
}

LibcryptoRsaKey::~LibcryptoRsaKey() {
  EVP_PKEY_free(key_->pkey);
  delete key_;
}

int LibcryptoRsaKey::SignPkcs1(std::span<const uint8_t> digest_info, std::span<uint8_t> out) const {
  // PKCS#1 v1.5 padding needs 11 bytes; libcrypto checks too, this keeps the contract plain.
  if (digest_info.empty() || digest_info.size() + 11 > size_) return -1;
  return Sign(RSA_PKCS1_PADDING, nullptr, nullptr, digest_info, out);
}

int LibcryptoRsaKey::SignPss(Hash hash, Hash mgf, std::span<const uint8_t> digest,
                             std::span<uint8_t> out) const {
  if (digest.size() != static_cast<size_t>(EVP_MD_get_size(MdOf(hash)))) return -1;
  return Sign(RSA_PKCS1_PSS_PADDING, &hash, &mgf, digest, out);
}

// Without a signature md, EVP_PKEY_sign with RSA_PKCS1_PADDING pads and signs the input as
// given (the DigestInfo); with one, the input is that md's digest.
int LibcryptoRsaKey::Sign(int padding, const Hash* hash, const Hash* mgf,
                          std::span<const uint8_t> in, std::span<uint8_t> out) const {
  if (out.size() < size_) return -1;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key_->pkey, nullptr);
  if (ctx == nullptr) return -1;
  size_t out_size = out.size();
  bool ok = EVP_PKEY_sign_init(ctx) == 1 && EVP_PKEY_CTX_set_rsa_padding(ctx, padding) == 1;
  if (ok && hash != nullptr) {
    ok = EVP_PKEY_CTX_set_signature_md(ctx, MdOf(*hash)) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, MdOf(*mgf)) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) == 1;
  }
  ok = ok && EVP_PKEY_sign(ctx, out.data(), &out_size, in.data(), in.size()) == 1;
  EVP_PKEY_CTX_free(ctx);
  return ok ? static_cast<int>(out_size) : -1;
}

}  // namespace ringmail
