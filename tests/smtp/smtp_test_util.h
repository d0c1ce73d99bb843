// Test helpers for tests/smtp: readable gtest output for replies.
#pragma once

#include <ostream>

#include "smtp/reply.h"

namespace ringmail::smtp {

inline void PrintTo(const SmtpReply& reply, std::ostream* out) {
  *out << reply.code << ' ' << reply.enhanced << ' ' << reply.text
       << (reply.close ? " (close)" : "");
}

}  // namespace ringmail::smtp
