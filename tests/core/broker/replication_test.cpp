#include <catch2/catch.hpp>

#include "../connection_closes.hpp"
#include "replication_lab.hpp"

using namespace ksim::core;
using namespace ksim::sim;
using ksim::core::testing::TestClient;
using ksim::core::testing::ids_in_log;

using Lab = ksim::core::testing::ReplicationLab;
using ksim::core::testing::kOrders;
using ksim::core::testing::topic_config;

TEST_CASE("replication: a new topic gets a leader, a full ISR, and replicates writes",
          "[core][replication]") {
  Lab lab;
  CHECK(lab.state().leader == 1);
  CHECK(lab.state().isr.size() == 3);
  const int h = lab.client->produce(kOrders, 5, -1);
  lab.run(seconds(1));
  REQUIRE(lab.client->outcome(h).answered);
  CHECK(lab.client->outcome(h).error == ErrorCode::NONE);
  CHECK(lab.client->outcome(h).base_offset == 0);
  for (BrokerId b : {1, 2, 3}) {
    CHECK(lab.replica(b).log().log_end_offset() == 5);
    CHECK(lab.replica(b).log().high_watermark() == 5);
  }
}

TEST_CASE("acks=1 loses an acknowledged write when the leader crashes before its followers fetch",
          "[core][replication][acks]") {
  Lab lab(topic_config(1));
  lab.client->produce(kOrders, 3, -1);
  lab.run(seconds(1));
  // The followers stop hearing from the leader: it still answers the client.
  lab.apply(FaultAction::between(lab.cluster.sim().now(), FaultKind::partition_one_way,
                                 {lab.node(1)}, {lab.node(2), lab.node(3)}));
  const int doomed = lab.client->produce(kOrders, 2, 1);
  lab.run(milliseconds(100));
  REQUIRE(lab.client->outcome(doomed).answered);
  REQUIRE(lab.client->outcome(doomed).error == ErrorCode::NONE);  // acknowledged
  CHECK(lab.replica(1).log().log_end_offset() == 5);
  CHECK(lab.replica(2).log().log_end_offset() == 3);

  lab.stop(1, StopKind::process_crash);
  lab.apply(FaultAction::between(lab.cluster.sim().now(), FaultKind::heal, {}));
  lab.run(seconds(15));  // the controller fences broker 1 and elects from the ISR
  CHECK(lab.state().leader == 2);
  CHECK(lab.state().leader_epoch == 1);

  lab.start(1);  // the old leader returns, as a follower
  lab.run(seconds(15));
  for (BrokerId b : {1, 2, 3}) {
    INFO("broker " << b);
    const auto ids = ids_in_log(lab.replica(b));
    for (const std::uint64_t id : lab.client->outcome(doomed).record_ids) CHECK(ids.count(id) == 0);
    CHECK(lab.replica(b).log().log_end_offset() == 3);
  }
  CHECK(lab.state().isr.size() == 3);  // broker 1 caught up and rejoined
  // The lost record was acknowledged but never committed: no replication invariant broke.
  CHECK(lab.checker.violations().empty());
}

TEST_CASE("acks=all with min.insync.replicas=2 loses nothing acknowledged in the same crash",
          "[core][replication][acks]") {
  Lab lab(topic_config(2));
  const int before = lab.client->produce(kOrders, 3, -1);
  lab.run(seconds(1));
  REQUIRE(lab.client->outcome(before).error == ErrorCode::NONE);
  lab.apply(FaultAction::between(lab.cluster.sim().now(), FaultKind::partition_one_way,
                                 {lab.node(1)}, {lab.node(2), lab.node(3)}));
  const int pending = lab.client->produce(kOrders, 2, -1);
  lab.run(milliseconds(100));
  CHECK_FALSE(lab.client->outcome(pending).answered);  // waiting for the followers

  lab.stop(1, StopKind::process_crash);
  lab.apply(FaultAction::between(lab.cluster.sim().now(), FaultKind::heal, {}));
  lab.run(seconds(15));
  lab.start(1);
  lab.run(seconds(15));
  const auto acked = lab.client->acked_ids();
  CHECK(acked.size() == 3);
  for (BrokerId b : {1, 2, 3}) {
    const auto ids = ids_in_log(lab.replica(b));
    for (const std::uint64_t id : acked) CHECK(ids.count(id) == 1);
  }
}

