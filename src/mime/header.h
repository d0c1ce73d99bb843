// RFC 5322 header blocks: where a header ends, its fields one by one (unfolding), lookup by
// name, and RFC 2047 encoded-word decoding to UTF-8. Everything works on views into the
// caller's message, which must outlive the views returned. Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ringmail::mime {

inline constexpr size_t kHeaderSizeMax = 1 << 20;    // bytes of one header block interpreted
inline constexpr size_t kHeaderFieldsMax = 10000;    // fields of one header block interpreted
inline constexpr size_t kEncodedWordSizeMax = 4096;  // longer "=?...?=" is not decoded

// The size of the header block at the start of `data`, its terminating empty line included
// (CRLF or bare LF), so the body starts at the returned offset. A message without an empty
// line is all header: returns data.size(). A message starting with an empty line has an
// empty header and returns the size of that line.
size_t HeaderBlockSize(std::string_view data);

struct HeaderField {
  std::string_view name;   // as written, without whitespace before the colon
  std::string_view value;  // after the colon, folding line breaks included, final one not
};

// Iterates the fields of a header block. Lines without a colon (garbage, or continuation
// lines with no field before them) are skipped; iteration stops at the first empty line,
// after kHeaderSizeMax bytes or after kHeaderFieldsMax fields.
class HeaderReader {
 public:
  explicit HeaderReader(std::string_view block)
      : block_(block.substr(0, std::min(block.size(), kHeaderSizeMax))) {}
  // The next field, or nullopt at the end.
  std::optional<HeaderField> Next();

 private:
  std::string_view block_;
  size_t pos_ = 0;
  size_t fields_ = 0;
};

// Every field of `block`, in order (see HeaderReader).
std::vector<HeaderField> ParseHeaderFields(std::string_view block);

// The raw value of the first field named `name` (ASCII case-insensitive).
std::optional<std::string_view> FindHeader(std::string_view block, std::string_view name);

// RFC 5322 §2.2.3 unfolding: line breaks removed (the whitespace after them kept); leading
// and trailing whitespace trimmed.
std::string Unfold(std::string_view raw);

// RFC 2047 encoded words (B and Q, "charset*language" accepted) decoded to UTF-8 in
// unstructured text; whitespace between adjacent encoded words dropped, and adjacent words
// in one charset decoded together (so a character split across words survives). A malformed
// word or one in an unknown charset is left as written. Other bytes are copied.
std::string DecodeEncodedWords(std::string_view text);

// Unfold then DecodeEncodedWords: a header value as a person should see it (Subject, JMAP).
inline std::string DecodeHeaderValue(std::string_view raw) {
  return DecodeEncodedWords(Unfold(raw));
}

}  // namespace ringmail::mime
