// Broker and topic configs with Kafka 4.x defaults (see ../shared/kafka-defaults.md), named as
// Kafka names them in the comments.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/log/log_config.hpp"
#include "sim/time.hpp"

namespace ksim::core {

struct TopicConfig {
  LogConfig log;
  std::int32_t min_insync_replicas = 1;       // min.insync.replicas
  bool unclean_leader_election = false;       // unclean.leader.election.enable
  bool operator==(const TopicConfig&) const = default;
};

struct BrokerConfig {
  sim::Duration replica_lag_time_max = sim::milliseconds(30000);   // replica.lag.time.max.ms
  sim::Duration replica_fetch_wait_max = sim::milliseconds(500);   // replica.fetch.wait.max.ms
  std::int32_t replica_fetch_max_bytes = 1'048'576;                // replica.fetch.max.bytes
  std::int32_t replica_fetch_min_bytes = 1;                        // replica.fetch.min.bytes
  sim::Duration replica_fetch_backoff = sim::milliseconds(1000);   // replica.fetch.backoff.ms
  sim::Duration replica_socket_timeout = sim::milliseconds(30000); // replica.socket.timeout.ms
  sim::Duration heartbeat_interval = sim::milliseconds(2000);      // broker.heartbeat.interval.ms
  sim::Duration session_timeout = sim::milliseconds(9000);         // broker.session.timeout.ms
  // replica.high.watermark.checkpoint.interval.ms: how often the HW reaches the disk.
  sim::Duration hw_checkpoint_interval = sim::milliseconds(5000);
  sim::Duration retention_check_interval = sim::milliseconds(300000);  // log.retention.check.interval.ms
  sim::Duration flush_check_interval = sim::milliseconds(1000);   // how often flush.ms is checked
  // The brokers' machines, not Kafka: Linux writes a dirty page back at the first writeback pass
  // (every vm.dirty_writeback_centisecs) after it has been dirty for vm.dirty_expire_centisecs.
  // What a power loss loses is what is younger than that.
  sim::Duration dirty_expire = sim::seconds(30);    // vm.dirty_expire_centisecs (3000)
  sim::Duration dirty_writeback = sim::seconds(5);  // vm.dirty_writeback_centisecs (500); 0: off
  // leader.imbalance.check.interval.seconds: how long after a partition's leader stops being its
  // preferred replica the controller tries a preferred election (with auto.leader.rebalance.enable).
  sim::Duration leader_imbalance_check_interval = sim::seconds(300);
  // auto.leader.rebalance.enable: when a partition's leader is not its preferred replica, the
  // controller schedules a preferred election leader.imbalance.check.interval.seconds later.
  bool auto_leader_rebalance = true;
  // leader.imbalance.per.broker.percentage: accepted as Kafka accepts it; the KRaft controller
  // does not read it (only the ZooKeeper controller did), so it changes nothing here either.
  std::int32_t leader_imbalance_per_broker_percentage = 10;
  // unclean.leader.election.interval.ms: how often the controller looks for leaderless partitions
  // whose topic now allows an unclean election (Kafka 3.9+, KAFKA-12670).
  sim::Duration unclean_leader_election_interval = sim::minutes(5);
  // eligible.leader.replicas.version (a feature level, KIP-966): 1, the default of clusters made
  // on Kafka 4.1 and later, keeps eligible leader replicas; 0 is Kafka 4.0's behaviour.
  bool eligible_leader_replicas = true;
  sim::Duration controller_request_timeout = sim::milliseconds(5000);  // AlterPartition retries
  // metadata.max.idle.interval.ms: the active controller writes a NoOpRecord this often.
  sim::Duration metadata_max_idle_interval = sim::milliseconds(500);
  // Not a Kafka config: a teaching switch that makes followers truncate to their high watermark
  // (Kafka before 0.11, KIP-101's problem) instead of asking the leader by leader epoch.
  bool legacy_hw_truncation = false;

  // The group coordinator.
  std::int32_t offsets_topic_partitions = 50;                         // offsets.topic.num.partitions
  std::int16_t offsets_topic_replication_factor = 3;                  // offsets.topic.replication.factor
  sim::Duration group_initial_rebalance_delay = sim::milliseconds(3000);  // group.initial.rebalance.delay.ms
  sim::Duration group_min_session_timeout = sim::milliseconds(6000);      // group.min.session.timeout.ms
  sim::Duration group_max_session_timeout = sim::milliseconds(1800000);   // group.max.session.timeout.ms
  // The consumer group protocol (KIP-848).
  sim::Duration consumer_group_heartbeat_interval = sim::milliseconds(5000);  // group.consumer.heartbeat.interval.ms
  sim::Duration consumer_group_session_timeout = sim::milliseconds(45000);    // group.consumer.session.timeout.ms
  std::vector<std::string> consumer_group_assignors{"uniform", "range"};     // group.consumer.assignors (first: default)
  sim::Duration consumer_group_assignment_interval = sim::milliseconds(1000);  // group.consumer.assignment.interval.ms (4.3, KIP-1263)
  sim::Duration offsets_retention = sim::seconds(10080 * 60);             // offsets.retention.minutes
  sim::Duration offsets_retention_check_interval = sim::milliseconds(600000);  // offsets.retention.check.interval.ms
};

}  // namespace ksim::core
