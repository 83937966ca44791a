// The active controller's decisions, each written as records (controller_quorum.cpp writes them).
#include "core/controller/controller.hpp"

#include <algorithm>
#include <limits>

namespace ksim::core {
namespace {

bool contains(const std::vector<BrokerId>& list, BrokerId id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}

}  // namespace

bool Controller::has_valid_session(BrokerId id) const {
  const BrokerRegistration* broker = image().broker(id);
  const auto session = sessions_.find(id);
  return broker != nullptr && !broker->fenced && session != sessions_.end() &&
         now() - session->second.last_heartbeat <= config_.session_timeout;
}

PartitionChangeRules Controller::rules_for(const TopicImage& topic, const PartitionState& p) const {
  PartitionChangeRules rules;
  rules.eligible_leader_replicas = config_.eligible_leader_replicas;
  // Kafka's effective min ISR: the topic's setting, at most the replication factor.
  rules.min_isr = std::min<std::int32_t>(topic.config.min_insync_replicas, static_cast<std::int32_t>(p.replicas.size()));
  rules.unclean_election = topic.config.unclean_leader_election;
  return rules;
}

void Controller::check_sessions() {
  std::vector<BrokerId> expired;
  for (const auto& [id, broker] : image().brokers()) {
    const auto session = sessions_.find(id);
    if (!broker.fenced && session != sessions_.end() && now() - session->second.last_heartbeat > config_.session_timeout) {
      expired.push_back(id);
    }
  }
  for (const BrokerId id : expired) fence(id, "session timeout");
  while_active_after(sim::milliseconds(250), &Controller::check_sessions);
}

void Controller::handle(sim::NodeId from, const BrokerRegistrationRequest& m) {
  if (!active_) {
    send_message(from, BrokerRegistrationResponse{ErrorCode::NOT_CONTROLLER, -1});
    return;
  }
  const BrokerRegistration* broker = image().broker(m.broker_id);
  if (broker != nullptr && broker->incarnation_id == m.incarnation_id) {
    // The same run registering again (its first answer was lost): it keeps its epoch.
    reply_after_commit(from, BrokerRegistrationResponse{ErrorCode::NONE, broker->epoch});
    return;
  }
  // Another run of this broker id still has a live session: it may be a second process with the
  // same id, or this one restarted before the controller noticed. Either way it waits until the
  // old session is over (since 4.1, not when the old run ended in a controlled shutdown).
  if (broker != nullptr && has_valid_session(m.broker_id) && !broker->in_controlled_shutdown) {
    emit(BrokerRegistrationRefused{m.broker_id, ErrorCode::DUPLICATE_BROKER_REGISTRATION});
    send_message(from, BrokerRegistrationResponse{ErrorCode::DUPLICATE_BROKER_REGISTRATION, -1});
    return;
  }
  // A new incarnation. Its clean-shutdown mark tells whether its last run flushed everything and
  // left in order; if not, with eligible leader replicas on, what it holds cannot be trusted: it
  // leaves the ISRs and the ELRs. Otherwise it leaves the ISRs as a fenced broker would. The
  // registration record follows those changes in the same batch.
  const bool clean = broker != nullptr && m.previous_broker_epoch == broker->epoch;
  std::vector<MetadataRecord> registration{RegisterBrokerRecord{m.broker_id, m.incarnation_id, m.rack}};
  if (broker != nullptr) {
    const bool unclean_handling = config_.eligible_leader_replicas && !clean;
    change_partitions_of(m.broker_id, unclean_handling ? BrokerChange::unclean : BrokerChange::leaving,
                         unclean_handling ? Scope::in_isr_or_elr : Scope::in_isr,
                         unclean_handling ? "unclean shutdown" : "broker restarted", {}, std::move(registration));
  } else {
    write(std::move(registration));
  }
  const std::int64_t epoch = last_written_.value();
  sessions_[m.broker_id] = BrokerSession{now(), -1, -1};
  emit(BrokerRegistered{m.broker_id, epoch, clean});
  reply_after_commit(from, BrokerRegistrationResponse{ErrorCode::NONE, epoch});
}

void Controller::handle(sim::NodeId from, const BrokerHeartbeatRequest& m) {
  if (!active_) {
    send_message(from, BrokerHeartbeatResponse{ErrorCode::NOT_CONTROLLER, true, false, false});
    return;
  }
  const BrokerRegistration* broker = image().broker(m.broker_id);
  if (broker == nullptr || broker->epoch != m.broker_epoch) {
    send_message(from, BrokerHeartbeatResponse{ErrorCode::STALE_BROKER_EPOCH, true, false, false});
    return;
  }
  BrokerSession& session = sessions_[m.broker_id];
  session.last_heartbeat = now();
  session.metadata_offset = std::max(session.metadata_offset, m.metadata_offset);
  const bool caught_up = m.metadata_offset >= broker->epoch;  // it has applied its own registration
  bool should_shut_down = false;
  if (m.want_shut_down) {
    if (broker->fenced) {
      should_shut_down = true;
    } else {
      if (!broker->in_controlled_shutdown) {
        emit(BrokerControlledShutdown{m.broker_id});
        BrokerRegistrationChangeRecord change{m.broker_id, broker->epoch, std::nullopt, true};
        change_partitions_of(m.broker_id, BrokerChange::leaving, Scope::in_isr, "controlled shutdown", {change});
        session.controlled_shutdown_offset = last_written_.value();
      }
      // It may go once every active broker has the metadata that moved its leaderships.
      should_shut_down =
          !leads_anything(m.broker_id) && lowest_active_offset() >= session.controlled_shutdown_offset;
    }
  } else if (broker->fenced && caught_up && !broker->in_controlled_shutdown) {
    unfence(m.broker_id);
  }
  const bool fenced = image().broker(m.broker_id)->fenced;
  reply_after_commit(from, BrokerHeartbeatResponse{ErrorCode::NONE, fenced, caught_up, should_shut_down});
}

std::int64_t Controller::lowest_active_offset() const {
  std::int64_t lowest = std::numeric_limits<std::int64_t>::max();
  for (const auto& [id, session] : sessions_) {
    if (image().usable(id)) lowest = std::min(lowest, session.metadata_offset);
  }
  return lowest;
}

bool Controller::leads_anything(BrokerId id) const {
  for (const auto& [name, topic] : image().topics()) {
    for (const PartitionState& p : topic.partitions) {
      if (p.leader == id) return true;
    }
  }
  return false;
}

void Controller::fence(BrokerId id, const char* reason) {
  // Kafka's handleBrokerFenced: out of every ISR, leaderships elsewhere, and the fence record,
  // in one batch.
  const BrokerRegistration& broker = *image().broker(id);
  emit(BrokerFenced{id, reason});
  BrokerRegistrationChangeRecord change{id, broker.epoch, true, false};
  change_partitions_of(id, BrokerChange::leaving, Scope::in_isr, "broker fenced", {}, {change});
}

void Controller::unfence(BrokerId id) {
  const BrokerRegistration& broker = *image().broker(id);
  emit(BrokerUnfenced{id});
  // Partitions without a leader may now get one.
  BrokerRegistrationChangeRecord change{id, broker.epoch, false, std::nullopt};
  change_partitions_of(id, BrokerChange::joining, Scope::leaderless, "broker unfenced", {change});
}

void Controller::change_partitions_of(BrokerId id, BrokerChange change, Scope scope, std::string_view reason,
                                      std::vector<MetadataRecord> first, std::vector<MetadataRecord> then) {
  const auto may_lead = [&](BrokerId r) {
    if (r == id) return change == BrokerChange::joining;
    return image().usable(r);
  };
  std::vector<MetadataRecord> records = std::move(first);
  for (const auto& [name, topic] : image().topics()) {
    for (const PartitionState& p : topic.partitions) {
      const bool in_isr = contains(p.isr, id);
      const bool in_scope = scope == Scope::leaderless ? p.leader == kNoBroker
                            : scope == Scope::in_isr   ? in_isr
                                                       : in_isr || contains(p.elr, id);
      if (!in_scope) continue;
      std::vector<BrokerId> target_isr = p.isr;
      if (change != BrokerChange::joining) target_isr.erase(std::remove(target_isr.begin(), target_isr.end(), id), target_isr.end());
      const std::vector<BrokerId> unclean = change == BrokerChange::unclean ? std::vector<BrokerId>{id} : std::vector<BrokerId>{};
      PartitionState next = p;
      const PartitionChangeResult result = change_partition(next, std::move(target_isr), may_lead, rules_for(topic, p), unclean);
      report_change(next, result, reason, records);
    }
  }
  for (MetadataRecord& r : then) records.push_back(std::move(r));
  write(std::move(records));
  maybe_schedule_checks();
}

void Controller::report_change(const PartitionState& p, const PartitionChangeResult& result, std::string_view reason,
                               std::vector<MetadataRecord>& records) {
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
  records.push_back(PartitionChangeRecord{p});
}

void Controller::maybe_schedule_checks() {
  if (!active_) return;
  bool imbalanced = false;
  bool leaderless = false;
  for (const auto& [name, topic] : image().topics()) {
    for (const PartitionState& p : topic.partitions) {
      if (p.leader != p.replicas.front()) imbalanced = true;
      if (p.leader == kNoBroker) leaderless = true;
    }
  }
  if (config_.auto_leader_rebalance && imbalanced && !balance_scheduled_) {
    balance_scheduled_ = true;
    while_active_after(config_.leader_imbalance_check_interval, &Controller::balance_leaders);
  }
  // Scheduled for any leaderless partition, as Kafka does: a topic may allow unclean elections by
  // the time the check runs.
  if (leaderless && !unclean_scheduled_) {
    unclean_scheduled_ = true;
    while_active_after(config_.unclean_leader_election_interval, &Controller::elect_unclean_leaders);
  }
}

PartitionChangeResult Controller::reelect(const TopicImage& topic, PartitionState& p, bool preferred) {
  PartitionChangeRules rules = rules_for(topic, p);
  rules.preferred = preferred;
  return change_partition(p, p.isr, [this](BrokerId r) { return image().usable(r); }, rules);
}

void Controller::balance_leaders() {
  // Kafka's maybeBalancePartitionLeaders: a preferred election for every partition whose leader
  // is not its first replica, which happens where that replica is in the ISR and may lead.
  balance_scheduled_ = false;
  elect_preferred_leaders({});
}

void Controller::elect_unclean_leaders() {
  unclean_scheduled_ = false;
  std::vector<MetadataRecord> records;
  for (const auto& [name, topic] : image().topics()) {
    if (!topic.config.unclean_leader_election) continue;
    for (const PartitionState& p : topic.partitions) {
      if (p.leader != kNoBroker) continue;
      PartitionState next = p;
      report_change(next, reelect(topic, next, false), "unclean election", records);
    }
  }
  write(std::move(records));
  maybe_schedule_checks();
}

void Controller::handle(sim::NodeId from, const AlterPartitionRequest& m) {
  AlterPartitionResponse response;
  response.state.tp = m.tp;
  const PartitionState* p = image().partition(m.tp);
  const BrokerRegistration* broker = image().broker(m.broker_id);
  if (!active_) {
    response.error = ErrorCode::NOT_CONTROLLER;
  } else if (p == nullptr) {
    response.error = ErrorCode::UNKNOWN_TOPIC_OR_PARTITION;
  } else if (broker == nullptr || broker->epoch != m.broker_epoch) {
    response.error = ErrorCode::STALE_BROKER_EPOCH;
  } else if (p->leader != m.broker_id) {
    response.error = ErrorCode::NOT_LEADER_OR_FOLLOWER;
  } else if (m.leader_epoch != p->leader_epoch) {
    response.error = ErrorCode::FENCED_LEADER_EPOCH;
  } else if (m.partition_epoch != p->partition_epoch) {
    response.error = ErrorCode::FENCED_LEADER_EPOCH;  // Kafka: INVALID_UPDATE_VERSION
  } else if (std::any_of(m.new_isr.begin(), m.new_isr.end(), [&](BrokerId id) {
               return !contains(p->isr, id) && !image().usable(id);
             })) {
    // A fenced broker, or one in controlled shutdown, may not join the ISR.
    response.error = ErrorCode::INELIGIBLE_REPLICA;
  } else {
    const TopicImage& topic = *image().topic(m.tp.topic);
    PartitionState next = *p;
    PartitionChangeResult result = change_partition(next, m.new_isr, [this](BrokerId r) { return image().usable(r); }, rules_for(topic, *p));
    if (next.leader_recovering && !m.leader_recovering) {
      // The leader of an unclean election says it has recovered (KIP-704).
      next.leader_recovering = false;
      if (!result.changed) ++next.partition_epoch;
      result.changed = true;
    }
    std::vector<MetadataRecord> records;
    report_change(next, result, "leader request", records);
    write(std::move(records));
    maybe_schedule_checks();
  }
  if (const PartitionState* now_state = image().partition(m.tp)) response.state = *now_state;
  if (response.error == ErrorCode::NONE) {
    reply_after_commit(from, std::move(response));
  } else {
    send_message(from, std::move(response));
  }
}

std::vector<BrokerPlacementInfo> Controller::placement_candidates() const {
  std::vector<BrokerPlacementInfo> candidates;
  for (const auto& [id, broker] : image().brokers()) {
    if (image().usable(id)) candidates.push_back({id, broker.rack});
  }
  return candidates;
}

ErrorCode Controller::create_topic(const std::string& name, std::int32_t partitions,
                                   std::int16_t replication_factor, const TopicConfig& config,
                                   std::vector<std::vector<BrokerId>> assignment) {
  if (!active_) return ErrorCode::NOT_CONTROLLER;
  if (image().topic(name) != nullptr) return ErrorCode::TOPIC_ALREADY_EXISTS;
  if (partitions < 1) return ErrorCode::INVALID_PARTITIONS;
  const std::vector<BrokerPlacementInfo> candidates = placement_candidates();
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
  const TopicImage topic{name, config, {}};
  std::vector<MetadataRecord> records{TopicRecord{name, config}};
  for (std::int32_t i = 0; i < partitions; ++i) {
    PartitionState p;
    p.tp = TopicPartition{name, i};
    p.replicas = assignment[static_cast<std::size_t>(i)];
    for (const BrokerId r : p.replicas) {
      if (image().usable(r)) p.isr.push_back(r);
    }
    if (p.isr.empty()) p.isr = {p.replicas.front()};
    elect_new(topic, p);
    records.push_back(PartitionRecord{p});
  }
  emit(TopicCreated{name, partitions, static_cast<std::int32_t>(replication_factor)});
  write(std::move(records));
  maybe_schedule_checks();
  return ErrorCode::NONE;
}

ErrorCode Controller::create_partitions(const std::string& name, std::int32_t total_count) {
  if (!active_) return ErrorCode::NOT_CONTROLLER;
  const TopicImage* topic = image().topic(name);
  if (topic == nullptr) return ErrorCode::UNKNOWN_TOPIC_OR_PARTITION;
  const auto existing = static_cast<std::int32_t>(topic->partitions.size());
  if (total_count <= existing) return ErrorCode::INVALID_PARTITIONS;
  const std::vector<BrokerPlacementInfo> candidates = placement_candidates();
  const auto rf = static_cast<std::int32_t>(topic->partitions.front().replicas.size());
  if (rf > static_cast<std::int32_t>(candidates.size())) return ErrorCode::INVALID_REPLICATION_FACTOR;
  const auto n = static_cast<std::int64_t>(candidates.size());
  const auto assignment = place_replicas(candidates, existing, total_count - existing, rf,
                                         static_cast<std::int32_t>(rng().uniform_int(0, n - 1)),
                                         static_cast<std::int32_t>(rng().uniform_int(0, n - 1)));
  std::vector<MetadataRecord> records;
  for (std::int32_t i = existing; i < total_count; ++i) {
    PartitionState p;
    p.tp = TopicPartition{name, i};
    p.replicas = assignment[static_cast<std::size_t>(i - existing)];
    p.isr = p.replicas;
    elect_new(*topic, p);
    records.push_back(PartitionRecord{p});
  }
  write(std::move(records));
  maybe_schedule_checks();
  return ErrorCode::NONE;
}

ErrorCode Controller::elect_preferred_leaders(const std::vector<TopicPartition>& partitions) {
  if (!active_) return ErrorCode::NOT_CONTROLLER;
  std::vector<MetadataRecord> records;
  bool elected = false;
  const auto consider = [&](const TopicImage& topic, const PartitionState& p) {
    if (p.leader == p.replicas.front()) return;
    PartitionState next = p;
    const PartitionChangeResult result = reelect(topic, next, true);
    elected = elected || result.choice == LeaderChoice::preferred;
    report_change(next, result, "preferred leader", records);
  };
  if (partitions.empty()) {
    for (const auto& [name, topic] : image().topics()) {
      for (const PartitionState& p : topic.partitions) consider(topic, p);
    }
  } else {
    for (const TopicPartition& tp : partitions) {
      if (const PartitionState* p = image().partition(tp)) consider(*image().topic(tp.topic), *p);
    }
  }
  write(std::move(records));
  maybe_schedule_checks();
  return !elected && !partitions.empty() ? ErrorCode::ELECTION_NOT_NEEDED : ErrorCode::NONE;
}

ErrorCode Controller::set_topic_config(const std::string& name, const TopicConfig& config) {
  if (!active_) return ErrorCode::NOT_CONTROLLER;
  if (image().topic(name) == nullptr) return ErrorCode::UNKNOWN_TOPIC_OR_PARTITION;
  write({ConfigRecord{name, config}});
  return ErrorCode::NONE;
}

void Controller::handle(sim::NodeId from, const CreateTopicRequest& m) {
  const ErrorCode error = create_topic(m.topic, m.partitions, m.replication_factor, m.config, m.assignment);
  reply_after_commit(from, AdminResponse{m.correlation_id, error});
}

void Controller::handle(sim::NodeId from, const CreatePartitionsRequest& m) {
  reply_after_commit(from, AdminResponse{m.correlation_id, create_partitions(m.topic, m.total_count)});
}

void Controller::handle(sim::NodeId from, const ElectLeadersRequest& m) {
  reply_after_commit(from, AdminResponse{m.correlation_id, elect_preferred_leaders(m.partitions)});
}

void Controller::handle(sim::NodeId from, const MetadataRequest& m) {
  MetadataResponse response;
  response.correlation_id = m.correlation_id;
  for (const auto& [id, broker] : image().brokers()) {
    if (image().usable(id)) response.brokers.push_back({id, broker.rack});
  }
  if (active_) response.controller_id = replica_id();
  for (const auto& [name, topic] : image().topics()) {
    for (const PartitionState& p : topic.partitions) response.partitions.push_back(p);
  }
  send_message(from, std::move(response));
}

void Controller::elect_new(const TopicImage& topic, PartitionState& p) {
  // A new partition starts with leader epoch -1, so that its first leader has epoch 0.
  p.leader = kNoBroker;
  p.leader_epoch = -1;
  const PartitionChangeResult result = reelect(topic, p, false);
  if (result.leader_changed && p.leader != kNoBroker) emit(LeaderElected{p, ElectionKind::clean});
}

}  // namespace ksim::core
