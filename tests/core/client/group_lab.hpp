// A test cluster for consumer groups: three brokers, "orders" with six partitions,
// __consumer_offsets with three, and members each driven by a poll loop (ConsumerWorkload).
// Shared by the classic-protocol tests (consumer_group_test.cpp) and the consumer-protocol ones
// (consumer_protocol_test.cpp).
#pragma once

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <set>
#include "core/client/consumer.hpp"
#include "core/client/consumer_workload.hpp"
#include "core/client/producer.hpp"
#include "core/cluster/cluster.hpp"
#include "core/cluster/group_admin.hpp"
#include "core/group/coordinator_partition.hpp"

using namespace ksim::core;
using namespace ksim::sim;

namespace group_lab {

struct GroupLab {
  explicit GroupLab(BrokerConfig broker = lab_broker(), TopicConfig topic = {}) : cluster(spec(broker)) {
    REQUIRE(cluster.start());
    REQUIRE(cluster.controller().create_topic("orders", 6, 3, topic, {}) == ErrorCode::NONE);
    for (const char* extra : {"orders.DLT", "orders.retry-1", "orders.retry-2"}) {
      REQUIRE(cluster.controller().create_topic(extra, 1, 3, TopicConfig{}, {}) == ErrorCode::NONE);
    }
    cluster.sim().run_for(seconds(1));
    for (BrokerId b = 1; b <= 3; ++b) bootstrap.push_back(cluster.broker(b).id());
    ProducerConfig producer_config;
    producer_config.linger = Duration{};
    producer = &cluster.add_node<Producer>("producer:app", producer_config, bootstrap);
    cluster.sim().start(producer->id());
    run(milliseconds(100));
  }
  static BrokerConfig lab_broker() {
    BrokerConfig b;
    b.offsets_topic_partitions = 3;
    b.group_initial_rebalance_delay = milliseconds(100);
    return b;
  }
  static ClusterSpec spec(BrokerConfig broker) {
    ClusterSpec s;
    s.broker = broker;
    return s;
  }
  static ConsumerConfig member_config(std::string group = "billing") {
    ConsumerConfig c;
    c.group_id = std::move(group);
    c.auto_offset_reset = OffsetReset::earliest;
    c.max_poll_records = 10;
    c.session_timeout = seconds(10);
    c.heartbeat_interval = seconds(1);
    return c;
  }
  struct Member {
    Consumer* consumer = nullptr;
    std::unique_ptr<ConsumerWorkload> app;
  };
  Member& add(const std::string& name, ConsumerConfig config = member_config(), ProcessingSpec processing = {},
              std::vector<std::string> topics = {"orders"}) {
    Member& m = members[name];
    m.consumer = &cluster.add_node<Consumer>("consumer:" + name, config, bootstrap);
    cluster.sim().start(m.consumer->id());
    m.consumer->subscribe(std::move(topics));
    m.app = std::make_unique<ConsumerWorkload>(*m.consumer, processing, cluster.sim().random().stream("app/" + name),
                                               producer);
    return m;
  }
  Consumer& consumer(const std::string& name) { return *members.at(name).consumer; }
  ConsumerWorkload& app(const std::string& name) { return *members.at(name).app; }
  void crash(const std::string& name) { cluster.sim().stop(consumer(name).id(), StopKind::process_crash); }
  void run(Duration d) { cluster.sim().run_for(d); }
  void produce(std::uint64_t first, std::uint64_t count) {
    for (std::uint64_t id = first; id < first + count; ++id) {
      producer->send(ProducerRecord{"orders", id, static_cast<std::int64_t>(id % 17), 8, 100, std::nullopt});
    }
  }
  // Every processed record id, counted over all members.
  std::map<std::uint64_t, int> processed_counts() const {
    std::map<std::uint64_t, int> counts;
    for (const auto& [name, m] : members) {
      for (const ProcessedRecord& r : m.app->processed()) ++counts[r.id];
    }
    return counts;
  }
  const Broker& coordinator_of(const std::string& group) {
    const auto view = cluster.view();
    const std::int32_t p = coordinator_partition(group, 3);
    for (const PartitionView& pv : view.partitions) {
      if (pv.tp == TopicPartition{kOffsetsTopic, p}) return cluster.broker(pv.leader);
    }
    FAIL("no leader for the group's offsets partition");
    return cluster.broker(1);
  }

  Cluster cluster;
  std::vector<NodeId> bootstrap;
  Producer* producer = nullptr;
  std::map<std::string, Member> members;
};

inline std::set<TopicPartition> union_of(const std::vector<const Consumer*>& consumers) {
  std::set<TopicPartition> all;
  for (const Consumer* c : consumers) all.insert(c->owned().begin(), c->owned().end());
  return all;
}

}  // namespace group_lab

using group_lab::GroupLab;
using group_lab::union_of;
