// JMAP blob upload (RFC 8620 §6.1): POST /jmap/upload/{accountId}/ stores the request body as
// a blob of the account (store/upload.h) and answers {"accountId","blobId","type","size"}
// (201). The body streams (http::BodyReader): refused from its Content-Length before a byte
// of it is read (413 over maxSizeUpload, 403 overQuota; with "Expect: 100-continue" the
// client then never sends it), else read in pieces, hashed as it comes and spooled to a
// temporary file past kUploadMemoryMax (store/upload_spool.h), and stored from that file:
// memory per upload stays bounded whatever its size. maxSizeUpload is [jmap]
// max-size-upload, never more than the listener's [http] body-size-max.
#include <ctime>

#include "base/json_writer.h"
#include "jmap/api.h"
#include "jmap/ids.h"
#include "jmap/session.h"
#include "server/http_jmap_internal.h"
#include "store/upload.h"
#include "store/upload_spool.h"

namespace ringmail::jmap_http {
namespace {

// An upload up to this size stays in memory; a larger one goes to a temporary file.
constexpr size_t kUploadMemoryMax = 256 * 1024;

// Uploads in flight per account on this node, across listeners and cores.
jmap::ConcurrencyGate& UploadGate() {
  static jmap::ConcurrencyGate gate;
  return gate;
}

http::Response Problem(const jmap::ApiAnswer& a) {
  return http::Response::Typed(a.status, a.content_type, a.body);
}

http::Response TooLarge() {
  return Problem(
      jmap::RequestError("limit", "the upload is over maxSizeUpload", "maxSizeUpload", 413));
}

// The Content-Type as sent when it is printable ASCII of a sane length, else the default.
std::string UploadType(std::string_view sent) {
  if (sent.empty() || sent.size() > kUploadTypeMax) return "application/octet-stream";
  for (char c : sent) {
    if (c < 0x20 || c > 0x7e) return "application/octet-stream";
  }
  return std::string(sent);
}

// Null when `size` more bytes fit in the account's quota (or it has none), else the answer.
Task<std::optional<http::Response>> CheckQuota(const MailServices& services, std::string name,
                                               uint64_t size) {
  Result<AccountRecord> account = co_await services.stores->metadata->GetAccount(name);
  if (!account) co_return http::JsonError(503, account.error().message);
  if (account->quota_bytes != 0 && account->used_bytes + size > account->quota_bytes) {
    co_return Problem(
        jmap::RequestError("overQuota", "the upload does not fit in the quota", {}, 403));
  }
  co_return std::nullopt;
}

// Reads the whole body into *spool. Null when it is all there, else the answer (the session
// answers a failed read itself when the statuses differ).
Task<std::optional<http::Response>> Receive(http::BodyReader* body, UploadSpool* spool) {
  std::string piece;
  for (;;) {
    piece.clear();
    Result<bool> more = co_await body->Read(&piece, kBlobPieceMax);
    if (!more) {
      if (body->failed_status() == 413) co_return TooLarge();
      co_return http::JsonError(400, more.error().message);
    }
    if (!*more) co_return std::nullopt;
    Result<void> kept = co_await spool->Append(piece);
    if (!kept) co_return http::JsonError(503, kept.error().message);
  }
}

std::string Created(int64_t account_id, const BlobKey& key, std::string_view type, uint64_t size) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(jmap::AccountId(account_id));
  w.Key("blobId").String(jmap::BlobId(key)).Key("type").String(type);
  w.Key("size").Uint(size).EndObject();
  return out;
}

}  // namespace

Task<http::Response> Upload(const MailServices& services, UploadSettings settings,
                            http::Request request, User user) {
  std::string_view account = request.path;
  account.remove_prefix(jmap::kUploadPath.size());
  if (account.ends_with('/')) account.remove_suffix(1);
  if (account != jmap::AccountId(user.account_id))
    co_return http::JsonError(404, "no such account");
  http::BodyReader* body = request.body_reader;  // null: the body was empty
  const std::optional<uint64_t> declared = body ? body->content_length() : uint64_t{0};
  if (declared && *declared > settings.limits.max_size_upload) co_return TooLarge();
  const jmap::GateSlot slot(&UploadGate(), user.account_id, settings.limits.max_concurrent_upload);
  if (!slot.held()) {
    co_return Problem(
        jmap::RequestError("limit", "too many concurrent uploads", "maxConcurrentUpload", 429));
  }
  std::optional<http::Response> refused =
      co_await CheckQuota(services, user.name, declared.value_or(0));
  if (refused) co_return std::move(*refused);
  UploadSpool spool(settings.spool_dir, kUploadMemoryMax);
  if (body != nullptr) {
    body->set_size_max(settings.limits.max_size_upload);
    refused = co_await Receive(body, &spool);
    if (refused) co_return std::move(*refused);
  }
  if (!declared) {  // chunked: the size is known only now
    refused = co_await CheckQuota(services, user.name, spool.size());
    if (refused) co_return std::move(*refused);
  }
  BlobUploadRequest upload;
  upload.account_id = user.account_id;
  upload.type = UploadType(request.Header("Content-Type"));
  upload.expires_at = static_cast<int64_t>(time(nullptr)) + jmap::kUploadLifetimeS;
  const std::string type = upload.type;
  const uint64_t size = spool.size();
  const BlobKey key = spool.Finish();
  Result<BlobKey> stored;
  if (spool.fd() < 0) {
    stored = co_await StoreUpload(*services.stores->blobs, *services.stores->metadata,
                                  std::move(spool.memory()), std::move(upload));
  } else {
    stored = co_await StoreUploadFile(*services.stores->blobs, *services.stores->metadata,
                                      spool.fd(), size, key, std::move(upload));
  }
  if (!stored) co_return http::JsonError(503, stored.error().message);
  co_return http::Response::Json(201, Created(user.account_id, *stored, type, size));
}

}  // namespace ringmail::jmap_http
