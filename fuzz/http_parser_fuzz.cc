// libFuzzer target for src/http: request heads, response heads, chunked bodies, and the
// response writer read back by the response parser.
//
// Input: byte 0 is a selector, the rest is the message: a request or response head, whose
// body (the bytes after the head, or all of them when no head parses) goes to the chunked
// decoder. The selector's low bit picks the limits (the defaults, or small ones the fuzzer
// can exceed); the whole selector picks where the message is split for the incremental checks.
//
// Invariants: consumed <= size; on kDone every view of a head lies inside the bytes it
// consumed; kError carries a known status and a reason; a prefix of the message gives
// kNeedMore or exactly the whole message's result; a chunked body fed in two pieces (the
// unconsumed rest of the first re-fed ahead of the second, as a connection does) decodes as
// when fed whole; what AppendChunk and WriteResponse produce parses back to what went in.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "base/check.h"
#include "exact_copy.h"
#include "http/chunked.h"
#include "http/parser.h"
#include "http/response_writer.h"

namespace ringmail::http {
namespace {

using fuzzing::ExactCopy;

bool Inside(std::string_view v, std::string_view in, size_t consumed) {
  auto begin = reinterpret_cast<uintptr_t>(in.data());
  auto p = reinterpret_cast<uintptr_t>(v.data());
  return p >= begin && p + v.size() <= begin + consumed;
}

void CheckResult(const ParseResult& r, std::string_view in) {
  CHECK(r.consumed <= in.size());
  CHECK(r.reason != nullptr);
  if (r.state == ParseState::kError) {
    CHECK(r.status == 400 || r.status == 413 || r.status == 414 || r.status == 431 ||
          r.status == 501 || r.status == 505);
    CHECK(r.reason[0] != '\0');
  } else {
    CHECK(r.status == 0);
  }
}

void CheckHeaders(const std::vector<Header>& headers, std::string_view in, size_t consumed,
                  const Limits& limits) {
  CHECK(headers.size() <= limits.header_count_max);
  for (const Header& h : headers) {
    CHECK(IsToken(h.name));
    CHECK(Inside(h.name, in, consumed) && Inside(h.value, in, consumed));
  }
}

void CheckSame(const ParseResult& part, const ParseResult& whole) {
  if (part.state == ParseState::kNeedMore) return;
  CHECK(part.state == whole.state && part.status == whole.status);
  CHECK(part.consumed == whole.consumed && std::strcmp(part.reason, whole.reason) == 0);
}

// Returns the size of the head when it parsed, else 0.
size_t FuzzRequest(std::string_view in, size_t split, const Limits& limits) {
  RequestHead head;
  ParseResult whole = ParseRequestHead(in, limits, &head);
  CheckResult(whole, in);
  if (whole.state == ParseState::kNeedMore) CHECK(in.size() <= limits.head_size_max);
  if (whole.state == ParseState::kDone) {
    CHECK(whole.consumed <= limits.head_size_max && whole.consumed > 0);
    for (std::string_view v : {head.method, head.target, head.path, head.query}) {
      CHECK(Inside(v, in, whole.consumed));
    }
    CHECK(IsToken(head.method) && head.target.size() <= limits.target_size_max);
    CHECK(head.version_minor == 0 || head.version_minor == 1);
    CHECK(!(head.chunked && head.content_length.has_value()));
    CheckHeaders(head.headers, in, whole.consumed, limits);
  }
  ExactCopy prefix(in.substr(0, split));
  ParseResult part = ParseRequestHead(prefix.view(), limits, &head);
  CheckResult(part, prefix.view());
  CheckSame(part, whole);
  return whole.state == ParseState::kDone ? whole.consumed : 0;
}

size_t FuzzResponse(std::string_view in, size_t split, const Limits& limits) {
  ResponseHead head;
  ParseResult whole = ParseResponseHead(in, limits, &head);
  CheckResult(whole, in);
  if (whole.state == ParseState::kDone) {
    CHECK(whole.consumed <= limits.head_size_max);
    CHECK(head.status >= 100 && head.status <= 599);
    CHECK(Inside(head.reason, in, whole.consumed));
    CHECK(!(head.chunked && head.content_length.has_value()));
    CheckHeaders(head.headers, in, whole.consumed, limits);
  }
  ExactCopy prefix(in.substr(0, split));
  ParseResult part = ParseResponseHead(prefix.view(), limits, &head);
  CheckResult(part, prefix.view());
  CheckSame(part, whole);
  return whole.state == ParseState::kDone ? whole.consumed : 0;
}

void FuzzChunked(std::string_view in, size_t split, const ChunkedLimits& limits) {
  ChunkedDecoder whole_decoder(limits);
  std::string whole_body;
  ParseResult whole = whole_decoder.Feed(in, &whole_body);
  CheckResult(whole, in);
  CHECK(whole_body.size() <= limits.body_size_max);
  if (whole.state != ParseState::kNeedMore) {  // finished: it takes nothing more
    ParseResult again = whole_decoder.Feed(in, nullptr);
    CHECK(again.state == whole.state && again.consumed == 0);
  }

  ChunkedDecoder decoder(limits);
  std::string body;
  ExactCopy first(in.substr(0, split));
  ParseResult r = decoder.Feed(first.view(), &body);
  CheckResult(r, first.view());
  size_t consumed = r.consumed;
  if (r.state == ParseState::kNeedMore) {
    ExactCopy second(in.substr(consumed));  // the unconsumed rest, then the other piece
    r = decoder.Feed(second.view(), &body);
    CheckResult(r, second.view());
    consumed += r.consumed;
  }
  CHECK(r.state == whole.state && r.status == whole.status);
  if (r.state != ParseState::kError) CHECK(consumed == whole.consumed && body == whole_body);
}

void FuzzEncoders(std::string_view data, size_t split, bool keep_alive) {
  std::string encoded;
  AppendChunk(&encoded, data.substr(0, split));
  AppendChunk(&encoded, data.substr(split));
  AppendLastChunk(&encoded);
  ChunkedDecoder decoder(ChunkedLimits{.body_size_max = data.size()});
  std::string body;
  ParseResult r = decoder.Feed(encoded, &body);
  CHECK(r.state == ParseState::kDone && r.consumed == encoded.size() && body == data);

  std::string response;
  int status = keep_alive ? 200 : 404;
  WriteResponse(&response, status, "application/octet-stream", data, keep_alive);
  ResponseHead head;
  r = ParseResponseHead(response, Limits{}, &head);
  CHECK(r.state == ParseState::kDone && head.status == status && head.keep_alive == keep_alive);
  CHECK(head.content_length == data.size() && response.substr(r.consumed) == data);
}

}  // namespace
}  // namespace ringmail::http

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ringmail::http;
  if (size == 0) return 0;
  uint8_t selector = data[0];
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  size_t split = in.size() * selector / 255;
  Limits limits;
  ChunkedLimits chunked_limits;
  if (selector & 1) {
    limits = Limits{.head_size_max = 200, .header_count_max = 4, .target_size_max = 32};
    chunked_limits =
        ChunkedLimits{.body_size_max = 64, .line_size_max = 16, .trailer_size_max = 48};
  }
  size_t request_head_size = FuzzRequest(in, split, limits);
  size_t response_head_size = FuzzResponse(in, split, limits);
  size_t head_size = request_head_size != 0 ? request_head_size : response_head_size;
  // A body follows its head: decode what comes after a head that parsed.
  std::string_view body = in.substr(head_size);
  FuzzChunked(body, body.size() * selector / 255, chunked_limits);
  FuzzEncoders(in, split, selector & 2);
  return 0;
}
