#include <catch2/catch.hpp>
#include <string>

#include "sim/simulation.hpp"
#include "test_nodes.hpp"

using namespace ksim::sim;
using ksim::sim::testing::ProbeNode;

namespace {

// Two nodes; each has opened a connection to the other, so both can send requests.
struct Pair {
  explicit Pair(LinkParams params, std::uint64_t seed = 1)
      : sim(seed, params),
        a(sim.add_node<ProbeNode>("node:a")),
        b(sim.add_node<ProbeNode>("node:b")) {
    sim.start(a.id());
    sim.start(b.id());
    a.connect_to(b);
    b.connect_to(a);
    sim.run_for(params.latency * 2 + params.jitter * 2);
    REQUIRE(a.connection_state(b.id()) == ConnectionState::established);
    REQUIRE(b.connection_state(a.id()) == ConnectionState::established);
    a.log.clear();
    b.log.clear();
  }
  Time now() const { return sim.now(); }
  Simulation sim;
  ProbeNode& a;
  ProbeNode& b;
};

// Labels must outlive the run, so the test numbers messages from a static table.
const char* const kLabels[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

FaultAction cut_between(const Simulation& sim, const ProbeNode& x, const ProbeNode& y) {
  return FaultAction::between(sim.now(), FaultKind::partition, {x.id()}, {y.id()});
}

}  // namespace

TEST_CASE("network: a connection is ready after one round trip", "[sim][network]") {
  Simulation sim(1, LinkParams{milliseconds(3)});
  ProbeNode& a = sim.add_node<ProbeNode>("node:a");
  ProbeNode& b = sim.add_node<ProbeNode>("node:b");
  sim.start(a.id());
  sim.start(b.id());
  a.connect_to(b);
  CHECK(a.connection_state(b.id()) == ConnectionState::connecting);
  sim.run_for(seconds(1));
  CHECK(a.log == std::vector<std::string>{"start 1", "ready node:b"});
  CHECK(a.ready_at.at(0) == Time::zero() + milliseconds(6));
  CHECK(sim.network().stats().connections_opened == 1);
  // A request before the handshake has nowhere to go.
  ProbeNode& c = sim.add_node<ProbeNode>("node:c");
  sim.start(c.id());
  c.send_to(b, 10, "too early");
  sim.run_for(seconds(1));
  CHECK(sim.network().stats().dropped_not_connected == 1);
}

TEST_CASE("network: a host whose process is down refuses at once; one without power never answers",
          "[sim][network]") {
  Simulation sim(1, LinkParams{milliseconds(2)});
  ProbeNode& a = sim.add_node<ProbeNode>("node:a");
  ProbeNode& crashed = sim.add_node<ProbeNode>("node:crashed");
  ProbeNode& dark = sim.add_node<ProbeNode>("node:dark");
  for (NodeId id : {a.id(), crashed.id(), dark.id()}) sim.start(id);
  sim.stop(crashed.id(), StopKind::process_crash);
  sim.stop(dark.id(), StopKind::power_loss);
  a.connect_to(crashed);
  a.connect_to(dark);
  sim.run_for(seconds(100));
  // Refused after one round trip; the other SYN is retransmitted at 1, 3, 7, 15, 31 and 63 s.
  REQUIRE(a.reset_at.size() == 1);
  CHECK(a.log.at(1) == "reset node:crashed");
  CHECK(a.reset_at.at(0) == Time::zero() + milliseconds(4));
  CHECK(a.connection_state(dark.id()) == ConnectionState::connecting);
  // tcp_syn_retries: the kernel gives up after 127 s (a Kafka client long before, by its own
  // setup timeout).
  sim.run_for(seconds(100));
  REQUIRE(a.reset_at.size() == 2);
  CHECK(a.log.at(2) == "reset node:dark");
  CHECK(a.reset_at.at(1) == Time::zero() + seconds(127));
  CHECK(sim.network().stats().connections_refused == 1);
  CHECK(sim.network().stats().connections_timed_out == 1);
}

TEST_CASE("network: a handshake across a cut completes at the first SYN after the heal", "[sim][network]") {
  Simulation sim(1, LinkParams{milliseconds(1)});
  ProbeNode& a = sim.add_node<ProbeNode>("node:a");
  ProbeNode& b = sim.add_node<ProbeNode>("node:b");
  sim.start(a.id());
  sim.start(b.id());
  sim.apply(cut_between(sim, a, b));
  a.connect_to(b);
  sim.run_for(seconds(5));
  sim.apply(FaultAction::between(sim.now(), FaultKind::heal, {}));
  sim.run_for(seconds(5));
  // SYNs at 0, 1 and 3 s were lost; the one at 7 s completes one round trip later.
  CHECK(a.ready_at == std::vector<Time>{Time::zero() + seconds(7) + milliseconds(2)});
}

TEST_CASE("network: a connection is FIFO even when jitter exceeds the gap between sends",
          "[sim][network]") {
  Pair net(LinkParams{milliseconds(1), milliseconds(5)}, 99);
  std::vector<std::string> expected;
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
  const Time t0 = net.now();
  net.a.send_to(net.b, 1000, "first");
  net.a.send_to(net.b, 1000, "second");
  net.a.send_to(net.b, 500, "third");
  net.sim.run_for(seconds(1));
  REQUIRE(net.b.received_at.size() == 3);
  CHECK(net.b.received_at[0] == t0 + milliseconds(10));  // 8ms + 2ms
  CHECK(net.b.received_at[1] == t0 + milliseconds(18));  // queued: 16ms + 2ms
  CHECK(net.b.received_at[2] == t0 + milliseconds(22));  // 16 + 4 + 2

  // An idle link starts serialising at once: no credit is kept from the past.
  net.a.send_to(net.b, 125, "later");  // 1000 bits = 1ms
  net.sim.run_for(seconds(1));
  CHECK(net.b.received_at[3] == t0 + seconds(1) + milliseconds(3));
}

TEST_CASE("network: a cut shorter than the timeouts delays messages; none is lost, none duplicated",
          "[sim][network]") {
  Pair net(LinkParams{milliseconds(1)});
  const Time t0 = net.now();
  net.sim.apply(cut_between(net.sim, net.a, net.b));
  net.a.send_to(net.b, 10, "0");
  net.a.send_to(net.b, 10, "1");
  net.b.send_to(net.a, 10, "2");
  net.sim.run_for(seconds(3));
  CHECK(net.b.received_at.empty());
  net.sim.apply(FaultAction::between(net.sim.now(), FaultKind::heal, {}));
  net.sim.run_for(seconds(5));
  CHECK(net.b.log == std::vector<std::string>{"got 0", "got 1"});
  CHECK(net.a.log == std::vector<std::string>{"got 2"});
  // The retransmission timer is 200 ms plus the round trip, doubling: retries at 0.202, 0.606,
  // 1.414 and 3.030 s; the fourth gets through.
  CHECK(net.b.received_at.at(0) == t0 + milliseconds(3031));
  CHECK(net.b.received_at.at(1) == t0 + milliseconds(3031));
  const NetworkStats& stats = net.sim.network().stats();
  CHECK(stats.retransmissions == 8);  // four per direction
  CHECK(stats.dropped_by_reset == 0);
  CHECK(stats.delivered == 3);
}

TEST_CASE("network: a message in flight when the cut appears is retransmitted after the heal",
          "[sim][network]") {
  Pair net(LinkParams{milliseconds(10)});
  net.a.send_to(net.b, 10, "delayed");
  net.sim.run_for(milliseconds(5));
  net.sim.apply(FaultAction::on_node(net.sim.now(), FaultKind::isolate, net.b.id()));
  net.sim.run_for(milliseconds(100));
  net.sim.apply(FaultAction::between(net.sim.now(), FaultKind::heal, {}));
  net.sim.run_for(seconds(1));
  CHECK(net.b.log == std::vector<std::string>{"got delayed"});
  CHECK(net.sim.network().stats().lost_to_cut == 1);
}

TEST_CASE("network: loss only delays: every message arrives, in order, once", "[sim][network]") {
  Pair net(LinkParams{milliseconds(1), Duration{}, 0, 0.1}, 2024);
  for (int i = 0; i < 2'000; ++i) net.a.send_to(net.b, 10, kLabels[i % 10]);
  net.sim.run_for(seconds(60));
  const NetworkStats& stats = net.sim.network().stats();
  REQUIRE(net.b.log.size() == 2'000);
  for (int i = 0; i < 2'000; ++i) CHECK(net.b.log[i] == std::string("got ") + kLabels[i % 10]);
  // Each lost transmission held what followed it until its retransmission got through.
  CHECK(stats.lost_to_loss > 0);
  CHECK(stats.retransmissions >= stats.lost_to_loss);
  CHECK(net.b.received_at.back() - net.b.received_at.front() > milliseconds(200));

  // The same seed loses exactly the same transmissions.
  Pair again(LinkParams{milliseconds(1), Duration{}, 0, 0.1}, 2024);
  for (int i = 0; i < 2'000; ++i) again.a.send_to(again.b, 10, kLabels[i % 10]);
  again.sim.run_for(seconds(60));
  CHECK(again.sim.network().stats().lost_to_loss == stats.lost_to_loss);
  CHECK(again.b.received_at == net.b.received_at);
}

TEST_CASE("network: TCP gives up after about 15 minutes of failed retransmission", "[sim][network]") {
  Pair net(LinkParams{milliseconds(1)});
  const Time t0 = net.now();
  net.sim.apply(cut_between(net.sim, net.a, net.b));
  net.a.send_to(net.b, 10, "never");
  net.sim.run_for(seconds(900));
  CHECK(net.a.log.empty());
  net.sim.run_for(seconds(100));
  // Sixteen timeouts of 0.202 s doubling to 120 s: 926.646 s, the first past tcp_retries2's
  // 924.6 s.
  CHECK(net.a.log == std::vector<std::string>{"reset node:b"});
  CHECK(net.a.reset_at.at(0) == t0 + milliseconds(926'646));
  CHECK(net.a.connection_state(net.b.id()) == ConnectionState::closed);
  CHECK(net.sim.network().stats().connections_timed_out == 1);
}

TEST_CASE("network: a slow link overrides the defaults until it is restored", "[sim][network]") {
  Pair net(LinkParams{milliseconds(1)});
  auto slow = FaultAction::between(net.now(), FaultKind::set_link, {net.a.id()}, {net.b.id()});
  slow.link = LinkParams{milliseconds(50)};
  net.sim.apply(slow);
  Time sent = net.now();
  net.a.send_to(net.b, 10, "slow");
  net.sim.run_for(seconds(1));
  CHECK(net.b.received_at.at(0) - sent == milliseconds(50));

  net.sim.apply(FaultAction::between(net.sim.now(), FaultKind::restore_link, {net.a.id()}));
  sent = net.sim.now();
  net.a.send_to(net.b, 10, "fast");
  net.sim.run_for(seconds(1));
  CHECK(net.b.received_at.at(1) - sent == milliseconds(1));
}

TEST_CASE("network: a server's process crash resets its clients' connections one latency later",
          "[sim][network]") {
  Pair net(LinkParams{milliseconds(3)});
  const Time crash = net.now();
  net.a.send_to(net.b, 10, "in-flight");
  net.sim.stop(net.b.id(), StopKind::process_crash);
  net.sim.run_for(milliseconds(2));
  CHECK(net.a.log.empty());  // not yet: the reset takes one latency
  net.sim.run_for(milliseconds(5));
  CHECK(net.a.log == std::vector<std::string>{"reset node:b"});
  CHECK(net.a.reset_at.at(0) == crash + milliseconds(3));
  CHECK(net.a.connection_state(net.b.id()) == ConnectionState::closed);
  CHECK(net.sim.network().stats().dropped_by_reset >= 1);  // "in-flight" died with the connection
}

TEST_CASE("network: a server without power tells nobody; its host answers with a reset once back",
          "[sim][network]") {
  Pair net(LinkParams{milliseconds(3)});
  net.sim.stop(net.b.id(), StopKind::power_loss);
  net.a.send_to(net.b, 10, "into the dark");
  net.sim.run_for(seconds(10));
  CHECK(net.a.log.empty());
  CHECK(net.a.connection_state(net.b.id()) == ConnectionState::established);
  CHECK(net.sim.network().stats().lost_to_cut >= 2);  // retransmitted, unanswered
  net.sim.start(net.b.id());
  net.sim.run_for(seconds(20));
  // The next retransmission reaches a host that knows no such connection.
  CHECK(net.a.log == std::vector<std::string>{"reset node:b"});
  CHECK(net.b.log == std::vector<std::string>{"stop power-loss", "start 2"});  // nothing reached the new process
}

TEST_CASE("network: a client closing its connection drops what flies either way and tells nobody",
          "[sim][network]") {
  Pair net(LinkParams{milliseconds(3)});
  net.a.send_to(net.b, 10, "to b");
  net.b.reply_to(net.a, 10, "to a");
  net.sim.run_for(milliseconds(1));
  net.a.close_to(net.b);
  net.sim.run_for(milliseconds(10));
  CHECK(net.a.log.empty());
  CHECK(net.b.log.empty());
  CHECK(net.sim.network().stats().dropped_by_reset == 2);
  // A response sent on it afterwards has no connection.
  net.b.reply_to(net.a, 10, "late");
  CHECK(net.sim.network().stats().dropped_not_connected == 1);
  // A new connection works.
  net.a.connect_to(net.b);
  net.sim.run_for(milliseconds(10));
  net.a.send_to(net.b, 10, "again");
  net.sim.run_for(milliseconds(10));
  CHECK(net.b.log == std::vector<std::string>{"got again"});
}

TEST_CASE("network: a server closing a connection: what it sent arrives, then the client hears",
          "[sim][network]") {
  Pair net(LinkParams{milliseconds(3)});
  net.b.reply_to(net.a, 10, "answer");
  net.b.close_accepted(net.a);
  net.sim.run_for(milliseconds(10));
  CHECK(net.a.log == std::vector<std::string>{"got answer", "reset node:b"});
  CHECK(net.a.connection_state(net.b.id()) == ConnectionState::closed);
  // b's own connection to a is another one, and stays.
  CHECK(net.b.connection_state(net.a.id()) == ConnectionState::established);
}

TEST_CASE("network: a close's notice does not cross a cut; the client learns on its next send",
          "[sim][network]") {
  Pair net(LinkParams{milliseconds(3)});
  net.sim.network().block(net.b.id(), net.a.id());
  net.b.close_accepted(net.a);
  net.sim.run_for(milliseconds(10));
  CHECK(net.a.log.empty());
  net.sim.network().unblock(net.b.id(), net.a.id());
  net.a.send_to(net.b, 10, "hello?");
  net.sim.run_for(milliseconds(10));
  CHECK(net.a.log == std::vector<std::string>{"reset node:b"});
  CHECK(net.b.log.empty());
}

TEST_CASE("network: a one-way cut stops one direction only", "[sim][network]") {
  Pair net(LinkParams{milliseconds(1)});
  net.sim.apply(FaultAction::between(net.now(), FaultKind::partition_one_way, {net.a.id()}, {net.b.id()}));
  net.a.send_to(net.b, 10, "a->b");
  net.b.send_to(net.a, 10, "b->a");
  net.sim.run_for(milliseconds(100));
  CHECK(net.b.log.empty());
  CHECK(net.a.log == std::vector<std::string>{"got b->a"});
}
