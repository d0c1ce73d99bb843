// bench_tls_crypto KEY.pem SECONDS — the speed of the wolfCrypt that ringmail links (Debian's
// libwolfssl) on one thread, the ceilings of bench/tls/run's figures: private-key operations
// per second (each full handshake costs the server one signature, CertificateVerify) and
// AEAD encryption in 16 KiB records (the bulk of a large FETCH over TLS).
// bench/tls/run prints them beside `openssl speed` on the same core, so a handshake or bulk
// ratio can be read against the library's own ratio.
//
// RSA keys: PKCS#1 v1.5 signatures (what `openssl speed rsa2048` counts) and RSA-PSS (what
// TLS 1.3 uses), SHA-256 digest, blinding on as in TLS. EC keys: ECDSA over a SHA-256 digest.
// X25519: key agreements (the key share). Prints key=value lines: `op=rsa_pkcs1_sign
// per_s=N`, `op=aes128gcm_16k mb_per_s=N`.
#include <time.h>
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/aes.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/chacha20_poly1305.h>
#include <wolfssl/wolfcrypt/curve25519.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/random.h>
#include <wolfssl/wolfcrypt/rsa.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// The CPU seconds this thread has used: rates are per CPU second, as `openssl speed` counts
// them (user time by default), so that a loaded machine does not skew the ratio.
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

// Runs `op` until `seconds` pass; prints the rate per CPU second (times `unit` per op, as
// `key`), or the failure.
void Measure(const char* name, double seconds, const std::function<int()>& op,
             const char* key = "per_s", double unit = 1) {
  const auto start = Clock::now();
  const double cpu_start = CpuSeconds();
  long count = 0;
  double elapsed = 0;
  do {
    for (int i = 0; i < 16; ++i) {
      if (int rc = op(); rc < 0) {
        std::printf("op=%s error=%d\n", name, rc);
        return;
      }
    }
    count += 16;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  std::printf("op=%s %s=%.0f\n", name, key, count * unit / (CpuSeconds() - cpu_start));
}

// Returns false when `der` is not an RSA key.
bool RsaSigns(const std::vector<byte>& der, double seconds, WC_RNG* rng) {
  RsaKey key;
  word32 index = 0;
  if (wc_InitRsaKey(&key, nullptr) != 0) return false;
  if (wc_RsaPrivateKeyDecode(der.data(), &index, &key, der.size()) != 0) {
    wc_FreeRsaKey(&key);
    return false;
  }
  wc_RsaSetRNG(&key, rng);
  byte digest[32] = {1, 2, 3};
  // DigestInfo(SHA-256) || digest: what a PKCS#1 v1.5 TLS 1.2 signature signs.
  static const byte kPrefix[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
  byte info[sizeof kPrefix + sizeof digest];
  std::memcpy(info, kPrefix, sizeof kPrefix);
  std::memcpy(info + sizeof kPrefix, digest, sizeof digest);
  byte sig[512];
  Measure("rsa_pkcs1_sign", seconds,
          [&] { return wc_RsaSSL_Sign(info, sizeof info, sig, sizeof sig, &key, rng); });
  Measure("rsa_pss_sign", seconds, [&] {
    return wc_RsaPSS_Sign(digest, sizeof digest, sig, sizeof sig, WC_HASH_TYPE_SHA256,
                          WC_MGF1SHA256, &key, rng);
  });
  wc_FreeRsaKey(&key);
  return true;
}

void EcdsaSigns(const std::vector<byte>& der, double seconds, WC_RNG* rng) {
  ecc_key key;
  word32 index = 0;
  if (wc_ecc_init(&key) != 0 || wc_EccPrivateKeyDecode(der.data(), &index, &key, der.size()) != 0) {
    std::printf("op=ecdsa error=decode\n");
    return;
  }
  byte digest[32] = {1, 2, 3};
  byte sig[128];
  Measure("ecdsa_sign", seconds, [&] {
    word32 len = sizeof sig;
    return wc_ecc_sign_hash(digest, sizeof digest, sig, &len, rng, &key);
  });
  wc_ecc_free(&key);
}

// AEAD encryption of 16 KiB records (TLS's largest): AES-128-GCM and ChaCha20-Poly1305.
void Aeads(double seconds) {
  constexpr size_t kRecord = 16384;
  static byte plain[kRecord], cipher[kRecord];
  byte key[16] = {7}, iv[12] = {9}, tag[16], aad[13] = {23};
  Aes aes;
  if (wc_AesInit(&aes, nullptr, INVALID_DEVID) != 0 || wc_AesGcmSetKey(&aes, key, 16) != 0) {
    std::printf("op=aes128gcm_16k error=init\n");
    return;
  }
  Measure(
      "aes128gcm_16k", seconds,
      [&] {
        ++iv[11];
        return wc_AesGcmEncrypt(&aes, cipher, plain, kRecord, iv, sizeof iv, tag, sizeof tag, aad,
                                sizeof aad);
      },
      "mb_per_s", kRecord / 1e6);
  wc_AesFree(&aes);
  byte chacha_key[32] = {7};
  Measure(
      "chacha20poly1305_16k", seconds,
      [&] {
        ++iv[11];
        return wc_ChaCha20Poly1305_Encrypt(chacha_key, iv, aad, sizeof aad, plain, kRecord, cipher,
                                           tag);
      },
      "mb_per_s", kRecord / 1e6);
}

// X25519 key agreement (the key share a TLS 1.3 client offers first): the server makes a
// key pair and derives the shared secret for each full handshake. Counts derivations, as
// `openssl speed ecdhx25519` does.
void X25519(double seconds, WC_RNG* rng) {
  curve25519_key ours, peer;
  if (wc_curve25519_init(&ours) != 0 || wc_curve25519_init(&peer) != 0 ||
      wc_curve25519_make_key(rng, 32, &ours) != 0 || wc_curve25519_make_key(rng, 32, &peer) != 0) {
    std::printf("op=x25519_derive error=init\n");
    return;
  }
  byte secret[32];
  Measure("x25519_derive", seconds, [&] {
    word32 len = sizeof secret;
    return wc_curve25519_shared_secret(&ours, &peer, secret, &len);
  });
  wc_curve25519_free(&ours);
  wc_curve25519_free(&peer);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s KEY.pem SECONDS\n", argv[0]);
    return 2;
  }
  std::ifstream file(argv[1]);
  std::string pem((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::vector<byte> der(pem.size());
  int len = wc_KeyPemToDer(reinterpret_cast<const unsigned char*>(pem.data()), pem.size(),
                           der.data(), der.size(), nullptr);
  if (len <= 0) {
    std::fprintf(stderr, "%s: not a PEM private key\n", argv[1]);
    return 2;
  }
  der.resize(len);
  WC_RNG rng;
  if (wc_InitRng(&rng) != 0) return 1;
  const double seconds = std::atof(argv[2]);
  if (!RsaSigns(der, seconds, &rng)) EcdsaSigns(der, seconds, &rng);
  X25519(seconds, &rng);
  Aeads(seconds);
  wc_FreeRng(&rng);
  return 0;
}
