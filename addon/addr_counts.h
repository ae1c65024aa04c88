// Exact per-address instruction counter: open addressing with linear probing.
// Memory grows with the number of distinct addresses, never with the number of steps.
#pragma once
#include <cstdint>
#include <cstddef>
#include <vector>

class AddrCounts {
 public:
  AddrCounts() : slots_(1024), mask_(1023) {}

  // Adds one to the count of `pc` (pc != 0). Returns true when `pc` was not seen before.
  bool Add(uint64_t pc) {
    size_t i = Hash(pc) & mask_;
    for (;;) {
      Slot& s = slots_[i];
      if (s.pc == pc) { s.count++; return false; }
      if (s.pc == 0) {
        s.pc = pc;
        s.count = 1;
        if (++size_ * 2 > slots_.size()) Grow();
        return true;
      }
      i = (i + 1) & mask_;
    }
  }

  size_t size() const { return size_; }

  // Calls fn(pc, count) for every entry, in table order.
  template <typename Fn>
  void ForEach(Fn fn) const {
    for (const Slot& s : slots_)
      if (s.pc != 0) fn(s.pc, s.count);
  }

 private:
  struct Slot { uint64_t pc = 0; uint64_t count = 0; };

  static size_t Hash(uint64_t x) {  // splitmix64 finaliser: code addresses are clustered
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL; x ^= x >> 33;
    return static_cast<size_t>(x);
  }

  void Grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.size() * 2, Slot());
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.pc == 0) continue;
      size_t i = Hash(s.pc) & mask_;
      while (slots_[i].pc != 0) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  size_t mask_;
  size_t size_ = 0;
};
