#include "runtime/connection.h"

#include <liburing.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>

#include "base/check.h"
#include "base/log.h"
#include "runtime/awaitables.h"
#include "runtime/reactor.h"

namespace ringmail {
namespace {
thread_local uint64_t t_next_connection_seq = 0;
constexpr int kSolTls = 282;          // SOL_TLS (linux/tls.h)
constexpr int kTlsSetRecordType = 1;  // TLS_SET_RECORD_TYPE
constexpr int kTlsGetRecordType = 2;  // TLS_GET_RECORD_TYPE
constexpr uint8_t kApplicationDataRecord = 23;
constexpr uint8_t kAlertRecord = 21;
constexpr char kCloseNotify[2] = {1, 0};  // level warning, description close_notify
}  // namespace

Connection::Connection(Reactor& reactor, int fd, const SocketAddress& peer,
                       const ConnectionOptions& options, const ListenerMetrics* metrics)
    : reactor_(reactor),
      options_(options),
      metrics_(metrics),
      id_((static_cast<uint64_t>(reactor.core()) << 48) | ++t_next_connection_seq),
      peer_(peer),
      fd_(fd),
      read_timeout_ms_(options.read_timeout_ms) {
  recv_op_.callback = &OnRecv;
  recv_op_.owner = this;
  send_op_.callback = &OnSend;
  send_op_.owner = this;
  deadline_.on_expire = &OnDeadline;
  deadline_.owner = this;
}

Connection::~Connection() {
  CHECK(!recv_armed_ && !send_inflight_ && notifs_pending_ == 0, "connection freed while busy");
  reactor_.timers().Cancel(&deadline_);
}

void Connection::PrepareFd(io_uring_sqe* sqe) {
  if (fixed_) sqe->flags |= IOSQE_FIXED_FILE;
}

Task<Result<void>> Connection::Start(bool direct) {
  if (direct && reactor_.direct_files()) {
    install_slot_ = fd_;
    ResumeCompletion op;
    io_uring_prep_files_update(reactor_.Prepare(&op), &install_slot_, 1, IORING_FILE_INDEX_ALLOC);
    int32_t res = co_await WaitFor(op);
    if (res == 1) {
      // The direct descriptor holds its own reference; the regular one is not needed.
      io_uring_prep_close(reactor_.Prepare(nullptr), fd_);
      fd_ = install_slot_;
      fixed_ = true;
    } else {
      static std::atomic<bool> logged{false};
      if (!logged.exchange(true)) {
        Log(LogLevel::kWarn, "direct_descriptor_fallback", "errno", -res);
      }
    }
  }
  ArmRecv();
  co_return Result<void>{};
}

// ---- Receive ----

void Connection::ArmRecv() {
  DCHECK(!recv_armed_);
  io_uring_sqe* sqe = reactor_.Prepare(&recv_op_);
  if (ktls_ != nullptr) {
    PrepareKernelTlsRecv(sqe);
  } else {
    io_uring_prep_recv_multishot(sqe, fd_, nullptr, 0, 0);
  }
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = reactor_.buffers().group_id();
  PrepareFd(sqe);
  recv_armed_ = true;
  recv_paused_ = false;
}

void Connection::CancelRecv() {
  io_uring_prep_cancel64(reactor_.Prepare(nullptr), reinterpret_cast<uint64_t>(&recv_op_), 0);
}

void Connection::OnRecv(Completion* c, int32_t res, uint32_t flags) {
  static_cast<Op*>(c)->owner->HandleRecv(res, flags);
}

void Connection::HandleRecv(int32_t res, uint32_t flags) {
  const bool more = (flags & IORING_CQE_F_MORE) != 0;
  const uint8_t record_type = res > 0 && ktls_ != nullptr ? KernelTlsRecordType() : 0;
  if (record_type != 0 && record_type != kApplicationDataRecord) {
    CHECK((flags & IORING_CQE_F_BUFFER) != 0);
    OnKernelTlsRecord(record_type, static_cast<uint16_t>(flags >> IORING_CQE_BUFFER_SHIFT), res);
  } else if (res > 0) {
    CHECK((flags & IORING_CQE_F_BUFFER) != 0);
    uint16_t bid = static_cast<uint16_t>(flags >> IORING_CQE_BUFFER_SHIFT);
    input_.Append(reactor_.buffers().Data(bid, static_cast<uint32_t>(res)));
    reactor_.buffers().Recycle(bid);
    if (metrics_ != nullptr) reactor_.metrics().Add(metrics_->bytes_in, res);
    if (input_.size() >= options_.input_max && !recv_paused_) {
      recv_paused_ = true;  // back-pressure: stop the multishot until the session catches up
      if (more) CancelRecv();
    }
  } else if (res == 0) {
    eof_ = true;
  } else if (res == -ENOBUFS) {
    reactor_.metrics().Inc(GetRuntimeMetrics().buffer_ring_exhausted);
  } else if (res != -ECANCELED) {
    recv_error_ = res;
  }
  if (!more) {
    // The multishot ended: on EOF, an error, a cancellation, or an empty buffer ring.
    recv_armed_ = false;
    if (recv_stopped_waiter_) {
      std::exchange(recv_stopped_waiter_, nullptr).resume();
      return;
    }
    MaybeResumeRecv();
    if (!recv_paused_ && !recv_held_ && !recv_armed_ && !eof_ && recv_error_ == 0 && !closing_ &&
        !forced_) {
      ArmRecv();
    }
  }
  WakeReader();
}

void Connection::MaybeResumeRecv() {
  if (recv_paused_ && !recv_held_ && !recv_armed_ && input_.size() < options_.input_max / 2 &&
      !closing_ && !forced_ && !eof_ && recv_error_ == 0) {
    ArmRecv();
  }
}

bool Connection::ReadReady() const {
  return input_.size() > returned_ || eof_ || recv_error_ != 0 || forced_ ||
         (shutdown_ && input_.empty());
}

void Connection::WaitForRead(std::coroutine_handle<> h) {
  DCHECK(!reader_ && !flusher_);
  // Waiting for the client with nothing buffered: hold no buffer memory meanwhile (an empty
  // ByteBuffer keeps up to 1 KiB for reuse; a fresh one holds nothing).
  if (input_.empty()) input_ = ByteBuffer();
  if (out_.empty()) out_ = ByteBuffer();
  reader_ = h;
  wake_ = Wake::kNone;
  reactor_.timers().Schedule(&deadline_, reactor_.now_ms() + read_timeout_ms_);
}

void Connection::WakeReader() {
  if (!reader_ || !ReadReady()) return;
  reactor_.timers().Cancel(&deadline_);
  wake_ = Wake::kData;
  std::exchange(reader_, nullptr).resume();
}

void Connection::InterruptRead() {
  if (!reader_) return;
  reactor_.timers().Cancel(&deadline_);
  wake_ = ReadReady() ? Wake::kData : Wake::kInterrupt;
  std::exchange(reader_, nullptr).resume();
}

Result<std::string_view> Connection::TakeRead() {
  Wake wake = std::exchange(wake_, Wake::kNone);
  if (input_.size() > returned_) {
    returned_ = input_.size();
    return input_.readable();
  }
  if (forced_) return MakeError(ErrorCode::kShutdown, "connection closed by shutdown");
  if (recv_error_ != 0) return SysError("recv", recv_error_);
  if (ktls_ != nullptr && ktls_->ended_with_error) return std::unexpected(ktls_->error);
  if (eof_) return MakeError(ErrorCode::kClosed, "peer closed the connection");
  if (shutdown_) return MakeError(ErrorCode::kShutdown, "server shutting down");
  if (wake == Wake::kInterrupt) return MakeError(ErrorCode::kCancelled, "read interrupted");
  if (wake == Wake::kTimeout) {
    reactor_.metrics().Inc(GetRuntimeMetrics().timeouts);
    return MakeError(ErrorCode::kTimeout, "read timed out");
  }
  return MakeError(ErrorCode::kInternal, "read woke without a reason");
}

std::string_view Connection::buffered() {
  returned_ = input_.size();
  return input_.readable();
}

void Connection::Consume(size_t n) {
  CHECK(n <= returned_ && n <= input_.size());
  input_.Consume(n);
  returned_ -= n;
  MaybeResumeRecv();
}

// ---- Kernel TLS ----

Task<void> Connection::PauseReceive() {
  CHECK(!reader_);
  recv_held_ = true;
  if (recv_armed_) {
    CancelRecv();
    co_await WaitUntil(&recv_stopped_waiter_);
  }
}

void Connection::ResumeReceive() {
  recv_held_ = false;
  if (!recv_armed_ && !recv_paused_ && !eof_ && recv_error_ == 0 && !closing_ && !forced_) {
    ArmRecv();
  }
}

void Connection::StartKernelTls(std::string_view plaintext, std::string summary,
                                KernelTlsRecordHandler on_record) {
  CHECK(recv_held_ && !recv_armed_ && input_.empty());
  ktls_ = std::make_unique<KernelTls>();
  ktls_->summary = std::move(summary);
  ktls_->on_record = on_record;
  input_.Append(plaintext);
  returned_ = 0;
  ResumeReceive();
}

void Connection::PrepareKernelTlsRecv(io_uring_sqe* sqe) {
  // One record per receive (the kernel never mixes record types in one recvmsg), into a
  // buffer the ring selects; the record type arrives as a control message.
  ktls_->iov = {nullptr, reactor_.buffers().buffer_size()};
  ktls_->msg = {};
  ktls_->msg.msg_iov = &ktls_->iov;
  ktls_->msg.msg_iovlen = 1;
  ktls_->msg.msg_control = ktls_->control;
  ktls_->msg.msg_controllen = sizeof ktls_->control;
  io_uring_prep_recvmsg(sqe, fd_, &ktls_->msg, 0);
}

uint8_t Connection::KernelTlsRecordType() {
  for (cmsghdr* c = CMSG_FIRSTHDR(&ktls_->msg); c != nullptr; c = CMSG_NXTHDR(&ktls_->msg, c)) {
    if (c->cmsg_level == kSolTls && c->cmsg_type == kTlsGetRecordType) {
      return static_cast<uint8_t>(*CMSG_DATA(c));
    }
  }
  return kApplicationDataRecord;
}

void Connection::OnKernelTlsRecord(uint8_t type, uint16_t bid, int32_t size) {
  Result<void> verdict =
      ktls_->on_record(peer_, type, reactor_.buffers().Data(bid, static_cast<uint32_t>(size)));
  reactor_.buffers().Recycle(bid);
  if (verdict) return;  // ignored: the receive is re-armed
  // The input ends here: records after a KeyUpdate or an alert are not read (the first would
  // not decrypt under the kernel's unchanged key).
  eof_ = true;
  if (verdict.error().code != ErrorCode::kClosed) {
    ktls_->ended_with_error = true;
    ktls_->error = std::move(verdict.error());
  }
}

Task<void> Connection::SendKernelTlsCloseNotify() {
  CHECK(!reader_ && !flusher_);
  if (ktls_ == nullptr || ktls_->close_notify_sent || ktls_->send_failed || forced_ || aborted_) {
    co_return;
  }
  ktls_->close_notify_sent = true;
  if (!out_.empty()) {
    Result<void> flushed = co_await Flush();
    if (!flushed) co_return;
  }
  Result<void> sent = co_await SendKernelTlsRecord(kAlertRecord, {kCloseNotify, 2});
  (void)sent;  // best effort: the peer may be gone
}

Task<Result<void>> Connection::SendKernelTlsRecord(uint8_t type, std::string_view payload) {
  // The record type travels as a control message; the kernel encrypts the payload as one
  // record of that type.
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof type)] = {};
  iovec iov{const_cast<char*>(payload.data()), payload.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = kSolTls;
  c->cmsg_type = kTlsSetRecordType;
  c->cmsg_len = CMSG_LEN(sizeof type);
  *CMSG_DATA(c) = type;
  ResumeCompletion op;
  io_uring_sqe* sqe = reactor_.Prepare(&op);
  io_uring_prep_sendmsg(sqe, fd_, &msg, MSG_NOSIGNAL);
  PrepareFd(sqe);
  sqe->flags |= IOSQE_IO_LINK;
  const uint32_t ms = options_.write_timeout_ms;
  __kernel_timespec ts{static_cast<int64_t>(ms / 1000),
                       static_cast<long long>(ms % 1000) * 1000000};
  io_uring_prep_link_timeout(reactor_.Prepare(nullptr), &ts, 0);
  const int32_t res = co_await WaitFor(op);
  if (res < 0) co_return SysError("sendmsg TLS record", res);
  if (static_cast<size_t>(res) != payload.size()) co_return SysError("sendmsg TLS record", EIO);
  co_return Result<void>{};
}

