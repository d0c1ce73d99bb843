#include "runtime/buffer_ring.h"

#include <sys/mman.h>

#include <cstdlib>

#include "base/check.h"

namespace ringmail {

Result<BufferRing*> BufferRing::Create(io_uring* ring, uint16_t group_id, uint32_t count,
                                       uint32_t buffer_size) {
  CHECK(count > 0 && (count & (count - 1)) == 0 && count <= 32768);
  auto* self = new BufferRing();
  self->ring_ = ring;
  self->group_id_ = group_id;
  self->count_ = count;
  self->buffer_size_ = buffer_size;
  self->ring_bytes_ = count * sizeof(io_uring_buf);
  void* mem =
      mmap(nullptr, self->ring_bytes_, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (mem == MAP_FAILED) {
    delete self;
    return SysError("mmap buffer ring", errno);
  }
  self->br_ = static_cast<io_uring_buf_ring*>(mem);
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<uint64_t>(self->br_);
  reg.ring_entries = count;
  reg.bgid = group_id;
  int rc = io_uring_register_buf_ring(ring, &reg, 0);
  if (rc != 0) {
    delete self;
    return SysError("io_uring_register_buf_ring", rc);
  }
  self->buffers_ = static_cast<char*>(std::aligned_alloc(4096, size_t{count} * buffer_size));
  CHECK(self->buffers_ != nullptr);
  io_uring_buf_ring_init(self->br_);
  const int mask = io_uring_buf_ring_mask(count);
  for (uint32_t i = 0; i < count; ++i) {
    io_uring_buf_ring_add(self->br_, self->buffers_ + size_t{i} * buffer_size, buffer_size, i, mask,
                          i);
  }
  io_uring_buf_ring_advance(self->br_, count);
  return self;
}

BufferRing::~BufferRing() {
  if (br_ != nullptr) {
    if (buffers_ != nullptr) io_uring_unregister_buf_ring(ring_, group_id_);
    munmap(br_, ring_bytes_);
  }
  std::free(buffers_);
}

void BufferRing::Recycle(uint16_t id) {
  DCHECK(id < count_);
  io_uring_buf_ring_add(br_, buffers_ + size_t{id} * buffer_size_, buffer_size_, id,
                        io_uring_buf_ring_mask(count_), 0);
  io_uring_buf_ring_advance(br_, 1);
}

}  // namespace ringmail
