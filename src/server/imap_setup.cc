// The imap protocol family's handler (protocol_setup.h): one imap::Session per connection,
// with the [imap] limits, the node's mailbox hub for live updates and a per-core cache of the
// selected mailboxes' indexes.
#include "imap/session.h"
#include "server/protocol_setup.h"

namespace ringmail {
namespace {

class ImapHandler final : public SessionHandler {
 public:
  explicit ImapHandler(imap::SessionServices services) : services_(std::move(services)) {
    if (services_.hub != nullptr) {
      index_cache_ =
          std::make_unique<MailboxIndexCache>(services_.metadata, services_.hub->cores_max());
      services_.index_cache = index_cache_.get();
    }
  }

  Task<void> Serve(Stream& stream, StreamUpgrader* starttls) override {
    imap::Session session(&services_, &stream, starttls);
    co_await session.Run();
  }

 private:
  imap::SessionServices services_;
  std::unique_ptr<MailboxIndexCache> index_cache_;  // shared by this listener's sessions
};

imap::SessionLimits LimitsFrom(const ImapConfig& c) {
  imap::SessionLimits l;
  l.reader.line_size_max = c.line_size_max;
  l.reader.literal_size_max = c.literal_size_max;
  l.reader.append_size_max = c.append_size_max;
  l.reader.command_size_max = std::max<uint64_t>(l.reader.command_size_max, c.append_size_max);
  l.login_timeout_ms = c.login_timeout_ms;
  l.idle_timeout_ms = c.idle_timeout_ms;
  l.idle_duration_max_ms = c.idle_duration_max_ms;
  l.bad_commands_max = c.bad_commands_max;
  return l;
}

}  // namespace

Result<std::unique_ptr<SessionHandler>> MakeImapHandler(const ListenerConfig& /*listener*/,
                                                        const MailServices& services) {
  imap::SessionServices s;
  s.metadata = services.stores->metadata.get();
  s.blobs = services.stores->blobs.get();
  s.authenticator = services.directory->authenticator.get();
  s.hub = services.hub;
  s.events = services.events;
  s.limits = LimitsFrom(services.config->imap);
  s.hostname = services.config->hostname;
  return std::unique_ptr<SessionHandler>(new ImapHandler(std::move(s)));
}

}  // namespace ringmail
