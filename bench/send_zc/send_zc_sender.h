// One io_uring sending fixed-size messages on a connected TCP socket with SEND or SEND_ZC,
// one send in flight at a time as runtime/connection.h's Flush does. Two SEND_ZC
// disciplines:
//   kZeroCopy:       the next send starts only after the kernel's notification that it no
//                    longer references the buffer — what Flush does today (it completes on
//                    the notification). For TCP the notification comes when the data is
//                    acknowledged, so every send waits a round trip.
//   kZeroCopyNoWait: the next send starts when the send's result arrives; notifications
//                    are collected as they come (what a runtime could do if it kept flushed
//                    buffers alive until their notification instead of waiting for it).
#pragma once

#include <liburing.h>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace ringmail::bench {

enum class SendMode { kCopy, kZeroCopy, kZeroCopyNoWait };

struct SendSample {
  double bytes_per_s = 0;
  double sends_per_s = 0;
  double cpu_ns_per_kib = 0;   // the sending thread's CPU (user + system) per KiB sent
  uint64_t notifications = 0;  // SEND_ZC only
  uint64_t copied = 0;         // notifications saying the kernel copied the data anyway
  int error = 0;               // a negative errno from a send, or 0
};

class RingSender {
 public:
  RingSender() = default;
  ~RingSender();
  RingSender(const RingSender&) = delete;
  RingSender& operator=(const RingSender&) = delete;

  // Sets up the ring with the runtime's flags (single issuer, deferred task work) and a
  // message buffer of `size_max` bytes. False if io_uring is unavailable.
  bool Init(int fd, size_t size_max);

  // Sends `size`-byte messages for `seconds` (plus the wait for the last notification).
  // REQUIRES: size <= size_max.
  SendSample Measure(size_t size, SendMode mode, double seconds);

 private:
  // Submits one message and waits for its result (and, for kZeroCopy, its notification).
  // Returns the bytes sent or a negative errno.
  int32_t SendOne(size_t size, SendMode mode, SendSample* sample);
  // Waits for one completion and accounts for it; returns false on a ring error.
  bool ReapOne(int32_t* result, bool* got_result, SendSample* sample);

  io_uring ring_{};
  bool ready_ = false;
  int fd_ = -1;
  uint32_t notifs_pending_ = 0;
  std::unique_ptr<char[]> data_;
};

}  // namespace ringmail::bench
