#include "store/s3/connection_pool.h"

#include <cstring>

#include "base/check.h"
#include "base/log.h"
#include "runtime/connect.h"

namespace ringmail::s3 {

CorePool::~CorePool() {
  CHECK(idle_.empty() && inflight_ == 0 && waiters_.empty(),
        "S3 connection pool destroyed with connections: call CloseIdleConnections() on each "
        "core before its reactor stops");
}

bool CorePool::FlightAwaiter::await_ready() {
  if (pool_->inflight_ < pool_->config_->inflight_max) {
    ++pool_->inflight_;
    return true;
  }
  busy_ = pool_->waiters_.size() >= pool_->config_->waiting_max;
  return busy_;
}

void CorePool::FlightAwaiter::await_suspend(std::coroutine_handle<> h) {
  handle_ = h;
  pool_->waiters_.PushBack(this);
}

Result<void> CorePool::FlightAwaiter::await_resume() const {
  if (busy_) return MakeError(ErrorCode::kBusy, "too many S3 requests waiting on this core");
  return {};
}

void CorePool::LeaveFlight() {
  DCHECK(inflight_ > 0);
  FlightAwaiter* next = waiters_.Front();
  if (next == nullptr) {
    --inflight_;
    return;
  }
  waiters_.Remove(next);  // the slot passes to it
  next->handle_.resume();
}

bool CorePool::Usable(const Idle& idle) const {
  if (reactor_->now_ms() >= idle.since_ms + config_->idle_timeout_ms) return false;
  // A read that would not wait means the server closed the connection, reset it, or sent
  // bytes nobody asked for: none of these connections can carry a request.
  return !idle.conn->Read().await_ready();
}

Task<Result<CorePool::Lease>> CorePool::Acquire(bool fresh) {
  while (!fresh && !idle_.empty()) {
    Idle idle = std::move(idle_.back());
    idle_.pop_back();
    if (Usable(idle)) co_return Lease{std::move(idle.conn), true};
    co_await idle.conn->Close();
  }
  Result<std::vector<SocketAddress>> addresses = co_await Resolve();
  if (!addresses) co_return std::unexpected(addresses.error());
  Result<std::unique_ptr<Connection>> conn = co_await ConnectAny(std::move(*addresses));
  if (!conn) co_return std::unexpected(conn.error());
  co_return Lease{std::move(*conn), false};
}

Task<Result<std::unique_ptr<Connection>>> CorePool::ConnectAny(
    std::vector<SocketAddress> addresses) {
  Error last{ErrorCode::kUnavailable, "no address to connect to", 0};
  for (const SocketAddress& address : addresses) {
    Result<std::unique_ptr<Connection>> conn =
        co_await Connect(address, &config_->connection, config_->connect_timeout_ms);
    if (conn) co_return std::move(conn);
    last = conn.error();
  }
  ForgetAddress();  // the name may have moved: resolve again next time
  co_return std::unexpected(last);
}

Task<void> CorePool::Release(std::unique_ptr<Connection> conn, bool reusable) {
  if (reusable && idle_.size() < config_->idle_connections_max) {
    idle_.push_back(Idle{std::move(conn), reactor_->now_ms()});
    co_return;
  }
  co_await conn->Close();
}

Task<void> CorePool::CloseIdle() {
  DCHECK(inflight_ == 0);
  while (!idle_.empty()) {
    std::unique_ptr<Connection> conn = std::move(idle_.back().conn);
    idle_.pop_back();
    co_await conn->Close();
  }
}

Task<Result<std::vector<SocketAddress>>> CorePool::Resolve() {
  if (address_expires_ms_ > reactor_->now_ms()) co_return addresses_;
  Result<SocketAddress> numeric = NumericAddress(config_->host, config_->port);
  if (numeric) {
    addresses_.assign(1, *numeric);
    address_expires_ms_ = UINT64_MAX;
    co_return addresses_;
  }
  if (config_->workers == nullptr) {
    co_return MakeError(ErrorCode::kConfig,
                        "S3 endpoint host is a name but no worker pool "
                        "was given to resolve it");
  }
  const std::string host = config_->host;
  const uint16_t port = config_->port;
  Result<Result<std::vector<SocketAddress>>> resolved =
      co_await config_->workers->Run([&host, port] { return ResolveBlocking(host, port); });
  if (!resolved) co_return std::unexpected(resolved.error());  // kBusy: the queue is full
  if (!*resolved) co_return std::unexpected(resolved->error());
  addresses_ = std::move(**resolved);
  address_expires_ms_ = reactor_->now_ms() + config_->resolve_ttl_ms;
  co_return addresses_;
}

}  // namespace ringmail::s3
