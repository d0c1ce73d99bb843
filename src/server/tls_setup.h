// The server's TLS context as configured ([tls] and [tls.NAME]), and its reload: on SIGHUP and
// when a certificate or key file changes, a new context is built and swapped in; connections
// already open keep the one they started with; a reload that fails is logged and the old
// context stays. Implicit-TLS listeners and STARTTLS get their context from here.
#pragma once

#include <atomic>
#include <ctime>
#include <memory>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "runtime/listener.h"
#include "server/config.h"
#include "server/protocol_setup.h"
#include "tls/server_context.h"

namespace ringmail {

class TlsContextHolder {
 public:
  // Builds the context from config.tls; kConfig "PATH:LINE: [tls.NAME]: FILE: reason" when a
  // certificate or key is unusable. REQUIRES: !config.tls.empty().
  static Result<std::unique_ptr<TlsContextHolder>> Create(const Config& config);

  // The current context. Any core.
  std::shared_ptr<const TlsServerContext> Get() const { return current_.load(); }

  // Rebuilds from the files now (`why`: for the log line). Main thread.
  void Reload(std::string_view why);
  // Reloads when a file's modification time changed since the last build. Main thread.
  void ReloadIfChanged();

 private:
  TlsContextHolder() = default;
  std::vector<struct timespec> ModificationTimes() const;

  std::vector<TlsCertificateSpec> specs_;
  std::vector<struct timespec> mtimes_;  // when the current context was built
  std::atomic<std::shared_ptr<const TlsServerContext>> current_;
};

// The listener handler for `listener`'s TLS mode: implicit (handshake first, then `session`)
// or STARTTLS (`session` on the plain connection, with an upgrader). REQUIRES: listener.tls is
// not kNone; `tls` outlives the handler.
std::unique_ptr<ProtocolHandler> MakeTlsListenerHandler(const ListenerConfig& listener,
                                                        std::unique_ptr<SessionHandler> session,
                                                        TlsContextHolder* tls);

}  // namespace ringmail
