#include "base/byte_buffer.h"

#include "base/check.h"

namespace ringmail {

void ByteBuffer::Consume(size_t n) {
  CHECK(n <= size());
  begin_ += n;
  if (begin_ == data_.size()) {
    Clear();
    return;
  }
  // Compact once the dead prefix dominates, so a long-lived buffer does not creep.
  if (begin_ >= 4096 && begin_ * 2 >= data_.size()) {
    data_.erase(0, begin_);
    begin_ = 0;
  }
}

void ByteBuffer::Clear() {
  begin_ = 0;
  if (data_.capacity() > kCapacityKeptMax) {
    std::string().swap(data_);
  } else {
    data_.clear();
  }
}

}  // namespace ringmail
