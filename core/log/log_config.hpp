// The topic-level configs that shape one partition's log, with Kafka 4.x defaults.
#pragma once

#include <cstdint>
#include <limits>

#include "sim/time.hpp"

namespace ksim::core {

enum class CleanupPolicy : std::uint8_t { del, compact, compact_delete };

struct LogConfig {
  std::int64_t segment_bytes = 1'073'741'824;                 // segment.bytes
  sim::Duration segment_ms = sim::minutes(60 * 168);          // segment.ms (168 h)
  sim::Duration retention_ms = sim::minutes(60 * 168);        // retention.ms; max() = forever
  std::int64_t retention_bytes = -1;                          // retention.bytes; -1 = no limit
  std::int64_t flush_messages = std::numeric_limits<std::int64_t>::max();  // flush.messages
  sim::Duration flush_ms = sim::Duration::max();              // flush.ms
  std::int32_t max_message_bytes = 1'048'588;                 // max.message.bytes
  // cleanup.policy. Only "delete" is implemented; compaction is the seam PartitionLog::compact()
  // leaves for a later issue.
  CleanupPolicy cleanup_policy = CleanupPolicy::del;
  bool operator==(const LogConfig&) const = default;
};

}  // namespace ksim::core
