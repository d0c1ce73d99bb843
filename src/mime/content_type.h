// The structured MIME header fields (RFC 2045 §5, RFC 2183, RFC 3282): Content-Type and
// Content-Disposition with their parameters (RFC 2231 continuations and charsets decoded),
// and Content-Language. Parsing is lenient: it takes what it can and never fails a message.
// Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ringmail::mime {

inline constexpr size_t kParamsMax = 64;         // parameters kept per field
inline constexpr size_t kParamSectionsMax = 64;  // RFC 2231 sections joined per parameter
inline constexpr size_t kLanguagesMax = 32;
inline constexpr size_t kCommentDepthMax = 32;  // nested "(...)" followed before giving up

struct MimeParam {
  std::string name;       // lower-case, without RFC 2231's "*N" / "*"
  std::string value;      // UTF-8: sections joined, %XX and charset decoded (RFC 2231), or
                          // RFC 2047 words decoded (the non-standard form mailers use)
  std::string wire;       // for IMAP: the value as written, or for an RFC 2231 parameter its
                          // sections joined into one "charset'language'%XX" form
  bool extended = false;  // `wire` is RFC 2231 extended (IMAP shows the name as "name*")
};

// The parameter named `name` (lower-case), or nullptr.
const MimeParam* FindParam(const std::vector<MimeParam>& params, std::string_view name);

// The ";"-separated parameters of a structured field, `text` being what follows its first
// value. Duplicates after the first and anything beyond kParamsMax are dropped.
std::vector<MimeParam> ParseParams(std::string_view text);

struct ContentType {
  std::string type = "text";  // lower-case
  std::string subtype = "plain";
  std::vector<MimeParam> params;
  bool Is(std::string_view t, std::string_view s) const { return type == t && subtype == s; }
};

// "type/subtype; params" (comments allowed). nullopt when the type or subtype is missing or
// not a token: RFC 2045 §5.2 then says to use the default (text/plain; charset=us-ascii).
std::optional<ContentType> ParseContentType(std::string_view raw);

struct Disposition {
  std::string type;  // lower-case: "inline", "attachment", ...
  std::vector<MimeParam> params;
};

// "type; params"; nullopt without a type token.
std::optional<Disposition> ParseDisposition(std::string_view raw);

// The comma-separated language tags of Content-Language, comments dropped.
std::vector<std::string> ParseLanguages(std::string_view raw);

// A single-token field (Content-Transfer-Encoding), lower-cased, comments dropped; empty if
// there is no token.
std::string ParseToken(std::string_view raw);

}  // namespace ringmail::mime
