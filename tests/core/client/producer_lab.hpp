// The fixture of the producer tests: a 3-broker cluster with a topic "orders" replicated on all
// three, and one producer bootstrapped to every broker.
#pragma once

#include <catch2/catch.hpp>
#include <algorithm>
#include <vector>

#include "core/client/producer.hpp"
#include "core/cluster/cluster.hpp"

namespace ksim::core::testing {

using namespace ksim::sim;

struct ProducerLab {
  // `spread_leaders`: partition p is led by broker p % 3 + 1 (else broker 1 leads every one).
  ProducerLab(ProducerConfig config, std::int32_t partitions = 1, TopicConfig topic = {}, BrokerConfig broker = {},
              bool spread_leaders = false)
      : cluster(spec(broker)) {
    REQUIRE(cluster.start());
    std::vector<std::vector<BrokerId>> assignment;
    for (std::int32_t p = 0; p < partitions; ++p) {
      const std::int32_t first = spread_leaders ? p % 3 : 0;
      assignment.push_back({BrokerId{first + 1}, BrokerId{(first + 1) % 3 + 1}, BrokerId{(first + 2) % 3 + 1}});
    }
    REQUIRE(cluster.controller().create_topic("orders", partitions, 3, topic, assignment) == ErrorCode::NONE);
    cluster.sim().run_for(seconds(1));
    std::vector<NodeId> bootstrap;
    for (BrokerId b = 1; b <= 3; ++b) bootstrap.push_back(cluster.broker(b).id());
    producer = &cluster.add_node<Producer>("producer:app", config, bootstrap);
    cluster.sim().start(producer->id());
    run(milliseconds(100));
  }
  static ClusterSpec spec(BrokerConfig broker) {
    ClusterSpec s;
    s.broker = broker;
    return s;
  }
  void run(Duration d) { cluster.sim().run_for(d); }
  Time now() { return cluster.sim().now(); }
  void send(std::uint64_t id, std::int64_t key = -1) {
    producer->send(ProducerRecord{"orders", id, key, 8, 100, std::nullopt});
  }
  // The record ids in partition p's log on its leader, in offset order.
  std::vector<std::uint64_t> log_ids(std::int32_t p = 0) {
    const TopicPartition tp{"orders", p};
    const BrokerId leader = cluster.controller().partition(tp)->leader;
    std::vector<std::uint64_t> ids;
    for (const Segment& s : cluster.broker(leader).partition(tp)->log().segments()) {
      for (const RecordBatch& b : s.batches) {
        for (const Record& r : b.records->records) ids.push_back(r.id);
      }
    }
    return ids;
  }
  void cut_producer_from(BrokerId b, bool both_ways = false) {
    cluster.sim().apply(FaultAction::between(now(), both_ways ? FaultKind::partition : FaultKind::partition_one_way,
                                             {producer->id()}, {cluster.broker(b).id()}));
  }
  void cut_responses_from(BrokerId b) {
    cluster.sim().apply(FaultAction::between(now(), FaultKind::partition_one_way, {cluster.broker(b).id()},
                                             {producer->id()}));
  }
  void heal() { cluster.sim().apply(FaultAction::between(now(), FaultKind::heal, {})); }

  Cluster cluster;
  Producer* producer = nullptr;
};

inline ProducerConfig plain() {
  ProducerConfig c;
  c.enable_idempotence = false;
  c.linger = Duration{};
  c.request_timeout = seconds(1);
  return c;
}

inline ProducerConfig idempotent() {
  ProducerConfig c;
  c.linger = Duration{};
  c.request_timeout = seconds(1);
  return c;
}

inline std::size_t count_of(const std::vector<std::uint64_t>& ids, std::uint64_t id) {
  return static_cast<std::size_t>(std::count(ids.begin(), ids.end(), id));
}


}  // namespace ksim::core::testing
