// The S3 client's pure parts: the blobs URL, credentials, request heads, XML.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "store/s3/endpoint.h"
#include "store/s3/http_exchange.h"
#include "store/s3/xml.h"

namespace ringmail::s3 {
namespace {

TEST(S3Endpoint, PathStyleWithEndpoint) {
  Result<Endpoint> e =
      ParseS3Url("s3://mail-blobs?endpoint=http://10.0.0.5:9000&region=eu-west-1&style=path");
  ASSERT_TRUE(e.has_value()) << e.error().ToString();
  EXPECT_EQ(e->bucket, "mail-blobs");
  EXPECT_FALSE(e->https);
  EXPECT_EQ(e->host, "10.0.0.5");
  EXPECT_EQ(e->port, 9000);
  EXPECT_EQ(e->region, "eu-west-1");
  EXPECT_EQ(e->style, AddressingStyle::kPath);
  EXPECT_EQ(e->HostHeader(), "10.0.0.5:9000");
  EXPECT_EQ(e->ConnectHost(), "10.0.0.5");
  EXPECT_EQ(e->PathOf("ab/cd/abcd"), "/mail-blobs/ab/cd/abcd");
  EXPECT_EQ(e->PathOf(""), "/mail-blobs");
}

TEST(S3Endpoint, VirtualStyle) {
  Result<Endpoint> e = ParseS3Url("s3://mail-blobs?endpoint=http://s3.example.test&style=virtual");
  ASSERT_TRUE(e.has_value()) << e.error().ToString();
  EXPECT_EQ(e->port, 80);
  EXPECT_EQ(e->region, "us-east-1");
  EXPECT_EQ(e->HostHeader(), "mail-blobs.s3.example.test");
  EXPECT_EQ(e->ConnectHost(), "mail-blobs.s3.example.test");
  EXPECT_EQ(e->PathOf("ab/cd/abcd"), "/ab/cd/abcd");
  EXPECT_EQ(e->PathOf(""), "/");
}

TEST(S3Endpoint, DefaultsToAwsVirtualHttps) {
  Result<Endpoint> e = ParseS3Url("s3://mail-blobs?region=eu-central-1");
  ASSERT_TRUE(e.has_value()) << e.error().ToString();
  EXPECT_TRUE(e->https);
  EXPECT_EQ(e->port, 443);
  EXPECT_EQ(e->style, AddressingStyle::kVirtual);
  EXPECT_EQ(e->HostHeader(), "mail-blobs.s3.eu-central-1.amazonaws.com");
}

TEST(S3Endpoint, Ipv6AndEncodedParameters) {
  Result<Endpoint> e = ParseS3Url("s3://b1?endpoint=http%3A%2F%2F%5B%3A%3A1%5D%3A9000%2F");
  ASSERT_TRUE(e.has_value()) << e.error().ToString();
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(e->HostHeader(), "[::1]:9000");
  EXPECT_EQ(e->Describe(), "http://[::1]:9000");
}

TEST(S3Endpoint, Refusals) {
  for (const char* bad : {
           "file://x",
           "s3://",
           "s3://b?endpoint=ftp://h",
           "s3://b?endpoint=http://h:0",
           "s3://b?endpoint=http://h:99999",
           "s3://b?endpoint=http://h/prefix",
           "s3://b?endpoint=http://user@h",
           "s3://b?endpoint=http://",
           "s3://b?style=sideways",
           "s3://b?colour=blue",
           "s3://b?endpoint=%zz",
           "s3://Upper?endpoint=http://h&style=virtual",
           "s3://ok-bucket?endpoint=http://127.0.0.1:9000&style=virtual",
           "s3://bad/bucket?endpoint=http://h",
       }) {
    Result<Endpoint> e = ParseS3Url(bad);
    EXPECT_FALSE(e.has_value()) << bad;
    if (!e) {
      EXPECT_EQ(e.error().code, ErrorCode::kConfig) << bad;
    }
  }
  // Legacy bucket names work in path style.
  EXPECT_TRUE(ParseS3Url("s3://Old_Bucket?endpoint=http://h&style=path").has_value());
}

TEST(S3Endpoint, CredentialsFromConfigOrEnvironment) {
  ::setenv("AWS_ACCESS_KEY_ID", "env-id", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
  Result<Credentials> config = ResolveCredentials("id", "secret");
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->access_key_id, "id");
  Result<Credentials> env = ResolveCredentials("", "");
  ASSERT_TRUE(env.has_value());
  EXPECT_EQ(env->access_key_id, "env-id");
  EXPECT_EQ(env->secret_access_key, "env-secret");
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  Result<Credentials> none = ResolveCredentials("", "");
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, ErrorCode::kConfig);
  ::unsetenv("AWS_ACCESS_KEY_ID");
}

TEST(S3HttpExchange, SerializesTheHead) {
  const HeaderField headers[] = {{"Host", "h:9000"}, {"Range", "bytes=0-9"}};
  EXPECT_EQ(SerializeRequestHead({"GET", "/b/k", headers, ""}),
            "GET /b/k HTTP/1.1\r\nHost: h:9000\r\nRange: bytes=0-9\r\n\r\n");
  EXPECT_EQ(SerializeRequestHead({"PUT", "/b/k", {}, ""}),
            "PUT /b/k HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(SerializeRequestHead({"PUT", "/b/k", {}, "abc"}),
            "PUT /b/k HTTP/1.1\r\nContent-Length: 3\r\n\r\n");
}

TEST(S3Xml, ListPage) {
  Result<ListPage> page = ParseListObjectsV2(
      "<ListBucketResult><Name>b</Name><IsTruncated>false</IsTruncated>"
      "<Contents><Key>a/&lt;1&gt;&#x41;&#66;</Key><Size>12</Size></Contents>"
      "<Contents><Key>a/2</Key><LastModified>2026</LastModified><Size>0</Size></Contents>"
      "</ListBucketResult>");
  ASSERT_TRUE(page.has_value()) << page.error().ToString();
  ASSERT_EQ(page->entries.size(), 2u);
  EXPECT_EQ(page->entries[0].key, "a/<1>AB");
  EXPECT_EQ(page->entries[0].size, 12u);
  EXPECT_EQ(page->entries[1].last_modified, "2026");
  EXPECT_FALSE(page->truncated);

  Result<ListPage> empty = ParseListObjectsV2("<ListBucketResult></ListBucketResult>");
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->entries.empty());

  EXPECT_FALSE(ParseListObjectsV2("<Error><Code>x</Code></Error>").has_value());
  EXPECT_FALSE(ParseListObjectsV2("<ListBucketResult><Contents><Size>1</Size></Contents>"
                                  "</ListBucketResult>")
                   .has_value());
  EXPECT_FALSE(ParseListObjectsV2("<ListBucketResult><IsTruncated>true</IsTruncated>"
                                  "</ListBucketResult>")
                   .has_value());
}

TEST(S3Xml, ErrorDocument) {
  EXPECT_EQ(DescribeErrorDocument("<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code>"
                                  "<Message>The bucket &quot;x&quot; is gone</Message></Error>"),
            "NoSuchBucket: The bucket \"x\" is gone");
  EXPECT_EQ(DescribeErrorDocument("not xml"), "");
  EXPECT_EQ(DescribeErrorDocument("<Error><Code>Only</Code></Error>"), "Only");
}

}  // namespace
}  // namespace ringmail::s3
