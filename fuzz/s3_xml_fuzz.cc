// libFuzzer target for the S3 client's answers and its URL: ListObjectsV2 pages and error
// documents (bytes from the network) and the `[storage] blobs` s3:// form. Any input must
// give a value or an error, never a crash, a hang or a leak.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "store/s3/endpoint.h"
#include "store/s3/xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ringmail::Result<ringmail::s3::ListPage> page = ringmail::s3::ParseListObjectsV2(text);
  if (page) {
    CHECK(!page->truncated || !page->next_continuation_token.empty());
    for (const ringmail::s3::ListEntry& e : page->entries) CHECK(e.key.size() <= size);
  } else {
    CHECK(page.error().code == ringmail::ErrorCode::kIo);
  }
  // Code and Message may overlap in a malformed document: each is at most the input.
  CHECK(ringmail::s3::DescribeErrorDocument(text).size() <= 2 * size + 2);
  ringmail::Result<ringmail::s3::Endpoint> endpoint = ringmail::s3::ParseS3Url(text);
  if (endpoint) {
    CHECK(!endpoint->bucket.empty() && !endpoint->host.empty() && endpoint->port != 0);
    CHECK(endpoint->PathOf("k").starts_with("/"));
  } else {
    CHECK(endpoint.error().code == ringmail::ErrorCode::kConfig);
  }
  return 0;
}
