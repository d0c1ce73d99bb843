// The smtp protocol family's handlers (protocol_setup.h): one SmtpSession per connection,
// configured from [smtp] and the listener's protocol.
#include <memory>

#include "directory/network_list.h"
#include "runtime/connection.h"
#include "server/protocol_setup.h"
#include "smtp/session.h"

namespace ringmail {
namespace {

class SmtpHandler final : public SessionHandler {
 public:
  SmtpHandler(smtp::SmtpServices services, smtp::SessionConfig config,
              std::unique_ptr<NetworkList> relay_networks, uint32_t connections_per_source_max,
              uint32_t messages_per_source_per_minute)
      : services_(services),
        config_(std::move(config)),
        relay_networks_(std::move(relay_networks)),
        source_limit_(connections_per_source_max),
        message_rate_(messages_per_source_per_minute) {
    services_.inboxes = &inboxes_;
    config_.relay_networks = relay_networks_.get();
    config_.source_limit = &source_limit_;
    if (messages_per_source_per_minute > 0) config_.message_rate = &message_rate_;
  }

  Task<void> Serve(Stream& stream, StreamUpgrader* starttls) override {
    smtp::SmtpSession session(&services_, &config_, &stream, starttls);
    co_await session.Run();
  }

 private:
  smtp::SmtpServices services_;
  InboxIds inboxes_;  // the listener's cores share it
  smtp::SessionConfig config_;
  std::unique_ptr<NetworkList> relay_networks_;
  smtp::SourceLimit source_limit_;
  smtp::SourceRate message_rate_;
};

smtp::ListenerKind KindOf(Protocol protocol) {
  switch (protocol) {
    case Protocol::kSubmission: return smtp::ListenerKind::kSubmission;
    case Protocol::kRelay: return smtp::ListenerKind::kRelay;
    case Protocol::kLmtp: return smtp::ListenerKind::kLmtp;
    default: return smtp::ListenerKind::kMx;
  }
}

}  // namespace

Result<std::unique_ptr<SessionHandler>> MakeSmtpHandler(const ListenerConfig& listener,
                                                        const MailServices& services) {
  const Config& config = *services.config;
  smtp::SmtpServices s;
  s.metadata = services.stores->metadata.get();
  s.blobs = services.stores->blobs.get();
  s.directory = services.directory->directory.get();
  s.recipient_rules = &services.directory->recipient_rules;
  s.authenticator = services.directory->authenticator.get();
  s.events = services.events;
  s.outbound = services.outbound;

  const SmtpConfig& smtp = config.smtp;
  smtp::SessionConfig c;
  c.kind = KindOf(listener.protocol);
  c.hostname = config.hostname;
  c.limits.message_size_max = smtp.message_size_max;
  c.limits.recipients_max = smtp.recipients_max;
  c.limits.errors_max = smtp.errors_max;
  c.limits.hops_max = smtp.hops_max;
  c.limits.command_timeout_ms = smtp.command_timeout_ms;
  c.limits.data_timeout_ms = smtp.data_timeout_ms;
  c.limits.greeting_delay_ms = smtp.greeting_delay_ms;
  c.bare_newlines = smtp.normalize_bare_newlines ? smtp::BareNewlinePolicy::kNormalize
                                                 : smtp::BareNewlinePolicy::kReject;
  c.must_match_sender = smtp.must_match_sender;
  Result<NetworkList> networks = NetworkList::Parse(smtp.relay_networks);
  if (!networks) {
    return MakeError(ErrorCode::kConfig, ListenerWhere(config, listener) +
                                             "relay-networks: " + networks.error().message);
  }
  return std::make_unique<SmtpHandler>(
      s, std::move(c), std::make_unique<NetworkList>(std::move(*networks)),
      smtp.connections_per_source_max, smtp.messages_per_source_per_minute);
}

}  // namespace ringmail