// ---- Send ----

void Connection::Write(std::string_view bytes) {
  CHECK(!flusher_, "Write during Flush");
  out_.Append(bytes);
}

void Connection::StartFlush(std::coroutine_handle<> h) {
  DCHECK(!reader_ && !flusher_);
  flusher_ = h;
  send_error_ = 0;
  send_offset_ = 0;
  wake_ = Wake::kNone;
  if (forced_) {
    send_error_ = -ECANCELED;
  } else {
    reactor_.timers().Schedule(&deadline_, reactor_.now_ms() + options_.write_timeout_ms);
    SubmitSend();
  }
  MaybeFinishFlush();
}

void Connection::SubmitSend() {
  std::string_view data = out_.readable().substr(send_offset_);
  io_uring_sqe* sqe = reactor_.Prepare(&send_op_);
  if (data.size() >= options_.send_zerocopy_threshold && ktls_ == nullptr) {
    io_uring_prep_send_zc(sqe, fd_, data.data(), data.size(), MSG_NOSIGNAL, 0);
  } else {
    io_uring_prep_send(sqe, fd_, data.data(), data.size(), MSG_NOSIGNAL);
  }
  PrepareFd(sqe);
  send_inflight_ = true;
}

void Connection::OnSend(Completion* c, int32_t res, uint32_t flags) {
  Connection* self = static_cast<Op*>(c)->owner;
  if (flags & IORING_CQE_F_NOTIF) {
    // The kernel no longer references the zero-copy buffer.
    CHECK(self->notifs_pending_ > 0);
    --self->notifs_pending_;
    self->MaybeFinishFlush();
    return;
  }
  if (flags & IORING_CQE_F_MORE) ++self->notifs_pending_;  // a notification will follow
  self->send_inflight_ = false;
  if (res < 0) {
    if (self->send_error_ == 0) self->send_error_ = res;
  } else {
    if (self->metrics_ != nullptr) self->reactor_.metrics().Add(self->metrics_->bytes_out, res);
    self->send_offset_ += static_cast<size_t>(res);
    if (self->send_offset_ < self->out_.size() && self->send_error_ == 0 && !self->forced_) {
      self->SubmitSend();
    }
  }
  self->MaybeFinishFlush();
}

