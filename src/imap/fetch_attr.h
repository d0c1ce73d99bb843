// FETCH data items (RFC 9051 §6.4.5, RFC 3516 BINARY, RFC 7162 MODSEQ, RFC 8474 EMAILID and
// THREADID, RFC 8970 PREVIEW, RFC 8514 SAVEDATE). Pure data; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ringmail::imap {

enum class FetchItem : uint8_t {
  kFlags,
  kInternalDate,
  kRfc822Size,
  kEnvelope,
  kBody,
  kBodyStructure,
  kUid,
  kModseq,
  kEmailId,
  kThreadId,
  kPreview,
  kSaveDate,
  kRfc822,
  kRfc822Header,
  kRfc822Text,   // IMAP4rev1 only
  kBodySection,  // BODY[section]<partial>, BODY.PEEK[...]
  kBinary,       // BINARY[part]<partial>, BINARY.PEEK[...]
  kBinarySize,   // BINARY.SIZE[part]
};

// What of a (part of a) message BODY[...] names; kNone is the whole part ("BODY[1.2]").
enum class SectionText : uint8_t { kNone, kHeader, kHeaderFields, kHeaderFieldsNot, kText, kMime };

struct Section {
  std::vector<uint32_t> part;  // "1.2" gives {1, 2}; empty: the message itself
  SectionText text = SectionText::kNone;
  std::vector<std::string> fields;  // HEADER.FIELDS (...): names upper-cased

  bool operator==(const Section&) const = default;
};

// <offset.count>
struct Partial {
  uint64_t offset = 0;
  uint64_t count = 0;  // > 0

  bool operator==(const Partial&) const = default;
};

struct FetchAttr {
  FetchItem item = FetchItem::kFlags;
  bool peek = false;               // BODY.PEEK / BINARY.PEEK: do not set \Seen
  bool lazy = false;               // PREVIEW (LAZY)
  Section section;                 // kBodySection, kBinary, kBinarySize (part only for these)
  std::optional<Partial> partial;  // kBodySection, kBinary

  bool operator==(const FetchAttr&) const = default;
};

}  // namespace ringmail::imap
