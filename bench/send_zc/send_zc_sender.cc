#include "send_zc/send_zc_sender.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include <cerrno>
#include <cstring>

// liburing 2.3's copy of the uapi header predates these (kernel 6.2).
#ifndef IORING_SEND_ZC_REPORT_USAGE
#define IORING_SEND_ZC_REPORT_USAGE (1U << 3)
#endif
#ifndef IORING_NOTIF_USAGE_ZC_COPIED
#define IORING_NOTIF_USAGE_ZC_COPIED (1U << 31)
#endif

namespace ringmail::bench {
namespace {

double NowSeconds() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double ThreadCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_THREAD, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

RingSender::~RingSender() {
  if (ready_) io_uring_queue_exit(&ring_);
}

bool RingSender::Init(int fd, size_t size_max) {
  fd_ = fd;
  io_uring_params params{};
  params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
  if (io_uring_queue_init_params(64, &ring_, &params) != 0) return false;
  ready_ = true;
  data_.reset(new char[size_max]);
  std::memset(data_.get(), 'z', size_max);  // resident before anything is measured
  return true;
}

bool RingSender::ReapOne(int32_t* result, bool* got_result, SendSample* sample) {
  io_uring_cqe* cqe = nullptr;
  if (io_uring_wait_cqe(&ring_, &cqe) != 0) return false;
  if (cqe->flags & IORING_CQE_F_NOTIF) {
    --notifs_pending_;
    ++sample->notifications;
    if (static_cast<uint32_t>(cqe->res) & IORING_NOTIF_USAGE_ZC_COPIED) ++sample->copied;
  } else {
    *result = cqe->res;
    *got_result = true;
    if (cqe->flags & IORING_CQE_F_MORE) ++notifs_pending_;  // a notification will follow
  }
  io_uring_cqe_seen(&ring_, cqe);
  return true;
}

int32_t RingSender::SendOne(size_t size, SendMode mode, SendSample* sample) {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  if (mode == SendMode::kCopy) {
    io_uring_prep_send(sqe, fd_, data_.get(), size, MSG_NOSIGNAL);
  } else {
    io_uring_prep_send_zc(sqe, fd_, data_.get(), size, MSG_NOSIGNAL, IORING_SEND_ZC_REPORT_USAGE);
  }
  io_uring_submit(&ring_);
  int32_t result = 0;
  bool got_result = false;
  while (!got_result || (mode == SendMode::kZeroCopy && notifs_pending_ > 0)) {
    if (!ReapOne(&result, &got_result, sample)) return -EIO;
  }
  return result;
}

SendSample RingSender::Measure(size_t size, SendMode mode, double seconds) {
  SendSample sample;
  uint64_t bytes = 0, sends = 0;
  const double cpu_start = ThreadCpuSeconds();
  const double start = NowSeconds();
  double now = start;
  while (now - start < seconds) {
    for (int i = 0; i < 8; ++i) {
      int32_t res = SendOne(size, mode, &sample);
      if (res < 0) {
        sample.error = res;
        return sample;
      }
      bytes += static_cast<uint64_t>(res);
      ++sends;
    }
    now = NowSeconds();
  }
  int32_t ignored = 0;
  bool got = false;
  while (notifs_pending_ > 0) {
    if (!ReapOne(&ignored, &got, &sample)) break;
  }
  const double elapsed = NowSeconds() - start;
  sample.bytes_per_s = static_cast<double>(bytes) / elapsed;
  sample.sends_per_s = static_cast<double>(sends) / elapsed;
  sample.cpu_ns_per_kib =
      (ThreadCpuSeconds() - cpu_start) * 1e9 / (static_cast<double>(bytes) / 1024);
  return sample;
}

}  // namespace ringmail::bench
