// JMAP blob download (RFC 8620 §6.2): GET /jmap/download/{accountId}/{blobId}/{name}?accept=T
// answers a blob's bytes to the account it belongs to (jmap/blob_access.h decides which);
// any failure to find it is 404, the same for every other account's blobs.
//
// The body streams: the blob store's reader hands out verified pieces of kBlobPieceMax bytes,
// sent with the Content-Length of the stored size as they come (http::Response::stream_size),
// so a download costs bounded memory whatever the blob's size. A corrupt chunk found after
// the head is sent aborts the connection (the client sees a short body, never bad bytes),
// logged and counted in ringmail_jmap_download_aborted_total.
//
// Range (http/range.h): one byte range is 206 with Content-Range, read through
// RangeBlobReader (only the chunks holding it are read and verified, for an object stored
// without compression); past the end is 416; several ranges or a malformed field get the whole
// blob. The ETag is the blob id (the bytes of a blob never change), so If-Range with it keeps
// the range and any other validator gets the whole blob.
#include <string>

#include "base/log.h"
#include "base/metrics.h"
#include "http/range.h"
#include "jmap/blob_access.h"
#include "jmap/ids.h"
#include "runtime/reactor.h"
#include "server/http_jmap_internal.h"
#include "store/blob_stream.h"

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

MetricId g_aborted_metric = 0;

// The blob's pieces as the response body.
class BlobBody final : public http::BodySource {
 public:
  BlobBody(std::unique_ptr<BlobReader> reader, std::string blob_id)
      : reader_(std::move(reader)), blob_id_(std::move(blob_id)) {}
  Task<Result<bool>> Next(std::string* chunk) override {
    Result<bool> more = co_await reader_->Next(chunk);
    if (!more) {
      Log(LogLevel::kError, "jmap_download_aborted", "blob", blob_id_, "error",
          more.error().message);
      Reactor::Current()->metrics().Inc(g_aborted_metric);
    }
    co_return more;
  }

 private:
  std::unique_ptr<BlobReader> reader_;
  std::string blob_id_;
};

}  // namespace

void RegisterDownloadMetrics() {
  g_aborted_metric = MetricsRegistry::Global().Register(
      "ringmail_jmap_download_aborted_total",
      "JMAP downloads cut short after their head was sent (a corrupt blob or a failed read).",
      MetricType::kCounter);
}

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
  const std::string blob_id(parts[1]);
  Result<std::unique_ptr<BlobReader>> reader =
      co_await jmap::OpenAccountBlob(services, user.account_id, blob_id);
  if (!reader) {
    co_return http::JsonError(reader.error().code == ErrorCode::kNotFound ? 404 : 503,
                              reader.error().message);
  }
  const std::string accept = request.QueryParam("accept");
  const std::string etag = "\"" + blob_id + "\"";
  const uint64_t size = (*reader)->size();
  const std::string_view if_range = request.Header("If-Range");
  const http::ByteRange range = if_range.empty() || if_range == etag
                                    ? http::ParseByteRange(request.Header("Range"), size)
                                    : http::ByteRange{};
  http::Response r;
  r.With("Accept-Ranges", "bytes").With("ETag", etag);
  if (range.kind == http::ByteRange::Kind::kUnsatisfiable) {
    r.status = 416;
    r.content_type = "text/plain";
    r.body = "range not satisfiable\n";
    r.With("Content-Range", http::ContentRange(range, size));
    co_return r;
  }
  r.content_type = SafeType(accept) ? accept : "message/rfc822";
  std::unique_ptr<BlobReader> body = std::move(*reader);
  if (range.kind == http::ByteRange::Kind::kPartial) {
    r.status = 206;
    r.With("Content-Range", http::ContentRange(range, size));
    body = RangeBlobReader(std::move(body), range.first, range.length);
  }
  r.stream_size = body->size();
  r.stream = std::make_unique<BlobBody>(std::move(body), blob_id);
  r.With("Cache-Control", "private, immutable, max-age=31536000");
  co_return r;
}

}  // namespace ringmail::jmap_http
