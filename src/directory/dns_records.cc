#include "directory/dns_records.h"

#include <algorithm>
#include <string_view>

#include "directory/address.h"

namespace ringmail {
namespace {

// The names and hosts of one zone, with their trailing dots.
struct Zone {
  std::string domain;  // A-label, no trailing dot
  std::string host;    // A-label, no trailing dot
  std::string Target() const { return host + "."; }
  std::string Name(std::string_view prefix) const {
    return std::string(prefix) + (prefix.empty() ? "" : ".") + domain + ".";
  }
};

// SRV rdata "PRIORITY WEIGHT PORT TARGET"; port 0 is RFC 2782's "decidedly not available".
std::string Srv(int priority, uint16_t port, const Zone& zone) {
  if (port == 0) return "0 0 0 .";
  return std::to_string(priority) + " 1 " + std::to_string(port) + " " + zone.Target();
}

// TXT rdata: the text as quoted character-strings of at most 255 octets (RFC 1035 §3.3.14),
// which a resolver joins back together (RFC 7208 §3.3, RFC 7489 §6.4).
std::string TxtRdata(std::string_view text) {
  constexpr size_t kCharacterStringSizeMax = 255;
  std::string rdata;
  for (size_t start = 0; start < text.size(); start += kCharacterStringSizeMax) {
    if (!rdata.empty()) rdata += ' ';
    rdata += '"';
    for (char c : text.substr(start, kCharacterStringSizeMax)) {
      if (c == '"' || c == '\\') rdata += '\\';
      rdata += c;
    }
    rdata += '"';
  }
  return rdata;
}

DnsRecordGroup MxGroup(const DnsRecordsInput& input, const Zone& zone) {
  if (!input.smtp_mx) {
    return {{"No MX: this server does not receive mail on port 25 (no smtp listener)."}, {}};
  }
  return {{"Inbound mail: SMTP on port 25 of " + zone.host + "."},
          {{zone.Name(""), "MX", "10 " + zone.Target()}}};
}

DnsRecordGroup SpfGroup(const DnsRecordsInput& input, const Zone& zone) {
  std::string senders = input.smtp_mx ? "mx" : "a:" + zone.host;
  return {{"SPF (RFC 7208): this server is the domain's only sender. \"-all\" asks receivers to",
           "reject mail from anywhere else, not just mark it (\"~all\"); relax it if other",
           "services (a newsletter, a ticket system) send as this domain."},
          {{zone.Name(""), "TXT", TxtRdata("v=spf1 " + senders + " -all")}}};
}

DnsRecordGroup DmarcGroup(const DnsRecordsInput& input, const Zone& zone) {
  // Aggregate reports only to an address this server receives mail for.
  std::string reports = input.smtp_mx ? "; rua=mailto:postmaster@" + zone.domain : "";
  return {{"DMARC (RFC 7489): mail that fails alignment goes to the spam folder rather than being",
           "rejected while there is no DKIM signature yet (forwarded mail fails SPF); tighten to",
           "p=reject once DKIM signing is in place. rua: where aggregate reports go."},
          {{zone.Name("_dmarc"), "TXT", TxtRdata("v=DMARC1; p=quarantine" + reports)}}};
}

DnsRecordGroup AutoconfigGroup(const Zone& zone) {
  return {{"Client autoconfiguration over HTTPS: Thunderbird (autoconfig), Outlook (autodiscover).",
           "The TLS certificate of " + zone.host + " must also name autoconfig." + zone.domain +
               " and autodiscover." + zone.domain + "."},
          {{zone.Name("autoconfig"), "CNAME", zone.Target()},
           {zone.Name("autodiscover"), "CNAME", zone.Target()},
           {zone.Name("_autodiscover._tcp"), "SRV", Srv(0, 443, zone)}}};
}

DnsRecordGroup MailSrvGroup(const DnsRecordsInput& input, const Zone& zone) {
  return {{"Mail access and submission (RFC 6186), implicit TLS preferred (RFC 8314 section 5.1).",
           "\"0 0 0 .\": the service is not offered (RFC 2782)."},
          {{zone.Name("_imaps._tcp"), "SRV", Srv(0, input.imaps_port, zone)},
           {zone.Name("_imap._tcp"), "SRV", Srv(10, input.imap_port, zone)},
           {zone.Name("_submissions._tcp"), "SRV", Srv(0, input.submissions_port, zone)},
           {zone.Name("_submission._tcp"), "SRV", Srv(10, input.submission_port, zone)}}};
}

DnsRecordGroup HttpSrvGroup(const DnsRecordsInput& input, const Zone& zone) {
  return {
      {"JMAP (RFC 8620), CalDAV and CardDAV (RFC 6764): HTTPS only, plain HTTP is not offered."},
      {{zone.Name("_jmap._tcp"), "SRV", Srv(0, input.jmap_port, zone)},
       {zone.Name("_caldavs._tcp"), "SRV", Srv(0, input.caldav_port, zone)},
       {zone.Name("_caldav._tcp"), "SRV", Srv(0, 0, zone)},
       {zone.Name("_carddavs._tcp"), "SRV", Srv(0, input.carddav_port, zone)},
       {zone.Name("_carddav._tcp"), "SRV", Srv(0, 0, zone)}}};
}

Result<Zone> MakeZone(const DnsRecordsInput& input) {
  Zone zone;
  zone.domain = TRY(NormalizeMailDomain(input.domain));
  Result<std::string> host = NormalizeMailDomain(input.hostname);
  if (!host || host->find('.') == std::string::npos) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "hostname '" + input.hostname +
                         "' is not a fully qualified domain name; set [server] hostname");
  }
  zone.host = *host;
  return zone;
}

