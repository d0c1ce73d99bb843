#include "server/protocol_setup.h"

#include <string>

#include "server/metrics_handler.h"

namespace ringmail {

std::string ListenerWhere(const Config& config, const ListenerConfig& listener) {
  return config.path + ":" + std::to_string(listener.line) + ": listener '" + listener.name + "': ";
}

namespace {

Result<std::unique_ptr<ProtocolHandler>> MakeHandler(const ListenerConfig& listener,
                                                     const MailServices& services) {
  if (listener.tls != TlsMode::kNone) {
    return MakeError(ErrorCode::kConfig, ListenerWhere(*services.config, listener) +
                                             "TLS is not available in this build yet");
  }
  switch (listener.protocol) {
    case Protocol::kMetrics: return std::make_unique<MetricsHandler>();
    case Protocol::kImap: return MakeImapHandler(listener, services);
    case Protocol::kSmtp:
    case Protocol::kSubmission:
    case Protocol::kRelay:
    case Protocol::kLmtp: return MakeSmtpHandler(listener, services);
    case Protocol::kHttp: break;
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
    handlers.push_back(TRY(MakeHandler(listener, services)));
  }
  return handlers;
}

}  // namespace ringmail
