// The EmailBodyParts of Email/set create (RFC 8621 §4.6): partId xor blobId on a leaf, no
// charset or size with partId, subParts only under multipart/*, Content-* fields only through
// the part's own properties (type, charset, disposition, cid, language, location).
#include <algorithm>

#include "base/ascii.h"
#include "jmap/email_create_internal.h"

namespace ringmail::jmap {
namespace {

std::optional<std::string> OptionalString(simdjson::dom::element e, bool* ok) {
  std::string_view s;
  if (e.is_null()) return std::nullopt;
  if (e.get_string().get(s) != simdjson::SUCCESS) *ok = false;
  return std::string(s);
}

// "type/subtype" of tokens, lower-cased; nullopt when malformed.
std::optional<std::string> MediaType(std::string_view s) {
  const size_t slash = s.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == s.size()) return std::nullopt;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char u = static_cast<unsigned char>(s[i]);
    if (i != slash &&
        (u <= 0x20 || u >= 0x7f ||
         std::string_view("()<>@,;:\\\"/[]?=").find(s[i]) != std::string_view::npos)) {
      return std::nullopt;
    }
  }
  return AsciiLowerString(s);
}

bool IsToken(const std::optional<std::string>& s) {
  return !s || (!s->empty() && std::all_of(s->begin(), s->end(), [](char c) {
    const unsigned char u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f &&
           std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
  }));
}

// A Content-ID or Content-Location: printable ASCII without spaces or angle brackets.
bool IsBare(const std::optional<std::string>& s) {
  return !s || (!s->empty() && std::all_of(s->begin(), s->end(), [](char c) {
    const unsigned char u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && c != '<' && c != '>';
  }));
}

// One member of an EmailBodyPart.
CreateRead ReadPartMember(PartReader& r, DraftPart& part, HeaderScope& scope, std::string_view key,
                          simdjson::dom::element v, const std::string& path, size_t depth) {
  const std::string where = path + std::string(key);
  bool ok = true;
  uint64_t n = 0;
  if (key == "partId" || key == "blobId") {
    (key == "partId" ? part.part_id : part.blob_id) = OptionalString(v, &ok);
  } else if (key == "type") {
    std::optional<std::string> type = OptionalString(v, &ok);
    if (type) {
      type = MediaType(*type);
      ok = type.has_value();
      part.type = type.value_or("");
    }
  } else if (key == "charset" || key == "disposition" || key == "name" || key == "cid" ||
             key == "location") {
    std::optional<std::string>* slot = key == "charset"       ? &part.charset
                                       : key == "disposition" ? &part.disposition
                                       : key == "name"        ? &part.name
                                       : key == "cid"         ? &part.cid
                                                              : &part.location;
    *slot = OptionalString(v, &ok);
    if (key == "charset" || key == "disposition") ok = ok && IsToken(*slot);
    if (key == "cid" || key == "location") ok = ok && IsBare(*slot);
  } else if (key == "language") {
    if (!v.is_null()) {
      std::optional<std::vector<std::string>> list = StringArray(v);
      ok = list.has_value();
      if (list) part.languages = std::move(*list);
      for (const std::string& l : part.languages) ok = ok && IsToken(l);
    }
  } else if (key == "size") {
    ok = v.get_uint64().get(n) == simdjson::SUCCESS;
  } else if (key == "subParts") {
    simdjson::dom::array list;
    if (v.get_array().get(list) != simdjson::SUCCESS) return std::unexpected(Invalid(where, ""));
    size_t i = 0;
    for (simdjson::dom::element child : list) {
      std::expected<DraftPart, CreateError> sub =
          ReadBodyPart(r, child, where + "/" + std::to_string(i++) + "/", depth + 1);
      if (!sub) return std::unexpected(sub.error());
      part.sub_parts.push_back(std::move(*sub));
    }
  } else if (key.starts_with("header:")) {
    std::optional<HeaderProperty> p = ParseHeaderProperty(key);
    if (!p) return std::unexpected(Invalid(where, "not a header property"));
    if (AsciiLowerString(p->name).starts_with("content-")) {
      return std::unexpected(
          Invalid(where, "Content-* fields are set by type, charset, disposition, cid, ..."));
    }
    return AddHeader(scope, key, *p, v, path);
  } else {
    return std::unexpected(Invalid(where, "cannot be set on a body part"));
  }
  if (!ok) return std::unexpected(Invalid(where, "invalid value"));
  return {};
}

}  // namespace

std::expected<DraftPart, CreateError> ReadBodyPart(PartReader& r, simdjson::dom::element e,
                                                   const std::string& path, size_t depth) {
  simdjson::dom::object o;
  if (e.get_object().get(o) != simdjson::SUCCESS) {
    return std::unexpected(
        Invalid(path.substr(0, path.size() - 1), "an EmailBodyPart is an object"));
  }
  if (++r.parts > kCreatePartsMax || depth > kCreateDepthMax) {
    return std::unexpected(Invalid(path.substr(0, path.size() - 1), "too many body parts"));
  }
  DraftPart part;
  HeaderScope scope;
  bool has_sub_parts = false, has_size = false;
  for (auto [key, value] : o) {
    has_sub_parts = has_sub_parts || key == "subParts";
    has_size = has_size || (key == "size" && !value.is_null());
    CreateRead done = ReadPartMember(r, part, scope, key, value, path, depth);
    if (!done) return std::unexpected(done.error());
  }
  part.fields = std::move(scope.fields);
  if (has_sub_parts) {
    if (part.part_id || part.blob_id) {
      return std::unexpected(Invalid(path + "subParts", "a multipart has no partId or blobId"));
    }
    if (part.type.empty()) part.type = "multipart/mixed";
    if (!part.type.starts_with("multipart/")) {
      return std::unexpected(Invalid(path + "type", "a part with subParts is multipart/*"));
    }
    return part;
  }
  if (part.part_id.has_value() == part.blob_id.has_value()) {
    return std::unexpected(Invalid(path + "partId", "a part has one of partId and blobId"));
  }
  if (part.type.empty()) part.type = part.part_id ? "text/plain" : "application/octet-stream";
  if (part.type.starts_with("multipart/")) {
    return std::unexpected(Invalid(path + "type", "a multipart needs subParts"));
  }
  if (part.part_id && part.charset) {
    return std::unexpected(Invalid(path + "charset", "the server chooses the charset of a partId"));
  }
  if (part.part_id && has_size) {
    return std::unexpected(Invalid(path + "size", "a partId part has no size"));
  }
  if (part.part_id && !part.type.starts_with("text/")) {
    return std::unexpected(Invalid(path + "type", "a bodyValues part is text/*"));
  }
  return part;
}

// The top-level members that are not header fields.

}  // namespace ringmail::jmap
