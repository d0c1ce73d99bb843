#include "http/response_writer.h"

#include <charconv>

#include "base/check.h"

namespace ringmail::http {
namespace {

// RFC 9110 §6.4.1: 1xx, 204 and 304 responses end with their head.
bool CanHaveBody(int status) { return status >= 200 && status != 204 && status != 304; }

bool IsSafeFieldValue(std::string_view value) {
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (u != '\t' && (u < 0x20 || u == 0x7F)) return false;
  }
  return true;
}

void AppendDecimal(std::string* out, uint64_t value) {
  char digits[20];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), value);
  CHECK(ec == std::errc());
  out->append(digits, end);
}

void AppendField(std::string* out, std::string_view name, std::string_view value) {
  CHECK(IsToken(name), "field name is not a token");
  CHECK(IsSafeFieldValue(value), "field value holds a control byte");
  out->append(name);
  out->append(": ");
  out->append(value);
  out->append("\r\n");
}

}  // namespace

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 507: return "Insufficient Storage";
    default: return "";
  }
}

namespace {

// The head with either a Content-Length (when framing is empty) or `framing` as the field
// that says how the body is delimited.
void WriteHead(std::string* out, int status, std::string_view content_type,
               std::string_view framing, uint64_t content_length, bool keep_alive,
               std::span<const Header> extra) {
  out->append("HTTP/1.1 ");
  AppendDecimal(out, static_cast<uint64_t>(status));
  out->push_back(' ');
  out->append(ReasonPhrase(status));
  out->append("\r\n");
  if (!content_type.empty()) AppendField(out, "Content-Type", content_type);
  if (!framing.empty()) {
    out->append(framing);
  } else if (CanHaveBody(status)) {
    out->append("Content-Length: ");
    AppendDecimal(out, content_length);
    out->append("\r\n");
  } else {
    CHECK(content_length == 0, "a 1xx, 204 or 304 response has no body");
  }
  if (!keep_alive) out->append("Connection: close\r\n");
  for (const Header& h : extra) AppendField(out, h.name, h.value);
  out->append("\r\n");
}

}  // namespace

void WriteResponseHead(std::string* out, int status, std::string_view content_type,
                       uint64_t content_length, bool keep_alive, std::span<const Header> extra) {
  CHECK(status >= 100 && status <= 599, "status out of range");
  WriteHead(out, status, content_type, "", content_length, keep_alive, extra);
}

void WriteChunkedResponseHead(std::string* out, int status, std::string_view content_type,
                              bool keep_alive, std::span<const Header> extra) {
  CHECK(status >= 200 && status <= 599 && CanHaveBody(status), "a chunked response has a body");
  WriteHead(out, status, content_type, "Transfer-Encoding: chunked\r\n", 0, keep_alive, extra);
}

void WriteResponse(std::string* out, int status, std::string_view content_type,
                   std::string_view body, bool keep_alive, std::span<const Header> extra) {
  WriteResponseHead(out, status, content_type, body.size(), keep_alive, extra);
  out->append(body);
}

}  // namespace ringmail::http
