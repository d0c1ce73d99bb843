// FETCH items that read the message bytes (RFC 9051 §6.4.5, §7.5.2; RFC 3516; RFC 8970).
#include "base/ascii.h"
#include "imap/fetch_preview.h"
#include "imap/fetch_section.h"
#include "imap/message_view.h"
#include "imap/wire.h"
#include "mime/bodystructure.h"
#include "mime/envelope.h"

namespace ringmail::imap {
namespace {

// A body section's data: quoted when that is safe, else a literal. Never literal8 (that is
// for BINARY only): a NUL in a stored message goes out in a plain literal, as stored.
void AppendBodyString(std::string* out, std::string_view s, bool utf8) {
  if (CanQuote(s, utf8)) {
    AppendQuoted(out, s);
  } else {
    AppendLiteral(out, s);
  }
}

void AppendSectionSpec(const Section& section, std::string* out) {
  for (size_t i = 0; i < section.part.size(); ++i) {
    if (i > 0) out->push_back('.');
    out->append(std::to_string(section.part[i]));
  }
  if (section.text == SectionText::kNone) return;
  if (!section.part.empty()) out->push_back('.');
  switch (section.text) {
    case SectionText::kHeader: out->append("HEADER"); break;
    case SectionText::kText: out->append("TEXT"); break;
    case SectionText::kMime: out->append("MIME"); break;
    case SectionText::kHeaderFields:
    case SectionText::kHeaderFieldsNot:
      out->append(section.text == SectionText::kHeaderFields ? "HEADER.FIELDS ("
                                                             : "HEADER.FIELDS.NOT (");
      for (size_t i = 0; i < section.fields.size(); ++i) {
        if (i > 0) out->push_back(' ');
        AppendAString(out, section.fields[i], false);
      }
      out->push_back(')');
      break;
    case SectionText::kNone: break;
  }
}

// "<origin>" and the part of `data` a partial names (empty beyond the end).
std::string_view ApplyPartial(const std::optional<Partial>& partial, std::string_view data,
                              std::string* out) {
  if (!partial) return data;
  out->push_back('<');
  out->append(std::to_string(partial->offset));
  out->push_back('>');
  if (partial->offset >= data.size()) return {};
  return data.substr(partial->offset, partial->count);
}

void AppendBodySection(const FetchAttr& attr, MessageView& message, const RenderOptions& options,
                       std::string* out) {
  SectionContent content = ReadSection(attr.section, message.bytes(), message.tree());
  out->append("BODY[");
  AppendSectionSpec(attr.section, out);
  out->push_back(']');
  std::string_view data = ApplyPartial(attr.partial, content.bytes(), out);
  out->push_back(' ');
  AppendBodyString(out, data, options.utf8);
}

// BINARY[part] and BINARY.SIZE[part]: the decoded content, or nullopt for an unknown
// Content-Transfer-Encoding. A part that does not exist is empty.
std::optional<std::string> BinaryContent(const Section& section, MessageView& message) {
  if (section.part.empty()) return std::string(message.bytes());
  std::optional<uint32_t> part = FindPart(message.tree(), section.part);
  if (!part) return std::string();
  return DecodedPartContent(message.bytes(), message.tree(), *part);
}

RenderOutcome AppendBinary(const FetchAttr& attr, MessageView& message, std::string* out) {
  std::optional<std::string> content = BinaryContent(attr.section, message);
  if (!content) return RenderOutcome::kUnknownCte;
  out->append(attr.item == FetchItem::kBinary ? "BINARY[" : "BINARY.SIZE[");
  AppendSectionSpec(attr.section, out);
  out->push_back(']');
  if (attr.item == FetchItem::kBinarySize) {
    out->push_back(' ');
    out->append(std::to_string(content->size()));
    return RenderOutcome::kOk;
  }
  std::string_view data = ApplyPartial(attr.partial, *content, out);
  out->push_back(' ');
  if (data.find('\0') != data.npos) {
    AppendLiteral(out, data, /*binary=*/true);
  } else {
    AppendBodyString(out, data, /*utf8=*/false);
  }
  return RenderOutcome::kOk;
}

}  // namespace

bool NeedsBytes(const FetchAttr& attr) {
  switch (attr.item) {
    case FetchItem::kEnvelope:
    case FetchItem::kBody:
    case FetchItem::kBodyStructure:
    case FetchItem::kPreview:
    case FetchItem::kRfc822:
    case FetchItem::kRfc822Header:
    case FetchItem::kRfc822Text:
    case FetchItem::kBodySection:
    case FetchItem::kBinary:
    case FetchItem::kBinarySize: return true;
    default: return false;
  }
}

RenderOutcome AppendBodyItem(const FetchAttr& attr, MessageView& message,
                             const RenderOptions& options, std::string* out) {
  std::string_view data = message.bytes();
  switch (attr.item) {
    case FetchItem::kEnvelope:
      out->append("ENVELOPE ");
      mime::AppendEnvelope(*out, mime::ParseEnvelope(message.tree().root().header.In(data)),
                           options.utf8);
      break;
    case FetchItem::kBody:
    case FetchItem::kBodyStructure: {
      bool extended = attr.item == FetchItem::kBodyStructure;
      out->append(extended ? "BODYSTRUCTURE " : "BODY ");
      mime::AppendBodyStructure(*out, data, message.tree(), 0, extended, options.utf8);
      break;
    }
    case FetchItem::kRfc822:
      out->append("RFC822 ");
      AppendBodyString(out, data, options.utf8);
      break;
    case FetchItem::kRfc822Header:
      out->append("RFC822.HEADER ");
      AppendBodyString(out, message.tree().root().header.In(data), options.utf8);
      break;
    case FetchItem::kRfc822Text:
      out->append("RFC822.TEXT ");
      AppendBodyString(out, message.tree().root().body.In(data), options.utf8);
      break;
    case FetchItem::kBodySection: AppendBodySection(attr, message, options, out); break;
    case FetchItem::kBinary:
    case FetchItem::kBinarySize: return AppendBinary(attr, message, out);
    case FetchItem::kPreview: {
      out->append("PREVIEW ");
      std::string preview = MakePreview(data, message.tree());
      AppendString(out, preview, options.utf8);
      break;
    }
    default: break;  // not a body item: the session renders it from the index entry
  }
  return RenderOutcome::kOk;
}

}  // namespace ringmail::imap
