// The listener handlers of TLS listeners: implicit TLS (the handshake first, then the session
// over the TLS stream) and STARTTLS (the session on the plain connection, with an upgrader
// that performs the handshake when the client asks).
#include <optional>
#include <string>

#include "base/log.h"
#include "runtime/reactor.h"
#include "server/tls_setup.h"
#include "tls/ktls.h"
#include "tls/tls_metrics.h"
#include "tls/tls_stream.h"

namespace ringmail {
namespace {

// The handshake over `tls`, then the move to kernel TLS where the kernel takes it, with one
// log line and metric either way. Returns the stream the session runs on: `connection` after
// the move, else `tls`.
Task<Result<Stream*>> Handshake(TlsStream* tls, Connection* connection, std::string listener,
                                uint32_t idle_timeout_ms) {
  Result<void> done = co_await tls->Handshake(TlsStream::kHandshakeTimeoutMs, idle_timeout_ms);
  const TlsMetrics& metrics = GetTlsMetrics();
  MetricsShard& shard = Reactor::Current()->metrics();
  if (!done) {
    shard.Inc(HandshakeFailureMetric(metrics, done.error().code, done.error().message));
    Log(LogLevel::kInfo, "tls_handshake_failed", "listener", listener, "peer",
        tls->peer().ToString(), "reason", done.error().message);
    co_return std::unexpected(done.error());
  }
  std::string why;
  Result<bool> moved = co_await MoveToKernel(tls, connection, &why);
  if (!moved) {
    Log(LogLevel::kWarn, "ktls_failed", "listener", listener, "peer", tls->peer().ToString(),
        "error", moved.error().message);
    co_return std::unexpected(moved.error());
  }
  shard.Inc(*moved ? metrics.sessions_ktls : metrics.sessions_user);
  Log(LogLevel::kDebug, "tls_session", "listener", listener, "peer", tls->peer().ToString(), "tls",
      tls->tls_summary(), "mode", *moved ? "ktls" : "user", "why_user", why, "sni",
      tls->server_name(), "alpn", tls->alpn());
  co_return *moved ? static_cast<Stream*>(connection) : static_cast<Stream*>(tls);
}

class ImplicitTlsHandler final : public ProtocolHandler {
 public:
  ImplicitTlsHandler(const ListenerConfig& listener, std::unique_ptr<SessionHandler> session,
                     TlsContextHolder* tls)
      : name_(listener.name),
        idle_timeout_ms_(listener.idle_timeout_ms),
        session_(std::move(session)),
        tls_(tls) {}

  Task<void> Serve(Connection& connection) override {
    TlsStream tls(connection, tls_->Get());
    Result<Stream*> stream = co_await Handshake(&tls, &connection, name_, idle_timeout_ms_);
    if (!stream) co_return;
    co_await session_->Serve(**stream, nullptr);
    // close_notify: from wolfSSL in userspace, else through the kernel (each a no-op otherwise).
    co_await tls.Close();
    co_await connection.SendKernelTlsCloseNotify();
  }

 private:
  std::string name_;
  uint32_t idle_timeout_ms_;
  std::unique_ptr<SessionHandler> session_;
  TlsContextHolder* tls_;
};

// STARTTLS: the TLS stream it creates lives as long as the upgrader (the connection's task).
class ConnectionUpgrader final : public StreamUpgrader {
 public:
  ConnectionUpgrader(Connection& connection, TlsContextHolder* tls, const std::string& name,
                     uint32_t idle_timeout_ms)
      : connection_(connection), tls_(tls), name_(name), idle_timeout_ms_(idle_timeout_ms) {}

  Task<Result<Stream*>> Upgrade() override {
    if (stream_) co_return MakeError(ErrorCode::kInternal, "TLS is already active");
    stream_.emplace(connection_, tls_->Get());
    Result<Stream*> stream = co_await Handshake(&*stream_, &connection_, name_, idle_timeout_ms_);
    if (!stream) co_return std::unexpected(stream.error());
    handshaken_ = true;
    co_return *stream;
  }

  // close_notify when the session ran over TLS (userspace or kernel).
  Task<void> Close() {
    if (!handshaken_) co_return;
    co_await stream_->Close();
    co_await connection_.SendKernelTlsCloseNotify();
  }

 private:
  Connection& connection_;
  TlsContextHolder* tls_;
  const std::string& name_;
  uint32_t idle_timeout_ms_;
  std::optional<TlsStream> stream_;
  bool handshaken_ = false;
};

class StartTlsHandler final : public ProtocolHandler {
 public:
  StartTlsHandler(const ListenerConfig& listener, std::unique_ptr<SessionHandler> session,
                  TlsContextHolder* tls)
      : name_(listener.name),
        idle_timeout_ms_(listener.idle_timeout_ms),
        session_(std::move(session)),
        tls_(tls) {}

  Task<void> Serve(Connection& connection) override {
    ConnectionUpgrader upgrader(connection, tls_, name_, idle_timeout_ms_);
    co_await session_->Serve(connection, &upgrader);
    co_await upgrader.Close();
  }

 private:
  std::string name_;
  uint32_t idle_timeout_ms_;
  std::unique_ptr<SessionHandler> session_;
  TlsContextHolder* tls_;
};

}  // namespace

std::unique_ptr<ProtocolHandler> MakeTlsListenerHandler(const ListenerConfig& listener,
                                                        std::unique_ptr<SessionHandler> session,
                                                        TlsContextHolder* tls) {
  if (listener.tls == TlsMode::kImplicit) {
    return std::make_unique<ImplicitTlsHandler>(listener, std::move(session), tls);
  }
  return std::make_unique<StartTlsHandler>(listener, std::move(session), tls);
}

}  // namespace ringmail
