// S3Client's multipart upload (CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
// AbortMultipartUpload): each one request through the same signed, retried path as a PUT.
#include "store/s3/s3_client.h"

namespace ringmail::s3 {
namespace {

bool Success(const HttpResponse& r) { return r.status >= 200 && r.status < 300; }

constexpr uint64_t kMultipartBodyMax = 64 << 10;  // the small XML answers

}  // namespace

Task<Result<std::string>> S3Client::CreateMultipartUpload(std::string key) {
  Call call;
  call.method = "POST";
  call.key = std::move(key);
  call.query.push_back({"uploads", ""});
  call.body_size_max = kMultipartBodyMax;
  Result<HttpResponse> r = co_await Execute(&call);
  if (!r) co_return std::unexpected(r.error());
  if (!Success(*r)) co_return std::unexpected(StatusError(call, *r));
  std::optional<std::string> id = ElementText(r->body, "UploadId");
  if (!id || id->empty()) {
    co_return MakeError(ErrorCode::kIo, Describe(call) + ": no UploadId in the answer");
  }
  co_return std::move(*id);
}

Task<Result<std::string>> S3Client::UploadPart(std::string key, std::string upload_id,
                                               uint32_t number, std::string_view body) {
  if (number == 0 || number > kPartsMax) {
    co_return MakeError(ErrorCode::kInvalidArgument, "part number out of range");
  }
  Call call;
  call.method = "PUT";
  call.key = std::move(key);
  call.query.push_back({"partNumber", std::to_string(number)});
  call.query.push_back({"uploadId", std::move(upload_id)});
  call.body = body;
  call.payload_sha256 = Sha256Hex(body);
  call.headers.emplace_back("Content-MD5", Md5Base64(body));
  call.body_size_max = kMultipartBodyMax;
  Result<HttpResponse> r = co_await Execute(&call);
  if (!r) co_return std::unexpected(r.error());
  if (!Success(*r)) co_return std::unexpected(StatusError(call, *r));
  if (r->etag.empty()) co_return MakeError(ErrorCode::kIo, Describe(call) + ": no ETag");
  co_return std::move(r->etag);
}

Task<Result<void>> S3Client::CompleteMultipartUpload(std::string key, std::string upload_id,
                                                     std::vector<std::string> etags) {
  std::string body = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < etags.size(); ++i) {
    // ETags are quoted hex digests: nothing in them needs escaping but '&', '<', '>'.
    std::string etag;
    for (char c : etags[i]) {
      etag += c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : std::string(1, c);
    }
    body += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + etag +
            "</ETag></Part>";
  }
  body += "</CompleteMultipartUpload>";
  Call call;
  call.method = "POST";
  call.key = std::move(key);
  call.query.push_back({"uploadId", std::move(upload_id)});
  call.body = body;
  call.payload_sha256 = Sha256Hex(body);
  call.body_size_max = kMultipartBodyMax;
  Result<HttpResponse> r = co_await Execute(&call);
  if (!r) co_return std::unexpected(r.error());
  // S3 may answer 200 and then fail the completion in the body.
  if (!Success(*r) || r->body.find("<Error>") != std::string::npos) {
    co_return MakeError(ErrorCode::kIo, Describe(call) + ": " + StatusDetail(*r));
  }
  co_return Result<void>{};
}

Task<Result<void>> S3Client::AbortMultipartUpload(std::string key, std::string upload_id) {
  Call call;
  call.method = "DELETE";
  call.key = std::move(key);
  call.query.push_back({"uploadId", std::move(upload_id)});
  call.body_size_max = kMultipartBodyMax;
  Result<HttpResponse> r = co_await Execute(&call);
  if (!r) co_return std::unexpected(r.error());
  if (Success(*r) || r->status == 404) co_return Result<void>{};
  co_return std::unexpected(StatusError(call, *r));
}

}  // namespace ringmail::s3
