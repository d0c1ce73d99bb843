#include "runtime/listener.h"

#include <liburing.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>

#include "base/check.h"
#include "base/log.h"
#include "runtime/reactor.h"

namespace ringmail {
namespace {
constexpr uint64_t kAcceptRetryMs = 100;

Task<void> RunConnection(Connection* conn, ListenerShared* shared) {
  Result<void> started = co_await conn->Start(shared->direct_descriptors);
  if (CurrentLogLevel() <= LogLevel::kDebug) {
    Log(LogLevel::kDebug, "connection_open", "conn", conn->id(), "listener", shared->name, "peer",
        conn->peer().ToString(), "direct", conn->direct());
  }
  if (started) {
    co_await shared->handler->Serve(*conn);
  } else {
    Log(LogLevel::kWarn, "connection_start_failed", "conn", conn->id(), "error",
        started.error().ToString());
  }
  co_await conn->Close();
  Log(LogLevel::kDebug, "connection_closed", "conn", conn->id());
  Reactor& reactor = conn->reactor();
  reactor.RemoveConnection(conn);
  reactor.metrics().Add(shared->metrics.open, -1);
  shared->open.fetch_sub(1, std::memory_order_relaxed);
  delete conn;
}
}  // namespace

Result<int> OpenListeningSocket(const SocketAddress& address, int backlog, bool first) {
  int fd = ::socket(address.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return SysError("socket", errno);
  auto fail = [fd](std::string what) {
    int err = errno;
    ::close(fd);
    return SysError(std::move(what), err);
  };
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (address.family() == AF_INET6) {
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  }
  // The first socket binds without SO_REUSEPORT, so a port held by anyone (even another
  // process using SO_REUSEPORT) is refused; it joins the reuse group before listen().
  if (!first && ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
    return fail("SO_REUSEPORT");
  }
  if (::bind(fd, address.get(), address.length()) != 0) return fail("bind " + address.ToString());
  if (first && ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
    return fail("SO_REUSEPORT");
  }
  if (::listen(fd, backlog) != 0) return fail("listen " + address.ToString());
  return fd;
}

Listener::Listener(Reactor& reactor, ListenerShared& shared, int fd)
    : reactor_(reactor), shared_(shared), fd_(fd) {
  accept_op_.callback = &OnAccept;
  accept_op_.owner = this;
  retry_.on_expire = &OnRetry;
  retry_.owner = this;
}

Listener::~Listener() {
  reactor_.timers().Cancel(&retry_);
  if (fd_ >= 0) ::close(fd_);
}

void Listener::Start() {
  if (stopped_ || armed_) return;
  io_uring_prep_multishot_accept(reactor_.Prepare(&accept_op_), fd_, nullptr, nullptr,
                                 SOCK_CLOEXEC);
  armed_ = true;
}

void Listener::Stop() {
  if (stopped_) return;
  stopped_ = true;
  reactor_.timers().Cancel(&retry_);
  if (armed_) {
    io_uring_prep_cancel64(reactor_.Prepare(nullptr), reinterpret_cast<uint64_t>(&accept_op_), 0);
  }
  // Closing now returns the port at once; the cancelled accept completes on its own.
  ::shutdown(fd_, SHUT_RDWR);
}

void Listener::OnAccept(Completion* c, int32_t res, uint32_t flags) {
  Listener* self = static_cast<AcceptOp*>(c)->owner;
  if (!(flags & IORING_CQE_F_MORE)) self->armed_ = false;
  if (res >= 0) {
    if (self->stopped_) {
      ::close(res);
    } else {
      self->Accepted(res);
    }
  } else if (res != -ECANCELED && !self->stopped_) {
    // Out of descriptors or memory: back off instead of spinning on the error.
    Log(LogLevel::kWarn, "accept_failed", "listener", self->shared_.name, "errno", -res);
    self->reactor_.metrics().Inc(GetRuntimeMetrics().errors);
    if (!self->armed_ && !self->retry_.scheduled()) {
      self->reactor_.timers().Schedule(&self->retry_, self->reactor_.now_ms() + kAcceptRetryMs);
    }
    return;
  }
  if (!self->armed_ && !self->stopped_ && !self->retry_.scheduled()) self->Start();
}

void Listener::OnRetry(TimerEntry* e) { static_cast<RetryTimer*>(e)->owner->Start(); }

void Listener::Accepted(int fd) {
  MetricsShard& m = reactor_.metrics();
  uint32_t open = shared_.open.fetch_add(1, std::memory_order_relaxed);
  if (open >= shared_.connections_max || reactor_.stopping()) {
    shared_.open.fetch_sub(1, std::memory_order_relaxed);
    m.Inc(shared_.metrics.refused);
    ::close(fd);
    return;
  }
  sockaddr_in6 addr{};
  socklen_t len = sizeof addr;
  SocketAddress peer;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    peer = SocketAddress::FromSockaddr(reinterpret_cast<sockaddr*>(&addr), len);
  }
  m.Inc(shared_.metrics.accepted);
  m.Inc(shared_.metrics.open);
  auto* conn = new Connection(reactor_, fd, peer, shared_.connection_options, &shared_.metrics);
  reactor_.AddConnection(conn);
  Spawn(RunConnection(conn, &shared_));
}

}  // namespace ringmail
