// JMAP blob download (RFC 8620 §6.2): GET /jmap/download/{accountId}/{blobId}/{name}?accept=T
// answers a blob's bytes to the account it belongs to (jmap/blob_access.h decides which);
// any failure to find it is 404, the same for every other account's blobs.
#include <string>

#include "jmap/blob_access.h"
#include "jmap/ids.h"
#include "server/http_jmap_internal.h"

namespace ringmail::jmap_http {
namespace {

constexpr size_t kPathPartsMax = 4;

// A media type the client asked for: token/token, nothing else (it becomes a header).
bool SafeType(std::string_view t) {
  if (t.empty() || t.size() > 127 || t.find('/') == std::string_view::npos) return false;
  for (char c : t) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("/+-.").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

}  // namespace

Task<http::Response> Download(const MailServices& services, http::Request request, User user) {
  std::string_view rest = request.path;
  rest.remove_prefix(std::string_view("/jmap/download/").size());
  std::vector<std::string_view> parts;
  while (!rest.empty() && parts.size() < kPathPartsMax) {
    const size_t slash = rest.find('/');
    parts.push_back(rest.substr(0, slash));
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  if (parts.size() < 2 || parts[0] != jmap::AccountId(user.account_id)) {
    co_return http::JsonError(404, "no such blob");
  }
  Result<std::string> bytes =
      co_await jmap::ReadAccountBlob(services, user.account_id, std::string(parts[1]));
  if (!bytes) {
    co_return http::JsonError(bytes.error().code == ErrorCode::kNotFound ? 404 : 503,
                              bytes.error().message);
  }
  const std::string accept = request.QueryParam("accept");
  http::Response r =
      http::Response::Typed(200, SafeType(accept) ? accept : "message/rfc822", std::move(*bytes));
  r.With("Cache-Control", "private, immutable, max-age=31536000");
  co_return r;
}

}  // namespace ringmail::jmap_http