void Connection::MaybeFinishFlush() {
  if (!flusher_ || send_inflight_) return;
  if (notifs_pending_ > 0) {
    // A flush that failed (deadline, forced close, send error) would wait for notifications
    // that come only once the peer acknowledges the data, which a peer that does not read
    // never does: reset the connection so that the kernel lets go of the buffers.
    if (send_error_ != 0) Abort();
    return;
  }
  reactor_.timers().Cancel(&deadline_);
  std::exchange(flusher_, nullptr).resume();
}

Result<void> Connection::TakeFlushResult() {
  int32_t err = std::exchange(send_error_, 0);
  bool complete = send_offset_ >= out_.size();
  out_.Clear();
  send_offset_ = 0;
  if (err == 0 && complete) return {};
  if (ktls_ != nullptr) ktls_->send_failed = true;  // no close_notify after a failed send
  if (wake_ == Wake::kTimeout) {
    wake_ = Wake::kNone;
    reactor_.metrics().Inc(GetRuntimeMetrics().timeouts);
    return MakeError(ErrorCode::kTimeout, "write timed out");
  }
  if (forced_) return MakeError(ErrorCode::kShutdown, "connection closed by shutdown");
  if (err == -EPIPE || err == -ECONNRESET) {
    return MakeError(ErrorCode::kClosed, "peer closed the connection");
  }
  return SysError("send", err == 0 ? EIO : err);
}

