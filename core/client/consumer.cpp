#include "core/client/consumer.hpp"

#include <algorithm>

namespace ksim::core {

Consumer::Consumer(KafkaEvents& events, std::string name, ConsumerConfig config, std::vector<sim::NodeId> bootstrap)
    : KafkaClient(events, std::move(name), std::move(bootstrap), config.request_timeout), config_(config) {
  set_connection_config(config.connection);
}

void Consumer::on_start() {
  request_metadata();
  if (group_managed()) {
    // The restarted application subscribes again: a new member (a static one keeps its
    // group.instance.id, and so its place).
    rejoin_needed_ = true;
    last_poll_ = now();
    next_auto_commit_ = now() + config_.auto_commit_interval;
    find_coordinator();
  }
}

void Consumer::on_stop(sim::StopKind) {
  // Positions and buffers are volatile; what was assigned by hand must be assigned again.
  assigned_.clear();
  fetches_.clear();
  validations_.clear();
  resets_.clear();
  metadata_.clear();
  work_scheduled_ = false;
  // So is everything about the group but the subscription.
  coordinator_.reset();
  finding_coordinator_ = false;
  phase_ = MemberPhase::unjoined;
  rejoin_needed_ = false;
  generation_lost_ = false;
  member_id_.clear();
  generation_ = -1;
  owned_.clear();
  assignment_snapshot_.clear();
  group_request_ = 0;
  heartbeat_in_flight_ = false;
  preparing_join_ = false;
  committed_request_ = 0;
  commits_.clear();
  reset_membership();
}

void Consumer::connection_lost(sim::NodeId peer) {
  metadata_peer_reset(peer);
  if (coordinator_ && *coordinator_ == peer) coordinator_lost("connection to the coordinator lost");
  if (finding_coordinator_ && coordinator_query_target_ == peer) {
    finding_coordinator_ = false;
    find_coordinator();
  }
  const auto broker = metadata_.broker_of(peer);
  if (!broker) return;
  // Requests the connection took with it are asked again (after metadata, which may name a new
  // leader).
  for (auto [requests, in_flight] : {std::pair{&validations_, &PartitionFetch::validation_in_flight},
                                     std::pair{&resets_, &PartitionFetch::reset_in_flight}}) {
    if (std::any_of(requests->begin(), requests->end(), [&](const auto& r) { return r.second.broker == *broker; })) {
      partition_requests_failed(*requests, in_flight, *broker);
    }
  }
  const auto it = fetches_.find(*broker);
  if (it == fetches_.end()) return;
  cancel(it->second.timeout);
  fetches_.erase(it);
  request_metadata();
  schedule_work(config_.retry_backoff);
}

void Consumer::handle(sim::NodeId, const MetadataResponse& m) {
  metadata_.apply(m, simulation(), now());
  if (group_managed()) check_assignment_snapshot();
  schedule_work(sim::Duration{});
}

void Consumer::assign(const std::vector<TopicPartition>& partitions) {
  std::map<TopicPartition, PartitionFetch> next;
  for (const TopicPartition& tp : partitions) {
    auto kept = assigned_.find(tp);
    if (kept != assigned_.end()) {
      next[tp] = std::move(kept->second);
    } else {
      if (config_.group_id) {
        next[tp].awaiting_committed = true;  // start from the group's committed offset
      } else if (config_.auto_offset_reset == OffsetReset::none) {
        next[tp].failed = true;  // no position and no policy to find one
        position_errors_.push_back(tp);
      } else {
        next[tp].reset = config_.auto_offset_reset;
      }
    }
  }
  assigned_ = std::move(next);
  if (config_.group_id && running()) {
    if (coordinator_) {
      fetch_committed();
    } else {
      find_coordinator();
    }
  }
  position_errors_.erase(std::remove_if(position_errors_.begin(), position_errors_.end(),
                                        [&](const TopicPartition& tp) { return assigned_.count(tp) == 0U; }),
                         position_errors_.end());
  schedule_work(sim::Duration{});
}

void Consumer::reconfigure(const ConsumerConfig& config) {
  KSIM_ASSERT(config.group_id == config_.group_id && config.group_instance_id == config_.group_instance_id,
              "a running consumer keeps its group and instance id");
  config_ = config;
  set_connection_config(config.connection);
  schedule_work(sim::Duration{});
}

void Consumer::seek(const TopicPartition& tp, Offset offset) {
  auto it = assigned_.find(tp);
  if (it == assigned_.end()) return;
  it->second.position = offset;
  it->second.offset_epoch.reset();  // a seek to an offset carries no epoch: nothing to validate
  it->second.awaiting_validation = false;
  it->second.reset.reset();
  it->second.failed = false;
  it->second.clear_buffer();
  position_errors_.erase(std::remove(position_errors_.begin(), position_errors_.end(), tp), position_errors_.end());
  schedule_work(sim::Duration{});
}

void Consumer::seek_to_beginning(const TopicPartition& tp) { reset_position(tp, OffsetReset::earliest); }

void Consumer::seek_to_end(const TopicPartition& tp) { reset_position(tp, OffsetReset::latest); }

void Consumer::seek_to_timestamp(const TopicPartition& tp, sim::Time t) {
  reset_position(tp, OffsetReset::latest);
  if (auto it = assigned_.find(tp); it != assigned_.end()) it->second.seek_time = t;
}

void Consumer::reset_position(const TopicPartition& tp, OffsetReset where) {
  auto it = assigned_.find(tp);
  if (it == assigned_.end()) return;
  it->second = PartitionFetch{};
  it->second.reset = where;
  position_errors_.erase(std::remove(position_errors_.begin(), position_errors_.end(), tp), position_errors_.end());
  schedule_work(sim::Duration{});
}

std::optional<Offset> Consumer::position(const TopicPartition& tp) const {
  const auto it = assigned_.find(tp);
  return it == assigned_.end() ? std::nullopt : it->second.position;
}

void Consumer::pause(const TopicPartition& tp) {
  if (auto it = assigned_.find(tp); it != assigned_.end()) it->second.paused = true;
}

void Consumer::resume(const TopicPartition& tp) {
  if (auto it = assigned_.find(tp); it != assigned_.end()) it->second.paused = false;
  schedule_work(sim::Duration{});
}

std::vector<ConsumedRecord> Consumer::poll() {
  if (group_managed()) group_poll();
  std::vector<ConsumedRecord> out;
  std::size_t buffered = 0;
  for (const auto& [tp, state] : assigned_) buffered += state.paused ? 0 : state.buffered_records;
  const auto limit = static_cast<std::size_t>(config_.max_poll_records);
  out.reserve(std::min(buffered, limit));
  for (auto& [tp, state] : assigned_) {
    if (state.paused) continue;
    while (!state.buffered.empty() && out.size() < limit) {
      PartitionFetch::Buffered& front = state.buffered.front();
      const std::vector<Record>& records = front.batch.records->records;
      const auto take = std::min(records.size() - static_cast<std::size_t>(front.next), limit - out.size());
      for (std::size_t i = 0; i < take; ++i, ++front.next) {
        out.push_back(ConsumedRecord{tp, front.batch.base_offset + front.next, records[static_cast<std::size_t>(front.next)]});
      }
      state.buffered_records -= take;
      state.position = out.back().offset + 1;
      if (front.batch.partition_leader_epoch != kNoLeaderEpoch) state.offset_epoch = front.batch.partition_leader_epoch;
      if (static_cast<std::size_t>(front.next) == records.size()) state.buffered.pop_front();
    }
  }
  schedule_work(sim::Duration{});
  return out;
}

void Consumer::schedule_work(sim::Duration after_delay) {
  if (work_scheduled_ || !running()) return;
  work_scheduled_ = true;
  after(after_delay, [this] {
    work_scheduled_ = false;
    work();
  });
}

void Consumer::work() {
  if (now() - metadata_.updated_at() > config_.metadata_max_age) request_metadata();
  send_resets();
  send_validations();
  send_fetches();
}

void Consumer::send_resets() {
  std::map<BrokerId, ListOffsetsRequest> requests;
  for (auto& [tp, state] : assigned_) {
    if (!state.reset || state.reset_in_flight || state.awaiting_committed) continue;
    const PartitionState* meta = metadata_.partition(tp);
    if (meta == nullptr || !metadata_.leader_node(tp)) {
      request_metadata();
      continue;
    }
    ListOffsetsRequest& request = requests[meta->leader];
    std::int64_t when = *state.reset == OffsetReset::earliest ? ListOffsetsRequest::kEarliest : ListOffsetsRequest::kLatest;
    if (state.seek_time) when = (*state.seek_time - sim::Time::zero()).ns();
    request.partitions.push_back({tp, when});
    state.reset_in_flight = true;
  }
  for (auto& [broker, request] : requests) {
    request.correlation_id = next_correlation_++;
    std::vector<TopicPartition> partitions;
    for (const auto& part : request.partitions) partitions.push_back(part.tp);
    track_partition_request(resets_, &PartitionFetch::reset_in_flight, request.correlation_id, broker, std::move(partitions));
    send_message(*metadata_.broker_node(broker), std::move(request));
  }
}

void Consumer::handle(sim::NodeId, const ListOffsetsResponse& m) {
  const auto flight = resets_.find(m.correlation_id);
  if (flight == resets_.end()) return;  // given up already (its connection failed, or it timed out)
  cancel(flight->second.timeout);
  resets_.erase(flight);
  bool trouble = false;
  for (const auto& part : m.partitions) {
    auto it = assigned_.find(part.tp);
    if (it == assigned_.end() || !it->second.reset_in_flight) continue;
    it->second.reset_in_flight = false;
    if (part.error != ErrorCode::NONE) {
      trouble = true;  // not the leader any more: ask again once metadata is fresh
      continue;
    }
    if (it->second.seek_time && part.offset < 0) {
      it->second.seek_time.reset();  // nothing that recent: the end, as an application would seek
      continue;
    }
    it->second.position = part.offset;
    // Java's seekUnvalidated: a position with a leader epoch is validated before the first fetch.
    if (part.leader_epoch != kNoLeaderEpoch) {
      it->second.offset_epoch = part.leader_epoch;
      it->second.awaiting_validation = true;
    } else {
      it->second.offset_epoch.reset();
      it->second.awaiting_validation = false;
    }
    it->second.reset.reset();
    it->second.seek_time.reset();
  }
  if (trouble) request_metadata();
  schedule_work(trouble ? config_.retry_backoff : sim::Duration{});
}

void Consumer::send_fetches() {
  std::map<BrokerId, FetchRequest> requests;
  for (auto& [tp, state] : assigned_) {
    if (state.paused || state.failed || state.awaiting_committed || !state.position || !state.buffered.empty()) continue;
    const PartitionState* meta = metadata_.partition(tp);
    if (meta == nullptr || !metadata_.leader_node(tp)) {
      request_metadata();
      continue;
    }
    if (!position_valid_for(state, *meta)) continue;  // validated first (KIP-320)
    if (fetches_.count(meta->leader) != 0U) continue;  // one fetch in flight per broker
    FetchRequest& request = requests[meta->leader];
    request.partitions.push_back({tp, meta->leader_epoch, *state.position, kNoLeaderEpoch, config_.max_partition_fetch_bytes});
  }
  for (auto& [broker, request] : requests) {
    request.correlation_id = next_correlation_++;
    request.min_bytes = config_.fetch_min_bytes;
    request.max_wait = config_.fetch_max_wait;
    request.max_bytes = config_.fetch_max_bytes;
    FetchInFlight flight{request.correlation_id, {}};
    const BrokerId leader = broker;
    flight.timeout = after(config_.request_timeout + config_.fetch_max_wait, [this, leader] {
      fetches_.erase(leader);
      // NetworkClient closes the connection of a request that timed out.
      if (const auto node = metadata_.broker_node(leader)) disconnect(*node);
      request_metadata();
      schedule_work(config_.retry_backoff);
    });
    fetches_[broker] = flight;
    send_message(*metadata_.broker_node(broker), std::move(request));
  }
}

void Consumer::handle(sim::NodeId from, const FetchResponse& m) {
  const auto broker = metadata_.broker_of(from);
  if (!broker) return;
  const auto flight = fetches_.find(*broker);
  if (flight == fetches_.end() || flight->second.correlation_id != m.correlation_id) return;
  cancel(flight->second.timeout);
  fetches_.erase(flight);
  bool trouble = false;
  for (const auto& part : m.partitions) {
    auto it = assigned_.find(part.tp);
    if (it == assigned_.end() || !it->second.position) continue;
    PartitionFetch& state = it->second;
    switch (part.error) {
      case ErrorCode::NONE:
        for (const RecordBatch& batch : part.batches) {
          // A batch that began before our position is handed out from the position on.
          const std::int64_t skip = std::max<std::int64_t>(0, *state.position - batch.base_offset);
          if (skip >= batch.record_count()) continue;
          state.buffered.push_back(PartitionFetch::Buffered{batch, static_cast<std::int32_t>(skip)});
          state.buffered_records += static_cast<std::size_t>(batch.record_count() - skip);
        }
        break;
      case ErrorCode::OFFSET_OUT_OF_RANGE:
        state.position.reset();
        if (config_.auto_offset_reset == OffsetReset::none) {
          state.failed = true;
          position_errors_.push_back(part.tp);
        } else {
          state.reset = config_.auto_offset_reset;
        }
        break;
      default:
        trouble = true;  // not the leader, or a stale epoch: metadata will tell who leads now
        break;
    }
  }
  if (trouble) request_metadata();
  schedule_work(trouble ? config_.retry_backoff : sim::Duration{});
}

}  // namespace ksim::core
