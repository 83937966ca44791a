// Java's hash codes and java.util.HashMap's iteration order, so that code ported from the Java
// client visits members and partitions in the order the Java client would.
//
// The sticky assignors iterate HashMaps (members keyed by member id, sets of TopicPartitions), and
// where two choices tie, the one met first wins. A HashMap iterates its table of buckets from
// index 0 up; an entry lives in bucket (h ^ (h >>> 16)) & (capacity - 1); inside a bucket entries
// keep the order they were inserted in (a resize splits each bucket without reordering). The table
// starts at 16 buckets and doubles whenever the size exceeds three quarters of it, and never
// shrinks. A bucket holding 8 or more entries in a table of 64 or more becomes a tree whose order
// can differ; that needs 8 colliding keys and is not modelled.
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <string_view>
#include <vector>

namespace ksim::core {

// Java's String.hashCode of an ASCII or UTF-16 string given as UTF-8 bytes: s[0]*31^(n-1) + ...
// in wrapping 32-bit arithmetic. (Non-ASCII text is hashed by its bytes, not by UTF-16 code
// units: a deliberate simplification.)
constexpr std::int32_t java_string_hash(std::string_view text) {
  std::uint32_t h = 0;
  for (const char c : text) h = 31 * h + static_cast<unsigned char>(c);
  return static_cast<std::int32_t>(h);
}

// org.apache.kafka.common.TopicPartition.hashCode.
constexpr std::int32_t java_topic_partition_hash(std::string_view topic, std::int32_t partition) {
  const std::uint32_t result = 31U * (31U + static_cast<std::uint32_t>(partition));
  return static_cast<std::int32_t>(result + static_cast<std::uint32_t>(java_string_hash(topic)));
}

// The bucket a hash lands in, in a table of `capacity` (a power of two) buckets.
constexpr std::uint32_t java_bucket(std::int32_t hash, std::uint32_t capacity) {
  const auto h = static_cast<std::uint32_t>(hash);
  return (h ^ (h >> 16U)) & (capacity - 1U);
}

// The table size of a HashMap after it grew to hold `max_size` entries one put at a time.
constexpr std::uint32_t java_hash_map_capacity(std::size_t max_size) {
  std::uint32_t capacity = 16;
  while (max_size > capacity / 4U * 3U) capacity *= 2;
  return capacity;
}

// The order in which a `new HashMap<>()` filled by puts of these keys (given by their hashes, in
// insertion order, all distinct keys) iterates them: indices into `hashes`.
inline std::vector<std::size_t> java_hash_map_order(const std::vector<std::int32_t>& hashes) {
  const std::uint32_t capacity = java_hash_map_capacity(hashes.size());
  std::vector<std::size_t> order(hashes.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return java_bucket(hashes[a], capacity) < java_bucket(hashes[b], capacity);
  });
  return order;
}

// A java.util.HashSet of small integer keys (with their Java hash codes) that can answer which
// element its iterator returns first, across adds and removes.
class JavaHashSetOrder {
 public:
  void add(int key, std::int32_t hash) {
    for (const Entry& e : entries_) {
      if (e.key == key) return;
    }
    entries_.push_back(Entry{key, hash, next_sequence_++});
    capacity_ = std::max(capacity_, java_hash_map_capacity(entries_.size()));
  }
  void remove(int key) {
    std::erase_if(entries_, [key](const Entry& e) { return e.key == key; });
  }
  bool empty() const { return entries_.empty(); }
  // iterator().next(): the lowest bucket, and in it the earliest inserted.
  int first() const {
    const auto it = std::min_element(entries_.begin(), entries_.end(), [this](const Entry& a, const Entry& b) {
      const std::uint32_t ba = java_bucket(a.hash, capacity_);
      const std::uint32_t bb = java_bucket(b.hash, capacity_);
      return ba != bb ? ba < bb : a.sequence < b.sequence;
    });
    return it->key;
  }

 private:
  struct Entry {
    int key;
    std::int32_t hash;
    std::uint64_t sequence;
  };
  std::vector<Entry> entries_;
  std::uint32_t capacity_ = 16;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace ksim::core
