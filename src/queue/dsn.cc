#include "queue/dsn.h"

#include <ctime>

#include "mail/outbound.h"

namespace ringmail {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "5.1.1" from a reply "550 5.1.1 text", or "".
std::string EnhancedCode(std::string_view reply) {
  if (reply.size() < 9 || !IsDigit(reply[0]) || reply[3] != ' ') return "";
  const std::string_view rest = reply.substr(4);
  const size_t end = std::min(rest.find(' '), rest.size());
  const std::string_view code = rest.substr(0, end);
  int dots = 0;
  for (char c : code) {
    if (c == '.') {
      ++dots;
    } else if (!IsDigit(c)) {
      return "";
    }
  }
  if (dots != 2 || (code[0] != '4' && code[0] != '5') || code[0] != reply[0]) return "";
  return std::string(code);
}

std::string StatusOf(const FailedRecipient& r, DsnAction action) {
  if (action == DsnAction::kRelayed) return "2.0.0";
  const std::string code = EnhancedCode(r.reply);
  if (action == DsnAction::kDelayed) return code.starts_with("4") ? code : "4.0.0";
  if (!code.empty()) return code;
  return r.expired ? "4.4.7" : "5.0.0";
}

struct Wording {
  const char* subject;
  const char* summary;
  const char* action;
};

Wording WordingOf(DsnAction action) {
  switch (action) {
    case DsnAction::kDelayed:
      return {"Delayed Mail (still being retried)",
              "Your message could not be delivered yet to one or more recipients; delivery "
              "will be retried.",
              "delayed"};
    case DsnAction::kRelayed:
      return {"Successful Mail Delivery Report",
              "Your message was relayed to one or more recipients' mail system, which will "
              "not send further notices.",
              "relayed"};
    default:
      return {"Undelivered Mail Returned to Sender",
              "Your message could not be delivered to one or more recipients.", "failed"};
  }
}

std::string DiagnosticCode(std::string_view reply) {
  const bool smtp =
      reply.size() >= 3 && IsDigit(reply[0]) && IsDigit(reply[1]) && IsDigit(reply[2]);
  return (smtp ? "smtp; " : "X-ringmail; ") + std::string(reply);
}

// The header of a message: up to (without) the empty line, with a final CRLF.
std::string_view HeaderOf(std::string_view message) {
  const size_t end = message.find("\r\n\r\n");
  return end == std::string_view::npos ? message : message.substr(0, end + 2);
}

std::string HumanPart(const std::vector<FailedRecipient>& failed, std::string_view mta,
                      DsnAction action) {
  std::string out =
      "Content-Type: text/plain; charset=utf-8\r\n\r\n"
      "This is the mail system at host " +
      std::string(mta) + ".\r\n\r\n" + WordingOf(action).summary + "\r\n\r\n";
  for (const FailedRecipient& r : failed) {
    out += "<" + r.address + ">: " + (r.expired ? "delivery time expired; last attempt: " : "") +
           r.reply + "\r\n";
  }
  return out;
}

std::string StatusPart(const QueuedMessageRecord& m, const std::vector<FailedRecipient>& failed,
                       std::string_view mta, int64_t now, DsnAction action) {
  std::string out = "Content-Type: message/delivery-status\r\n\r\n";
  out += "Reporting-MTA: dns; " + std::string(mta) + "\r\n";
  if (!m.envid.empty()) out += "Original-Envelope-Id: " + m.envid + "\r\n";
  out += "Arrival-Date: " + Rfc5322Date(m.created_at) + "\r\n";
  for (const FailedRecipient& r : failed) {
    out += "\r\nFinal-Recipient: rfc822; " + r.address + "\r\n";
    if (!r.orcpt.empty()) out += "Original-Recipient: " + r.orcpt + "\r\n";
    out += "Action: " + std::string(WordingOf(action).action) + "\r\n";
    out += "Status: " + StatusOf(r, action) + "\r\n";
    if (!r.reply.empty()) out += "Diagnostic-Code: " + DiagnosticCode(r.reply) + "\r\n";
    out += "Last-Attempt-Date: " + Rfc5322Date(now) + "\r\n";
    if (action == DsnAction::kDelayed) {
      out += "Will-Retry-Until: " + Rfc5322Date(m.expires_at) + "\r\n";
    }
  }
  return out;
}

}  // namespace

bool WantsFailureReport(std::string_view sender, uint8_t notify) {
  if (sender.empty()) return false;
  if (notify & kNotifyNever) return false;
  return notify == 0 || (notify & kNotifyFailure) != 0;
}

std::string_view DsnSubject(DsnAction action) { return WordingOf(action).subject; }

bool WantsNotice(std::string_view sender, uint8_t notify, DsnAction action) {
  if (sender.empty() || (notify & kNotifyNever)) return false;
  switch (action) {
    case DsnAction::kDelayed: return (notify & kNotifyDelay) != 0;
    case DsnAction::kRelayed: return (notify & kNotifySuccess) != 0;
    default: return WantsFailureReport(sender, notify);
  }
}

std::string Rfc5322Date(int64_t unix_seconds) {
  const time_t t = static_cast<time_t>(unix_seconds);
  tm parts{};
  gmtime_r(&t, &parts);
  char buf[64];
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[parts.tm_wday],
           parts.tm_mday, kMonths[parts.tm_mon], parts.tm_year + 1900, parts.tm_hour, parts.tm_min,
           parts.tm_sec);
  return buf;
}

std::string BuildBounce(const QueuedMessageRecord& message,
                        const std::vector<FailedRecipient>& failed, std::string_view original,
                        std::string_view reporting_mta, int64_t now, DsnAction action) {
  const std::string boundary =
      "=_ringmail_dsn_" + std::to_string(message.id) + "_" + std::to_string(now);
  const std::string mta(reporting_mta);
  std::string out;
  out += "From: Mail Delivery System <MAILER-DAEMON@" + mta + ">\r\n";
  out += "To: <" + message.sender + ">\r\n";
  out += "Subject: " + std::string(WordingOf(action).subject) + "\r\n";
  out += "Date: " + Rfc5322Date(now) + "\r\n";
  out += "Message-ID: <dsn." + std::to_string(message.id) + "." + std::to_string(now) + "@" + mta +
         ">\r\n";
  out += "Auto-Submitted: auto-replied\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"" +
         boundary + "\"\r\n\r\n";
  out += "This is a MIME-encapsulated delivery status notification.\r\n";
  out += "\r\n--" + boundary + "\r\n" + HumanPart(failed, mta, action);
  out += "\r\n--" + boundary + "\r\n" + StatusPart(message, failed, mta, now, action);
  out += "\r\n--" + boundary + "\r\n";
  if (message.return_full && action == DsnAction::kFailed) {
    out += "Content-Type: message/rfc822\r\n\r\n";
    out += original;
    if (!original.ends_with("\r\n")) out += "\r\n";
  } else {
    out += "Content-Type: text/rfc822-headers\r\n\r\n";
    out += HeaderOf(original);
  }
  out += "\r\n--" + boundary + "--\r\n";
  return out;
}

}  // namespace ringmail
