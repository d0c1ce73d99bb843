// `dns-records DOMAIN`: the zone lines for a domain, from the services the config declares.
#include <cstdio>

#include "directory/dns_records.h"
#include "server/cli_commands.h"
#include "server/server.h"

namespace ringmail::cli {
namespace {

// Which services the listeners offer, on which ports (the first bind address of each).
DnsRecordsInput ServicesOf(const Config& config) {
  DnsRecordsInput in;
  in.hostname = config.hostname;
  in.smtp_mx = false;
  in.imaps_port = in.imap_port = in.submissions_port = in.submission_port = 0;
  for (const ListenerConfig& l : config.listeners) {
    const uint16_t port = l.bind.front().port();
    const bool implicit = l.tls == TlsMode::kImplicit;
    switch (l.protocol) {
      case Protocol::kImap: (implicit ? in.imaps_port : in.imap_port) = port; break;
      case Protocol::kSubmission:
        (implicit ? in.submissions_port : in.submission_port) = port;
        break;
      case Protocol::kSmtp: in.smtp_mx = true; break;
      case Protocol::kHttp:
        if (implicit) {
          in.jmap_port = port;
          in.autoconfig = true;
        }
        break;
      case Protocol::kRelay:
      case Protocol::kLmtp:
      case Protocol::kMetrics: break;
    }
  }
  return in;
}

}  // namespace

int DnsRecords(const Config& config, const std::vector<std::string>& args) {
  if (args.size() != 2) return Usage("dns-records DOMAIN");
  DnsRecordsInput in = ServicesOf(config);
  in.domain = args[1];
  Result<std::string> zone = DnsZoneRecords(in);
  if (!zone) return Refused(zone.error());
  std::fputs(zone->c_str(), stdout);
  return kExitOk;
}

}  // namespace ringmail::cli
