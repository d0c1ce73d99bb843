// S3Client's operations: what each sends and how its answers map to results. The request
// path (signing, connections, retries) is in s3_request.cc.
#include "store/s3/s3_client.h"

#include <algorithm>
#include <charconv>

#include "base/check.h"

namespace ringmail::s3 {
namespace {
constexpr uint64_t kListBodyMax = 8 << 20;  // a 1000-key page is a few hundred KiB

bool Success(const HttpResponse& r) { return r.status >= 200 && r.status < 300; }

// Content-Range "bytes FIRST-LAST/TOTAL": the first byte, or nullopt.
std::optional<uint64_t> RangeStart(std::string_view content_range) {
  if (!content_range.starts_with("bytes ")) return std::nullopt;
  content_range.remove_prefix(6);
  uint64_t first = 0;
  auto [end, ec] =
      std::from_chars(content_range.data(), content_range.data() + content_range.size(), first);
  if (ec != std::errc() || end == content_range.data() + content_range.size() || *end != '-') {
    return std::nullopt;
  }
  return first;
}
}  // namespace

Result<std::unique_ptr<S3Client>> S3Client::Create(S3ClientOptions options) {
  if (options.endpoint.https) {
    return MakeError(ErrorCode::kConfig, "https endpoints need the TLS layer (not built yet)");
  }
  if (options.workers == nullptr &&
      !NumericAddress(options.endpoint.ConnectHost(), options.endpoint.port)) {
    return MakeError(ErrorCode::kConfig,
                     "s3 blob store: the endpoint is a DNS name and no worker pool resolves it");
  }
  if (options.attempts_max == 0 || options.inflight_max == 0 || options.cores_max == 0 ||
      options.credentials.access_key_id.empty()) {
    return MakeError(ErrorCode::kConfig, "s3 blob store: invalid client options");
  }
  return std::unique_ptr<S3Client>(new S3Client(std::move(options)));
}

S3Client::S3Client(S3ClientOptions options) : options_(std::move(options)) {
  pool_config_.host = options_.endpoint.ConnectHost();
  pool_config_.port = options_.endpoint.port;
  pool_config_.workers = options_.workers;
  pool_config_.connection.input_max = 256 * 1024;
  pool_config_.connection.read_timeout_ms = options_.request_timeout_ms;
  pool_config_.connection.write_timeout_ms = options_.request_timeout_ms;
  pool_config_.connect_timeout_ms = options_.connect_timeout_ms;
  pool_config_.idle_connections_max = options_.idle_connections_max;
  pool_config_.idle_timeout_ms = options_.idle_timeout_ms;
  pool_config_.inflight_max = options_.inflight_max;
  pool_config_.waiting_max = options_.waiting_max;
  pools_.resize(options_.cores_max);
}

S3Client::~S3Client() = default;

Task<Result<void>> S3Client::CheckBucket() {
  Call call;
  call.method = "HEAD";
  Result<HttpResponse> r = co_await Execute(&call);
  if (!r) co_return std::unexpected(r.error());
  if (Success(*r)) co_return Result<void>{};
  const std::string where =
      "S3 bucket '" + options_.endpoint.bucket + "' at " + options_.endpoint.Describe();
  if (r->status == 404) {
    co_return MakeError(ErrorCode::kConfig,
                        where +
                            " does not exist: create it first (ringmail never creates "
                            "buckets)");
  }
  if (r->status == 403 || r->status == 401) {
    co_return MakeError(ErrorCode::kConfig, where + ": access denied (HTTP " +
                                                std::to_string(r->status) +
                                                "): check the credentials and the region");
  }
  co_return MakeError(ErrorCode::kConfig, where + ": unexpected HTTP " + std::to_string(r->status) +
                                              (r->status == 301 ? " (is the region right?)" : ""));
}

Task<Result<void>> S3Client::Put(std::string key, std::string_view body) {
  Call call;
  call.method = "PUT";
  call.key = std::move(key);
  call.body = body;
  call.payload_sha256 = Sha256Hex(body);
  call.headers.emplace_back("Content-MD5", Md5Base64(body));
  Result<HttpResponse> r = co_await Execute(&call);
  if (!r) co_return std::unexpected(r.error());
  if (!Success(*r)) co_return std::unexpected(StatusError(call, *r));
  co_return Result<void>{};
}

Task<Result<std::string>> S3Client::Get(std::string key) {
  Call call;
  call.method = "GET";
  call.key = std::move(key);
  call.body_size_max = options_.object_size_max;
  Result<HttpResponse> r = co_await Execute(&call);
  if (!r) co_return std::unexpected(r.error());
  if (r->status != 200) co_return std::unexpected(StatusError(call, *r));
  co_return std::move(r->body);
}

Task<Result<std::string>> S3Client::GetRange(std::string key, uint64_t first, uint64_t last) {
  if (first > last) co_return MakeError(ErrorCode::kInvalidArgument, "range first > last");
  Call call;
  call.method = "GET";
  call.key = std::move(key);
  call.headers.emplace_back("Range", "bytes=" + std::to_string(first) + "-" + std::to_string(last));
  // A server that ignores Range answers with the whole object: allow for it.
  call.body_size_max = options_.object_size_max;
  Result<HttpResponse> r = co_await Execute(&call);
  if (!r) co_return std::unexpected(r.error());
  if (r->status == 206) {
    if (RangeStart(r->content_range) != first) {
      co_return MakeError(ErrorCode::kIo, Describe(call) +
                                              ": 206 with a Content-Range that "
                                              "does not start at the asked byte");
    }
    co_return std::move(r->body);
  }
  if (r->status == 200) {
    if (first >= r->body.size()) co_return std::string();
    co_return r->body.substr(first, last - first + 1);
  }
  co_return std::unexpected(StatusError(call, *r));
}

Task<Result<ObjectInfo>> S3Client::Head(std::string key) {
  Call call;
  call.method = "HEAD";
  call.key = std::move(key);
  Result<HttpResponse> r = co_await Execute(&call);
  if (!r) co_return std::unexpected(r.error());
  if (r->status != 200) co_return std::unexpected(StatusError(call, *r));
  co_return ObjectInfo{r->content_length.value_or(0), std::move(r->etag),
                       std::move(r->last_modified)};
}

Task<Result<void>> S3Client::Delete(std::string key) {
  Call call;
  call.method = "DELETE";
  call.key = std::move(key);
  Result<HttpResponse> r = co_await Execute(&call);
  if (!r) co_return std::unexpected(r.error());
  if (Success(*r) || r->status == 404) co_return Result<void>{};
  co_return std::unexpected(StatusError(call, *r));
}

Task<Result<ListPage>> S3Client::List(std::string prefix, std::string continuation_token,
                                      uint32_t max_keys) {
  Call call;
  call.method = "GET";
  call.query.push_back({"list-type", "2"});
  call.query.push_back({"max-keys", std::to_string(std::clamp<uint32_t>(max_keys, 1, 1000))});
  call.query.push_back({"prefix", std::move(prefix)});
  if (!continuation_token.empty()) {
    call.query.push_back({"continuation-token", std::move(continuation_token)});
  }
  call.body_size_max = kListBodyMax;
  Result<HttpResponse> r = co_await Execute(&call);
  if (!r) co_return std::unexpected(r.error());
  if (r->status != 200) co_return std::unexpected(StatusError(call, *r));
  co_return ParseListObjectsV2(r->body);
}

Task<void> S3Client::CloseIdleConnections() {
  Reactor* reactor = Reactor::Current();
  CHECK(reactor != nullptr);
  const auto core = static_cast<size_t>(reactor->core());
  if (core >= pools_.size() || pools_[core] == nullptr) co_return;
  if (pools_[core]->reactor() != reactor) co_return;
  co_await pools_[core]->CloseIdle();
}

}  // namespace ringmail::s3
