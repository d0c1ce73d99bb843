// A growable byte buffer read from the front and appended at the back. Memory is released
// when the buffer drains, so an idle connection's buffers cost only their inline size.
// Not thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ringmail {

class ByteBuffer {
 public:
  // Bytes not yet consumed. The view is invalidated by Append and Consume.
  std::string_view readable() const { return std::string_view(data_).substr(begin_); }
  size_t size() const { return data_.size() - begin_; }
  bool empty() const { return size() == 0; }

  void Append(std::string_view bytes) { data_.append(bytes); }
  // Room for `more` bytes of Append without regrowing (a large write known in advance).
  void Reserve(size_t more) { data_.reserve(data_.size() + more); }

  // REQUIRES: n <= size().
  void Consume(size_t n);
  void Clear();

  // Capacity held; for memory accounting in tests and benchmarks.
  size_t capacity() const { return data_.capacity(); }

 private:
  static constexpr size_t kCapacityKeptMax = 1024;
  std::string data_;
  size_t begin_ = 0;
};

}  // namespace ringmail
