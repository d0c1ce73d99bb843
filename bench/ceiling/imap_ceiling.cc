// The IMAP ceiling's framing: commands, literals, IDLE, and the connection loop
// (imap_ceiling.h). The commands' answers are in imap_ceiling_commands.cc.
#include "ceiling/imap_ceiling.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "ceiling/serve_session.h"

namespace ringmail::bench {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The length of a literal announced at the end of `line` ("{12}" or "{12+}"), with *sync
// set for the synchronizing form; -1 when the line does not end with one.
int64_t TrailingLiteral(std::string_view line, bool* sync) {
  if (line.empty() || line.back() != '}') return -1;
  const size_t open = line.rfind('{');
  if (open == std::string_view::npos) return -1;
  std::string_view digits = line.substr(open + 1, line.size() - open - 2);
  *sync = digits.empty() || digits.back() != '+';
  if (!*sync) digits.remove_suffix(1);
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) return -1;
  return static_cast<int64_t>(n);
}

// Splits off the first space-separated word of *rest.
std::string_view Word(std::string_view* rest) {
  const size_t sp = rest->find(' ');
  std::string_view word = rest->substr(0, sp);
  rest->remove_prefix(sp == std::string_view::npos ? rest->size() : sp + 1);
  return word;
}

}  // namespace

size_t ImapCeilingSession::Feed(std::string_view input, Stream& out) {
  size_t used = 0;
  while (!closed_ && used < input.size()) {
    if (literal_left_ > 0) {
      const size_t take =
          static_cast<size_t>(std::min<uint64_t>(literal_left_, input.size() - used));
      used += take;
      literal_left_ -= take;
      continue;
    }
    std::string_view rest = input.substr(used);
    const size_t crlf = rest.find("\r\n");
    if (crlf == std::string_view::npos) {
      if (rest.size() > kLineMax) {
        out.Write("* BYE line too long\r\n");
        closed_ = true;
      }
      break;
    }
    const std::string_view line = rest.substr(0, crlf);
    used += crlf + 2;
    bool sync = false;
    if (const int64_t literal = TrailingLiteral(line, &sync); literal >= 0) {
      if (pending_.empty()) pending_.assign(line.substr(0, line.rfind('{')));
      literal_left_ = static_cast<uint64_t>(literal);
      if (sync) out.Write("+ Ready for literal data\r\n");
      continue;
    }
    if (pending_.empty()) {
      Line(line, out);
    } else {
      const std::string first = std::move(pending_);
      pending_.clear();
      Line(first, out);
    }
  }
  return used;
}

void ImapCeilingSession::Line(std::string_view line, Stream& out) {
  if (!idle_tag_.empty()) {
    out.Write(Upper(line) == "DONE" ? idle_tag_ + " OK IDLE terminated\r\n"
                                    : idle_tag_ + " BAD expected DONE\r\n");
    idle_tag_.clear();
    return;
  }
  ++commands_;
  std::string_view rest = line;
  const std::string_view tag = Word(&rest);
  std::string verb = Upper(Word(&rest));
  const bool uid = verb == "UID";
  if (uid) verb = Upper(Word(&rest));
  if (tag.empty() || verb.empty()) {
    out.Write("* BAD missing tag or command\r\n");
    return;
  }
  Dispatch(tag, verb, rest, uid, out);
}

void ImapCeilingSession::Dispatch(std::string_view tag, std::string_view verb,
                                  std::string_view args, bool uid, Stream& out) {
  auto ok = [&](std::string_view text) {
    out.Write(tag);
    out.Write(" OK ");
    out.Write(text);
    out.Write(" completed\r\n");
  };
  if (verb == "FETCH") {
    Fetch(tag, args, uid, out);
  } else if (verb == "STORE") {
    Store(tag, args, uid, out);
  } else if (verb == "SELECT" || verb == "EXAMINE") {
    Select(tag, verb, out);
  } else if (verb == "APPEND") {
    Append(tag, out);
  } else if (verb == "EXPUNGE") {
    Expunge(tag, out);
  } else if (verb == "LOGIN" || verb == "NOOP" || verb == "CHECK" || verb == "CLOSE") {
    ok(verb);
  } else if (verb == "CAPABILITY") {
    out.Write("* CAPABILITY IMAP4rev1 LITERAL+ IDLE UIDPLUS\r\n");
    ok(verb);
  } else if (verb == "LIST") {
    out.Write("* LIST (\\HasNoChildren) \"/\" INBOX\r\n");
    ok(verb);
  } else if (verb == "STATUS") {
    out.Write("* STATUS INBOX (MESSAGES " + std::to_string(exists()) + " UNSEEN " +
              std::to_string(mailbox_->unseen()) + " UIDNEXT " + std::to_string(uid_next_) +
              ")\r\n");
    ok(verb);
  } else if (verb == "IDLE") {
    idle_tag_.assign(tag);
    out.Write("+ idling\r\n");
  } else if (verb == "LOGOUT") {
    out.Write("* BYE logging out\r\n");
    ok(verb);
    closed_ = true;
  } else {
    out.Write(std::string(tag) + " BAD unknown command\r\n");
  }
}

Task<void> ImapCeilingHandler::Serve(Connection& conn) {
  ImapCeilingSession session(mailbox_);
  co_await ServeSession(conn, session, commands_);
}

}  // namespace ringmail::bench
