// Idempotent producer state of one partition: per producer id, its epoch and the metadata of
// its last five batches, so that a retried batch is recognised and answered with the offset it
// already has, and a gap in the sequence is refused. As Kafka's ProducerAppendInfo: the epoch is
// checked first (an older one is INVALID_PRODUCER_EPOCH), a new epoch must start at sequence 0,
// and a producer with no state here may start anywhere.
#pragma once

#include <cstdint>
#include <deque>
#include <map>

#include "core/log/record.hpp"
#include "core/protocol/error_code.hpp"

namespace ksim::core {

struct SequenceCheck {
  ErrorCode error = ErrorCode::NONE;
  bool duplicate = false;        // already in the log: answer with `duplicate_offset`
  Offset duplicate_offset = -1;
};

class ProducerStateTable {
 public:
  static constexpr std::size_t kBatchesKept = 5;  // the broker keeps the last five per producer

  // Checks an incoming batch before it is appended (leader side).
  SequenceCheck check(const RecordBatch& batch) const;
  // Records an appended batch (leader or follower side, and on log recovery).
  void record(const RecordBatch& batch);
  void clear() { producers_.clear(); }
  std::size_t producer_count() const { return producers_.size(); }

 private:
  struct BatchMetadata {
    std::int32_t first_sequence;
    std::int32_t last_sequence;
    Offset base_offset;
  };
  struct Entry {
    ProducerEpoch epoch = -1;
    std::deque<BatchMetadata> batches;
  };
  std::map<ProducerId, Entry> producers_;
};

}  // namespace ksim::core
