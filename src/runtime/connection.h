// Connection: one accepted TCP connection on its reactor core, from accept to close.
//
// Receiving: a multishot recv with buffer selection stays armed for the connection's life;
// each completion's bytes are appended to the connection's input buffer and the provided
// buffer goes straight back to the ring. Read() hands the session a view of everything
// buffered and not yet consumed. When unconsumed input reaches input_max the recv is
// cancelled (back-pressure) and re-armed once the session has consumed half of it.
//
// Sending: Write() appends to the output buffer; Flush() sends all of it, with SEND_ZC when
// the batch is at least the zero-copy threshold, and completes only when every byte is sent
// and every zero-copy notification has arrived (until then the kernel may still read the
// buffer, so it is neither changed nor freed).
//
// Deadlines: a waiting Read or Flush is bounded by read_timeout_ms / write_timeout_ms on the
// reactor's timer wheel. Shutdown: RequestShutdown makes Read return kShutdown once the
// input is drained; ForceClose cancels everything in flight.
//
// A Connection is a Stream (runtime/stream.h): one session coroutine drives it, at most one
// Read or Flush waiting at a time. Owned by the Listener's connection task; lives on one core
// for its whole life.
#pragma once

#include <liburing.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <coroutine>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/byte_buffer.h"
#include "base/intrusive_list.h"
#include "base/result.h"
#include "base/socket_address.h"
#include "runtime/completion.h"
#include "runtime/runtime_metrics.h"
#include "runtime/stream.h"
#include "runtime/task.h"
#include "runtime/timer_wheel.h"

namespace ringmail {

class Reactor;

struct ConnectionOptions {
  uint32_t input_max = 64 * 1024;
  uint32_t read_timeout_ms = 30 * 60 * 1000;
  uint32_t write_timeout_ms = 60 * 1000;
  uint32_t send_zerocopy_threshold = UINT32_MAX;  // UINT32_MAX: never zero-copy
};

class Connection final : public Stream {
 public:
  // Takes ownership of the socket `fd` (a regular descriptor). `options` and `metrics`
  // must outlive the connection (they belong to the listener).
  Connection(Reactor& reactor, int fd, const SocketAddress& peer, const ConnectionOptions& options,
             const ListenerMetrics* metrics);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Moves the socket into the ring's direct descriptor table when `direct` (falling back to
  // the regular descriptor if the table is full) and starts receiving.
  Task<Result<void>> Start(bool direct);

  // Stream (see stream.h for the contracts).
  std::string_view buffered() override;
  void Consume(size_t n) override;
  void Write(std::string_view bytes) override;
  size_t pending_output() const override { return out_.size(); }
  void ReserveOutput(size_t bytes) override { out_.Reserve(bytes); }
  const SocketAddress& peer() const override { return peer_; }
  void set_read_timeout_ms(uint32_t ms) override { read_timeout_ms_ = ms; }
  bool shutdown_requested() const override { return shutdown_; }
  void InterruptRead() override;

  // Stops receiving and closes the socket; completes when the kernel holds nothing of this
  // connection any more. REQUIRES: no Read or Flush waiting.
  Task<void> Close();

  void RequestShutdown();
  void ForceClose();

  // Kernel TLS (tls/ktls.h). The regular descriptor, or -1 when the socket is a direct one
  // (the kernel's TLS setsockopts need a regular descriptor).
  int regular_fd() const { return fixed_ ? -1 : fd_; }
  // Stops receiving: completes when no receive is in flight; what arrived stays buffered.
  // REQUIRES: no Read waiting.
  Task<void> PauseReceive();
  // Receives again after PauseReceive (the switch to the kernel did not happen).
  void ResumeReceive();
  // What to do with a record of another content type than application data (alert,
  // handshake) and its plaintext: ok keeps reading, kClosed ends the input as a clean close,
  // any other error ends it with that error (tls/ktls_records.h).
  using KernelTlsRecordHandler = Result<void> (*)(const SocketAddress& peer, uint8_t type,
                                                  std::string_view payload);
  // The kernel now holds the TLS record layer of this socket. `plaintext` (what userspace TLS
  // decrypted and the session has not read) becomes the input; receives go through recvmsg,
  // one record at a time, and a control record goes to `on_record`; sends never use SEND_ZC.
  // encrypted() is true and tls_summary() is `summary`.
  // REQUIRES: after PauseReceive, with no input buffered.
  void StartKernelTls(std::string_view plaintext, std::string summary,
                      KernelTlsRecordHandler on_record);
  // Flushes what is queued, then sends a close_notify alert record through the kernel
  // (TLS_SET_RECORD_TYPE), bounded by write_timeout_ms. Best effort and once: nothing after a
  // failed flush, a forced close, or when the kernel does not hold the session.
  // REQUIRES: no Read or Flush waiting.
  Task<void> SendKernelTlsCloseNotify();
  bool encrypted() const override { return ktls_ != nullptr; }
  std::string_view tls_summary() const override {
    return ktls_ != nullptr ? std::string_view(ktls_->summary) : std::string_view();
  }

