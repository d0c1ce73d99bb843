// The TLS policy both sides share: TLS 1.2 and 1.3 only, AEAD suites with ECDHE only.
#pragma once

#include <wolfssl/options.h>

namespace ringmail {

// TLS 1.3 suites, then TLS 1.2 ECDHE with AEAD only, in order of preference (wolfSSL's
// names). The server applies its order; a client offers them in this order.
//
// Which AEAD comes first follows the wolfSSL build: Debian's is built without AES-NI (no
// WOLFSSL_AESNI), where its C AES-GCM encrypts ~30 MB/s per core against ChaCha20-Poly1305's
// ~80 MB/s (bench/tls/run, "raw wolfCrypt"), so a userspace session prefers ChaCha20. After
// a kTLS handoff the kernel encrypts either suite with SIMD, far above a NIC's line rate.
#ifdef WOLFSSL_AESNI
inline constexpr const char* kTlsCipherList =
    "TLS13-AES128-GCM-SHA256:TLS13-AES256-GCM-SHA384:TLS13-CHACHA20-POLY1305-SHA256:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
#else
inline constexpr const char* kTlsCipherList =
    "TLS13-CHACHA20-POLY1305-SHA256:TLS13-AES128-GCM-SHA256:TLS13-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384";
#endif

// wolfSSL_Init, once per process (thread-safe). Before any wolfSSL context is made.
void InitTlsLibrary();

}  // namespace ringmail
