#include "tls/server_context.h"

// wolfSSL's headers must see its build options first.
// clang-format off
#include <wolfssl/options.h>
// clang-format on
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wolfssl/openssl/evp.h>
#include <wolfssl/openssl/pem.h>
#include <wolfssl/ssl.h>

#include <cerrno>
#include <cstring>

#include "base/ascii.h"
#include "base/check.h"
#include "tls/libcrypto_rsa.h"
#include "tls/rsa_signer.h"
#include "tls/session_tickets.h"
#include "tls/tls_policy.h"

namespace ringmail {
namespace {

constexpr size_t kPemFileMax = 1024 * 1024;

// The application protocols a client may ask for; others are ignored (no ALPN agreed).
constexpr std::string_view kAlpnAccepted[] = {"http/1.1", "imap", "smtp"};

Result<std::string> ReadPemFile(const std::string& where, const std::string& path, bool secret) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return MakeError(ErrorCode::kConfig, where + path + ": " + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > static_cast<off_t>(kPemFileMax)) {
    close(fd);
    return MakeError(ErrorCode::kConfig, where + path + ": not a regular file of at most 1 MiB");
  }
  if (secret && (st.st_mode & S_IROTH) != 0) {
    close(fd);
    return MakeError(ErrorCode::kConfig,
                     where + path + ": private key is readable by others (chmod o-r)");
  }
  std::string data(static_cast<size_t>(st.st_size), '\0');
  ssize_t n = read(fd, data.data(), data.size());
  int err = errno;
  close(fd);
  if (n != static_cast<ssize_t>(data.size())) {
    return MakeError(ErrorCode::kConfig, where + path + ": " + std::strerror(n < 0 ? err : EIO));
  }
  return data;
}

// Whether `private_key` signs what `public_key` verifies. (wolfSSL_X509_check_private_key
// compares only the key types of ECC keys.)
bool KeysMatch(WOLFSSL_EVP_PKEY* private_key, WOLFSSL_EVP_PKEY* public_key) {
  if (private_key == nullptr || public_key == nullptr) return false;
  static constexpr unsigned char kMessage[] = "ringmail key check";
  unsigned char signature[1024];
  size_t size = sizeof signature;
  WOLFSSL_EVP_MD_CTX* md = wolfSSL_EVP_MD_CTX_new();
  bool ok =
      wolfSSL_EVP_DigestSignInit(md, nullptr, wolfSSL_EVP_sha256(), nullptr, private_key) == 1 &&
      wolfSSL_EVP_DigestSignUpdate(md, kMessage, sizeof kMessage) == 1 &&
      wolfSSL_EVP_DigestSignFinal(md, signature, &size) == 1;
  wolfSSL_EVP_MD_CTX_free(md);
  md = wolfSSL_EVP_MD_CTX_new();
  ok = ok &&
       wolfSSL_EVP_DigestVerifyInit(md, nullptr, wolfSSL_EVP_sha256(), nullptr, public_key) == 1 &&
       wolfSSL_EVP_DigestVerifyUpdate(md, kMessage, sizeof kMessage) == 1 &&
       wolfSSL_EVP_DigestVerifyFinal(md, signature, size) == 1;
  wolfSSL_EVP_MD_CTX_free(md);
  return ok;
}

// kConfig when the chain's leaf does not parse, has expired, or is not the key's.
Result<void> CheckLeaf(const std::string& where, const TlsCertificateSpec& spec,
                       const std::string& chain, const std::string& key_pem) {
  WOLFSSL_X509* leaf =
      wolfSSL_X509_load_certificate_buffer(reinterpret_cast<const unsigned char*>(chain.data()),
                                           static_cast<int>(chain.size()), WOLFSSL_FILETYPE_PEM);
  if (leaf == nullptr) {
    return MakeError(ErrorCode::kConfig, where + spec.certificate + ": not a PEM certificate");
  }
  const bool expired = wolfSSL_X509_cmp_current_time(wolfSSL_X509_get_notAfter(leaf)) < 0;
  WOLFSSL_EVP_PKEY* public_key = wolfSSL_X509_get_pubkey(leaf);
  WOLFSSL_BIO* bio = wolfSSL_BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  WOLFSSL_EVP_PKEY* private_key =
      bio != nullptr ? wolfSSL_PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
  const bool parsed = private_key != nullptr;
  const bool match = KeysMatch(private_key, public_key);
  wolfSSL_EVP_PKEY_free(private_key);
  wolfSSL_BIO_free(bio);
  wolfSSL_EVP_PKEY_free(public_key);
  wolfSSL_X509_free(leaf);
  if (expired) {
    return MakeError(ErrorCode::kConfig, where + spec.certificate + ": certificate has expired");
  }
  if (!parsed) {
    return MakeError(ErrorCode::kConfig, where + spec.private_key + ": not a PEM private key");
  }
  if (!match) {
    return MakeError(
        ErrorCode::kConfig,
        where + spec.private_key + ": key does not match certificate " + spec.certificate);
  }
  return {};
}

int OnServerName(WOLFSSL* ssl, int*, void* arg) {
  const auto* self = static_cast<const TlsServerContext*>(arg);
  const char* name = wolfSSL_get_servername(ssl, WOLFSSL_SNI_HOST_NAME);
  if (name != nullptr && *name != '\0') {
    WOLFSSL_CTX* ctx = self->ForServerName(name);
    if (ctx != wolfSSL_get_SSL_CTX(ssl)) wolfSSL_set_SSL_CTX(ssl, ctx);
  }
  return 0;  // SSL_TLSEXT_ERR_OK
}

int OnAlpn(WOLFSSL*, const unsigned char** out, unsigned char* out_size, const unsigned char* in,
           unsigned int in_size, void*) {
  // `in`: the client's list, each name preceded by its length. The client's order wins
  // among the accepted ones (they name different protocols, not strengths).
  for (unsigned int i = 0; i < in_size;) {
    const unsigned int n = in[i];
    if (i + 1 + n > in_size) break;
    std::string_view name(reinterpret_cast<const char*>(in + i + 1), n);
    for (std::string_view accepted : kAlpnAccepted) {
      if (name == accepted) {
        *out = in + i + 1;
        *out_size = static_cast<unsigned char>(n);
        return 0;  // SSL_TLSEXT_ERR_OK
      }
    }
    i += 1 + n;
  }
  return 3;  // SSL_TLSEXT_ERR_NOACK: go on without ALPN
}

}  // namespace

