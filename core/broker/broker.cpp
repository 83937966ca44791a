#include "core/broker/broker.hpp"

#include <algorithm>
#include <cmath>

namespace ksim::core {
namespace {

// A request the controller refused with NOT_CONTROLLER goes again to the next active controller
// after the broker-to-controller channel's retry.backoff.ms.
constexpr sim::Duration kNotControllerBackoff = sim::milliseconds(100);

}  // namespace

Broker::Broker(KafkaEvents& events, BrokerId id, std::string rack, BrokerConfig config, QuorumConfig quorum)
    : QuorumMember("broker:" + to_string(id), events, id, std::move(quorum)),
      id_(id),
      rack_(std::move(rack)),
      config_(config) {}

const Partition* Broker::partition(const TopicPartition& tp) const {
  const auto it = partition_index_.find(tp);
  return it == partition_index_.end() ? nullptr : it->second;
}

Partition* Broker::find(const TopicPartition& tp) {
  const auto it = partition_index_.find(tp);
  return it == partition_index_.end() ? nullptr : it->second;
}

void Broker::flush_logs() {
  for (auto& [tp, p] : partitions_) p.log().flush(now());
}

void Broker::on_start() {
  // Recovery: the logs are on disk; producer state and the high watermark come back from them.
  for (auto& [tp, p] : partitions_) p.recover();
  // LogManager reads the clean-shutdown mark and removes it: a crash of this run leaves none.
  previous_broker_epoch_ = clean_shutdown_epoch_;
  clean_shutdown_epoch_ = -1;
  // The metadata log first (the broker fetches it as an observer of the quorum), then the
  // registration with whichever controller it names active.
  start_raft();
  register_with_controller();
  after(config_.hw_checkpoint_interval, [this] { periodic_checkpoint(); });
  after(config_.retention_check_interval, [this] { periodic_retention(); });
  after(config_.flush_check_interval, [this] { periodic_flush(); });
  after(config_.replica_lag_time_max / 2, [this] { check_isr(); });
}

void Broker::periodic_flush() {
  // flush.ms: a log is flushed once that long has passed since its last flush (never, by
  // default: Kafka leaves durability to replication and the OS).
  for (auto& [tp, p] : partitions_) p.log().flush_if_due(now());
  after(config_.flush_check_interval, [this] { periodic_flush(); });
}

void Broker::on_stop(sim::StopKind kind) {
  for (auto& [tp, p] : partitions_) {
    if (kind == sim::StopKind::power_loss) {
      trace_truncation(p, p.log().lose_unflushed(now()), "power loss: not yet on disk");
    } else if (kind == sim::StopKind::disk_loss) {
      trace_truncation(p, p.log().wipe(now()), "disk loss");
      p.checkpoint_hw();
    }
    p.reset_volatile();
  }
  // The broker's copy of the metadata log stays on its disk; the image is rebuilt from it.
  stop_raft(kind);
  image_ = MetadataImage{};
  publishing_ = false;
  controller_.reset();
  broker_epoch_ = -1;
  failed_registrations_ = 0;
  caught_up_ = false;
  shutting_down_ = false;
  heartbeating_ = false;
  heartbeat_in_flight_ = 0;
  metadata_.clear();
  live_brokers_.clear();
  produces_.clear();
  delayed_fetches_.clear();
  fetches_.clear();
  replica_fetcher_.reset();
  fetch_sessions_.clear();  // in memory only: followers find out by FETCH_SESSION_ID_NOT_FOUND
  groups_.unload_all();  // a coordinator's groups live in memory; the log keeps what matters
  offsets_topic_requested_ = false;
}

void Broker::connection_lost(sim::NodeId peer) {
  QuorumMember::connection_lost(peer);
  if (peer == controller_ && heartbeat_in_flight_ != 0) {
    // The heartbeat failed with its connection: the next goes after the usual interval.
    heartbeat_in_flight_ = 0;
    cancel(heartbeat_timeout_);
    schedule_heartbeat(config_.heartbeat_interval);
  }
  replica_fetcher_.on_connection_reset(peer);
}

void Broker::handle(sim::NodeId from, const FetchResponse& m) { replica_fetcher_.on_answer(from, m); }

BrokerId Broker::broker_at(sim::NodeId node) const {
  BrokerId broker = kNoBroker;
  for (const auto& [id, at] : peers_) {
    if (at == node) broker = id;
  }
  return broker;
}

std::optional<sim::NodeId> Broker::node_of(BrokerId broker) const {
  const auto it = peers_.find(broker);
  if (it == peers_.end()) return std::nullopt;
  return it->second;
}

void Broker::send_to_peer(BrokerId broker, FetchRequest request) { send_message(peers_.at(broker), std::move(request)); }

void Broker::close_connection_to(BrokerId broker) {
  const sim::NodeId node = peers_.at(broker);
  if (connection_state(node) != sim::ConnectionState::closed) disconnect(node);
}

sim::TimerId Broker::start_timer(sim::Duration delay, sim::Callback callback) { return after(delay, std::move(callback)); }

void Broker::register_with_controller() {
  cancel(registration_timer_);
  if (controller_) {
    BrokerRegistrationRequest request;
    request.broker_id = id_;
    request.rack = rack_;
    request.incarnation_id = incarnation();
    request.previous_broker_epoch = previous_broker_epoch_;
    send_message(*controller_, std::move(request));
  }
  // Without an answer (the controller is down or unreachable, or not known yet) the registration
  // is sent again; a new active controller also brings it forward (raft_leader_changed).
  registration_timer_ = after(config_.heartbeat_interval, [this] {
    if (!registered()) register_with_controller();
  });
}

void Broker::handle(sim::NodeId, const BrokerRegistrationResponse& m) {
  if (registered()) return;
  cancel(registration_timer_);
  if (m.error == ErrorCode::NOT_CONTROLLER) {
    // That controller is no longer active: ask the next one.
    registration_timer_ = after(kNotControllerBackoff, [this] {
      if (!registered()) register_with_controller();
    });
    return;
  }
  if (m.error != ErrorCode::NONE) {
    // DUPLICATE_BROKER_REGISTRATION: the previous run's session still lives. BrokerLifecycleManager
    // tries again after an exponential backoff: 100 ms, doubling, at most the session timeout,
    // with 2% jitter.
    const double base = 100.0 * std::pow(2.0, failed_registrations_++);
    const double capped = std::min(base, static_cast<double>(config_.session_timeout.ms()));
    const double jittered = capped * rng().uniform_real(0.98, 1.02);
    registration_timer_ = after(sim::microseconds(static_cast<std::int64_t>(jittered * 1000.0)), [this] {
      if (!registered()) register_with_controller();
    });
    return;
  }
  broker_epoch_ = m.broker_epoch;
  failed_registrations_ = 0;
  if (!heartbeating_) {
    heartbeating_ = true;
    heartbeat();
  }
}

void Broker::schedule_heartbeat(sim::Duration delay) {
  after(delay, [this] { heartbeat(); });
}

void Broker::heartbeat() {
  // One loop per incarnation, one heartbeat in flight at a time, as Kafka's
  // BrokerLifecycleManager: the next goes broker.heartbeat.interval.ms after the answer (10 ms
  // while the broker is still catching up with the metadata), or after the request timed out.
  // Its channel's request timeout is half the session timeout (KAFKA-14392); a timeout closes the
  // connection, so the next heartbeat goes on a new one rather than behind the first in a
  // retransmitting connection.
  if (!registered() || !controller_) {  // a re-registration is pending, or no controller known
    schedule_heartbeat(config_.heartbeat_interval);
    return;
  }
  const std::uint64_t sent = ++heartbeats_sent_;
  heartbeat_in_flight_ = sent;
  heartbeat_wants_shut_down_ = shutting_down_;
  const sim::NodeId to = *controller_;
  send_message(to, BrokerHeartbeatRequest{id_, broker_epoch_, image_.offset().value(), shutting_down_});
  heartbeat_timeout_ = after(config_.session_timeout / 2, [this, sent, to] {
    if (heartbeat_in_flight_ != sent) return;
    heartbeat_in_flight_ = 0;
    disconnect(to);
    schedule_heartbeat(config_.heartbeat_interval);
  });
}

void Broker::handle(sim::NodeId, const BrokerHeartbeatResponse& m) {
  if (heartbeat_in_flight_ == 0) return;
  heartbeat_in_flight_ = 0;
  cancel(heartbeat_timeout_);
  if (m.error == ErrorCode::NOT_CONTROLLER) {
    schedule_heartbeat(kNotControllerBackoff);  // to the next active controller
    return;
  }
  if (m.error == ErrorCode::STALE_BROKER_EPOCH) {
    // The controller no longer knows this registration (it was replaced): register again.
    broker_epoch_ = -1;
    caught_up_ = false;
    register_with_controller();
    schedule_heartbeat(config_.heartbeat_interval);
    return;
  }
  if (shutting_down_ && m.should_shut_down) {
    exit_cleanly();
    return;
  }
  caught_up_ = m.caught_up;
  if (caught_up_ && !publishing_) {
    // Caught up with the metadata to its own registration: the broker hands its image to the
    // replicas, and from now on every committed change (BrokerServer installs its publishers
    // once the initial catch-up completes).
    publishing_ = true;
    publish_all();
  }
  sim::Duration next = config_.heartbeat_interval;
  if (!caught_up_) {
    next = sim::milliseconds(10);  // STARTING: ask again soon, to be unfenced quickly
  } else if (shutting_down_ && !heartbeat_wants_shut_down_) {
    next = sim::Duration{};  // the shutdown began while this heartbeat was out: ask at once
  } else if (shutting_down_ && !shutdown_answered_) {
    shutdown_answered_ = true;
    next = sim::milliseconds(50);  // the first answer: the next comes a little sooner
  }
  schedule_heartbeat(next);
}

void Broker::shut_down() {
  if (!running() || shutting_down_) return;
  if (!registered()) {
    exit_cleanly();
    return;
  }
  shutting_down_ = true;
  shutdown_answered_ = false;
  // Ask at once, unless a heartbeat is already out: its answer brings the next one forward.
  if (heartbeat_in_flight_ == 0) heartbeat();
  after(kControlledShutdownWait, [this] { exit_cleanly(); });
}

void Broker::exit_cleanly() {
  // BrokerServer.shutdown after the controlled shutdown: the high watermarks and the logs reach
  // the disk, the clean-shutdown mark names this run's epoch, and the process exits.
  for (auto& [tp, p] : partitions_) p.checkpoint_hw();
  flush_logs();
  clean_shutdown_epoch_ = broker_epoch_;
  simulation().stop(id(), sim::StopKind::process_exit);
}

void Broker::on_raft_committed(Offset high_watermark) {
  // Applies what became committed to the image, noting the partitions it changed.
  std::vector<TopicPartition> changed;
  const RaftLog& log = metadata_log();
  for (Offset o = image_.offset() + 1; o < high_watermark; ++o) {
    const MetadataRecord& record = *log.at(o).record;
    image_.apply(o, record);
    if (const auto* p = std::get_if<PartitionRecord>(&record)) changed.push_back(p->state.tp);
    if (const auto* p = std::get_if<PartitionChangeRecord>(&record)) changed.push_back(p->state.tp);
    if (const auto* c = std::get_if<ConfigRecord>(&record)) {
      for (const PartitionState& p : image_.topic(c->topic)->partitions) changed.push_back(p.tp);
    }
  }
  // A partition changed by several records of one batch is published once, in its final state,
  // at its first change's place in the order.
  std::set<TopicPartition> seen;
  changed.erase(std::remove_if(changed.begin(), changed.end(), [&](const TopicPartition& tp) { return !seen.insert(tp).second; }),
                changed.end());
  if (publishing_) publish(changed);
}

void Broker::raft_leader_changed(LeaderAndEpoch leader) {
  // The broker-to-controller channel follows the quorum's leader (RaftControllerNodeProvider).
  controller_.reset();
  for (const QuorumVoter& v : quorum_config().voters) {
    if (v.id == leader.leader) controller_ = v.node;
  }
  if (controller_ && !registered()) register_with_controller();
}

void Broker::publish_all() {
  std::vector<TopicPartition> all;
  for (const auto& [name, topic] : image_.topics()) {
    for (const PartitionState& p : topic.partitions) all.push_back(p.tp);
  }
  publish(all);
}

void Broker::publish(const std::vector<TopicPartition>& partitions) {
  live_brokers_.clear();
  for (const auto& [id, broker] : image_.brokers()) {
    if (image_.usable(id)) live_brokers_.push_back({id, broker.rack});
  }
  // The partitions that become followers here join their fetchers together, as Kafka's
  // makeFollowers adds them all before the fetcher threads go on: no Fetch leaves until the
  // whole change is applied, so none carries only the first of them.
  replica_fetcher_.begin_update();
  for (const TopicPartition& tp : partitions) {
    const PartitionState& state = *image_.partition(tp);
    metadata_[tp] = state;
    apply_partition_state(state, image_.topic(tp.topic)->config);
  }
  replica_fetcher_.end_update();
}

void Broker::apply_partition_state(const PartitionState& state, const TopicConfig& config) {
  const bool replica = std::find(state.replicas.begin(), state.replicas.end(), id_) != state.replicas.end();
  Partition* p = find(state.tp);
  if (p == nullptr) {
    if (!replica) return;
    p = &partitions_.emplace(state.tp, Partition(state.tp, id_, config)).first->second;
    partition_index_.emplace(state.tp, p);
    p->log().set_writeback({config_.dirty_expire, config_.dirty_writeback});
  }
  p->set_config(config);
  const ReplicaRole before = p->role();
  const LeaderEpoch epoch_before = p->leader_epoch();
  if (!p->apply(state, now())) {
    // Same role and epoch: an ISR change. A shrunk ISR may let the HW move (or let a waiting
    // acks=all produce finish with NOT_ENOUGH_REPLICAS_AFTER_APPEND).
    if (p->role() == ReplicaRole::leader) advance_high_watermark(*p);
    return;
  }
  emit(ReplicaRoleChanged{state.tp, p->role(), state.leader_epoch, epoch_before});
  replica_fetcher_.stop_following(state.tp);
  if (p->role() == ReplicaRole::leader) {
    p->log().flush_if_due(now());
    advance_high_watermark(*p);
    // The leader of an unclean election tells the controller it has recovered (KIP-704); its
    // log needs no other recovery here.
    if (state.leader_recovering && !p->alter_in_flight()) request_isr_change(*p, state.isr, "leader recovered");
  } else if (p->role() == ReplicaRole::follower && state.leader != kNoBroker) {
    replica_fetcher_.follow(*p);
  }
  if (before == ReplicaRole::leader) {
    // Leadership lost: whatever waits on this partition can no longer complete here.
    try_complete_produces(state.tp);
    try_complete_fetches(state.tp);
  }
  if (state.tp.topic == kOffsetsTopic) follow_offsets_partition_leadership(*p);
}

void Broker::check_isr() {
  for (auto& [tp, p] : partitions_) {
    if (p.role() != ReplicaRole::leader || p.alter_in_flight()) continue;
    const std::vector<BrokerId> lagging = p.out_of_sync(now(), config_.replica_lag_time_max);
    if (lagging.empty()) continue;
    std::vector<BrokerId> isr;
    for (const BrokerId id : p.state().isr) {
      if (std::find(lagging.begin(), lagging.end(), id) == lagging.end()) isr.push_back(id);
    }
    request_isr_change(p, std::move(isr), "follower out of sync");
  }
  after(config_.replica_lag_time_max / 2, [this] { check_isr(); });
}

void Broker::request_isr_change(Partition& p, std::vector<BrokerId> new_isr, const char* reason) {
  emit(IsrChangeRequested{p.tp(), new_isr, reason});
  AlterPartitionRequest request;
  request.broker_id = id_;
  request.broker_epoch = broker_epoch_;
  request.tp = p.tp();
  request.leader_epoch = p.leader_epoch();
  request.partition_epoch = p.state().partition_epoch;
  request.new_isr = new_isr;
  p.set_pending_isr(std::move(new_isr));
  if (controller_) send_message(*controller_, std::move(request));
  // Without an answer (the controller is down or unreachable) the request is given up after a
  // while and will be made again if it is still needed.
  const TopicPartition tp = p.tp();
  const std::int32_t epoch = p.state().partition_epoch;
  after(config_.controller_request_timeout, [this, key = std::make_unique<TopicPartition>(tp), epoch] {
    Partition* pending = find(*key);
    if (pending != nullptr && pending->alter_in_flight() && pending->state().partition_epoch == epoch) {
      pending->clear_pending_isr();
      if (controller_) disconnect(*controller_);  // as the channel's NetworkClient does with a request that timed out
    }
  });
}

void Broker::handle(sim::NodeId, const AlterPartitionResponse& m) {
  Partition* p = find(m.state.tp);
  if (p == nullptr) return;
  p->clear_pending_isr();
  if (m.error == ErrorCode::NONE) {
    // The new state also arrives as a metadata update; applying it here first is harmless.
    apply_partition_state(m.state, p->config());
  }
}

void Broker::advance_high_watermark(Partition& p, WakeWaiters wake) {
  const Offset before = p.log().high_watermark();
  const bool advanced = p.maybe_advance_high_watermark();
  if (advanced) emit(HighWatermarkAdvanced{p.tp(), before, p.log().high_watermark()});
  // Waiting produces and consumer fetches wait for the HW: with it unchanged (a follower's
  // position report that moved nothing) there is nothing new for them.
  if (advanced || wake == WakeWaiters::always) {
    try_complete_produces(p.tp());
    try_complete_fetches(p.tp());
  }
}

void Broker::periodic_checkpoint() {
  // replica.high.watermark.checkpoint.interval.ms: the HW a restart recovers is this old.
  for (auto& [tp, p] : partitions_) p.checkpoint_hw();
  after(config_.hw_checkpoint_interval, [this] { periodic_checkpoint(); });
}

void Broker::periodic_retention() {
  for (auto& [tp, p] : partitions_) {
    const OffsetRange deleted = p.log().apply_retention(now());
    if (!deleted.empty()) emit(LogSegmentsDeleted{tp, deleted.from, deleted.to});
  }
  after(config_.retention_check_interval, [this] { periodic_retention(); });
}

void Broker::trace_truncation(const Partition& p, const OffsetRange& range, const char* reason) {
  if (!range.empty()) emit(LogTruncated{p.tp(), range.from, range.to, reason});
}

void Broker::handle(sim::NodeId from, const InitProducerIdRequest& m) {
  InitProducerIdResponse response;
  response.correlation_id = m.correlation_id;
  // A broker draws ids from a block of its own (as brokers do from blocks the controller grants).
  response.producer_id = ProducerId{(static_cast<std::int64_t>(id_.value()) << 32) | next_producer_id_++};
  response.producer_epoch = 0;
  send_message(from, response);
}

void Broker::handle(sim::NodeId from, const MetadataRequest& m) {
  MetadataResponse response;
  response.correlation_id = m.correlation_id;
  response.brokers = live_brokers_;
  for (const auto& [tp, state] : metadata_) {
    if (m.topics.empty() || std::find(m.topics.begin(), m.topics.end(), tp.topic) != m.topics.end()) {
      response.partitions.push_back(state);
    }
  }
  for (const std::string& topic : m.topics) {
    const bool known = std::any_of(metadata_.begin(), metadata_.end(),
                                   [&](const auto& entry) { return entry.first.topic == topic; });
    if (!known) response.unknown_topics.push_back(topic);
  }
  send_message(from, std::move(response));
}

}  // namespace ksim::core
