// The digests the S3 client needs, from wolfCrypt: SHA-256 (payload hashes, SigV4),
// HMAC-SHA256 (the SigV4 key chain and signature) and MD5 (Content-MD5 on PUT, which makes
// the server verify what it received). Pure functions; any core or thread.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ringmail::s3 {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(std::string_view data);
// Lower-case hex of the SHA-256 of `data` (the form of x-amz-content-sha256).
std::string Sha256Hex(std::string_view data);
Sha256Digest HmacSha256(std::span<const uint8_t> key, std::string_view data);
// Base64 of the MD5 of `data`: the value of a Content-MD5 header.
std::string Md5Base64(std::string_view data);

std::string HexLower(std::span<const uint8_t> bytes);
std::string Base64(std::span<const uint8_t> bytes);

}  // namespace ringmail::s3
