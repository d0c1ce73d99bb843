#include "mime/message_parser.h"

#include <algorithm>

#include "base/ascii.h"
#include "mime/header.h"

namespace ringmail::mime {
namespace {

size_t CountLines(std::string_view body) {
  size_t lines = static_cast<size_t>(std::count(body.begin(), body.end(), '\n'));
  if (!body.empty() && body.back() != '\n') ++lines;
  return lines;
}

ContentType DefaultType(bool in_digest) {
  ContentType ct;
  if (in_digest) {
    ct.type = "message";
    ct.subtype = "rfc822";
  } else {
    ct.params.push_back({"charset", "us-ascii", "us-ascii", false});
  }
  return ct;
}

// A delimiter line found in a multipart body.
struct Delimiter {
  size_t line_start;   // the "--"
  size_t break_start;  // the line break before it (belongs to the delimiter), or line_start
  size_t next;         // after the delimiter line
  bool close;          // "--boundary--"
};

class Parser {
 public:
  explicit Parser(std::string_view data) : data_(data) {}

  ParsedMessage Run() {
    Parse(Span{0, data_.size()}, std::nullopt, 0, false);
    return std::move(msg_);
  }

 private:
  void ReadMimeFields(MimePart& part) {
    HeaderReader reader(part.header.In(data_));
    while (std::optional<HeaderField> f = reader.Next()) {
      std::string_view n = f->name;
      if (n.size() < 8 || !EqualsIgnoreCase(n.substr(0, 8), "content-")) continue;
      n.remove_prefix(8);
      auto once = [&](std::optional<std::string>& field) {
        if (!field) field = Unfold(f->value);
      };
      if (EqualsIgnoreCase(n, "type")) {
        if (part.content_type_present) continue;
        if (std::optional<ContentType> ct = ParseContentType(f->value)) {
          part.content_type = std::move(*ct);
          part.content_type_present = true;
        }
      } else if (EqualsIgnoreCase(n, "transfer-encoding")) {
        if (part.transfer_encoding.empty()) part.transfer_encoding = ParseToken(f->value);
      } else if (EqualsIgnoreCase(n, "id")) {
        once(part.id);
      } else if (EqualsIgnoreCase(n, "description")) {
        once(part.description);
      } else if (EqualsIgnoreCase(n, "md5")) {
        once(part.md5);
      } else if (EqualsIgnoreCase(n, "location")) {
        once(part.location);
      } else if (EqualsIgnoreCase(n, "disposition")) {
        if (!part.disposition) part.disposition = ParseDisposition(f->value);
      } else if (EqualsIgnoreCase(n, "language")) {
        if (part.languages.empty()) part.languages = ParseLanguages(f->value);
      }
    }
  }

  // The next delimiter line of `boundary` in [from, end), or nullopt.
  std::optional<Delimiter> FindDelimiter(std::string_view dash_boundary, size_t from,
                                         size_t end) const {
    std::string_view region = data_.substr(0, end);
    size_t p = from;
    while ((p = region.find(dash_boundary, p)) != region.npos) {
      size_t line_start = p;
      p += dash_boundary.size();
      if (line_start != from && data_[line_start - 1] != '\n') continue;
      Delimiter d{line_start, line_start, 0, false};
      size_t q = p;
      if (q + 1 < end && data_[q] == '-' && data_[q + 1] == '-') {
        d.close = true;
        q += 2;
      }
      while (q < end && (data_[q] == ' ' || data_[q] == '\t')) ++q;
      if (q < end && data_[q] == '\r') ++q;
      if (q < end && data_[q] != '\n' && !d.close) continue;  // a longer boundary: not ours
      size_t lf = data_.find('\n', q);
      d.next = lf == data_.npos || lf >= end ? end : lf + 1;
      if (line_start > from) {
        d.break_start = line_start - 1;
        if (d.break_start > from && data_[d.break_start - 1] == '\r') --d.break_start;
      }
      return d;
    }
    return std::nullopt;
  }

  void ParseMultipart(uint32_t index) {
    const MimePart& part = msg_.parts[index];
    const MimeParam* boundary = FindParam(part.content_type.params, "boundary");
    if (boundary == nullptr || boundary->wire.empty() || boundary->wire.size() > kBoundarySizeMax) {
      return;  // no usable boundary: the body stays opaque
    }
    std::string dash_boundary = "--" + boundary->wire;
    bool digest = part.content_type.subtype == "digest";
    uint32_t depth = part.depth + 1;
    size_t end = part.body.end();
    std::optional<Delimiter> d = FindDelimiter(dash_boundary, part.body.offset, end);
    while (d && !d->close) {
      std::optional<Delimiter> next = FindDelimiter(dash_boundary, d->next, end);
      size_t child_end = next ? next->break_start : end;
      if (msg_.parts.size() >= kPartsMax) {
        msg_.limit_reached = true;
        return;
      }
      uint32_t child = Parse(Span{d->next, child_end - d->next}, index, depth, digest);
      msg_.parts[index].children.push_back(child);
      d = next;
    }
  }

  uint32_t Parse(Span span, std::optional<uint32_t> parent, uint32_t depth, bool in_digest) {
    uint32_t index = static_cast<uint32_t>(msg_.parts.size());
    MimePart& part = msg_.parts.emplace_back();
    part.parent = parent;
    part.depth = depth;
    size_t header_size = HeaderBlockSize(span.In(data_));
    part.header = Span{span.offset, header_size};
    part.body = Span{span.offset + header_size, span.size - header_size};
    ReadMimeFields(part);
    if (!part.content_type_present) part.content_type = DefaultType(in_digest);
    if (part.content_type.type == "text" || part.IsMessage()) {
      part.body_lines = CountLines(part.body.In(data_));
    }
    bool descend = depth < kDepthMax;
    if ((part.IsMultipart() || part.IsMessage()) && !descend) msg_.limit_reached = true;
    if (part.IsMultipart() && descend) {
      ParseMultipart(index);
    } else if (part.IsMessage() && descend && msg_.parts.size() < kPartsMax) {
      Span body = part.body;  // `part` dies with the next emplace_back
      uint32_t embedded = Parse(body, index, depth + 1, false);
      msg_.parts[index].message = embedded;
    } else if (part.IsMessage() && descend) {
      msg_.limit_reached = true;
    }
    return index;
  }

  std::string_view data_;
  ParsedMessage msg_;
};

}  // namespace

ParsedMessage ParseMessage(std::string_view data) { return Parser(data).Run(); }

}  // namespace ringmail::mime
