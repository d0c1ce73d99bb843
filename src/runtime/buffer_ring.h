// A provided-buffer ring (IORING_REGISTER_PBUF_RING): the kernel picks a buffer for each
// multishot receive completion, so an idle connection holds no receive buffer at all. The
// connection copies what it received into its own input buffer and hands the buffer back at
// once (Recycle), so a slow session never starves the ring. One ring per reactor core.
#pragma once

#include <liburing.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/result.h"

namespace ringmail {

class BufferRing {
 public:
  // REQUIRES: count is a power of two <= 32768.
  static Result<BufferRing*> Create(io_uring* ring, uint16_t group_id, uint32_t count,
                                    uint32_t buffer_size);
  ~BufferRing();
  BufferRing(const BufferRing&) = delete;
  BufferRing& operator=(const BufferRing&) = delete;

  uint16_t group_id() const { return group_id_; }
  uint32_t buffer_size() const { return buffer_size_; }
  uint32_t count() const { return count_; }

  // The bytes the kernel placed in buffer `id` (from the CQE's flags) for a completion of `len`.
  std::string_view Data(uint16_t id, uint32_t len) const {
    return std::string_view(buffers_ + static_cast<size_t>(id) * buffer_size_, len);
  }
  // Gives buffer `id` back to the kernel.
  void Recycle(uint16_t id);

 private:
  BufferRing() = default;
  io_uring* ring_ = nullptr;
  io_uring_buf_ring* br_ = nullptr;
  size_t ring_bytes_ = 0;
  char* buffers_ = nullptr;
  uint16_t group_id_ = 0;
  uint32_t count_ = 0;
  uint32_t buffer_size_ = 0;
};

}  // namespace ringmail