Result<std::shared_ptr<const TlsServerContext>> TlsServerContext::Create(
    std::vector<TlsCertificateSpec> specs) {
  CHECK(!specs.empty());
  InitTlsLibrary();
  std::shared_ptr<TlsServerContext> self(new TlsServerContext());
  self->specs_ = std::move(specs);
  bool have_default = false;
  for (const TlsCertificateSpec& spec : self->specs_) {
    const std::string where = spec.where.empty() ? "" : spec.where + ": ";
    std::string chain = TRY(ReadPemFile(where, spec.certificate, false));
    std::string key = TRY(ReadPemFile(where, spec.private_key, true));
    TRY(CheckLeaf(where, spec, chain, key));
    Entry entry;
    entry.ctx = wolfSSL_CTX_new(wolfTLS_server_method());
    if (entry.ctx == nullptr) return MakeError(ErrorCode::kInternal, "wolfSSL_CTX_new failed");
    WOLFSSL_CTX* ctx = entry.ctx;
    self->entries_.push_back(std::move(entry));  // freed with self from here on
    if (wolfSSL_CTX_use_certificate_chain_buffer_format(
            ctx, reinterpret_cast<const unsigned char*>(chain.data()),
            static_cast<long>(chain.size()), WOLFSSL_FILETYPE_PEM) != WOLFSSL_SUCCESS) {
      return MakeError(ErrorCode::kConfig,
                       where + spec.certificate + ": bad PEM certificate chain");
    }
    if (wolfSSL_CTX_use_PrivateKey_buffer(ctx, reinterpret_cast<const unsigned char*>(key.data()),
                                          static_cast<long>(key.size()),
                                          WOLFSSL_FILETYPE_PEM) != WOLFSSL_SUCCESS) {
      return MakeError(ErrorCode::kConfig, where + spec.private_key + ": bad PEM private key");
    }
    self->entries_.back().rsa_key = InstallLibcryptoRsaSigner(ctx, key);
    if (wolfSSL_CTX_SetMinVersion(ctx, WOLFSSL_TLSV1_2) != WOLFSSL_SUCCESS ||
        wolfSSL_CTX_set_cipher_list(ctx, ServerCipherList()) != WOLFSSL_SUCCESS) {
      return MakeError(ErrorCode::kInternal, "wolfSSL rejected the TLS policy");
    }
    wolfSSL_CTX_set_options(ctx, WOLFSSL_OP_CIPHER_SERVER_PREFERENCE);
    wolfSSL_CTX_set_verify(ctx, WOLFSSL_VERIFY_NONE, nullptr);
    wolfSSL_CTX_set_servername_callback(ctx, &OnServerName);
    wolfSSL_CTX_set_servername_arg(ctx, self.get());
    wolfSSL_CTX_set_alpn_select_cb(ctx, &OnAlpn, nullptr);
    InstallSessionTickets(ctx);
    // Resumption is by ticket only: wolfSSL's stateful session cache is one process-wide
    // table behind locks the cores would contend on, and memory every new session touches.
    wolfSSL_CTX_set_session_cache_mode(ctx, WOLFSSL_SESS_CACHE_OFF);
    Entry& stored = self->entries_.back();
    for (const std::string& d : spec.domains) stored.domains.push_back(AsciiLowerString(d));
    if (spec.domains.empty() && !have_default) {
      have_default = true;
      self->default_ = self->entries_.size() - 1;
    }
  }
  return std::shared_ptr<const TlsServerContext>(std::move(self));
}

TlsServerContext::~TlsServerContext() {
  for (Entry& e : entries_) wolfSSL_CTX_free(e.ctx);  // then each rsa_key, member-wise
}

WOLFSSL* TlsServerContext::NewSession() const { return wolfSSL_new(entries_[default_].ctx); }

WOLFSSL_CTX* TlsServerContext::ForServerName(std::string_view server_name) const {
  const std::string name = AsciiLowerString(server_name);
  const size_t dot = name.find('.');
  const std::string wildcard = dot == std::string::npos ? "" : "*" + name.substr(dot);
  for (const Entry& e : entries_) {
    for (const std::string& d : e.domains) {
      if (d == name) return e.ctx;
    }
  }
  if (!wildcard.empty()) {
    for (const Entry& e : entries_) {
      for (const std::string& d : e.domains) {
        if (d == wildcard) return e.ctx;
      }
    }
  }
  return entries_[default_].ctx;
}

}  // namespace ringmail
