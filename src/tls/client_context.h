// TlsClientContext: the client side of TLS as configured, for outbound connections (the
// queue's smarthost): TLS 1.2 and 1.3 only, AEAD suites with ECDHE only (tls_policy.h), SNI,
// and — unless the operator opts out — verification of the server's chain against a CA
// bundle and of its name (DNS subjectAltName, or an IP address one for a numeric host).
//
// Immutable once built; shared by every core through a shared_ptr (each session holds a
// reference).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

struct WOLFSSL_CTX;
struct WOLFSSL;

namespace ringmail {

inline constexpr const char* kSystemCaFile = "/etc/ssl/certs/ca-certificates.crt";

struct TlsClientSpec {
  std::string where;                    // error prefix naming the config entry: "PATH: [queue]"
  std::string ca_file = kSystemCaFile;  // PEM bundle of trusted CAs
  bool verify = true;  // false: any certificate is accepted (a private smarthost's)
};

class TlsClientContext {
 public:
  // Loads the CA bundle when verifying: a file that cannot be read or holds no certificate
  // is kConfig "WHERE: FILE: reason". Any thread (start-up: the main thread).
  static Result<std::shared_ptr<const TlsClientContext>> Create(TlsClientSpec spec);
  ~TlsClientContext();
  TlsClientContext(const TlsClientContext&) = delete;
  TlsClientContext& operator=(const TlsClientContext&) = delete;

  // A new client session for `server_name` (a DNS name or a numeric address): SNI for a name,
  // and, when verifying, the name or address the certificate must carry. Null when out of
  // memory. The caller frees it with wolfSSL_free before this context goes. Any core.
  WOLFSSL* NewSession(std::string_view server_name) const;

  // Whether a completed handshake means the server's certificate was verified.
  bool verifies() const { return spec_.verify; }

 private:
  TlsClientContext() = default;

  TlsClientSpec spec_;
  WOLFSSL_CTX* ctx_ = nullptr;
};

}  // namespace ringmail
