// AWS Signature Version 4 for S3 requests sent with an Authorization header
// (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html).
//
//   canonical request = METHOD \n URI \n QUERY \n HEADERS \n SIGNED-HEADERS \n PAYLOAD-HASH
//   string to sign    = "AWS4-HMAC-SHA256" \n AMZ-DATE \n SCOPE \n hex(SHA-256(canonical request))
//   scope             = DATE/REGION/SERVICE/aws4_request
//   signing key       = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, DATE), REGION), SERVICE),
//                            "aws4_request")
//   signature         = hex(HMAC(signing key, string to sign))
//
// S3's rules, which differ from other services': the path is URI-encoded exactly once
// ('/' kept) and never normalised ("a//b", "./" stay as they are). The same code signs the
// generic aws-sig-v4-test-suite requests whose paths need no normalisation.
//
// Pure functions over their inputs (the caller supplies the date); any core or thread.
#pragma once

#include <ctime>
#include <span>
#include <string>
#include <string_view>

#include "tls/digest.h"

namespace ringmail::s3 {

// The x-amz-content-sha256 value of a request whose payload is not hashed.
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// SHA-256 of the empty string: the payload hash of a request without a body.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
};

// A query parameter, not encoded: the signer and the request line encode it the same way.
struct QueryParam {
  std::string name;
  std::string value;  // "" for a bare name ("?lifecycle" is signed as "lifecycle=")
};

// A header as sent. Names are compared case-insensitively; a name given twice is signed as
// one comma-separated value, in the order given.
struct HeaderField {
  std::string_view name;
  std::string_view value;
};

struct SigningInput {
  std::string_view method;  // "GET"
  std::string_view path;    // absolute and not encoded: "/bucket/ab/cd/abcd…"
  std::span<const QueryParam> query;
  std::span<const HeaderField> headers;  // every header to sign; must include host
  std::string_view payload_sha256;       // lower-case hex, or kUnsignedPayload
};

struct SigningScope {
  std::string_view amz_date;  // "20150830T123600Z" (also sent as x-amz-date)
  std::string_view region;    // "us-east-1"
  std::string_view service;   // "s3"
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // 64 lower-case hex digits
  std::string authorization;  // the Authorization header's value
};

// RFC 3986 percent-encoding as SigV4 wants it: everything but A-Z a-z 0-9 - . _ ~ becomes
// %XX (upper-case hex, bytes of the UTF-8 form); '/' is kept when `keep_slash`.
std::string UriEncode(std::string_view text, bool keep_slash);

// The canonical query string: encoded names and values, sorted by name then value, joined
// with '&'. Also the query string to send, so that what is signed is what is sent.
std::string CanonicalQuery(std::span<const QueryParam> query);

// "20150830T123600Z" for a UTC time.
std::string AmzDate(std::time_t utc);

std::string CanonicalRequest(const SigningInput& input);
std::string StringToSign(std::string_view canonical_request, const SigningScope& scope);
Sha256Digest SigningKey(std::string_view secret_access_key, std::string_view date,
                        std::string_view region, std::string_view service);

// Everything above at once, ending in the Authorization header for `credentials`.
// REQUIRES: scope.amz_date has the AmzDate form.
Signature Sign(const SigningInput& input, const SigningScope& scope,
               const Credentials& credentials);

}  // namespace ringmail::s3
