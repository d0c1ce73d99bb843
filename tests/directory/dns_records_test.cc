#include "directory/dns_records.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "directory/address.h"

namespace ringmail {
namespace {

DnsRecordsInput Typical() {
  DnsRecordsInput input;
  input.domain = "example.com";
  input.hostname = "mail.example.com";
  input.jmap_port = 443;
  input.caldav_port = 443;
  input.carddav_port = 443;
  input.autoconfig = true;
  return input;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The record lines of `zone` ("NAME TTL IN TYPE RDATA"), comments and blank lines left out.
std::vector<std::string> Records(const std::string& zone) {
  std::vector<std::string> records;
  for (const std::string& line : Lines(zone)) {
    if (!line.empty() && line[0] != ';') records.push_back(line);
  }
  return records;
}

// Whether `zone` has the record "NAME TYPE RDATA" (whitespace between the fields collapsed).
bool Has(const std::string& zone, const std::string& name, const std::string& type,
         const std::string& rdata) {
  for (const std::string& line : Records(zone)) {
    std::istringstream in(line);
    std::string n, ttl, cls, t;
    in >> n >> ttl >> cls >> t >> std::ws;
    std::string r;
    std::getline(in, r);
    if (n == name && t == type && r == rdata) return true;
  }
  return false;
}

TEST(DnsRecords, TypicalSetup) {
  Result<std::string> zone = DnsZoneRecords(Typical());
  ASSERT_TRUE(zone.has_value()) << zone.error().ToString();
  EXPECT_EQ(*zone,
            R"zone(; DNS records for example.com, served by mail.example.com (ringmail dns-records).
; mail.example.com also needs its A/AAAA records, and PTR records naming it for those addresses.

; Inbound mail: SMTP on port 25 of mail.example.com.
example.com.                    3600 IN MX    10 mail.example.com.

; SPF (RFC 7208): this server is the domain's only sender. "-all" asks receivers to
; reject mail from anywhere else, not just mark it ("~all"); relax it if other
; services (a newsletter, a ticket system) send as this domain.
example.com.                    3600 IN TXT   "v=spf1 mx -all"

; DMARC (RFC 7489): mail that fails alignment goes to the spam folder rather than being
; rejected while there is no DKIM signature yet (forwarded mail fails SPF); tighten to
; p=reject once DKIM signing is in place. rua: where aggregate reports go.
_dmarc.example.com.             3600 IN TXT   "v=DMARC1; p=quarantine; rua=mailto:postmaster@example.com"

; Client autoconfiguration over HTTPS: Thunderbird (autoconfig), Outlook (autodiscover).
; The TLS certificate of mail.example.com must also name autoconfig.example.com and autodiscover.example.com.
autoconfig.example.com.         3600 IN CNAME mail.example.com.
autodiscover.example.com.       3600 IN CNAME mail.example.com.
_autodiscover._tcp.example.com. 3600 IN SRV   0 1 443 mail.example.com.

; Mail access and submission (RFC 6186), implicit TLS preferred (RFC 8314 section 5.1).
; "0 0 0 .": the service is not offered (RFC 2782).
_imaps._tcp.example.com.        3600 IN SRV   0 1 993 mail.example.com.
_imap._tcp.example.com.         3600 IN SRV   10 1 143 mail.example.com.
_submissions._tcp.example.com.  3600 IN SRV   0 1 465 mail.example.com.
_submission._tcp.example.com.   3600 IN SRV   10 1 587 mail.example.com.

; JMAP (RFC 8620), CalDAV and CardDAV (RFC 6764): HTTPS only, plain HTTP is not offered.
_jmap._tcp.example.com.         3600 IN SRV   0 1 443 mail.example.com.
_caldavs._tcp.example.com.      3600 IN SRV   0 1 443 mail.example.com.
_caldav._tcp.example.com.       3600 IN SRV   0 0 0 .
_carddavs._tcp.example.com.     3600 IN SRV   0 1 443 mail.example.com.
_carddav._tcp.example.com.      3600 IN SRV   0 0 0 .
)zone");
}

TEST(DnsRecords, IdnDomainInALabelsWithItsUnicodeFormInTheHeader) {
  DnsRecordsInput input = Typical();
  input.domain = "Bücher.example";
  input.hostname = "MAIL.例え.テスト";
  Result<std::string> zone = DnsZoneRecords(input);
  ASSERT_TRUE(zone.has_value()) << zone.error().ToString();
  EXPECT_TRUE(
      zone->starts_with("; DNS records for bücher.example (xn--bcher-kva.example), "
                        "served by mail.xn--r8jz45g.xn--zckzah (ringmail dns-records).\n"))
      << *zone;
  EXPECT_TRUE(Has(*zone, "xn--bcher-kva.example.", "MX", "10 mail.xn--r8jz45g.xn--zckzah."));
  EXPECT_TRUE(Has(*zone, "_dmarc.xn--bcher-kva.example.", "TXT",
                  "\"v=DMARC1; p=quarantine; rua=mailto:postmaster@xn--bcher-kva.example\""));
  EXPECT_TRUE(Has(*zone, "_imaps._tcp.xn--bcher-kva.example.", "SRV",
                  "0 1 993 mail.xn--r8jz45g.xn--zckzah."));
  for (const std::string& line : Records(*zone)) {
    for (char c : line) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << line;
  }
  input.domain = "xn--bcher-kva.example";
  EXPECT_EQ(DnsZoneRecords(input).value(), *zone);
}

TEST(DnsRecords, ServicesNotOfferedSayNotAvailable) {
  DnsRecordsInput input = Typical();
  input.smtp_mx = false;
  input.imap_port = 0;
  input.submission_port = 0;
  input.submissions_port = 0;
  input.jmap_port = 0;
  input.carddav_port = 0;
  input.autoconfig = false;
  input.imaps_port = 10993;
  Result<std::string> zone = DnsZoneRecords(input);
  ASSERT_TRUE(zone.has_value()) << zone.error().ToString();
  EXPECT_TRUE(Has(*zone, "_imaps._tcp.example.com.", "SRV", "0 1 10993 mail.example.com."));
  for (const char* name :
       {"_imap", "_submission", "_submissions", "_jmap", "_carddavs", "_carddav", "_caldav"}) {
    EXPECT_TRUE(Has(*zone, std::string(name) + "._tcp.example.com.", "SRV", "0 0 0 .")) << name;
  }
  EXPECT_TRUE(Has(*zone, "_caldavs._tcp.example.com.", "SRV", "0 1 443 mail.example.com."));
  // Without an MX, SPF names the host and DMARC sends no reports to an address nobody gets.
  EXPECT_TRUE(Has(*zone, "example.com.", "TXT", "\"v=spf1 a:mail.example.com -all\""));
  EXPECT_TRUE(Has(*zone, "_dmarc.example.com.", "TXT", "\"v=DMARC1; p=quarantine\""));
  EXPECT_EQ(zone->find(" MX "), std::string::npos);
  EXPECT_EQ(zone->find("CNAME"), std::string::npos);
  EXPECT_EQ(zone->find("autodiscover"), std::string::npos);
}

TEST(DnsRecords, EveryLineIsACommentOrAnAbsoluteRecord) {
  DnsRecordsInput long_domain = Typical();
  long_domain.domain = std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                       std::string(63, 'c') + "." + std::string(20, 'd') + ".example";
  long_domain.ttl_s = 300;
  for (const DnsRecordsInput& input : {Typical(), long_domain}) {
    Result<std::string> zone = DnsZoneRecords(input);
    ASSERT_TRUE(zone.has_value()) << zone.error().ToString();
    ASSERT_TRUE(zone->ends_with(".\n"));
    size_t records = 0;
    for (const std::string& line : Lines(*zone)) {
      if (line.empty() || line.starts_with("; ")) continue;
      ++records;
      std::istringstream in(line);
      std::string name, ttl, cls, type, rdata;
      in >> name >> ttl >> cls >> type >> std::ws;
      std::getline(in, rdata);
      EXPECT_TRUE(name.ends_with(".") && name.size() - 1 <= 253) << line;
      EXPECT_EQ(ttl, std::to_string(input.ttl_s)) << line;
      EXPECT_EQ(cls, "IN") << line;
      ASSERT_FALSE(rdata.empty()) << line;
      if (type == "TXT") {
        // Quoted character-strings of at most 255 octets each.
        EXPECT_TRUE(rdata.starts_with('"') && rdata.ends_with('"')) << line;
        for (size_t start = 0; start < rdata.size();) {
          size_t end = rdata.find('"', start + 1);
          ASSERT_NE(end, std::string::npos) << line;
          EXPECT_LE(end - start - 1, 255u) << line;
          start = rdata.find('"', end + 1);
        }
      } else {
        EXPECT_TRUE(type == "MX" || type == "CNAME" || type == "SRV") << line;
        EXPECT_TRUE(rdata.ends_with(".")) << line;
      }
    }
    EXPECT_EQ(records, 15u);
  }
  // The DMARC record of the long domain is over 255 octets: two strings.
  std::string zone = DnsZoneRecords(long_domain).value();
  EXPECT_NE(zone.find("\" \""), std::string::npos);
}

TEST(DnsRecords, RefusesBadNames) {
  DnsRecordsInput input = Typical();
  input.hostname = "mail";  // not fully qualified
  EXPECT_FALSE(DnsZoneRecords(input).has_value());
  input.hostname = "mail.example.com.";
  EXPECT_FALSE(DnsZoneRecords(input).has_value());
  input = Typical();
  input.domain = "a..example";
  EXPECT_FALSE(DnsZoneRecords(input).has_value());
  // 251 characters: fine as a domain, too long under "_submissions._tcp.".
  input.domain = std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') +
                 "." + std::string(51, 'd') + ".example";
  ASSERT_TRUE(NormalizeMailDomain(input.domain).has_value());
  Result<std::string> zone = DnsZoneRecords(input);
  ASSERT_FALSE(zone.has_value());
  EXPECT_EQ(zone.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ringmail
