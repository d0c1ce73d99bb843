// Kernel TLS control records: what a session does with a record the kernel hands up with a
// content type other than application_data (the TLS_GET_RECORD_TYPE control message of
// recvmsg), once the record layer is in the kernel (ktls.h), and the records the server sends
// through the kernel itself (close_notify, with TLS_SET_RECORD_TYPE).
//
// The verdicts: close_notify ends the input cleanly (the session then answers with its own
// close_notify); user_canceled is ignored (TLS 1.3 requires a close_notify after it); any other
// alert ends the session with an error naming the alert. A TLS 1.3 KeyUpdate cannot be followed:
// the wolfSSL session (and the traffic secrets the next keys derive from) is freed at the
// handoff — Debian's wolfSSL does not export the secrets (no HAVE_SECRET_CALLBACK) — and
// Debian 12's kernel (6.1) cannot take new keys on a TLS socket (rekey came with Linux 6.14).
// Its records after the KeyUpdate would not decrypt, so the session ends before reading them,
// with a log line, and closes with close_notify under the unchanged send key. Any other record
// (change_cipher_spec, a handshake message other than KeyUpdate, an unknown type, a malformed
// one) ends the session with an error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/socket_address.h"

namespace ringmail {

inline constexpr uint8_t kTlsRecordAlert = 21;
inline constexpr uint8_t kTlsRecordHandshake = 22;
inline constexpr uint8_t kTlsRecordApplicationData = 23;
// The payload of a close_notify alert record: level warning (1), description close_notify (0).
inline constexpr char kTlsCloseNotify[2] = {1, 0};

struct KernelTlsRecordVerdict {
  enum Kind : uint8_t {
    kIgnore,       // keep reading (user_canceled)
    kCloseNotify,  // the peer closed cleanly
    kAlert,        // the peer sent an error alert: `code` is its description
    kKeyUpdate,    // a TLS 1.3 KeyUpdate: `code` is request_update (0 or 1)
    kUnexpected,   // anything else: `reason` says what
  };
  Kind kind = kUnexpected;
  uint8_t code = 0;
  std::string reason;
};

// The verdict on one record of content `type` whose plaintext is `payload`. Pure; any bytes.
KernelTlsRecordVerdict ClassifyKernelTlsRecord(uint8_t type, std::string_view payload);

// The Connection's handler of control records (runtime/connection.h): classifies, logs an
// alert, KeyUpdate or unexpected record with the peer's address, and returns ok to keep
// reading, kClosed for close_notify, kIo otherwise.
Result<void> HandleKernelTlsRecord(const SocketAddress& peer, uint8_t type,
                                   std::string_view payload);

}  // namespace ringmail
