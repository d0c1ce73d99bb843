#include "store/s3/xml.h"

#include <charconv>
#include <chrono>

#include "base/utf8.h"

namespace ringmail::s3 {
namespace {

// Decodes one reference body ("amp", "#38", "#x26"); false when it is not one we know.
bool DecodeReference(std::string_view ref, std::string* out) {
  static constexpr std::pair<std::string_view, char> kNamed[] = {
      {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
  for (const auto& [name, c] : kNamed) {
    if (ref == name) {
      out->push_back(c);
      return true;
    }
  }
  if (ref.size() < 2 || ref[0] != '#') return false;
  const bool hex = ref[1] == 'x' || ref[1] == 'X';
  const std::string_view digits = ref.substr(hex ? 2 : 1);
  uint32_t cp = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
      cp > 0x10FFFF) {
    return false;
  }
  AppendUtf8(out, cp);
  return true;
}

std::string DecodeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const size_t semi = text[i] == '&' ? text.find(';', i) : std::string_view::npos;
    if (semi != std::string_view::npos && DecodeReference(text.substr(i + 1, semi - i - 1), &out)) {
      i = semi;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// The [begin, end) of the content of the first <tag>…</tag> at or after `from`.
std::optional<std::pair<size_t, size_t>> FindElement(std::string_view xml, std::string_view tag,
                                                     size_t from) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  const size_t start = xml.find(open, from);
  if (start == std::string_view::npos) return std::nullopt;
  const size_t begin = start + open.size();
  const size_t end = xml.find(close, begin);
  if (end == std::string_view::npos) return std::nullopt;
  return std::make_pair(begin, end);
}

std::unexpected<Error> NotAList(const char* why) {
  return MakeError(ErrorCode::kIo, std::string("S3 endpoint sent an invalid list result: ") + why);
}

}  // namespace

std::optional<std::string> ElementText(std::string_view xml, std::string_view tag, size_t from) {
  const auto range = FindElement(xml, tag, from);
  if (!range) return std::nullopt;
  return DecodeText(xml.substr(range->first, range->second - range->first));
}

Result<ListPage> ParseListObjectsV2(std::string_view xml) {
  if (xml.find("<ListBucketResult") == std::string_view::npos) {
    return NotAList("no ListBucketResult");
  }
  ListPage page;
  size_t pos = 0;
  while (const auto contents = FindElement(xml, "Contents", pos)) {
    const std::string_view item = xml.substr(contents->first, contents->second - contents->first);
    ListEntry entry;
    std::optional<std::string> key = ElementText(item, "Key");
    if (!key) return NotAList("Contents without Key");
    entry.key = std::move(*key);
    entry.last_modified = ElementText(item, "LastModified").value_or("");
    const std::string size = ElementText(item, "Size").value_or("0");
    std::from_chars(size.data(), size.data() + size.size(), entry.size);
    page.entries.push_back(std::move(entry));
    pos = contents->second;
  }
  // Text inside elements is escaped, so these names cannot hide in a key or a token.
  page.truncated = ElementText(xml, "IsTruncated").value_or("false") == "true";
  if (page.truncated) {
    std::optional<std::string> token = ElementText(xml, "NextContinuationToken");
    if (!token || token->empty()) return NotAList("truncated without NextContinuationToken");
    page.next_continuation_token = std::move(*token);
  }
  return page;
}

std::optional<int64_t> ParseIsoTime(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS, then an optional fraction, then Z.
  auto number = [&](size_t at, size_t digits, int* out) {
    if (at + digits > text.size()) return false;
    auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + digits, *out);
    return ec == std::errc() && end == text.data() + at + digits && *out >= 0;
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text.back() != 'Z' || !number(0, 4, &year) || !number(5, 2, &month) ||
      !number(8, 2, &day) || !number(11, 2, &hour) || !number(14, 2, &minute) ||
      !number(17, 2, &second)) {
    return std::nullopt;
  }
  const std::string_view rest = text.substr(19, text.size() - 20);
  if (!rest.empty() && (rest[0] != '.' || rest.size() < 2 ||
                        rest.substr(1).find_first_not_of("0123456789") != std::string_view::npos)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

std::string DescribeErrorDocument(std::string_view xml) {
  if (xml.find("<Error>") == std::string_view::npos) return "";
  std::string out = ElementText(xml, "Code").value_or("");
  const std::string message = ElementText(xml, "Message").value_or("");
  if (!message.empty()) out += (out.empty() ? "" : ": ") + message;
  return out;
}

}  // namespace ringmail::s3
