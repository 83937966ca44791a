// Cluster: builds a simulated Kafka cluster (a quorum of controllers and N brokers on one
// network) and gives read-only views of it, for tests, the scenario runner, the checkers and the
// GUI. Controllers are "controller:1".. with node.ids 1001..; brokers "broker:1".. with node.ids
// 1...
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/broker/broker.hpp"
#include "core/controller/controller.hpp"
#include "sim/simulation.hpp"

namespace ksim::core {

struct ClusterSpec {
  std::uint64_t seed = 1;
  std::int32_t brokers = 3;
  std::int32_t controllers = 3;  // the voters of the metadata quorum: 1, 3 or 5
  QuorumConfig quorum;           // its settings; the voters are filled in by the cluster
  std::vector<std::string> racks;  // empty, or one per broker
  BrokerConfig broker;
  sim::LinkParams network{sim::microseconds(500)};
};

// A snapshot of one replica of a partition.
struct ReplicaView {
  BrokerId broker = kNoBroker;
  bool in_isr = false;
  bool is_leader = false;       // as the controller decided
  bool acts_as_leader = false;  // as the broker itself believes (a zombie when the two differ)
  Offset log_start_offset = 0;
  Offset log_end_offset = 0;
  Offset high_watermark = 0;
  Offset flushed_offset = 0;  // what is on disk: flushed, or written back by the operating system
};

struct PartitionView {
  TopicPartition tp;
  std::vector<BrokerId> replicas;
  std::vector<BrokerId> isr;
  std::vector<BrokerId> elr;             // eligible leader replicas (KIP-966)
  std::vector<BrokerId> last_known_elr;  // the last leader, once the ISR and the ELR are empty
  BrokerId leader = kNoBroker;  // as the controller decided
  LeaderEpoch leader_epoch = 0;
  std::int32_t partition_epoch = 0;
  std::int32_t min_insync_replicas = 1;
  std::vector<ReplicaView> replica_logs;  // in replica order

  bool offline() const { return leader == kNoBroker; }
  bool under_replicated() const { return isr.size() < replicas.size(); }
  bool under_min_isr() const { return static_cast<std::int32_t>(isr.size()) < min_insync_replicas; }
};

struct BrokerView {
  BrokerId id = kNoBroker;
  bool running = false;
  bool paused = false;
  bool fenced = true;
  std::string rack;
};

// One controller of the metadata quorum, as its Raft replica stands.
struct ControllerView {
  std::string name;  // its node's name, "controller:1"
  ReplicaId id = kNoBroker;  // its node.id, 1001..
  bool running = false;
  bool active = false;
  std::string role;  // the Raft state ("Leader", "Follower", ...); empty while down
  LeaderEpoch epoch = 0;
  Offset log_end = 0;
  Offset high_watermark = -1;  // -1 while it knows none
};

struct ClusterView {
  bool controller_running = false;  // some controller is active
  std::string active_controller;    // its node's name ("controller:2"), empty while none is
  std::vector<ControllerView> controllers;
  std::vector<BrokerView> brokers;
  std::vector<PartitionView> partitions;
};

class Cluster {
 public:
  explicit Cluster(const ClusterSpec& spec);

  sim::Simulation& sim() { return *sim_; }
  // The run's Kafka events: attach a KafkaObserver here to follow the run.
  KafkaEvents& events() { return *events_; }
  // Adds a Kafka node (a producer, a consumer, a test client) that reports to this cluster's
  // events: cluster.add_node<Producer>("producer:app", config, bootstrap).
  template <typename NodeType, typename... Args>
  NodeType& add_node(Args&&... args) {
    return sim_->add_node<NodeType>(*events_, std::forward<Args>(args)...);
  }
  // The active controller; while there is none (no quorum leader yet, or it lost its quorum), the
  // controller whose committed metadata reaches furthest.
  Controller& controller();
  const Controller& controller() const;
  // Controller `index` (1-based), and all of them.
  Controller& controller(std::int32_t index) { return *controllers_.at(static_cast<std::size_t>(index - 1)); }
  const std::vector<Controller*>& controllers() const { return controllers_; }
  // Whether some controller is active now.
  const Controller* active_controller() const;
  static constexpr std::int32_t kFirstControllerId = 1001;
  Broker& broker(BrokerId id) { return *brokers_.at(static_cast<std::size_t>(id.value() - 1)); }
  const Broker& broker(BrokerId id) const { return *brokers_.at(static_cast<std::size_t>(id.value() - 1)); }
  const sim::Simulation& sim() const { return *sim_; }
  // The broker id of a node, or kNoBroker when the node is not a broker.
  BrokerId broker_of(sim::NodeId node) const;
  std::int32_t broker_count() const { return static_cast<std::int32_t>(brokers_.size()); }

  // Starts the controllers and every broker, then runs until a controller is active and all
  // brokers are registered and unfenced (or `within` passes). Returns whether they all made it.
  bool start(sim::Duration within = sim::seconds(10));

  ClusterView view() const;

 private:
  std::unique_ptr<sim::Simulation> sim_;
  std::unique_ptr<KafkaEvents> events_;  // refers to sim_: declared after it
  std::vector<Controller*> controllers_;
  std::vector<Broker*> brokers_;
};

}  // namespace ksim::core
