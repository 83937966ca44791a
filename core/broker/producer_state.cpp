#include "core/broker/producer_state.hpp"

namespace ksim::core {

SequenceCheck ProducerStateTable::check(const RecordBatch& batch) const {
  if (batch.producer_id == kNoProducerId) return {};
  const auto it = producers_.find(batch.producer_id);
  // A producer the partition knows nothing of (new, or its state gone with the records that
  // carried it) may start at any sequence (ProducerAppendInfo.checkSequence).
  if (it == producers_.end()) return {};
  if (batch.producer_epoch > it->second.epoch) {
    // A new epoch of a known producer starts again at zero.
    if (batch.base_sequence != 0) return {ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER};
    return {};
  }
  const Entry& entry = it->second;
  if (batch.producer_epoch < entry.epoch) return {ErrorCode::INVALID_PRODUCER_EPOCH};
  for (const BatchMetadata& kept : entry.batches) {
    if (kept.first_sequence == batch.base_sequence && kept.last_sequence == batch.last_sequence()) {
      return {ErrorCode::NONE, true, kept.base_offset};
    }
  }
  const std::int32_t expected =
      entry.batches.empty() ? 0 : entry.batches.back().last_sequence + 1;
  if (batch.base_sequence != expected) return {ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER};
  return {};
}

void ProducerStateTable::record(const RecordBatch& batch) {
  if (batch.producer_id == kNoProducerId) return;
  Entry& entry = producers_[batch.producer_id];
  if (batch.producer_epoch != entry.epoch) {
    entry.epoch = batch.producer_epoch;
    entry.batches.clear();
  }
  entry.batches.push_back(BatchMetadata{batch.base_sequence, batch.last_sequence(), batch.base_offset});
  if (entry.batches.size() > kBatchesKept) entry.batches.pop_front();
}

}  // namespace ksim::core
