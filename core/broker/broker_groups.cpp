// The broker's side of consumer groups: finding the coordinator, creating __consumer_offsets on
// first use, the coordinator's requests, and its writes to the offsets topic (acks=all).
#include "core/broker/broker.hpp"

namespace ksim::core {

// Kafka waits offsets.commit.timeout.ms for a coordinator write to reach the in-sync replicas.
constexpr sim::Duration kOffsetsCommitTimeout = sim::milliseconds(5000);

void Broker::handle(sim::NodeId from, const FindCoordinatorRequest& m) {
  FindCoordinatorResponse response{m.correlation_id, ErrorCode::NONE, kNoBroker};
  const TopicPartition tp{kOffsetsTopic, groups_.partition_for(m.group_id)};
  const auto state = metadata_.find(tp);
  if (state == metadata_.end()) {
    // The first group anyone uses: the offsets topic is created now, as Kafka does.
    response.error = ErrorCode::COORDINATOR_NOT_AVAILABLE;
    if (!offsets_topic_requested_ && registered() && controller_) {
      offsets_topic_requested_ = true;
      CreateTopicRequest create;
      create.correlation_id = next_correlation_id_++;
      create.topic = kOffsetsTopic;
      create.partitions = config_.offsets_topic_partitions;
      create.replication_factor = config_.offsets_topic_replication_factor;
      create.config.log.cleanup_policy = CleanupPolicy::compact;
      send_message(*controller_, std::move(create));
    }
  } else if (state->second.leader == kNoBroker) {
    response.error = ErrorCode::COORDINATOR_NOT_AVAILABLE;
  } else {
    response.coordinator = state->second.leader;
  }
  send_message(from, response);
}

void Broker::handle(sim::NodeId, const AdminResponse& m) {
  // The answer to creating __consumer_offsets. On failure (too few brokers for
  // offsets.topic.replication.factor) the next FindCoordinator asks again.
  if (m.error == ErrorCode::NOT_CONTROLLER) {
    offsets_topic_requested_ = false;  // the next FindCoordinator asks the active controller
    return;
  }
  if (m.error != ErrorCode::NONE && m.error != ErrorCode::TOPIC_ALREADY_EXISTS) {
    offsets_topic_requested_ = false;
    emit(OffsetsTopicNotCreated{m.error, config_.offsets_topic_replication_factor});
  }
}

void Broker::handle(sim::NodeId from, const JoinGroupRequest& m) {
  groups_.join(now(), m, [this, from](JoinGroupResponse r) { send_message(from, std::move(r)); });
  rearm_group_timer();
}

void Broker::handle(sim::NodeId from, const SyncGroupRequest& m) {
  groups_.sync(now(), m, [this, from](SyncGroupResponse r) { send_message(from, std::move(r)); });
  rearm_group_timer();
}

void Broker::handle(sim::NodeId from, const HeartbeatRequest& m) {
  send_message(from, groups_.heartbeat(now(), m));
  rearm_group_timer();
}

void Broker::handle(sim::NodeId from, const LeaveGroupRequest& m) {
  send_message(from, groups_.leave(now(), m));
  rearm_group_timer();
}

void Broker::handle(sim::NodeId from, const ConsumerGroupHeartbeatRequest& m) {
  groups_.consumer_heartbeat(now(), m, [this, from](ConsumerGroupHeartbeatResponse r) { send_message(from, std::move(r)); });
  rearm_group_timer();
}

void Broker::handle(sim::NodeId from, const OffsetCommitRequest& m) {
  groups_.commit(now(), m, [this, from](OffsetCommitResponse r) { send_message(from, std::move(r)); });
  rearm_group_timer();
}

void Broker::handle(sim::NodeId from, const OffsetFetchRequest& m) { send_message(from, groups_.fetch_offsets(m)); }

void Broker::reset_group_offsets(const std::string& group, std::vector<std::pair<TopicPartition, Offset>> offsets,
                                 std::function<void(ErrorCode)> done) {
  groups_.reset_offsets(now(), group, std::move(offsets), std::move(done));
  rearm_group_timer();
}

void Broker::append_offsets_records(std::int32_t partition, std::vector<OffsetsTopicValue> values,
                                    std::function<void(ErrorCode)> done) {
  ProduceRequest::Partition part;
  part.tp = TopicPartition{kOffsetsTopic, partition};
  part.batch.records = make_offsets_topic_batch(std::move(values), now());
  ProduceResponse::Partition result = append_one(part, -1);
  if (result.error != ErrorCode::NONE) {
    done(result.error);
    return;
  }
  ProducePurgatory::Produce pending;
  pending.client = id();
  pending.response.partitions.push_back(result);
  pending.required.push_back(result.base_offset + part.batch.record_count());
  pending.internal_done = [done = std::move(done)](const ProduceResponse& r) { done(r.partitions.front().error); };
  const std::uint64_t delayed = produces_.next_id();
  pending.timeout = after(kOffsetsCommitTimeout, [this, delayed] { finish_produce(delayed, true); });
  produces_.park(delayed, std::move(pending));
  try_complete_produces(part.tp);
}

std::int32_t Broker::partition_count(const std::string& topic) const {
  std::int32_t count = 0;
  for (auto it = metadata_.lower_bound(TopicPartition{topic, 0}); it != metadata_.end() && it->first.topic == topic; ++it) {
    ++count;
  }
  return count == 0 ? -1 : count;
}

void Broker::report(const GroupEvent& event) {
  std::visit([this](const auto& e) { emit(e); }, event);
}

void Broker::follow_offsets_partition_leadership(const Partition& p) {
  const std::int32_t index = p.tp().partition;
  if (p.role() == ReplicaRole::leader) {
    if (!groups_.loaded(index)) groups_.load(index, p.log(), now());
  } else {
    groups_.unload(index);
  }
  rearm_group_timer();
}

void Broker::rearm_group_timer() {
  cancel(group_timer_);
  const std::optional<sim::Time> next = groups_.deadline();
  if (!next) return;
  group_timer_ = at(std::max(*next, now()), [this] {
    groups_.on_time(now());
    rearm_group_timer();
  });
}

}  // namespace ksim::core
