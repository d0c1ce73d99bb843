// `dns-records DOMAIN`: the zone lines for a domain, from the services the config declares.
#include <cstdio>

#include "directory/dns_records.h"
#include "server/admin_ops.h"
#include "server/cli_commands.h"
#include "server/server.h"

namespace ringmail::cli {

int DnsRecords(const Config& config, const std::vector<std::string>& args) {
  if (args.size() != 2) return Usage("dns-records DOMAIN");
  Result<std::string> zone = DnsZoneRecords(admin::DnsRecordsFor(config, args[1]));
  if (!zone) return Refused(zone.error());
  std::fputs(zone->c_str(), stdout);
  return kExitOk;
}

}  // namespace ringmail::cli
