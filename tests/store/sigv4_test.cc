// SigV4 against the published vectors: the aws-sig-v4-test-suite (service "service") and
// the worked S3 examples of the S3 API reference ("Signature Calculations for the
// Authorization Header"). Every expected value below is the published one.
#include "store/s3/sigv4.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/encoding.h"
#include "tls/digest.h"

namespace ringmail::s3 {
namespace {

constexpr std::string_view kSuiteDate = "20150830T123600Z";
const Credentials kSuiteCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};
constexpr SigningScope kSuiteScope{kSuiteDate, "us-east-1", "service"};
constexpr std::string_view kSuiteCredentialPrefix =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ";

constexpr std::string_view kS3Date = "20130524T000000Z";
const Credentials kS3Credentials{"AKIAIOSFODNN7EXAMPLE",
                                 "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};
constexpr SigningScope kS3Scope{kS3Date, "us-east-1", "s3"};
constexpr std::string_view kS3Host = "examplebucket.s3.amazonaws.com";

// One request of the test suite: host and x-amz-date are added as the suite's requests have
// them; `extra` are the request's other headers, as its .req file lists them.
struct SuiteCase {
  std::string method = "GET";
  std::string path = "/";
  std::vector<QueryParam> query;
  std::vector<HeaderField> extra;
  std::string body;
};

Signature SignSuite(const SuiteCase& c);

// The request `method path?query` with `extra` headers and `body`.
Signature Suite(std::string method, std::string path, std::vector<QueryParam> query = {},
                std::vector<HeaderField> extra = {}, std::string body = "") {
  SuiteCase c;
  c.method = std::move(method);
  c.path = std::move(path);
  c.query = std::move(query);
  c.extra = std::move(extra);
  c.body = std::move(body);
  return SignSuite(c);
}

Signature SignSuite(const SuiteCase& c) {
  std::vector<HeaderField> headers = {{"Host", "example.amazonaws.com"},
                                      {"X-Amz-Date", kSuiteDate}};
  headers.insert(headers.end(), c.extra.begin(), c.extra.end());
  const std::string payload = Sha256Hex(c.body);
  SigningInput input{c.method, c.path, c.query, headers, payload};
  return Sign(input, kSuiteScope, kSuiteCredentials);
}

std::string Authz(std::string_view signed_headers, std::string_view signature) {
  return std::string(kSuiteCredentialPrefix) + "SignedHeaders=" + std::string(signed_headers) +
         ", Signature=" + std::string(signature);
}

std::string StsHash(const Signature& s) {
  return s.string_to_sign.substr(s.string_to_sign.rfind('\n') + 1);
}

TEST(SigV4Suite, GetVanilla) {
  Signature s = Suite("GET", "/");
  EXPECT_EQ(s.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(
      s.authorization,
      Authz("host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
}

TEST(SigV4Suite, GetVanillaQueryOrderKeyCase) {
  Signature s = Suite("GET", "/", {{"Param2", "value2"}, {"Param1", "value1"}});
  EXPECT_NE(s.canonical_request.find("\n/\nParam1=value1&Param2=value2\n"), std::string::npos);
  EXPECT_EQ(
      s.authorization,
      Authz("host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"));
}

TEST(SigV4Suite, GetVanillaQueryOrderValue) {
  Signature s = Suite("GET", "/", {{"Param1", "value2"}, {"Param1", "value1"}});
  EXPECT_NE(s.canonical_request.find("\n/\nParam1=value1&Param1=value2\n"), std::string::npos);
  EXPECT_EQ(s.signature, "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694");
}

TEST(SigV4Suite, GetVanillaEmptyQueryKey) {
  Signature s = Suite("GET", "/", {{"Param1", "value1"}});
  EXPECT_EQ(s.signature, "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb");
}

TEST(SigV4Suite, GetVanillaQueryUnreserved) {
  const std::string u = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  Signature s = Suite("GET", "/", {{u, u}});
  EXPECT_NE(s.canonical_request.find("\n" + u + "=" + u + "\n"), std::string::npos);
  EXPECT_EQ(s.signature, "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197");
}

TEST(SigV4Suite, GetVanillaUtf8Query) {
  Signature s = Suite("GET", "/", {{"\xE1\x88\xB4", "bar"}});
  EXPECT_NE(s.canonical_request.find("\n%E1%88%B4=bar\n"), std::string::npos);
  EXPECT_EQ(s.signature, "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04");
}

TEST(SigV4Suite, GetHeaderValueTrim) {
  Signature s =
      Suite("GET", "/", {}, {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}});
  EXPECT_EQ(s.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\n"
            "x-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(StsHash(s), "a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7");
  EXPECT_EQ(s.authorization,
            Authz("host;my-header1;my-header2;x-amz-date",
                  "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"));
}

TEST(SigV4Suite, GetHeaderKeyDuplicate) {
  Signature s =
      Suite("GET", "/", {},
            {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}});
  EXPECT_NE(s.canonical_request.find("\nmy-header1:value2,value2,value1\n"), std::string::npos);
  EXPECT_EQ(StsHash(s), "dc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c");
  EXPECT_EQ(s.signature, "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea");
}

TEST(SigV4Suite, GetHeaderValueOrder) {
  Signature s = Suite("GET", "/", {},
                      {{"My-Header1", "value4"},
                       {"My-Header1", "value1"},
                       {"My-Header1", "value3"},
                       {"My-Header1", "value2"}});
  EXPECT_NE(s.canonical_request.find("\nmy-header1:value4,value1,value3,value2\n"),
            std::string::npos);
  EXPECT_EQ(s.signature, "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01");
}

TEST(SigV4Suite, GetUnreserved) {
  Signature s = Suite("GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
  EXPECT_EQ(StsHash(s), "6a968768eefaa713e2a6b16b589a8ea192661f098f37349f4e2c0082757446f9");
  EXPECT_EQ(s.signature, "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f");
}

TEST(SigV4Suite, GetUtf8) {
  Signature s = Suite("GET", "/\xE1\x88\xB4");
  EXPECT_EQ(s.canonical_request.substr(0, 15), "GET\n/%E1%88%B4\n");
  EXPECT_EQ(StsHash(s), "2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102");
  EXPECT_EQ(s.signature, "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
}

TEST(SigV4Suite, GetSpace) {
  Signature s = Suite("GET", "/example space/");
  EXPECT_EQ(s.canonical_request.substr(0, 23), "GET\n/example%20space/\n\n");
  EXPECT_EQ(s.signature, "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741");
}

TEST(SigV4Suite, PostVanilla) {
  EXPECT_EQ(Suite("POST", "/").signature,
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

TEST(SigV4Suite, PostVanillaQuery) {
  EXPECT_EQ(Suite("POST", "/", {{"Param1", "value1"}}).signature,
            "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11");
}

TEST(SigV4Suite, PostHeaderKeySortAndValueCase) {
  Signature sort = Suite("POST", "/", {}, {{"My-Header1", "value1"}});
  EXPECT_EQ(sort.authorization,
            Authz("host;my-header1;x-amz-date",
                  "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"));
  Signature value_case = Suite("POST", "/", {}, {{"My-Header1", "VALUE1"}});
  EXPECT_EQ(value_case.signature,
            "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d");
}

TEST(SigV4Suite, PostXWwwFormUrlencoded) {
  Signature s = Suite("POST", "/", {}, {{"Content-Type", "application/x-www-form-urlencoded"}},
                      "Param1=value1");
  EXPECT_EQ(s.canonical_request,
            "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\n"
            "host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "content-type;host;x-amz-date\n"
            "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  EXPECT_EQ(StsHash(s), "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281");
  EXPECT_EQ(s.authorization,
            Authz("content-type;host;x-amz-date",
                  "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"));
}

TEST(SigV4Suite, PostXWwwFormUrlencodedParameters) {
  Signature s =
      Suite("POST", "/", {}, {{"Content-Type", "application/x-www-form-urlencoded; charset=utf8"}},
            "Param1=value1");
  EXPECT_EQ(s.signature, "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe");
}

// ---- The S3 examples (examplebucket, 20130524) ----

Signature SignS3(std::string_view method, std::string_view path, std::vector<QueryParam> query,
                 std::vector<HeaderField> extra, std::string_view payload_sha256) {
  std::vector<HeaderField> headers = {
      {"Host", kS3Host}, {"x-amz-date", kS3Date}, {"x-amz-content-sha256", payload_sha256}};
  headers.insert(headers.end(), extra.begin(), extra.end());
  SigningInput input{method, path, query, headers, payload_sha256};
  return Sign(input, kS3Scope, kS3Credentials);
}

TEST(SigV4S3Examples, SigningKey) {
  EXPECT_EQ(HexLower(SigningKey(kS3Credentials.secret_access_key, "20130524", "us-east-1", "s3")),
            "dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378");
}

TEST(SigV4S3Examples, GetObjectWithRange) {
  Signature s = SignS3("GET", "/test.txt", {}, {{"Range", "bytes=0-9"}}, kEmptyPayloadSha256);
  EXPECT_EQ(
      s.canonical_request,
      "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(s.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4S3Examples, PutObject) {
  const std::string payload = Sha256Hex("Welcome to Amazon S3.");
  EXPECT_EQ(payload, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  Signature s = SignS3(
      "PUT", "/test$file.text", {},
      {{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
      payload);
  EXPECT_EQ(
      s.canonical_request,
      "PUT\n/test%24file.text\n\ndate:Fri, 24 May 2013 00:00:00 GMT\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "x-amz-content-sha256:44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072\n"
      "x-amz-date:20130524T000000Z\nx-amz-storage-class:REDUCED_REDUNDANCY\n\n"
      "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class\n"
      "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  EXPECT_EQ(StsHash(s), "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
  EXPECT_EQ(s.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4S3Examples, GetBucketLifecycle) {
  Signature s = SignS3("GET", "/", {{"lifecycle", ""}}, {}, kEmptyPayloadSha256);
  EXPECT_EQ(s.canonical_request.substr(0, 17), "GET\n/\nlifecycle=\n");
  EXPECT_EQ(StsHash(s), "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca");
  EXPECT_EQ(s.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4S3Examples, ListObjects) {
  Signature s = SignS3("GET", "/", {{"prefix", "J"}, {"max-keys", "2"}}, {}, kEmptyPayloadSha256);
  EXPECT_EQ(s.canonical_request.substr(0, 26), "GET\n/\nmax-keys=2&prefix=J\n");
  EXPECT_EQ(StsHash(s), "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7");
  EXPECT_EQ(s.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

// ---- Building blocks ----

TEST(SigV4Encoding, UriEncode) {
  EXPECT_EQ(UriEncode("a b+c/d~e", true), "a%20b%2Bc/d~e");
  EXPECT_EQ(UriEncode("a b+c/d~e", false), "a%20b%2Bc%2Fd~e");
  EXPECT_EQ(UriEncode("=&?#%", false), "%3D%26%3F%23%25");
  EXPECT_EQ(UriEncode("\xC3\xA9", false), "%C3%A9");
}

TEST(SigV4Encoding, CanonicalQuerySortsEncodedPairs) {
  std::vector<QueryParam> q = {
      {"prefix", "ab/cd"}, {"list-type", "2"}, {"continuation-token", "x+y="}};
  EXPECT_EQ(CanonicalQuery(q), "continuation-token=x%2By%3D&list-type=2&prefix=ab%2Fcd");
  EXPECT_EQ(CanonicalQuery({}), "");
}

TEST(SigV4Encoding, AmzDate) {
  EXPECT_EQ(AmzDate(1440938160), "20150830T123600Z");
  EXPECT_EQ(AmzDate(1369353600), "20130524T000000Z");
}

TEST(SigV4Digest, KnownValues) {
  EXPECT_EQ(Sha256Hex(""), kEmptyPayloadSha256);
  EXPECT_EQ(Md5Base64(""), "1B2M2Y8AsgTpgAmY7PhCfg==");
  // RFC 1864's example is for a header; RFC 1321's "abc" is 900150983cd24fb0d6963f7d28e17f72.
  EXPECT_EQ(Md5Base64("abc"), "kAFQmDzST7DWlj99KOF/cg==");
  auto b64 = [](std::string_view s) {
    return Base64(std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
  };
  EXPECT_EQ(b64("f"), "Zg==");  // RFC 4648 §10
  EXPECT_EQ(b64("fo"), "Zm8=");
  EXPECT_EQ(b64("foo"), "Zm9v");
  EXPECT_EQ(b64("foobar"), "Zm9vYmFy");
}

}  // namespace
}  // namespace ringmail::s3
