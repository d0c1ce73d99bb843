// Kernel TLS offload: after a handshake in wolfSSL, hand the record layer's keys, IVs and
// sequence numbers to the kernel (TCP_ULP "tls", TLS_TX, TLS_RX) so the connection's data path
// stays plain sends and receives. Linux's `tls` module must be there (CONFIG_TLS); where it is
// not, every call here reports kUnavailable and the session stays in userspace.
//
// Pitfalls handled here: wolfSSL's sequence-number getters return `!seq` (so 1 means "the
// number is 0", not an error); in TLS 1.3 the server's TX sequence number already counts the
// NewSessionTicket records it sent; the TLS 1.2 GCM explicit nonce is the kernel's to choose
// (it sends the record sequence number).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/result.h"
#include "runtime/connection.h"
#include "runtime/task.h"
#include "tls/tls_stream.h"

struct WOLFSSL;

namespace ringmail {

// The kernel's crypto_info for each direction (struct tls12_crypto_info_*), as bytes.
struct KernelTlsKeys {
  std::vector<uint8_t> tx;
  std::vector<uint8_t> rx;
};

// Whether this kernel has TLS offload (probed once, on a throwaway socket). Any thread.
bool KernelTlsAvailable();

// The keys of a finished server handshake: kUnavailable for a suite or version the kernel
// does not take. REQUIRES: wolfSSL holds no received record it has not decrypted.
Result<KernelTlsKeys> ExtractKernelTlsKeys(WOLFSSL* ssl);

// Installs TCP_ULP "tls" and both directions on the connected TCP socket `fd` (a regular
// descriptor). kUnavailable when the kernel refuses the ULP (no module): nothing changed, the
// session may go on in userspace. kIo when a key is refused after the ULP was installed: the
// connection is unusable.
Result<void> InstallKernelTls(int fd, const KernelTlsKeys& keys);

// After `tls`'s handshake over `connection`: moves the record layer to the kernel. true: the
// session now runs on `connection` itself (holding what `tls` had decrypted; `tls`'s wolfSSL
// session is freed). false (`why` says why): it stays in userspace and `tls` is as it was —
// the kernel lacks TLS, the socket is a direct descriptor, the suite is not offloadable, or
// the client's next record is still arriving. kIo: the connection is unusable.
// REQUIRES: `tls` runs over `connection`; no Read or Flush waiting.
Task<Result<bool>> MoveToKernel(TlsStream* tls, Connection* connection, std::string* why);

}  // namespace ringmail
