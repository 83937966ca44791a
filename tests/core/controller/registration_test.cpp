// Brokers and the controller as Kafka 4.x runs them: incarnations and DUPLICATE_BROKER_REGISTRATION,
// fenced until caught up, unclean shutdowns and eligible leader replicas, controlled shutdown, and
// preferred leaders coming back.
#include <catch2/catch.hpp>

#include "../broker/replication_lab.hpp"
#include "core/event/kafka_observer.hpp"

using namespace ksim::core;
using namespace ksim::sim;

using Lab = ksim::core::testing::ReplicationLab;
using ksim::core::testing::ids_in_log;
using ksim::core::testing::kOrders;
using ksim::core::testing::topic_config;

namespace {

// What the controller reported, in order.
class ControllerLog final : public KafkaObserver {
 public:
  using KafkaObserver::on;
  void on(const EventStamp& s, const BrokerRegistered& e) override { registered.push_back({s.time, e.broker, e.clean}); }
  void on(const EventStamp& s, const BrokerRegistrationRefused& e) override {
    if (e.error == ErrorCode::DUPLICATE_BROKER_REGISTRATION) refused.push_back({s.time, e.broker, false});
  }
  void on(const EventStamp& s, const BrokerFenced& e) override { fenced.push_back({s.time, e.broker, false}); }
  void on(const EventStamp& s, const BrokerUnfenced& e) override { unfenced.push_back({s.time, e.broker, false}); }
  void on(const EventStamp& s, const BrokerControlledShutdown& e) override {
    shutdowns.push_back({s.time, e.broker, false});
  }
  void on(const EventStamp& s, const LeaderElected& e) override {
    if (e.state.tp == kOrders) elections.push_back({s.time, e.state.leader, e.kind, e.state.leader_recovering});
  }
  void on(const EventStamp& s, const ksim::sim::NodeStopped& e) override {
    if (e.how == StopKind::process_exit) exits.push_back(s.time);
  }

  struct Entry {
    Time at;
    BrokerId broker;
    bool clean;
  };
  struct Election {
    Time at;
    BrokerId leader;
    ElectionKind kind;
    bool recovering;
  };
  std::vector<Entry> registered, refused, fenced, unfenced, shutdowns;
  std::vector<Election> elections;
  std::vector<Time> exits;
};

}  // namespace

TEST_CASE("registration: a leader restarted within the session timeout waits for its old session to end",
          "[core][controller]") {
  Lab lab(topic_config(1), {1, 2, 3});
  ControllerLog log;
  lab.cluster.events().attach(log);
  const Time crash = lab.now();
  lab.stop(1, StopKind::process_crash);
  lab.run(seconds(2));
  lab.start(1);
  lab.run(seconds(1));
  // Refused, and the dead incarnation still leads: nobody has decided anything yet.
  CHECK_FALSE(log.refused.empty());
  CHECK(lab.state().leader == 1);
  CHECK(log.elections.empty());
  lab.run(seconds(14));
  // The session ran out (broker.session.timeout.ms, 9 s after its last heartbeat): only then did
  // the leadership move, by the fencing or by the new incarnation's registration, whichever the
  // controller handled first (both take the old run out of the ISR as if fenced).
  REQUIRE_FALSE(log.elections.empty());
  CHECK(log.elections[0].leader == 2);
  CHECK(log.elections[0].at - crash > seconds(7));
  CHECK(log.elections[0].at - crash <= seconds(9) + milliseconds(250));
  REQUIRE(log.registered.size() == 1);
  CHECK(log.registered[0].at >= log.elections[0].at);
  CHECK_FALSE(log.registered[0].clean);  // it crashed: no clean-shutdown mark
  // The refusals came with a growing backoff: 100 ms, 200 ms, 400 ms, ... (not every 100 ms).
  CHECK(log.refused.size() >= 5);
  CHECK(log.refused.size() <= 8);
}

TEST_CASE("registration: a refused broker does not act on what the controller says of its old run",
          "[core][controller]") {
  // The leader loses power and comes back at once, empty. Until its old session ends the
  // controller still names broker 1 leader, and pushes that to broker 1's node with any change;
  // the new run, not registered, must not take it up (KRaft brokers apply metadata only after
  // registering). Nor is its empty log a broken invariant: it leads nothing yet.
  Lab lab(topic_config(1), {1, 2, 3});
  lab.client->produce(kOrders, 5, -1);
  lab.run(seconds(1));
  lab.stop(1, StopKind::power_loss);
  lab.start(1);
  lab.run(seconds(1));
  REQUIRE(lab.state().leader == 1);
  REQUIRE(lab.cluster.controller().set_topic_config("orders", topic_config(1)) == ErrorCode::NONE);
  lab.run(milliseconds(100));
  CHECK(lab.replica(1).role() == ReplicaRole::none);
  CHECK(lab.checker.violations().empty());
  lab.run(seconds(12));
  CHECK(lab.state().leader == 2);
  CHECK(lab.checker.violations().empty());
}

