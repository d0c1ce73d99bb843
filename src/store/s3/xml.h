// The little XML the S3 client reads: ListObjectsV2 results and error documents. Not an XML
// parser: it finds elements by name in documents S3 servers generate (no attributes on the
// elements read, no CDATA, no comments inside them) and decodes the five predefined entities
// and numeric character references. Pure code; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace ringmail::s3 {

struct ListEntry {
  std::string key;
  std::string last_modified;  // as sent: ISO 8601 ("2026-01-01T00:00:00.000Z")
  uint64_t size = 0;
};

struct ListPage {
  std::vector<ListEntry> entries;
  bool truncated = false;
  std::string next_continuation_token;  // set when truncated
};

// The decoded text of the first <tag>…</tag> in `xml` at or after `from`, or nullopt.
std::optional<std::string> ElementText(std::string_view xml, std::string_view tag, size_t from = 0);

// A ListObjectsV2 result. kIo when it is not one (no ListBucketResult, a Contents without a
// Key, a truncated page without a continuation token).
Result<ListPage> ParseListObjectsV2(std::string_view xml);

// Unix seconds of a ListObjectsV2 LastModified, "2026-01-01T12:34:56.789Z" (fraction
// optional, dropped); nullopt when it is not in that form.
std::optional<int64_t> ParseIsoTime(std::string_view text);

// "NoSuchKey: The specified key does not exist." from an S3 error document, or "" when the
// body is not one.
std::string DescribeErrorDocument(std::string_view xml);

}  // namespace ringmail::s3
