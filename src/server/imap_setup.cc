// The imap protocol family's handler (protocol_setup.h): one imap::Session per connection,
// with the [imap] limits and the node's mailbox hub for live updates.
#include "imap/session.h"
#include "server/protocol_setup.h"

namespace ringmail {
namespace {

class ImapHandler final : public SessionHandler {
 public:
  explicit ImapHandler(imap::SessionServices services) : services_(std::move(services)) {}

  Task<void> Serve(Stream& stream, StreamUpgrader* starttls) override {
    imap::Session session(&services_, &stream, starttls);
    co_await session.Run();
  }

 private:
  imap::SessionServices services_;
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
  s.limits = LimitsFrom(services.config->imap);
  s.hostname = services.config->hostname;
  return std::unique_ptr<SessionHandler>(new ImapHandler(std::move(s)));
}

}  // namespace ringmail
