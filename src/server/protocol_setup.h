// One protocol handler per configured listener, built from the services every protocol may
// use. Each protocol family has its own factory file (imap_setup.cc, smtp_setup.cc); this
// file only dispatches.
#pragma once

#include <memory>
#include <vector>

#include "base/result.h"
#include "mail/mailbox_events.h"
#include "mail/mailbox_hub.h"
#include "mail/outbound.h"
#include "runtime/listener.h"
#include "runtime/stream.h"
#include "runtime/worker_pool.h"
#include "server/config.h"
#include "server/directory_setup.h"
#include "server/listener_ports.h"
#include "server/storage_setup.h"

namespace ringmail {

class TlsContextHolder;  // server/tls_setup.h

// What protocol handlers are built from. Everything outlives the engine (and so every
// connection).
struct MailServices {
  const Config* config = nullptr;
  Stores* stores = nullptr;
  DirectoryServices* directory = nullptr;
  WorkerPool* workers = nullptr;
  MailboxEvents* events = nullptr;       // null: no live updates (no session watches mailboxes)
  MailboxHub* hub = nullptr;             // `events` as sessions register with it (IMAP IDLE)
  Outbound* outbound = nullptr;          // null: mail for remote recipients is refused
  TlsContextHolder* tls = nullptr;       // null: no [tls] configured (no TLS listener either)
  const ListenerPorts* ports = nullptr;  // bound ports (autoconfig); null: the configured ones
};

// What a protocol family serves: one session, from greeting to goodbye, over a stream the
// listener already set up (plain, or TLS after an implicit-TLS handshake). `starttls`: the
// listener offers STARTTLS and this upgrades the stream (null otherwise). Called on the
// connection's core; the handler outlives every connection.
class SessionHandler {
 public:
  virtual ~SessionHandler() = default;
  virtual Task<void> Serve(Stream& stream, StreamUpgrader* starttls) = 0;
};

// The handlers of config.listeners, in the same order: each listener's SessionHandler behind
// the listener's TLS mode. kConfig "PATH:LINE: listener 'NAME':
// reason" when a listener asks for something this build cannot serve. REQUIRES: the metrics
// registry is not frozen yet (handlers register their metrics here).
Result<std::vector<std::unique_ptr<ProtocolHandler>>> MakeProtocolHandlers(
    const MailServices& services);

// The families' factories (imap_setup.cc, smtp_setup.cc). `listener` is one of
// services.config->listeners.
Result<std::unique_ptr<SessionHandler>> MakeImapHandler(const ListenerConfig& listener,
                                                        const MailServices& services);
// smtp, submission, relay and lmtp.
Result<std::unique_ptr<SessionHandler>> MakeSmtpHandler(const ListenerConfig& listener,
                                                        const MailServices& services);
// http: autoconfig, MTA-STS and the admin API (http_setup.cc).
Result<std::unique_ptr<SessionHandler>> MakeHttpHandler(const ListenerConfig& listener,
                                                        const MailServices& services);

// "PATH:LINE: listener 'NAME': " for messages about `listener`.
std::string ListenerWhere(const Config& config, const ListenerConfig& listener);

}  // namespace ringmail
