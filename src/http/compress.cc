#include "http/compress.h"

#include <zlib.h>

#include "base/ascii.h"

namespace ringmail::http {
namespace {

// The q value of one list member ("gzip;q=0.5"): 0 when it is exactly zero, else 1 (only
// "acceptable or not" matters here).
bool Acceptable(std::string_view params) {
  size_t q = params.find("q=");
  if (q == std::string_view::npos) return true;
  std::string_view v = TrimSpaceTab(params.substr(q + 2));
  for (char c : v) {
    if (c >= '1' && c <= '9') return true;
  }
  return false;
}

}  // namespace

std::string_view ChooseEncoding(std::string_view accept) {
  bool gzip = false, deflate = false, star = false;
  while (!accept.empty()) {
    size_t comma = accept.find(',');
    std::string_view member = TrimSpaceTab(accept.substr(0, comma));
    accept = comma == std::string_view::npos ? std::string_view() : accept.substr(comma + 1);
    size_t semi = member.find(';');
    std::string_view name = TrimSpaceTab(member.substr(0, semi));
    bool ok = semi == std::string_view::npos || Acceptable(member.substr(semi + 1));
    if (EqualsIgnoreCase(name, "gzip") || EqualsIgnoreCase(name, "x-gzip")) gzip = ok;
    if (EqualsIgnoreCase(name, "deflate")) deflate = ok;
    if (name == "*") star = ok;
  }
  if (gzip || star) return "gzip";
  if (deflate) return "deflate";
  return "";
}

bool IsCompressible(std::string_view type) {
  type = type.substr(0, type.find(';'));
  return type.starts_with("text/") || type == "application/json" || type == "application/xml" ||
         type.ends_with("+xml") || type.ends_with("+json");
}

std::optional<std::string> Compress(std::string_view data, std::string_view coding) {
  z_stream z{};
  const int window_bits = coding == "gzip" ? 15 + 16 : 15;
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return std::nullopt;
  }
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

}  // namespace ringmail::http
