// Session ticket keys: tickets are sealed with ChaCha20-Poly1305 under a key derived from a
// per-process secret and the current rotation period, so every core and every reloaded
// context agree without sharing mutable state. A ticket from the previous period is still
// accepted (and replaced by a fresh one); older ones are refused and the handshake is full.
#pragma once

#include <cstdint>

struct WOLFSSL_CTX;

namespace ringmail {

// How long one key seals new tickets; a ticket lives at most twice this.
constexpr uint32_t kTicketKeyPeriodS = 3600;

// Installs the ticket callback and lifetime hint on `ctx`. The process secret is drawn on the
// first call. Any thread.
void InstallSessionTickets(WOLFSSL_CTX* ctx);

}  // namespace ringmail
