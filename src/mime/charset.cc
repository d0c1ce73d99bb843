#include "mime/charset.h"

#include <errno.h>
#include <iconv.h>

#include <array>

#include "base/ascii.h"
#include "base/utf8.h"

namespace ringmail::mime {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool ValidCharsetName(std::string_view name) {
  if (name.empty() || name.size() > kCharsetNameMax) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

// Names mail uses that iconv knows under another name (or a superset worth using).
std::string IconvName(std::string_view charset) {
  std::string name = AsciiLowerString(charset);
  struct Alias {
    std::string_view from, to;
  };
  static constexpr std::array<Alias, 7> kAliases = {{
      {"ks_c_5601-1987", "cp949"},
      {"gb2312", "gb18030"},
      {"gbk", "gb18030"},
      {"iso-8859-8-i", "iso-8859-8"},
      {"windows-874", "cp874"},
      {"x-sjis", "shift_jis"},
      {"unicode-1-1-utf-7", "utf-7"},
  }};
  for (const Alias& a : kAliases) {
    if (name == a.from) return std::string(a.to);
  }
  return name;
}

// One cached descriptor per thread: mail is mostly one charset at a time.
struct IconvCache {
  std::string name;
  iconv_t cd = reinterpret_cast<iconv_t>(-1);
  ~IconvCache() {
    if (cd != reinterpret_cast<iconv_t>(-1)) iconv_close(cd);
  }
};

iconv_t OpenToUtf8(const std::string& name) {
  thread_local IconvCache cache;
  if (cache.cd != reinterpret_cast<iconv_t>(-1) && cache.name == name) {
    iconv(cache.cd, nullptr, nullptr, nullptr, nullptr);  // back to the initial state
    return cache.cd;
  }
  iconv_t cd = iconv_open("UTF-8", name.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return cd;
  if (cache.cd != reinterpret_cast<iconv_t>(-1)) iconv_close(cache.cd);
  cache.name = name;
  cache.cd = cd;
  return cd;
}

std::string Latin1ToUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string IconvToUtf8(iconv_t cd, std::string_view bytes) {
  std::string out;
  out.resize(bytes.size() * 2 + 16);
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  size_t used = 0;
  while (true) {
    char* dst = out.data() + used;
    size_t dst_left = out.size() - used;
    size_t rc = in_left == 0 ? iconv(cd, nullptr, nullptr, &dst, &dst_left)
                             : iconv(cd, &in, &in_left, &dst, &dst_left);
    used = out.size() - dst_left;
    if (rc != static_cast<size_t>(-1)) {
      if (in_left == 0) break;
      continue;
    }
    int err = errno;
    if (err == E2BIG) {
      out.resize(out.size() * 2);
    } else if (err == EILSEQ || err == EINVAL) {  // invalid, or truncated at the end
      out.resize(used);
      out += kReplacement;
      used = out.size();
      out.resize(used + in_left * 2 + 16);
      ++in;
      --in_left;
      if (err == EINVAL) {
        in += in_left;
        in_left = 0;
      }
    } else {
      break;
    }
  }
  out.resize(used);
  return out;
}

}  // namespace

std::string SanitizeUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t ascii = AsciiPrefixSize(text.substr(i));
    out.append(text.substr(i, ascii));
    i += ascii;
    if (i == text.size()) break;
    size_t n = Utf8SequenceSize(text.substr(i));
    if (n == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::optional<std::string> ToUtf8(std::string_view bytes, std::string_view charset) {
  if (!ValidCharsetName(charset)) return std::nullopt;
  std::string name = IconvName(charset);
  if (name == "utf-8" || name == "utf8" || name == "us-ascii" || name == "ascii") {
    return SanitizeUtf8(bytes);  // 8-bit bytes in "us-ascii" text are most often UTF-8
  }
  if (name == "iso-8859-1" || name == "latin1" || name == "iso_8859-1") {
    return Latin1ToUtf8(bytes);
  }
  iconv_t cd = OpenToUtf8(name);
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  return IconvToUtf8(cd, bytes);
}

}  // namespace ringmail::mime
