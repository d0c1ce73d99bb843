// The closed-loop load: each thread owns a share of the connections and one epoll instance
// (level-triggered). Per answer it makes one read(2) and one write(2), the least a client
// of a request/response protocol can do, so that the server, not the generator, is the
// thing being measured; the CPU share it prints says how close it came to its own limit.
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <thread>
#include <vector>

#include "line/latency_histogram.h"
#include "line/line_load.h"
#include "line/load_socket.h"

namespace ringmail::bench {
namespace {

constexpr int kEventsMax = 512;
constexpr int kWaitTimeoutMs = 50;
constexpr size_t kAnswerMax = 64;

uint64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000 + static_cast<uint64_t>(ts.tv_nsec);
}

struct ClientConn {
  int fd = -1;
  uint64_t seq = 0;      // the number of the request in flight
  uint64_t sent_ns = 0;  // when it was sent (the batch's clock)
  size_t have = 0;       // bytes of a partial answer in buf
  char buf[kAnswerMax];
};

struct ThreadResult {
  uint64_t responses = 0;  // answers counted in the measured window
  uint64_t errors = 0;     // wrong answers, failed writes, closed connections
  LatencyHistogram latency;
};

bool SendRequest(ClientConn* c, uint64_t now_ns) {
  char line[32] = "PING ";
  char* end = std::to_chars(line + 5, line + sizeof line - 1, ++c->seq).ptr;
  *end++ = '\n';
  c->sent_ns = now_ns;
  return write(c->fd, line, static_cast<size_t>(end - line)) == end - line;
}

// Reads what is there and handles a complete answer. False: the connection failed.
bool OnReadable(ClientConn* c, uint64_t now_ns, bool measuring, ThreadResult* out) {
  ssize_t n = read(c->fd, c->buf + c->have, sizeof c->buf - c->have);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
  if (n <= 0) return false;
  c->have += static_cast<size_t>(n);
  void* nl = std::memchr(c->buf, '\n', c->have);
  if (nl == nullptr) return c->have < sizeof c->buf;
  std::string_view answer(c->buf, static_cast<size_t>(static_cast<char*>(nl) - c->buf));
  char expect[32] = "PONG ";
  char* end = std::to_chars(expect + 5, expect + sizeof expect, c->seq).ptr;
  if (answer != std::string_view(expect, static_cast<size_t>(end - expect))) return false;
  if (c->have != answer.size() + 1) return false;  // one request in flight: one answer
  c->have = 0;
  if (measuring) {
    ++out->responses;
    out->latency.Record(now_ns - c->sent_ns);
  }
  return SendRequest(c, now_ns);
}

void RunThread(const LoadOptions& o, int first, int count, uint64_t start_ns, ThreadResult* out) {
  std::vector<ClientConn> conns(static_cast<size_t>(count));
  int ep = epoll_create1(EPOLL_CLOEXEC);
  for (int i = 0; i < count; ++i) {
    ClientConn& c = conns[static_cast<size_t>(i)];
    c.fd = ConnectFrom(o.destination, o.sources[static_cast<size_t>(first + i) % o.sources.size()],
                       true);
    if (c.fd < 0) {
      if (out->errors++ == 0) std::perror("connect");  // once: the rest say the same
      continue;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &c;
    epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
  }
  const uint64_t warm_end_ns = start_ns + static_cast<uint64_t>(o.warmup * 1e9);
  const uint64_t end_ns = warm_end_ns + static_cast<uint64_t>(o.seconds * 1e9);
  uint64_t now_ns = NowNs();
  for (ClientConn& c : conns) {
    if (c.fd >= 0 && !SendRequest(&c, now_ns)) ++out->errors;
  }
  epoll_event events[kEventsMax];
  for (;;) {
    int n = epoll_wait(ep, events, kEventsMax, kWaitTimeoutMs);
    now_ns = NowNs();  // one clock read per batch
    if (now_ns >= end_ns) break;
    const bool measuring = now_ns >= warm_end_ns;
    for (int i = 0; i < n; ++i) {
      auto* c = static_cast<ClientConn*>(events[i].data.ptr);
      if (!OnReadable(c, now_ns, measuring, out)) {
        ++out->errors;
        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, nullptr);
      }
    }
  }
  for (ClientConn& c : conns) {
    if (c.fd >= 0) close(c.fd);
  }
  close(ep);
}

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int RunClosedLoop(const LoadOptions& o) {
  std::vector<ThreadResult> results(static_cast<size_t>(o.threads));
  std::vector<std::thread> threads;
  const uint64_t start_ns = NowNs();
  const double cpu_start = CpuSeconds();
  int first = 0;
  for (int t = 0; t < o.threads; ++t) {
    int count = o.connections / o.threads + (t < o.connections % o.threads ? 1 : 0);
    threads.emplace_back(RunThread, std::cref(o), first, count, start_ns,
                         &results[static_cast<size_t>(t)]);
    first += count;
  }
  for (auto& t : threads) t.join();
  const double wall_s = static_cast<double>(NowNs() - start_ns) / 1e9;
  const double cpu_s = CpuSeconds() - cpu_start;
  ThreadResult total;
  for (const ThreadResult& r : results) {
    total.responses += r.responses;
    total.errors += r.errors;
    total.latency.Merge(r.latency);
  }
  std::printf(
      "requests_per_s=%.0f p50_us=%.1f p99_us=%.1f responses=%llu errors=%llu connections=%d "
      "threads=%d seconds=%.1f load_cpu_s=%.3f load_cpu_share=%.2f\n",
      static_cast<double>(total.responses) / o.seconds,
      static_cast<double>(total.latency.Quantile(0.5)) / 1e3,
      static_cast<double>(total.latency.Quantile(0.99)) / 1e3,
      static_cast<unsigned long long>(total.responses),
      static_cast<unsigned long long>(total.errors), o.connections, o.threads, o.seconds, cpu_s,
      cpu_s / (wall_s * o.threads));
  std::fflush(stdout);
  return total.errors == 0 ? 0 : 1;
}

}  // namespace ringmail::bench
