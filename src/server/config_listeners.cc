// [listener.NAME], [tls] and [tls.NAME] tables.
#include <netinet/in.h>

#include <algorithm>
#include <cctype>

#include "server/config_reader.h"

namespace ringmail::config_internal {
namespace {

constexpr std::string_view kProtocolNames[] = {"imap", "smtp", "submission", "relay",
                                               "lmtp", "http", "metrics"};
constexpr Protocol kProtocols[] = {Protocol::kImap,   Protocol::kSmtp, Protocol::kSubmission,
                                   Protocol::kRelay,  Protocol::kLmtp, Protocol::kHttp,
                                   Protocol::kMetrics};
// Protocols the contract names for later; rejected with a clearer message than "unknown".
constexpr std::string_view kLaterProtocols[] = {"pop3", "managesieve"};

constexpr std::string_view kTlsModeNames[] = {"none", "starttls", "implicit"};
constexpr TlsMode kTlsModes[] = {TlsMode::kNone, TlsMode::kStartTls, TlsMode::kImplicit};

// One address already claimed by a listener, for the overlap check.
struct BoundAddress {
  SocketAddress address;
  std::string listener;
  int line;
};

bool IsWildcard(const SocketAddress& address) {
  if (address.family() == AF_INET) {
    return reinterpret_cast<const sockaddr_in*>(address.get())->sin_addr.s_addr == INADDR_ANY;
  }
  const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address.get());
  return IN6_IS_ADDR_UNSPECIFIED(&v6->sin6_addr);
}

// Two binds conflict when they would share a port: the same address, or a wildcard and any
// address of its family. Port 0 asks the kernel for a fresh port each time, so it never
// conflicts. (Listeners set SO_REUSEPORT, so the kernel would not catch this itself.)
bool Conflicts(const SocketAddress& a, const SocketAddress& b) {
  if (a.port() == 0 || a.port() != b.port() || a.family() != b.family()) return false;
  return IsWildcard(a) || IsWildcard(b) || a.ToString() == b.ToString();
}

Result<void> ReadProtocol(const Section& s, ListenerConfig* listener) {
  std::string name;
  TRY(s.RequiredString("protocol", &name));
  int line = LineOf(*s.Find("protocol"));
  if (std::find(std::begin(kLaterProtocols), std::end(kLaterProtocols), name) !=
      std::end(kLaterProtocols)) {
    return s.Fail(line, "protocol '" + name + "' is not supported yet");
  }
  auto it = std::find(std::begin(kProtocolNames), std::end(kProtocolNames), name);
  if (it == std::end(kProtocolNames)) {
    return s.Fail(line, "unknown protocol '" + Printable(name) +
                            "' (expected imap, smtp, submission, relay, lmtp, http or metrics)");
  }
  listener->protocol = kProtocols[it - std::begin(kProtocolNames)];
  return {};
}

Result<void> ReadBind(const Section& s, std::vector<BoundAddress>* bound,
                      ListenerConfig* listener) {
  if (s.Find("bind") == nullptr) return s.Fail(s.line(), "missing key 'bind'");
  std::vector<LinedString> binds = *TRY(s.Strings("bind", /*single_allowed=*/true));
  if (binds.empty()) {
    return s.Fail(LineOf(*s.Find("bind")), "bind must list at least one address");
  }
  for (const LinedString& bind : binds) {
    Result<SocketAddress> address = SocketAddress::Parse(bind.value);
    if (!address) {
      return s.Fail(bind.line, "bind '" + Printable(bind.value) + "': " + address.error().message);
    }
    for (const BoundAddress& other : *bound) {
      if (!Conflicts(*address, other.address)) continue;
      std::string what = other.address.ToString() == address->ToString()
                             ? "is already bound by"
                             : "overlaps " + other.address.ToString() + " of";
      return s.Fail(bind.line, "bind " + address->ToString() + " " + what + " listener '" +
                                   other.listener + "' (line " + std::to_string(other.line) + ")");
    }
    bound->push_back({*address, listener->name, bind.line});
    listener->bind.push_back(*address);
  }
  return {};
}

Result<void> ReadListenerTls(const Section& s, bool have_certificate, ListenerConfig* listener) {
  const toml::node* node = s.Find("tls");
  if (node == nullptr) return {};
  size_t index = 0;
  TRY(s.OneOf("tls", "tls mode", kTlsModeNames, &index));
  listener->tls = kTlsModes[index];
  if (listener->tls == TlsMode::kStartTls &&
      (listener->protocol == Protocol::kHttp || listener->protocol == Protocol::kMetrics)) {
    return s.Fail(LineOf(*node), std::string("tls = 'starttls' is not possible with protocol '") +
                                     ProtocolName(listener->protocol) +
                                     "' (use 'implicit' or 'none')");
  }
  if (listener->tls != TlsMode::kNone && !have_certificate) {
    return s.Fail(LineOf(*node), std::string("tls = '") + TlsModeName(listener->tls) +
                                     "' needs a certificate: add a [tls] table");
  }
  return {};
}

Result<ListenerConfig> ReadListener(const Section& s, std::string name, bool have_certificate,
                                    std::vector<BoundAddress>* bound) {
  TRY(s.AllowOnly({"protocol", "bind", "tls", "connections-max", "idle-timeout-ms", "input-max"}));
  ListenerConfig listener;
  listener.name = std::move(name);
  listener.line = s.line();
  TRY(ReadProtocol(s, &listener));
  TRY(ReadBind(s, bound, &listener));
  TRY(ReadListenerTls(s, have_certificate, &listener));
  TRY(s.Uint32("connections-max", 1, 1000000, &listener.connections_max));
  TRY(s.Uint32("idle-timeout-ms", 1000, 86400000, &listener.idle_timeout_ms));
  TRY(s.Uint32("input-max", 1024, 64 * 1024 * 1024, &listener.input_max));
  return listener;
}

// certificate and private-key: both present and non-empty.
Result<void> ReadCertificatePair(const Section& s, TlsCertificateConfig* certificate) {
  TRY(s.RequiredString("certificate", &certificate->certificate));
  TRY(s.RequiredString("private-key", &certificate->private_key));
  if (certificate->certificate.empty()) {
    return s.Fail(LineOf(*s.Find("certificate")), "certificate must not be empty");
  }
  if (certificate->private_key.empty()) {
    return s.Fail(LineOf(*s.Find("private-key")), "private-key must not be empty");
  }
  certificate->line = s.line();
  return {};
}

Result<TlsCertificateConfig> ReadNamedCertificate(const Section& s, std::string name) {
  TRY(s.AllowOnly({"certificate", "private-key", "domains"}));
  TlsCertificateConfig certificate;
  certificate.name = std::move(name);
  TRY(ReadCertificatePair(s, &certificate));
  if (s.Find("domains") == nullptr) return s.Fail(s.line(), "missing key 'domains'");
  std::vector<LinedString> domains = *TRY(s.Strings("domains", /*single_allowed=*/false));
  if (domains.empty()) {
    return s.Fail(LineOf(*s.Find("domains")), "domains must list at least one domain");
  }
  for (LinedString& domain : domains) {
    if (!IsHostName(domain.value, /*allow_wildcard=*/true)) {
      return s.Fail(domain.line, "domain '" + Printable(domain.value) + "' is not a host name");
    }
    // SNI matching is case-insensitive; store the lower-case form.
    std::transform(domain.value.begin(), domain.value.end(), domain.value.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    certificate.domains.push_back(std::move(domain.value));
  }
  return certificate;
}

}  // namespace

Result<void> ReadTls(std::string_view path, const toml::node& node, Config* config) {
  Section s(path, *node.as_table(), "[tls]");
  std::vector<TlsCertificateConfig> named;
  for (const Entry& entry : InFileOrder(s.table())) {
    std::string key(entry.key->str());
    if (key == "certificate" || key == "private-key") continue;
    if (!entry.value->is_table()) {
      return s.Fail(LineOf(*entry.key), "unknown key '" + Printable(key) + "'");
    }
    if (!IsSimpleName(key)) {
      return s.Fail(LineOf(*entry.key),
                    "certificate name '" + Printable(key) + "' must match [a-z0-9-]+");
    }
    Section sub(path, *entry.value->as_table(), "[tls." + key + "]");
    named.push_back(TRY(ReadNamedCertificate(sub, key)));
  }
  bool has_default = s.Find("certificate") != nullptr || s.Find("private-key") != nullptr;
  if (has_default || named.empty()) {
    TlsCertificateConfig certificate;
    TRY(ReadCertificatePair(s, &certificate));
    config->tls.push_back(std::move(certificate));
  }
  for (TlsCertificateConfig& certificate : named) config->tls.push_back(std::move(certificate));
  return {};
}

Result<void> ReadListeners(std::string_view path, const toml::node& node, Config* config) {
  Section s(path, *node.as_table(), "[listener]");
  std::vector<BoundAddress> bound;
  for (const Entry& entry : InFileOrder(s.table())) {
    std::string name(entry.key->str());
    if (!IsSimpleName(name)) {
      return s.Fail(LineOf(*entry.key),
                    "listener name '" + Printable(name) + "' must match [a-z0-9-]+");
    }
    if (!entry.value->is_table()) {
      return s.Fail(LineOf(*entry.value), "listener." + name + " must be a table");
    }
    Section listener(path, *entry.value->as_table(), "listener '" + name + "'");
    config->listeners.push_back(TRY(ReadListener(listener, name, !config->tls.empty(), &bound)));
  }
  return {};
}

}  // namespace ringmail::config_internal
