#include "mime/bodystructure.h"

#include "mime/envelope.h"
#include "mime/imap_string.h"

namespace ringmail::mime {
namespace {

constexpr std::string_view kEmptyBody =
    "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0)";

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

class Writer {
 public:
  Writer(std::string& out, std::string_view data, const ParsedMessage& msg, bool extended,
         bool utf8)
      : out_(out), data_(data), msg_(msg), extended_(extended), utf8_(utf8) {}

  void Part(uint32_t index) {
    const MimePart& p = msg_[index];
    if (p.IsMultipart()) {
      Multipart(p);
    } else {
      SinglePart(p);
    }
  }

 private:
  void String(std::string_view s) { AppendImapString(out_, s, utf8_); }
  void NString(const std::optional<std::string>& s) { AppendImapNString(out_, s, utf8_); }

  void Params(const std::vector<MimeParam>& params) {
    if (params.empty()) {
      out_ += "NIL";
      return;
    }
    out_ += '(';
    bool first = true;
    for (const MimeParam& p : params) {
      if (!first) out_ += ' ';
      first = false;
      bool plain = !p.extended || IsAscii(p.value);
      String(AsciiUpper(p.name) + (plain ? "" : "*"));
      out_ += ' ';
      String(!p.extended ? p.wire : plain ? p.value : p.wire);
    }
    out_ += ')';
  }

  // body-fld-dsp SP body-fld-lang SP body-fld-loc
  void DispositionLanguageLocation(const MimePart& p) {
    out_ += ' ';
    if (!p.disposition) {
      out_ += "NIL";
    } else {
      out_ += '(';
      String(AsciiUpper(p.disposition->type));
      out_ += ' ';
      Params(p.disposition->params);
      out_ += ')';
    }
    out_ += ' ';
    if (p.languages.empty()) {
      out_ += "NIL";
    } else if (p.languages.size() == 1) {
      String(p.languages[0]);
    } else {
      out_ += '(';
      for (size_t i = 0; i < p.languages.size(); ++i) {
        if (i > 0) out_ += ' ';
        String(p.languages[i]);
      }
      out_ += ')';
    }
    out_ += ' ';
    NString(p.location);
  }

  void Multipart(const MimePart& p) {
    out_ += '(';
    if (p.children.empty()) out_ += kEmptyBody;
    for (uint32_t child : p.children) Part(child);
    out_ += ' ';
    String(AsciiUpper(p.content_type.subtype));
    if (extended_) {
      out_ += ' ';
      Params(p.content_type.params);
      DispositionLanguageLocation(p);
    }
    out_ += ')';
  }

  void SinglePart(const MimePart& p) {
    bool message = p.IsMessage() && p.message;
    bool opaque = p.IsMessage() && !p.message;
    out_ += '(';
    String(opaque ? "APPLICATION" : AsciiUpper(p.content_type.type));
    out_ += ' ';
    String(opaque ? "OCTET-STREAM" : AsciiUpper(p.content_type.subtype));
    out_ += ' ';
    Params(p.content_type.params);
    out_ += ' ';
    NString(p.id);
    out_ += ' ';
    NString(p.description);
    out_ += ' ';
    String(p.transfer_encoding.empty() ? "7BIT" : AsciiUpper(p.transfer_encoding));
    out_ += ' ';
    out_ += std::to_string(p.body.size);
    if (message) {
      const MimePart& embedded = msg_[*p.message];
      out_ += ' ';
      AppendEnvelope(out_, ParseEnvelope(embedded.header.In(data_)), utf8_);
      out_ += ' ';
      Part(*p.message);
      out_ += ' ';
      out_ += std::to_string(p.body_lines);
    } else if (p.content_type.type == "text") {
      out_ += ' ';
      out_ += std::to_string(p.body_lines);
    }
    if (extended_) {
      out_ += ' ';
      NString(p.md5);
      DispositionLanguageLocation(p);
    }
    out_ += ')';
  }

  std::string& out_;
  std::string_view data_;
  const ParsedMessage& msg_;
  bool extended_;
  bool utf8_;
};

}  // namespace

void AppendBodyStructure(std::string& out, std::string_view data, const ParsedMessage& message,
                         uint32_t part, bool extended, bool utf8) {
  Writer(out, data, message, extended, utf8).Part(part);
}

}  // namespace ringmail::mime
