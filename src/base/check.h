// CHECK: always on; a broken invariant crashes with file:line and the condition.
// DCHECK: the same in debug builds only. Never assert on untrusted input: answer it.
#pragma once

namespace ringmail {
[[noreturn]] void CheckFailed(const char* file, int line, const char* condition,
                              const char* message);
}  // namespace ringmail

#define CHECK(cond, ...)                                                  \
  do {                                                                    \
    if (!(cond)) [[unlikely]]                                             \
      ::ringmail::CheckFailed(__FILE__, __LINE__, #cond, "" __VA_ARGS__); \
  } while (0)

#ifdef NDEBUG
#define DCHECK(cond, ...) \
  do {                    \
  } while (0)
#else
#define DCHECK(cond, ...) CHECK(cond, __VA_ARGS__)
#endif