// ---- Deadlines, shutdown, close ----

void Connection::OnDeadline(TimerEntry* e) {
  Connection* self = static_cast<Deadline*>(e)->owner;
  if (self->reader_) {
    self->wake_ = self->ReadReady() ? Wake::kData : Wake::kTimeout;
    std::exchange(self->reader_, nullptr).resume();
  } else if (self->flusher_) {
    // Cancel the stalled send; its completion finishes the flush with the timeout. With no
    // send in flight the flush waits for zero-copy notifications: MaybeFinishFlush aborts.
    self->wake_ = Wake::kTimeout;
    if (self->send_error_ == 0) self->send_error_ = -ETIMEDOUT;
    if (self->send_inflight_) {
      io_uring_prep_cancel64(self->reactor_.Prepare(nullptr),
                             reinterpret_cast<uint64_t>(&self->send_op_), 0);
    } else {
      self->MaybeFinishFlush();
    }
  }
}

void Connection::RequestShutdown() {
  shutdown_ = true;
  // Wake a waiting reader from the timer wheel rather than inline: the caller is iterating
  // the reactor's connection list. Only a reader with no unconsumed input is woken: one
  // holding part of a command waits for the rest of it (or the drain deadline), and gets
  // kShutdown once it has consumed its input.
  if (reader_ && ReadReady()) {
    reactor_.timers().Cancel(&deadline_);
    reactor_.timers().Schedule(&deadline_, reactor_.now_ms());
  }
}

