// Builds HTTP/1.1 responses into a string, for the /metrics listener and the HTTP servers.
// The output is deterministic: no Date field (a caller that wants one passes it in `extra`).
// Runs on any core; pure code.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "http/parser.h"

namespace ringmail::http {

// The RFC 9110 reason phrase of `status` ("Not Found"), or "" for a code without one here
// (a status line may carry an empty reason).
std::string_view ReasonPhrase(int status);

// Appends a response head to *out: status line, Content-Type (unless empty), Content-Length,
// "Connection: close" when !keep_alive, the `extra` fields, and the empty line. Responses
// that cannot have a body (1xx, 204, 304) get no Content-Length. Give a HEAD request the head
// of the GET response, content_length included, and no body.
// REQUIRES: 100 <= status <= 599; content_length == 0 when the status cannot have a body;
// content_type and every extra value hold no control bytes but HTAB (no CR, LF: a value
// built from a peer's input must be checked first, or it could inject fields), every extra
// name is a token and none of them is one of the fields written here.
void WriteResponseHead(std::string* out, int status, std::string_view content_type,
                       uint64_t content_length, bool keep_alive,
                       std::span<const Header> extra = {});

// Appends the head of a response whose body follows in chunks (AppendChunk, then
// AppendLastChunk): as WriteResponseHead, with "Transfer-Encoding: chunked" instead of a
// Content-Length. Only for HTTP/1.1 peers. REQUIRES: as WriteResponseHead; the status can
// have a body (not 1xx, 204, 304).
void WriteChunkedResponseHead(std::string* out, int status, std::string_view content_type,
                              bool keep_alive, std::span<const Header> extra = {});

// Appends a whole response: WriteResponseHead with body.size(), then the body.
// REQUIRES: as WriteResponseHead; body is empty when the status cannot have a body.
void WriteResponse(std::string* out, int status, std::string_view content_type,
                   std::string_view body, bool keep_alive, std::span<const Header> extra = {});

}  // namespace ringmail::http
