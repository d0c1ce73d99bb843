#include "smtp/reply.h"

namespace ringmail::smtp {

std::string FormatReply(const SmtpReply& reply) {
  std::string out = std::to_string(reply.code);
  if (!reply.enhanced.empty()) {
    out += ' ';
    out += reply.enhanced;
  }
  out += ' ';
  out += reply.text;
  out += "\r\n";
  return out;
}

}  // namespace ringmail::smtp
