// The TLS policy both sides share: TLS 1.2 and 1.3 only, AEAD suites with ECDHE only.
#pragma once

namespace ringmail {

// TLS 1.3 suites, then TLS 1.2 ECDHE with AEAD only, in order of preference (wolfSSL's
// names). The server applies its order; a client offers them in this order.
inline constexpr const char* kTlsCipherList =
    "TLS13-AES128-GCM-SHA256:TLS13-AES256-GCM-SHA384:TLS13-CHACHA20-POLY1305-SHA256:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// wolfSSL_Init, once per process (thread-safe). Before any wolfSSL context is made.
void InitTlsLibrary();

}  // namespace ringmail
