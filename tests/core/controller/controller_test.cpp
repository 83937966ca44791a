// The controller: partitions added, preferred leaders, replica placement, broker sessions, and a
// controller that is down.
#include <catch2/catch.hpp>

#include "../broker/replication_lab.hpp"
#include "core/controller/replica_placement.hpp"

using namespace ksim::core;
using namespace ksim::sim;
using ksim::core::testing::TestClient;

using Lab = ksim::core::testing::ReplicationLab;
using ksim::core::testing::kOrders;
using ksim::core::testing::topic_config;

TEST_CASE("controller: more partitions, and the preferred leader back in charge", "[core][controller]") {
  Lab lab;
  REQUIRE(lab.cluster.controller().create_partitions("orders", 3) == ErrorCode::NONE);
  CHECK(lab.cluster.controller().create_partitions("orders", 2) == ErrorCode::INVALID_PARTITIONS);
  lab.run(seconds(1));
  CHECK(lab.cluster.controller().image().topics().at("orders").partitions.size() == 3);
  CHECK(lab.cluster.broker(lab.cluster.controller().partition({"orders", 2})->leader).partition({"orders", 2}) != nullptr);

  lab.cluster.sim().stop(lab.cluster.broker(1).id(), StopKind::process_crash);
  lab.run(seconds(12));
  CHECK(lab.cluster.controller().partition(kOrders)->leader == 2);
  lab.cluster.sim().start(lab.cluster.broker(1).id());
  lab.run(seconds(5));  // broker 1 catches up and rejoins the ISR, but does not lead
  CHECK(lab.cluster.controller().partition(kOrders)->isr.size() == 3);
  CHECK(lab.cluster.controller().partition(kOrders)->leader == 2);
  CHECK(lab.cluster.controller().elect_preferred_leaders({kOrders}) == ErrorCode::NONE);
  CHECK(lab.cluster.controller().partition(kOrders)->leader == 1);
  CHECK(lab.cluster.controller().elect_preferred_leaders({kOrders}) == ErrorCode::ELECTION_NOT_NEEDED);
  CHECK(lab.cluster.controller().create_topic("orders", 1, 1, {}) == ErrorCode::TOPIC_ALREADY_EXISTS);
  CHECK(lab.cluster.controller().create_topic("wide", 1, 4, {}) == ErrorCode::INVALID_REPLICATION_FACTOR);
}

TEST_CASE("placement: replicas spread as Kafka's rack-unaware assignment does", "[core][controller]") {
  const std::vector<BrokerPlacementInfo> brokers{{1, ""}, {2, ""}, {3, ""}, {4, ""}, {5, ""}};
  // Start index 0, shift 0: leaders walk the brokers; followers sit one further on, and the
  // shift grows after a full round.
  const auto placed = place_replicas(brokers, 0, 10, 3, 0, 0);
  CHECK(placed[0] == std::vector<BrokerId>{1, 2, 3});
  CHECK(placed[1] == std::vector<BrokerId>{2, 3, 4});
  CHECK(placed[4] == std::vector<BrokerId>{5, 1, 2});
  CHECK(placed[5] == std::vector<BrokerId>{1, 3, 4});  // second round: shift 1
  CHECK(placed[9] == std::vector<BrokerId>{5, 2, 3});
}

TEST_CASE("placement: with racks, each partition's replicas span the racks", "[core][controller]") {
  const std::vector<BrokerPlacementInfo> brokers{{1, "a"}, {2, "a"}, {3, "b"}, {4, "b"}, {5, "c"}, {6, "c"}};
  const auto placed = place_replicas(brokers, 0, 12, 3, 2, 1);
  for (const auto& replicas : placed) {
    std::set<std::string> racks;
    for (const BrokerId b : replicas) racks.insert(brokers[static_cast<std::size_t>(b.value() - 1)].rack);
    CHECK(racks.size() == 3);
  }
}

namespace {
class HeartbeatCounter final : public WorldObserver {
 public:
  explicit HeartbeatCounter(NodeId broker) : broker_(broker) {}
  using WorldObserver::on;
  void on(const EventStamp& s, const MessageSent& e) override {
    if (s.node == broker_ && e.label == "BrokerHeartbeat") ++count;
  }
  int count = 0;

 private:
  NodeId broker_;
};
}  // namespace

TEST_CASE("controller session: a broker heartbeats once per interval, also after restarts",
          "[core][controller]") {
  Lab lab;
  HeartbeatCounter counter(lab.cluster.broker(2).id());
  lab.cluster.sim().events().attach(counter);
  for (int i = 0; i < 3; ++i) {
    lab.cluster.sim().stop(lab.cluster.broker(2).id(), StopKind::process_crash);
    lab.cluster.sim().start(lab.cluster.broker(2).id());
    lab.run(seconds(1));
  }
  counter.count = 0;
  lab.run(seconds(20));
  CHECK(counter.count >= 9);  // heartbeat.interval.ms is 2 s
  CHECK(counter.count <= 11);
  CHECK_FALSE(lab.cluster.controller().image().broker(2)->fenced);
}

TEST_CASE("controller quorum lost: no elections happen until a majority of controllers is back",
          "[core][replication][controller]") {
  Lab lab(topic_config(1), {1, 2, 3});
  // Two of the three controllers down: the survivor cannot be elected, nor stay active.
  lab.cluster.sim().stop(lab.cluster.controller(1).id(), StopKind::process_crash);
  lab.cluster.sim().stop(lab.cluster.controller(2).id(), StopKind::process_crash);
  lab.stop(1, StopKind::process_crash);
  lab.run(seconds(30));
  CHECK(lab.cluster.active_controller() == nullptr);
  CHECK(lab.state().leader == 1);  // nobody decided anything: the dead leader is still the leader
  CHECK(lab.state().leader_epoch == 0);
  lab.cluster.sim().start(lab.cluster.controller(1).id());
  lab.run(seconds(15));
  CHECK(lab.state().leader == 2);
  CHECK(lab.state().leader_epoch == 1);
  const int h = lab.client->produce(kOrders, 1, -1);
  lab.run(seconds(1));
  CHECK(lab.client->outcome(h).error == ErrorCode::NONE);
}

TEST_CASE("controller failover: the metadata quorum's invariants hold while the active controller "
          "crashes and comes back, and every member's copy is compared",
          "[core][controller][quorum]") {
  Lab lab(topic_config(1), {1, 2, 3});
  lab.run(seconds(3));
  for (int round = 0; round < 3; ++round) {
    const Controller* active = lab.cluster.active_controller();
    REQUIRE(active != nullptr);
    const NodeId crashed = active->id();
    lab.cluster.sim().stop(crashed, StopKind::power_loss);  // KRaft fsyncs its log: nothing is lost
    lab.run(seconds(6));
    REQUIRE(lab.cluster.active_controller() != nullptr);
    CHECK(lab.cluster.active_controller()->id() != crashed);
    lab.cluster.sim().start(crashed);
    lab.run(seconds(3));
  }
  // The checker saw the whole log committed (a NoOp every 500 ms at least) and found nothing.
  CHECK(lab.checker.metadata_records_checked() >= 30);
  CHECK(lab.checker.violations().empty());
  const int h = lab.client->produce(kOrders, 1, -1);
  lab.run(seconds(1));
  CHECK(lab.client->outcome(h).error == ErrorCode::NONE);
}
