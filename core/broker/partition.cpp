#include "core/broker/partition.hpp"

#include <algorithm>

#include "sim/assert.hpp"

namespace ksim::core {

namespace {
bool contains(const std::vector<BrokerId>& list, BrokerId id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}
}  // namespace

Partition::Partition(TopicPartition tp, BrokerId local_broker, const TopicConfig& config)
    : tp_(std::move(tp)), local_broker_(local_broker), config_(config), log_(config.log) {}

void Partition::set_config(const TopicConfig& config) {
  config_ = config;
  log_.set_config(config.log);
}

bool Partition::apply(const PartitionState& state, sim::Time now) {
  const ReplicaRole role = state.leader == local_broker_ ? ReplicaRole::leader
                           : contains(state.replicas, local_broker_) ? ReplicaRole::follower
                                                                      : ReplicaRole::none;
  const bool changed = role != role_ || state.leader_epoch != state_.leader_epoch;
  // A newer partition epoch settles any ISR change this leader had asked for.
  if (state.partition_epoch != state_.partition_epoch) pending_isr_.reset();
  state_ = state;
  if (!changed) return false;
  role_ = role;
  pending_isr_.reset();
  followers_.clear();
  if (role == ReplicaRole::leader) {
    // A new leader starts its epoch at its own log end, and gives every ISR member a fresh
    // grace period: nobody has been able to fetch from it yet.
    leader_epoch_start_offset_ = log_.log_end_offset();
    log_.start_leader_epoch(state.leader_epoch);
    for (const BrokerId replica : state.replicas) {
      if (replica == local_broker_) continue;
      FollowerState follower;
      if (contains(state.isr, replica)) follower.last_caught_up = now;
      followers_[replica] = follower;
    }
  }
  return true;
}

void Partition::reset_volatile() {
  role_ = ReplicaRole::none;
  state_ = PartitionState{};
  state_.tp = tp_;
  state_.leader_epoch = kNoLeaderEpoch;
  followers_.clear();
  pending_isr_.reset();
  producers_.clear();
}

void Partition::recover() {
  producers_.clear();
  for (const Segment& segment : log_.segments()) {
    for (const RecordBatch& batch : segment.batches) producers_.record(batch);
  }
  log_.set_high_watermark(std::min(hw_checkpoint_, log_.log_end_offset()));
}

void Partition::update_follower_fetch(BrokerId follower, Offset fetch_offset, sim::Time now) {
  auto it = followers_.find(follower);
  if (it == followers_.end()) return;
  FollowerState& f = it->second;
  const Offset leader_end = log_.log_end_offset();
  if (fetch_offset >= leader_end) {
    f.last_caught_up = now;
  } else if (f.leader_end_at_last_fetch >= 0 && fetch_offset >= f.leader_end_at_last_fetch) {
    f.last_caught_up = f.last_fetch;
  }
  f.log_end_offset = fetch_offset;
  f.leader_end_at_last_fetch = leader_end;
  f.last_fetch = now;
}

std::vector<BrokerId> Partition::maximal_isr() const {
  std::vector<BrokerId> isr = state_.isr;
  if (pending_isr_) {
    for (const BrokerId id : *pending_isr_) {
      if (!contains(isr, id)) isr.push_back(id);
    }
  }
  return isr;
}

bool Partition::maybe_advance_high_watermark() {
  if (role_ != ReplicaRole::leader) return false;
  // Strict min ISR (Kafka 3.7, KAFKA-15583; Partition.maybeIncrementLeaderHW): while the committed
  // ISR is smaller than min.insync.replicas nothing becomes visible, whatever the producers' acks.
  if (static_cast<std::int32_t>(state_.isr.size()) < config_.min_insync_replicas) return false;
  Offset candidate = log_.log_end_offset();
  for (const BrokerId id : maximal_isr()) {
    if (id == local_broker_) continue;
    const auto it = followers_.find(id);
    const Offset end = it == followers_.end() ? -1 : it->second.log_end_offset;
    candidate = std::min(candidate, end);
  }
  if (candidate <= log_.high_watermark()) return false;
  return log_.set_high_watermark(candidate);
}

std::vector<BrokerId> Partition::out_of_sync(sim::Time now, sim::Duration lag_max) const {
  std::vector<BrokerId> lagging;
  for (const BrokerId id : state_.isr) {
    if (id == local_broker_) continue;
    const auto it = followers_.find(id);
    if (it == followers_.end()) continue;
    const bool caught_up_now = it->second.log_end_offset == log_.log_end_offset();
    if (!caught_up_now && now - it->second.last_caught_up > lag_max) lagging.push_back(id);
  }
  return lagging;
}

bool Partition::ready_to_join(BrokerId follower) const {
  if (contains(state_.isr, follower)) return false;
  const auto it = followers_.find(follower);
  if (it == followers_.end()) return false;
  const Offset end = it->second.log_end_offset;
  return end >= log_.high_watermark() && end >= leader_epoch_start_offset_;
}

bool Partition::in_isr(BrokerId broker) const { return contains(state_.isr, broker); }

LeaderAppend Partition::append_records_as_leader(const RecordBatch& batch, std::int16_t acks, sim::Time now) {
  KSIM_ASSERT(role_ == ReplicaRole::leader, "only a leader appends produced batches");
  LeaderAppend result;
  // Partition.appendRecordsToLeader checks the ISR before the log looks at the batch's size.
  if (acks == -1 && static_cast<std::int32_t>(state_.isr.size()) < config_.min_insync_replicas) {
    result.error = ErrorCode::NOT_ENOUGH_REPLICAS;
    return result;
  }
  if (static_cast<std::int64_t>(batch.size_bytes()) > config_.log.max_message_bytes) {
    result.error = ErrorCode::MESSAGE_TOO_LARGE;
    return result;
  }
  const SequenceCheck check = producers_.check(batch);
  if (check.error != ErrorCode::NONE) {
    result.error = check.error;
    return result;
  }
  if (check.duplicate) {
    result.base_offset = check.duplicate_offset;
    return result;
  }
  const RecordBatch& stored = log_.append_as_leader(batch, state_.leader_epoch, now);
  producers_.record(stored);
  result.base_offset = stored.base_offset;
  result.appended = &stored;
  return result;
}

}  // namespace ksim::core
