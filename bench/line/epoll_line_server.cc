// The epoll baseline for the line-protocol benchmark, written to be a fair, competent peer
// (the shape of memcached's or Redis's event loop), not a strawman:
//
// - one thread per core, pinned, each with its own SO_REUSEPORT listening socket (made by
//   the same OpenListeningSocket as the runtime's, so the socket options match) and its own
//   epoll instance: no shared state, no locks;
// - level-triggered, non-blocking sockets; one read(2) per readiness into a per-thread
//   64 KiB buffer, so a readable socket costs exactly one read (no EAGAIN probe);
// - every complete line in that read is answered into a per-thread scratch string and sent
//   with one write(2) per batch; only an incomplete line or unsent output is copied into the
//   connection, so an idle connection holds no buffer;
// - output the socket does not take waits for EPOLLOUT, and reading pauses meanwhile
//   (back-pressure).
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "line/line_protocol.h"
#include "line/line_server.h"
#include "runtime/listener.h"
#include "runtime/system.h"

namespace ringmail::bench {
namespace {

constexpr int kEventsMax = 512;
constexpr size_t kReadChunk = 64 * 1024;
constexpr int kListenBacklog = 4096;
constexpr size_t kCapacityKeptMax = 1024;  // as ByteBuffer: drained buffers above this are freed

// Written by its owner thread only, read by the main thread: relaxed load and store, no
// read-modify-write on the hot path (the runtime's MetricsShard does the same).
struct Counter {
  std::atomic<uint64_t> value{0};
  void Add(int64_t n) {
    value.store(value.load(std::memory_order_relaxed) + static_cast<uint64_t>(n),
                std::memory_order_relaxed);
  }
  uint64_t Get() const { return value.load(std::memory_order_relaxed); }
};

struct WorkerCounters {
  Counter requests, epoll_waits, reads, writes, connections;
};

struct EpollConn {
  int fd = -1;
  uint32_t index = 0;     // position in the worker's connection table
  bool want_out = false;  // output waits for EPOLLOUT; reading is paused meanwhile
  std::string in;         // an incomplete line carried to the next read
  std::string out;        // output the socket has not taken yet
};

void Release(std::string* s) {
  if (s->capacity() > kCapacityKeptMax) {
    std::string().swap(*s);
  } else {
    s->clear();
  }
}

class EpollWorker {
 public:
  EpollWorker(int listen_fd, int core) : listen_fd_(listen_fd), core_(core) {}
  ~EpollWorker();

  bool Init();
  void Run();
  void RequestStop() {
    uint64_t one = 1;
    if (write(stop_fd_, &one, sizeof one) < 0) std::perror("eventfd write");
  }
  const WorkerCounters& counters() const { return counters_; }

 private:
  void AcceptAll();
  void OnReadable(EpollConn* c);
  void OnWritable(EpollConn* c);
  bool Send(EpollConn* c, std::string_view data);  // false: the connection was closed
  void SetEvents(EpollConn* c, uint32_t events);
  void Close(EpollConn* c);

  int listen_fd_;
  int core_;
  int epoll_fd_ = -1;
  int stop_fd_ = -1;
  bool stop_ = false;
  std::vector<EpollConn*> conns_;
  std::unique_ptr<char[]> read_buf_{new char[kReadChunk]};
  std::string scratch_out_;
  WorkerCounters counters_;
};

EpollWorker::~EpollWorker() {
  for (EpollConn* c : conns_) {
    ::close(c->fd);
    delete c;
  }
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
  if (stop_fd_ >= 0) ::close(stop_fd_);
  ::close(listen_fd_);
}

bool EpollWorker::Init() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epoll_fd_ < 0 || stop_fd_ < 0) return false;
  fcntl(listen_fd_, F_SETFL, fcntl(listen_fd_, F_GETFL) | O_NONBLOCK);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = nullptr;  // the listening socket
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev) != 0) return false;
  ev.data.ptr = &stop_fd_;
  return epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, stop_fd_, &ev) == 0;
}

void EpollWorker::Run() {
  (void)PinToCore(core_);
  epoll_event events[kEventsMax];
  scratch_out_.reserve(kReadChunk);
  while (!stop_) {
    int n = epoll_wait(epoll_fd_, events, kEventsMax, -1);
    counters_.epoll_waits.Add(1);
    for (int i = 0; i < n; ++i) {
      void* ptr = events[i].data.ptr;
      if (ptr == nullptr) {
        AcceptAll();
      } else if (ptr == &stop_fd_) {
        stop_ = true;
      } else {
        auto* c = static_cast<EpollConn*>(ptr);
        if (events[i].events & EPOLLOUT) {
          OnWritable(c);
        } else {
          OnReadable(c);  // EPOLLIN, EPOLLHUP, EPOLLERR: the read reports which
        }
      }
    }
  }
}

void EpollWorker::AcceptAll() {
  for (;;) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or out of descriptors: level-triggered, it comes back
    auto* c = new EpollConn;
    c->fd = fd;
    c->index = static_cast<uint32_t>(conns_.size());
    conns_.push_back(c);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = c;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      Close(c);
      continue;
    }
    counters_.connections.Add(1);
  }
}