void Connection::ForceClose() {
  if (forced_) return;
  forced_ = true;
  io_uring_sqe* sqe = reactor_.Prepare(nullptr);
  io_uring_prep_cancel_fd(sqe, fd_,
                          IORING_ASYNC_CANCEL_ALL | (fixed_ ? IORING_ASYNC_CANCEL_FD_FIXED : 0));
  if (reader_) {
    reactor_.timers().Cancel(&deadline_);
    reactor_.timers().Schedule(&deadline_, reactor_.now_ms());
  }
  if (flusher_ && !send_inflight_) {
    // Waiting for zero-copy notifications only: nothing to cancel, so abort (never resumes
    // the flusher here, as notifications are pending).
    if (send_error_ == 0) send_error_ = -ECANCELED;
    MaybeFinishFlush();
  }
}

// connect() with AF_UNSPEC disconnects a TCP socket (tcp_disconnect): queued data is dropped
// and the peer gets a reset, so zero-copy buffers are released and their notifications post.
void Connection::Abort() {
  if (aborted_) return;
  aborted_ = true;
  static const sockaddr kUnspecified{AF_UNSPEC, {}};
  io_uring_sqe* sqe = reactor_.Prepare(nullptr);
  io_uring_prep_connect(sqe, fd_, &kUnspecified, sizeof kUnspecified);
  PrepareFd(sqe);
}

Task<void> Connection::Close() {
  CHECK(!reader_ && !flusher_);
  closing_ = true;
  reactor_.timers().Cancel(&deadline_);
  if (recv_armed_) {
    CancelRecv();
    co_await WaitUntil(&recv_stopped_waiter_);
  }
  ResumeCompletion op;
  io_uring_sqe* sqe = reactor_.Prepare(&op);
  if (fixed_) {
    io_uring_prep_close_direct(sqe, static_cast<unsigned>(fd_));
  } else {
    io_uring_prep_close(sqe, fd_);
  }
  co_await WaitFor(op);
}

}  // namespace ringmail
