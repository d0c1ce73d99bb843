// Header field values of Email/set create (RFC 8621 §4.1.2-4.1.3 forms, written instead of
// read): EmailAddress lists, groups, message ids, dates, URLs, text and raw values, each
// encoded so that Email/get's parsed forms read back what was given.
#include <algorithm>

#include "base/ascii.h"
#include "jmap/email_create_internal.h"
#include "jmap/email_headers.h"
#include "mime/compose.h"

namespace ringmail::jmap {
namespace {

using Encoded = std::expected<std::string, std::string>;

// Fields whose parsed form RFC 8621 §4.1.2 fixes (any field may also be given asRaw).
std::optional<HeaderForm> FixedForm(std::string_view lower_name) {
  static constexpr std::string_view kAddresses[] = {
      "from",        "sender",        "reply-to",        "to",        "cc",        "bcc",
      "resent-from", "resent-sender", "resent-reply-to", "resent-to", "resent-cc", "resent-bcc"};
  static constexpr std::string_view kIds[] = {"message-id", "in-reply-to", "references",
                                              "resent-message-id"};
  static constexpr std::string_view kUrls[] = {"list-help", "list-unsubscribe", "list-subscribe",
                                               "list-post", "list-owner",       "list-archive"};
  static constexpr std::string_view kTexts[] = {"subject", "comments", "keywords", "list-id"};
  auto in = [&](const auto& list) {
    return std::find(std::begin(list), std::end(list), lower_name) != std::end(list);
  };
  if (in(kAddresses)) return HeaderForm::kAddresses;
  if (in(kIds)) return HeaderForm::kMessageIds;
  if (in(kUrls)) return HeaderForm::kUrls;
  if (in(kTexts)) return HeaderForm::kText;
  if (lower_name == "date" || lower_name == "resent-date") return HeaderForm::kDate;
  return std::nullopt;
}

Encoded Mailbox(simdjson::dom::element e) {
  simdjson::dom::object o;
  std::string_view email, name;
  if (e.get_object().get(o) != simdjson::SUCCESS ||
      o["email"].get_string().get(email) != simdjson::SUCCESS) {
    return std::unexpected("an EmailAddress is an object with an 'email'");
  }
  for (auto field : o) {
    if (field.key != "email" && field.key != "name") {
      return std::unexpected("unknown EmailAddress property '" + std::string(field.key) + "'");
    }
  }
  std::optional<std::string> spec = mime::EncodeAddrSpec(email);
  if (!spec) return std::unexpected("'" + std::string(email) + "' is not an email address");
  simdjson::dom::element n;
  if (o["name"].get(n) == simdjson::SUCCESS && !n.is_null()) {
    if (n.get_string().get(name) != simdjson::SUCCESS) return std::unexpected("a name is a string");
  }
  if (name.empty()) return *spec;
  return mime::EncodePhrase(name) + " <" + *spec + ">";
}

Encoded Addresses(simdjson::dom::element e) {
  simdjson::dom::array list;
  if (e.get_array().get(list) != simdjson::SUCCESS) return std::unexpected("expected an array");
  std::string out;
  for (simdjson::dom::element item : list) {
    Encoded one = Mailbox(item);
    if (!one) return one;
    out += (out.empty() ? "" : ", ") + *one;
  }
  return out;
}

Encoded Groups(simdjson::dom::element e) {
  simdjson::dom::array list;
  if (e.get_array().get(list) != simdjson::SUCCESS) return std::unexpected("expected an array");
  std::string out;
  for (simdjson::dom::element item : list) {
    simdjson::dom::element addresses, name;
    if (item["addresses"].get(addresses) != simdjson::SUCCESS) {
      return std::unexpected("an EmailAddressGroup has 'addresses'");
    }
    Encoded members = Addresses(addresses);
    if (!members) return members;
    std::string_view group;
    if (item["name"].get(name) == simdjson::SUCCESS && !name.is_null()) {
      if (name.get_string().get(group) != simdjson::SUCCESS) {
        return std::unexpected("a group name is a string");
      }
      *members = mime::EncodePhrase(group) + ":" + (members->empty() ? "" : " ") + *members + ";";
    }
    if (members->empty()) continue;
    out += (out.empty() ? "" : ", ") + *members;
  }
  return out;
}

// A list of strings, each checked and wrapped "<...>", joined by `separator`.
Encoded Bracketed(simdjson::dom::element e, std::string_view separator, bool message_id) {
  std::optional<std::vector<std::string>> items = StringArray(e);
  if (!items) return std::unexpected("expected an array of strings");
  std::string out;
  for (const std::string& s : *items) {
    const bool bad = s.empty() || std::any_of(s.begin(), s.end(), [](char c) {
                       const unsigned char u = static_cast<unsigned char>(c);
                       return u <= 0x20 || u >= 0x7f || c == '<' || c == '>';
                     });
    if (bad || (message_id && s.find('@') == std::string::npos)) {
      return std::unexpected("'" + s + (message_id ? "' is not a message id" : "' is not a URL"));
    }
    out += (out.empty() ? std::string() : std::string(separator)) + "<" + s + ">";
  }
  return out;
}

Encoded Date(simdjson::dom::element e) {
  std::string_view text;
  if (e.get_string().get(text) != simdjson::SUCCESS) return std::unexpected("expected a Date");
  std::optional<int64_t> seconds = ParseUtcDate(text);
  if (!seconds) return std::unexpected("'" + std::string(text) + "' is not an RFC 3339 date");
  int offset = 0;  // minutes east, kept so the Date shows the sender's time of day
  if (!text.ends_with('Z') && !text.ends_with('z')) {
    const std::string_view z = text.substr(text.size() - 6);
    offset = ((z[1] - '0') * 10 + (z[2] - '0')) * 60 + (z[4] - '0') * 10 + (z[5] - '0');
    if (z[0] == '-') offset = -offset;
  }
  return mime::FormatDate(*seconds, offset);
}

// A raw value goes out as given: it may fold (CRLF + space or tab) but holds no other line
// break and no NUL.
Encoded Raw(simdjson::dom::element e) {
  std::string_view text;
  if (e.get_string().get(text) != simdjson::SUCCESS) return std::unexpected("expected a string");
  for (size_t i = 0; i < text.size(); ++i) {
    const bool fold = text[i] == '\r' && i + 2 < text.size() && text[i + 1] == '\n' &&
                      (text[i + 2] == ' ' || text[i + 2] == '\t');
    if (fold) {
      i += 1;
    } else if (text[i] == '\r' || text[i] == '\n' || text[i] == '\0') {
      return std::unexpected("a raw value may only fold (CRLF then a space)");
    }
  }
  return std::string(text);
}

Encoded Value(HeaderForm form, simdjson::dom::element e) {
  std::string_view text;
  switch (form) {
    case HeaderForm::kRaw: return Raw(e);
    case HeaderForm::kText:
      if (e.get_string().get(text) != simdjson::SUCCESS)
        return std::unexpected("expected a string");
      return mime::EncodeUnstructured(text);
    case HeaderForm::kAddresses: return Addresses(e);
    case HeaderForm::kGroupedAddresses: return Groups(e);
    case HeaderForm::kMessageIds: return Bracketed(e, " ", true);
    case HeaderForm::kDate: return Date(e);
    case HeaderForm::kUrls: return Bracketed(e, ", ", false);
  }
  return std::unexpected("unknown form");
}

}  // namespace

std::expected<std::vector<DraftField>, std::string> EncodeHeaderProperty(
    const HeaderProperty& p, simdjson::dom::element value) {
  const std::optional<HeaderForm> fixed = FixedForm(AsciiLowerString(p.name));
  const bool addresses =
      p.form == HeaderForm::kAddresses || p.form == HeaderForm::kGroupedAddresses;
  if (fixed && p.form != HeaderForm::kRaw && p.form != *fixed &&
      !(addresses && *fixed == HeaderForm::kAddresses)) {
    return std::unexpected("this form is not allowed for " + p.name);
  }
  std::vector<DraftField> out;
  if (value.is_null()) return out;
  std::vector<simdjson::dom::element> values;
  simdjson::dom::array all;
  if (!p.all) {
    values.push_back(value);
  } else if (value.get_array().get(all) == simdjson::SUCCESS) {
    if (all.size() > kCreateHeaderValuesMax) return std::unexpected("too many values");
    for (simdjson::dom::element v : all) values.push_back(v);
  } else {
    return std::unexpected("a ':all' property is an array");
  }
  for (simdjson::dom::element v : values) {
    Encoded one = Value(p.form, v);
    if (!one) return std::unexpected(one.error());
    // An empty list is no field ("To:" with nothing after it reads back as []).
    if (one->empty() && p.form != HeaderForm::kRaw && p.form != HeaderForm::kText) continue;
    out.push_back(DraftField{p.name, std::move(*one), p.form == HeaderForm::kRaw});
  }
  return out;
}

CreateRead AddHeader(HeaderScope& scope, std::string_view property, const HeaderProperty& p,
                     simdjson::dom::element value, std::string_view path) {
  const std::string full = std::string(path) + std::string(property);
  auto [it, fresh] = scope.given.emplace(AsciiLowerString(p.name), full);
  if (!fresh) {
    return std::unexpected(CreateError{
        "invalidProperties", "the field " + p.name + " is given twice", {it->second, full}, {}});
  }
  std::expected<std::vector<DraftField>, std::string> fields = EncodeHeaderProperty(p, value);
  if (!fields) return std::unexpected(Invalid(full, fields.error()));
  for (DraftField& f : *fields) scope.fields.push_back(std::move(f));
  return {};
}

}  // namespace ringmail::jmap
