// The autoconfig file formats (http_autoconfig.h): pure renderers.
#include <string>

#include "server/http_autoconfig.h"
#include "tls/digest.h"

namespace ringmail {
namespace {

int Rank(TlsMode tls) {
  switch (tls) {
    case TlsMode::kImplicit: return 3;
    case TlsMode::kStartTls: return 2;
    case TlsMode::kNone: return 1;
  }
  return 0;
}

void Consider(ClientEndpoint* best, const ListenerConfig& l, uint16_t port) {
  if (best->offered && Rank(best->tls) >= Rank(l.tls)) return;
  *best = {true, port, l.tls};
}

std::string Xml(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

// Thunderbird's socketType.
const char* SocketType(TlsMode tls) {
  switch (tls) {
    case TlsMode::kImplicit: return "SSL";
    case TlsMode::kStartTls: return "STARTTLS";
    case TlsMode::kNone: return "plain";
  }
  return "plain";
}

void Element(std::string* out, std::string_view indent, std::string_view name,
             std::string_view value) {
  *out += std::string(indent) + "<" + std::string(name) + ">" + Xml(value) + "</" +
          std::string(name) + ">\n";
}

// A stable UUID (RFC 9562 layout, version 8: custom) from a name, so a profile downloaded
// twice replaces itself instead of installing twice.
std::string NameUuid(std::string_view name) {
  const std::string hex = Sha256Hex(name);
  std::string u = hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-8" + hex.substr(13, 3) + "-" + "a" +
                  hex.substr(17, 3) + "-" + hex.substr(20, 12);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

}  // namespace

ClientEndpoints EndpointsOf(const Config& config, const ListenerPorts* ports) {
  ClientEndpoints e;
  e.hostname = config.hostname;
  ClientEndpoint http;
  for (size_t i = 0; i < config.listeners.size(); ++i) {
    const ListenerConfig& l = config.listeners[i];
    const uint16_t port = ports != nullptr ? ports->Get(i) : l.bind.front().port();
    if (l.protocol == Protocol::kImap) Consider(&e.imap, l, port);
    if (l.protocol == Protocol::kSubmission) Consider(&e.submission, l, port);
    if (l.protocol == Protocol::kHttp) Consider(&http, l, port);
  }
  if (http.offered) {
    const bool tls = http.tls == TlsMode::kImplicit;
    const bool default_port = http.port == (tls ? 443 : 80);
    e.autodiscover_url = std::string(tls ? "https://" : "http://") + config.hostname +
                         (default_port ? "" : ":" + std::to_string(http.port)) +
                         "/autodiscover/autodiscover.xml";
  }
  return e;
}

std::string ThunderbirdConfig(const ClientEndpoints& e, std::string_view domain) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<clientConfig version=\"1.1\">\n";
  out += "  <emailProvider id=\"" + Xml(domain) + "\">\n";
  Element(&out, "    ", "domain", domain);
  Element(&out, "    ", "displayName", domain);
  Element(&out, "    ", "displayShortName", domain);
  auto server = [&](const char* tag, const char* type, const ClientEndpoint& p) {
    if (!p.offered) return;
    out += std::string("    <") + tag + " type=\"" + type + "\">\n";
    Element(&out, "      ", "hostname", e.hostname);
    Element(&out, "      ", "port", std::to_string(p.port));
    Element(&out, "      ", "socketType", SocketType(p.tls));
    Element(&out, "      ", "authentication", "password-cleartext");
    Element(&out, "      ", "username", "%EMAILADDRESS%");
    out += std::string("    </") + tag + ">\n";
  };
  server("incomingServer", "imap", e.imap);
  server("outgoingServer", "smtp", e.submission);
  out += "  </emailProvider>\n</clientConfig>\n";
  return out;
}

std::string OutlookPoxResponse(const ClientEndpoints& e, std::string_view address) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/"
      "responseschema/2006\">\n"
      "  <Response xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/"
      "responseschema/2006a\">\n"
      "    <Account>\n";
  Element(&out, "      ", "AccountType", "email");
  Element(&out, "      ", "Action", "settings");
  auto protocol = [&](const char* type, const ClientEndpoint& p) {
    if (!p.offered) return;
    out += "      <Protocol>\n";
    Element(&out, "        ", "Type", type);
    Element(&out, "        ", "Server", e.hostname);
    Element(&out, "        ", "Port", std::to_string(p.port));
    Element(&out, "        ", "DomainRequired", "off");
    Element(&out, "        ", "LoginName", address);
    Element(&out, "        ", "SPA", "off");
    Element(&out, "        ", "SSL", p.tls == TlsMode::kNone ? "off" : "on");
    if (p.tls != TlsMode::kNone) {
      Element(&out, "        ", "Encryption", p.tls == TlsMode::kImplicit ? "SSL" : "TLS");
    }
    Element(&out, "        ", "AuthRequired", "on");
    out += "      </Protocol>\n";
  };
  protocol("IMAP", e.imap);
  protocol("SMTP", e.submission);
  out += "    </Account>\n  </Response>\n</Autodiscover>\n";
  return out;
}

std::string AppleMobileConfig(const ClientEndpoints& e, std::string_view address) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
      "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
      "<plist version=\"1.0\">\n<dict>\n";
  auto key = [&](std::string_view indent, std::string_view k) {
    out += std::string(indent) + "<key>" + std::string(k) + "</key>\n";
  };
  auto str = [&](std::string_view indent, std::string_view k, std::string_view v) {
    key(indent, k);
    out += std::string(indent) + "<string>" + Xml(v) + "</string>\n";
  };
  auto integer = [&](std::string_view indent, std::string_view k, uint64_t v) {
    key(indent, k);
    out += std::string(indent) + "<integer>" + std::to_string(v) + "</integer>\n";
  };
  auto boolean = [&](std::string_view indent, std::string_view k, bool v) {
    key(indent, k);
    out += std::string(indent) + (v ? "<true/>\n" : "<false/>\n");
  };
  const std::string id = "ringmail." + e.hostname + "." + std::string(address);
  key("  ", "PayloadContent");
  out += "  <array>\n    <dict>\n";
  const char* in = "      ";
  str(in, "EmailAccountDescription", address);
  str(in, "EmailAccountType", "EmailTypeIMAP");
  str(in, "EmailAddress", address);
  str(in, "IncomingMailServerAuthentication", "EmailAuthPassword");
  str(in, "IncomingMailServerHostName", e.hostname);
  integer(in, "IncomingMailServerPortNumber", e.imap.port);
  boolean(in, "IncomingMailServerUseSSL", e.imap.tls != TlsMode::kNone);
  str(in, "IncomingMailServerUsername", address);
  str(in, "OutgoingMailServerAuthentication", "EmailAuthPassword");
  str(in, "OutgoingMailServerHostName", e.hostname);
  integer(in, "OutgoingMailServerPortNumber", e.submission.port);
  boolean(in, "OutgoingMailServerUseSSL", e.submission.tls != TlsMode::kNone);
  str(in, "OutgoingMailServerUsername", address);
  boolean(in, "OutgoingPasswordSameAsIncomingPassword", true);
  str(in, "PayloadDisplayName", "Mail: " + std::string(address));
  str(in, "PayloadIdentifier", id + ".mail");
  str(in, "PayloadType", "com.apple.mail.managed");
  str(in, "PayloadUUID", NameUuid(id + ".mail"));
  integer(in, "PayloadVersion", 1);
  out += "    </dict>\n  </array>\n";
  str("  ", "PayloadDisplayName", std::string(address) + " (" + e.hostname + ")");
  str("  ", "PayloadIdentifier", id);
  boolean("  ", "PayloadRemovalDisallowed", false);
  str("  ", "PayloadType", "Configuration");
  str("  ", "PayloadUUID", NameUuid(id));
  integer("  ", "PayloadVersion", 1);
  out += "</dict>\n</plist>\n";
  return out;
}

std::string MtaStsPolicy(const HttpConfig& http, std::string_view mx_host) {
  std::string out = "version: STSv1\r\nmode: " + http.mta_sts_mode + "\r\n";
  out += "mx: " + std::string(mx_host) + "\r\n";
  out += "max_age: " + std::to_string(http.mta_sts_max_age_s) + "\r\n";
  return out;
}

}  // namespace ringmail
