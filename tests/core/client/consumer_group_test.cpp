#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <set>

#include "core/client/consumer.hpp"
#include "core/client/consumer_workload.hpp"
#include "core/client/producer.hpp"
#include "core/cluster/cluster.hpp"
#include "core/group/coordinator_partition.hpp"

using namespace ksim::core;
using namespace ksim::sim;

namespace {

// Three brokers, "orders" with six partitions, __consumer_offsets with three, and a group of
// consumers each driven by a poll loop (ConsumerWorkload).
struct GroupLab {
  explicit GroupLab(BrokerConfig broker = lab_broker()) : cluster(spec(broker)) {
    REQUIRE(cluster.start());
    REQUIRE(cluster.controller().create_topic("orders", 6, 3, TopicConfig{}, {}) == ErrorCode::NONE);
    cluster.sim().run_for(seconds(1));
    for (BrokerId b = 1; b <= 3; ++b) bootstrap.push_back(cluster.broker(b).id());
    ProducerConfig producer_config;
    producer_config.linger = Duration{};
    producer = &cluster.sim().add_node<Producer>("producer:app", producer_config, bootstrap);
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
  Member& add(const std::string& name, ConsumerConfig config = member_config(), ProcessingSpec processing = {}) {
    Member& m = members[name];
    m.consumer = &cluster.sim().add_node<Consumer>("consumer:" + name, config, bootstrap);
    cluster.sim().start(m.consumer->id());
    m.consumer->subscribe({"orders"});
    m.app = std::make_unique<ConsumerWorkload>(*m.consumer, processing, cluster.sim().random().stream("app/" + name));
    return m;
  }
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

std::set<TopicPartition> union_of(const std::vector<const Consumer*>& consumers) {
  std::set<TopicPartition> all;
  for (const Consumer* c : consumers) all.insert(c->owned().begin(), c->owned().end());
  return all;
}

}  // namespace

TEST_CASE("group: consumers join and the partitions spread evenly", "[core][group][consumer]") {
  GroupLab lab;
  lab.add("a");
  lab.add("b");
  lab.add("c");
  lab.run(seconds(5));
  std::vector<const Consumer*> all;
  for (const auto& [name, m] : lab.members) {
    CHECK(m.consumer->in_group());
    CHECK(m.consumer->owned().size() == 2);
    all.push_back(m.consumer);
  }
  CHECK(union_of(all).size() == 6);
  const auto description = lab.coordinator_of("billing").group_coordinator().describe("billing");
  REQUIRE(description);
  CHECK(description->state == GroupState::stable);
  CHECK(description->members.size() == 3);
  CHECK(description->protocol == "range");
  // Records produced now are each processed exactly once.
  lab.produce(1, 300);
  lab.run(seconds(5));
  const auto counts = lab.processed_counts();
  CHECK(counts.size() == 300);
  for (const auto& [id, n] : counts) CHECK(n == 1);
}
