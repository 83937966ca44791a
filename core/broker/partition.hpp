// Partition: one broker's replica of one partition, and, when it leads, the leader's view of its
// followers: their log end offsets, when each was last caught up, the ISR it may change, and the
// high watermark that follows from them.
//
// The rules are Kafka's (kafka.cluster.Partition):
//   - a follower is caught up at a fetch when it asks for an offset at or beyond the leader's log
//     end of that moment, or beyond the leader's log end of its previous fetch;
//   - it leaves the ISR once it has not been caught up for replica.lag.time.max.ms;
//   - it joins the ISR when its log end reaches the high watermark and the start of the leader's
//     epoch;
//   - the high watermark is the smallest log end over the "maximal" ISR: the ISR plus any member
//     a pending AlterPartition would add or has not yet removed, so that an ISR change the
//     controller has not confirmed can never make the high watermark run ahead.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "core/broker/producer_state.hpp"
#include "core/event/outcomes.hpp"
#include "core/log/partition_log.hpp"
#include "core/protocol/configs.hpp"
#include "core/protocol/messages.hpp"
#include "sim/time.hpp"

namespace ksim::core {


// What a leader's append of a produced batch came to.
struct LeaderAppend {
  ErrorCode error = ErrorCode::NONE;
  Offset base_offset = -1;                 // where the batch is (also for a duplicate's retry)
  const RecordBatch* appended = nullptr;   // the stored batch; null when nothing was written
};

struct FollowerState {
  Offset log_end_offset = -1;  // unknown until its first fetch
  sim::Time last_caught_up;
  sim::Time last_fetch;
  Offset leader_end_at_last_fetch = -1;
};

class Partition {
 public:
  Partition(TopicPartition tp, BrokerId local_broker, const TopicConfig& config);

  const TopicPartition& tp() const { return tp_; }
  const TopicConfig& config() const { return config_; }
  void set_config(const TopicConfig& config);

  // Durable: the log, and the last high watermark checkpointed to disk.
  PartitionLog& log() { return log_; }
  const PartitionLog& log() const { return log_; }
  Offset hw_checkpoint() const { return hw_checkpoint_; }
  void checkpoint_hw() { hw_checkpoint_ = log_.high_watermark(); }

  // Volatile: the role and everything a leader tracks.
  ReplicaRole role() const { return role_; }
  const PartitionState& state() const { return state_; }
  LeaderEpoch leader_epoch() const { return state_.leader_epoch; }
  ProducerStateTable& producers() { return producers_; }

  // Applies the controller's decision. Returns true when this broker's role or leader epoch
  // changed (the broker then restarts its fetcher or its leader duties).
  bool apply(const PartitionState& state, sim::Time now);
  // Forgets the role and all leader state (the process stopped). The log stays.
  void reset_volatile();
  // Rebuilds what a restart recovers from disk: producer state from the log, the HW from the
  // checkpoint.
  void recover();

  // Leader side.
  // Appends a produced batch, as Kafka's Partition.appendRecordsToLeader and
  // UnifiedLog.appendAsLeader do, in their order: the batch must fit max.message.bytes; with
  // acks=all the ISR must have min.insync.replicas members (checked before anything is written);
  // an idempotent producer's sequence must follow its last (a retry of a batch already written
  // gets that batch's offset back, and nothing is written twice). The caller checked that this
  // replica leads; the high watermark is the caller's to advance.
  LeaderAppend append_records_as_leader(const RecordBatch& batch, std::int16_t acks, sim::Time now);
  const std::map<BrokerId, FollowerState>& followers() const { return followers_; }
  Offset leader_epoch_start_offset() const { return leader_epoch_start_offset_; }
  void update_follower_fetch(BrokerId follower, Offset fetch_offset, sim::Time now);
  std::vector<BrokerId> maximal_isr() const;
  // Moves the HW to the smallest LEO of the maximal ISR if that is higher. True if it moved.
  bool maybe_advance_high_watermark();
  // ISR members that have not been caught up for longer than `lag_max` (never the leader).
  std::vector<BrokerId> out_of_sync(sim::Time now, sim::Duration lag_max) const;
  // A replica outside the ISR that now qualifies to join it, if any.
  // Whether `follower`, which just fetched, may join the ISR (Partition.isFollowerInSync).
  bool ready_to_join(BrokerId follower) const;
  bool alter_in_flight() const { return pending_isr_.has_value(); }
  void set_pending_isr(std::vector<BrokerId> isr) { pending_isr_ = std::move(isr); }
  void clear_pending_isr() { pending_isr_.reset(); }
  bool in_isr(BrokerId broker) const;

 private:
  TopicPartition tp_;
  BrokerId local_broker_;
  TopicConfig config_;
  PartitionLog log_;
  Offset hw_checkpoint_ = 0;

  ReplicaRole role_ = ReplicaRole::none;
  PartitionState state_;
  ProducerStateTable producers_;
  std::map<BrokerId, FollowerState> followers_;
  Offset leader_epoch_start_offset_ = 0;
  std::optional<std::vector<BrokerId>> pending_isr_;
};

}  // namespace ksim::core
