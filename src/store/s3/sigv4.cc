#include "store/s3/sigv4.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "base/check.h"
#include "base/encoding.h"

namespace ringmail::s3 {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Trims the value and collapses each run of blanks inside it to one space (SigV4 "Trimall";
// quoted strings are not exempt).
void AppendTrimmed(std::string_view value, std::string* out) {
  bool pending_space = false;
  bool started = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      pending_space = started;
      continue;
    }
    if (pending_space) out->push_back(' ');
    pending_space = false;
    started = true;
    out->push_back(c);
  }
}

// Lower-cased name -> comma-joined trimmed values, sorted by name.
std::map<std::string, std::string> CanonicalHeaderMap(std::span<const HeaderField> headers) {
  std::map<std::string, std::string> map;
  for (const HeaderField& h : headers) {
    std::string name(h.name);
    std::transform(name.begin(), name.end(), name.begin(), AsciiLower);
    auto [it, inserted] = map.try_emplace(std::move(name));
    if (!inserted) it->second.push_back(',');
    AppendTrimmed(h.value, &it->second);
  }
  return map;
}

std::string_view DateOf(std::string_view amz_date) { return amz_date.substr(0, 8); }

}  // namespace

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string CanonicalQuery(std::span<const QueryParam> query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const QueryParam& p : query) {
    encoded.emplace_back(UriEncode(p.name, false), UriEncode(p.value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

std::string AmzDate(std::time_t utc) {
  std::tm tm{};
  gmtime_r(&utc, &tm);
  char buf[32];
  const size_t n = std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  CHECK(n == 16);
  return std::string(buf, n);
}

std::string CanonicalRequest(const SigningInput& input) {
  std::string out;
  out.reserve(512);
  out.append(input.method).push_back('\n');
  out.append(UriEncode(input.path, true)).push_back('\n');
  out.append(CanonicalQuery(input.query)).push_back('\n');
  const std::map<std::string, std::string> headers = CanonicalHeaderMap(input.headers);
  std::string signed_headers;
  for (const auto& [name, value] : headers) {
    out.append(name).push_back(':');
    out.append(value).push_back('\n');
    if (!signed_headers.empty()) signed_headers.push_back(';');
    signed_headers += name;
  }
  out.push_back('\n');
  out.append(signed_headers).push_back('\n');
  out.append(input.payload_sha256);
  return out;
}

std::string StringToSign(std::string_view canonical_request, const SigningScope& scope) {
  std::string out = "AWS4-HMAC-SHA256\n";
  out.append(scope.amz_date).push_back('\n');
  out.append(DateOf(scope.amz_date)).push_back('/');
  out.append(scope.region).push_back('/');
  out.append(scope.service).append("/aws4_request\n");
  out.append(Sha256Hex(canonical_request));
  return out;
}

Sha256Digest SigningKey(std::string_view secret_access_key, std::string_view date,
                        std::string_view region, std::string_view service) {
  const std::string first = "AWS4" + std::string(secret_access_key);
  const std::span<const uint8_t> first_key(reinterpret_cast<const uint8_t*>(first.data()),
                                           first.size());
  Sha256Digest key = HmacSha256(first_key, date);
  key = HmacSha256(key, region);
  key = HmacSha256(key, service);
  return HmacSha256(key, "aws4_request");
}

Signature Sign(const SigningInput& input, const SigningScope& scope,
               const Credentials& credentials) {
  DCHECK(scope.amz_date.size() == 16);
  Signature s;
  s.canonical_request = CanonicalRequest(input);
  s.string_to_sign = StringToSign(s.canonical_request, scope);
  const Sha256Digest key = SigningKey(credentials.secret_access_key, DateOf(scope.amz_date),
                                      scope.region, scope.service);
  s.signature = HexLower(HmacSha256(key, s.string_to_sign));

  // The signed headers list is the canonical request's second-to-last line.
  const size_t last_nl = s.canonical_request.rfind('\n');
  const size_t prev_nl = s.canonical_request.rfind('\n', last_nl - 1);
  const std::string_view signed_headers =
      std::string_view(s.canonical_request).substr(prev_nl + 1, last_nl - prev_nl - 1);

  s.authorization = "AWS4-HMAC-SHA256 Credential=";
  s.authorization.append(credentials.access_key_id).push_back('/');
  s.authorization.append(DateOf(scope.amz_date)).push_back('/');
  s.authorization.append(scope.region).push_back('/');
  s.authorization.append(scope.service).append("/aws4_request, SignedHeaders=");
  s.authorization.append(signed_headers).append(", Signature=");
  s.authorization += s.signature;
  return s;
}

}  // namespace ringmail::s3
