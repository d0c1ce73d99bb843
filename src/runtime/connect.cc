#include "runtime/connect.h"

#include <liburing.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/awaitables.h"
#include "runtime/reactor.h"

namespace ringmail {

Task<Result<std::unique_ptr<Connection>>> Connect(SocketAddress address,
                                                  const ConnectionOptions* options,
                                                  uint64_t timeout_ms) {
  Reactor* reactor = Reactor::Current();
  int fd = ::socket(address.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) co_return SysError("socket", errno);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  ResumeCompletion op;
  io_uring_sqe* sqe = reactor->Prepare(&op);
  io_uring_prep_connect(sqe, fd, address.get(), address.length());
  sqe->flags |= IOSQE_IO_LINK;
  __kernel_timespec ts{static_cast<int64_t>(timeout_ms / 1000),
                       static_cast<long long>(timeout_ms % 1000) * 1000000};
  io_uring_prep_link_timeout(reactor->Prepare(nullptr), &ts, 0);
  int32_t res = co_await WaitFor(op);
  if (res < 0) {
    ::close(fd);
    if (res == -ECANCELED) {
      co_return MakeError(ErrorCode::kTimeout, "connect to " + address.ToString() + " timed out");
    }
    co_return SysError("connect " + address.ToString(), res);
  }
  auto conn = std::make_unique<Connection>(*reactor, fd, address, *options, nullptr);
  Result<void> started = co_await conn->Start(true);
  if (!started) {
    co_await conn->Close();
    co_return std::unexpected(started.error());
  }
  co_return std::move(conn);
}

}  // namespace ringmail
