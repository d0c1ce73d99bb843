#include "base/check.h"

#include <cstdio>
#include <cstdlib>

namespace ringmail {

void CheckFailed(const char* file, int line, const char* condition, const char* message) {
  std::fprintf(stderr, "level=fatal event=check_failed at=%s:%d condition=\"%s\" message=\"%s\"\n",
               file, line, condition, message);
  std::fflush(stderr);
  std::abort();
}

}  // namespace ringmail
