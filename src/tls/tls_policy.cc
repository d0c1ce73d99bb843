#include "tls/tls_policy.h"

// wolfSSL's headers must see its build options first.
// clang-format off
#include <wolfssl/options.h>
// clang-format on
#include <wolfssl/ssl.h>

#include <mutex>

#include "base/check.h"
#include "tls/ktls.h"

namespace ringmail {

void InitTlsLibrary() {
  static std::once_flag once;
  std::call_once(once, [] { CHECK(wolfSSL_Init() == WOLFSSL_SUCCESS, "wolfSSL_Init"); });
}

const char* ServerCipherList() {
  return KernelTlsAvailable() ? kTlsCipherListAesFirst : kTlsCipherList;
}

}  // namespace ringmail
