#include <catch2/catch.hpp>

#include "sim/simulation.hpp"
#include "test_nodes.hpp"

using namespace ksim::sim;
using ksim::sim::testing::ProbeNode;

TEST_CASE("nodes: a crashed incarnation's timers never fire, not even after a restart",
          "[sim][node]") {
  Simulation sim(1);
  ProbeNode& node = sim.add_node<ProbeNode>("node:a");
  sim.start(node.id());
  int old_fired = 0;
  int new_fired = 0;
  node.after(milliseconds(10), [&] { ++old_fired; });
  node.after(milliseconds(50), [&] { ++old_fired; });
  sim.run_until(Time::zero() + milliseconds(5));
  sim.stop(node.id(), StopKind::process_crash);
  sim.run_until(Time::zero() + milliseconds(20));
  sim.start(node.id());  // restarts before the second old timer is due
  node.after(milliseconds(40), [&] { ++new_fired; });
  sim.run_until(Time::zero() + seconds(1));

  CHECK(old_fired == 0);
  CHECK(new_fired == 1);
  CHECK(node.incarnation() == 2);
  CHECK(sim.scheduler().dropped_events() == 2);
  CHECK(node.log == std::vector<std::string>{"start 1", "stop process-crash", "start 2"});
}

TEST_CASE("nodes: the node hears how it stopped, so it can decide what survives", "[sim][node]") {
  Simulation sim(1);
  ProbeNode& node = sim.add_node<ProbeNode>("node:a");
  sim.start(node.id());
  sim.stop(node.id(), StopKind::power_loss);
  sim.stop(node.id(), StopKind::process_crash);  // already down: nothing happens
  CHECK_FALSE(node.running());
  CHECK(node.log == std::vector<std::string>{"start 1", "stop power-loss"});
}

TEST_CASE("nodes: a paused node's timers wait and then run in their original order",
          "[sim][node]") {
  Simulation sim(1);
  ProbeNode& node = sim.add_node<ProbeNode>("node:a");
  sim.start(node.id());
  std::vector<std::pair<int, Time>> fired;
  node.after(milliseconds(10), [&] { fired.emplace_back(1, sim.now()); });
  node.after(milliseconds(20), [&] { fired.emplace_back(2, sim.now()); });
  node.after(milliseconds(200), [&] { fired.emplace_back(3, sim.now()); });
  sim.run_until(Time::zero() + milliseconds(5));
  sim.pause(node.id());
  sim.run_until(Time::zero() + milliseconds(100));
  CHECK(fired.empty());
  sim.resume(node.id());
  sim.run_until(Time::zero() + seconds(1));
  REQUIRE(fired.size() == 3);
  CHECK(fired[0] == std::make_pair(1, Time::zero() + milliseconds(100)));
  CHECK(fired[1] == std::make_pair(2, Time::zero() + milliseconds(100)));
  CHECK(fired[2] == std::make_pair(3, Time::zero() + milliseconds(200)));
}

TEST_CASE("nodes: a node crashed while paused loses the work that was waiting", "[sim][node]") {
  Simulation sim(1);
  ProbeNode& node = sim.add_node<ProbeNode>("node:a");
  sim.start(node.id());
  int fired = 0;
  node.after(milliseconds(10), [&] { ++fired; });
  sim.pause(node.id());
  sim.run_until(Time::zero() + milliseconds(20));
  sim.stop(node.id(), StopKind::process_crash);
  sim.start(node.id());
  sim.run_until(Time::zero() + seconds(1));
  CHECK(fired == 0);
  CHECK_FALSE(node.paused());
}

TEST_CASE("nodes: messages to a paused node are delivered in order when it resumes",
          "[sim][node]") {
  Simulation sim(1, LinkParams{milliseconds(1)});
  ProbeNode& a = sim.add_node<ProbeNode>("node:a");
  ProbeNode& b = sim.add_node<ProbeNode>("node:b");
  sim.start(a.id());
  sim.start(b.id());
  sim.pause(b.id());
  a.connect_to(b);  // a paused process's kernel still completes the handshake
  sim.run_until(Time::zero() + milliseconds(2));
  REQUIRE(a.connection_state(b.id()) == ConnectionState::established);
  a.send_to(b, 100, "one");
  a.send_to(b, 100, "two");
  sim.run_until(Time::zero() + milliseconds(30));
  CHECK(b.received_at.empty());
  sim.resume(b.id());
  sim.run_until(Time::zero() + milliseconds(31));
  CHECK(b.log == std::vector<std::string>{"start 1", "got one", "got two"});
  CHECK(b.received_at.front() == Time::zero() + milliseconds(30));
}
