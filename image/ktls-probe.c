// ktls-probe: proves the kernel's TLS (kTLS) works, without a TLS library. Run inside the
// appliance by image/test-boot (built static on the host, passed through QEMU's firmware
// config). Over a loopback TCP connection it installs TCP_ULP "tls" on both ends, TLS_TX
// (AES-128-GCM) on the sender and TLS_RX with the same key on the receiver, sends records
// and checks the receiver gets the same plaintext (so the kernel encrypted and decrypted
// them: /proc/net/tls_stat counts TlsTxSw/TlsRxSw). Prints "ktls-probe: ok ..." and exits
// 0, or names the step that failed and exits 1.
#include <arpa/inet.h>
#include <linux/tls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SOL_TLS
#define SOL_TLS 282
#endif

static int fail(const char* what) {
  perror(what);
  printf("ktls-probe: FAILED at %s\n", what);
  return 1;
}

static int set_key(int fd, int direction) {
  struct tls12_crypto_info_aes_gcm_128 info;
  memset(&info, 0, sizeof info);
  info.info.version = TLS_1_3_VERSION;
  info.info.cipher_type = TLS_CIPHER_AES_GCM_128;
  memset(info.key, 0x42, sizeof info.key);
  memset(info.iv, 0x24, sizeof info.iv);
  memset(info.salt, 0x17, sizeof info.salt);
  return setsockopt(fd, SOL_TLS, direction, &info, sizeof info);
}

int main(void) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof addr;
  if (listener < 0 || bind(listener, (struct sockaddr*)&addr, sizeof addr) != 0 ||
      listen(listener, 1) != 0 || getsockname(listener, (struct sockaddr*)&addr, &len) != 0)
    return fail("listen");
  int tx = socket(AF_INET, SOCK_STREAM, 0);
  if (tx < 0 || connect(tx, (struct sockaddr*)&addr, sizeof addr) != 0) return fail("connect");
  int rx = accept(listener, NULL, NULL);
  if (rx < 0) return fail("accept");
  if (setsockopt(tx, IPPROTO_TCP, TCP_ULP, "tls", sizeof "tls") != 0 ||
      setsockopt(rx, IPPROTO_TCP, TCP_ULP, "tls", sizeof "tls") != 0)
    return fail("TCP_ULP tls");
  if (set_key(tx, TLS_TX) != 0) return fail("TLS_TX");
  if (set_key(rx, TLS_RX) != 0) return fail("TLS_RX");
  char msg[16384], got[sizeof msg];
  for (size_t i = 0; i < sizeof msg; i++) msg[i] = (char)(i * 7);
  int records = 0;
  for (; records < 8; records++) {
    if (send(tx, msg, sizeof msg, 0) != (ssize_t)sizeof msg) return fail("send");
    size_t have = 0;
    while (have < sizeof got) {
      ssize_t n = recv(rx, got + have, sizeof got - have, 0);
      if (n <= 0) return fail("recv");
      have += (size_t)n;
    }
    if (memcmp(msg, got, sizeof msg) != 0) return fail("compare (plaintext differs)");
  }
  printf("ktls-probe: ok: %d records of %zu bytes through kernel TLS 1.3 AES-128-GCM\n", records,
         sizeof msg);
  return 0;
}
