// The RSA private-key operation of wolfSSL's handshakes done by libcrypto (libcrypto_rsa.h)
// through wolfSSL's PK callbacks: wolfSSL still runs the whole protocol (and verifies each
// signature with the public key before sending it); only the signature's exponentiation moves.
// Built with RINGMAIL_RSA_LIBCRYPTO (CMake option, default ON); without it nothing is
// installed and wolfCrypt signs.
#pragma once

#include <memory>
#include <string_view>

#include "tls/libcrypto_rsa.h"

struct WOLFSSL_CTX;
struct WOLFSSL;

namespace ringmail {

// Whether this build has the option on.
bool LibcryptoRsaSignerBuiltIn();

// When `key_pem` is an RSA key (and the option is on): loads it into libcrypto once and makes
// `ctx`'s RSA signatures (PKCS#1 v1.5 and RSA-PSS) use it. Returns the key, which the caller
// keeps alive as long as `ctx` (or any session made from it); null: nothing installed.
std::unique_ptr<LibcryptoRsaKey> InstallLibcryptoRsaSigner(WOLFSSL_CTX* ctx,
                                                           std::string_view key_pem);

// wolfSSL's CallbackRsaSign and CallbackRsaPssSign as installed above (exposed for the unit
// test). The key is the one installed on the session's current context (SNI may have switched
// it). Return 0 with *out_size set, or a negative wolfCrypt error: BAD_FUNC_ARG for no key or
// malformed input (a PSS digest of the wrong length, an unknown hash), RSA_BUFFER_E when `out`
// is too small or the input too long.
int LibcryptoRsaSign(WOLFSSL* ssl, const unsigned char* in, unsigned int in_size,
                     unsigned char* out, unsigned int* out_size, const unsigned char* key_der,
                     unsigned int key_size, void* ctx);
int LibcryptoRsaPssSign(WOLFSSL* ssl, const unsigned char* in, unsigned int in_size,
                        unsigned char* out, unsigned int* out_size, int hash, int mgf,
                        const unsigned char* key_der, unsigned int key_size, void* ctx);

}  // namespace ringmail
