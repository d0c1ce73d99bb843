// What FETCH and SEARCH need of a message beyond its index entry (UID, modseq, flags): its
// bytes, parsed once, rendered as IMAP response values and matched against SEARCH keys; and
// the RFC 5256 SORT and THREAD orders over a set of messages. Pure functions over values:
// no I/O, no store; the session loads the bytes (blob store) and the record (metadata store)
// and calls these. Any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imap/fetch_attr.h"
#include "imap/search_key.h"
#include "mime/message_parser.h"
#include "store/metadata_store.h"

namespace ringmail::imap {

// A message's bytes and their MIME tree (parsed on first use). Owns the bytes.
class MessageView {
 public:
  explicit MessageView(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string_view bytes() const { return bytes_; }
  const mime::ParsedMessage& tree();
  // SEARCH's view of the text (search_text.h), computed on first use: the decoded, case-folded
  // text of the body's text parts, and of the whole header.
  const std::string& FoldedBody();
  const std::string& FoldedHeader();

 private:
  std::string bytes_;
  std::optional<mime::ParsedMessage> tree_;
  std::optional<std::string> folded_body_;
  std::optional<std::string> folded_header_;
};

// The RFC 8474 object ids this server shows (FETCH EMAILID/THREADID) and SEARCH EMAILID/
// THREADID compares with: "M" / "T" followed by the store's id in decimal ("M42", "T7").
std::string EmailIdString(int64_t email_id);
std::string ThreadIdString(int64_t thread_id);

// How a session renders: what the client enabled and what its mailbox shows.
struct RenderOptions {
  bool utf8 = false;       // ENABLE UTF8=ACCEPT: 8-bit strings as they are (RFC 9051 §6.3.1)
  bool imap4rev2 = false;  // ENABLE IMAP4rev2 (no RFC822.TEXT-style differences today)
};

enum class RenderOutcome {
  kOk,
  kUnknownCte,  // BINARY of a part whose Content-Transfer-Encoding is unknown: the session
                // answers NO [UNKNOWN-CTE] (RFC 3516 §4.3)
};

// Whether `attr` needs the message bytes (ENVELOPE, BODY, BODYSTRUCTURE, BODY[...],
// BINARY[...], BINARY.SIZE[...], RFC822, RFC822.HEADER, RFC822.TEXT, PREVIEW); the others come
// from the index entry and the MessageRecord. (A session holding a cached preview, e.g.
// EmailSummary::preview made with MakePreview in fetch_preview.h, may skip the bytes for
// PREVIEW.)
bool NeedsBytes(const FetchAttr& attr);

// Appends one FETCH data item ("ENVELOPE (...)", "BODY[1.2]<0> {42}\r\n...", "BINARY.SIZE[1]
// 1234", ...) for an item NeedsBytes answers true for, exactly as RFC 9051 §7.5.2 writes it:
// the section and the origin octet of a partial are echoed as the client sent them, a
// section beyond the message is the empty string, literals carry their exact length
// (literal8 "~{n}" for BINARY when the data holds NUL). HEADER.FIELDS names are echoed as the
// parser stores them (upper-cased). Data is a quoted string when CanQuote allows it, else a
// literal. On kUnknownCte nothing is appended. Items NeedsBytes answers false for append
// nothing.
RenderOutcome AppendBodyItem(const FetchAttr& attr, MessageView& message,
                             const RenderOptions& options, std::string* out);

// One message as SEARCH sees it.
struct SearchMessage {
  uint32_t sequence = 0;                  // its message sequence number in the session's view
  const MessageRecord* record = nullptr;  // flags, modseq, sizes, dates, ids
  MessageView* view = nullptr;  // its bytes, when NeedsBytes(key) is true; else may be null
};

// What the key's sequence sets and "*", "$" and NEW/RECENT refer to.
struct SearchScope {
  uint32_t message_count = 0;  // "*" for message numbers
  uint32_t uid_max = 0;        // "*" for UIDs (the highest UID in the view, 0 if empty)
  const std::vector<uint32_t>* saved_uids = nullptr;  // "$": the saved result (UIDs)
  int64_t now = 0;                                    // Unix seconds, for OLDER/YOUNGER
};

// Whether any key of the program needs the message bytes (header/body/text/sent-date keys).
bool NeedsBytes(const SearchKey& key);

// Whether `message` matches `key` (RFC 9051 §6.4.4): text keys are case-insensitive
// substring matches on decoded content (RFC 2047 headers, quoted-printable and base64 bodies,
// charsets converted to UTF-8; the search string is UTF-8 after the session converted it
// from the SEARCH CHARSET); dates are compared in the message's own zone for SENT* and UTC
// for INTERNALDATE-based keys (SENT* fall back to the internal date without a usable Date
// field; SAVED* to it when saved_at is 0). KEYWORD compares case-insensitively. RECENT and NEW
// match nothing (this server has no \Recent), OLD everything. EMAILID/THREADID compare with
// EmailIdString/ThreadIdString. "$" matches the UIDs in scope.saved_uids (a linear scan).
bool Matches(const SearchKey& key, const SearchMessage& message, const SearchScope& scope);

// RFC 5256 SORT: the messages' positions in `messages`, in sort order (ties by sequence).
// Every message has a view (sorting on headers needs the bytes). FROM/TO/CC compare the first
// address's local part, DISPLAYFROM/DISPLAYTO (RFC 5957) its decoded display name or else
// its address, SUBJECT the RFC 5256 base subject, all case-folded; DATE is the Date field in
// UTC, or the internal date without one.
std::vector<size_t> SortMessages(const std::vector<SortCriterion>& criteria,
                                 const std::vector<SearchMessage>& messages);

// RFC 5256 THREAD: appends the thread list ("(1 2)(3 (4)(5))"), using each message's UID
// when `uids`, else its sequence number. `algorithm` is "REFERENCES" or "ORDEREDSUBJECT".
// Nothing is appended for no messages (the session writes "* THREAD" alone).
void AppendThreads(std::string_view algorithm, const std::vector<SearchMessage>& messages,
                   bool uids, std::string* out);

}  // namespace ringmail::imap
