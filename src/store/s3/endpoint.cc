#include "store/s3/endpoint.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstdlib>

namespace ringmail::s3 {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> PercentDecode(std::string_view text, std::string_view what) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    const int hi = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
    const int lo = hi >= 0 ? HexValue(text[i + 2]) : -1;
    if (lo < 0) {
      return MakeError(ErrorCode::kConfig, "s3 blob store: bad %-escape in " + std::string(what));
    }
    out.push_back(static_cast<char>(hi << 4 | lo));
    i += 2;
  }
  return out;
}

bool IsIpv6(const std::string& host) {
  in6_addr a;
  return inet_pton(AF_INET6, host.c_str(), &a) == 1;
}

// Bucket names: S3's rules for new buckets (3-63 of a-z 0-9 . -), which virtual style
// needs since the name becomes a DNS label; path style also takes the legacy forms
// (upper case, '_', up to 255).
Result<void> CheckBucket(std::string_view bucket, AddressingStyle style) {
  const bool dns = style == AddressingStyle::kVirtual;
  const size_t max = dns ? 63 : 255;
  bool ok = bucket.size() >= (dns ? 3u : 1u) && bucket.size() <= max;
  for (char c : bucket) {
    const bool lower = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    const bool legacy = (c >= 'A' && c <= 'Z') || c == '_';
    ok = ok && (lower || (!dns && legacy));
  }
  if (!ok) {
    return MakeError(ErrorCode::kConfig,
                     dns ? "s3 blob store: bucket name must be 3-63 of a-z 0-9 . - for "
                           "style=virtual"
                         : "s3 blob store: bad bucket name (1-255 of A-Z a-z 0-9 . - _)");
  }
  return {};
}

// "http://host:port" or "https://[v6]:port", optionally followed by "/".
Result<void> ParseEndpointUrl(std::string_view url, Endpoint* out) {
  const auto fail = [](std::string reason) {
    return MakeError(ErrorCode::kConfig, "s3 blob store: endpoint " + reason);
  };
  if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else if (url.starts_with("https://")) {
    url.remove_prefix(8);
    out->https = true;
  } else {
    return fail("must start with http:// or https://");
  }
  if (url.ends_with('/')) url.remove_suffix(1);
  if (url.find_first_of("/?#@") != std::string_view::npos) {
    return fail("must be scheme://host[:port] (no path, query or user)");
  }
  std::string_view port_text;
  if (url.starts_with('[')) {
    const size_t close = url.find(']');
    if (close == std::string_view::npos) return fail("has an unclosed [IPv6] address");
    out->host = std::string(url.substr(1, close - 1));
    if (!IsIpv6(out->host)) return fail("has a bad IPv6 address");
    const std::string_view rest = url.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return fail("has junk after the IPv6 address");
    if (!rest.empty()) port_text = rest.substr(1);
  } else {
    const size_t colon = url.find(':');
    out->host = std::string(url.substr(0, colon));
    if (colon != std::string_view::npos) port_text = url.substr(colon + 1);
  }
  if (out->host.empty()) return fail("has no host");
  out->port = out->https ? 443 : 80;
  if (!port_text.empty() || url.ends_with(':')) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return fail("has a bad port");
    }
    out->port = static_cast<uint16_t>(port);
  }
  return {};
}

struct RawParams {
  std::string endpoint, region, style;
};

Result<RawParams> SplitParams(std::string_view query) {
  RawParams p;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    const std::string_view raw = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    std::string* slot = name == "endpoint" ? &p.endpoint
                        : name == "region" ? &p.region
                        : name == "style"  ? &p.style
                                           : nullptr;
    if (slot == nullptr) {
      return MakeError(ErrorCode::kConfig, "s3 blob store: unknown parameter '" +
                                               std::string(name) +
                                               "' (known: endpoint, region, style)");
    }
    *slot = TRY(PercentDecode(raw, name));
  }
  return p;
}

}  // namespace

std::string Endpoint::ConnectHost() const {
  return style == AddressingStyle::kVirtual ? bucket + "." + host : host;
}

std::string Endpoint::HostHeader() const {
  std::string h = ConnectHost();
  if (IsIpv6(h)) h = "[" + h + "]";
  if (port != (https ? 443 : 80)) h += ":" + std::to_string(port);
  return h;
}

std::string Endpoint::PathOf(std::string_view key) const {
  std::string path = "/";
  if (style == AddressingStyle::kPath) {
    path += bucket;
    if (!key.empty()) path += "/";
  }
  path += key;
  return path;
}

std::string Endpoint::Describe() const {
  std::string h = IsIpv6(host) ? "[" + host + "]" : host;
  return std::string(https ? "https://" : "http://") + h + ":" + std::to_string(port);
}

Result<Endpoint> ParseS3Url(std::string_view url) {
  if (!url.starts_with("s3://")) {
    return MakeError(ErrorCode::kConfig, "s3 blob store: URL must start with s3://");
  }
  url.remove_prefix(5);
  const size_t q = url.find('?');
  Endpoint e;
  e.bucket = std::string(url.substr(0, q));
  if (e.bucket.ends_with('/')) e.bucket.pop_back();
  const RawParams p =
      TRY(SplitParams(q == std::string_view::npos ? std::string_view() : url.substr(q + 1)));
  if (!p.region.empty()) e.region = p.region;
  if (p.style.empty()) {
    e.style = p.endpoint.empty() ? AddressingStyle::kVirtual : AddressingStyle::kPath;
  } else if (p.style == "path" || p.style == "virtual") {
    e.style = p.style == "path" ? AddressingStyle::kPath : AddressingStyle::kVirtual;
  } else {
    return MakeError(ErrorCode::kConfig, "s3 blob store: style must be 'path' or 'virtual'");
  }
  const std::string endpoint =
      p.endpoint.empty() ? "https://s3." + e.region + ".amazonaws.com" : p.endpoint;
  TRY(ParseEndpointUrl(endpoint, &e));
  TRY(CheckBucket(e.bucket, e.style));
  if (e.style == AddressingStyle::kVirtual && IsIpv6(e.host)) {
    return MakeError(ErrorCode::kConfig,
                     "s3 blob store: style=virtual needs an endpoint with a DNS name");
  }
  in_addr v4;
  if (e.style == AddressingStyle::kVirtual && inet_pton(AF_INET, e.host.c_str(), &v4) == 1) {
    return MakeError(ErrorCode::kConfig,
                     "s3 blob store: style=virtual needs an endpoint with a DNS name");
  }
  return e;
}

Result<Credentials> ResolveCredentials(std::string access_key_id, std::string secret_access_key) {
  if (access_key_id.empty() && secret_access_key.empty()) {
    const char* id = std::getenv("AWS_ACCESS_KEY_ID");
    const char* secret = std::getenv("AWS_SECRET_ACCESS_KEY");
    if (id != nullptr) access_key_id = id;
    if (secret != nullptr) secret_access_key = secret;
  }
  if (access_key_id.empty() || secret_access_key.empty()) {
    return MakeError(ErrorCode::kConfig,
                     "s3 blob store: no credentials: set [storage.s3] access-key and secret-key, "
                     "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  }
  return Credentials{std::move(access_key_id), std::move(secret_access_key)};
}

}  // namespace ringmail::s3