TEST_CASE("registration: a registered broker stays fenced until its metadata reaches its registration",
          "[core][controller]") {
  Lab lab(topic_config(1), {1, 2, 3});
  Controller& controller = lab.cluster.controller();
  lab.stop(3, StopKind::process_crash);
  lab.run(seconds(12));  // fenced by now
  REQUIRE(controller.image().broker(3)->fenced);
  // Register a new incarnation by hand, then heartbeat with metadata short of the registration
  // record (whose offset is the broker epoch).
  controller.handle(lab.node(3), BrokerRegistrationRequest{3, "", 4242, -1});
  const std::int64_t epoch = controller.image().broker(3)->epoch;
  REQUIRE(controller.image().broker(3)->fenced);
  controller.handle(lab.node(3), BrokerHeartbeatRequest{3, epoch, epoch - 1, false});
  CHECK(controller.image().broker(3)->fenced);
  controller.handle(lab.node(3), BrokerHeartbeatRequest{3, epoch, epoch, false});
  CHECK_FALSE(controller.image().broker(3)->fenced);
}

TEST_CASE("registration: a broker unfenced after a restart joins the ISR only by catching up", "[core][controller]") {
  Lab lab(topic_config(1), {1, 2, 3});
  ControllerLog log;
  lab.cluster.events().attach(log);
  lab.stop(3, StopKind::process_crash);
  lab.run(seconds(12));
  REQUIRE(lab.state().isr == std::vector<BrokerId>{1, 2});
  for (int i = 0; i < 20; ++i) lab.client->produce(kOrders, 5, -1);
  lab.run(seconds(1));
  lab.start(3);
  lab.run(seconds(3));
  REQUIRE(log.unfenced.size() == 1);
  CHECK(lab.state().isr == std::vector<BrokerId>{1, 2, 3});
  CHECK(lab.replica(3).log().log_end_offset() == lab.replica(1).log().log_end_offset());
}

TEST_CASE("eligible leader replicas: the last ISR member's power loss loses nothing the ELR holds (KIP-966)",
          "[core][controller][elr]") {
  // min.insync.replicas 2. The followers are cut off from the leader, which shrinks the ISR to
  // itself: they become eligible leaders (the high watermark stops below min ISR, so they hold
  // every committed record). Then the leader loses power with records it had not written back.
  const bool elr = GENERATE(true, false);
  INFO((elr ? "eligible.leader.replicas.version 1" : "version 0 (Kafka 4.0)"));
  BrokerConfig broker;
  broker.replica_lag_time_max = seconds(5);
  broker.eligible_leader_replicas = elr;
  Lab lab(topic_config(2), {1, 2, 3}, broker);
  ControllerLog log;
  lab.cluster.events().attach(log);
  std::vector<int> acked;
  for (int i = 0; i < 10; ++i) {
    acked.push_back(lab.client->produce(kOrders, 5, -1));
    lab.run(milliseconds(100));
  }
  lab.run(seconds(1));
  for (const int h : acked) REQUIRE(lab.client->outcome(h).error == ErrorCode::NONE);
  lab.apply(FaultAction::between(lab.now(), FaultKind::partition, {lab.node(1)}, {lab.node(2), lab.node(3)}));
  lab.client->produce(kOrders, 5, -1);  // the followers fall behind (caught-up followers stay in sync)
  lab.run(seconds(10));
  REQUIRE(lab.state().isr == std::vector<BrokerId>{1});
  CHECK(lab.state().elr == (elr ? std::vector<BrokerId>{2, 3} : std::vector<BrokerId>{}));
  lab.stop(1, StopKind::power_loss);
  lab.apply(FaultAction::between(lab.now(), FaultKind::heal, {}, {}));
  lab.run(seconds(2));
  lab.start(1);
  lab.run(seconds(20));
  std::size_t lost = 0;
  for (const int h : acked) {
    for (const std::uint64_t id : lab.client->outcome(h).record_ids) lost += ids_in_log(lab.replica(2)).count(id) == 0;
  }
  if (elr) {
    // Fencing broker 1 emptied the ISR; broker 2, eligible, was elected at once; broker 1's
    // return after an unclean shutdown took it out of the ELR, and it follows.
    REQUIRE_FALSE(log.elections.empty());
    CHECK(log.elections.front().kind == ElectionKind::eligible);
    CHECK(log.elections.front().leader == 2);
    CHECK(lost == 0);
  } else {
    // Broker 1 stayed the ISR's last member; back with what it had written back, it leads again
    // and the followers truncate to it.
    CHECK(lab.state().leader == 1);
    CHECK(lost > 0);
  }
}