  uint64_t id() const { return id_; }
  Reactor& reactor() { return reactor_; }
  bool direct() const { return fixed_; }
  // Bytes of user-space memory this connection holds beyond sizeof(Connection).
  size_t buffer_bytes() const { return input_.capacity() + out_.capacity(); }

  ListNode reactor_node;  // the reactor's list of live connections

 private:
  enum class Wake : uint8_t { kNone, kData, kTimeout, kShutdown, kInterrupt };

  bool ReadReady() const override;
  void WaitForRead(std::coroutine_handle<> h) override;
  Result<std::string_view> TakeRead() override;
  void ArmRecv();
  void MaybeResumeRecv();
  void CancelRecv();
  void PrepareFd(io_uring_sqe* sqe);
  static void OnRecv(Completion* c, int32_t res, uint32_t flags);
  void HandleRecv(int32_t res, uint32_t flags);
  void WakeReader();

  void StartFlush(std::coroutine_handle<> h) override;
  void SubmitSend();
  static void OnSend(Completion* c, int32_t res, uint32_t flags);
  void MaybeFinishFlush();
  void Abort();
  Result<void> TakeFlushResult() override;
  static void OnDeadline(TimerEntry* e);

  Reactor& reactor_;
  const ConnectionOptions& options_;
  const ListenerMetrics* metrics_;
  uint64_t id_;
  SocketAddress peer_;
  int fd_;
  int install_slot_ = -1;  // written by the kernel: the allocated direct descriptor
  bool fixed_ = false;

  // Completions and timer entries that know their connection.
  struct Op : Completion {
    Connection* owner;
  };
  struct Deadline : TimerEntry {
    Connection* owner;
  };

  // Kernel TLS receive state: recvmsg's header and the record type's control message; the
  // error a control record ended the input with.
  struct KernelTls {
    msghdr msg{};
    iovec iov{};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(unsigned char))];
    std::string summary;
    KernelTlsRecordHandler on_record = nullptr;
    bool ended_with_error = false;
    bool close_notify_sent = false;
    bool send_failed = false;
    Error error;
  };
  void PrepareKernelTlsRecv(io_uring_sqe* sqe);
  // The content type of the record just received (application data when no control message).
  uint8_t KernelTlsRecordType();
  // A control record received into buffer `bid`: its handler's verdict; recycles the buffer.
  void OnKernelTlsRecord(uint8_t type, uint16_t bid, int32_t size);
  Task<Result<void>> SendKernelTlsRecord(uint8_t type, std::string_view payload);

  // Receive side.
  Op recv_op_;
  bool recv_held_ = false;  // PauseReceive: no re-arming until ResumeReceive
  std::unique_ptr<KernelTls> ktls_;
  bool recv_armed_ = false;
  bool recv_paused_ = false;
  bool eof_ = false;
  bool shutdown_ = false;
  bool forced_ = false;
  bool closing_ = false;
  Wake wake_ = Wake::kNone;
  int32_t recv_error_ = 0;
  uint32_t read_timeout_ms_;
  size_t returned_ = 0;  // bytes of input the session has seen and not consumed
  ByteBuffer input_;
  std::coroutine_handle<> reader_;
  std::coroutine_handle<> recv_stopped_waiter_;

  // Send side.
  Op send_op_;
  ByteBuffer out_;
  size_t send_offset_ = 0;
  uint32_t notifs_pending_ = 0;
  bool send_inflight_ = false;
  bool aborted_ = false;  // the TCP connection was reset to release zero-copy buffers
  int32_t send_error_ = 0;
  std::coroutine_handle<> flusher_;

  Deadline deadline_;  // the waiting Read's or Flush's deadline, or an immediate wake-up
};

}  // namespace ringmail
