#include "store/postgres/pg_pool.h"

#include <algorithm>

#include "base/check.h"
#include "base/log.h"
#include "base/socket_address.h"
#include "runtime/awaitables.h"
#include "store/metadata_store.h"

namespace ringmail::postgres {
namespace {

// The first address of `host`, numeric; "" for a Unix-domain socket directory or a host
// that already is numeric (libpq then uses `host` itself).
Result<std::string> ResolveOne(const std::string& host) {
  if (host.empty() || host.front() == '/' || NumericAddress(host, 0)) return std::string();
  std::vector<SocketAddress> addresses = TRY(ResolveBlocking(host, 0));
  return addresses.front().Host();
}

// libpq's hostaddr list for `hosts`, one entry each.
Result<std::string> HostAddrList(const std::vector<std::string>& hosts) {
  std::string joined;
  for (size_t i = 0; i < hosts.size(); ++i) {
    if (i > 0) joined += ',';
    joined += TRY(ResolveOne(hosts[i]));
  }
  return joined;
}

bool NeedsLookup(const std::string& host) {
  return !host.empty() && host.front() != '/' && !NumericAddress(host, 0);
}

}  // namespace

Result<std::vector<std::string>> PgHostsToResolve(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    std::string why = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return MakeError(ErrorCode::kConfig, "invalid PostgreSQL URI: " + why);
  }
  std::string host, hostaddr;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    if (std::string_view(o->keyword) == "host") host = o->val;
    if (std::string_view(o->keyword) == "hostaddr") hostaddr = o->val;
  }
  PQconninfoFree(options);
  std::vector<std::string> hosts;
  bool lookup = false;
  for (size_t start = 0; !host.empty() && start <= host.size();) {
    const size_t comma = std::min(host.find(',', start), host.size());
    hosts.push_back(host.substr(start, comma - start));
    lookup = lookup || NeedsLookup(hosts.back());
    start = comma + 1;
  }
  if (!lookup || !hostaddr.empty()) hosts.clear();
  return hosts;
}

PgCorePool::~PgCorePool() { Close(); }

void PgCorePool::Close() {
  for (const std::unique_ptr<PgConnection>& c : connections_) {
    CHECK(c->idle(), "PgCorePool::Close with a unit in flight");
  }
  connections_.clear();
}

Task<Result<std::vector<PgRows>>> PgCorePool::Execute(std::vector<PgQuery> queries) {
  Result<PgConnection*> connection = co_await Acquire();
  if (!connection) co_return std::unexpected(connection.error());
  Result<std::vector<PgRows>> rows = co_await (*connection)->Execute(std::move(queries));
  Release();
  co_return rows;
}

Task<Result<PgConnection*>> PgCorePool::Acquire() {
  const uint32_t depth = config_->pipelined ? config_->pipeline_depth : 1;
  for (;;) {
    // Broken connections go once nobody waits on them.
    std::erase_if(connections_, [](const std::unique_ptr<PgConnection>& c) {
      return !c->LooksUsable() && c->idle();
    });
    PgConnection* best = nullptr;
    for (const std::unique_ptr<PgConnection>& c : connections_) {
      if (!c->broken() && (best == nullptr || c->inflight() < best->inflight())) best = c.get();
    }
    if (best != nullptr && best->inflight() < depth) co_return best;
    const bool may_open = connections_.size() + connecting_ < config_->connections_max;
    if (may_open && MonotonicMs() >= retry_at_ms_) {
      ++connecting_;
      Result<std::unique_ptr<PgConnection>> opened = co_await Open();
      --connecting_;
      WakeAll();  // units that waited for this attempt look again
      if (opened) {
        backoff_ms_ = 0;
        retry_at_ms_ = 0;
        connections_.push_back(std::move(*opened));
        co_return connections_.back().get();
      }
      backoff_ms_ =
          std::clamp(backoff_ms_ * 2, config_->backoff_initial_ms, config_->backoff_max_ms);
      retry_at_ms_ = MonotonicMs() + backoff_ms_;
      Log(LogLevel::kWarn, "postgres_unavailable", "error", opened.error().message, "retry_in_ms",
          backoff_ms_);
      if (best == nullptr || !config_->pipelined) co_return std::unexpected(opened.error());
      co_return best;
    }
    // Every connection is deep already: one more unit in the least deep pipeline.
    if (best != nullptr && config_->pipelined) co_return best;
    if (best == nullptr && connecting_ == 0) {
      co_return MakeError(ErrorCode::kUnavailable, "PostgreSQL unavailable (reconnecting)");
    }
    // A connection is being opened, or (unpipelined) every one is busy: wait for either.
    waiting_.push_back(std::coroutine_handle<>());
    co_await WaitUntil{&waiting_.back()};
  }
}

void PgCorePool::Release() {
  if (waiting_.empty() || waiting_.front() == nullptr) return;
  std::coroutine_handle<> next = waiting_.front();
  waiting_.pop_front();
  next.resume();
}

void PgCorePool::WakeAll() {
  std::deque<std::coroutine_handle<>> all = std::move(waiting_);
  waiting_.clear();
  for (std::coroutine_handle<> h : all) {
    if (h) h.resume();
  }
}

Task<Result<std::unique_ptr<PgConnection>>> PgCorePool::Open() {
  std::string hostaddr;
  if (!config_->hosts.empty()) {
    CHECK(config_->workers != nullptr, "PostgreSQL host names need a worker pool");
    const std::vector<std::string>& hosts = config_->hosts;
    Result<Result<std::string>> resolved =
        co_await config_->workers->Run([&hosts] { return HostAddrList(hosts); });
    if (!resolved) co_return std::unexpected(resolved.error());
    if (!*resolved) co_return std::unexpected(resolved->error());
    hostaddr = std::move(**resolved);
  }
  Result<std::unique_ptr<PgConnection>> connection = co_await PgConnection::Connect(
      config_->conninfo, std::move(hostaddr), config_->connect_timeout_ms,
      config_->response_timeout_ms, config_->prepare_store_statements);
  if (connection) {
    (*connection)
        ->set_group_commit(config_->pipelined && config_->group_commit &&
                           config_->prepare_store_statements);
  }
  co_return connection;
}

}  // namespace ringmail::postgres
