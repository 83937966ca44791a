// EventHeap: the scheduler's priority queue, a cache-aware 4-ary min-heap of 16-byte entries.
//
// Why not std::priority_queue: with many pending events the heap outgrows the caches, and the
// cost of an event is the number of cache lines its sift touches. Here each node's four children
// are 4 x 16 = 64 bytes and the array is laid out so that they share exactly one cache line, so a
// sift touches one line per level, and a 4-ary heap has half the levels of a binary one.
//
// It also supports "replace the top": the scheduler takes the root, runs its event, and the first
// event that event schedules drops straight into the root's place with a single sift down,
// instead of a pop (sift down) followed by a push (sift up).
#pragma once

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <new>
#include <vector>

namespace ksim::sim {

// Time in the high 64 bits and the tie-breaker in the low 64 bits of one 128-bit key, so that
// ordering is a single branch-free comparison. Simulated time is never negative.
class HeapEntry {
 public:
  HeapEntry() = default;
  HeapEntry(std::int64_t at_ns, std::uint64_t order)
      : key_((static_cast<unsigned __int128>(static_cast<std::uint64_t>(at_ns)) << 64) | order) {}

  std::int64_t at_ns() const { return static_cast<std::int64_t>(key_ >> 64); }
  std::uint64_t order() const { return static_cast<std::uint64_t>(key_); }
  bool operator<(const HeapEntry& other) const { return key_ < other.key_; }

 private:
  unsigned __int128 key_ = 0;
};
static_assert(sizeof(HeapEntry) == 16);

class EventHeap {
 public:
  EventHeap() { entries_.resize(kPad); }

  bool empty() const { return size() == 0; }
  std::size_t size() const { return entries_.size() - kPad - (hole_at_root_ ? 1 : 0); }

  // The earliest entry. The root must not be a hole (call settle() first).
  const HeapEntry& top() const { return at(0); }

  // Marks the root as consumed without removing it yet: the next push() fills its place, or the
  // next settle() removes it.
  void consume_top() { hole_at_root_ = true; }
  void settle() {
    if (hole_at_root_) {
      hole_at_root_ = false;
      remove_root();
    }
  }
  bool has_hole() const { return hole_at_root_; }
  // The entry that follows the root, if nothing else is pushed: the earliest of the root's
  // children (one cache line). Null when the root has none.
  const HeapEntry* runner_up() const {
    const std::size_t size = logical_size();
    if (size < 2) return nullptr;
    std::size_t best = 1;
    for (std::size_t child = 2; child < size && child <= kArity; ++child) best = earlier(best, child);
    return &at(best);
  }

  void push(const HeapEntry& entry);

  // Removes every entry for which `dead(entry)` holds, then restores the heap order.
  template <typename Predicate>
  void remove_if(Predicate&& dead) {
    settle();
    std::size_t kept = kPad;
    for (std::size_t i = kPad; i < entries_.size(); ++i) {
      if (!dead(entries_[i])) entries_[kept++] = entries_[i];
    }
    entries_.resize(kept);
    rebuild();
  }

  void clear() {
    entries_.resize(kPad);
    hole_at_root_ = false;
  }

 private:
  static constexpr std::size_t kArity = 4;
  // The root sits at physical index 3, so the children of logical node i (4i+1 .. 4i+4) sit at
  // physical 4(i+1) .. 4(i+1)+3: one 64-byte line, given a 64-byte aligned array.
  static constexpr std::size_t kPad = kArity - 1;

  template <typename T>
  struct CacheLineAllocator {
    using value_type = T;
    CacheLineAllocator() = default;
    template <typename U>
    CacheLineAllocator(const CacheLineAllocator<U>&) {}  // NOLINT: rebinding
    T* allocate(std::size_t n) {
      return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{64}));
    }
    void deallocate(T* p, std::size_t) { ::operator delete(p, std::align_val_t{64}); }
    bool operator==(const CacheLineAllocator&) const { return true; }
  };

  HeapEntry& at(std::size_t logical) { return entries_.data()[logical + kPad]; }
  const HeapEntry& at(std::size_t logical) const { return entries_.data()[logical + kPad]; }
  std::size_t logical_size() const { return entries_.size() - kPad; }

  void remove_root();
  // Moves the entry at `index` up while it is earlier than its parent, never above `top`.
  void sift_up(std::size_t index, std::size_t top = 0);
  void sift_down(std::size_t index);
  // Whichever of two entries comes first, picked with arithmetic rather than a branch: which
  // child wins is data-dependent and unpredictable, a mispredicted branch costs more than the
  // arithmetic, and compilers if-convert a plain comparison at -O2 but not always at -O3 (the
  // kernel benchmark ran 20% slower in a Release build until this was written out).
  std::size_t earlier(std::size_t a, std::size_t b) const {
    const std::size_t b_wins = static_cast<std::size_t>(at(b) < at(a));
    return a ^ ((a ^ b) & (std::size_t{0} - b_wins));
  }
  void rebuild();

  std::vector<HeapEntry, CacheLineAllocator<HeapEntry>> entries_;
  bool hole_at_root_ = false;
};

// Defined here rather than in a .cpp so that the scheduler's hot loop can inline them.

inline void EventHeap::push(const HeapEntry& entry) {
  if (hole_at_root_) {
    hole_at_root_ = false;
    at(0) = entry;
    sift_down(0);
    return;
  }
  entries_.push_back(entry);
  sift_up(logical_size() - 1);
}

inline void EventHeap::remove_root() {
  const HeapEntry last = entries_.back();
  entries_.pop_back();
  if (logical_size() == 0) return;
  at(0) = last;
  sift_down(0);
}

inline void EventHeap::sift_up(std::size_t index, std::size_t top) {
  const HeapEntry moving = at(index);
  while (index > top) {
    const std::size_t parent = (index - 1) / kArity;
    if (!(moving < at(parent))) break;
    at(index) = at(parent);
    index = parent;
  }
  at(index) = moving;
}

// Moves the hole at `index` down along the earliest children to a leaf, then lets the entry that
// was there climb back up. Events are mostly scheduled behind most pending ones, so the entry
// belongs near the leaves, and this saves a comparison per level over the textbook loop (the
// bottom-up variant of Floyd and Wegener). The climb stops where the hole started: above it the
// heap may not be ordered yet (rebuild() sifts parents down before their own parents).
inline void EventHeap::sift_down(std::size_t index) {
  const std::size_t start = index;
  const std::size_t size = logical_size();
  const HeapEntry moving = at(index);
  for (;;) {
    const std::size_t first_child = index * kArity + 1;
    if (first_child >= size) break;
    std::size_t best;
    if (first_child + kArity <= size) {
      // A full node: a tournament of two pairs, each match without a branch.
      best = earlier(earlier(first_child, first_child + 1), earlier(first_child + 2, first_child + 3));
    } else {
      best = first_child;
      for (std::size_t child = first_child + 1; child < size; ++child) best = earlier(best, child);
    }
    at(index) = at(best);
    index = best;
  }
  at(index) = moving;
  sift_up(index, start);
}

inline void EventHeap::rebuild() {
  // Floyd's construction: sift down every parent, the last one first.
  const std::size_t size = logical_size();
  if (size < 2) return;
  for (std::size_t i = (size - 2) / kArity + 1; i-- > 0;) sift_down(i);
}

}  // namespace ksim::sim
