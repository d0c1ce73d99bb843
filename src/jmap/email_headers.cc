#include "jmap/email_headers.h"

#include <charconv>
#include <vector>

#include "imap/message_date.h"
#include "mime/address_list.h"
#include "mime/header.h"

namespace ringmail::jmap {
namespace {

bool EqualFold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void WriteAddress(JsonWriter& w, const mime::Address& a) {
  w.BeginObject().Key("name");
  if (a.name && !a.name->empty()) {
    w.String(mime::DecodeEncodedWords(*a.name));
  } else {
    w.Null();
  }
  w.Key("email").String(a.host.empty() ? a.mailbox : a.mailbox + "@" + a.host).EndObject();
}

void WriteAddresses(JsonWriter& w, std::string_view raw) {
  w.BeginArray();
  for (const mime::Address& a : mime::ParseAddressList(raw)) {
    if (a.kind == mime::Address::Kind::kMailbox) WriteAddress(w, a);
  }
  w.EndArray();
}

void WriteGroupedAddresses(JsonWriter& w, std::string_view raw) {
  const std::vector<mime::Address> list = mime::ParseAddressList(raw);
  w.BeginArray();
  bool open = false;  // a group object (or the null-named one) is open
  for (const mime::Address& a : list) {
    if (a.kind == mime::Address::Kind::kGroupStart) {
      if (open) w.EndArray().EndObject();
      w.BeginObject().Key("name").String(mime::DecodeEncodedWords(a.name.value_or("")));
      w.Key("addresses").BeginArray();
      open = true;
    } else if (a.kind == mime::Address::Kind::kGroupEnd) {
      if (open) w.EndArray().EndObject();
      open = false;
    } else {
      if (!open) {
        w.BeginObject().Key("name").Null().Key("addresses").BeginArray();
        open = true;
      }
      WriteAddress(w, a);
    }
  }
  if (open) w.EndArray().EndObject();
  w.EndArray();
}

// "<a@b> <c@d>" -> ["a@b", "c@d"]; nullopt when there is none or something else.
std::optional<std::vector<std::string>> MessageIds(std::string_view raw) {
  const std::string text = mime::Unfold(raw);
  std::vector<std::string> ids;
  std::string_view rest = text;
  for (;;) {
    rest = Trim(rest);
    while (!rest.empty() && (rest.front() == ',' || rest.front() == ' ')) rest.remove_prefix(1);
    if (rest.empty()) break;
    if (rest.front() != '<') return std::nullopt;
    const size_t end = rest.find('>');
    if (end == std::string_view::npos || end == 1) return std::nullopt;
    const std::string_view id = rest.substr(1, end - 1);
    if (id.find('@') == std::string_view::npos || id.find(' ') != std::string_view::npos) {
      return std::nullopt;
    }
    ids.emplace_back(id);
    rest.remove_prefix(end + 1);
  }
  if (ids.empty()) return std::nullopt;
  return ids;
}

std::optional<std::vector<std::string>> Urls(std::string_view raw) {
  const std::string text = mime::Unfold(raw);
  std::vector<std::string> urls;
  std::string_view rest = text;
  for (;;) {
    const size_t start = rest.find('<');
    if (start == std::string_view::npos) break;
    const size_t end = rest.find('>', start);
    if (end == std::string_view::npos) return std::nullopt;
    urls.emplace_back(Trim(rest.substr(start + 1, end - start - 1)));
    rest.remove_prefix(end + 1);
  }
  if (urls.empty()) return std::nullopt;
  return urls;
}

void WriteStringsOrNull(JsonWriter& w, const std::optional<std::vector<std::string>>& v) {
  if (v) {
    w.Strings(*v);
  } else {
    w.Null();
  }
}

}  // namespace

std::optional<HeaderProperty> ParseHeaderProperty(std::string_view property) {
  if (!property.starts_with("header:")) return std::nullopt;
  property.remove_prefix(7);
  HeaderProperty p;
  if (property.ends_with(":all")) {
    p.all = true;
    property.remove_suffix(4);
  }
  const size_t colon = property.find(':');
  p.name = std::string(property.substr(0, colon));
  if (p.name.empty()) return std::nullopt;
  for (char c : p.name) {
    if (c <= 0x20 || c > 0x7e) return std::nullopt;
  }
  if (colon == std::string_view::npos) return p;
  const std::string_view form = property.substr(colon + 1);
  static constexpr std::pair<std::string_view, HeaderForm> kForms[] = {
      {"asRaw", HeaderForm::kRaw},
      {"asText", HeaderForm::kText},
      {"asAddresses", HeaderForm::kAddresses},
      {"asGroupedAddresses", HeaderForm::kGroupedAddresses},
      {"asMessageIds", HeaderForm::kMessageIds},
      {"asDate", HeaderForm::kDate},
      {"asURLs", HeaderForm::kUrls}};
  for (const auto& [name, value] : kForms) {
    if (form == name) {
      p.form = value;
      return p;
    }
  }
  return std::nullopt;
}

void WriteHeaderForm(JsonWriter& w, std::string_view raw, HeaderForm form) {
  switch (form) {
    case HeaderForm::kRaw: w.String(raw); return;
    case HeaderForm::kText: w.String(mime::DecodeHeaderValue(raw)); return;
    case HeaderForm::kAddresses: WriteAddresses(w, raw); return;
    case HeaderForm::kGroupedAddresses: WriteGroupedAddresses(w, raw); return;
    case HeaderForm::kMessageIds: WriteStringsOrNull(w, MessageIds(raw)); return;
    case HeaderForm::kDate: {
      std::optional<imap::MessageDate> date = imap::ParseMessageDate(mime::Unfold(raw));
      if (date) {
        w.String(UtcDate(date->utc_seconds));
      } else {
        w.Null();
      }
      return;
    }
    case HeaderForm::kUrls: WriteStringsOrNull(w, Urls(raw)); return;
  }
}

void WriteHeaderValue(JsonWriter& w, std::string_view header_block, const HeaderProperty& p) {
  std::vector<std::string_view> values;
  for (const mime::HeaderField& f : mime::ParseHeaderFields(header_block)) {
    if (EqualFold(f.name, p.name)) values.push_back(f.value);
  }
  if (p.all) {
    w.BeginArray();
    for (std::string_view v : values) WriteHeaderForm(w, v, p.form);
    w.EndArray();
  } else if (values.empty()) {
    w.Null();
  } else {
    WriteHeaderForm(w, values.back(), p.form);
  }
}

std::string UtcDate(int64_t seconds) {
  const int64_t days = imap::UtcDays(seconds);
  const int64_t rest = seconds - days * 86400;
  // Civil from days (H. Hinnant's algorithm).
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buf[128];
  snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", static_cast<long long>(y),
           static_cast<long long>(m), static_cast<long long>(d),
           static_cast<long long>(rest / 3600), static_cast<long long>(rest / 60 % 60),
           static_cast<long long>(rest % 60));
  return buf;
}

