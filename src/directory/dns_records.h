// `ringmail dns-records DOMAIN`: the DNS records a mail domain hosted here needs, as BIND
// zone-file lines ready to paste (docs/directory.md). Pure functions: the caller says which
// services the server offers; nothing is looked up.
//
// Extension point: DKIM (`SELECTOR._domainkey`), MTA-STS (`_mta-sts` TXT and the
// `mta-sts` host), TLS-RPT (`_smtp._tls`) and TLSA (`_25._tcp.HOST`) join as more groups in
// DnsZoneGroups, with what they need (selector and public key, policy id, certificate
// digest) as new fields of DnsRecordsInput, once those features exist.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace ringmail {

// What the server offers. A port of 0: the service is not offered, and its SRV record says so
// ("0 0 0 .", RFC 2782). IMAP on imap_port and submission on submission_port are STARTTLS.
struct DnsRecordsInput {
  std::string domain;    // the mail domain, in any form NormalizeMailDomain accepts
  std::string hostname;  // `[server] hostname`: a fully qualified name, the MX and SRV target
  uint32_t ttl_s = 3600;
  bool smtp_mx = true;  // inbound SMTP on port 25 of `hostname`: publish the MX
  uint16_t imaps_port = 993;
  uint16_t imap_port = 143;
  uint16_t submissions_port = 465;
  uint16_t submission_port = 587;
  // HTTPS; plain HTTP is never offered, so _caldav and _carddav always say "not available".
  uint16_t jmap_port = 0;     // RFC 8620 §2.2
  uint16_t caldav_port = 0;   // RFC 6764
  uint16_t carddav_port = 0;  // RFC 6764
  // Thunderbird autoconfig and Outlook autodiscover, both served over HTTPS on 443 of
  // `hostname` under the names autoconfig.DOMAIN and autodiscover.DOMAIN.
  bool autoconfig = false;
};

struct DnsRecord {
  std::string name;  // absolute, with the trailing dot
  std::string type;  // "MX", "TXT", "CNAME", "SRV"
  std::string rdata;
};

// Records under a comment that says what they are for (lines without the leading "; ").
struct DnsRecordGroup {
  std::vector<std::string> comment;
  std::vector<DnsRecord> records;
};

// The groups for `input`, domain and hostname in lower-case A-label form. kInvalidArgument
// when the domain is not a valid mail domain, the hostname is not a fully qualified one (at
// least two labels), or an owner name would be longer than DNS allows (253 characters).
Result<std::vector<DnsRecordGroup>> DnsZoneGroups(const DnsRecordsInput& input);

// The zone text: a header comment (naming the Unicode form of an IDN domain), then each group
// after a blank line, one record per line as "NAME TTL IN TYPE RDATA" in aligned columns.
Result<std::string> DnsZoneRecords(const DnsRecordsInput& input);

}  // namespace ringmail
