// KIP-320: the consumer checks its position after a leader change, as the Java consumer does
// (SubscriptionState.maybeValidatePositionForCurrentLeader and maybeCompleteValidation, the
// OffsetsForLeaderEpoch client of OffsetFetcher).
//
// A position remembers the leader epoch of the batch its last record came from. When the
// partition's leader epoch moves on (a new leader, known from metadata), the consumer asks the
// new leader where that epoch ends in its log (OffsetsForLeaderEpoch) before fetching again. An
// end at or past the position means nothing the consumer read was lost. An end below it means the
// new leader's log diverged (an unclean election truncated what the consumer had read): with a
// reset policy the consumer resumes at the end of the epoch, the first offset known to diverge
// (Java logs "Truncation detected"); with auto.offset.reset=none the partition stops with a
// LogTruncationException. Without this check the consumer's position would simply be out of range
// on the new leader, and auto.offset.reset would send it to the earliest or latest offset.
#include <algorithm>

#include "core/client/consumer.hpp"

namespace ksim::core {

bool Consumer::position_valid_for(PartitionFetch& state, const PartitionState& meta) {
  if (state.validated_epoch == kNoLeaderEpoch) state.validated_epoch = meta.leader_epoch;  // first sight
  if (meta.leader_epoch != state.validated_epoch) {
    state.validated_epoch = meta.leader_epoch;
    // A position with no epoch (nothing consumed since it was set) has nothing to check.
    if (state.offset_epoch) {
      state.awaiting_validation = true;
      state.clear_buffer();  // fetched under the old leader: not handed out until validated
    }
  }
  return !state.awaiting_validation;
}

void Consumer::send_validations() {
  std::map<BrokerId, OffsetsForLeaderEpochRequest> requests;
  for (auto& [tp, state] : assigned_) {
    if (!state.awaiting_validation || state.validation_in_flight || !state.position) continue;
    const PartitionState* meta = metadata_.partition(tp);
    if (meta == nullptr || !metadata_.leader_node(tp)) {
      request_metadata();
      continue;
    }
    // Asked under the leader epoch the metadata knows now (the position's current leader).
    state.validated_epoch = meta->leader_epoch;
    requests[meta->leader].partitions.push_back({tp, meta->leader_epoch, *state.offset_epoch});
    state.validation_in_flight = true;
  }
  for (auto& [broker, request] : requests) {
    request.correlation_id = next_correlation_++;
    std::vector<TopicPartition> partitions;
    for (const auto& part : request.partitions) partitions.push_back(part.tp);
    track_partition_request(validations_, &PartitionFetch::validation_in_flight, request.correlation_id, broker,
                            std::move(partitions));
    send_message(*metadata_.broker_node(broker), std::move(request));
  }
}

void Consumer::track_partition_request(PartitionRequests& requests, bool PartitionFetch::*in_flight,
                                       std::int32_t correlation, BrokerId broker, std::vector<TopicPartition> partitions) {
  PartitionRequest& request = requests[correlation];
  request.broker = broker;
  request.partitions = std::move(partitions);
  request.timeout = after(config_.request_timeout, [this, &requests, in_flight, broker] {
    // NetworkClient closes a connection whose request timed out; then the partitions are asked
    // again, after fresh metadata (on another connection).
    if (const auto node = metadata_.broker_node(broker)) disconnect(*node);
    partition_requests_failed(requests, in_flight, broker);
  });
}

void Consumer::partition_requests_failed(PartitionRequests& requests, bool PartitionFetch::*in_flight, BrokerId broker) {
  for (auto it = requests.begin(); it != requests.end();) {
    if (it->second.broker != broker) {
      ++it;
      continue;
    }
    cancel(it->second.timeout);
    for (const TopicPartition& tp : it->second.partitions) {
      if (auto state = assigned_.find(tp); state != assigned_.end()) state->second.*in_flight = false;
    }
    it = requests.erase(it);
  }
  request_metadata();
  schedule_work(config_.retry_backoff);
}

void Consumer::handle(sim::NodeId, const OffsetsForLeaderEpochResponse& m) {
  const auto flight = validations_.find(m.correlation_id);
  if (flight == validations_.end()) return;
  cancel(flight->second.timeout);
  validations_.erase(flight);
  bool trouble = false;
  for (const auto& part : m.partitions) {
    auto it = assigned_.find(part.tp);
    if (it == assigned_.end() || !it->second.validation_in_flight) continue;
    PartitionFetch& state = it->second;
    state.validation_in_flight = false;
    if (!state.awaiting_validation || !state.position) continue;
    if (part.error != ErrorCode::NONE) {
      trouble = true;  // not the leader, or its epoch is not ours yet: ask again after metadata
      continue;
    }
    const Offset position = *state.position;
    const bool unknown_epoch = part.end_offset < 0 || part.leader_epoch == kNoLeaderEpoch;
    if (!unknown_epoch && part.end_offset >= position) {
      state.awaiting_validation = false;  // nothing we read was lost
      continue;
    }
    const bool has_policy = config_.auto_offset_reset != OffsetReset::none;
    emit(ConsumerTruncationDetected{part.tp, position, unknown_epoch ? -1 : part.end_offset, has_policy});
    state.awaiting_validation = false;
    if (!has_policy) {
      state.failed = true;  // LogTruncationException: the application must seek
      position_errors_.push_back(part.tp);
    } else if (unknown_epoch) {
      state.position.reset();
      state.offset_epoch.reset();
      state.reset = config_.auto_offset_reset;
    } else {
      state.position = part.end_offset;  // the first offset known to diverge
      state.offset_epoch = part.leader_epoch;
    }
  }
  if (trouble) request_metadata();
  schedule_work(trouble ? config_.retry_backoff : sim::Duration{});
}

}  // namespace ksim::core
