// Result<T>: the return type of every call that can fail (no exceptions in runtime,
// protocol or store code). Errors carry a code for callers to branch on and a message
// for humans; a protocol outcome (IMAP NO, SMTP 4xx) is a value, never an Error.
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace ringmail {

enum class ErrorCode {
  kInvalidArgument,  // the caller's input is malformed
  kNotFound,
  kAlreadyExists,
  kTimeout,
  kClosed,    // the peer closed the connection
  kShutdown,  // the server is draining; finish up
  kCancelled,
  kBusy,  // a bounded queue is full; try again later
  kLimitExceeded,
  kUnavailable,  // a dependency (store, directory) is down: a temporary failure
  kIo,           // a system call failed; sys_errno says why
  kConfig,
  kInternal,
};

const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  int sys_errno = 0;  // set for kIo

  // "code: message (strerror)" for logs.
  std::string ToString() const;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> MakeError(ErrorCode code, std::string message, int sys_errno = 0) {
  return std::unexpected(Error{code, std::move(message), sys_errno});
}

// An Error from errno-style failures: `res` is a negative errno (io_uring) or -1 with errno.
std::unexpected<Error> SysError(std::string what, int err);

}  // namespace ringmail

// TRY(expr): evaluates a Result; returns its error from the enclosing function, or yields
// its value. CO_TRY is the same for coroutines. (GCC statement expressions.)
// CO_TRY's argument must not contain co_await: GCC 12 crashes (internal compiler error in
// gimplify_var_or_parm_decl) on a co_await inside a statement expression. Await into a
// local first: `Result<T> r = co_await F(); T v = CO_TRY(std::move(r));`.
#define TRY(expr)                                                             \
  ({                                                                          \
    auto&& try_result_ = (expr);                                              \
    if (!try_result_) return std::unexpected(std::move(try_result_).error()); \
    std::move(try_result_).value();                                           \
  })

#define CO_TRY(expr)                                                             \
  ({                                                                             \
    auto&& try_result_ = (expr);                                                 \
    if (!try_result_) co_return std::unexpected(std::move(try_result_).error()); \
    std::move(try_result_).value();                                              \
  })
