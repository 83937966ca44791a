// Which __consumer_offsets partition holds a group, and so which broker coordinates it: the
// leader of partition Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/protocol/java_hashing.hpp"

namespace ksim::core {

// Kafka's Utils.abs: Math.abs, except that Integer.MIN_VALUE maps to 0 instead of staying negative.
constexpr std::int32_t kafka_abs(std::int32_t n) { return n == INT32_MIN ? 0 : (n < 0 ? -n : n); }

constexpr std::int32_t coordinator_partition(std::string_view group_id, std::int32_t offsets_partitions) {
  return kafka_abs(java_string_hash(group_id)) % offsets_partitions;
}

}  // namespace ksim::core
