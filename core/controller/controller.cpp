#include "core/controller/controller.hpp"

#include <algorithm>
#include <limits>

#include "core/controller/replica_placement.hpp"

namespace ksim::core {
namespace {

bool contains(const std::vector<BrokerId>& list, BrokerId id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}

}  // namespace

Controller::Controller(KafkaEvents& events, std::string name, BrokerConfig config)
    : KafkaNode(std::move(name), events), config_(config) {}

void Controller::add_broker(BrokerId id, sim::NodeId node, std::string rack) {
  BrokerRecord record;
  record.id = id;
  record.node = node;
  record.rack = std::move(rack);
  brokers_[id] = record;
}

const PartitionState* Controller::partition(const TopicPartition& tp) const {
  const auto topic = topics_.find(tp.topic);
  if (topic == topics_.end() || tp.partition < 0 ||
      tp.partition >= static_cast<std::int32_t>(topic->second.partitions.size())) {
    return nullptr;
  }
  return &topic->second.partitions[static_cast<std::size_t>(tp.partition)];
}

PartitionState* Controller::find(const TopicPartition& tp) {
  return const_cast<PartitionState*>(static_cast<const Controller*>(this)->partition(tp));
}

bool Controller::usable(BrokerId id) const {
  const auto it = brokers_.find(id);
  return it != brokers_.end() && it->second.registered && !it->second.fenced && !it->second.in_controlled_shutdown;
}

bool Controller::has_valid_session(const BrokerRecord& broker) const {
  return broker.registered && !broker.fenced && now() - broker.last_heartbeat <= config_.session_timeout;
}

PartitionChangeRules Controller::rules_for(const ControllerTopic& topic, const PartitionState& p) const {
  PartitionChangeRules rules;
  rules.eligible_leader_replicas = config_.eligible_leader_replicas;
  // Kafka's effective min ISR: the topic's setting, at most the replication factor.
  rules.min_isr = std::min<std::int32_t>(topic.config.min_insync_replicas, static_cast<std::int32_t>(p.replicas.size()));
  rules.unclean_election = topic.config.unclean_leader_election;
  return rules;
}

void Controller::on_start() {
  // A controller that takes over gives every registered broker a full session to check in.
  for (auto& [id, broker] : brokers_) {
    broker.last_heartbeat = now();
    broker.metadata_offset = -1;
    broker.controlled_shutdown_offset = -1;
  }
  for (const auto& [id, broker] : brokers_) {
    if (broker.registered) publish_all_to(broker);
  }
  balance_scheduled_ = false;
  unclean_scheduled_ = false;
  check_sessions();
  maybe_schedule_checks();
}

void Controller::on_stop(sim::StopKind /*kind*/) {
  // The metadata is durable whatever the crash kind: KRaft commits a change only once it is on
  // disk. The heartbeat clock is volatile and restarts with the next incarnation.
  session_timer_ = sim::TimerId{};
}

void Controller::check_sessions() {
  for (auto& [id, broker] : brokers_) {
    if (broker.registered && !broker.fenced && now() - broker.last_heartbeat > config_.session_timeout) {
      fence(broker, "session timeout");
    }
  }
  session_timer_ = after(sim::milliseconds(250), [this] { check_sessions(); });
}

void Controller::handle(sim::NodeId from, const BrokerRegistrationRequest& m) {
  auto it = brokers_.find(m.broker_id);
  if (it == brokers_.end()) return;  // not a broker of this cluster: ignored, as a bad config would be
  BrokerRecord& broker = it->second;
  if (broker.registered && broker.incarnation_id == m.incarnation_id) {
    // The same run registering again (its first answer was lost): it keeps its epoch.
    reply_message(from, BrokerRegistrationResponse{ErrorCode::NONE, broker.epoch});
    return;
  }
  // Another run of this broker id still has a live session: it may be a second process with the
  // same id, or this one restarted before the controller noticed. Either way it waits until the
  // old session is over (since 4.1, not when the old run ended in a controlled shutdown).
  if (has_valid_session(broker) && !broker.in_controlled_shutdown) {
    emit(BrokerRegistrationRefused{broker.id, ErrorCode::DUPLICATE_BROKER_REGISTRATION});
    reply_message(from, BrokerRegistrationResponse{ErrorCode::DUPLICATE_BROKER_REGISTRATION, -1});
    return;
  }
  // A new incarnation. Its clean-shutdown mark tells whether its last run flushed everything and
  // left in order; if not, with eligible leader replicas on, what it holds cannot be trusted: it
  // leaves the ISRs and the ELRs. Otherwise it leaves the ISRs as a fenced broker would.
  const bool clean = broker.registered && m.previous_broker_epoch == broker.epoch;
  if (broker.registered) {
    const bool unclean_handling = config_.eligible_leader_replicas && !clean;
    change_partitions_of(broker.id, unclean_handling ? BrokerChange::unclean : BrokerChange::leaving,
                         unclean_handling ? Scope::in_isr_or_elr : Scope::in_isr,
                         unclean_handling ? "unclean shutdown" : "broker restarted");
  }
  broker.registered = true;
  broker.fenced = true;
  broker.in_controlled_shutdown = false;
  broker.epoch = next_broker_epoch_++;
  broker.incarnation_id = m.incarnation_id;
  broker.last_heartbeat = now();
  broker.metadata_offset = -1;
  broker.controlled_shutdown_offset = -1;
  broker.rack = m.rack;
  broker.registration_offset = ++metadata_offset_;
  emit(BrokerRegistered{broker.id, broker.epoch, clean});
  reply_message(from, BrokerRegistrationResponse{ErrorCode::NONE, broker.epoch});
  publish_all_to(broker);
}

void Controller::handle(sim::NodeId from, const BrokerHeartbeatRequest& m) {
  auto it = brokers_.find(m.broker_id);
  if (it == brokers_.end() || !it->second.registered || it->second.epoch != m.broker_epoch) {
    reply_message(from, BrokerHeartbeatResponse{ErrorCode::STALE_BROKER_EPOCH, true, false, false});
    return;
  }
  BrokerRecord& broker = it->second;
  broker.last_heartbeat = now();
  broker.metadata_offset = std::max(broker.metadata_offset, m.metadata_offset);
  const bool caught_up = m.metadata_offset >= broker.registration_offset;
  bool should_shut_down = false;
  if (m.want_shut_down) {
    if (broker.fenced) {
      should_shut_down = true;
    } else {
      if (!broker.in_controlled_shutdown) {
        broker.in_controlled_shutdown = true;
        emit(BrokerControlledShutdown{broker.id});
        change_partitions_of(broker.id, BrokerChange::leaving, Scope::in_isr, "controlled shutdown");
        broker.controlled_shutdown_offset = metadata_offset_;
      }
      // It may go once every active broker has the metadata that moved its leaderships.
      should_shut_down = !leads_anything(broker.id) && lowest_active_offset() >= broker.controlled_shutdown_offset;
    }
  } else if (broker.fenced && caught_up && !broker.in_controlled_shutdown) {
    unfence(broker);
  }
  reply_message(from, BrokerHeartbeatResponse{ErrorCode::NONE, broker.fenced, caught_up, should_shut_down});
  // Updates were pushed while the broker could not hear them (a network cut): send it the whole
  // picture, as a KRaft broker would catch up by fetching the metadata log.
  if (m.metadata_offset < last_delta_offset_) publish_all_to(broker);
}

std::int64_t Controller::lowest_active_offset() const {
  std::int64_t lowest = std::numeric_limits<std::int64_t>::max();
  for (const auto& [id, broker] : brokers_) {
    if (usable(id)) lowest = std::min(lowest, broker.metadata_offset);
  }
  return lowest;
}

bool Controller::leads_anything(BrokerId id) const {
  for (const auto& [name, topic] : topics_) {
    for (const PartitionState& p : topic.partitions) {
      if (p.leader == id) return true;
    }
  }
  return false;
}

void Controller::fence(BrokerRecord& broker, const char* reason) {
  // Kafka's handleBrokerFenced: out of every ISR, leaderships elsewhere, then the fence record.
  change_partitions_of(broker.id, BrokerChange::leaving, Scope::in_isr, "broker fenced");
  broker.fenced = true;
  broker.in_controlled_shutdown = false;
  emit(BrokerFenced{broker.id, reason});
}

void Controller::unfence(BrokerRecord& broker) {
  broker.fenced = false;
  emit(BrokerUnfenced{broker.id});
  // Partitions without a leader may now get one.
  change_partitions_of(broker.id, BrokerChange::joining, Scope::leaderless, "broker unfenced");
}

void Controller::change_partitions_of(BrokerId id, BrokerChange change, Scope scope, std::string_view reason) {
  const auto may_lead = [&](BrokerId r) {
    if (r == id) return change == BrokerChange::joining;
    return usable(r);
  };
  std::vector<PartitionState> changed;
  for (auto& [name, topic] : topics_) {
    for (PartitionState& p : topic.partitions) {
      const bool in_isr = contains(p.isr, id);
      const bool in_scope = scope == Scope::leaderless ? p.leader == kNoBroker
                            : scope == Scope::in_isr   ? in_isr
                                                       : in_isr || contains(p.elr, id);
      if (!in_scope) continue;
      std::vector<BrokerId> target_isr = p.isr;
      if (change != BrokerChange::joining) target_isr.erase(std::remove(target_isr.begin(), target_isr.end(), id), target_isr.end());
      const std::vector<BrokerId> unclean = change == BrokerChange::unclean ? std::vector<BrokerId>{id} : std::vector<BrokerId>{};
      const PartitionChangeResult result = change_partition(p, std::move(target_isr), may_lead, rules_for(topic, p), unclean);
      report_change(p, result, reason, changed);
    }
  }
  publish(changed);
}

void Controller::report_change(const PartitionState& p, const PartitionChangeResult& result, std::string_view reason,
                               std::vector<PartitionState>& changed) {
  if (!result.changed) return;
  if (result.leader_changed) {
    switch (result.choice) {
      case LeaderChoice::none: emit(PartitionWentOffline{p}); break;
      case LeaderChoice::eligible: emit(LeaderElected{p, ElectionKind::eligible}); break;
      case LeaderChoice::last_known: emit(LeaderElected{p, ElectionKind::last_known}); break;
      case LeaderChoice::unclean: emit(LeaderElected{p, ElectionKind::unclean}); break;
      case LeaderChoice::preferred: emit(LeaderElected{p, ElectionKind::preferred}); break;
      case LeaderChoice::isr:
      case LeaderChoice::unchanged: emit(LeaderElected{p, ElectionKind::clean}); break;
    }
  } else {
    emit(IsrChanged{p, reason});
  }
  changed.push_back(p);
}

void Controller::maybe_schedule_checks() {
  if (!running()) return;
  bool imbalanced = false;
  bool leaderless = false;
  for (const auto& [name, topic] : topics_) {
    for (const PartitionState& p : topic.partitions) {
      if (p.leader != p.replicas.front()) imbalanced = true;
      if (p.leader == kNoBroker) leaderless = true;
    }
  }
  if (config_.auto_leader_rebalance && imbalanced && !balance_scheduled_) {
    balance_scheduled_ = true;
    after(config_.leader_imbalance_check_interval, [this] { balance_leaders(); });
  }
  // Scheduled for any leaderless partition, as Kafka does: a topic may allow unclean elections by
  // the time the check runs.
  if (leaderless && !unclean_scheduled_) {
    unclean_scheduled_ = true;
    after(config_.unclean_leader_election_interval, [this] { elect_unclean_leaders(); });
  }
}

PartitionChangeResult Controller::reelect(const ControllerTopic& topic, PartitionState& p, bool preferred) {
  PartitionChangeRules rules = rules_for(topic, p);
  rules.preferred = preferred;
  return change_partition(p, p.isr, [this](BrokerId r) { return usable(r); }, rules);
}

void Controller::balance_leaders() {
  // Kafka's maybeBalancePartitionLeaders: a preferred election for every partition whose leader
  // is not its first replica, which happens where that replica is in the ISR and may lead.
  balance_scheduled_ = false;
  elect_preferred_leaders({});
}

void Controller::elect_unclean_leaders() {
  unclean_scheduled_ = false;
  std::vector<PartitionState> changed;
  for (auto& [name, topic] : topics_) {
    if (!topic.config.unclean_leader_election) continue;
    for (PartitionState& p : topic.partitions) {
      if (p.leader == kNoBroker) report_change(p, reelect(topic, p, false), "unclean election", changed);
    }
  }
  publish(changed);
}

void Controller::handle(sim::NodeId from, const AlterPartitionRequest& m) {
  AlterPartitionResponse response;
  PartitionState* p = find(m.tp);
  const auto broker = brokers_.find(m.broker_id);
  if (p == nullptr) {
    response.error = ErrorCode::UNKNOWN_TOPIC_OR_PARTITION;
  } else if (broker == brokers_.end() || broker->second.epoch != m.broker_epoch) {
    response.error = ErrorCode::STALE_BROKER_EPOCH;
  } else if (p->leader != m.broker_id) {
    response.error = ErrorCode::NOT_LEADER_OR_FOLLOWER;
  } else if (m.leader_epoch != p->leader_epoch) {
    response.error = ErrorCode::FENCED_LEADER_EPOCH;
  } else if (m.partition_epoch != p->partition_epoch) {
    response.error = ErrorCode::FENCED_LEADER_EPOCH;  // Kafka: INVALID_UPDATE_VERSION
  } else if (std::any_of(m.new_isr.begin(), m.new_isr.end(), [&](BrokerId id) {
               return !contains(p->isr, id) && !usable(id);
             })) {
    // A fenced broker, or one in controlled shutdown, may not join the ISR.
    response.error = ErrorCode::INELIGIBLE_REPLICA;
  } else {
    const ControllerTopic& topic = topics_.at(m.tp.topic);
    PartitionChangeResult result = change_partition(*p, m.new_isr, [this](BrokerId r) { return usable(r); }, rules_for(topic, *p));
    if (p->leader_recovering && !m.leader_recovering) {
      // The leader of an unclean election says it has recovered (KIP-704).
      p->leader_recovering = false;
      if (!result.changed) ++p->partition_epoch;
      result.changed = true;
    }
    std::vector<PartitionState> changed;
    report_change(*p, result, "leader request", changed);
    publish(changed);
  }
  if (p != nullptr) response.state = *p;
  reply_message(from, std::move(response));
}

ErrorCode Controller::create_topic(const std::string& name, std::int32_t partitions,
                                   std::int16_t replication_factor, const TopicConfig& config,
                                   std::vector<std::vector<BrokerId>> assignment) {
  if (topics_.count(name) != 0U) return ErrorCode::TOPIC_ALREADY_EXISTS;
  if (partitions < 1) return ErrorCode::INVALID_PARTITIONS;
  std::vector<BrokerPlacementInfo> candidates;
  for (const auto& [id, broker] : brokers_) {
    if (usable(id)) candidates.push_back({id, broker.rack});
  }
  if (assignment.empty()) {
    if (replication_factor < 1 || replication_factor > static_cast<std::int32_t>(candidates.size())) {
      return ErrorCode::INVALID_REPLICATION_FACTOR;
    }
    const auto n = static_cast<std::int64_t>(candidates.size());
    assignment = place_replicas(candidates, 0, partitions, replication_factor,
                                static_cast<std::int32_t>(rng().uniform_int(0, n - 1)),
                                static_cast<std::int32_t>(rng().uniform_int(0, n - 1)));
  } else if (static_cast<std::int32_t>(assignment.size()) != partitions) {
    return ErrorCode::INVALID_PARTITIONS;
  }
  ControllerTopic topic{name, config, {}};
  std::vector<PartitionState> changed;
  for (std::int32_t i = 0; i < partitions; ++i) {
    PartitionState p;
    p.tp = TopicPartition{name, i};
    p.replicas = assignment[static_cast<std::size_t>(i)];
    for (const BrokerId r : p.replicas) {
      if (usable(r)) p.isr.push_back(r);
    }
    if (p.isr.empty()) p.isr = {p.replicas.front()};
    elect_new(topic, p);
    topic.partitions.push_back(p);
    changed.push_back(p);
  }
  topics_[name] = std::move(topic);
  emit(TopicCreated{name, partitions, static_cast<std::int32_t>(replication_factor)});
  publish(changed);
  return ErrorCode::NONE;
}

ErrorCode Controller::create_partitions(const std::string& name, std::int32_t total_count) {
  auto it = topics_.find(name);
  if (it == topics_.end()) return ErrorCode::UNKNOWN_TOPIC_OR_PARTITION;
  ControllerTopic& topic = it->second;
  const auto existing = static_cast<std::int32_t>(topic.partitions.size());
  if (total_count <= existing) return ErrorCode::INVALID_PARTITIONS;
  std::vector<BrokerPlacementInfo> candidates;
  for (const auto& [id, broker] : brokers_) {
    if (usable(id)) candidates.push_back({id, broker.rack});
  }
  const auto rf = static_cast<std::int32_t>(topic.partitions.front().replicas.size());
  if (rf > static_cast<std::int32_t>(candidates.size())) return ErrorCode::INVALID_REPLICATION_FACTOR;
  const auto n = static_cast<std::int64_t>(candidates.size());
  const auto assignment = place_replicas(candidates, existing, total_count - existing, rf,
                                         static_cast<std::int32_t>(rng().uniform_int(0, n - 1)),
                                         static_cast<std::int32_t>(rng().uniform_int(0, n - 1)));
  std::vector<PartitionState> changed;
  for (std::int32_t i = existing; i < total_count; ++i) {
    PartitionState p;
    p.tp = TopicPartition{name, i};
    p.replicas = assignment[static_cast<std::size_t>(i - existing)];
    p.isr = p.replicas;
    elect_new(topic, p);
    topic.partitions.push_back(p);
    changed.push_back(p);
  }
  publish(changed);
  return ErrorCode::NONE;
}

ErrorCode Controller::elect_preferred_leaders(const std::vector<TopicPartition>& partitions) {
  std::vector<PartitionState> changed;
  bool elected = false;
  const auto consider = [&](ControllerTopic& topic, PartitionState& p) {
    if (p.leader == p.replicas.front()) return;
    const PartitionChangeResult result = reelect(topic, p, true);
    elected = elected || result.choice == LeaderChoice::preferred;
    report_change(p, result, "preferred leader", changed);
  };
  if (partitions.empty()) {
    for (auto& [name, topic] : topics_) {
      for (PartitionState& p : topic.partitions) consider(topic, p);
    }
  } else {
    for (const TopicPartition& tp : partitions) {
      if (PartitionState* p = find(tp)) consider(topics_.at(tp.topic), *p);
    }
  }
  publish(changed);
  return !elected && !partitions.empty() ? ErrorCode::ELECTION_NOT_NEEDED : ErrorCode::NONE;
}

ErrorCode Controller::set_topic_config(const std::string& name, const TopicConfig& config) {
  auto it = topics_.find(name);
  if (it == topics_.end()) return ErrorCode::UNKNOWN_TOPIC_OR_PARTITION;
  it->second.config = config;
  publish(it->second.partitions);
  return ErrorCode::NONE;
}

void Controller::handle(sim::NodeId from, const CreateTopicRequest& m) {
  const ErrorCode error = create_topic(m.topic, m.partitions, m.replication_factor, m.config, m.assignment);
  send_message(from, AdminResponse{m.correlation_id, error});
}

void Controller::handle(sim::NodeId from, const CreatePartitionsRequest& m) {
  send_message(from, AdminResponse{m.correlation_id, create_partitions(m.topic, m.total_count)});
}

void Controller::handle(sim::NodeId from, const ElectLeadersRequest& m) {
  send_message(from, AdminResponse{m.correlation_id, elect_preferred_leaders(m.partitions)});
}

void Controller::handle(sim::NodeId from, const MetadataRequest& m) {
  MetadataResponse response;
  response.correlation_id = m.correlation_id;
  for (const auto& [id, broker] : brokers_) {
    if (usable(id)) response.brokers.push_back({id, broker.rack});
  }
  for (const auto& [name, topic] : topics_) {
    for (const PartitionState& p : topic.partitions) response.partitions.push_back(p);
  }
  send_message(from, std::move(response));
}

void Controller::elect_new(ControllerTopic& topic, PartitionState& p) {
  // A new partition starts with leader epoch -1, so that its first leader has epoch 0.
  p.leader = kNoBroker;
  p.leader_epoch = -1;
  const PartitionChangeResult result = reelect(topic, p, false);
  if (result.leader_changed && p.leader != kNoBroker) emit(LeaderElected{p, ElectionKind::clean});
}

MetadataUpdate Controller::update_of(std::vector<PartitionState> partitions) const {
  MetadataUpdate update;
  update.metadata_offset = metadata_offset_;
  for (const PartitionState& p : partitions) {
    if (update.topic_configs.empty() || update.topic_configs.back().topic != p.tp.topic) {
      update.topic_configs.push_back({p.tp.topic, topics_.at(p.tp.topic).config});
    }
  }
  update.partitions = std::move(partitions);
  for (const auto& [id, broker] : brokers_) {
    if (usable(id)) update.live_brokers.push_back({id, broker.rack});
  }
  return update;
}

void Controller::publish(const std::vector<PartitionState>& changed) {
  maybe_schedule_checks();
  if (changed.empty()) return;
  ++metadata_offset_;
  last_delta_offset_ = metadata_offset_;
  for (const auto& [id, broker] : brokers_) {
    if (broker.registered) reply_message(broker.node, update_of(changed));
  }
}

void Controller::publish_all_to(const BrokerRecord& broker) {
  std::vector<PartitionState> all;
  for (const auto& [name, topic] : topics_) {
    for (const PartitionState& p : topic.partitions) all.push_back(p);
  }
  // A snapshot takes an offset of its own, newer than any update already on its way to the
  // broker, so that it is applied after them.
  ++metadata_offset_;
  reply_message(broker.node, update_of(std::move(all)));
}

}  // namespace ksim::core
