// Controller: the node that owns the cluster's metadata (KRaft's active controller).
//
// It registers brokers and watches their heartbeats, fences a broker that stays silent for
// broker.session.timeout.ms, places replicas of new topics, elects partition leaders (from the
// ISR in replica order; from any live replica only when unclean.leader.election.enable is set),
// applies the ISR changes leaders ask for (AlterPartition), bumps the leader epoch on every
// election and the partition epoch on every change, and pushes every change to the brokers.
//
// Failover: this is a single controller node. Its metadata is durable (KRaft fsyncs its log
// before a change takes effect), so a crashed controller restarts with everything it had
// decided; while it is down nothing is decided: no fencing, no elections, no ISR changes. A
// KRaft quorum of several controllers is not modelled yet (docs/replication.md).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/protocol/configs.hpp"
#include "core/node/kafka_node.hpp"
#include "core/protocol/messages.hpp"
#include "sim/random.hpp"

namespace ksim::core {

struct BrokerRecord {
  BrokerId id = kNoBroker;
  sim::NodeId node;
  std::string rack;
  bool registered = false;
  bool fenced = true;
  std::int64_t epoch = -1;
  sim::Time last_heartbeat;  // volatile: a restarted controller starts every session afresh
};

struct TopicRecord {
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
  const std::map<std::string, TopicRecord>& topics() const { return topics_; }
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
  enum class Election { clean, unclean, preferred };

  PartitionState* find(const TopicPartition& tp);
  const TopicConfig& config_of(const std::string& topic) const { return topics_.at(topic).config; }
  bool usable(BrokerId id) const;
  void check_sessions();
  // The periodic leader check: unclean elections the topics' configs now allow.
  void check_leaders();
  void fence(BrokerRecord& broker, const char* reason);
  void unfence(BrokerRecord& broker);
  // Picks a leader for a partition whose leader is gone or fenced. Returns whether it changed.
  bool elect(PartitionState& p, bool allow_unclean);
  void record_change(const PartitionState& p, std::vector<PartitionState>& changed);
  void publish(const std::vector<PartitionState>& changed);
  void publish_all_to(const BrokerRecord& broker);
  MetadataUpdate update_of(std::vector<PartitionState> partitions) const;

  BrokerConfig config_;
  // Durable metadata: what KRaft's metadata log holds.
  std::map<BrokerId, BrokerRecord> brokers_;
  std::map<std::string, TopicRecord> topics_;
  std::int64_t next_broker_epoch_ = 1;
  std::int64_t metadata_offset_ = 0;
  std::int64_t last_delta_offset_ = 0;  // the offset of the last change pushed to every broker
  // Volatile.
  sim::TimerId session_timer_;
};

}  // namespace ksim::core
