// Task<T>: the coroutine type of protocol and store code. A Task is lazy: it starts when
// awaited and runs on the awaiting core. A task that finishes without suspending returns
// to its awaiter's await_suspend, which then continues without suspending; one that
// suspended resumes its awaiter by symmetric transfer when it finishes. Either way the
// stack grows with the nesting depth of awaits (like calls), never with their number.
// Spawn() starts a detached root task.
//
// Rules (STYLE.md): coroutine parameters by value; no capturing lambda coroutines; an
// exception escaping a coroutine terminates the process (runtime code does not throw).
// GCC 12.2 miscompiles two forms, both crashing once the awaited task suspends:
//  - `if (!co_await x) co_return;` (co_return in the branch of an `if` whose condition
//    awaits). Await into a local first: `Result<void> r = co_await x; if (!r) co_return;`.
//  - a `?:` building a temporary inside an awaited call's arguments,
//    `co_await Send(ok ? "a" : std::string(b))`: the string is freed from the wrong address.
//    Build the argument in a local first.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

#include "base/check.h"

namespace ringmail {

template <typename T>
class Task;

namespace task_internal {

struct PromiseBase {
  std::coroutine_handle<> continuation = std::noop_coroutine();
  // Set while the awaiter's await_suspend runs this task; `finished_inline` when the task
  // finished before returning there. Resuming the awaiter from the final suspend instead
  // would nest two stack frames per await wherever the compiler does not turn the transfer
  // into a tail call (-O0, -O1, sanitizer builds): a loop of a million awaits that
  // complete at once overflowed the stack.
  bool running_inline = false;
  bool finished_inline = false;

  std::suspend_always initial_suspend() noexcept { return {}; }

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <typename P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
      PromiseBase& p = h.promise();
      if (p.running_inline) {
        p.finished_inline = true;
        return std::noop_coroutine();  // back to Task::await_suspend
      }
      return p.continuation;
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { std::terminate(); }
};

template <typename T>
struct Promise : PromiseBase {
  std::optional<T> value;
  Task<T> get_return_object() noexcept;
  template <typename U>
  void return_value(U&& v) {
    value.emplace(std::forward<U>(v));
  }
};

template <>
struct Promise<void> : PromiseBase {
  Task<void> get_return_object() noexcept;
  void return_void() noexcept {}
};

}  // namespace task_internal

template <typename T = void>
class [[nodiscard]] Task {
 public:
  using promise_type = task_internal::Promise<T>;
  using Handle = std::coroutine_handle<promise_type>;

  Task() = default;
  explicit Task(Handle h) : handle_(h) {}
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() {
    if (handle_) handle_.destroy();
  }

  bool await_ready() const noexcept { return false; }
  // Runs the task until it finishes or suspends; the awaiter suspends only in the latter
  // case. The frame outlives the task's end (final_suspend suspends), so the promise is
  // still valid after resume() returns.
  bool await_suspend(std::coroutine_handle<> awaiter) noexcept {
    promise_type& p = handle_.promise();
    p.continuation = awaiter;
    p.running_inline = true;
    handle_.resume();
    p.running_inline = false;
    return !p.finished_inline;
  }
  T await_resume() {
    if constexpr (!std::is_void_v<T>) {
      DCHECK(handle_.promise().value.has_value());
      return std::move(*handle_.promise().value);
    }
  }

 private:
  Handle handle_;
};

namespace task_internal {
template <typename T>
Task<T> Promise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object() noexcept {
  return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}

// The root of a detached task: starts at once and frees itself when done.
struct Detached {
  struct promise_type {
    Detached get_return_object() noexcept { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
};

inline Detached RunDetached(Task<void> task) { co_await std::move(task); }
}  // namespace task_internal

// Starts `task` now on the calling core; it runs until its first suspension before Spawn
// returns and frees itself when it finishes. Whatever it references must outlive it.
inline void Spawn(Task<void> task) { task_internal::RunDetached(std::move(task)); }

}  // namespace ringmail
