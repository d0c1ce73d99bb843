// A doubly linked intrusive list: the element embeds its ListNode, so linking and unlinking
// never allocate. An element may be in one list per ListNode member it has.
// Not thread-safe: a list and its elements belong to one core.
#pragma once

#include <cstddef>

#include "base/check.h"

namespace ringmail {

struct ListNode {
  ListNode* prev = nullptr;
  ListNode* next = nullptr;
  bool linked() const { return next != nullptr; }
};

template <typename T, ListNode T::*Node>
class IntrusiveList {
 public:
  IntrusiveList() { head_.prev = head_.next = &head_; }
  IntrusiveList(const IntrusiveList&) = delete;
  IntrusiveList& operator=(const IntrusiveList&) = delete;

  bool empty() const { return head_.next == &head_; }
  size_t size() const { return size_; }

  void PushBack(T* item) {
    ListNode* n = &(item->*Node);
    DCHECK(!n->linked());
    n->prev = head_.prev;
    n->next = &head_;
    head_.prev->next = n;
    head_.prev = n;
    ++size_;
  }

  // REQUIRES: item is in this list.
  void Remove(T* item) {
    ListNode* n = &(item->*Node);
    DCHECK(n->linked());
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = nullptr;
    --size_;
  }

  T* Front() { return empty() ? nullptr : FromNode(head_.next); }

  // Calls fn(T*) on each element; fn may remove the element it is given (and only that one).
  template <typename Fn>
  void ForEach(Fn&& fn) {
    for (ListNode* n = head_.next; n != &head_;) {
      ListNode* next = n->next;
      fn(FromNode(n));
      n = next;
    }
  }

 private:
  static T* FromNode(ListNode* n) {
    // Offset of the node member inside T; T is standard enough for this in practice.
    const size_t offset = reinterpret_cast<size_t>(&(static_cast<T*>(nullptr)->*Node));
    return reinterpret_cast<T*>(reinterpret_cast<char*>(n) - offset);
  }
  ListNode head_;
  size_t size_ = 0;
};

}  // namespace ringmail
