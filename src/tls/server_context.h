// TlsServerContext: the server side of TLS as configured — one wolfSSL context per certificate
// entry, the SNI choice among them, and the policy every session gets: TLS 1.2 and 1.3 only,
// AEAD suites with ECDHE only, the server's cipher order, ALPN (http/1.1, imap, smtp) and
// session tickets under rotating keys (session_tickets.h). An RSA key is also loaded into
// libcrypto, which makes the handshakes' RSA signatures (rsa_signer.h).
//
// Immutable once built; shared by every core through a shared_ptr. A reload builds a new one
// and swaps the pointer: sessions keep the context they started with (each holds a reference).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

struct WOLFSSL_CTX;
struct WOLFSSL;

namespace ringmail {

class LibcryptoRsaKey;

// One certificate entry ([tls] or [tls.NAME]).
struct TlsCertificateSpec {
  std::string where;                 // error prefix naming the config entry: "PATH:LINE: [tls]"
  std::string certificate;           // path of a PEM chain, leaf first
  std::string private_key;           // path of the PEM key; must not be readable by others
  std::vector<std::string> domains;  // SNI names ("mail.example.com", "*.example.com");
                                     // empty: the default certificate
};

class TlsServerContext {
 public:
  // Reads and checks every entry: a file that cannot be read, a chain that does not parse, an
  // expired leaf, a key that does not match the certificate, or a key file readable by others
  // is kConfig "WHERE: FILE: reason". The default certificate is the entry without domains
  // (else the first). REQUIRES: !specs.empty(). Any thread (start-up: the main thread).
  static Result<std::shared_ptr<const TlsServerContext>> Create(
      std::vector<TlsCertificateSpec> specs);
  ~TlsServerContext();
  TlsServerContext(const TlsServerContext&) = delete;
  TlsServerContext& operator=(const TlsServerContext&) = delete;

  // A new server session on the default certificate (SNI may switch it during the handshake),
  // or null when out of memory. The caller frees it with wolfSSL_free before this context
  // goes. Any core.
  WOLFSSL* NewSession() const;

  // The context serving `server_name`: an exact domain, else a wildcard "*.rest" matching one
  // label, else the default. Case-insensitive.
  WOLFSSL_CTX* ForServerName(std::string_view server_name) const;

  // The certificate and key files, for the reload's change detection.
  const std::vector<TlsCertificateSpec>& specs() const { return specs_; }

 private:
  struct Entry {
    WOLFSSL_CTX* ctx = nullptr;
    std::vector<std::string> domains;          // lower case
    std::unique_ptr<LibcryptoRsaKey> rsa_key;  // signs ctx's RSA handshakes (rsa_signer.h)
  };
  TlsServerContext() = default;

  std::vector<TlsCertificateSpec> specs_;
  std::vector<Entry> entries_;
  size_t default_ = 0;
};

}  // namespace ringmail
