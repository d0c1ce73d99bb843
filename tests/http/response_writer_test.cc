#include "http/response_writer.h"

#include <gtest/gtest.h>

#include <string>

namespace ringmail::http {
namespace {

TEST(ReasonPhrase, Known) {
  EXPECT_EQ(ReasonPhrase(200), "OK");
  EXPECT_EQ(ReasonPhrase(100), "Continue");
  EXPECT_EQ(ReasonPhrase(404), "Not Found");
  EXPECT_EQ(ReasonPhrase(413), "Content Too Large");
  EXPECT_EQ(ReasonPhrase(414), "URI Too Long");
  EXPECT_EQ(ReasonPhrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(ReasonPhrase(501), "Not Implemented");
  EXPECT_EQ(ReasonPhrase(505), "HTTP Version Not Supported");
}

TEST(ReasonPhrase, UnknownIsEmpty) {
  EXPECT_EQ(ReasonPhrase(299), "");
  EXPECT_EQ(ReasonPhrase(0), "");
  EXPECT_EQ(ReasonPhrase(-1), "");
}

TEST(WriteResponse, KeepAlive) {
  std::string out;
  WriteResponse(&out, 200, "text/plain; version=0.0.4", "up 1\n", true);
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\n"
            "Content-Type: text/plain; version=0.0.4\r\n"
            "Content-Length: 5\r\n"
            "\r\n"
            "up 1\n");
}

TEST(WriteResponse, CloseAndExtraFields) {
  std::string out = "previous";
  Header extra[] = {{"Allow", "GET, HEAD"}, {"Cache-Control", "no-store"}};
  WriteResponse(&out, 405, "", "", false, extra);
  EXPECT_EQ(out,
            "previous"  // appended, never overwritten
            "HTTP/1.1 405 Method Not Allowed\r\n"
            "Content-Length: 0\r\n"
            "Connection: close\r\n"
            "Allow: GET, HEAD\r\n"
            "Cache-Control: no-store\r\n"
            "\r\n");
}

TEST(WriteResponse, NoContentLengthWithoutBody) {
  std::string out;
  WriteResponse(&out, 204, "", "", true);
  EXPECT_EQ(out, "HTTP/1.1 204 No Content\r\n\r\n");
  out.clear();
  WriteResponse(&out, 100, "", "", true);
  EXPECT_EQ(out, "HTTP/1.1 100 Continue\r\n\r\n");
  out.clear();
  WriteResponse(&out, 304, "", "", true);
  EXPECT_EQ(out, "HTTP/1.1 304 Not Modified\r\n\r\n");
}

TEST(WriteResponse, UnknownStatusHasEmptyReason) {
  std::string out;
  WriteResponse(&out, 299, "", "", true);
  EXPECT_EQ(out, "HTTP/1.1 299 \r\nContent-Length: 0\r\n\r\n");
}

TEST(WriteResponseHead, HeadRequest) {
  std::string out;
  WriteResponseHead(&out, 200, "application/json", 1234, true);
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1234\r\n\r\n");
}

// What we write, our own parser reads back the same.
TEST(WriteResponse, ParsesBack) {
  for (int status : {200, 201, 400, 404, 431, 500, 503, 599}) {
    for (bool keep_alive : {true, false}) {
      std::string out;
      Header extra[] = {{"X-Id", "7"}};
      WriteResponse(&out, status, "text/html", "<p>body</p>", keep_alive, extra);
      ResponseHead head;
      ParseResult r = ParseResponseHead(out, Limits{}, &head);
      ASSERT_EQ(r.state, ParseState::kDone) << r.reason;
      EXPECT_EQ(out.substr(r.consumed), "<p>body</p>");
      EXPECT_EQ(head.status, status);
      EXPECT_EQ(head.reason, ReasonPhrase(status));
      EXPECT_EQ(head.content_length, 11u);
      EXPECT_EQ(head.keep_alive, keep_alive);
      EXPECT_EQ(head.Find("content-type"), "text/html");
      EXPECT_EQ(head.Find("x-id"), "7");
    }
  }
}

TEST(WriteResponseDeathTest, RefusesFieldInjection) {
  std::string out;
  Header bad_value[] = {{"Location", "/a\r\nSet-Cookie: x=1"}};
  EXPECT_DEATH(WriteResponse(&out, 302, "", "", true, bad_value), "control byte");
  Header bad_name[] = {{"Bad Name", "v"}};
  EXPECT_DEATH(WriteResponse(&out, 200, "", "", true, bad_name), "not a token");
  EXPECT_DEATH(WriteResponse(&out, 204, "", "body", true), "no body");
  EXPECT_DEATH(WriteResponse(&out, 99, "", "", true), "status out of range");
}

}  // namespace
}  // namespace ringmail::http