std::optional<int64_t> ParseUtcDate(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
  auto num = [&](size_t pos, size_t len) -> std::optional<int> {
    if (pos + len > t.size()) return std::nullopt;
    int v = 0;
    auto [p, ec] = std::from_chars(t.data() + pos, t.data() + pos + len, v);
    if (ec != std::errc() || p != t.data() + pos + len) return std::nullopt;
    return v;
  };
  if (t.size() < 20 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != 't') ||
      t[13] != ':' || t[16] != ':') {
    return std::nullopt;
  }
  const auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2),
             s = num(17, 2);
  if (!y || !mo || !d || !h || !mi || !s || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 ||
      *mi > 59 || *s > 60) {
    return std::nullopt;
  }
  size_t pos = 19;
  if (pos < t.size() && t[pos] == '.') {
    ++pos;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') ++pos;
  }
  int64_t offset = 0;
  if (pos == t.size() - 1 && (t[pos] == 'Z' || t[pos] == 'z')) {
    offset = 0;
  } else if (pos + 6 == t.size() && (t[pos] == '+' || t[pos] == '-') && t[pos + 3] == ':') {
    const auto oh = num(pos + 1, 2), om = num(pos + 4, 2);
    if (!oh || !om) return std::nullopt;
    offset = (t[pos] == '-' ? -1 : 1) * (*oh * 3600 + *om * 60);
  } else {
    return std::nullopt;
  }
  const int64_t days = imap::CivilDays(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d));
  return days * 86400 + *h * 3600 + *mi * 60 + *s - offset;
}

}  // namespace ringmail::jmap