TEST_CASE("NOT_ENOUGH_REPLICAS when two of three brokers are down with min.insync.replicas=2",
          "[core][replication][min-isr]") {
  Lab lab(topic_config(2));
  lab.cluster.sim().stop(lab.node(2), StopKind::process_crash);
  lab.cluster.sim().stop(lab.node(3), StopKind::process_crash);
  lab.run(seconds(15));  // fenced; the ISR shrinks to the leader
  CHECK(lab.state().isr == std::vector<BrokerId>{1});
  const int all = lab.client->produce(kOrders, 1, -1);
  const int one = lab.client->produce(kOrders, 1, 1);
  lab.run(seconds(1));
  CHECK(lab.client->outcome(all).error == ErrorCode::NOT_ENOUGH_REPLICAS);
  CHECK(lab.client->outcome(one).error == ErrorCode::NONE);  // acks=1 does not care
  CHECK(lab.replica(1).log().log_end_offset() == 1);         // the refused batch was never written
}

TEST_CASE("strict min ISR: when the ISR shrinks below min.insync.replicas a waiting produce stays invisible and times out",
          "[core][replication][min-isr]") {
  BrokerConfig broker;
  broker.replica_lag_time_max = seconds(2);
  Lab lab(topic_config(3), {1, 2, 3}, broker);
  // Follower 3 stops fetching (its requests no longer reach the leader).
  lab.apply(FaultAction::between(lab.cluster.sim().now(), FaultKind::partition_one_way,
                                 {lab.node(3)}, {lab.node(1)}));
  const int waiting = lab.client->produce(kOrders, 1, -1, seconds(10));
  lab.run(milliseconds(500));
  CHECK_FALSE(lab.client->outcome(waiting).answered);
  lab.run(seconds(5));  // the leader drops broker 3 from the ISR
  CHECK(lab.state().isr.size() == 2);
  // Since Kafka 3.7 the HW stays where it was while the ISR is below min.insync.replicas (3):
  // the record is in two logs, not visible, and the produce waits out its timeout.
  CHECK(lab.replica(1).log().high_watermark() == 0);
  CHECK(lab.replica(1).log().log_end_offset() == 1);
  CHECK_FALSE(lab.client->outcome(waiting).answered);
  lab.run(seconds(6));
  REQUIRE(lab.client->outcome(waiting).answered);
  CHECK(lab.client->outcome(waiting).error == ErrorCode::REQUEST_TIMED_OUT);
}

TEST_CASE("ISR: a follower on a slow link leaves the ISR, catches up after it heals, and rejoins",
          "[core][replication][isr]") {
  BrokerConfig broker;
  broker.replica_lag_time_max = seconds(2);
  Lab lab(topic_config(1), {1, 2, 3}, broker);
  FaultAction slow = FaultAction::between(lab.cluster.sim().now(), FaultKind::set_link,
                                          {lab.node(3)}, {lab.node(1)});
  slow.link = LinkParams{milliseconds(1500)};
  lab.apply(slow);
  for (int i = 0; i < 20; ++i) {
    lab.client->produce(kOrders, 1, -1);
    lab.run(milliseconds(250));
  }
  CHECK(lab.state().isr == std::vector<BrokerId>{1, 2});
  const Offset hw_while_slow = lab.replica(1).log().high_watermark();
  CHECK(hw_while_slow == 20);  // with broker 3 out of the ISR, the HW no longer waits for it

  lab.apply(FaultAction::between(lab.cluster.sim().now(), FaultKind::restore_link, {lab.node(3)}, {lab.node(1)}));
  lab.run(seconds(10));
  CHECK(lab.state().isr.size() == 3);
  CHECK(lab.replica(3).log().log_end_offset() == 20);
  CHECK(lab.checker.violations().empty());
}

