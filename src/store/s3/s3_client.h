// S3Client: the S3 operations the blob store needs, over plain HTTP/1.1 on the runtime,
// signed with SigV4 (store/s3/sigv4.h). One client serves every core: each core keeps its
// own keep-alive connections and in-flight bound (store/s3/connection_pool.h), so calls on
// different cores share nothing.
//
// Every call runs on the calling reactor core and completes there. Requests are retried with
// exponential backoff and jitter on connection failures, timeouts and 5xx answers (503
// SlowDown included), up to attempts_max attempts; every S3 request used here is idempotent.
// Errors:
//   kUnavailable  the endpoint could not be reached or kept failing (a temporary failure)
//   kNotFound     404 (object calls)
//   kIo           an invalid or oversized response, or another refusal (403, 400...)
//   kBusy         too many requests waiting on this core
//   kConfig       from Create and CheckBucket: the configuration cannot work
//
// Shutdown: before a core's reactor stops, co_await CloseIdleConnections() on that core
// (after its last request): connections belong to the core's ring.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "runtime/task.h"
#include "runtime/worker_pool.h"
#include "store/s3/connection_pool.h"
#include "store/s3/endpoint.h"
#include "store/s3/http_exchange.h"
#include "store/s3/sigv4.h"
#include "store/s3/xml.h"

namespace ringmail::s3 {

struct S3ClientOptions {
  Endpoint endpoint;
  Credentials credentials;
  WorkerPool* workers = nullptr;  // resolves a DNS-name endpoint; must outlive the client
  uint32_t connect_timeout_ms = 5000;
  uint32_t request_timeout_ms = 30000;  // a read or write making no progress for this long
  uint32_t attempts_max = 4;            // per call, the first included
  uint32_t backoff_base_ms = 100;       // before the 2nd attempt about this, doubling after
  uint32_t backoff_max_ms = 5000;
  uint32_t idle_connections_max = 16;  // per core
  uint32_t idle_timeout_ms = 4000;     // below common keep-alive timeouts (5 s and up)
  uint32_t inflight_max = 64;          // requests per core; more wait (FIFO)
  uint32_t waiting_max = 4096;         // waiting requests per core; more fail with kBusy
  uint64_t object_size_max = uint64_t{256} << 20;  // largest GET body accepted
  uint32_t cores_max = 256;                        // reactor core indexes below this
};

struct ObjectInfo {
  uint64_t size = 0;
  std::string etag;
  std::string last_modified;
};

class S3Client {
 public:
  // Validates the options (an https endpoint is refused until the TLS layer exists; a DNS
  // name needs a worker pool). Does no I/O: see CheckBucket.
  static Result<std::unique_ptr<S3Client>> Create(S3ClientOptions options);
  ~S3Client();

  // HEAD bucket, for start-up: kConfig when the bucket does not exist (it is never created
  // here) or access is denied; kUnavailable when the endpoint cannot be reached.
  Task<Result<void>> CheckBucket();

  // PUT with Content-MD5 and the payload's SHA-256 signed. `body` must stay valid until the
  // task completes.
  Task<Result<void>> Put(std::string key, std::string_view body);
  Task<Result<std::string>> Get(std::string key);
  // Bytes first..last (inclusive) of the object. kInvalidArgument if first > last; a range
  // past the end is shortened by the server (416 when it starts past the end: kIo).
  Task<Result<std::string>> GetRange(std::string key, uint64_t first, uint64_t last);
  Task<Result<ObjectInfo>> Head(std::string key);
  // Absent objects are not an error (S3 answers 204 either way).
  Task<Result<void>> Delete(std::string key);
  // One ListObjectsV2 page of keys starting with `prefix`; pass the previous page's
  // next_continuation_token ("" for the first page). max_keys: 1..1000.
  Task<Result<ListPage>> List(std::string prefix, std::string continuation_token,
                              uint32_t max_keys = 1000);

  // Multipart upload (s3_multipart.cc): an object sent in parts, so that it is never whole in
  // memory. Every part but the last holds at least kPartSizeMin bytes; parts are numbered
  // 1..kPartsMax and may be sent in any order. Create returns the upload's id; UploadPart the
  // part's ETag; Complete takes the ETags by part number (etags[0] is part 1) and makes the
  // object (a 200 carrying an error document is an error); Abort drops the parts sent.
  static constexpr uint64_t kPartSizeMin = 5 << 20;
  static constexpr uint32_t kPartsMax = 10000;
  Task<Result<std::string>> CreateMultipartUpload(std::string key);
  Task<Result<std::string>> UploadPart(std::string key, std::string upload_id, uint32_t number,
                                       std::string_view body);
  Task<Result<void>> CompleteMultipartUpload(std::string key, std::string upload_id,
                                             std::vector<std::string> etags);
  Task<Result<void>> AbortMultipartUpload(std::string key, std::string upload_id);

  // Closes this core's idle connections. REQUIRES: no call in flight on this core.
  Task<void> CloseIdleConnections();

  const Endpoint& endpoint() const { return options_.endpoint; }
  const S3ClientOptions& options() const { return options_; }

 private:
  // One logical request, the same for every attempt.
  struct Call {
    std::string_view method;
    std::string key;  // "" for the bucket itself
    std::vector<QueryParam> query;
    std::vector<std::pair<std::string, std::string>> headers;  // signed: Range, Content-MD5
    std::string_view body;
    std::string payload_sha256 = std::string(kEmptyPayloadSha256);
    uint64_t body_size_max = 1 << 20;
  };
  // One attempt's request: it is signed with the time it is sent. `headers` point into the
  // strings here and into the Call, so a Prepared is filled in place and never moved.
  struct Prepared {
    std::string host, amz_date, target, authorization;
    std::vector<HeaderField> headers;
  };

  explicit S3Client(S3ClientOptions options);
  CorePool* Pool();
  ResponseLimits Limits(const Call* call) const;
  // All attempts of one call: a response with a status below 500 (429 is retried too), or
  // kUnavailable / kIo / kBusy.
  Task<Result<HttpResponse>> Execute(const Call* call);
  // One attempt; *retryable says whether an error may be retried.
  Task<Result<HttpResponse>> Attempt(CorePool* pool, const Call* call, bool* retryable);
  void PrepareRequest(const Call& call, Prepared* out) const;
  uint64_t BackoffMs(uint32_t retry) const;
  std::string Describe(const Call& call) const;
  // "HTTP 503 SlowDown: Please reduce your request rate."
  static std::string StatusDetail(const HttpResponse& response);
  // The error for a final answer that is not a success.
  Error StatusError(const Call& call, const HttpResponse& response) const;

  S3ClientOptions options_;
  PoolConfig pool_config_;
  std::vector<std::unique_ptr<CorePool>> pools_;  // by core index; each used by its core only
};

}  // namespace ringmail::s3
