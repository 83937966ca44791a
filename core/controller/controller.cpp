#include "core/controller/controller.hpp"

#include <algorithm>

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
  return it != brokers_.end() && it->second.registered && !it->second.fenced;
}

void Controller::on_start() {
  // A controller that takes over gives every registered broker a full session to check in.
  for (auto& [id, broker] : brokers_) broker.last_heartbeat = now();
  for (const auto& [id, broker] : brokers_) {
    if (broker.registered) publish_all_to(broker);
  }
  check_sessions();
  after(config_.leader_imbalance_check_interval, [this] { check_leaders(); });
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

void Controller::check_leaders() {
  // Preferred-leader rebalancing (auto.leader.rebalance.enable) is not modelled; only the unclean
  // elections a config change made possible.
  std::vector<PartitionState> changed;
  for (auto& [name, topic] : topics_) {
    if (!topic.config.unclean_leader_election) continue;
    for (PartitionState& p : topic.partitions) {
      if (p.leader == kNoBroker && elect(p, true)) record_change(p, changed);
    }
  }
  if (!changed.empty()) publish(changed);
  after(config_.leader_imbalance_check_interval, [this] { check_leaders(); });
}

void Controller::handle(sim::NodeId from, const BrokerRegistrationRequest& m) {
  auto it = brokers_.find(m.broker_id);
  if (it == brokers_.end()) return;  // not a broker of this cluster: ignored, as a bad config would be
  BrokerRecord& broker = it->second;
  // A registering broker is fenced until its first heartbeat: it leads nothing and cannot be
  // elected. A broker that restarts before its session expired keeps its ISR places, as in
  // ZooKeeper-era Kafka and KRaft before KIP-966 (whose unclean-shutdown handling would remove
  // it): this is what lets KIP-101's scenarios happen.
  if (broker.registered && !broker.fenced) {
    broker.fenced = true;
    emit(BrokerFenced{broker.id, "re-registration"});
    std::vector<PartitionState> changed;
    for (auto& [name, topic] : topics_) {
      for (PartitionState& p : topic.partitions) {
        if (p.leader == broker.id && elect(p, topic.config.unclean_leader_election)) {
          record_change(p, changed);
        }
      }
    }
    publish(changed);
  }
  broker.registered = true;
  broker.fenced = true;
  broker.epoch = next_broker_epoch_++;
  broker.last_heartbeat = now();
  broker.rack = m.rack;
  emit(BrokerRegistered{broker.id, broker.epoch});
  send_message(from, BrokerRegistrationResponse{ErrorCode::NONE, broker.epoch});
  publish_all_to(broker);
}

void Controller::handle(sim::NodeId from, const BrokerHeartbeatRequest& m) {
  auto it = brokers_.find(m.broker_id);
  if (it == brokers_.end() || !it->second.registered || it->second.epoch != m.broker_epoch) {
    send_message(from, BrokerHeartbeatResponse{ErrorCode::STALE_BROKER_EPOCH, true});
    return;
  }
  BrokerRecord& broker = it->second;
  broker.last_heartbeat = now();
  if (broker.fenced) unfence(broker);
  send_message(from, BrokerHeartbeatResponse{ErrorCode::NONE, broker.fenced});
  // Updates were pushed while the broker could not hear them (a network cut): send it the whole
  // picture, as a KRaft broker would catch up by fetching the metadata log.
  if (m.metadata_offset < last_delta_offset_) publish_all_to(broker);
}

void Controller::fence(BrokerRecord& broker, const char* reason) {
  broker.fenced = true;
  emit(BrokerFenced{broker.id, reason});
  std::vector<PartitionState> changed;
  for (auto& [name, topic] : topics_) {
    for (PartitionState& p : topic.partitions) {
      const bool led = p.leader == broker.id;
      bool touched = false;
      // A fenced broker leaves every ISR, except as the last member: an ISR is never empty, so
      // that the partition remembers who holds all of its committed data.
      if (contains(p.isr, broker.id) && p.isr.size() > 1) {
        p.isr.erase(std::remove(p.isr.begin(), p.isr.end(), broker.id), p.isr.end());
        touched = true;
      }
      if (led) touched = elect(p, topic.config.unclean_leader_election) || touched;
      if (touched) {
        if (!led) ++p.partition_epoch;
        record_change(p, changed);
      }
    }
  }
  publish(changed);
}

void Controller::unfence(BrokerRecord& broker) {
  broker.fenced = false;
  emit(BrokerUnfenced{broker.id});
  // Partitions without a leader may now get one.
  std::vector<PartitionState> changed;
  for (auto& [name, topic] : topics_) {
    for (PartitionState& p : topic.partitions) {
      if (p.leader == kNoBroker && contains(p.replicas, broker.id) &&
          elect(p, topic.config.unclean_leader_election)) {
        record_change(p, changed);
      }
    }
  }
  publish(changed);
}

bool Controller::elect(PartitionState& p, bool allow_unclean) {
  const BrokerId old_leader = p.leader;
  BrokerId chosen = kNoBroker;
  for (const BrokerId r : p.replicas) {
    if (contains(p.isr, r) && usable(r)) {
      chosen = r;
      break;
    }
  }
  bool unclean = false;
  if (chosen == kNoBroker && allow_unclean) {
    for (const BrokerId r : p.replicas) {
      if (usable(r)) {
        chosen = r;
        unclean = true;
        break;
      }
    }
  }
  if (chosen == kNoBroker) {
    if (old_leader == kNoBroker) return false;
    p.leader = kNoBroker;
    ++p.leader_epoch;
    ++p.partition_epoch;
    emit(PartitionWentOffline{p});
    return true;
  }
  p.leader = chosen;
  if (unclean) p.isr = {chosen};
  ++p.leader_epoch;
  ++p.partition_epoch;
  emit(LeaderElected{p, unclean ? ElectionKind::unclean : ElectionKind::clean});
  return true;
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
    response.error = ErrorCode::INELIGIBLE_REPLICA;  // a fenced broker may not join the ISR
  } else {
    p->isr = m.new_isr;
    ++p->partition_epoch;
    emit(IsrChanged{*p});
    std::vector<PartitionState> changed{*p};
    publish(changed);
  }
  if (p != nullptr) response.state = *p;
  send_message(from, std::move(response));
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
  TopicRecord topic{name, config, {}};
  std::vector<PartitionState> changed;
  for (std::int32_t i = 0; i < partitions; ++i) {
    PartitionState p;
    p.tp = TopicPartition{name, i};
    p.replicas = assignment[static_cast<std::size_t>(i)];
    for (const BrokerId r : p.replicas) {
      if (usable(r)) p.isr.push_back(r);
    }
    if (p.isr.empty()) p.isr = {p.replicas.front()};
    p.leader = kNoBroker;
    p.leader_epoch = -1;
    elect(p, false);
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
  TopicRecord& topic = it->second;
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
    p.leader_epoch = -1;
    elect(p, false);
    topic.partitions.push_back(p);
    changed.push_back(p);
  }
  publish(changed);
  return ErrorCode::NONE;
}

ErrorCode Controller::elect_preferred_leaders(const std::vector<TopicPartition>& partitions) {
  std::vector<PartitionState> changed;
  const auto consider = [&](PartitionState& p) {
    const BrokerId preferred = p.replicas.front();
    if (p.leader == preferred || !contains(p.isr, preferred) || !usable(preferred)) return;
    p.leader = preferred;
    ++p.leader_epoch;
    ++p.partition_epoch;
    emit(LeaderElected{p, ElectionKind::preferred});
    record_change(p, changed);
  };
  if (partitions.empty()) {
    for (auto& [name, topic] : topics_) {
      for (PartitionState& p : topic.partitions) consider(p);
    }
  } else {
    for (const TopicPartition& tp : partitions) {
      if (PartitionState* p = find(tp)) consider(*p);
    }
  }
  publish(changed);
  return changed.empty() && !partitions.empty() ? ErrorCode::ELECTION_NOT_NEEDED : ErrorCode::NONE;
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

void Controller::record_change(const PartitionState& p, std::vector<PartitionState>& changed) {
  changed.push_back(p);
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
