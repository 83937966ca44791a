#include <catch2/catch.hpp>
#include <string>

#include "sim/simulation.hpp"
#include "test_nodes.hpp"

using namespace ksim::sim;
using ksim::sim::testing::ProbeNode;

namespace {

struct Pair {
  explicit Pair(LinkParams params, std::uint64_t seed = 1)
      : sim(seed, params),
        a(sim.add_node<ProbeNode>("node:a")),
        b(sim.add_node<ProbeNode>("node:b")) {
    sim.start(a.id());
    sim.start(b.id());
  }
  Simulation sim;
  ProbeNode& a;
  ProbeNode& b;
};

// Labels must outlive the run, so the test numbers messages from a static table.
const char* const kLabels[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

}  // namespace

TEST_CASE("network: a connection is FIFO even when jitter exceeds the gap between sends",
          "[sim][network]") {
  Pair net(LinkParams{milliseconds(1), milliseconds(5)}, 99);
  std::vector<std::string> expected{"start 1"};
  for (int round = 0; round < 50; ++round) {
    for (const char* label : kLabels) {
      net.a.send_to(net.b, 10, label);
      expected.push_back(std::string("got ") + label);
    }
    net.sim.run_for(microseconds(100));
  }
  net.sim.run_for(seconds(1));
  CHECK(net.b.log == expected);
  // The jitter really spread the arrivals: without FIFO some would have overtaken others.
  const Duration spread = net.b.received_at.back() - net.b.received_at.front();
  CHECK(spread > milliseconds(4));
}

TEST_CASE("network: bandwidth serialises messages and queues them behind each other",
          "[sim][network]") {
  // 1 Mbit/s: 1000 bytes take 8ms on the wire, then 2ms of latency.
  Pair net(LinkParams{milliseconds(2), Duration{}, 1'000'000});
  net.a.send_to(net.b, 1000, "first");
  net.a.send_to(net.b, 1000, "second");
  net.a.send_to(net.b, 500, "third");
  net.sim.run_for(seconds(1));
  REQUIRE(net.b.received_at.size() == 3);
  CHECK(net.b.received_at[0] == Time::zero() + milliseconds(10));  // 8ms + 2ms
  CHECK(net.b.received_at[1] == Time::zero() + milliseconds(18));  // queued: 16ms + 2ms
  CHECK(net.b.received_at[2] == Time::zero() + milliseconds(22));  // 16 + 4 + 2

  // An idle link starts serialising at once: no credit is kept from the past.
  net.a.send_to(net.b, 125, "later");  // 1000 bits = 1ms
  net.sim.run_for(seconds(1));
  CHECK(net.b.received_at[3] == Time::zero() + seconds(1) + milliseconds(3));
}

TEST_CASE("network: a partition drops both ways, a one-way partition one way, heal restores",
          "[sim][network]") {
  Pair net(LinkParams{milliseconds(1)});
  const auto cut = FaultAction::between(Time::zero(), FaultKind::partition, {net.a.id()}, {net.b.id()});
  net.sim.apply(cut);
  net.a.send_to(net.b, 10, "a->b");
  net.b.send_to(net.a, 10, "b->a");
  net.sim.run_for(milliseconds(10));
  CHECK(net.a.received_at.empty());
  CHECK(net.b.received_at.empty());
  CHECK(net.sim.network().stats().dropped_by_partition == 2);

  const auto heal = FaultAction::between(net.sim.now(), FaultKind::heal, {});
  net.sim.apply(heal);
  const auto one_way = FaultAction::between(net.sim.now(), FaultKind::partition_one_way, {net.a.id()});
  net.sim.apply(one_way);
  net.a.send_to(net.b, 10, "a->b");
  net.b.send_to(net.a, 10, "b->a");
  net.sim.run_for(milliseconds(10));
  CHECK(net.b.received_at.empty());
  CHECK(net.a.log.back() == "got b->a");

  net.sim.apply(FaultAction::between(net.sim.now(), FaultKind::heal, {net.b.id()}, {net.a.id()}));
  net.a.send_to(net.b, 10, "a->b");
  net.sim.run_for(milliseconds(10));
  CHECK(net.b.log.back() == "got a->b");
}

TEST_CASE("network: a message in flight when the cut appears is lost", "[sim][network]") {
  Pair net(LinkParams{milliseconds(10)});
  net.a.send_to(net.b, 10, "doomed");
  net.sim.run_for(milliseconds(5));
  net.sim.apply(FaultAction::on_node(net.sim.now(), FaultKind::isolate, net.b.id()));
  net.sim.run_for(milliseconds(20));
  CHECK(net.b.received_at.empty());
  CHECK(net.sim.network().stats().dropped_by_partition == 1);
}

TEST_CASE("network: the loss rate over many messages matches the configured probability",
          "[sim][network]") {
  Pair net(LinkParams{milliseconds(1), Duration{}, 0, 0.1}, 2024);
  for (int i = 0; i < 20'000; ++i) net.a.send_to(net.b, 10, "m");
  net.sim.run_for(seconds(1));
  const NetworkStats& stats = net.sim.network().stats();
  CHECK(stats.dropped_by_loss + stats.delivered == 20'000);
  CHECK(static_cast<double>(stats.dropped_by_loss) == Approx(2'000).margin(150));
  CHECK(net.b.received_at.size() == stats.delivered);

  // The same seed loses exactly the same messages.
  Pair again(LinkParams{milliseconds(1), Duration{}, 0, 0.1}, 2024);
  for (int i = 0; i < 20'000; ++i) again.a.send_to(again.b, 10, "m");
  again.sim.run_for(seconds(1));
  CHECK(again.sim.network().stats().dropped_by_loss == stats.dropped_by_loss);
}

TEST_CASE("network: a slow link overrides the defaults until it is restored", "[sim][network]") {
  Pair net(LinkParams{milliseconds(1)});
  auto slow = FaultAction::between(Time::zero(), FaultKind::set_link, {net.a.id()}, {net.b.id()});
  slow.link = LinkParams{milliseconds(50)};
  net.sim.apply(slow);
  net.a.send_to(net.b, 10, "slow");
  net.sim.run_for(seconds(1));
  CHECK(net.b.received_at.at(0) == Time::zero() + milliseconds(50));

  net.sim.apply(FaultAction::between(net.sim.now(), FaultKind::restore_link, {net.a.id()}));
  const Time sent = net.sim.now();
  net.a.send_to(net.b, 10, "fast");
  net.sim.run_for(seconds(1));
  CHECK(net.b.received_at.at(1) - sent == milliseconds(1));
}

TEST_CASE("network: a process crash resets connections, and the peer hears after one latency",
          "[sim][network]") {
  Pair net(LinkParams{milliseconds(3)});
  net.a.send_to(net.b, 10, "hello");
  net.sim.run_for(milliseconds(10));
  net.b.send_to(net.a, 10, "in-flight");
  net.sim.run_for(milliseconds(1));
  net.sim.stop(net.b.id(), StopKind::process_crash);
  net.sim.run_for(milliseconds(2));
  CHECK(net.a.log.back() == "start 1");  // not yet: the reset takes one latency
  net.sim.run_for(milliseconds(5));
  CHECK(net.a.log == std::vector<std::string>{"start 1", "reset node:b"});
  CHECK(net.sim.network().stats().dropped_by_reset == 1);  // "in-flight" died with the connection
}

TEST_CASE("network: a power loss tells nobody, peers only find out by timeout", "[sim][network]") {
  Pair net(LinkParams{milliseconds(3)});
  net.a.send_to(net.b, 10, "hello");
  net.sim.run_for(milliseconds(10));
  net.sim.stop(net.b.id(), StopKind::power_loss);
  net.a.send_to(net.b, 10, "into the void");
  net.sim.run_for(seconds(1));
  CHECK(net.a.log == std::vector<std::string>{"start 1"});
  CHECK(net.sim.network().stats().dropped_receiver_down == 1);
}

TEST_CASE("network: a node closing its connection drops what flies either way, and the peer hears after one latency",
          "[sim][network]") {
  Pair net(LinkParams{milliseconds(3)});
  net.a.send_to(net.b, 10, "hello");
  net.sim.run_for(milliseconds(10));
  net.a.send_to(net.b, 10, "to b");
  net.b.send_to(net.a, 10, "to a");
  net.sim.run_for(milliseconds(1));
  net.b.close_to(net.a);
  net.sim.run_for(milliseconds(2));
  CHECK(net.a.log.back() == "start 1");  // one latency has not passed
  net.sim.run_for(milliseconds(5));
  CHECK(net.a.log == std::vector<std::string>{"start 1", "reset node:b"});
  CHECK(net.b.log == std::vector<std::string>{"start 1", "got hello"});  // no "to b", and no notice of its own close
  CHECK(net.sim.network().stats().dropped_by_reset == 2);  // both messages died with it
  // Both stay up and talk again on a new connection.
  net.a.send_to(net.b, 10, "again");
  net.sim.run_for(milliseconds(10));
  CHECK(net.b.log.back() == "got again");
}

TEST_CASE("network: a closed connection's notice does not cross a cut", "[sim][network]") {
  Pair net(LinkParams{milliseconds(3)});
  net.a.send_to(net.b, 10, "hello");
  net.sim.run_for(milliseconds(10));
  net.sim.network().block(net.b.id(), net.a.id());
  net.b.close_to(net.a);
  net.sim.run_for(milliseconds(10));
  CHECK(net.a.log == std::vector<std::string>{"start 1"});
}
