// The IMAP ceiling's answers to the mix's commands (imap_ceiling.h): canned, correctly framed,
// built from the corpus in memory.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "ceiling/imap_ceiling.h"
#include "ceiling/parts.h"

namespace ringmail::bench {
namespace {

bool Contains(std::string_view haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                     [](char a, char b) {
                       return std::toupper(static_cast<unsigned char>(a)) == b;
                     }) != haystack.end();
}

// A number of a sequence set; `star` for "*".
uint32_t SetNumber(std::string_view s, uint32_t star) {
  if (s == "*") return star;
  uint32_t n = 0;
  std::from_chars(s.data(), s.data() + s.size(), n);
  return n;
}

std::string_view Flags(bool seen) { return seen ? "(\\Seen)" : "()"; }

}  // namespace

uint32_t ImapCeilingSession::UidOf(uint32_t msn) const {
  return msn <= mailbox_->size() ? msn : appended_[msn - mailbox_->size() - 1];
}

uint32_t ImapCeilingSession::MsnOf(uint32_t uid) const {
  if (uid >= 1 && uid <= mailbox_->size()) return uid;
  auto it = std::find(appended_.begin(), appended_.end(), uid);
  if (it == appended_.end()) return 0;
  return mailbox_->size() + 1 + static_cast<uint32_t>(it - appended_.begin());
}

template <typename F>
void ImapCeilingSession::ForEach(std::string_view set, bool uid, F f) const {
  const uint32_t star = uid ? UidOf(exists()) : exists();
  ForEachPart(set, ',', [&](std::string_view range) {
    const size_t colon = range.find(':');
    uint32_t a = SetNumber(range.substr(0, colon), star);
    uint32_t b = colon == std::string_view::npos ? a : SetNumber(range.substr(colon + 1), star);
    if (a > b) std::swap(a, b);
    b = std::min(b, star);  // a set never names more than the mailbox holds
    for (uint32_t n = std::max<uint32_t>(a, 1); n <= b; ++n) {
      const uint32_t msn = uid ? MsnOf(n) : n;
      if (msn != 0) f(msn);
    }
  });
}

void ImapCeilingSession::Select(std::string_view tag, std::string_view verb, Stream& out) {
  out.Write("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* " +
            std::to_string(exists()) +
            " EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 1]\r\n* OK [UIDNEXT " +
            std::to_string(uid_next_) + "]\r\n" + std::string(tag) + " OK [READ-WRITE] " +
            std::string(verb) + " completed\r\n");
}

void ImapCeilingSession::Fetch(std::string_view tag, std::string_view args, bool uid, Stream& out) {
  const std::string_view set = args.substr(0, args.find(' '));
  const std::string_view items = args.substr(std::min(args.size(), set.size()));
  const bool flags = Contains(items, "FLAGS"), envelope = Contains(items, "ENVELOPE");
  const bool body = Contains(items, "BODY[]") || Contains(items, "BODY.PEEK[]");
  const bool with_uid = uid || Contains(items, "UID");
  ForEach(set, uid, [&](uint32_t msn) {
    // Appended messages' bodies are not kept: they answer with a corpus message's.
    const CeilingMessage& m = mailbox_->message((msn - 1) % mailbox_->size());
    std::string head = "* " + std::to_string(msn) + " FETCH (";
    if (with_uid) head += "UID " + std::to_string(UidOf(msn)) + " ";
    if (flags) head += "FLAGS " + std::string(Flags(m.seen)) + " ";
    if (envelope) head += "ENVELOPE " + m.envelope + " ";
    if (body) head += "BODY[] {" + std::to_string(m.bytes.size()) + "}\r\n";
    if (!body && head.back() == ' ') head.pop_back();
    out.Write(head);
    if (body) out.Write(m.bytes);
    out.Write(")\r\n");
  });
  out.Write(std::string(tag) + " OK FETCH completed\r\n");
}

void ImapCeilingSession::Store(std::string_view tag, std::string_view args, bool uid, Stream& out) {
  const std::string_view set = args.substr(0, args.find(' '));
  const std::string_view rest = args.substr(std::min(args.size(), set.size()));
  const bool silent = Contains(rest, ".SILENT");
  const bool deleted = Contains(rest, "\\DELETED") && !Contains(rest, "-FLAGS");
  const size_t open = rest.find('(');
  const std::string_view flags =
      open == std::string_view::npos ? std::string_view("()") : rest.substr(open);
  ForEach(set, uid, [&](uint32_t msn) {
    const uint32_t msg_uid = UidOf(msn);
    if (deleted && msn > mailbox_->size() &&
        std::find(deleted_.begin(), deleted_.end(), msg_uid) == deleted_.end()) {
      deleted_.push_back(msg_uid);
    }
    if (silent) return;
    out.Write("* " + std::to_string(msn) + " FETCH (" +
              (uid ? "UID " + std::to_string(msg_uid) + " " : std::string()) + "FLAGS " +
              std::string(flags) + ")\r\n");
  });
  out.Write(std::string(tag) + " OK STORE completed\r\n");
}

void ImapCeilingSession::Append(std::string_view tag, Stream& out) {
  const uint32_t uid = uid_next_++;
  appended_.push_back(uid);
  out.Write("* " + std::to_string(exists()) + " EXISTS\r\n" + std::string(tag) +
            " OK [APPENDUID 1 " + std::to_string(uid) + "] APPEND completed\r\n");
}

void ImapCeilingSession::Expunge(std::string_view tag, Stream& out) {
  // Highest message number first, so each EXPUNGE's number is still right when it is read.
  std::vector<uint32_t> msns;
  for (uint32_t uid : deleted_) {
    if (const uint32_t msn = MsnOf(uid); msn != 0) msns.push_back(msn);
  }
  std::sort(msns.rbegin(), msns.rend());
  for (uint32_t msn : msns) {
    out.Write("* " + std::to_string(msn) + " EXPUNGE\r\n");
    appended_.erase(appended_.begin() + (msn - mailbox_->size() - 1));
  }
  deleted_.clear();
  out.Write(std::string(tag) + " OK EXPUNGE completed\r\n");
}

}  // namespace ringmail::bench