void EpollWorker::OnReadable(EpollConn* c) {
  ssize_t n = read(c->fd, read_buf_.get(), kReadChunk);
  counters_.reads.Add(1);
  if (n <= 0) {
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    Close(c);
    return;
  }
  std::string_view input(read_buf_.get(), static_cast<size_t>(n));
  if (!c->in.empty()) {
    c->in.append(input);
    input = c->in;
  }
  AnswerResult r = AnswerLines(input, &scratch_out_);
  counters_.requests.Add(static_cast<int64_t>(r.answered));
  if (r.overlong) scratch_out_.append(kLineTooLong);
  if (input.data() == c->in.data()) {
    c->in.erase(0, r.consumed);
    if (c->in.empty()) Release(&c->in);
  } else if (r.consumed < input.size()) {
    c->in.assign(input.substr(r.consumed));
  }
  bool alive = true;
  if (!scratch_out_.empty()) alive = Send(c, scratch_out_);
  scratch_out_.clear();
  if (alive && r.overlong) Close(c);
}

bool EpollWorker::Send(EpollConn* c, std::string_view data) {
  ssize_t n = write(c->fd, data.data(), data.size());
  counters_.writes.Add(1);
  if (n == static_cast<ssize_t>(data.size())) return true;
  if (n < 0) {
    if (errno != EAGAIN) {
      Close(c);
      return false;
    }
    n = 0;
  }
  c->out.assign(data.substr(static_cast<size_t>(n)));
  c->want_out = true;
  SetEvents(c, EPOLLOUT);
  return true;
}

void EpollWorker::OnWritable(EpollConn* c) {
  ssize_t n = write(c->fd, c->out.data(), c->out.size());
  counters_.writes.Add(1);
  if (n < 0) {
    if (errno != EAGAIN) Close(c);
    return;
  }
  c->out.erase(0, static_cast<size_t>(n));
  if (!c->out.empty()) return;
  Release(&c->out);
  c->want_out = false;
  SetEvents(c, EPOLLIN);
}

void EpollWorker::SetEvents(EpollConn* c, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = c;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c->fd, &ev);
}

void EpollWorker::Close(EpollConn* c) {
  ::close(c->fd);  // also leaves the epoll set
  EpollConn* last = conns_.back();
  conns_[c->index] = last;
  last->index = c->index;
  conns_.pop_back();
  counters_.connections.Add(-1);
  delete c;
}

std::string StatsLine(const std::vector<std::unique_ptr<EpollWorker>>& workers) {
  uint64_t requests = 0, waits = 0, reads = 0, writes = 0, connections = 0;
  for (const auto& w : workers) {
    requests += w->counters().requests.Get();
    waits += w->counters().epoll_waits.Get();
    reads += w->counters().reads.Get();
    writes += w->counters().writes.Get();
    connections += w->counters().connections.Get();
  }
  char text[256];
  std::snprintf(text, sizeof text,
                "mode=epoll requests=%llu epoll_waits=%llu reads=%llu writes=%llu "
                "connections=%lld",
                static_cast<unsigned long long>(requests), static_cast<unsigned long long>(waits),
                static_cast<unsigned long long>(reads), static_cast<unsigned long long>(writes),
                static_cast<long long>(connections));
  return text + ProcessUsageFields();
}

}  // namespace

int RunEpollLineServer(const LineServerOptions& options, const sigset_t& signals) {
  RaiseResourceLimits();
  Result<SocketAddress> address =
      SocketAddress::Parse(options.bind + ":" + std::to_string(options.port));
  if (!address) {
    std::fprintf(stderr, "bad --bind/--port: %s\n", address.error().ToString().c_str());
    return 2;
  }
  std::vector<std::unique_ptr<EpollWorker>> workers;
  for (size_t i = 0; i < options.cores.size(); ++i) {
    Result<int> fd = OpenListeningSocket(*address, kListenBacklog, i == 0);
    if (!fd) {
      std::fprintf(stderr, "listen: %s\n", fd.error().ToString().c_str());
      return 1;
    }
    if (i == 0) {  // port 0: the rest of the SO_REUSEPORT group joins the port the first got
      sockaddr_in6 bound{};
      socklen_t len = sizeof bound;
      getsockname(*fd, reinterpret_cast<sockaddr*>(&bound), &len);
      address->set_port(
          SocketAddress::FromSockaddr(reinterpret_cast<sockaddr*>(&bound), len).port());
    }
    workers.push_back(std::make_unique<EpollWorker>(*fd, options.cores[i]));
    if (!workers.back()->Init()) {
      std::perror("epoll worker");
      return 1;
    }
  }
  std::vector<std::thread> threads;
  for (auto& w : workers) threads.emplace_back(&EpollWorker::Run, w.get());
  PrintLine("ready port=" + std::to_string(address->port()));
  while (WaitForStatsSignal(signals)) PrintLine("stats " + StatsLine(workers));
  for (auto& w : workers) w->RequestStop();
  for (auto& t : threads) t.join();
  PrintLine(StatsLine(workers));
  return 0;
}

}  // namespace ringmail::bench
