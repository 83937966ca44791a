// The fixture of the broker tests: a 3-broker cluster with one topic "orders" (one partition,
// replicas as given), the scripted client, and the invariant checker listening to the trace.
#pragma once

#include <catch2/catch.hpp>
#include <vector>

#include "core/check/invariant_checker.hpp"
#include "test_client.hpp"

namespace ksim::core::testing {

inline const TopicPartition kOrders{"orders", 0};

inline TopicConfig topic_config(std::int32_t min_isr = 1, bool unclean = false) {
  TopicConfig config;
  config.min_insync_replicas = min_isr;
  config.unclean_leader_election = unclean;
  return config;
}

struct ReplicationLab {
  explicit ReplicationLab(TopicConfig topic = {}, std::vector<BrokerId> replicas = {1, 2, 3},
                          BrokerConfig broker = {}, std::uint64_t seed = 1)
      : cluster(spec(broker, seed)), checker(cluster) {
    cluster.events().attach(checker);
    client = &cluster.add_node<TestClient>(cluster);
    REQUIRE(cluster.start());
    cluster.sim().start(client->id());
    REQUIRE(cluster.controller().create_topic("orders", 1, static_cast<std::int16_t>(replicas.size()),
                                              topic, {replicas}) == ErrorCode::NONE);
    run(sim::seconds(1));
  }
  static ClusterSpec spec(BrokerConfig broker, std::uint64_t seed) {
    ClusterSpec s;
    s.broker = broker;
    s.seed = seed;
    return s;
  }
  void run(sim::Duration d) { cluster.sim().run_for(d); }
  sim::Time now() { return cluster.sim().now(); }
  const PartitionState& state() { return *cluster.controller().partition(kOrders); }
  const Partition& replica(BrokerId b) { return *cluster.broker(b).partition(kOrders); }
  sim::NodeId node(BrokerId b) { return cluster.broker(b).id(); }
  void stop(BrokerId b, sim::StopKind kind) { cluster.sim().stop(node(b), kind); }
  void start(BrokerId b) { cluster.sim().start(node(b)); }
  void apply(sim::FaultAction a) { cluster.sim().apply(a); }

  Cluster cluster;
  InvariantChecker checker;
  TestClient* client = nullptr;
};

}  // namespace ksim::core::testing
