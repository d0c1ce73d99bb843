#include "tls/session_tickets.h"

// wolfSSL's headers must see its build options first.
// clang-format off
#include <wolfssl/options.h>
// clang-format on
#include <sys/random.h>
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/chacha20_poly1305.h>

#include <array>
#include <cstring>
#include <ctime>
#include <mutex>
#include <span>
#include <string_view>

#include "base/check.h"
#include "tls/digest.h"

namespace ringmail {
namespace {

// Ticket key names: 8 bytes naming this process (tickets of another process are refused
// without trying), then the rotation period, big-endian.
struct ProcessSecret {
  std::array<uint8_t, 32> secret;
  std::array<uint8_t, 8> id;
};

const ProcessSecret& Secret() {
  static ProcessSecret s;
  static std::once_flag once;
  std::call_once(once, [] {
    CHECK(getrandom(s.secret.data(), s.secret.size(), 0) == static_cast<ssize_t>(s.secret.size()));
    CHECK(getrandom(s.id.data(), s.id.size(), 0) == static_cast<ssize_t>(s.id.size()));
  });
  return s;
}

uint64_t CurrentPeriod() { return static_cast<uint64_t>(std::time(nullptr)) / kTicketKeyPeriodS; }

Sha256Digest PeriodKey(uint64_t period) {
  std::array<char, 8> p;
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(period >> (56 - 8 * i));
  return HmacSha256(Secret().secret, std::string_view(p.data(), p.size()));
}

void EncodeName(uint64_t period, unsigned char* name) {
  std::memcpy(name, Secret().id.data(), 8);
  for (int i = 0; i < 8; ++i) name[8 + i] = static_cast<unsigned char>(period >> (56 - 8 * i));
}

int Seal(unsigned char* name, unsigned char* iv, unsigned char* mac, unsigned char* ticket,
         int size, int* out_size) {
  const uint64_t period = CurrentPeriod();
  EncodeName(period, name);
  if (getrandom(iv, WOLFSSL_TICKET_IV_SZ, 0) != WOLFSSL_TICKET_IV_SZ) {
    return WOLFSSL_TICKET_RET_FATAL;
  }
  const Sha256Digest key = PeriodKey(period);
  std::memset(mac, 0, WOLFSSL_TICKET_MAC_SZ);
  if (wc_ChaCha20Poly1305_Encrypt(key.data(), iv, name, WOLFSSL_TICKET_NAME_SZ, ticket,
                                  static_cast<word32>(size), ticket, mac) != 0) {
    return WOLFSSL_TICKET_RET_FATAL;
  }
  *out_size = size;
  return WOLFSSL_TICKET_RET_OK;
}

int Open(const unsigned char* name, const unsigned char* iv, const unsigned char* mac,
         unsigned char* ticket, int size, int* out_size) {
  if (std::memcmp(name, Secret().id.data(), 8) != 0) return WOLFSSL_TICKET_RET_REJECT;
  uint64_t period = 0;
  for (int i = 0; i < 8; ++i) period = (period << 8) | name[8 + i];
  const uint64_t now = CurrentPeriod();
  if (period != now && period + 1 != now) return WOLFSSL_TICKET_RET_REJECT;
  const Sha256Digest key = PeriodKey(period);
  if (wc_ChaCha20Poly1305_Decrypt(key.data(), iv, name, WOLFSSL_TICKET_NAME_SZ, ticket,
                                  static_cast<word32>(size), mac, ticket) != 0) {
    return WOLFSSL_TICKET_RET_REJECT;
  }
  *out_size = size;
  return period == now ? WOLFSSL_TICKET_RET_OK : WOLFSSL_TICKET_RET_CREATE;
}

int TicketCallback(WOLFSSL*, unsigned char name[WOLFSSL_TICKET_NAME_SZ],
                   unsigned char iv[WOLFSSL_TICKET_IV_SZ], unsigned char mac[WOLFSSL_TICKET_MAC_SZ],
                   int enc, unsigned char* ticket, int size, int* out_size, void*) {
  if (size < 0) return WOLFSSL_TICKET_RET_FATAL;
  return enc ? Seal(name, iv, mac, ticket, size, out_size)
             : Open(name, iv, mac, ticket, size, out_size);
}

}  // namespace

void InstallSessionTickets(WOLFSSL_CTX* ctx) {
  Secret();
  wolfSSL_CTX_set_TicketEncCb(ctx, &TicketCallback);
  wolfSSL_CTX_set_TicketHint(ctx, static_cast<int>(kTicketKeyPeriodS));
}

}  // namespace ringmail
