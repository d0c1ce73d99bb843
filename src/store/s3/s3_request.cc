// S3Client's request path: signing, the attempt on a pooled connection, retries.
#include <cstring>
#include <ctime>
#include <random>

#include "base/check.h"
#include "base/log.h"
#include "base/version.h"
#include "runtime/awaitables.h"
#include "store/s3/s3_client.h"

namespace ringmail::s3 {
namespace {

// Statuses worth another attempt: server-side failures and throttling (503 SlowDown, and
// 429 from S3-compatible servers).
bool RetryableStatus(int status) { return status >= 500 || status == 429; }

// The error's message with its errno spelled out ("connect 10.0.0.1:9000 (Connection
// refused)"), for the message of the final kUnavailable.
std::string Reason(const Error& e) {
  if (e.sys_errno == 0) return e.message;
  return e.message + " (" + strerrordesc_np(e.sys_errno) + ")";
}

uint64_t JitterSeed() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_nsec) ^ reinterpret_cast<uintptr_t>(&ts);
}

}  // namespace

void S3Client::PrepareRequest(const Call& call, Prepared* out) const {
  const Endpoint& e = options_.endpoint;
  out->host = e.HostHeader();
  out->amz_date = AmzDate(std::time(nullptr));
  const std::string path = e.PathOf(call.key);
  const std::string query = CanonicalQuery(call.query);
  out->target = UriEncode(path, true);
  if (!query.empty()) out->target += "?" + query;

  out->headers.clear();
  out->headers.push_back({"Host", out->host});
  out->headers.push_back({"x-amz-date", out->amz_date});
  out->headers.push_back({"x-amz-content-sha256", call.payload_sha256});
  for (const auto& [name, value] : call.headers) out->headers.push_back({name, value});
  const SigningInput input{call.method, path, call.query, out->headers, call.payload_sha256};
  const SigningScope scope{out->amz_date, e.region, "s3"};
  out->authorization = Sign(input, scope, options_.credentials).authorization;
  out->headers.push_back({"Authorization", out->authorization});
  static const std::string user_agent = std::string("ringmail/") + kVersion;  // headers are views
  out->headers.push_back({"User-Agent", user_agent});
}

Task<Result<HttpResponse>> S3Client::Attempt(CorePool* pool, const Call* call, bool* retryable) {
  *retryable = true;
  for (bool fresh = false;; fresh = true) {
    Result<CorePool::Lease> lease = co_await pool->Acquire(fresh);
    if (!lease) {
      // Resolution or connect failures (kConfig aside) are the endpoint being away.
      *retryable = lease.error().code != ErrorCode::kConfig;
      co_return std::unexpected(lease.error());
    }
    std::unique_ptr<Connection> conn = std::move(lease->conn);
    const bool reused = lease->reused;
    Prepared prepared;
    PrepareRequest(*call, &prepared);
    const HttpRequest request{call->method, prepared.target, prepared.headers, call->body};
    ExchangeStats stats;
    Result<HttpResponse> response = co_await Exchange(conn.get(), request, Limits(call), &stats);
    const bool reusable = response.has_value() && response->reusable;
    co_await pool->Release(std::move(conn), reusable);
    if (response) co_return std::move(response);
    // A kept-alive connection the server closed while it sat idle fails before any answer:
    // that says nothing about the server, so try once more on a new connection at once.
    if (reused && !fresh && stats.transport_failure && !stats.response_started) continue;
    *retryable = stats.transport_failure;
    co_return std::move(response);
  }
}

Task<Result<HttpResponse>> S3Client::Execute(const Call* call) {
  CorePool* pool = Pool();
  Result<void> slot = co_await pool->EnterFlight();
  if (!slot) co_return std::unexpected(slot.error());
  Error last;
  for (uint32_t attempt = 1; attempt <= options_.attempts_max; ++attempt) {
    if (attempt > 1) co_await Sleep(BackoffMs(attempt - 1));
    bool retryable = false;
    Result<HttpResponse> response = co_await Attempt(pool, call, &retryable);
    if (response ? !RetryableStatus(response->status) : !retryable) {
      pool->LeaveFlight();
      co_return std::move(response);
    }
    last = response ? Error{ErrorCode::kIo, StatusDetail(*response), 0} : response.error();
    Log(LogLevel::kInfo, "s3_retry", "request", Describe(*call), "attempt", attempt, "error",
        Reason(last));
  }
  pool->LeaveFlight();
  co_return MakeError(ErrorCode::kUnavailable, Describe(*call) + ": unavailable after " +
                                                   std::to_string(options_.attempts_max) +
                                                   " attempts: " + Reason(last));
}

uint64_t S3Client::BackoffMs(uint32_t retry) const {
  thread_local std::minstd_rand rng(static_cast<std::minstd_rand::result_type>(JitterSeed()));
  const uint32_t doublings = std::min<uint32_t>(retry - 1, 20);
  const uint64_t cap =
      std::min<uint64_t>(options_.backoff_max_ms, uint64_t{options_.backoff_base_ms} << doublings);
  // "Equal jitter": half the cap for certain, the rest at random, so that clients that
  // failed together do not come back together.
  return cap / 2 + rng() % (cap / 2 + 1);
}

ResponseLimits S3Client::Limits(const Call* call) const {
  ResponseLimits limits;
  limits.body_size_max = call->body_size_max;
  return limits;
}

std::string S3Client::Describe(const Call& call) const {
  return "S3 " + std::string(call.method) + " " + options_.endpoint.PathOf(call.key) + " at " +
         options_.endpoint.Describe();
}

std::string S3Client::StatusDetail(const HttpResponse& response) {
  std::string detail = "HTTP " + std::to_string(response.status);
  const std::string document = DescribeErrorDocument(response.body);
  if (!document.empty()) detail += " " + document;
  return detail;
}

Error S3Client::StatusError(const Call& call, const HttpResponse& response) const {
  const ErrorCode code = response.status == 404 ? ErrorCode::kNotFound : ErrorCode::kIo;
  return Error{code, Describe(call) + ": " + StatusDetail(response), 0};
}

CorePool* S3Client::Pool() {
  Reactor* reactor = Reactor::Current();
  CHECK(reactor != nullptr, "S3 calls run on a reactor core");
  const int core = reactor->core();
  CHECK(core >= 0 && static_cast<size_t>(core) < pools_.size(), "core index over cores_max");
  std::unique_ptr<CorePool>& pool = pools_[static_cast<size_t>(core)];
  // A new reactor on a core index seen before (tests run one reactor after another): the
  // old pool must have been emptied; its destructor checks.
  if (pool != nullptr && pool->reactor() != reactor) pool.reset();
  if (pool == nullptr) pool = std::make_unique<CorePool>(&pool_config_, reactor);
  return pool.get();
}

}  // namespace ringmail::s3
