// Content codings for responses (RFC 9110 §8.4.1): gzip and deflate (the zlib format) with
// zlib, chosen from the request's Accept-Encoding. Pure code; any core.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ringmail::http {

// The coding to use given an Accept-Encoding value: "gzip" if acceptable, else "deflate",
// else "" (identity). A coding listed with q=0 is refused; "*" accepts gzip.
std::string_view ChooseEncoding(std::string_view accept_encoding);

// Whether a body of this content type is worth compressing (text/*, JSON, XML, +xml, +json).
bool IsCompressible(std::string_view content_type);

// `data` in `coding` ("gzip" or "deflate"), or nullopt when zlib fails.
std::optional<std::string> Compress(std::string_view data, std::string_view coding);

}  // namespace ringmail::http
