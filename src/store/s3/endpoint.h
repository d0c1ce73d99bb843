// Where an S3 bucket is and how to address it, parsed from the `[storage] blobs` form
//
//   s3://BUCKET?endpoint=http://host:port&region=us-east-1&style=path
//
// `endpoint` defaults to https://s3.REGION.amazonaws.com, `region` to us-east-1, `style` to
// `virtual` without an endpoint (AWS) and `path` with one (MinIO, Ceph, SeaweedFS, s3rver...).
// Path style sends `Host: host:port` and `/BUCKET/KEY`; virtual style sends
// `Host: BUCKET.host:port` and `/KEY` (and resolves BUCKET.host). Parameter values may be
// percent-encoded. Pure code; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "store/s3/sigv4.h"

namespace ringmail::s3 {

enum class AddressingStyle { kPath, kVirtual };

struct Endpoint {
  std::string bucket;
  bool https = false;
  std::string host;  // the endpoint's host: a DNS name, IPv4, or IPv6 without brackets
  uint16_t port = 80;
  std::string region = "us-east-1";
  AddressingStyle style = AddressingStyle::kPath;

  // The name to connect to: the host, or BUCKET.host in virtual style.
  std::string ConnectHost() const;
  // The Host header (and signed host): ConnectHost(), bracketed if IPv6, with ":port" unless
  // the port is the scheme's default.
  std::string HostHeader() const;
  // The absolute, not yet encoded, path of an object ("" key: the bucket itself).
  std::string PathOf(std::string_view key) const;
  // "http://host:port" for messages (never credentials: the URL carries none).
  std::string Describe() const;
};

// Parses the config form above. kConfig, naming the parameter at fault without repeating
// the whole value (docs/config.md: the value may be sensitive).
Result<Endpoint> ParseS3Url(std::string_view url);

// The credentials from the config, or when both are empty from AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY. kConfig when neither provides both. Runs at start-up.
Result<Credentials> ResolveCredentials(std::string access_key_id, std::string secret_access_key);

}  // namespace ringmail::s3
