// The idempotent producer's sequence rules, as the Java client (4.x) applies them to a producer
// without a transactional.id: TransactionManager (canRetry, handleCompletedBatch,
// handleFailedBatch, markSequenceUnresolved, maybeResolveSequences,
// bumpIdempotentEpochAndResetIdIfNeeded), TxnPartitionEntry (startSequencesAtBeginning) and
// RecordAccumulator.shouldStopDrainBatchesForPartition.
//
// The broker keeps, per producer id, the epoch and the last sequences it appended, and refuses a
// batch that does not follow them (OUT_OF_ORDER_SEQUENCE_NUMBER). Most such refusals are the
// producer's own doing and mend themselves: a batch that overtook an earlier one whose request
// was lost is simply retried once the earlier one is in. Only a real gap (a batch that is the next
// after the last acknowledged one is refused, or a batch that had been sent was given up on) needs
// more, and the producer never surfaces it to the application: it bumps its epoch, locally,
// without asking a broker, and numbers the partition's unfinished batches again from 0. A broker
// takes sequence 0 of a new epoch as a fresh start.
#include <algorithm>
#include <limits>

#include "core/client/producer.hpp"

namespace ksim::core {

bool Producer::has_sequenced_batches(const TopicPartition& tp) const {
  const auto it = batches_.find(tp);
  // Sequenced batches form the front of the queue: the front tells.
  return it != batches_.end() && !it->second.empty() && it->second.front()->base_sequence >= 0;
}

bool Producer::may_send(const Batch& batch) const {
  if (!idempotent_) return true;
  if (batch.base_sequence >= 0) {
    // A retry goes only when every earlier batch of its partition is answered: it must not
    // overtake them (in effect one request in flight for the partition while it retries).
    return batches_.at(batch.tp).front().get() == &batch;
  }
  const auto it = sequences_.find(batch.tp);
  if (it == sequences_.end()) return true;
  const PartitionSequences& s = it->second;
  // Batches of an older epoch are in flight: a batch of the new epoch, numbered from 0, would
  // overtake them.
  if ((s.producer_id != producer_id_ || s.epoch != producer_epoch_) && has_sequenced_batches(batch.tp)) return false;
  // A batch that had been sent was given up on: whether the broker has it is unknown until the
  // batches in flight are answered.
  return !s.unresolved_next.has_value();
}

void Producer::assign_sequence(Batch& batch) {
  PartitionSequences& s = sequences_[batch.tp];
  if ((s.producer_id != producer_id_ || s.epoch != producer_epoch_) && !has_sequenced_batches(batch.tp)) {
    // maybeUpdateProducerIdAndEpoch: the partition's batches of the old epoch are all answered.
    start_sequences_at_beginning(batch.tp);
  }
  batch.base_sequence = s.next;
  batch.epoch = producer_epoch_;
  s.next += static_cast<std::int32_t>(batch.contents().size());
}

bool Producer::may_retry_idempotent(const Batch& batch, ErrorCode error, Offset log_start_offset) {
  PartitionSequences& s = sequences_[batch.tp];
  if (error == ErrorCode::UNKNOWN_PRODUCER_ID) {
    // The broker lost the producer's state. Without its log start offset nothing is known yet;
    // a batch renumbered by a bump already answers the error; otherwise bump and retry.
    if (log_start_offset == -1 || batch.sequence_reset) return true;
    request_epoch_bump(batch.tp);
    return true;
  }
  if (error == ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER) {
    const bool next_after_acked = batch.base_sequence - s.last_acked == 1;
    if (!s.unresolved_next && (batch.sequence_reset || !next_after_acked)) {
      return true;  // an earlier batch is not in yet: retry, and it will follow it
    }
    // The batch right after the acknowledged ones (or right after one given up on) is refused:
    // a real gap. Bump the epoch; the retry carries the new numbering.
    if (!s.unresolved_next || batch.base_sequence == *s.unresolved_next) request_epoch_bump(batch.tp);
    return true;
  }
  return is_retriable(error);
}

void Producer::sequence_acknowledged(const Batch& batch) {
  if (batch.base_sequence < 0) return;
  PartitionSequences& s = sequences_[batch.tp];
  s.last_acked = std::max(s.last_acked, batch.last_sequence());
}

void Producer::sequence_failed(const TopicPartition& tp, ErrorCode error, bool adjust_sequences) {
  if (error == ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER) {
    request_epoch_bump(tp);
  } else if (error == ErrorCode::UNKNOWN_PRODUCER_ID) {
    start_sequences_at_beginning(tp);  // the broker takes any sequence from an unknown producer
  } else if (adjust_sequences) {
    // Retries were left, so the broker refused this batch for sure; the sequences after it would
    // leave a gap.
    request_epoch_bump(tp);
  }
}

void Producer::mark_sequence_unresolved(const TopicPartition& tp, std::int32_t next_sequence) {
  std::optional<std::int32_t>& unresolved = sequences_[tp].unresolved_next;
  unresolved = std::max(unresolved.value_or(next_sequence), next_sequence);
}

void Producer::resolve_sequences() {
  for (auto& [tp, s] : sequences_) {
    if (!s.unresolved_next || has_sequenced_batches(tp)) continue;
    // Everything sent is answered. If the acknowledgements reach the last sequence given out,
    // the batch given up on was in the log after all; if not, the sequence has a hole.
    if (s.next - s.last_acked != 1) request_epoch_bump(tp);
    s.unresolved_next.reset();
  }
}

void Producer::request_epoch_bump(const TopicPartition& tp) {
  epoch_bump_required_ = true;
  partitions_to_rewrite_.insert(tp);
}

void Producer::bump_epoch_if_required() {
  if (!epoch_bump_required_ || producer_id_ == kNoProducerId) return;
  epoch_bump_required_ = false;
  if (producer_epoch_ == std::numeric_limits<ProducerEpoch>::max()) {
    // The epoch is spent: the producer asks for a new producer id, which starts every partition
    // afresh (resetIdempotentProducerId).
    producer_id_ = kNoProducerId;
    partitions_to_rewrite_.clear();
    for (auto& [tp, s] : sequences_) s.unresolved_next.reset();
    init_producer_id();
    return;
  }
  ++producer_epoch_;
  const std::vector<TopicPartition> renumbered(partitions_to_rewrite_.begin(), partitions_to_rewrite_.end());
  for (const TopicPartition& tp : renumbered) {
    start_sequences_at_beginning(tp);
    sequences_[tp].unresolved_next.reset();
  }
  partitions_to_rewrite_.clear();
  emit(ProducerEpochBumped{producer_id_, producer_epoch_, renumbered});
}

void Producer::start_sequences_at_beginning(const TopicPartition& tp) {
  std::int32_t next = 0;
  const auto queue = batches_.find(tp);
  if (queue != batches_.end()) {
    for (auto& b : queue->second) {
      if (b->base_sequence < 0) break;  // the sequenced ones are the front
      b->base_sequence = next;
      b->epoch = producer_epoch_;
      b->sequence_reset = true;
      next += static_cast<std::int32_t>(b->contents().size());
    }
  }
  PartitionSequences& s = sequences_[tp];
  s.producer_id = producer_id_;
  s.epoch = producer_epoch_;
  s.next = next;
  s.last_acked = -1;
}

void Producer::forget_sequences() {
  sequences_.clear();
  epoch_bump_required_ = false;
  partitions_to_rewrite_.clear();
}

}  // namespace ksim::core
