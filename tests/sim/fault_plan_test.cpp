#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sim/fault_plan.hpp"
#include "sim/simulation.hpp"
#include "test_nodes.hpp"

using namespace ksim::sim;
using ksim::sim::testing::ProbeNode;

namespace {

class FaultRecorder final : public TraceSink {
 public:
  void on_event(const TraceEvent& event) override {
    if (event.kind != "fault.applied") return;
    std::string line = format_time(event.time);
    for (const TraceField& field : event.fields) {
      line += " " + std::string(field.key) + "=";
      line += field.value.type() == TraceValue::Type::text ? std::string(field.value.text())
                                                           : std::to_string(field.value.integer());
    }
    lines.push_back(line);
  }
  std::vector<std::string> lines;
};

FaultAction node_fault(int at_ms, FaultKind kind, NodeId target) {
  return FaultAction::on_node(Time::zero() + milliseconds(at_ms), kind, target);
}

}  // namespace

TEST_CASE("faults: every kind has a scenario name that reads back", "[sim][faults]") {
  for (const FaultKind kind :
       {FaultKind::crash, FaultKind::power_loss, FaultKind::disk_loss, FaultKind::restart, FaultKind::pause,
        FaultKind::resume, FaultKind::partition, FaultKind::partition_one_way, FaultKind::isolate,
        FaultKind::heal, FaultKind::set_link, FaultKind::restore_link}) {
    CHECK(parse_fault_kind(fault_kind_name(kind)) == kind);
  }
  CHECK(fault_kind_name(FaultKind::power_loss) == "power-loss");
  CHECK_FALSE(parse_fault_kind("explode").has_value());
}

TEST_CASE("faults: a plan keeps time order, and same-time actions keep the order they were added",
          "[sim][faults]") {
  FaultPlan plan;
  plan.add(node_fault(30, FaultKind::restart, NodeId{0}));
  plan.add(node_fault(10, FaultKind::crash, NodeId{0}));
  plan.add(node_fault(30, FaultKind::pause, NodeId{1}));
  plan.add(node_fault(20, FaultKind::crash, NodeId{1}));
  std::vector<FaultKind> kinds;
  for (const FaultAction& a : plan.actions()) kinds.push_back(a.kind);
  CHECK(kinds == std::vector<FaultKind>{FaultKind::crash, FaultKind::crash, FaultKind::restart,
                                        FaultKind::pause});
}

TEST_CASE("faults: a scheduled plan is applied at its times, traced, and recorded",
          "[sim][faults]") {
  Simulation sim(5);
  FaultRecorder recorder;
  sim.trace().attach(recorder);
  ProbeNode& a = sim.add_node<ProbeNode>("broker:1");
  ProbeNode& b = sim.add_node<ProbeNode>("broker:2");
  sim.start(a.id());
  sim.start(b.id());

  FaultPlan plan;
  plan.add(node_fault(100, FaultKind::power_loss, a.id()));
  plan.add(node_fault(250, FaultKind::restart, a.id()));
  plan.add(FaultAction::between(Time::zero() + milliseconds(150), FaultKind::partition, {b.id()}));
  sim.schedule(plan);

  sim.run_until(Time::zero() + milliseconds(120));
  CHECK_FALSE(a.running());
  sim.run_until(Time::zero() + milliseconds(200));
  CHECK(sim.network().is_blocked(b.id(), a.id()));
  CHECK(sim.network().is_blocked(a.id(), b.id()));
  sim.run_until(Time::zero() + seconds(1));
  CHECK(a.running());
  CHECK(a.incarnation() == 2);

  CHECK(recorder.lines == std::vector<std::string>{
                              "100ms fault=power-loss target=0",
                              "150ms fault=partition side_a=broker:2 side_b=rest",
                              "250ms fault=restart target=0",
                          });
  REQUIRE(sim.applied_plan().actions().size() == 3);
  CHECK(sim.applied_plan().actions()[1].kind == FaultKind::partition);
}

TEST_CASE("faults: a pause is a stop-the-world pause, not a crash", "[sim][faults]") {
  Simulation sim(5);
  ProbeNode& a = sim.add_node<ProbeNode>("broker:1");
  sim.start(a.id());
  int ticks = 0;
  a.after(milliseconds(10), [&] { ++ticks; });
  sim.apply(node_fault(0, FaultKind::pause, a.id()));
  sim.run_for(milliseconds(50));
  CHECK(ticks == 0);
  CHECK(a.paused());
  sim.apply(node_fault(50, FaultKind::resume, a.id()));
  sim.run_for(milliseconds(1));
  CHECK(ticks == 1);
  CHECK(a.incarnation() == 1);
}
