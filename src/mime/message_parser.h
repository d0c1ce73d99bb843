// A whole RFC 5322 message held in memory, parsed into its tree of MIME parts (RFC 2045,
// RFC 2046) without copying bodies: every part is a pair of spans into the caller's bytes
// plus its parsed MIME header fields. This is what IMAP's BODYSTRUCTURE, BODY[section] and
// SEARCH and JMAP's bodyStructure read.
//
// Parsing never fails: a broken message (no boundary, missing close delimiter, garbage
// headers, NULs, bare LF line ends) still yields a tree covering what could be understood,
// and over a limit the rest is left uninterpreted (see docs/mime.md). Pure; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mime/content_type.h"

namespace ringmail::mime {

inline constexpr size_t kDepthMax = 64;     // nesting of multiparts and messages
inline constexpr size_t kPartsMax = 10000;  // parts of one message, the message included
// RFC 2046 §5.1.1 allows 70; longer ones are still honoured up to this many bytes.
inline constexpr size_t kBoundarySizeMax = 200;

// A byte range of the message: [offset, offset + size).
struct Span {
  size_t offset = 0;
  size_t size = 0;
  size_t end() const { return offset + size; }
  std::string_view In(std::string_view data) const { return data.substr(offset, size); }
};

struct MimePart {
  // The header block, its empty line included (IMAP BODY[n.MIME], or BODY[HEADER] of a
  // message); then the body, up to the part's end (BODY[n], BODY[TEXT]). A part of a
  // multipart ends before the line break that precedes the next delimiter (RFC 2046).
  Span header;
  Span body;
  // Lines of the body (IMAP body-fld-lines): line breaks, plus one for a last line without.
  // Computed for text/*, message/rfc822 and message/global only; 0 otherwise.
  size_t body_lines = 0;

  ContentType content_type;           // the default when absent or invalid (see below)
  bool content_type_present = false;  // a valid Content-Type field was found
  std::string transfer_encoding;      // lower-case token; empty when absent (7bit)
  // Raw values (unfolded, RFC 2047 words kept), nullopt when the field is absent.
  std::optional<std::string> id, description, md5, location;
  std::optional<Disposition> disposition;
  std::vector<std::string> languages;

  // Children of a multipart, in order (indexes into ParsedMessage::parts).
  std::vector<uint32_t> children;
  // The encapsulated message of a message/rfc822 or message/global part.
  std::optional<uint32_t> message;
  std::optional<uint32_t> parent;
  uint32_t depth = 0;

  bool IsMultipart() const { return content_type.type == "multipart"; }
  bool IsMessage() const {
    return content_type.Is("message", "rfc822") || content_type.Is("message", "global");
  }
};

struct ParsedMessage {
  std::vector<MimePart> parts;  // parts[0] is the message itself; never empty
  bool limit_reached = false;   // depth or part count: some structure was not interpreted

  const MimePart& root() const { return parts[0]; }
  const MimePart& operator[](uint32_t i) const { return parts[i]; }
};

// Parses `data`. The result holds offsets only; `data` need not outlive it, but the spans
// only mean something against the same bytes. Defaults: no (or an invalid) Content-Type is
// text/plain; charset=us-ascii, except in a multipart/digest where it is message/rfc822.
ParsedMessage ParseMessage(std::string_view data);

}  // namespace ringmail::mime
