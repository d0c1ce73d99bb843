#include "tls/client_context.h"

// wolfSSL's headers must see its build options first.
// clang-format off
#include <wolfssl/options.h>
// clang-format on
#include <arpa/inet.h>
#include <sys/stat.h>
#include <wolfssl/ssl.h>

#include <cerrno>
#include <cstring>

#include "tls/tls_policy.h"

namespace ringmail {
namespace {

constexpr off_t kCaFileMax = 16 * 1024 * 1024;  // the system bundle is about 200 KiB

bool IsNumericAddress(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

Result<std::shared_ptr<const TlsClientContext>> TlsClientContext::Create(TlsClientSpec spec) {
  InitTlsLibrary();
  std::shared_ptr<TlsClientContext> self(new TlsClientContext());
  self->spec_ = std::move(spec);
  const TlsClientSpec& s = self->spec_;
  const std::string where = s.where.empty() ? "" : s.where + ": ";
  self->ctx_ = wolfSSL_CTX_new(wolfSSLv23_client_method());
  if (self->ctx_ == nullptr) return MakeError(ErrorCode::kInternal, "wolfSSL_CTX_new failed");
  WOLFSSL_CTX* ctx = self->ctx_;
  if (wolfSSL_CTX_SetMinVersion(ctx, WOLFSSL_TLSV1_2) != WOLFSSL_SUCCESS ||
      wolfSSL_CTX_set_cipher_list(ctx, kTlsCipherList) != WOLFSSL_SUCCESS) {
    return MakeError(ErrorCode::kInternal, "wolfSSL rejected the TLS policy");
  }
  if (!s.verify) {
    wolfSSL_CTX_set_verify(ctx, WOLFSSL_VERIFY_NONE, nullptr);
    return std::shared_ptr<const TlsClientContext>(std::move(self));
  }
  struct stat st {};
  if (stat(s.ca_file.c_str(), &st) != 0) {
    return MakeError(ErrorCode::kConfig, where + s.ca_file + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode) || st.st_size > kCaFileMax) {
    return MakeError(ErrorCode::kConfig,
                     where + s.ca_file + ": not a regular file of at most 16 MiB");
  }
  // A bundle may hold a certificate wolfSSL cannot parse: skip it rather than refuse them all.
  if (wolfSSL_CTX_load_verify_locations_ex(ctx, s.ca_file.c_str(), nullptr,
                                           WOLFSSL_LOAD_FLAG_IGNORE_ERR) != WOLFSSL_SUCCESS) {
    return MakeError(ErrorCode::kConfig, where + s.ca_file + ": no PEM CA certificate in it");
  }
  wolfSSL_CTX_set_verify(ctx, WOLFSSL_VERIFY_PEER, nullptr);
  return std::shared_ptr<const TlsClientContext>(std::move(self));
}

TlsClientContext::~TlsClientContext() {
  if (ctx_ != nullptr) wolfSSL_CTX_free(ctx_);
}

WOLFSSL* TlsClientContext::NewSession(std::string_view server_name) const {
  WOLFSSL* ssl = wolfSSL_new(ctx_);
  if (ssl == nullptr) return nullptr;
  const std::string name(server_name);
  const bool numeric = IsNumericAddress(name);
  if (!numeric && !name.empty()) {  // RFC 6066: SNI carries host names only
    wolfSSL_UseSNI(ssl, WOLFSSL_SNI_HOST_NAME, name.data(),
                   static_cast<unsigned short>(name.size()));
  }
  if (spec_.verify) {
    if (numeric) {
      wolfSSL_X509_VERIFY_PARAM_set1_ip_asc(wolfSSL_get0_param(ssl), name.c_str());
    } else {
      wolfSSL_check_domain_name(ssl, name.c_str());
    }
  }
  return ssl;
}

}  // namespace ringmail
