// FETCH (RFC 9051 §6.4.5, RFC 3516 BINARY, RFC 7162 CHANGEDSINCE/VANISHED, RFC 8970 PREVIEW),
// STORE (RFC 7162 UNCHANGEDSINCE), COPY, MOVE (RFC 6851), UID EXPUNGE.
#include <algorithm>
#include <array>

#include "imap/command_parsers.h"

namespace ringmail::imap {
namespace {

constexpr size_t kFetchAttrsMax = 64;
constexpr size_t kSectionPartsMax = 32;  // nesting depth of a section-part
constexpr size_t kHeaderFieldsMax = 64;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

FetchAttr Simple(FetchItem item) {
  FetchAttr attr;
  attr.item = item;
  return attr;
}

// "[" section-spec "]" (or, with binary, "[" [section-part] "]").
bool ParseSection(Cursor& c, bool binary, Section* s) {
  if (!c.Char('[')) return c.Fail("expected \"[\"");
  if (c.TryChar(']')) return true;
  if (IsDigit(c.Peek())) {
    do {
      if (s->part.size() >= kSectionPartsMax) return c.Fail("section part too deep");
      if (!c.NzNumber(&s->part.emplace_back())) return false;
    } while (c.TryChar('.') && IsDigit(c.Peek()));
    if (binary || c.Peek() == ']') return c.Char(']');
  }
  if (binary) return c.Fail("bad BINARY section");
  std::string word;
  if (!c.Keyword(&word)) return c.Fail("bad section");
  if (word == "HEADER") {
    s->text = SectionText::kHeader;
  } else if (word == "TEXT") {
    s->text = SectionText::kText;
  } else if (word == "MIME" && !s->part.empty()) {
    s->text = SectionText::kMime;
  } else if (word == "HEADER.FIELDS" || word == "HEADER.FIELDS.NOT") {
    s->text = word == "HEADER.FIELDS" ? SectionText::kHeaderFields : SectionText::kHeaderFieldsNot;
    bool ok = c.Sp() && c.List([&] {
      if (s->fields.size() >= kHeaderFieldsMax) return c.Fail("too many header fields");
      std::string& field = s->fields.emplace_back();
      if (!c.AString(&field)) return false;
      for (char& ch : field) ch = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 32) : ch;
      return true;
    });
    if (!ok) return false;
  } else {
    return c.Fail("bad section");
  }
  return c.Char(']');
}

bool ParsePartial(Cursor& c, std::optional<Partial>* out) {
  if (!c.TryChar('<')) return true;
  Partial& p = out->emplace();
  if (!c.Number64(&p.offset) || !c.Char('.') || !c.Number64(&p.count) || p.count == 0 ||
      !c.Char('>')) {
    return c.Fail("bad partial");
  }
  return true;
}

bool ParseFetchAttr(Cursor& c, std::vector<FetchAttr>* attrs) {
  static constexpr std::array<std::pair<std::string_view, FetchItem>, 14> kSimple = {{
      {"FLAGS", FetchItem::kFlags},
      {"INTERNALDATE", FetchItem::kInternalDate},
      {"RFC822.SIZE", FetchItem::kRfc822Size},
      {"ENVELOPE", FetchItem::kEnvelope},
      {"BODYSTRUCTURE", FetchItem::kBodyStructure},
      {"UID", FetchItem::kUid},
      {"MODSEQ", FetchItem::kModseq},
      {"EMAILID", FetchItem::kEmailId},
      {"THREADID", FetchItem::kThreadId},
      {"SAVEDATE", FetchItem::kSaveDate},
      {"RFC822", FetchItem::kRfc822},
      {"RFC822.HEADER", FetchItem::kRfc822Header},
      {"RFC822.TEXT", FetchItem::kRfc822Text},
      {"PREVIEW", FetchItem::kPreview},
  }};
  if (attrs->size() >= kFetchAttrsMax) return c.Fail("too many fetch attributes");
  std::string word;
  if (!c.Keyword(&word)) return c.Fail("expected a fetch attribute");
  FetchAttr attr;
  if (word == "BODY" && c.Peek() != '[') {
    attr.item = FetchItem::kBody;
  } else if (word == "BODY" || word == "BODY.PEEK") {
    attr.item = FetchItem::kBodySection;
    attr.peek = word == "BODY.PEEK";
    if (!ParseSection(c, false, &attr.section) || !ParsePartial(c, &attr.partial)) return false;
  } else if (word == "BINARY" || word == "BINARY.PEEK") {
    attr.item = FetchItem::kBinary;
    attr.peek = word == "BINARY.PEEK";
    if (!ParseSection(c, true, &attr.section) || !ParsePartial(c, &attr.partial)) return false;
  } else if (word == "BINARY.SIZE") {
    attr.item = FetchItem::kBinarySize;
    if (!ParseSection(c, true, &attr.section)) return false;
  } else {
    auto it = std::find_if(kSimple.begin(), kSimple.end(),
                           [&](const auto& e) { return e.first == word; });
    if (it == kSimple.end()) return c.Fail("unknown fetch attribute");
    attr.item = it->second;
    // PREVIEW (LAZY): a "(" after the SP, since no fetch-att starts with one.
    if (attr.item == FetchItem::kPreview && c.LookingAt(" (")) {
      bool ok = c.Sp() && c.List([&] {
        return c.TryKeyword("LAZY") ? (attr.lazy = true) : c.Fail("unknown PREVIEW modifier");
      });
      if (!ok) return false;
    }
  }
  attrs->push_back(std::move(attr));
  return true;
}

bool ParseFetch(Cursor& c, Command* out) {
  FetchArgs args;
  if (!c.Sp() || !c.SequenceSet(&args.set) || !c.Sp()) return false;
  std::string_view macro = c.TryKeyword("ALL")    ? "ALL"
                           : c.TryKeyword("FAST") ? "FAST"
                           : c.TryKeyword("FULL") ? "FULL"
                                                  : "";
  if (!macro.empty()) {
    args.attrs = {Simple(FetchItem::kFlags), Simple(FetchItem::kInternalDate),
                  Simple(FetchItem::kRfc822Size)};
    if (macro != "FAST") args.attrs.push_back(Simple(FetchItem::kEnvelope));
    if (macro == "FULL") args.attrs.push_back(Simple(FetchItem::kBody));
  } else if (c.Peek() == '(') {
    if (!c.List([&] { return ParseFetchAttr(c, &args.attrs); })) return false;
  } else if (!ParseFetchAttr(c, &args.attrs)) {
    return false;
  }
  if (c.LookingAt(" (")) {  // fetch-modifiers
    bool ok = c.Sp() && c.List([&] {
      if (c.TryKeyword("CHANGEDSINCE")) {
        return c.Sp() && c.Number64(&args.changed_since.emplace());
      }
      if (c.TryKeyword("VANISHED")) return args.vanished = true;
      return c.Fail("unknown FETCH modifier");
    });
    if (!ok) return false;
    // RFC 7162 §3.2.6: VANISHED only with UID FETCH and CHANGEDSINCE.
    if (args.vanished && (!out->uid || !args.changed_since)) {
      return c.Fail("VANISHED needs UID FETCH and CHANGEDSINCE");
    }
  }
  out->args = std::move(args);
  return true;
}

bool ParseStore(Cursor& c, Command* out) {
  StoreArgs args;
  if (!c.Sp() || !c.SequenceSet(&args.set) || !c.Sp()) return false;
  if (c.Peek() == '(') {
    bool ok = c.List([&] {
      return (c.TryKeyword("UNCHANGEDSINCE") && c.Sp() &&
              c.Number64(&args.unchanged_since.emplace())) ||
             c.Fail("unknown STORE modifier");
    });
    if (!ok || !c.Sp()) return false;
  }
  args.mode = c.TryChar('+') ? StoreMode::kAdd
                             : (c.TryChar('-') ? StoreMode::kRemove : StoreMode::kReplace);
  std::string word;
  if (!c.Keyword(&word) || (word != "FLAGS" && word != "FLAGS.SILENT")) {
    return c.Fail("expected FLAGS");
  }
  args.silent = word == "FLAGS.SILENT";
  if (!c.Sp()) return false;
  if (c.Peek() == '(') {
    if (!c.FlagList(&args.flags)) return false;
  } else {
    do {
      if (!c.Flag(&args.flags.emplace_back())) return false;
    } while (c.TryChar(' '));
  }
  out->args = std::move(args);
  return true;
}

}  // namespace

bool ParseMessageCommand(Cursor& c, Command* out) {
  switch (out->name) {
    case CommandName::kFetch: return ParseFetch(c, out);
    case CommandName::kStore: return ParseStore(c, out);
    case CommandName::kExpunge: {
      if (!out->uid) return true;
      UidExpungeArgs args;
      if (!c.Sp() || !c.SequenceSet(&args.set)) return false;
      out->args = std::move(args);
      return true;
    }
    default: {  // COPY, MOVE
      CopyArgs args;
      if (!c.Sp() || !c.SequenceSet(&args.set) || !c.Sp() || !c.Mailbox(&args.mailbox)) {
        return false;
      }
      out->args = std::move(args);
      return true;
    }
  }
}

}  // namespace ringmail::imap
