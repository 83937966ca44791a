// Controller: the node that owns the cluster's metadata (KRaft's active controller).
//
// Brokers register and heartbeat (ClusterControlManager, BrokerHeartbeatManager): each run of a
// broker process is a new incarnation, refused with DUPLICATE_BROKER_REGISTRATION while the
// previous one still has a live session (its last heartbeat within broker.session.timeout.ms and
// it neither fenced nor in controlled shutdown); a registered broker stays fenced until its
// heartbeat shows it has the metadata up to its own registration; one that stays silent for the
// session timeout is fenced, which takes it out of every ISR and moves its leaderships. A new
// incarnation whose clean-shutdown mark does not name its last epoch shut down uncleanly: with
// eligible leader replicas on, it leaves the ISRs and the ELRs (it may have lost what it had not
// written back). A broker that asks to shut down (controlled shutdown) leaves the ISRs and its
// leaderships at once, and is told to go once the other brokers have seen that.
//
// Partitions (ReplicationControlManager): the controller places replicas of new topics, and
// every change to a partition's leader, ISR and ELR goes through change_partition
// (partition_change.hpp, Kafka's PartitionChangeBuilder). Leaders ask for ISR changes with
// AlterPartition. With auto.leader.rebalance.enable, a partition whose leader is not its preferred
// replica gets a preferred election leader.imbalance.check.interval.seconds later; a leaderless
// partition whose topic allows unclean elections gets one every
// unclean.leader.election.interval.ms. Every change is pushed to the brokers.
//
// Failover: this is a single controller node. Its metadata is durable (KRaft fsyncs its log
// before a change takes effect), so a crashed controller restarts with everything it had
// decided; while it is down nothing is decided: no fencing, no elections, no ISR changes. A
// KRaft quorum of several controllers is not modelled yet (docs/replication.md).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/controller/partition_change.hpp"
#include "core/protocol/configs.hpp"
#include "core/node/kafka_node.hpp"
#include "core/protocol/messages.hpp"
#include "sim/random.hpp"

namespace ksim::core {

struct BrokerRecord {
  BrokerId id = kNoBroker;
  sim::NodeId node;
  std::string rack;
  // Durable: the registration as the metadata log holds it.
  bool registered = false;
  bool fenced = true;
  bool in_controlled_shutdown = false;
  std::int64_t epoch = -1;
  std::uint64_t incarnation_id = 0;
  std::int64_t registration_offset = 0;  // the metadata offset of the registration record
  // Volatile (the heartbeat manager's): a restarted controller starts every session afresh.
  sim::Time last_heartbeat;
  std::int64_t metadata_offset = -1;               // as the broker's last heartbeat reported it
  std::int64_t controlled_shutdown_offset = -1;    // the metadata that moved its leaderships away
};

struct ControllerTopic {
  std::string name;
  TopicConfig config;
  std::vector<PartitionState> partitions;
};

class Controller final : public KafkaNode {
 public:
  Controller(KafkaEvents& events, std::string name, BrokerConfig config);

  // The cluster's wiring, as the brokers' and controller's configs would give it.
  void add_broker(BrokerId id, sim::NodeId node, std::string rack);
  sim::NodeId broker_node(BrokerId id) const { return brokers_.at(id).node; }

  const std::map<BrokerId, BrokerRecord>& brokers() const { return brokers_; }
  const std::map<std::string, ControllerTopic>& topics() const { return topics_; }
  const PartitionState* partition(const TopicPartition& tp) const;

  // Admin operations; the same ones the CreateTopics / CreatePartitions / ElectLeaders requests
  // reach. They take effect at once and return Kafka's error code.
  ErrorCode create_topic(const std::string& name, std::int32_t partitions,
                         std::int16_t replication_factor, const TopicConfig& config,
                         std::vector<std::vector<BrokerId>> assignment = {});
  ErrorCode create_partitions(const std::string& name, std::int32_t total_count);
  ErrorCode elect_preferred_leaders(const std::vector<TopicPartition>& partitions);
  ErrorCode set_topic_config(const std::string& name, const TopicConfig& config);

  using KafkaNode::handle;
  void handle(sim::NodeId from, const BrokerRegistrationRequest& m) override;
  void handle(sim::NodeId from, const BrokerHeartbeatRequest& m) override;
  void handle(sim::NodeId from, const AlterPartitionRequest& m) override;
  void handle(sim::NodeId from, const CreateTopicRequest& m) override;
  void handle(sim::NodeId from, const CreatePartitionsRequest& m) override;
  void handle(sim::NodeId from, const ElectLeadersRequest& m) override;
  void handle(sim::NodeId from, const MetadataRequest& m) override;

 protected:
  void on_start() override;
  void on_stop(sim::StopKind kind) override;

 private:
  PartitionState* find(const TopicPartition& tp);
  // Registered, unfenced and not shutting down: may lead, may join an ISR, gets new replicas.
  bool usable(BrokerId id) const;
  bool has_valid_session(const BrokerRecord& broker) const;
  PartitionChangeRules rules_for(const ControllerTopic& topic, const PartitionState& p) const;
  void check_sessions();
  void fence(BrokerRecord& broker, const char* reason);
  void unfence(BrokerRecord& broker);
  // Which partitions a broker's change looks at.
  enum class Scope : std::uint8_t { in_isr, in_isr_or_elr, leaderless };
  // Kafka's generateLeaderAndIsrUpdates: changes every partition in `scope` of `broker` as one
  // event. `leaving`: the broker leaves the ISRs and may not lead; `joining`: it may lead though
  // not yet unfenced; `unclean`: it leaves the ISRs and the ELRs and may not lead. Publishes the
  // changes.
  enum class BrokerChange : std::uint8_t { leaving, joining, unclean };
  void change_partitions_of(BrokerId broker, BrokerChange change, Scope scope, std::string_view reason);
  // Applies one change decided by change_partition: reports it and adds it to `changed`.
  void report_change(const PartitionState& p, const PartitionChangeResult& result, std::string_view reason,
                     std::vector<PartitionState>& changed);
  // Elects a leader for a new partition.
  void elect_new(ControllerTopic& topic, PartitionState& p);
  // An election with the ISR as it stands, among the usable brokers (preferred: ElectLeaders'
  // kind, which only moves a leader to the first replica).
  PartitionChangeResult reelect(const ControllerTopic& topic, PartitionState& p, bool preferred);
  // leader.imbalance.check.interval.seconds and unclean.leader.election.interval.ms: the
  // controller's two deferred elections, scheduled when there is something for them to do.
  void maybe_schedule_checks();
  void balance_leaders();
  void elect_unclean_leaders();
  // The lowest metadata offset the active brokers have reported (controlled shutdown waits for it).
  std::int64_t lowest_active_offset() const;
  bool leads_anything(BrokerId broker) const;
  void publish(const std::vector<PartitionState>& changed);
  void publish_all_to(const BrokerRecord& broker);
  MetadataUpdate update_of(std::vector<PartitionState> partitions) const;

  BrokerConfig config_;
  // Durable metadata: what KRaft's metadata log holds.
  std::map<BrokerId, BrokerRecord> brokers_;
  std::map<std::string, ControllerTopic> topics_;
  std::int64_t next_broker_epoch_ = 1;
  std::int64_t metadata_offset_ = 0;
  std::int64_t last_delta_offset_ = 0;  // the offset of the last change pushed to every broker
  // Volatile.
  sim::TimerId session_timer_;
  bool balance_scheduled_ = false;
  bool unclean_scheduled_ = false;
};

}  // namespace ksim::core
