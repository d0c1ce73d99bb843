#include "tls/ktls.h"

// wolfSSL's headers must see its build options first.
// clang-format off
#include <wolfssl/options.h>
// clang-format on
#include <linux/tls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wolfssl/ssl.h>

#include <cerrno>
#include <cstring>

#include "tls/ktls_records.h"

#ifndef SOL_TLS
#define SOL_TLS 282
#endif

namespace ringmail {
namespace {

void PutSequence(uint64_t seq, unsigned char* out) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<unsigned char>(seq >> (56 - 8 * i));
}

template <typename Info>
std::vector<uint8_t> Bytes(const Info& info) {
  const auto* p = reinterpret_cast<const uint8_t*>(&info);
  return std::vector<uint8_t>(p, p + sizeof info);
}

// One direction's crypto_info. `iv`: wolfSSL's write IV for that direction (4 bytes of
// implicit IV in TLS 1.2 GCM, the 12-byte static IV in TLS 1.3 and for ChaCha20).
Result<std::vector<uint8_t>> Direction(uint16_t version, int bulk, int key_size, int iv_size,
                                       const unsigned char* key, const unsigned char* iv,
                                       uint64_t seq) {
  const bool tls13 = version == TLS_1_3_VERSION;
  if (bulk == wolfssl_chacha && key_size == 32 && iv_size == 12) {
    tls12_crypto_info_chacha20_poly1305 info{};
    info.info = {version, TLS_CIPHER_CHACHA20_POLY1305};
    std::memcpy(info.key, key, 32);
    std::memcpy(info.iv, iv, 12);
    PutSequence(seq, info.rec_seq);
    return Bytes(info);
  }
  if (bulk != wolfssl_aes_gcm || iv_size != (tls13 ? 12 : 4)) {
    return MakeError(ErrorCode::kUnavailable, "suite not offloadable");
  }
  auto fill = [&](auto& info, uint16_t cipher) {
    info.info = {version, cipher};
    std::memcpy(info.key, key, static_cast<size_t>(key_size));
    std::memcpy(info.salt, iv, 4);
    if (tls13) {
      std::memcpy(info.iv, iv + 4, 8);
    } else {
      PutSequence(seq, info.iv);  // the explicit nonce of the next record we send
    }
    PutSequence(seq, info.rec_seq);
    return Bytes(info);
  };
  if (key_size == 16) {
    tls12_crypto_info_aes_gcm_128 info{};
    return fill(info, TLS_CIPHER_AES_GCM_128);
  }
  if (key_size == 32) {
    tls12_crypto_info_aes_gcm_256 info{};
    return fill(info, TLS_CIPHER_AES_GCM_256);
  }
  return MakeError(ErrorCode::kUnavailable, "suite not offloadable");
}

}  // namespace

bool KernelTlsAvailable() {
  static const bool available = [] {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    // An unconnected socket: ENOTCONN when the module is there, ENOENT when it is not.
    const int rc = setsockopt(fd, SOL_TCP, TCP_ULP, "tls", sizeof "tls");
    const int err = errno;
    close(fd);
    return rc == 0 || err == ENOTCONN;
  }();
  return available;
}

Result<KernelTlsKeys> ExtractKernelTlsKeys(WOLFSSL* ssl) {
  if (wolfSSL_GetSide(ssl) != WOLFSSL_SERVER_END) {
    return MakeError(ErrorCode::kUnavailable, "not a server session");
  }
  const int v = wolfSSL_version(ssl);
  if (v != TLS1_2_VERSION && v != TLS1_3_VERSION) {
    return MakeError(ErrorCode::kUnavailable, "version not offloadable");
  }
  const uint16_t version = v == TLS1_3_VERSION ? TLS_1_3_VERSION : TLS_1_2_VERSION;
  word64 tx_seq = 0;
  word64 rx_seq = 0;
  // Both return !seq: only a negative value is an error.
  if (wolfSSL_GetSequenceNumber(ssl, &tx_seq) < 0 ||
      wolfSSL_GetPeerSequenceNumber(ssl, &rx_seq) < 0) {
    return MakeError(ErrorCode::kUnavailable, "no sequence numbers");
  }
  const int bulk = wolfSSL_GetBulkCipher(ssl);
  const int key_size = wolfSSL_GetKeySize(ssl);
  const int iv_size = wolfSSL_GetIVSize(ssl);
  KernelTlsKeys keys;
  keys.tx = TRY(Direction(version, bulk, key_size, iv_size, wolfSSL_GetServerWriteKey(ssl),
                          wolfSSL_GetServerWriteIV(ssl), tx_seq));
  keys.rx = TRY(Direction(version, bulk, key_size, iv_size, wolfSSL_GetClientWriteKey(ssl),
                          wolfSSL_GetClientWriteIV(ssl), rx_seq));
  return keys;
}

Result<void> InstallKernelTls(int fd, const KernelTlsKeys& keys) {
  if (setsockopt(fd, SOL_TCP, TCP_ULP, "tls", sizeof "tls") != 0) {
    return MakeError(ErrorCode::kUnavailable, std::string("TCP_ULP tls: ") + std::strerror(errno));
  }
  if (setsockopt(fd, SOL_TLS, TLS_TX, keys.tx.data(), static_cast<socklen_t>(keys.tx.size())) !=
      0) {
    return SysError("setsockopt TLS_TX", errno);
  }
  if (setsockopt(fd, SOL_TLS, TLS_RX, keys.rx.data(), static_cast<socklen_t>(keys.rx.size())) !=
      0) {
    return SysError("setsockopt TLS_RX", errno);
  }
  return {};
}

Task<Result<bool>> MoveToKernel(TlsStream* tls, Connection* connection, std::string* why) {
  if (!KernelTlsAvailable()) {
    *why = "the kernel has no TLS offload";
    co_return false;
  }
  const int fd = connection->regular_fd();
  if (fd < 0) {
    *why = "direct descriptor";
    co_return false;
  }
  co_await connection->PauseReceive();
  if (!tls->DrainForKernel()) {
    connection->ResumeReceive();
    *why = "a record in flight";
    co_return false;
  }
  Result<KernelTlsKeys> keys = ExtractKernelTlsKeys(tls->session());
  if (!keys) {
    connection->ResumeReceive();
    *why = keys.error().message;
    co_return false;
  }
  Result<void> installed = InstallKernelTls(fd, *keys);
  if (!installed) {
    if (installed.error().code != ErrorCode::kUnavailable)
      co_return std::unexpected(installed.error());
    connection->ResumeReceive();
    *why = installed.error().message;
    co_return false;
  }
  connection->StartKernelTls(tls->TakePlaintext(), std::string(tls->tls_summary()),
                             &HandleKernelTlsRecord);
  tls->ReleaseSession();
  co_return true;
}

}  // namespace ringmail
