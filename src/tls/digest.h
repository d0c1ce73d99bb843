// Digests from wolfCrypt, for the S3 client and the directory: SHA-256 (payload hashes,
// SigV4, SCRAM), HMAC-SHA256 (the SigV4 key chain, SCRAM proofs), PBKDF2-HMAC-SHA256 (SCRAM's
// salted password), SHA-512 and SHA-1 (the {SSHA512}/{SSHA} password schemes operators
// migrate from) and MD5 (Content-MD5 on PUT, which makes the server verify what it
// received). Pure functions; any core or thread.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ringmail {

using Sha256Digest = std::array<uint8_t, 32>;
using Sha512Digest = std::array<uint8_t, 64>;
using Sha1Digest = std::array<uint8_t, 20>;

Sha256Digest Sha256(std::string_view data);
// Lower-case hex of the SHA-256 of `data` (the form of x-amz-content-sha256).
std::string Sha256Hex(std::string_view data);
Sha256Digest HmacSha256(std::span<const uint8_t> key, std::string_view data);
Sha512Digest Sha512(std::string_view data);
Sha1Digest Sha1(std::string_view data);
// PBKDF2 with HMAC-SHA256 (RFC 8018), one 32-byte block: SCRAM-SHA-256's Hi().
// REQUIRES: iterations >= 1.
Sha256Digest Pbkdf2Sha256(std::string_view password, std::string_view salt, int iterations);
// Equality in time that depends only on the lengths, for secrets and proofs.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// Base64 of the MD5 of `data`: the value of a Content-MD5 header.
std::string Md5Base64(std::string_view data);

}  // namespace ringmail