TEST_CASE("ISR: the high watermark stalls while a dead follower is still in the ISR, then advances",
          "[core][replication][isr]") {
  BrokerConfig broker;
  broker.replica_lag_time_max = seconds(5);
  broker.session_timeout = seconds(60);  // the controller is slow to notice: only the ISR shrinks
  Lab lab(topic_config(1), {1, 2, 3}, broker);
  lab.cluster.sim().pause(lab.node(3));
  const int h = lab.client->produce(kOrders, 1, -1, seconds(60));
  lab.run(seconds(2));
  CHECK(lab.replica(1).log().high_watermark() == 0);  // stalled on broker 3
  CHECK_FALSE(lab.client->outcome(h).answered);
  lab.run(seconds(6));
  CHECK(lab.state().isr == std::vector<BrokerId>{1, 2});
  CHECK(lab.replica(1).log().high_watermark() == 1);
  CHECK(lab.client->outcome(h).error == ErrorCode::NONE);
}

TEST_CASE("replication: a fetch unanswered past replica.socket.timeout.ms closes the follower's connection, then fetching resumes",
          "[core][replication]") {
  BrokerConfig broker;
  broker.replica_socket_timeout = seconds(2);
  broker.replica_lag_time_max = seconds(60);  // keep the ISR still: this is about the connection
  Lab lab(topic_config(), {1, 2, 3}, broker);
  // Broker 2's fetcher closing its connection to the leader.
  ksim::core::testing::ConnectionCloses closes(lab.node(2), lab.node(1));
  lab.cluster.sim().events().attach(closes);
  // The leader's answers to broker 2 are cut: its fetch goes unanswered.
  lab.apply(FaultAction::between(lab.now(), FaultKind::partition_one_way, {lab.node(1)}, {lab.node(2)}));
  lab.run(seconds(1));
  CHECK(closes.count == 0);
  lab.run(seconds(3));  // replica.socket.timeout.ms plus replica.fetch.wait.max.ms have passed
  CHECK(closes.count >= 1);
  lab.apply(FaultAction::between(lab.now(), FaultKind::heal, {}));
  lab.client->produce(kOrders, 3, -1);
  lab.run(seconds(3));  // after the backoff, a new connection: broker 2 catches up
  CHECK(lab.replica(2).log().log_end_offset() == 3);
}

namespace {
// Counts the heartbeats one broker sends.
struct HeartbeatsSent final : ksim::sim::WorldObserver {
  explicit HeartbeatsSent(ksim::sim::NodeId from) : broker(from) {}
  using ksim::sim::WorldObserver::on;
  void on(const ksim::sim::EventStamp& s, const ksim::sim::MessageSent& e) override {
    count += s.node == broker && e.label == BrokerHeartbeatRequest::kName ? 1 : 0;
  }
  ksim::sim::NodeId broker;
  int count = 0;
};
}  // namespace

TEST_CASE("replication: a broker keeps one heartbeat in flight and closes its controller connection when it times out",
          "[core][replication][connections]") {
  Lab lab(topic_config(), {1, 2, 3});
  const ksim::sim::NodeId controller = lab.cluster.controller().id();
  HeartbeatsSent sent(lab.node(3));
  ksim::core::testing::ConnectionCloses closes(lab.node(3), controller);
  lab.cluster.sim().events().attach(sent);
  lab.cluster.sim().events().attach(closes);
  // The controller's answers to broker 3 are cut for 10 s.
  lab.apply(FaultAction::between(lab.now(), FaultKind::partition_one_way, {controller}, {lab.node(3)}));
  lab.run(seconds(10));
  // Unanswered, the heartbeat waits half the session timeout (4.5 s); then the connection is
  // closed, and the next one, an interval (2 s) later, waits for a new connection whose handshake
  // cannot complete across the cut. An answered broker would have sent five. (The broker's fetch
  // of the metadata log shares the connection here, and closes it too when its own request times
  // out: in Kafka the two use separate channels.)
  CHECK(sent.count == 1);
  CHECK(closes.count >= 1);
  lab.apply(FaultAction::between(lab.now(), FaultKind::heal, {}));
  lab.run(seconds(10));
  CHECK(sent.count > 2);  // the SYN retransmitted after the heal gets through, and heartbeats resume
  lab.cluster.sim().events().detach(sent);
  lab.cluster.sim().events().detach(closes);
}
