// The smtp protocol family's handlers (protocol_setup.h).
#include "server/protocol_setup.h"

namespace ringmail {

Result<std::unique_ptr<ProtocolHandler>> MakeSmtpHandler(const ListenerConfig& listener,
                                                         const MailServices& services) {
  return MakeError(ErrorCode::kConfig, ListenerWhere(*services.config, listener) +
                                           "protocol '" + ProtocolName(listener.protocol) +
                                           "' is not available in this build yet");
}

}  // namespace ringmail
