// The TLS policy both sides share: TLS 1.2 and 1.3 only, AEAD suites with ECDHE only.
#pragma once

#include <wolfssl/options.h>

namespace ringmail {

// TLS 1.3 suites, then TLS 1.2 ECDHE with AEAD only, in order of preference (wolfSSL's
// names). The server applies its order; a client offers them in this order.
//
// Which AEAD comes first follows who encrypts the records. Debian's wolfSSL is built without
// AES-NI (no WOLFSSL_AESNI): its C AES-GCM encrypts ~105 MB/s per core against its
// ChaCha20-Poly1305's ~255 MB/s (bench/tls/run, "raw crypto"), so where wolfSSL encrypts
// ChaCha20 comes first. The kernel (kTLS) encrypts AES-GCM with AES-NI, so a server whose
// sessions move to the kernel prefers AES-GCM (server_context.cc), as does a wolfSSL with
// AES-NI.
inline constexpr const char* kTlsCipherListAesFirst =
    "TLS13-AES128-GCM-SHA256:TLS13-AES256-GCM-SHA384:TLS13-CHACHA20-POLY1305-SHA256:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
inline constexpr const char* kTlsCipherListChachaFirst =
    "TLS13-CHACHA20-POLY1305-SHA256:TLS13-AES128-GCM-SHA256:TLS13-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384";

// The order where wolfSSL encrypts the records (the client's side; a server without kTLS).
#ifdef WOLFSSL_AESNI
inline constexpr const char* kTlsCipherList = kTlsCipherListAesFirst;
#else
inline constexpr const char* kTlsCipherList = kTlsCipherListChachaFirst;
#endif

// The server's order: AES-GCM first when the kernel takes the records over (kTLS available,
// ktls.h), else kTlsCipherList.
const char* ServerCipherList();

// wolfSSL_Init, once per process (thread-safe). Before any wolfSSL context is made.
void InitTlsLibrary();

}  // namespace ringmail
