#include "server/protocol_setup.h"

#include <string>

#include "server/metrics_handler.h"
#include "server/tls_setup.h"

namespace ringmail {

std::string ListenerWhere(const Config& config, const ListenerConfig& listener) {
  return config.path + ":" + std::to_string(listener.line) + ": listener '" + listener.name + "': ";
}

namespace {

// A listener without TLS: the session runs on the connection itself.
class PlainListenerHandler final : public ProtocolHandler {
 public:
  explicit PlainListenerHandler(std::unique_ptr<SessionHandler> session)
      : session_(std::move(session)) {}
  Task<void> Serve(Connection& connection) override {
    co_await session_->Serve(connection, nullptr);
  }

 private:
  std::unique_ptr<SessionHandler> session_;
};

Result<std::unique_ptr<SessionHandler>> MakeSessionHandler(const ListenerConfig& listener,
                                                           const MailServices& services) {
  switch (listener.protocol) {
    case Protocol::kMetrics: return std::make_unique<MetricsHandler>();
    case Protocol::kImap: return MakeImapHandler(listener, services);
    case Protocol::kSmtp:
    case Protocol::kSubmission:
    case Protocol::kRelay:
    case Protocol::kLmtp: return MakeSmtpHandler(listener, services);
    case Protocol::kHttp: return MakeHttpHandler(listener, services);
  }
  return MakeError(ErrorCode::kConfig, ListenerWhere(*services.config, listener) + "protocol '" +
                                           ProtocolName(listener.protocol) +
                                           "' is not available in this build yet");
}

}  // namespace

Result<std::vector<std::unique_ptr<ProtocolHandler>>> MakeProtocolHandlers(
    const MailServices& services) {
  std::vector<std::unique_ptr<ProtocolHandler>> handlers;
  for (const ListenerConfig& listener : services.config->listeners) {
    std::unique_ptr<SessionHandler> session = TRY(MakeSessionHandler(listener, services));
    if (listener.tls == TlsMode::kNone) {
      handlers.push_back(std::make_unique<PlainListenerHandler>(std::move(session)));
      continue;
    }
    if (services.tls == nullptr) {
      return MakeError(ErrorCode::kConfig, ListenerWhere(*services.config, listener) +
                                               "TLS needs a certificate: add a [tls] table");
    }
    handlers.push_back(MakeTlsListenerHandler(listener, std::move(session), services.tls));
  }
  return handlers;
}

}  // namespace ringmail
