// Which __consumer_offsets partition holds a group, and so which broker coordinates it: the
// leader of partition Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions.
#pragma once

#include <cstdint>
#include <string_view>

namespace ksim::core {

// Java's String.hashCode of an ASCII or UTF-16 string given as UTF-8 bytes: s[0]*31^(n-1) + ...
// in wrapping 32-bit arithmetic. (Non-ASCII group ids are hashed by their bytes, not by UTF-16
// code units: a deliberate simplification.)
constexpr std::int32_t java_string_hash(std::string_view text) {
  std::uint32_t h = 0;
  for (const char c : text) h = 31 * h + static_cast<unsigned char>(c);
  return static_cast<std::int32_t>(h);
}

// Kafka's Utils.abs: Math.abs, except that Integer.MIN_VALUE maps to 0 instead of staying negative.
constexpr std::int32_t kafka_abs(std::int32_t n) { return n == INT32_MIN ? 0 : (n < 0 ? -n : n); }

constexpr std::int32_t coordinator_partition(std::string_view group_id, std::int32_t offsets_partitions) {
  return kafka_abs(java_string_hash(group_id)) % offsets_partitions;
}

}  // namespace ksim::core