TEST_CASE("controlled shutdown: the leader hands over at once, leaves a clean mark, and may restart at once",
          "[core][controller]") {
  Lab lab(topic_config(2), {1, 2, 3});
  ControllerLog log;
  lab.cluster.events().attach(log);
  const Time stop = lab.now();
  lab.cluster.broker(1).shut_down();
  lab.run(seconds(3));
  REQUIRE(log.shutdowns.size() == 1);
  REQUIRE_FALSE(log.elections.empty());
  CHECK(log.elections[0].leader == 2);
  CHECK(log.elections[0].at - stop < milliseconds(100));  // not after the session timeout
  CHECK(lab.state().isr == std::vector<BrokerId>{2, 3});
  // It goes once the other brokers' heartbeats show they have the change: within one
  // broker.heartbeat.interval.ms.
  REQUIRE(log.exits.size() == 1);
  CHECK(log.exits[0] - stop <= seconds(2) + milliseconds(100));
  CHECK_FALSE(lab.cluster.broker(1).running());
  // Everything it had is on disk: nothing to lose.
  CHECK(lab.replica(1).log().flushed_offset() == lab.replica(1).log().log_end_offset());
  // A restart right away is accepted (the old run was in controlled shutdown), and it is clean.
  lab.start(1);
  lab.run(seconds(1));
  CHECK(log.refused.empty());
  REQUIRE(log.registered.size() == 1);
  CHECK(log.registered[0].clean);
  lab.run(seconds(3));
  CHECK(lab.state().isr.size() == 3);
}

TEST_CASE("preferred leaders come back: auto.leader.rebalance.enable", "[core][controller]") {
  const bool rebalance = GENERATE(true, false);
  INFO("auto.leader.rebalance.enable=" << rebalance);
  BrokerConfig broker;
  broker.auto_leader_rebalance = rebalance;
  broker.leader_imbalance_check_interval = seconds(30);
  Lab lab(topic_config(1), {1, 2, 3}, broker);
  ControllerLog log;
  lab.cluster.events().attach(log);
  lab.cluster.broker(1).shut_down();
  lab.run(seconds(3));
  REQUIRE(lab.state().leader == 2);
  REQUIRE_FALSE(lab.cluster.broker(1).running());
  lab.start(1);
  lab.run(seconds(5));
  REQUIRE(lab.state().isr.size() == 3);
  CHECK(lab.state().leader == 2);  // not at once: at the next imbalance check
  lab.run(seconds(30));
  if (rebalance) {
    CHECK(lab.state().leader == 1);
    REQUIRE(log.elections.size() == 2);
    CHECK(log.elections[1].kind == ElectionKind::preferred);
    CHECK(log.elections[1].at - log.elections[0].at == seconds(30));  // scheduled when it became imbalanced
  } else {
    CHECK(lab.state().leader == 2);
  }
}

TEST_CASE("unclean election: the new leader is recovering until it tells the controller", "[core][controller]") {
  BrokerConfig broker;
  broker.replica_lag_time_max = seconds(5);
  Lab lab(topic_config(1, true), {1, 2, 3}, broker);
  lab.apply(FaultAction::between(lab.now(), FaultKind::partition, {lab.node(1)}, {lab.node(2), lab.node(3)}));
  lab.client->produce(kOrders, 5, 1);
  lab.run(seconds(10));  // the ISR shrinks to broker 1
  REQUIRE(lab.state().isr == std::vector<BrokerId>{1});
  lab.stop(1, StopKind::process_crash);
  lab.apply(FaultAction::between(lab.now(), FaultKind::heal, {}, {}));
  ControllerLog log;
  lab.cluster.events().attach(log);
  lab.run(seconds(12));
  REQUIRE(log.elections.size() == 1);
  CHECK(log.elections[0].kind == ElectionKind::unclean);
  CHECK(log.elections[0].leader == 2);
  CHECK(log.elections[0].recovering);
  CHECK(lab.state().leader == 2);
  CHECK_FALSE(lab.state().leader_recovering);
}
