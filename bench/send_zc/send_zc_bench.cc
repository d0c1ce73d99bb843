// bench_send_zc [--seconds-per-point 0.25] [--repeats 3] [--sender-cpu 0] [--receiver-cpu 1]
//               [--sizes 512,1024,...] [--quickack]
//
// Throughput of io_uring SEND against SEND_ZC on one loopback TCP connection, for message
// sizes 512 B .. 256 KiB, sent the way Connection::Flush sends (send_zc_sender.h). Prints a
// row per size (medians over the repeats), the crossover (the smallest size from which
// SEND_ZC is at least as fast at every larger size) and the threshold it would recommend.
//
// Caveat printed with the results: over loopback (and any other path that delivers to a
// local socket) the kernel copies zero-copy data at delivery, because it cannot let a local
// receiver pin the sender's pages for an unbounded time. The notifications say so
// (IORING_NOTIF_USAGE_ZC_COPIED); the numbers are then a lower bound for SEND_ZC on a real NIC.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "common/flags.h"
#include "runtime/system.h"
#include "send_zc/send_zc_sender.h"

namespace ringmail::bench {
namespace {

constexpr char kSizesDefault[] = "512,1024,2048,4096,8192,16384,32768,65536,131072,262144";
constexpr size_t kSizeMax = 256 * 1024;
constexpr double kWinMargin = 1.05;  // SEND_ZC must be this much faster to be recommended

// A connected loopback pair: [0] accepted (the sender, like a server), [1] the client.
bool ConnectedPair(int fds[2]) {
  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(lfd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(lfd, 1) != 0 ||
      getsockname(lfd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return false;
  }
  fds[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (connect(fds[1], reinterpret_cast<sockaddr*>(&addr), len) != 0) return false;
  fds[0] = accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
  close(lfd);
  int one = 1;
  setsockopt(fds[0], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // as the runtime's sockets
  return fds[0] >= 0;
}

// Drains the connection. With `quickack`, re-arms TCP_QUICKACK after every read so the
// receiver acknowledges at once (Linux otherwise may delay ACKs, which SEND_ZC's
// notification waits for).
void Receive(int fd, int cpu, bool quickack) {
  (void)PinToCore(cpu);
  std::unique_ptr<char[]> buf(new char[kSizeMax]);
  int one = 1;
  while (recv(fd, buf.get(), kSizeMax, 0) > 0) {
    if (quickack) setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
  }
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

constexpr SendMode kModes[] = {SendMode::kCopy, SendMode::kZeroCopy, SendMode::kZeroCopyNoWait};

struct Row {
  size_t size = 0;
  std::vector<double> bps[3], cpu[3];  // per SendMode, one sample per repeat
  uint64_t notifications = 0, copied = 0;
  double MedianBps(SendMode m) const { return Median(bps[static_cast<int>(m)]); }
  double MedianCpu(SendMode m) const { return Median(cpu[static_cast<int>(m)]); }
};

void PrintRows(const std::vector<Row>& rows) {
  std::printf("%8s %10s %10s %7s %10s %7s %9s %9s %9s %7s\n", "size", "send", "zc", "zc/send",
              "zc_nowait", "nw/send", "send_cpu", "zc_cpu", "nw_cpu", "copied");
  std::printf("%8s %10s %10s %7s %10s %7s %9s %9s %9s %7s\n", "bytes", "MB/s", "MB/s", "", "MB/s",
              "", "ns/KiB", "ns/KiB", "ns/KiB", "");
  for (const Row& r : rows) {
    const double copy = r.MedianBps(SendMode::kCopy);
    const double zc = r.MedianBps(SendMode::kZeroCopy);
    const double nowait = r.MedianBps(SendMode::kZeroCopyNoWait);
    const double copied_pct = r.notifications ? 100.0 * static_cast<double>(r.copied) /
                                                    static_cast<double>(r.notifications)
                                              : 0.0;
    std::printf("%8zu %10.0f %10.0f %7.2f %10.0f %7.2f %9.0f %9.0f %9.0f %6.0f%%\n", r.size,
                copy / 1e6, zc / 1e6, zc / copy, nowait / 1e6, nowait / copy,
                r.MedianCpu(SendMode::kCopy), r.MedianCpu(SendMode::kZeroCopy),
                r.MedianCpu(SendMode::kZeroCopyNoWait), copied_pct);
  }
}

// The smallest size from which `mode` beats SEND by `margin` at every larger size, or 0.
size_t Crossover(const std::vector<Row>& rows, SendMode mode, double margin) {
  size_t crossover = 0;
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    if (it->MedianBps(mode) < margin * it->MedianBps(SendMode::kCopy)) break;
    crossover = it->size;
  }
  return crossover;
}

}  // namespace

int Main(int argc, char** argv) {
  Flags flags(argc, argv,
              {"--seconds-per-point", "--repeats", "--sender-cpu", "--receiver-cpu", "--sizes"},
              {"--quickack"});
  const double seconds = flags.Double("--seconds-per-point", 0.25);
  const int repeats = static_cast<int>(flags.Int("--repeats", 3));
  int fds[2];
  if (!ConnectedPair(fds)) {
    std::perror("loopback connection");
    return 1;
  }
  (void)PinToCore(static_cast<int>(flags.Int("--sender-cpu", 0)));
  std::thread receiver(Receive, fds[1], static_cast<int>(flags.Int("--receiver-cpu", 1)),
                       flags.Has("--quickack"));
  RingSender sender;
  if (!sender.Init(fds[0], kSizeMax)) {
    std::fprintf(stderr, "io_uring unavailable\n");
    return 1;
  }
  sender.Measure(64 * 1024, SendMode::kCopy, 0.2);  // warm-up: socket buffers grown, caches warm
  std::vector<Row> rows;
  for (int size : flags.IntList("--sizes", kSizesDefault)) {
    if (size <= 0 || static_cast<size_t>(size) > kSizeMax) {
      std::fprintf(stderr, "--sizes: each from 1 to %zu\n", kSizeMax);
      return 2;
    }
    rows.emplace_back();
    rows.back().size = static_cast<size_t>(size);
  }
  for (int rep = 0; rep < repeats; ++rep) {
    for (Row& row : rows) {
      for (SendMode mode : kModes) {  // interleaved, so drift hits every mode alike
        SendSample s = sender.Measure(row.size, mode, seconds);
        if (s.error != 0) {
          std::fprintf(stderr, "send (mode %d) failed: %d\n", static_cast<int>(mode), s.error);
          return 1;
        }
        row.bps[static_cast<int>(mode)].push_back(s.bytes_per_s);
        row.cpu[static_cast<int>(mode)].push_back(s.cpu_ns_per_kib);
        row.notifications += s.notifications;
        row.copied += s.copied;
      }
    }
  }
  shutdown(fds[0], SHUT_WR);
  receiver.join();
  PrintRows(rows);
  std::printf(
      "crossover=%zu recommended_threshold=%zu (as Flush sends today; 0: SEND_ZC never wins)\n"
      "crossover_nowait=%zu recommended_threshold_nowait=%zu (if Flush did not wait for the "
      "notification)\n",
      Crossover(rows, SendMode::kZeroCopy, 1.0), Crossover(rows, SendMode::kZeroCopy, kWinMargin),
      Crossover(rows, SendMode::kZeroCopyNoWait, 1.0),
      Crossover(rows, SendMode::kZeroCopyNoWait, kWinMargin));
  uint64_t notifications = 0, copied = 0;
  for (const Row& r : rows) {
    notifications += r.notifications;
    copied += r.copied;
  }
  std::printf(
      "note: loopback delivers to a local socket, where the kernel copies zero-copy data "
      "anyway (%llu of %llu notifications said 'copied'); on a real NIC SEND_ZC avoids that "
      "copy, so these numbers are a lower bound for it and the threshold belongs to a NIC "
      "measurement.\n",
      static_cast<unsigned long long>(copied), static_cast<unsigned long long>(notifications));
  return 0;
}

}  // namespace ringmail::bench

int main(int argc, char** argv) { return ringmail::bench::Main(argc, argv); }
