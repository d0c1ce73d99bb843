// JMAP blob upload (RFC 8620 §6.1): POST /jmap/upload/{accountId}/ stores the request body as
// a blob of the account (store/upload.h) and answers {"accountId","blobId","type","size"}
// (201). The HTTP server hands the body over whole, so an upload is also bounded by [http]
// body-size-max (the session advertises the smaller of the two as maxSizeUpload).
#include <ctime>

#include "base/json_writer.h"
#include "jmap/api.h"
#include "jmap/ids.h"
#include "jmap/session.h"
#include "server/http_jmap_internal.h"
#include "store/upload.h"

namespace ringmail::jmap_http {
namespace {

// Uploads in flight per account on this node, across listeners and cores.
jmap::ConcurrencyGate& UploadGate() {
  static jmap::ConcurrencyGate gate;
  return gate;
}

http::Response Problem(const jmap::ApiAnswer& a) {
  return http::Response::Typed(a.status, a.content_type, a.body);
}

// The Content-Type as sent when it is printable ASCII of a sane length, else the default.
std::string UploadType(std::string_view sent) {
  if (sent.empty() || sent.size() > kUploadTypeMax) return "application/octet-stream";
  for (char c : sent) {
    if (c < 0x20 || c > 0x7e) return "application/octet-stream";
  }
  return std::string(sent);
}

// kLimitExceeded when the account has a quota and `size` more bytes would not fit in it.
Task<Result<void>> CheckQuota(const MailServices& services, std::string name, uint64_t size) {
  Result<AccountRecord> account = co_await services.stores->metadata->GetAccount(name);
  if (!account) co_return std::unexpected(account.error());
  if (account->quota_bytes != 0 && account->used_bytes + size > account->quota_bytes) {
    co_return std::unexpected(Error{ErrorCode::kLimitExceeded, "over quota"});
  }
  co_return Result<void>{};
}

}  // namespace

Task<http::Response> Upload(const MailServices& services, jmap::Limits limits,
                            http::Request request, User user) {
  std::string_view account = request.path;
  account.remove_prefix(jmap::kUploadPath.size());
  if (account.ends_with('/')) account.remove_suffix(1);
  if (account != jmap::AccountId(user.account_id))
    co_return http::JsonError(404, "no such account");
  if (request.body.size() > limits.max_size_upload) {
    co_return Problem(
        jmap::RequestError("limit", "the upload is over maxSizeUpload", "maxSizeUpload", 413));
  }
  const jmap::GateSlot slot(&UploadGate(), user.account_id, limits.max_concurrent_upload);
  if (!slot.held()) {
    co_return Problem(
        jmap::RequestError("limit", "too many concurrent uploads", "maxConcurrentUpload", 429));
  }
  const uint64_t size = request.body.size();
  Result<void> fits = co_await CheckQuota(services, user.name, size);
  if (!fits && fits.error().code == ErrorCode::kLimitExceeded) {
    co_return Problem(
        jmap::RequestError("overQuota", "the upload does not fit in the quota", {}, 403));
  }
  if (!fits) co_return http::JsonError(503, fits.error().message);
  BlobUploadRequest upload;
  upload.account_id = user.account_id;
  upload.type = UploadType(request.Header("Content-Type"));
  upload.expires_at = static_cast<int64_t>(time(nullptr)) + jmap::kUploadLifetimeS;
  const std::string type = upload.type;
  Result<BlobKey> key = co_await StoreUpload(*services.stores->blobs, *services.stores->metadata,
                                             std::move(request.body), std::move(upload));
  if (!key) co_return http::JsonError(503, key.error().message);
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(jmap::AccountId(user.account_id));
  w.Key("blobId").String(jmap::BlobId(*key)).Key("type").String(type);
  w.Key("size").Uint(size).EndObject();
  co_return http::Response::Json(201, std::move(out));
}

}  // namespace ringmail::jmap_http