std::string Pad(std::string_view s, size_t width) {
  std::string padded(s);
  padded.resize(std::max(width, s.size()), ' ');
  return padded;
}

}  // namespace

Result<std::vector<DnsRecordGroup>> DnsZoneGroups(const DnsRecordsInput& input) {
  Zone zone = TRY(MakeZone(input));
  std::vector<DnsRecordGroup> groups;
  groups.push_back(MxGroup(input, zone));
  groups.push_back(SpfGroup(input, zone));
  groups.push_back(DmarcGroup(input, zone));
  if (input.autoconfig) groups.push_back(AutoconfigGroup(zone));
  groups.push_back(MailSrvGroup(input, zone));
  groups.push_back(HttpSrvGroup(input, zone));
  // DKIM, MTA-STS, TLS-RPT and TLSA groups go here (see the header).
  for (const DnsRecordGroup& group : groups) {
    for (const DnsRecord& record : group.records) {
      if (record.name.size() - 1 > kDomainAsciiSizeMax) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "domain too long for the record name " + record.name);
      }
    }
  }
  return groups;
}

Result<std::string> DnsZoneRecords(const DnsRecordsInput& input) {
  std::vector<DnsRecordGroup> groups = TRY(DnsZoneGroups(input));
  std::string domain = TRY(NormalizeMailDomain(input.domain));
  std::string unicode = DomainToUnicode(domain).value_or(domain);
  std::string host = TRY(NormalizeMailDomain(input.hostname));
  std::string text = "; DNS records for " + unicode +
                     (unicode == domain ? "" : " (" + domain + ")") + ", served by " + host +
                     " (ringmail dns-records).\n; " + host +
                     " also needs its A/AAAA records, and PTR records naming it for those "
                     "addresses.\n";
  size_t name_width = 0;
  for (const DnsRecordGroup& group : groups) {
    for (const DnsRecord& record : group.records) {
      name_width = std::max(name_width, record.name.size());
    }
  }
  const std::string ttl = std::to_string(input.ttl_s);
  for (const DnsRecordGroup& group : groups) {
    text += '\n';
    for (const std::string& line : group.comment) text += "; " + line + "\n";
    for (const DnsRecord& record : group.records) {
      text += Pad(record.name, name_width) + " " + ttl + " IN " + Pad(record.type, 5) + " " +
              record.rdata + "\n";
    }
  }
  return text;
}

}  // namespace ringmail
